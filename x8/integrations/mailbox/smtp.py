"""Sending a mailbox's replies over SMTP (RFC 5321) with ``smtplib``, in a worker thread: implicit TLS, STARTTLS
(refused when the server does not offer it, rather than sending in the clear) or none."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from typing import Final

from x8.integrations.mailbox.account import (
    TIMEOUT_SECONDS,
    LoginRefused,
    MailboxAccount,
    MailboxError,
    Security,
    tls_context,
)

SIDE: Final = "SMTP"


def _open(account: MailboxAccount) -> smtplib.SMTP:
    try:
        if account.smtp_security is Security.SSL:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                account.smtp_host, account.smtp_port, timeout=TIMEOUT_SECONDS, context=tls_context()
            )
        else:
            conn = smtplib.SMTP(account.smtp_host, account.smtp_port, timeout=TIMEOUT_SECONDS)
            if account.smtp_security is Security.STARTTLS:
                conn.starttls(context=tls_context())
    except smtplib.SMTPNotSupportedError as exc:
        raise MailboxError(SIDE, "the server does not offer STARTTLS", refused=True) from exc
    except (OSError, ssl.SSLError, smtplib.SMTPException) as exc:
        raise MailboxError(
            SIDE, f"could not connect to {account.smtp_host}:{account.smtp_port} ({exc})", refused=False
        ) from exc
    try:
        conn.login(account.username, account.password)
    except smtplib.SMTPAuthenticationError as exc:
        _close(conn)
        raise LoginRefused(SIDE, f"the login was refused ({_words(exc)})") from exc
    except smtplib.SMTPNotSupportedError as exc:
        _close(conn)
        raise MailboxError(SIDE, "the server does not accept a login", refused=True) from exc
    except (OSError, smtplib.SMTPException) as exc:
        _close(conn)
        raise MailboxError(SIDE, f"the connection failed ({exc})", refused=False) from exc
    return conn


def _words(exc: smtplib.SMTPResponseException) -> str:
    reason = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(reason.split())}"[:300]


def _close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def check(account: MailboxAccount) -> None:
    _close(_open(account))


def send(account: MailboxAccount, message: EmailMessage) -> None:
    """Send, or raise ``MailboxError``: ``refused`` for a permanent refusal (5xx), retryable otherwise."""
    conn = _open(account)
    try:
        conn.send_message(message, from_addr=account.address, to_addrs=[str(message["To"])])
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailboxError(SIDE, f"the recipient was refused ({exc.recipients})", refused=True) from exc
    except smtplib.SMTPResponseException as exc:
        raise MailboxError(SIDE, f"the server refused the mail ({_words(exc)})", refused=exc.smtp_code >= 500) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise MailboxError(SIDE, f"sending failed ({exc})", refused=False) from exc
    finally:
        _close(conn)


async def check_async(account: MailboxAccount) -> None:
    await asyncio.to_thread(check, account)


async def send_async(account: MailboxAccount, message: EmailMessage) -> None:
    await asyncio.to_thread(send, account, message)
