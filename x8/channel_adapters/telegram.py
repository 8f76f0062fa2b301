"""Telegram Bot API adapter (SPEC.md R-CH2, PROVIDERS.md §1), over httpx to ``TELEGRAM_API_URL``."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from x8.channel_adapters.base import (
    Channel,
    ChannelKind,
    ChannelStatus,
    ConnectField,
    ConnectResult,
    InboundMessage,
    InvalidCredentials,
    ProviderError,
    SendResult,
    StatusChange,
    Webhook,
    WebhookItem,
    WebhookRejected,
    message_items,
)
from x8.kit import http as provider_http
from x8.kit.i18n import msg
from x8.kit.secretbox import new_webhook_secret, secret_matches
from x8.settings import Settings

SECRET_HEADER = "x-telegram-bot-api-secret-token"


class TelegramAdapter:
    platform = "telegram"
    max_text: int | None = 4096  # Bot API sendMessage: 1-4096 characters
    kind = ChannelKind(
        platform="telegram",
        connect="form",
        connect_path="/api/v1/integrations/telegram/connect",
        fields=(
            ConnectField(
                name="bot_token",
                label="Bot token",
                hint="From @BotFather: /newbot, then copy the token it gives you.",
                secret=True,
                pattern=r"^\d+:[A-Za-z0-9_-]+$",
                min_length=20,
            ),
        ),
        webhook=Webhook(
            path="telegram/{channel_id}",
            name="telegram",
            per_channel=True,
            verify_first=False,
            description="Telegram updates; ``X-Telegram-Bot-Api-Secret-Token`` must match the secret set with "
            "setWebhook.",
        ),
    )

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def configured(self) -> bool:
        return True  # the business brings its own bot; Telegram's API is public

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        return None  # the webhook URL names the channel

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]:
        return message_items(channel, self.parse(payload))

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None:
        return None

    async def restart(self, channel: Channel) -> None:
        return None  # nothing to restart: Telegram keeps the webhook

    def webhook_url(self, channel: Channel) -> str:
        return f"{self._settings.public_base_url.rstrip('/')}/api/v1/webhooks/telegram/{channel.id}"

    async def _call(self, token: str, method: str, payload: dict[str, Any] | None = None) -> Any:
        url = f"{self._settings.telegram_api_url.rstrip('/')}/bot{token}/{method}"
        try:
            response = await provider_http.client().post(
                url, json=payload or {}, timeout=provider_http.timeout(self._settings.provider_timeout_seconds)
            )
        except httpx.TimeoutException as exc:
            raise ProviderError(msg("Telegram did not answer in time."), retryable=True) from exc
        except httpx.TransportError as exc:
            raise ProviderError(msg("Telegram could not be reached."), retryable=True) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code < 300 and body.get("ok"):
            return body.get("result")
        description = str(body.get("description") or f"HTTP {response.status_code}")
        retry_after = (body.get("parameters") or {}).get("retry_after")
        retryable = response.status_code == 429 or response.status_code >= 500
        raise ProviderError(
            msg("Telegram: {description}", description=description),
            retryable=retryable,
            retry_after=float(retry_after) if retry_after is not None else None,
            status=response.status_code,
        )

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        token = str(credentials["bot_token"])
        try:
            me = await self._call(token, "getMe")
        except ProviderError as exc:
            if exc.retryable:
                raise
            raise InvalidCredentials(exc.message) from exc
        secret = new_webhook_secret()
        await self._call(
            token,
            "setWebhook",
            {"url": self.webhook_url(channel), "secret_token": secret, "allowed_updates": ["message"]},
        )
        username = me.get("username") or me.get("first_name") or "bot"
        return ConnectResult(
            status=ChannelStatus.CONNECTED,
            display_name=f"@{username}",
            credentials={"bot_token": token},
            webhook_secret=secret,
            config={"bot_id": me.get("id")},
        )

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None:
        await self._call(str(credentials["bot_token"]), "deleteWebhook", {"drop_pending_updates": False})

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None:
        if channel is None or not secret_matches(headers.get(SECRET_HEADER), channel.webhook_secret_hash):
            raise WebhookRejected(msg("The Telegram secret token is missing or wrong."))

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]:
        """A new text message from a person; anything else (edits, joins, callbacks, bots, shapes Telegram does not
        send) is not a customer turn and is acknowledged without being stored."""
        message = payload.get("message")
        if not isinstance(message, dict) or "edited_message" in payload:
            return []
        chat, sender = message.get("chat"), message.get("from")
        text = message.get("text") or message.get("caption")
        chat_id, message_id = (chat or {}).get("id") if isinstance(chat, dict) else None, message.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int) or not isinstance(text, str) or not text:
            return []
        sender = sender if isinstance(sender, dict) else {}
        if sender.get("is_bot"):
            return []
        name = " ".join(str(p) for p in (sender.get("first_name"), sender.get("last_name")) if p)
        language = sender.get("language_code")
        return [
            InboundMessage(
                provider_message_id=f"telegram:{chat_id}:{message_id}",
                external_id=str(chat_id),
                text=text,
                display_name=(name or str(sender.get("username") or ""))[:255],
                language_hint=language[:8] if isinstance(language, str) else None,
            )
        ]

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult:
        result = await self._call(str(credentials["bot_token"]), "sendMessage", {"chat_id": int(to), "text": text})
        return SendResult(provider_message_id=f"telegram:{to}:{result.get('message_id')}")

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str:
        await self._call(str(credentials["bot_token"]), "getMe")
        return ChannelStatus.CONNECTED
