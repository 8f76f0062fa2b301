"""The one interface every channel adapter implements (SPEC.md R-CH7): verify, parse, send, connect, disconnect,
status. Adapters speak HTTP to a base URL from settings; nothing else in the platform knows a provider's wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from x8.channel_adapters.models import Channel


@dataclass(frozen=True)
class InboundMessage:
    """A provider's message, normalized. ``provider_message_id`` is unique per tenant (prefixed by platform and,
    where ids repeat across chats, by chat), and is what de-duplicates redeliveries."""

    provider_message_id: str
    external_id: str  # who wrote: the chat / phone id replies go to
    text: str
    display_name: str = ""
    language_hint: str | None = None
    from_owner: bool = False  # the business itself wrote from its own phone (WAHA fromMe)


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str | None


@dataclass
class ConnectResult:
    status: str
    display_name: str | None = None
    credentials: dict[str, Any] = field(default_factory=dict)
    webhook_secret: str | None = None
    config: dict[str, Any] = field(default_factory=dict)


class ProviderError(Exception):
    """The provider refused or failed. ``retryable`` errors (429, 5xx, timeouts) are retried with backoff,
    honouring ``retry_after`` when the provider gives one; the rest are stored on the message and shown."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


class InvalidCredentials(Exception):
    """What the business gave us does not work (a wrong bot token): a 400 with the provider's words."""


class WebhookRejected(Exception):
    """A webhook that does not prove it comes from the provider: 401/403, nothing stored."""


class ChannelAdapter(Protocol):
    platform: str

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult: ...

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None: ...

    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None: ...

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]: ...

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult: ...

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str: ...
