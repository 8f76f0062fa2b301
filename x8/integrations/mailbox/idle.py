"""Listening to a mailbox's INBOX with IMAP IDLE (RFC 2177): the server tells of new mail as it arrives.

``listen`` is blocking (IMAPClient, like the rest of the IMAP side): it runs in a thread of its own for as long as
the connection lives, and returns when ``stop`` is set or raises ``MailboxError`` when the connection fails.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from typing import Final

from imapclient.exceptions import IMAPClientError

from x8.integrations.mailbox.account import MailboxAccount, MailboxError
from x8.integrations.mailbox.imap import INBOX, SIDE, close, connect, offers_idle, select

# RFC 2177: a server may drop a client idle for 30 minutes, so IDLE is re-issued well before (10 minutes also
# stays under the idle timeouts of most NAT gateways between the worker and the mail server).
RENEW_SECONDS: Final = 600.0
# How long one wait for the server's words lasts: ``stop`` is looked at between waits.
WAIT_SECONDS: Final = 1.0
NEWS: Final = frozenset({b"EXISTS", b"RECENT"})
CLOSED_AFTER_QUIET_WAKEUPS: Final = 5
_PARTIAL: Final = "unterminated line"  # imaplib's words for a response line cut short


class IdleNotOffered(MailboxError):
    def __init__(self) -> None:
        super().__init__(SIDE, "the server does not offer IDLE", refused=True)


def listen(
    account: MailboxAccount,
    on_news: Callable[[], None],
    stop: threading.Event,
    *,
    renew_seconds: float = RENEW_SECONDS,
    on_listening: Callable[[], None] | None = None,
) -> None:
    """Hold an IDLE on the INBOX until ``stop`` is set, calling ``on_news`` when the server announces mail
    (``EXISTS``/``RECENT``). ``on_listening`` is called once the IDLE is in place: mail that came before it is for
    the caller to read."""
    client = connect(account)
    try:
        if not offers_idle(client):
            raise IdleNotOffered()
        select(client, INBOX)
        if on_listening is not None:
            on_listening()
        while not stop.is_set():
            client.idle()
            renew_at = time.monotonic() + renew_seconds
            quiet_wakeups = 0
            while not stop.is_set() and time.monotonic() < renew_at:
                waited_from = time.monotonic()
                responses = client.idle_check(timeout=WAIT_SECONDS)
                if _says_bye(responses):
                    raise MailboxError(SIDE, "the server ended the IDLE", refused=False)
                if _has_news(responses):
                    on_news()
                # IMAPClient swallows the end of the connection: the socket then reads as ready at once, again and
                # again, with nothing in it. A few such wake-ups in a row mean the server is gone.
                quick = not responses and time.monotonic() - waited_from < WAIT_SECONDS / 2
                quiet_wakeups = quiet_wakeups + 1 if quick else 0
                if quiet_wakeups >= CLOSED_AFTER_QUIET_WAKEUPS:
                    raise MailboxError(SIDE, "the server closed the IDLE connection", refused=False)
            _, trailing = client.idle_done()
            if _has_news(trailing):
                on_news()
    except (OSError, ssl.SSLError, IMAPClientError) as exc:
        if _PARTIAL in str(exc):
            # IMAPClient reads IDLE responses from a non-blocking socket, and a response that arrives in two
            # packets (pymap sends "* 1 FETCH (" first) breaks the stream. The server was speaking: most likely of
            # new mail, so it is read now rather than after the reconnect's backoff.
            on_news()
        raise MailboxError(SIDE, f"the IDLE connection failed ({exc})", refused=False) from exc
    finally:
        close(client)


def _has_news(responses: list[tuple[object, ...]]) -> bool:
    return any(len(r) >= 2 and r[1] in NEWS for r in responses)


def _says_bye(responses: list[tuple[object, ...]]) -> bool:
    return any(r and r[0] == b"BYE" for r in responses)
