"""Behaviour settings API (SPEC.md R-M4): company, channel and scenario levels, versioned, with a preview."""

from __future__ import annotations

import uuid
from dataclasses import replace

from fastapi import APIRouter, Query, Request

from x8.conversations.assistant.behaviour import SCENARIO_OF_INTENT, SCENARIOS, Behaviour, BehaviourSet
from x8.conversations.assistant.choice import assistant_for
from x8.conversations.ports import tenant_kb_search
from x8.kit.db import SessionDep, after_commit
from x8.kit.deps import SettingsDep
from x8.kit.errors import Forbidden, NotFound, error_responses
from x8.kit.i18n import msg
from x8.platform.assistant import service
from x8.platform.assistant.schemas import BehaviourIn, BehaviourOut, PreviewIn, PreviewOut
from x8.platform.audit.service import audit
from x8.platform.channels.service import company_channel
from x8.platform.companies.scope import CompanyScope, EditableCompany, VisibleCompany
from x8.platform.conversations.service import company_profile, forget_company_profile

router = APIRouter(prefix="/api/v1/companies", tags=["assistant"])
ERRORS = error_responses(NotFound, Forbidden)


async def _read(session: SessionDep, company_id: uuid.UUID, scope: str, key: str, version: int | None) -> BehaviourOut:
    row = await (
        service.version(session, company_id, scope, key, version)
        if version is not None
        else service.latest(session, company_id, scope, key)
    )
    if row is None:
        if version is not None:
            raise NotFound(msg("Version {version} does not exist.", version=version))
        return BehaviourOut(scope=scope, key=key, version=0, settings=BehaviourIn(), created_at=None)
    return BehaviourOut(
        scope=scope, key=key, version=row.version, settings=BehaviourIn(**row.settings), created_at=row.created_at
    )


async def _write(
    request: Request,
    session: SessionDep,
    user_id: uuid.UUID,
    company_id: uuid.UUID,
    scope: str,
    key: str,
    body: BehaviourIn,
) -> BehaviourOut:
    row, created = await service.save(session, company_id, scope, key, body.model_dump(), user_id)
    if not created:  # nothing changed: no new version, nothing to forget, nothing to audit
        return BehaviourOut(
            scope=scope, key=key, version=row.version, settings=body, created_at=row.created_at, changed=False
        )

    async def forget() -> None:  # once committed, so the next turn in this process reads the new version
        forget_company_profile(company_id)

    after_commit(session, forget)
    await audit(
        session,
        request,
        user_id,
        "assistant.settings_saved",
        ("company", company_id),
        {"scope": scope, "key": key, "version": row.version},
    )
    return BehaviourOut(
        scope=scope, key=key, version=row.version, settings=body, created_at=row.created_at, changed=True
    )


async def _channel_key(company: CompanyScope, channel_id: uuid.UUID) -> str:
    """The key of the company's channel's settings (a short read of its own: the preview then calls the LLM)."""
    if await company_channel(company.db, company.id, channel_id) is None:
        raise NotFound(msg("Channel not found."))
    return str(channel_id)


def _scenario(name: str) -> str:
    if name not in SCENARIOS:
        raise NotFound(
            msg("Unknown scenario {name!r}; scenarios are: {scenarios}.", name=name, scenarios=", ".join(SCENARIOS))
        )
    return name


@router.get("/{company_id}/assistant", response_model=BehaviourOut, responses=ERRORS)
async def get_company_behaviour(
    company: VisibleCompany, session: SessionDep, version: int | None = Query(None, ge=1)
) -> BehaviourOut:
    """The company-level settings: the latest version, or ``?version=N``."""
    return await _read(session, company.id, "company", "", version)


@router.put("/{company_id}/assistant", response_model=BehaviourOut, responses=ERRORS)
async def put_company_behaviour(
    company: EditableCompany, body: BehaviourIn, request: Request, session: SessionDep
) -> BehaviourOut:
    """Save the company-level settings as a new version (earlier versions stay readable). Settings equal to the
    latest version make no new one: the answer is that version, with ``changed: false``."""
    return await _write(request, session, company.user.id, company.id, "company", "", body)


@router.get("/{company_id}/assistant/channels/{channel_id}", response_model=BehaviourOut, responses=ERRORS)
async def get_channel_behaviour(
    company: VisibleCompany,
    channel_id: uuid.UUID,
    session: SessionDep,
    version: int | None = Query(None, ge=1),
) -> BehaviourOut:
    return await _read(session, company.id, "channel", await _channel_key(company, channel_id), version)


@router.put("/{company_id}/assistant/channels/{channel_id}", response_model=BehaviourOut, responses=ERRORS)
async def put_channel_behaviour(
    company: EditableCompany,
    channel_id: uuid.UUID,
    body: BehaviourIn,
    request: Request,
    session: SessionDep,
) -> BehaviourOut:
    key = await _channel_key(company, channel_id)
    return await _write(request, session, company.user.id, company.id, "channel", key, body)


@router.get("/{company_id}/assistant/scenarios/{name}", response_model=BehaviourOut, responses=ERRORS)
async def get_scenario_behaviour(
    company: VisibleCompany, name: str, session: SessionDep, version: int | None = Query(None, ge=1)
) -> BehaviourOut:
    return await _read(session, company.id, "scenario", _scenario(name), version)


@router.put("/{company_id}/assistant/scenarios/{name}", response_model=BehaviourOut, responses=ERRORS)
async def put_scenario_behaviour(
    company: EditableCompany, name: str, body: BehaviourIn, request: Request, session: SessionDep
) -> BehaviourOut:
    return await _write(request, session, company.user.id, company.id, "scenario", _scenario(name), body)


@router.post("/{company_id}/assistant/preview", response_model=PreviewOut, responses=ERRORS)
async def preview(company: VisibleCompany, body: PreviewIn, settings: SettingsDep) -> PreviewOut:
    """What the assistant would answer to ``text``, with the saved settings or an unsaved ``draft``. Nothing is
    stored and nothing is sent. No transaction is open while the assistant (an LLM, perhaps) answers."""
    profile, kb_ids = await company_profile(company.db, company.id)
    if body.draft is not None:
        draft = Behaviour.from_settings(body.draft.model_dump())
        behaviour = profile.behaviour
        profile = replace(
            profile, behaviour=BehaviourSet(draft.over(behaviour.company), behaviour.channels, behaviour.scenarios)
        )
    if body.channel_id is not None:
        profile = replace(profile, channel_id=await _channel_key(company, body.channel_id))
    search = tenant_kb_search(company.tenant_sessions(), kb_ids, language=profile.language)
    reply = await assistant_for(settings).reply(body.text, [], profile, search, first_reply=False)
    return PreviewOut(
        reply=reply.text,
        intent=reply.intent.value,
        scenario=SCENARIO_OF_INTENT.get(reply.intent),
        language=reply.language,
    )
