"""The sandbox ``web`` channel: the dashboard's playground, where a business chats with its own assistant.

There is no provider: the platform stores the reply and the playground reads it from the conversation. Its
webhook is authenticated by the dashboard session of someone who may see the company.
"""

from __future__ import annotations

import uuid
from typing import Any

from x8.channel_adapters.base import (
    Channel,
    ChannelKind,
    ChannelStatus,
    ConnectResult,
    InboundMessage,
    SendResult,
    StatusChange,
    WebhookItem,
    message_items,
)
from x8.settings import Settings


def playground_visitor(user_id: uuid.UUID) -> str:
    """Who a signed-in user is in their playground chat (unless the page names another visitor)."""
    return f"user-{user_id}"


class WebAdapter:
    """The playground: a signed-in user writes as a customer would. Its webhook is the playground's own endpoint
    (``POST /api/v1/webhooks/web/{channel_id}``), not a provider's."""

    platform = "web"
    max_text: int | None = None
    kind = ChannelKind(platform="web", connect="sandbox", connect_path="/api/v1/integrations/web/connect")

    def __init__(self, settings: Settings | None = None) -> None:
        return None

    def configured(self) -> bool:
        return True

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        return None

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]:
        return message_items(channel, self.parse(payload))

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None:
        return None

    async def restart(self, channel: Channel) -> None:
        return None

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        return ConnectResult(status=ChannelStatus.CONNECTED, display_name="Playground")

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None:
        return None

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None:
        return None  # the endpoint requires a signed-in user who can see the company

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]:
        return [
            InboundMessage(
                provider_message_id=f"web:{payload['message_id']}",
                external_id=str(payload["visitor_id"]),
                text=str(payload["text"]),
                display_name=str(payload.get("display_name") or "Playground"),
            )
        ]

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult:
        return SendResult(provider_message_id=None)  # the playground reads the stored reply

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str:
        return ChannelStatus.CONNECTED
