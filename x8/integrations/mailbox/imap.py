"""Reading a mailbox over IMAP4rev1 (RFC 3501) with IMAPClient, in a worker thread: its INBOX (the customers'
mail) and its Sent folder (the business's own replies, written from another mail client).

New mail is found by UID: the channel remembers each folder's ``UIDVALIDITY`` and the last UID it read. On the
first read, or when ``UIDVALIDITY`` changed (the server rebuilt the folder, so old UIDs mean nothing), reading
starts after the newest message: mail that was there before the channel was connected is not answered. Messages
are read with ``BODY.PEEK[]``, so they stay unread for the business's own mail client; one larger than
``MAX_MESSAGE_BYTES`` is read by its headers only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from x8.integrations.mailbox.account import (
    TIMEOUT_SECONDS,
    LoginRefused,
    MailboxAccount,
    MailboxError,
    Security,
    server_words,
    tls_context,
)

SIDE: Final = "IMAP"
INBOX: Final = "INBOX"
MAX_MESSAGE_BYTES: Final = 10 * 1024 * 1024
BATCH: Final = 25  # messages read per folder and sync; the rest wait for the next one
SENT_FLAG: Final = b"\\Sent"  # RFC 6154 SPECIAL-USE
# Where servers without SPECIAL-USE keep sent mail (compared case-insensitively, as the folder's last name part).
SENT_NAMES: Final = ("sent", "sent items", "sent messages", "sent mail", "отправленные")


@dataclass(frozen=True)
class Position:
    """Where reading a folder stopped: its ``UIDVALIDITY`` then (None: never read) and the last UID read."""

    uidvalidity: int | None = None
    last_uid: int = 0
    folder: str | None = None  # the folder's name then (the Sent folder's is looked up each time)


@dataclass(frozen=True)
class FolderRead:
    folder: str
    uidvalidity: int
    last_uid: int  # the highest UID read (or skipped)
    messages: list[tuple[int, bytes]]  # (uid, RFC 5322 bytes), oldest first


@dataclass(frozen=True)
class Fetched:
    inbox: FolderRead
    sent: FolderRead | None  # None: the mailbox has no Sent folder that could be found
    idle: bool  # the server offers IDLE (RFC 2177)


def connect(account: MailboxAccount, *, timeout: float = TIMEOUT_SECONDS) -> IMAPClient:
    """A logged-in connection, or ``MailboxError`` (``refused``: the server said no to the login)."""
    try:
        client = IMAPClient(
            account.imap_host,
            account.imap_port,
            ssl=account.imap_security is Security.SSL,
            ssl_context=tls_context(),
            timeout=timeout,
        )
        if account.imap_security is Security.STARTTLS:
            client.starttls(tls_context())
    except (OSError, ssl.SSLError, IMAPClientError) as exc:
        raise MailboxError(
            SIDE, f"could not connect to {account.imap_host}:{account.imap_port} ({exc})", refused=False
        ) from exc
    try:
        client.login(account.username, account.password)
    except (OSError, ssl.SSLError, IMAPClient.AbortError) as exc:
        close(client)
        raise MailboxError(SIDE, f"the connection failed ({exc})", refused=False) from exc
    except IMAPClientError as exc:  # LoginError, or a NO/BAD to the LOGIN command
        close(client)
        raise LoginRefused(SIDE, f"the login was refused ({server_words(exc.args)})") from exc
    return client


def close(client: IMAPClient) -> None:
    with contextlib.suppress(OSError, ssl.SSLError, IMAPClientError):
        client.logout()


def offers_idle(client: IMAPClient) -> bool:
    """Asked after the login: servers tell more then."""
    return bool(client.has_capability("IDLE"))


def select(client: IMAPClient, folder: str) -> dict[bytes, object]:
    try:
        return dict(client.select_folder(folder, readonly=True))
    except IMAPClient.AbortError:
        raise  # the connection broke: not a refusal
    except IMAPClientError as exc:
        raise MailboxError(SIDE, f"{folder} could not be opened ({server_words(exc.args)})", refused=True) from exc


def check(account: MailboxAccount) -> None:
    """Log in and select INBOX, or raise ``MailboxError``."""
    client = connect(account)
    try:
        select(client, INBOX)
    finally:
        close(client)


def fetch_new(account: MailboxAccount, inbox: Position, sent: Position) -> Fetched:
    """What is new in the INBOX and in the Sent folder since their positions."""
    client = connect(account)
    try:
        inbox_read = _read_folder(client, INBOX, inbox)
        sent_folder = find_sent_folder(client.list_folders())
        # Another folder than last time (renamed, or another chosen): its UIDs are not comparable, start afresh.
        sent_from = sent if sent.folder == sent_folder else Position()
        sent_read = _read_folder(client, sent_folder, sent_from) if sent_folder else None
        return Fetched(inbox_read, sent_read, offers_idle(client))
    except (OSError, ssl.SSLError, IMAPClient.AbortError) as exc:
        raise MailboxError(SIDE, f"the connection failed ({exc})", refused=False) from exc
    except IMAPClientError as exc:
        raise MailboxError(SIDE, f"the server refused ({server_words(exc.args)})", refused=False) from exc
    finally:
        close(client)


def find_sent_folder(folders: Iterable[tuple[Sequence[bytes], bytes | str | None, str]]) -> str | None:
    """The folder LIST marks ``\\Sent``; else the first with a usual name for it (in any language we serve)."""
    listed = list(folders)
    for flags, _delimiter, name in listed:
        if any(flag.lower() == SENT_FLAG.lower() for flag in flags):
            return name
    for _flags, delimiter, name in listed:
        separator = delimiter.decode() if isinstance(delimiter, bytes) else delimiter
        last = name.rsplit(separator, 1)[-1] if separator else name
        if last.strip().lower() in SENT_NAMES:
            return name
    return None


def _read_folder(client: IMAPClient, folder: str, position: Position) -> FolderRead:
    status = select(client, folder)
    validity = _number(status.get(b"UIDVALIDITY"))
    if position.uidvalidity is None or validity != position.uidvalidity:
        uid_next = _number(status.get(b"UIDNEXT"))
        start = (uid_next - 1) if uid_next else max(client.search(["ALL"]), default=0)
        return FolderRead(folder, validity, start, [])
    found = client.search(["UID", f"{position.last_uid + 1}:*"])
    # "n:*" always matches the newest message, even one below n: keep only what is really new.
    uids = sorted(uid for uid in found if uid > position.last_uid)[:BATCH]
    messages = [(uid, _message(client, uid)) for uid in uids]
    return FolderRead(folder, validity, max([position.last_uid, *uids]), messages)


def _number(value: object) -> int:
    return int(value) if isinstance(value, int | str | bytes) and str(value).strip().isdigit() else 0


def _message(client: IMAPClient, uid: int) -> bytes:
    sizes = client.fetch([uid], ["RFC822.SIZE"])
    size = _number(sizes.get(uid, {}).get(b"RFC822.SIZE"))
    section, key = ("BODY.PEEK[HEADER]", b"BODY[HEADER]") if size > MAX_MESSAGE_BYTES else ("BODY.PEEK[]", b"BODY[]")
    data = client.fetch([uid], [section]).get(uid, {}).get(key)
    return data if isinstance(data, bytes) else b""


async def check_async(account: MailboxAccount) -> None:
    await asyncio.to_thread(check, account)


async def fetch_new_async(account: MailboxAccount, inbox: Position, sent: Position) -> Fetched:
    return await asyncio.to_thread(fetch_new, account, inbox, sent)
