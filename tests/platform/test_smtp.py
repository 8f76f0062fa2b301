"""R-A1 over real SMTP: a local aiosmtpd server receives the code; an SMTP outage is a clear 503."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import app_client, make_settings, sql


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_verification_code_is_delivered_over_smtp(
    owner_url: str, app_url: str, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    settings = make_settings(
        owner_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_USE_TLS=False,
        SMTP_FROM_EMAIL="X8 <codes@x8.test>",
    )
    async with app_client(settings, app_url) as client:
        r = await client.post("/api/v1/auth/send-verification-code", json={"email": "smtp@example.com"})
        assert r.status_code == 200, r.text
        assert len(inbox.messages) == 1
        mail_from, rcpt, msg = inbox.messages[0]
        assert mail_from == "codes@x8.test"
        assert rcpt == ["smtp@example.com"]
        assert msg["Subject"] == "Your X8 Network verification code"
        body = msg.get_payload(decode=True)
        assert isinstance(body, bytes)
        code = re.search(rb"\b(\d{6})\b", body)
        assert code
        r = await client.post(
            "/api/v1/auth/verify-code", json={"email": "smtp@example.com", "code": code.group(1).decode()}
        )
        assert r.status_code == 200
        # Real SMTP configured: nothing goes to the dev mailbox.
        assert sql(owner_url, "SELECT count(*) FROM dev_mailbox")[0][0] == 0


async def test_smtp_outage_is_503_and_stores_no_code(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port(), SMTP_USE_TLS=False)
    async with app_client(settings, app_url) as client:
        r = await client.post("/api/v1/auth/send-verification-code", json={"email": "down@example.com"})
        assert r.status_code == 503
        assert r.json()["error"] == "ServiceUnavailable"
    assert sql(owner_url, "SELECT count(*) FROM email_codes WHERE email = 'down@example.com'")[0][0] == 0


_OPEN = (
    "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid() "
    "AND state LIKE 'idle in transaction%%'"
)


class ProbingInbox(Inbox):
    """Counts the application role's open transactions while the mail server is receiving a mail."""

    def __init__(self, owner_url: str, role: str) -> None:
        super().__init__()
        self.owner_url, self.role = owner_url, role
        self.open_during_data: list[int] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.open_during_data.append(int(sql(self.owner_url, _OPEN, self.role)[0][0]))
        return await super().handle_DATA(server, session, envelope)


async def test_no_transaction_waits_on_the_mail_server(owner_url: str, app_url: str) -> None:
    settings = make_settings(owner_url, SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port(), SMTP_USE_TLS=False)
    inbox = ProbingInbox(owner_url, settings.db_app_role)
    controller = Controller(inbox, hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    try:
        async with app_client(settings, app_url) as client:
            r = await client.post("/api/v1/auth/send-verification-code", json={"email": "probe@example.com"})
            assert r.status_code == 200, r.text
            r = await client.post("/api/v1/auth/request-magic-link", json={"email": "nobody@example.com"})
            assert r.status_code == 200, r.text
    finally:
        controller.stop()
    assert inbox.open_during_data == [0]
    # Sent first, then stored: the code that arrived is the one that works.
    code = re.search(rb"\b(\d{6})\b", inbox.messages[0][2].get_payload(decode=True))  # type: ignore[arg-type]
    assert code is not None
    assert sql(owner_url, "SELECT count(*) FROM email_codes WHERE email = 'probe@example.com'")[0][0] == 1
