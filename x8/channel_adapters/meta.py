"""Facebook Messenger and Instagram through Meta's Graph API (SPEC.md R-CH4, PROVIDERS.md §3).

One adapter per platform (``facebook``, ``instagram``); both speak to a Facebook Page with its page token. The
channel's config names the page (``page_id``), the id Meta's webhook uses for it (``meta_account_id``: the page's
id, or its Instagram professional account's), and the pool app it is subscribed to (``meta_app``, ``app_id``).

Meta's one webhook URL serves every page of every pool app, and its signature needs the owning app's secret, which
lives in the vault: so the webhook route is the platform's own (``x8.platform.channels.meta_webhook``), not one
made from ``kind.webhook``; this adapter parses what it stores.
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
    InvalidCredentials,
    SendResult,
    StatusChange,
    WebhookItem,
    WebhookRejected,
    message_items,
)
from x8.integrations.meta.graph import Graph, GraphError, GraphFailure
from x8.kit.i18n import msg
from x8.settings import Settings

MAX_TEXT = 2000  # Messenger and Instagram take at most 2,000 characters per message
MAX_ID = 200
OBJECTS = {"page": "facebook", "instagram": "instagram"}  # the webhook's ``object`` → our platform


def account_id(platform: str, page_id: str, instagram_id: str | None) -> str:
    """The id Meta's webhook names the channel by."""
    return (instagram_id or "") if platform == "instagram" else page_id


def delivered_items(payload: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every messaging item of a delivery, with the platform and the entry id it came under."""
    platform = OBJECTS.get(str(payload.get("object")))
    entries = payload.get("entry")
    if platform is None or not isinstance(entries, list):
        return []
    items = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("messaging"), list):
            continue
        entry_id = str(entry.get("id") or "")
        for item in entry["messaging"]:
            if isinstance(item, dict) and entry_id and len(entry_id) <= MAX_ID:
                items.append((platform, entry_id, item))
    return items


def message_id(item: dict[str, Any]) -> str | None:
    message = item.get("message")
    mid = message.get("mid") if isinstance(message, dict) else None
    return mid if isinstance(mid, str) and 0 < len(mid) <= MAX_ID else None


def is_own_echo(item: dict[str, Any], app_id: str | None) -> bool:
    """An echo of a message this platform sent through its app (it must not pause the bot)."""
    message = item.get("message")
    if not isinstance(message, dict) or message.get("is_echo") is not True:
        return False
    return app_id is not None and str(message.get("app_id") or "") == app_id


class MetaAdapter:
    platform = "facebook"
    kind = ChannelKind(platform="facebook", connect="oauth", connect_path="/api/v1/integrations/meta/login")
    max_text: int | None = MAX_TEXT

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._graph = Graph(settings)

    def configured(self) -> bool:
        return True  # whether the pool has an app for the business is answered at login

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        return None  # the Meta webhook finds channels by page id (x8.platform.channels.meta_webhook)

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]:
        return message_items(channel, self.parse(payload))

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None:
        return None

    async def restart(self, channel: Channel) -> None:
        return None

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None:
        raise WebhookRejected(msg("Meta webhooks are verified with the owning app's secret."))

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        """Subscribe the page to the pool app; the page token is kept in the vault. ``credentials`` carries what
        the login found (page id, name, Instagram id, app); a changed token alone (the vault's edit) keeps the
        rest from the channel's config."""
        config = dict(channel.config or {})
        page_token = str(credentials.get("page_token") or "")
        page_id = str(credentials.get("page_id") or config.get("page_id") or "")
        if not page_token or not page_id:
            raise InvalidCredentials(msg("A page token and a page are needed to connect."))
        try:
            await self._graph.subscribe(page_id, page_token)
        except GraphError as exc:
            if exc.retryable:
                raise
            raise InvalidCredentials(exc.message) from exc
        instagram_id = credentials.get("instagram_id", config.get("instagram_id"))
        name = str(credentials.get("page_name") or config.get("page_name") or page_id)
        config.update(
            page_id=page_id,
            page_name=name,
            instagram_id=instagram_id,
            meta_account_id=account_id(self.platform, page_id, instagram_id),
        )
        for key in ("meta_app", "app_id", "meta_user_id"):
            if credentials.get(key):
                config[key] = str(credentials[key])
        return ConnectResult(
            status=ChannelStatus.CONNECTED, display_name=name, credentials={"page_token": page_token}, config=config
        )

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None:
        page_id, token = (channel.config or {}).get("page_id"), credentials.get("page_token")
        if page_id and token:
            await self._graph.unsubscribe(str(page_id), str(token))

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]:
        """Text messages of a stored delivery. A customer's message comes from ``sender``; an echo (the page's own
        message, ``is_echo``) goes to ``recipient`` and is the business writing (``from_owner``: it pauses the bot).
        Echoes of the platform's own sends are dropped before they are stored. Postbacks, reads, reactions and
        attachments without text are not customer turns."""
        messages = []
        for platform, _entry_id, item in delivered_items(payload):
            message, mid = item.get("message"), message_id(item)
            if not isinstance(message, dict) or mid is None:
                continue
            text = message.get("text")
            echo = message.get("is_echo") is True
            person = item.get("recipient" if echo else "sender")
            person_id = person.get("id") if isinstance(person, dict) else None
            if not isinstance(text, str) or not text or not isinstance(person_id, str | int) or not str(person_id):
                continue
            if len(str(person_id)) > MAX_ID:
                continue
            messages.append(
                InboundMessage(
                    provider_message_id=f"{platform}:{mid}",
                    external_id=str(person_id),
                    text=text,
                    from_owner=echo,
                )
            )
        return messages

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult:
        """One message of at most ``max_text`` characters (a longer reply comes here in pieces)."""
        page_id = str((channel.config or {}).get("page_id") or "")
        token = str(credentials.get("page_token") or "")
        sent = await self._graph.send_text(page_id, token, to, text)
        return SendResult(provider_message_id=f"{self.platform}:{sent}" if sent else None)

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str:
        try:
            await self._graph.check_token(str(credentials.get("page_token") or ""))
        except GraphError as exc:
            if exc.failure == GraphFailure.TOKEN:
                return ChannelStatus.ERROR
            raise
        return ChannelStatus.CONNECTED


class InstagramAdapter(MetaAdapter):
    platform = "instagram"
    kind = ChannelKind(platform="instagram", connect="oauth", connect_path="/api/v1/integrations/meta/login")
