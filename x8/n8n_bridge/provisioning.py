"""Provisioning a company in n8n through its public API (R-N2): the ``httpHeaderAuth`` credential holding the
company's tenant key, and one Telegram Ingress workflow per Telegram bot, active, with every n8n id recorded.

Idempotent: a binding that is current (same template version, same tenant key, same credential) costs no API
call. A binding is rebuilt when its template version rises, when the tenant key was rotated (a new credential,
the workflows repointed, then the old credential deleted: the public API cannot update a credential), or when it
is not active. No n8n call is made inside a database transaction: the plan is read first, and each binding is
written in its own short transaction right after the call that made it.
"""

from __future__ import annotations

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
from x8.platform.auth.deps import TENANT_KEY_SCOPES
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.tenant_keys import repository as tenant_keys
from x8.settings import Settings

TENANT_KEY_SLOT = "tenant_key"
RETIRED_PREFIX = "retired:"  # a replaced credential, deleted once no workflow uses it
TENANT_KEY_HEADER = "X-X8-Tenant-Key"
TELEGRAM = "telegram"

T = TypeVar("T")


def callback_base_url(settings: Settings) -> str:
    """Where n8n calls X8's tenant-scoped API: ``N8N_CALLBACK_BASE_URL`` (an internal address beside n8n), else the
    public one."""
    return (settings.n8n_callback_base_url or settings.public_base_url).rstrip("/")


def telegram_slot(channel_id: uuid.UUID) -> str:
    return f"{templates.TELEGRAM_INGRESS}:{channel_id}"


def ingress_webhook_path(channel_id: uuid.UUID) -> str:
    """The Telegram Ingress workflow's webhook path (as its template writes it): unique per channel."""
    return f"x8/telegram/{channel_id}"


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
    telegram_channels: tuple[uuid.UUID, ...]
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
        key = await tenant_keys.live_key_value(session, settings.vault_key, company_id)
        if key is None:
            issued = await tenant_keys.issue(
                session, settings.vault_key, company, scopes=TENANT_KEY_SCOPES, created_by=None
            )
            key = issued.key
        found = await tenant_keys.find_live(session, key)
        assert found is not None
        channels = (
            await session.execute(
                select(Channel.id)
                .where(
                    Channel.company_id == company_id,
                    Channel.platform == TELEGRAM,
                    Channel.status == ChannelStatus.CONNECTED,
                )
                .order_by(Channel.created_at)
            )
        ).scalars()
        telegram = tuple(channels)
        human_id = company.company_id
    existing = await bindings.of_company(db, company_id)
    return Plan(company_id, human_id, found.id, key, telegram, existing)


async def provision(db: Database, settings: Settings, api: N8nApi, company_id: uuid.UUID) -> Outcome:
    """Bring the company's n8n objects in line with its plan. Raises ``ProvisioningFailed`` after recording the
    failing binding as ``pending`` (retryable) or ``error``."""
    outcome = Outcome()
    plan = await read_plan(db, settings, company_id)
    if plan is None:
        return outcome
    credential = await _credential(db, api, plan, outcome)
    assert credential.n8n_id is not None
    template = templates.load(templates.TELEGRAM_INGRESS)
    for channel_id in plan.telegram_channels:
        await _telegram_ingress(db, settings, api, plan, credential, template, channel_id, outcome)
    await _remove_stale(db, api, plan, outcome)
    if credential.slot in outcome.changed or any(slot.startswith(RETIRED_PREFIX) for slot in plan.existing):
        await _delete_retired(db, api, plan.company_id, outcome)
    return outcome


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
    """Replaced credentials, deleted in n8n (already gone counts as done), then forgotten."""
    for slot, binding in (await bindings.of_company(db, company_id)).items():
        if not slot.startswith(RETIRED_PREFIX) or binding.n8n_id is None:
            continue
        outcome.calls += 1
        await _n8n(db, company_id, binding, api.delete_credential(binding.n8n_id))
        await bindings.remove(db, company_id, slot)


async def _telegram_ingress(
    db: Database,
    settings: Settings,
    api: N8nApi,
    plan: Plan,
    credential: Binding,
    template: templates.Template,
    channel_id: uuid.UUID,
    outcome: Outcome,
) -> None:
    slot = telegram_slot(channel_id)
    current = plan.existing.get(slot)
    if (
        current is not None
        and current.n8n_id
        and current.template_version == template.version
        and current.source == credential.n8n_id
        and current.status == BindingStatus.ACTIVE
    ):
        return
    assert credential.n8n_id is not None
    name, body = template.render(
        {
            "COMPANY_HUMAN_ID": plan.human_id,
            "COMPANY_ID": str(plan.company_id),
            "CHANNEL_ID": str(channel_id),
            "API_URL": callback_base_url(settings),
            "CREDENTIAL_ID": credential.n8n_id,
            "CREDENTIAL_NAME": credential.name,
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
    outcome.calls += 1
    await _n8n(db, plan.company_id, binding, api.activate(workflow_id))
    await bindings.save(
        db,
        plan.company_id,
        binding.with_(
            template_version=template.version,
            source=credential.n8n_id,
            status=BindingStatus.ACTIVE,
            last_error=None,
        ),
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


async def _remove_stale(db: Database, api: N8nApi, plan: Plan, outcome: Outcome) -> None:
    """Workflows of channels that are gone or no longer connected: deleted in n8n, then forgotten."""
    wanted = {telegram_slot(channel_id) for channel_id in plan.telegram_channels}
    for slot, binding in plan.existing.items():
        if binding.kind != BindingKind.WORKFLOW or slot in wanted:
            continue
        if binding.n8n_id:
            outcome.calls += 1
            await _n8n(db, plan.company_id, binding, api.delete_workflow(binding.n8n_id))
        await bindings.remove(db, plan.company_id, slot)
        outcome.changed.append(slot)


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
