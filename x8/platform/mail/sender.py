"""Outgoing mail: real SMTP when ``SMTP_HOST`` is set, otherwise the dev mailbox (never in production). A letter
(``x8.platform.mail.letters``) is written in the reader's language as it is sent."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.errors import ServiceUnavailable
from x8.kit.i18n import Language, msg
from x8.platform.mail.letters import Letter
from x8.platform.mail.models import DevMail
from x8.settings import Settings

log = logging.getLogger(__name__)


def _build(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from_email
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="x8.network")
    message.set_content(body)
    return message


def _send_smtp(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host
    timeout = 15
    if settings.smtp_port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client:
        client.ehlo()
        if settings.smtp_use_tls and settings.smtp_port != 465:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password or "")
        client.send_message(message)


async def send_mail(session: AsyncSession, settings: Settings, *, to: str, letter: Letter, language: Language) -> None:
    subject, body = letter.subject.render(language), letter.body.render(language)
    if not settings.smtp_host:
        if settings.is_production:
            raise ServiceUnavailable(msg("Email is not configured on this server."))
        session.add(DevMail(to_email=to, subject=subject, body=body))
        log.info("mail to %s captured in the dev mailbox: %s", to, subject)
        return
    message = _build(settings, to, subject, body)
    try:
        await asyncio.to_thread(_send_smtp, settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery to %s failed: %s", to, type(exc).__name__)
        raise ServiceUnavailable(msg("We could not send the email right now. Please try again shortly.")) from exc
