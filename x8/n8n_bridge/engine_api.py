"""``PATCH /api/v1/integrations/channels/{channel_id} {engine}`` (R-N4): who answers a channel's turns, the native
assistant or the company's n8n workflow. Switching to n8n needs its workflow active in n8n (409 says why not)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from x8.kit.client import client_ip
from x8.kit.db import SessionDep, after_commit
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Conflict, Forbidden, NotFound, error_responses
from x8.kit.i18n import msg
from x8.n8n_bridge import engine
from x8.platform.audit.service import record
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.cache import forget_channel
from x8.platform.channels.models import Channel
from x8.platform.channels.schemas import ChannelInfo
from x8.platform.companies.service import get_editable

router = APIRouter(prefix="/api/v1/integrations", tags=["integrations"])


class EngineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: Literal["native", "n8n"]


@router.patch(
    "/channels/{channel_id}", response_model=ChannelInfo, responses=error_responses(NotFound, Forbidden, Conflict)
)
async def set_engine(
    channel_id: uuid.UUID,
    body: EngineIn,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> ChannelInfo:
    """Run the channel on the native engine (the default) or on the company's n8n workflow. 409 when n8n cannot
    take it yet: n8n not connected to this server, no workflow for the platform, or the workflow not active."""
    channel = await session.get(Channel, channel_id, with_for_update=True)
    if channel is None:
        raise NotFound(msg("Channel not found."))
    try:
        await get_editable(session, user, channel.company_id)
    except NotFound as exc:
        raise NotFound(msg("Channel not found.")) from exc
    if body.engine == engine.N8N and channel.engine != engine.N8N:
        reason = await engine.not_ready_reason(db, settings, channel)  # the bindings: a read, no n8n call
        if reason is not None:
            raise Conflict(reason)
    if channel.engine != body.engine:
        channel.engine = body.engine
        await record(
            session,
            actor_id=user.id,
            action="channel.engine",
            target_type="channel",
            target_id=str(channel.id),
            ip=client_ip(request),
            details={"engine": body.engine},
        )
        await session.flush()
    company_id = channel.company_id

    async def forget() -> None:  # committed: this process's next turn reads the switch
        engine.forget_engines(company_id)
        forget_channel(channel_id)

    after_commit(session, forget)
    return ChannelInfo.of(channel)
