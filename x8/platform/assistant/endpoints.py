"""Behaviour settings API (SPEC.md R-M4): company, channel and scenario levels, versioned, with a preview."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Query, Request

from x8.conversations.assistant.behaviour import SCENARIO_OF_INTENT, SCENARIOS, Behaviour, BehaviourSet
from x8.conversations.assistant.choice import assistant_for
from x8.kb_engine import search as kb_search
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Forbidden, NotFound, error_responses
from x8.platform.assistant import service
from x8.platform.assistant.schemas import BehaviourIn, BehaviourOut, PreviewIn, PreviewOut
from x8.platform.audit.service import audit
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.models import Channel
from x8.platform.companies.service import get_editable, get_visible
from x8.platform.conversations.service import company_profile, forget_company_profile
from x8.tenancy.session import tenant_session

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
            raise NotFound(f"Version {version} does not exist.")
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
    row = await service.save(session, company_id, scope, key, body.model_dump(), user_id)
    await session.commit()  # then drop the cached profile, so the next turn in this process reads the new version
    forget_company_profile(company_id)
    await audit(
        session,
        request,
        user_id,
        "assistant.settings_saved",
        ("company", company_id),
        {"scope": scope, "key": key, "version": row.version},
    )
    return BehaviourOut(scope=scope, key=key, version=row.version, settings=body, created_at=row.created_at)


async def _channel_key(session: SessionDep, company_id: uuid.UUID, channel_id: uuid.UUID) -> str:
    channel = await session.get(Channel, channel_id)
    if channel is None or channel.company_id != company_id:
        raise NotFound("Channel not found.")
    return str(channel_id)


def _scenario(name: str) -> str:
    if name not in SCENARIOS:
        raise NotFound(f"Unknown scenario {name!r}; scenarios are: {', '.join(SCENARIOS)}.")
    return name


@router.get("/{company_id}/assistant", response_model=BehaviourOut, responses=ERRORS)
async def get_company_behaviour(
    company_id: uuid.UUID, user: CurrentUser, session: SessionDep, version: int | None = Query(None, ge=1)
) -> BehaviourOut:
    """The company-level settings: the latest version, or ``?version=N``."""
    await get_visible(session, user, company_id)
    return await _read(session, company_id, "company", "", version)


@router.put("/{company_id}/assistant", response_model=BehaviourOut, responses=ERRORS)
async def put_company_behaviour(
    company_id: uuid.UUID, body: BehaviourIn, request: Request, user: CurrentUser, session: SessionDep
) -> BehaviourOut:
    """Save the company-level settings as a new version (earlier versions stay readable)."""
    await get_editable(session, user, company_id)
    return await _write(request, session, user.id, company_id, "company", "", body)


@router.get("/{company_id}/assistant/channels/{channel_id}", response_model=BehaviourOut, responses=ERRORS)
async def get_channel_behaviour(
    company_id: uuid.UUID,
    channel_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    version: int | None = Query(None, ge=1),
) -> BehaviourOut:
    await get_visible(session, user, company_id)
    return await _read(session, company_id, "channel", await _channel_key(session, company_id, channel_id), version)


@router.put("/{company_id}/assistant/channels/{channel_id}", response_model=BehaviourOut, responses=ERRORS)
async def put_channel_behaviour(
    company_id: uuid.UUID,
    channel_id: uuid.UUID,
    body: BehaviourIn,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
) -> BehaviourOut:
    await get_editable(session, user, company_id)
    key = await _channel_key(session, company_id, channel_id)
    return await _write(request, session, user.id, company_id, "channel", key, body)


@router.get("/{company_id}/assistant/scenarios/{name}", response_model=BehaviourOut, responses=ERRORS)
async def get_scenario_behaviour(
    company_id: uuid.UUID, name: str, user: CurrentUser, session: SessionDep, version: int | None = Query(None, ge=1)
) -> BehaviourOut:
    await get_visible(session, user, company_id)
    return await _read(session, company_id, "scenario", _scenario(name), version)


@router.put("/{company_id}/assistant/scenarios/{name}", response_model=BehaviourOut, responses=ERRORS)
async def put_scenario_behaviour(
    company_id: uuid.UUID, name: str, body: BehaviourIn, request: Request, user: CurrentUser, session: SessionDep
) -> BehaviourOut:
    await get_editable(session, user, company_id)
    return await _write(request, session, user.id, company_id, "scenario", _scenario(name), body)


@router.post("/{company_id}/assistant/preview", response_model=PreviewOut, responses=ERRORS)
async def preview(
    company_id: uuid.UUID,
    body: PreviewIn,
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> PreviewOut:
    """What the assistant would answer to ``text``, with the saved settings or an unsaved ``draft``. Nothing is
    stored and nothing is sent."""
    await get_visible(session, user, company_id)
    profile, kb_ids = await company_profile(db, company_id)
    if body.draft is not None:
        draft = Behaviour.from_settings(body.draft.model_dump())
        behaviour = profile.behaviour
        profile = replace(
            profile, behaviour=BehaviourSet(draft.over(behaviour.company), behaviour.channels, behaviour.scenarios)
        )
    if body.channel_id is not None:
        profile = replace(profile, channel_id=await _channel_key(session, company_id, body.channel_id))

    async with tenant_session(db, company_id) as ts:

        async def search(query: str, language: str) -> list[dict[str, Any]]:
            return await kb_search.search(ts, kb_ids, query, language=profile.language, limit=5, enough=1)

        reply = await assistant_for(settings).reply(body.text, [], profile, search, first_reply=False)
    return PreviewOut(
        reply=reply.text,
        intent=reply.intent.value,
        scenario=SCENARIO_OF_INTENT.get(reply.intent),
        language=reply.language,
    )
