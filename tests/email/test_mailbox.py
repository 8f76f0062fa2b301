"""Any mailbox over real IMAP (pymap) and SMTP (aiosmtpd): both logins checked before anything is kept, new mail
read by UID (never what was there before, not again after UIDVALIDITY changes), replies over SMTP in the thread,
automatic mail stored and never answered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.helpers import run_jobs, shop_with_catalogue
from tests.email.mail_servers import ImapServer, SmtpInbox, free_port, imap_server, smtp_server
from x8.platform.channels import email_tasks
from x8.tenancy.names import TenantNames

SHOP = "shop@bakery.test"
PASSWORD = "app-password-1"
CUSTOMER = "jane@example.com"
CONNECT = "/api/v1/integrations/email/connect"


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


def form(company_id: str, imap: ImapServer, port: int, **changes: Any) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "address": "Shop@Bakery.test",
        "imap_host": "127.0.0.1",
        "imap_port": imap.port,
        "imap_security": "none",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "username": SHOP,
        "password": PASSWORD,
    } | changes


def customer_mail(text: str, *, subject: str = "Sourdough", sender: str = CUSTOMER, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Jane Doe <{sender}>"
    message["To"] = SHOP
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return bytes(message)


def stored(owner_url: str, company_id: str) -> list[tuple[Any, ...]]:
    schema = TenantNames(uuid.UUID(company_id)).schema
    query = f"SELECT direction, sender, body, processed_at IS NOT NULL FROM {schema}.messages ORDER BY created_at"
    return sql(owner_url, query)


async def poll(app_url: str, channel_id: str) -> None:
    await email_tasks.schedule_sync(uuid.UUID(channel_id))
    await run_jobs(app_url)


async def test_refused_logins_name_the_side_and_store_nothing(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], owner_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    cases = [
        ({"password": "wrong"}, "IMAP"),  # the IMAP login is refused first
        ({"imap_port": free_port()}, "IMAP"),  # nothing listens there
        ({"smtp_port": free_port()}, "SMTP"),
    ]
    for changes, side in cases:
        r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1], **changes), headers=bearer(tokens))
        assert r.status_code == 400, r.text
        assert r.json()["detail"].startswith(f"{side}:"), r.text
    # SMTP alone refusing: a mailbox whose SMTP password differs
    with smtp_server(SHOP, "another-password") as (_, other_port):
        r = await client.post(CONNECT, json=form(company["id"], imap, other_port), headers=bearer(tokens))
    assert r.status_code == 400 and r.json()["detail"].startswith("SMTP: the login was refused"), r.text
    assert sql(owner_url, "SELECT count(*) FROM channels WHERE platform = 'email'") == [(0,)]
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets") == [(0,)]
    for bad in ({"imap_security": "tls"}, {"smtp_port": 0}, {"imap_host": "bad host!"}, {"address": "nobody"}):
        r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1], **bad), headers=bearer(tokens))
        assert r.status_code == 422, (bad, r.text)


async def test_read_new_mail_and_reply_in_the_thread_over_smtp(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], owner_url: str, app_url: str
) -> None:
    inbox = smtp[0]
    imap.append(customer_mail("An old mail from before connecting."))
    tokens, company = await shop_with_catalogue(client)
    r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1]), headers=bearer(tokens))
    assert r.status_code == 200, r.text
    assert r.json()["platform"] == "email" and r.json()["status"] == "CONNECTED"
    channel_id = r.json()["channel_id"]
    [(kind, sealed)] = sql(
        owner_url, "SELECT kind, ciphertext FROM vault_secrets WHERE ref = %s", f"channel:{channel_id}"
    )
    assert kind == "imap_password" and PASSWORD.encode() not in bytes(sealed)
    [(config,)] = sql(owner_url, "SELECT config FROM channels WHERE id = %s", channel_id)
    assert "password" not in config and config["address"] == SHOP and config["uidvalidity"]

    first = customer_mail("How much is the sourdough bread?\n\nOn Mon, Bakery <shop@bakery.test> wrote:\n> Hi")
    imap.append(first)
    await poll(app_url, channel_id)
    assert [m[2] for m in stored(owner_url, company["id"]) if m[0] == "in"] == ["How much is the sourdough bread?"]
    [sent] = inbox.received
    reply = sent["message"]
    first_id = next(line for line in first.decode().splitlines() if line.startswith("Message-ID:")).split(": ")[1]
    assert sent["to"] == [CUSTOMER] and sent["from"] == SHOP
    assert reply["Subject"] == "Re: Sourdough" and reply["In-Reply-To"] == first_id
    assert reply["References"] == first_id and reply["Auto-Submitted"] == "auto-replied"

    # The customer answers in the thread; the reply's subject does not stack and the references grow.
    second = customer_mail(
        "And the rye?",
        subject="RE: Re: Sourdough",
        In_Reply_To=str(reply["Message-ID"]),
        References=f"{first_id} {reply['Message-ID']}",
    )
    imap.append(second)
    imap.append(customer_mail("Auto: I am away", Auto_Submitted="auto-replied"))
    await poll(app_url, channel_id)
    assert len(inbox.received) == 2
    again = inbox.received[1]["message"]
    second_id = next(line for line in second.decode().splitlines() if line.startswith("Message-ID:")).split(": ")[1]
    assert again["Subject"] == "Re: Sourdough" and again["In-Reply-To"] == second_id
    assert again["References"].split() == [first_id, str(reply["Message-ID"]), second_id]
    auto = [m for m in stored(owner_url, company["id"]) if m[2] == "Auto: I am away"]
    assert auto and auto[0][3]  # stored, processed, never answered

    # Nothing new: a poll reads nothing and sends nothing.
    await poll(app_url, channel_id)
    assert len(inbox.received) == 2


async def test_a_changed_uidvalidity_starts_after_the_newest_mail(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], owner_url: str, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1]), headers=bearer(tokens))
    channel_id = r.json()["channel_id"]
    [(config,)] = sql(owner_url, "SELECT config FROM channels WHERE id = %s", channel_id)
    sql(owner_url, "UPDATE channels SET config = config || '{\"uidvalidity\": 1}' WHERE id = %s", channel_id)
    imap.append(customer_mail("Sent while the mailbox was being rebuilt."))
    await poll(app_url, channel_id)
    assert stored(owner_url, company["id"]) == [] and smtp[0].received == []
    [(after,)] = sql(owner_url, "SELECT config FROM channels WHERE id = %s", channel_id)
    assert after["uidvalidity"] == config["uidvalidity"] and after["last_uid"] > config["last_uid"]
    imap.append(customer_mail("Now a new one."))
    await email_tasks.poll_email(0)  # the five-minute poll queues a sync per connected email channel
    await run_jobs(app_url)
    assert [m[2] for m in stored(owner_url, company["id"]) if m[0] == "in"] == ["Now a new one."]
