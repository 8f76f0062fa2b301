"""Access to one channel, as a dependency (``channel_id`` from the query): its company must be visible to the
caller, else 404 as if it did not exist. The check's read ends before the endpoint runs, so an endpoint that then
asks the provider (WAHA's QR code) holds no transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.models import Channel
from x8.platform.companies.scope import CompanyScope
from x8.platform.companies.service import get_visible


@dataclass(frozen=True)
class ChannelScope:
    channel: Channel
    company: CompanyScope


async def _whatsapp(
    user: CurrentUser, session: SessionDep, db: DatabaseDep, channel_id: Annotated[uuid.UUID, Query()]
) -> ChannelScope:
    channel = await session.get(Channel, channel_id)
    if channel is None or channel.platform != "whatsapp":
        raise NotFound(msg("Channel not found."))
    try:
        company = await get_visible(session, user, channel.company_id)
    except NotFound as exc:
        raise NotFound(msg("Channel not found.")) from exc
    await session.commit()
    return ChannelScope(channel, CompanyScope(company, db, user))


VisibleWhatsappChannel = Annotated[ChannelScope, Depends(_whatsapp)]
