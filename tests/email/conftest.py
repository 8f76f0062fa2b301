"""Fixtures of the mailbox tests: a real IMAP server (pymap) and SMTP server (aiosmtpd) for the shop's mailbox,
and an app on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.email.mail_servers import PASSWORD, SHOP, ImapServer, SmtpInbox, imap_server, smtp_server


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with imap_server(SHOP, PASSWORD) as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpInbox, int]]:
    with smtp_server(SHOP, PASSWORD) as server:
        yield server


@pytest.fixture
async def client(owner_url: str, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(make_settings(owner_url), app_url) as c:
        yield c
