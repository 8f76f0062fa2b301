"""The email channel (SPEC.md R-CH5): a company's Gmail (Google OAuth, Gmail API) or any mailbox (IMAP to read,
SMTP to reply). Both are the platform ``email``; the channel's ``config["provider"]`` says which (``gmail`` or
``mailbox``), and its credentials (vault) are Gmail's tokens or the mailbox password.

Mail does not arrive through a shared webhook of the common kind: Gmail's Pub/Sub push only says "something
changed" and the platform then reads Gmail's history, and a mailbox is polled or hears of new mail through IMAP
IDLE. That reading, and storing what it
finds, is ``x8.platform.channels.email_sync``; this adapter connects, checks, disconnects and sends.

A reply answers the customer's latest mail in its thread. Which mail that is lives in the company's tenant schema,
so the platform lends the adapter an ``EmailBook`` (``lend_book``) to look it up, and to keep Gmail tokens that were
refreshed while sending.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any, Protocol

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
    WebhookItem,
    WebhookRejected,
)
from x8.channel_adapters.email_parsing import ThreadRef, build_reply
from x8.integrations.gmail.client import GmailClient
from x8.integrations.google import GoogleError, GoogleNotConfigured, GoogleOAuth, GoogleRefused, GoogleTokens
from x8.integrations.mailbox import imap, smtp
from x8.integrations.mailbox.account import LoginRefused, MailboxAccount, MailboxError
from x8.kit.i18n import msg
from x8.settings import Settings

GMAIL = "gmail"
MAILBOX = "mailbox"
# Config flags of the platform's health tracking (``x8.platform.channels.email_health``: ``sync_failing`` …). A
# reconnect keeps them, so the first sync after it closes the activity entries the failure opened.
HEALTH_FLAG_SUFFIX = "_failing"


class EmailBook(Protocol):
    """What the platform lends the adapter (it imports nothing of the platform)."""

    async def thread(self, channel: Channel, address: str) -> ThreadRef | None:
        """The customer's latest mail on this channel, which a reply answers (None: none known)."""
        ...

    async def keep_credentials(self, channel: Channel, credentials: dict[str, Any]) -> None:
        """Store credentials that changed while in use (Gmail tokens refreshed during a send)."""
        ...

    async def send_outcome(self, channel: Channel, refused_login: str | None) -> None:
        """A reply went out (None), or the mail server refused the channel's login (what it said)."""
        ...


_BOOK: list[EmailBook] = []


def lend_book(book: EmailBook) -> None:
    """Called once by ``x8.platform.channels.email_book`` when it is imported (by the app and the worker)."""
    _BOOK[:] = [book]


def _book() -> EmailBook:
    if not _BOOK:
        raise RuntimeError("x8.platform.channels.email_book was not imported: no email book lent")
    return _BOOK[0]


def google_failure(exc: GoogleError) -> ProviderError:
    if isinstance(exc, GoogleRefused):
        return ProviderError(msg("Gmail: {reason}", reason=exc.message), retryable=False, status=exc.status)
    retry_after = getattr(exc, "retry_after", None)
    return ProviderError(
        msg("Gmail: {reason}", reason=exc.message), retryable=True, retry_after=retry_after or None, status=exc.status
    )


def mailbox_failure(exc: MailboxError) -> ProviderError:
    return ProviderError(msg("{side}: {reason}", side=exc.side, reason=exc.reason), retryable=exc.retryable)


def mailbox_account(channel: Channel, credentials: dict[str, Any]) -> MailboxAccount:
    """The mailbox of a channel: its settings from the channel's config, the password from its credentials."""
    return MailboxAccount.from_config({**channel.config, **credentials}, str(credentials.get("password") or ""))


def mailbox_positions(fetched: imap.Fetched) -> dict[str, Any]:
    """Where the next read of a mailbox starts, as kept in the channel's config."""
    sent = fetched.sent
    return {
        "uidvalidity": fetched.inbox.uidvalidity,
        "last_uid": fetched.inbox.last_uid,
        "sent_folder": sent.folder if sent else None,
        "sent_uidvalidity": sent.uidvalidity if sent else None,
        "sent_last_uid": sent.last_uid if sent else 0,
        "idle": fetched.idle,
    }


def mailbox_reading_from(config: dict[str, Any]) -> tuple[imap.Position, imap.Position]:
    """The INBOX's and the Sent folder's positions from a channel's config (a Sent folder that was renamed or
    found for the first time starts afresh, after its newest mail: ``imap.fetch_new``)."""

    def position(validity: object, last_uid: object, folder: object) -> imap.Position:
        return imap.Position(
            int(str(validity)) if validity is not None else None,
            int(str(last_uid or 0)),
            str(folder) if folder is not None else None,
        )

    return (
        position(config.get("uidvalidity"), config.get("last_uid"), imap.INBOX),
        position(config.get("sent_uidvalidity"), config.get("sent_last_uid"), config.get("sent_folder")),
    )


def gmail_tokens(credentials: dict[str, Any]) -> GoogleTokens:
    try:
        return GoogleTokens.from_dict(credentials.get("tokens") or {})
    except ValueError as exc:
        raise ProviderError(
            msg("Gmail: the stored access is unreadable; connect Gmail again."), retryable=False
        ) from exc


def gmail_credentials(tokens: GoogleTokens) -> dict[str, Any]:
    return {"provider": GMAIL, "tokens": tokens.to_dict()}


class EmailAdapter:
    platform = "email"
    max_text: int | None = None
    kind = ChannelKind(
        platform="email",
        connect="email",
        connect_path="/api/v1/integrations/email/connect",
        fields=(
            ConnectField(name="address", label="Email address", pattern=r"^[^@\s]+@[^@\s]+$", min_length=3),
            ConnectField(name="imap_host", label="IMAP server", hint="imap.example.com"),
            ConnectField(name="imap_port", label="IMAP port", hint="993 (SSL) or 143", pattern=r"^\d{1,5}$"),
            ConnectField(name="imap_security", label="IMAP security", pattern=r"^(ssl|starttls|none)$"),
            ConnectField(name="smtp_host", label="SMTP server", hint="smtp.example.com"),
            ConnectField(name="smtp_port", label="SMTP port", hint="465 (SSL) or 587", pattern=r"^\d{1,5}$"),
            ConnectField(name="smtp_security", label="SMTP security", pattern=r"^(ssl|starttls|none)$"),
            ConnectField(name="username", label="Username"),
            ConnectField(
                name="password", label="Password", hint="An app password where the provider offers one.", secret=True
            ),
        ),
    )

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def configured(self) -> bool:
        return True  # any mailbox can be connected; Gmail also needs Google set up (its auth answers 503 if not)

    # --- connect, disconnect, status ---

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        provider = credentials.get("provider") or channel.config.get("provider")
        if provider == GMAIL:
            result = await self._connect_gmail(credentials)
        elif provider == MAILBOX:
            result = await self._connect_mailbox(channel, credentials)
        else:
            raise InvalidCredentials(msg("Choose Gmail or a mailbox to connect."))
        flags = {k: v for k, v in channel.config.items() if k.endswith(HEALTH_FLAG_SUFFIX) and v}
        return replace(result, config=flags | result.config)

    async def _connect_gmail(self, credentials: dict[str, Any]) -> ConnectResult:
        """Read the address, and ask Gmail to push the inbox's changes (``GMAIL_PUBSUB_TOPIC``; without one, the
        inbox is polled). Reading starts at the current history: older mail is not answered."""
        tokens = gmail_tokens(credentials)
        try:
            async with GmailClient(self._settings, tokens) as gmail:
                profile = await gmail.profile()
                history_id, expiration = str(profile.get("historyId") or ""), None
                if self._settings.gmail_pubsub_topic:
                    history_id, expiration = await gmail.watch(self._settings.gmail_pubsub_topic)
                tokens = gmail.tokens
        except GoogleNotConfigured as exc:
            raise InvalidCredentials(msg("Google is not set up on this server (GOOGLE_CLIENT_ID).")) from exc
        except GoogleRefused as exc:
            raise InvalidCredentials(msg("Gmail: {reason}", reason=exc.message)) from exc
        except GoogleError as exc:
            raise google_failure(exc) from exc
        address = str(profile.get("emailAddress") or "").lower()
        return ConnectResult(
            status=ChannelStatus.CONNECTED,
            display_name=address,
            credentials=gmail_credentials(tokens),
            config={"provider": GMAIL, "address": address, "history_id": history_id, "watch_expiration": expiration},
        )

    async def _connect_mailbox(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        """Both logins are checked before anything is kept; either refusing (or not answering) is a 400 naming
        which. The INBOX's current position is taken, so only mail arriving from now on is answered."""
        try:
            account = mailbox_account(channel, credentials)
        except (KeyError, ValueError) as exc:
            raise InvalidCredentials(msg("The mailbox settings are incomplete.")) from exc
        try:
            fetched = await imap.fetch_new_async(account, imap.Position(), imap.Position())
            await smtp.check_async(account)
        except MailboxError as exc:
            raise InvalidCredentials(msg("{side}: {reason}", side=exc.side, reason=exc.reason)) from exc
        return ConnectResult(
            status=ChannelStatus.CONNECTED,
            display_name=account.address,
            credentials={"provider": MAILBOX, "password": account.password},
            config={"provider": MAILBOX, **account.to_config(), **mailbox_positions(fetched)},
        )

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None:
        """Gmail: stop the push and revoke the access (already revoked counts as done). A mailbox: nothing to undo
        at the server; the password is dropped from the vault."""
        if channel.config.get("provider") != GMAIL or not credentials:
            return
        tokens = gmail_tokens(credentials)
        try:
            async with GmailClient(self._settings, tokens) as gmail:
                await gmail.stop()
                tokens = gmail.tokens
            await GoogleOAuth(self._settings).revoke(tokens)
        except GoogleNotConfigured:
            return
        except GoogleError as exc:
            raise google_failure(exc) from exc

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str:
        try:
            if channel.config.get("provider") == GMAIL:
                async with GmailClient(self._settings, gmail_tokens(credentials)) as gmail:
                    await gmail.profile()
            else:
                await imap.check_async(mailbox_account(channel, credentials))
        except GoogleError as exc:
            raise google_failure(exc) from exc
        except MailboxError as exc:
            raise mailbox_failure(exc) from exc
        return ChannelStatus.CONNECTED

    # --- replies ---

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult:
        """A reply to ``to`` in the thread of their latest mail, from the channel's address."""
        book = _book()
        thread = await book.thread(channel, to)
        reply = build_reply(
            sender=str(channel.config.get("address") or ""),
            sender_name=None,
            to=to,
            text=text,
            thread=thread,
            channel_marker=str(channel.id),
        )
        if channel.config.get("provider") == GMAIL:

            async def keep(tokens: GoogleTokens) -> None:
                await book.keep_credentials(channel, gmail_credentials(tokens))

            try:
                async with GmailClient(self._settings, gmail_tokens(credentials), on_refresh=keep) as gmail:
                    sent = await gmail.send(bytes(reply), thread.thread_id if thread else None)
            except GoogleNotConfigured as exc:
                raise ProviderError(
                    msg("Google is not set up on this server (GOOGLE_CLIENT_ID)."), retryable=False
                ) from exc
            except GoogleError as exc:
                raise google_failure(exc) from exc
            await book.send_outcome(channel, None)
            return SendResult(provider_message_id=f"email:gmail:{sent.get('id')}")
        try:
            await smtp.send_async(mailbox_account(channel, credentials), reply)
        except LoginRefused as exc:
            await book.send_outcome(channel, str(exc))
            raise mailbox_failure(exc) from exc
        except MailboxError as exc:
            raise mailbox_failure(exc) from exc
        await book.send_outcome(channel, None)
        return SendResult(provider_message_id=f"email:{reply['Message-ID']}")

    # --- the common webhook's parts, which email does not use (its push has a route of its own) ---

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None:
        raise WebhookRejected(msg("Email has no webhook of this kind."))

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        return None

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]:
        return []

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]:
        return []

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None:
        return None

    async def restart(self, channel: Channel) -> None:
        return None
