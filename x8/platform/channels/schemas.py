from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from x8.platform.channels.models import Channel


class ConnectOut(BaseModel):
    channel_id: uuid.UUID
    platform: str
    status: str
    conversation_id: uuid.UUID | None = Field(
        None, description="The playground only: the signed-in user's chat on this channel, if they have one."
    )


class CompanyIn(BaseModel):
    company_id: uuid.UUID


class TelegramConnectIn(BaseModel):
    company_id: uuid.UUID
    bot_token: str = Field(min_length=20, max_length=200, pattern=r"^\d+:[A-Za-z0-9_-]+$")


class ConnectFieldOut(BaseModel):
    name: str
    label: str
    hint: str
    secret: bool
    pattern: str | None
    min_length: int


class ConnectFormOut(BaseModel):
    """How the dashboard connects this platform, so it needs no provider branches: ``form`` posts ``fields`` (plus
    ``company_id``) to ``path``; ``qr`` posts ``company_id`` to ``path`` and, while the channel is CONNECTING,
    shows the QR code from ``qr_path?channel_id=``; ``sandbox`` is the playground."""

    kind: str = Field(description="form | qr | sandbox | tiktok (bind the company's WhatsApp channel)")
    path: str | None
    qr_path: str | None
    fields: list[ConnectFieldOut]


class AvailableChannel(BaseModel):
    platform: str
    chosen: bool
    connectable: bool = Field(description="An adapter exists in this build.")
    configured: bool = Field(description="This server has what the platform needs (WhatsApp: a WAHA server).")
    connect: ConnectFormOut | None = Field(None, description="None when the platform cannot be connected yet.")


class AvailableChannels(BaseModel):
    items: list[AvailableChannel]
    limit: int | None
    in_use: int


class ChannelInfo(BaseModel):
    channel_id: uuid.UUID
    company_id: uuid.UUID
    platform: str
    status: str
    display_name: str | None
    last_error: str | None
    error_count: int
    connected_at: datetime | None
    engine: str = Field("native", description='Who answers its turns: "native" or "n8n" (R-N4)')

    @classmethod
    def of(cls, channel: Channel) -> ChannelInfo:
        return cls(
            channel_id=channel.id,
            company_id=channel.company_id,
            platform=channel.platform,
            status=channel.status,
            display_name=channel.display_name,
            last_error=channel.last_error,
            error_count=channel.error_count,
            connected_at=channel.connected_at,
            engine=channel.engine,
        )


class ChannelList(BaseModel):
    items: list[ChannelInfo]
    total: int


class QrOut(BaseModel):
    qr: str = Field(description="data:image/png;base64,…")
