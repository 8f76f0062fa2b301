"""Reading a mailbox's INBOX over IMAP4rev1 (RFC 3501) with ``imaplib``, in a worker thread.

New mail is found by UID: the channel remembers the INBOX's ``UIDVALIDITY`` and the last UID it read. On the first
read, or when ``UIDVALIDITY`` changed (the server rebuilt the mailbox, so old UIDs mean nothing), reading starts
after the newest message: mail that was there before the channel was connected is not answered. Messages are read
with ``BODY.PEEK[]``, so they stay unread for the business's own mail client; one larger than ``MAX_MESSAGE_BYTES``
is read by its headers only.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass
from typing import Final

from x8.integrations.mailbox.account import (
    TIMEOUT_SECONDS,
    MailboxAccount,
    MailboxError,
    Security,
    server_words,
    tls_context,
)

SIDE: Final = "IMAP"
MAX_MESSAGE_BYTES: Final = 10 * 1024 * 1024
BATCH: Final = 25  # messages read per poll; the rest wait for the next one


@dataclass(frozen=True)
class Fetched:
    uidvalidity: int
    last_uid: int  # the highest UID read (or skipped)
    messages: list[tuple[int, bytes]]  # (uid, RFC 5322 bytes), oldest first
    idle: bool  # the server offers IDLE (RFC 2177)


def _open(account: MailboxAccount) -> imaplib.IMAP4:
    try:
        if account.imap_security is Security.SSL:
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.imap_host, account.imap_port, ssl_context=tls_context(), timeout=TIMEOUT_SECONDS
            )
        else:
            conn = imaplib.IMAP4(account.imap_host, account.imap_port, timeout=TIMEOUT_SECONDS)
            if account.imap_security is Security.STARTTLS:
                conn.starttls(ssl_context=tls_context())
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as exc:
        raise MailboxError(
            SIDE, f"could not connect to {account.imap_host}:{account.imap_port} ({exc})", refused=False
        ) from exc
    try:
        conn.login(account.username, account.password)
    except imaplib.IMAP4.error as exc:
        _close(conn)
        raise MailboxError(SIDE, f"the login was refused ({server_words(exc.args)})", refused=True) from exc
    except (OSError, ssl.SSLError) as exc:
        _close(conn)
        raise MailboxError(SIDE, f"the connection failed ({exc})", refused=False) from exc
    return conn


def _close(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        conn.logout()


def _number(conn: imaplib.IMAP4, name: str) -> int | None:
    _, data = conn.response(name)
    for item in data or []:
        if isinstance(item, bytes) and item.strip().isdigit():
            return int(item.strip())
    return None


def check(account: MailboxAccount) -> None:
    """Log in and select INBOX, or raise ``MailboxError``."""
    conn = _open(account)
    try:
        kind, data = conn.select("INBOX", readonly=True)
        if kind != "OK":
            raise MailboxError(SIDE, f"INBOX could not be opened ({server_words(data)})", refused=True)
    finally:
        _close(conn)


_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def fetch_new(account: MailboxAccount, uidvalidity: int | None, last_uid: int) -> Fetched:
    conn = _open(account)
    try:
        kind, data = conn.select("INBOX", readonly=True)
        if kind != "OK":
            raise MailboxError(SIDE, f"INBOX could not be opened ({server_words(data)})", refused=True)
        validity = _number(conn, "UIDVALIDITY") or 0
        _, capabilities = conn.capability()  # asked again: servers tell more after the login
        idle = b"IDLE" in b" ".join(c for c in capabilities if isinstance(c, bytes)).upper().split()
        if uidvalidity is None or validity != uidvalidity:
            uid_next = _number(conn, "UIDNEXT")
            start = (uid_next - 1) if uid_next else _highest_uid(conn)
            return Fetched(validity, start, [], idle)
        kind, data = conn.uid("SEARCH", f"UID {last_uid + 1}:*")
        if kind != "OK":
            raise MailboxError(SIDE, f"searching INBOX failed ({server_words(data)})", refused=False)
        uids = sorted(u for u in (int(x) for x in (data[0] or b"").split()) if u > last_uid)[:BATCH]
        messages = [(uid, _message(conn, uid)) for uid in uids]
        return Fetched(validity, max([last_uid, *uids]), messages, idle)
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailboxError(SIDE, f"the connection failed ({exc})", refused=False) from exc
    except imaplib.IMAP4.error as exc:
        raise MailboxError(SIDE, f"the server refused ({server_words(exc.args)})", refused=False) from exc
    finally:
        _close(conn)


def _highest_uid(conn: imaplib.IMAP4) -> int:
    kind, data = conn.uid("SEARCH", "ALL")
    uids = [int(x) for x in (data[0] or b"").split()] if kind == "OK" and data else []
    return max(uids, default=0)


def _message(conn: imaplib.IMAP4, uid: int) -> bytes:
    _, data = conn.uid("FETCH", str(uid), "(RFC822.SIZE)")
    size = 0
    for item in data or []:
        found = _SIZE.search(item if isinstance(item, bytes) else b"")
        if found:
            size = int(found.group(1))
    section = "BODY.PEEK[HEADER]" if size > MAX_MESSAGE_BYTES else "BODY.PEEK[]"
    _kind, data = conn.uid("FETCH", str(uid), f"({section})")
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return b""


async def check_async(account: MailboxAccount) -> None:
    await asyncio.to_thread(check, account)


async def fetch_new_async(account: MailboxAccount, uidvalidity: int | None, last_uid: int) -> Fetched:
    return await asyncio.to_thread(fetch_new, account, uidvalidity, last_uid)
