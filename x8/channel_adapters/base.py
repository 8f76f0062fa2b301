"""The one interface every channel adapter implements (SPEC.md R-CH7): verify, parse, send, connect, disconnect,
status. Adapters speak HTTP to a base URL from settings; nothing else in the platform knows a provider's wire.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from x8.kit.i18n import Message, UserFacingError, msg


class ChannelStatus(StrEnum):
    DISCONNECTED = "DISCONNECTED"
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    ERROR = "ERROR"


class Channel(Protocol):
    """What an adapter knows of a connected channel (the control plane's row satisfies it): adapters are leaves and
    import nothing of the platform."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def company_id(self) -> uuid.UUID: ...
    @property
    def platform(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def config(self) -> dict[str, Any]: ...
    @property
    def webhook_secret_hash(self) -> str | None: ...


@dataclass(frozen=True)
class AdReferral:
    """Meta's Click-to-WhatsApp ``referral`` on a customer's first message: the ad (``source_id``) and its click id."""

    ad_id: str
    headline: str = ""
    click_id: str = ""


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
    ad_referral: AdReferral | None = None  # the ad the customer came from (Meta Click-to-WhatsApp), when told


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


class ProviderError(UserFacingError):
    """The provider refused or failed. ``retryable`` errors (429, 5xx, timeouts) are retried with backoff,
    honouring ``retry_after`` when the provider gives one; the rest are stored on the message and shown."""

    def __init__(
        self, message: Message, *, retryable: bool, retry_after: float | None = None, status: int | None = None
    ):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


class InvalidCredentials(UserFacingError):
    """What the business gave us does not work (a wrong bot token): a 400 with the provider's words."""


class WebhookRejected(UserFacingError):
    """A webhook that does not prove it comes from the provider: 401/403, nothing stored."""


@dataclass(frozen=True)
class ConnectField:
    """One field of a connect form, for the dashboard to draw (the Integrations page has no provider branches)."""

    name: str
    label: str
    hint: str = ""
    secret: bool = False
    pattern: str | None = None
    min_length: int = 1


CHANNEL_NOT_FOUND = msg("Channel not found.")


@dataclass(frozen=True)
class Webhook:
    """Where a provider delivers events: ``path`` under ``/api/v1/webhooks/``. ``per_channel``: the URL names the
    channel (``{channel_id}``); otherwise one URL serves every channel and the adapter finds the channel in the
    event (``route``). ``verify_first``: the signature is checked with an app-wide secret before the channel is
    looked up, so an unsigned request learns nothing about which channels exist."""

    path: str
    name: str
    per_channel: bool
    verify_first: bool
    unknown_channel: Message = CHANNEL_NOT_FOUND
    description: str = ""


@dataclass(frozen=True)
class ChannelKind:
    """What the dashboard and the webhook routing need to know of a platform. ``connect``: ``form`` (POST the
    fields to ``connect_path``), ``qr`` (POST, then show the QR from ``qr_path`` while CONNECTING) or ``sandbox``."""

    platform: str
    connect: str
    connect_path: str | None = None
    qr_path: str | None = None
    fields: tuple[ConnectField, ...] = ()
    webhook: Webhook | None = None


@dataclass(frozen=True)
class WebhookItem:
    """Something in a delivery worth storing in the inbox: ``external_id`` unique within the channel, ``lock`` to
    keep order with (one contact's messages), ``message`` False for status events."""

    external_id: str
    lock: str
    message: bool = True


@dataclass(frozen=True)
class StatusChange:
    """A provider's report on the connection itself (WAHA's session.status)."""

    status: str
    lost: bool  # the session is gone and should be restarted (R-CH3)
    description: str
    account: str | None = None  # the connected account's own id, when the provider says (WAHA's ``me``)


def message_items(channel: Channel, messages: list[InboundMessage]) -> list[WebhookItem]:
    """A delivery carrying messages is one inbox event, kept in order with its contact's other messages."""
    if not messages:
        return []
    first = messages[0]
    return [WebhookItem(first.provider_message_id, f"ingest:{channel.id}:{first.external_id}")]


class ChannelAdapter(Protocol):
    platform: str
    kind: ChannelKind
    max_text: int | None  # the most characters one message may have (None: no limit); longer replies go in pieces

    def configured(self) -> bool:
        """This server has what the platform needs (a WAHA URL, say); otherwise connecting is refused."""
        ...

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult: ...

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None: ...

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None: ...

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        """The channel an event of a shared webhook URL is for (None: not one of ours)."""
        ...

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]: ...

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]: ...

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None: ...

    async def restart(self, channel: Channel) -> None: ...

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult: ...

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str: ...
