"""Provisioning a company in n8n through its public API (R-N2): the ``httpHeaderAuth`` credential holding the
company's tenant key, and one ingress workflow per connected channel whose platform has one (Telegram, WhatsApp,
Facebook, Instagram, email), active, with every n8n id recorded.

Idempotent: a binding that is current (same template version, same tenant key, same credential) costs no API
call. A binding is rebuilt when its template version rises, when the tenant key was rotated (a new credential,
the workflows repointed, then the old credential deleted: the public API cannot update a credential), or when it
is not active. No n8n call is made inside a database transaction: the plan is read first, and each binding is
written in its own short transaction right after the call that made it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select

from x8.channel_adapters.base import ChannelStatus
from x8.integrations.n8n import N8nApi, N8nNotFound, N8nRefused, N8nUnavailable
from x8.kit.db import Database
from x8.n8n_bridge import bindings, templates
from x8.n8n_bridge.bindings import Binding
from x8.n8n_bridge.models import BindingKind, BindingStatus
from x8.n8n_bridge.naming import TENANT_KEY_HEADER, TENANT_KEY_SLOT, callback_base_url, ingress_slot
from x8.platform.auth.deps import TENANT_KEY_SCOPES
from x8.platform.channels.cache import channel_secret
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.tenant_keys import repository as tenant_keys
from x8.platform.vault.keys import vault_keys
from x8.settings import Settings

RETIRED_PREFIX = "retired:"  # a replaced credential, deleted once no workflow uses it
TELEGRAM_API_PREFIX = "telegram_api:"
TELEGRAM = "telegram"
MAIN_GENERATION_PLACEHOLDER = "MAIN_GENERATION_ID"
# What the instance's shared objects (Main Generation) are recorded under: no company has this id.
INSTANCE = uuid.UUID(int=0)

T = TypeVar("T")


class ProvisioningFailed(Exception):
    """Provisioning stopped. ``retryable``: n8n was unreachable or not ready, so a later run may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class Plan:
    """What the company should have in n8n, read in one transaction."""

    company_id: uuid.UUID
    human_id: str
    key_id: uuid.UUID
    key: str
    ingress_channels: tuple[tuple[uuid.UUID, str], ...]  # (channel id, platform) of connected channels with an ingress
    existing: dict[str, Binding]


@dataclass
class Outcome:
    calls: int = 0
    changed: list[str] = field(default_factory=list)


async def read_plan(db: Database, settings: Settings, company_id: uuid.UUID) -> Plan | None:
    """The company's plan, or None when the company is gone. A company without a live tenant key gets one here:
    n8n needs it, and the business can always rotate it (which re-provisions)."""
    async with db.sessions() as session, session.begin():
        company = await session.get(Company, company_id)
        if company is None:
            return None
        key = await tenant_keys.live_key_value(session, vault_keys(settings), company_id)
        if key is None:
            issued = await tenant_keys.issue(
                session, vault_keys(settings), company, scopes=TENANT_KEY_SCOPES, created_by=None
            )
            key = issued.key
        found = await tenant_keys.find_live(session, key)
        assert found is not None
        channels = await session.execute(
            select(Channel.id, Channel.platform)
            .where(
                Channel.company_id == company_id,
                Channel.platform.in_(templates.WORKFLOWS_BY_PLATFORM),
                # A WhatsApp channel is CONNECTING until its QR code is scanned: its workflow is ready by then.
                Channel.status.in_((ChannelStatus.CONNECTED, ChannelStatus.CONNECTING)),
            )
            .order_by(Channel.created_at)
        )
        ingress = tuple((channel_id, platform) for channel_id, platform in channels)
        human_id = company.company_id
    existing = await bindings.of_company(db, company_id)
    return Plan(company_id, human_id, found.id, key, ingress, existing)


async def provision(db: Database, settings: Settings, api: N8nApi, company_id: uuid.UUID) -> Outcome:
    """Bring the company's n8n objects in line with its plan. Raises ``ProvisioningFailed`` after recording the
    failing binding as ``pending`` (retryable) or ``error``."""
    outcome = Outcome()
    plan = await read_plan(db, settings, company_id)
    if plan is None:
        return outcome
    credential = await _credential(db, api, plan, outcome)
    assert credential.n8n_id is not None
    wanted = _wanted(plan)
    main_generation = None
    if any(templates.load(key).needs(MAIN_GENERATION_PLACEHOLDER) for _, _, key in wanted):
        main_generation = await _main_generation(db, api, outcome)
    for channel_id, platform, key in wanted:
        await _workflow(
            db, settings, api, plan, credential, templates.load(key), channel_id, platform, main_generation, outcome
        )
    for channel_id, platform in plan.ingress_channels:
        if platform == TELEGRAM:
            await _telegram_credential(db, settings, api, plan, channel_id, outcome)
    await _remove_stale(db, api, plan, {ingress_slot(key, c) for c, _, key in wanted}, outcome)
    await _delete_retired(db, api, plan.company_id, outcome)
    return outcome


def _wanted(plan: Plan) -> list[tuple[uuid.UUID, str, str]]:
    """(channel id, platform, template key) of every workflow the company's channels should have."""
    return [
        (channel_id, platform, key)
        for channel_id, platform in plan.ingress_channels
        for key in templates.WORKFLOWS_BY_PLATFORM[platform]
    ]


async def _credential(db: Database, api: N8nApi, plan: Plan, outcome: Outcome) -> Binding:
    """The tenant key's credential. One made with an older key is kept as a ``retired:`` binding, deleted by
    ``_delete_retired`` once every workflow points at the new one (a failed run leaves it for the next)."""
    current = plan.existing.get(TENANT_KEY_SLOT)
    source = str(plan.key_id)
    if current and current.n8n_id and current.source == source and current.status == BindingStatus.ACTIVE:
        return current
    binding = Binding(
        slot=TENANT_KEY_SLOT,
        kind=BindingKind.CREDENTIAL,
        name=f"X8 · {plan.human_id} · tenant key",
        channel_id=None,
        n8n_id=current.n8n_id if current else None,
        template=None,
        template_version=None,
        source=current.source if current else None,
        status=BindingStatus.PENDING,
        last_error=None,
    )
    if binding.n8n_id and binding.source == source:  # made with this key; only its status was not active
        made = binding.with_(status=BindingStatus.ACTIVE, last_error=None)
        await bindings.save(db, plan.company_id, made)
        return made
    outcome.calls += 1
    new_id = await _n8n(
        db,
        plan.company_id,
        binding,
        api.create_credential(binding.name, "httpHeaderAuth", {"name": TENANT_KEY_HEADER, "value": plan.key}),
    )
    if binding.n8n_id is not None:
        retired = binding.with_(slot=f"{RETIRED_PREFIX}{binding.n8n_id}", name=f"{binding.name} (replaced)")
        await bindings.save(db, plan.company_id, retired)
    made = binding.with_(n8n_id=new_id, source=source, status=BindingStatus.ACTIVE, last_error=None)
    await bindings.save(db, plan.company_id, made)
    outcome.changed.append(TENANT_KEY_SLOT)
    return made


async def _delete_retired(db: Database, api: N8nApi, company_id: uuid.UUID, outcome: Outcome) -> None:
    """Replaced credentials (a rotated tenant key, a bot's new token), deleted in n8n (already gone counts as done)
    once every workflow points at their successor, then forgotten."""
    for slot, binding in (await bindings.of_company(db, company_id)).items():
        if not slot.startswith(RETIRED_PREFIX) or binding.n8n_id is None:
            continue
        outcome.calls += 1
        await _n8n(db, company_id, binding, api.delete_credential(binding.n8n_id))
        await bindings.remove(db, company_id, slot)


async def _workflow(
    db: Database,
    settings: Settings,
    api: N8nApi,
    plan: Plan,
    credential: Binding,
    template: templates.Template,
    channel_id: uuid.UUID,
    platform: str,
    main_generation: str | None,
    outcome: Outcome,
) -> None:
    """One of a channel's workflows (its ingress, Gmail Output), made or brought up to date. ``source`` records the
    credential (and the shared Main Generation) it points at, so a rotation is noticed without asking n8n."""
    slot = ingress_slot(template.key, channel_id)
    current = plan.existing.get(slot)
    source = credential.n8n_id if main_generation is None else f"{credential.n8n_id}:{main_generation}"
    if (
        current is not None
        and current.n8n_id
        and current.template_version == template.version
        and current.source == source
        and current.status == BindingStatus.ACTIVE
    ):
        return
    assert credential.n8n_id is not None
    name, body = template.render(
        {
            "COMPANY_HUMAN_ID": plan.human_id,
            "COMPANY_ID": str(plan.company_id),
            "CHANNEL_ID": str(channel_id),
            "PLATFORM": platform,
            "PLATFORM_TITLE": platform.title(),
            "API_URL": callback_base_url(settings),
            "CREDENTIAL_ID": credential.n8n_id,
            "CREDENTIAL_NAME": credential.name,
            **({MAIN_GENERATION_PLACEHOLDER: main_generation} if main_generation else {}),
        }
    )
    body["name"] = name
    binding = Binding(
        slot=slot,
        kind=BindingKind.WORKFLOW,
        name=name,
        channel_id=channel_id,
        n8n_id=current.n8n_id if current else None,
        template=template.key,
        template_version=current.template_version if current else None,
        source=current.source if current else None,
        status=BindingStatus.PENDING,
        last_error=None,
    )
    # A row without an id means an earlier run may have created the workflow and died before recording it: only
    # then is it worth listing n8n's workflows to find it. The row is written before creating, to leave that mark.
    may_exist = current is not None and current.n8n_id is None
    if binding.n8n_id is None and current is None:
        await bindings.save(db, plan.company_id, binding)
    workflow_id = await _n8n(
        db, plan.company_id, binding, _put_workflow(api, binding.n8n_id, name, body, outcome, may_exist=may_exist)
    )
    binding = binding.with_(n8n_id=workflow_id)
    if template.activate:
        outcome.calls += 1
        await _n8n(db, plan.company_id, binding, api.activate(workflow_id))
    await bindings.save(
        db,
        plan.company_id,
        binding.with_(template_version=template.version, source=source, status=BindingStatus.ACTIVE, last_error=None),
    )
    outcome.changed.append(slot)


async def _put_workflow(
    api: N8nApi,
    workflow_id: str | None,
    name: str,
    body: dict[str, object],
    outcome: Outcome,
    *,
    may_exist: bool,
) -> str:
    """Replace the recorded workflow, or make it. When ``may_exist``, one of the same name (made by a run that died
    before recording its id) is adopted first, so a re-run never leaves a duplicate."""
    if workflow_id is not None:
        outcome.calls += 1
        try:
            await api.update_workflow(workflow_id, body)
            return workflow_id
        except N8nNotFound:
            pass  # deleted in n8n by hand: make it again
    if may_exist:
        outcome.calls += 1
        for workflow in await api.list_workflows():
            if workflow.get("name") == name and isinstance(workflow.get("id"), str):
                outcome.calls += 1
                await api.update_workflow(str(workflow["id"]), body)
                return str(workflow["id"])
    outcome.calls += 1
    created = await api.create_workflow(body)
    return str(created["id"])


async def _remove_stale(db: Database, api: N8nApi, plan: Plan, wanted: set[str], outcome: Outcome) -> None:
    """Workflows and bot credentials of channels that are gone or no longer connected: deleted in n8n, then
    forgotten."""
    telegram = {channel_id for channel_id, platform in plan.ingress_channels if platform == TELEGRAM}
    for slot, binding in plan.existing.items():
        workflow = binding.kind == BindingKind.WORKFLOW
        if workflow and slot in wanted:
            continue
        if not workflow and not (slot.startswith(TELEGRAM_API_PREFIX) and binding.channel_id not in telegram):
            continue
        if binding.n8n_id:
            outcome.calls += 1
            delete = api.delete_workflow(binding.n8n_id) if workflow else api.delete_credential(binding.n8n_id)
            await _n8n(db, plan.company_id, binding, delete)
        await bindings.remove(db, plan.company_id, slot)
        outcome.changed.append(slot)


async def _telegram_credential(
    db: Database, settings: Settings, api: N8nApi, plan: Plan, channel_id: uuid.UUID, outcome: Outcome
) -> None:
    """The bot's ``telegramApi`` credential, for the company's own workflows that call Telegram (X8's workflows
    reply through X8). A new bot token makes a new credential; the old one is retired, then deleted."""
    token = await channel_secret(db, vault_keys(settings), channel_id)
    if token is None:
        return
    slot = f"{TELEGRAM_API_PREFIX}{channel_id}"
    current = plan.existing.get(slot)
    source = hashlib.sha256(token.encode()).hexdigest()[:32]  # which token it holds, never the token
    if current and current.n8n_id and current.source == source and current.status == BindingStatus.ACTIVE:
        return
    binding = Binding(
        slot=slot,
        kind=BindingKind.CREDENTIAL,
        name=f"X8 · {plan.human_id} · Telegram bot · {channel_id}",
        channel_id=channel_id,
        n8n_id=None,
        template=None,
        template_version=None,
        source=None,
        status=BindingStatus.PENDING,
        last_error=None,
    )
    outcome.calls += 1
    new_id = await _n8n(
        db, plan.company_id, binding, api.create_credential(binding.name, "telegramApi", {"accessToken": token})
    )
    if current is not None and current.n8n_id:
        retired = current.with_(slot=f"{RETIRED_PREFIX}{current.n8n_id}", name=f"{current.name} (replaced)")
        await bindings.save(db, plan.company_id, retired)
    made = binding.with_(n8n_id=new_id, source=source, status=BindingStatus.ACTIVE)
    await bindings.save(db, plan.company_id, made)
    outcome.changed.append(slot)


async def _main_generation(db: Database, api: N8nApi, outcome: Outcome) -> str:
    """The instance's one Main Generation workflow (shared by every company, recorded under ``INSTANCE``), made
    or upgraded in place (its id never changes, so the ingress workflows calling it stay valid). A run that finds
    no record first adopts a workflow of the same name, so companies provisioned side by side share one."""
    template = templates.load(templates.MAIN_GENERATION)
    current = (await bindings.of_company(db, INSTANCE)).get(templates.MAIN_GENERATION)
    fresh = current and current.template_version == template.version and current.status == BindingStatus.ACTIVE
    if current and current.n8n_id and fresh:
        return current.n8n_id
    name, body = template.render({})
    body["name"] = name
    binding = Binding(
        slot=templates.MAIN_GENERATION,
        kind=BindingKind.WORKFLOW,
        name=name,
        channel_id=None,
        n8n_id=current.n8n_id if current else None,
        template=template.key,
        template_version=current.template_version if current else None,
        source=None,
        status=BindingStatus.PENDING,
        last_error=None,
    )
    workflow_id = await _n8n(
        db, INSTANCE, binding, _put_workflow(api, binding.n8n_id, name, body, outcome, may_exist=binding.n8n_id is None)
    )
    await bindings.save(
        db,
        INSTANCE,
        binding.with_(n8n_id=workflow_id, template_version=template.version, status=BindingStatus.ACTIVE),
    )
    outcome.changed.append(templates.MAIN_GENERATION)
    return workflow_id


async def _n8n(db: Database, company_id: uuid.UUID, binding: Binding, call: Awaitable[T]) -> T:
    """Await an n8n call for ``binding``; on failure record why on the binding and raise ``ProvisioningFailed``."""
    try:
        return await call
    except N8nUnavailable as exc:
        await bindings.save(db, company_id, binding.with_(status=BindingStatus.PENDING, last_error=exc.message))
        raise ProvisioningFailed(exc.message, retryable=True) from exc
    except N8nRefused as exc:
        detail = f"{exc.message} ({exc.n8n_message})" if exc.n8n_message else exc.message
        await bindings.save(db, company_id, binding.with_(status=BindingStatus.ERROR, last_error=detail))
        raise ProvisioningFailed(detail, retryable=False) from exc


async def deprovision(db: Database, api: N8nApi, company_id: uuid.UUID) -> Outcome:
    """Delete every n8n object recorded for the company (workflows before the credential they use), forgetting
    each binding once n8n no longer has it. Works from the bindings alone, so it runs after the company is gone."""
    outcome = Outcome()
    recorded = await bindings.of_company(db, company_id)
    for slot, binding in sorted(recorded.items(), key=lambda item: item[1].kind != BindingKind.WORKFLOW):
        if binding.n8n_id is not None:
            outcome.calls += 1
            delete = api.delete_workflow if binding.kind == BindingKind.WORKFLOW else api.delete_credential
            await _n8n(db, company_id, binding, delete(binding.n8n_id))
        await bindings.remove(db, company_id, slot)
        outcome.changed.append(slot)
    return outcome
