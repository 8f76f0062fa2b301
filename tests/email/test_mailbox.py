"""Any mailbox over real IMAP (pymap) and SMTP (aiosmtpd): both logins checked before anything is kept, new mail
read by UID (never what was there before, not again after UIDVALIDITY changes), replies over SMTP in the thread,
automatic mail stored and never answered."""

from __future__ import annotations

import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import run_jobs, shop_with_catalogue
from tests.email.mail_servers import PASSWORD, SHOP, ImapServer, SmtpInbox, free_port, smtp_server
from x8.integrations.mailbox.imap import find_sent_folder
from x8.platform.channels import email_tasks
from x8.tenancy.names import TenantNames

CUSTOMER = "jane@example.com"
CONNECT = "/api/v1/integrations/email/connect"


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


def owner_reply(to_mail: bytes, text: str, *, to: str = CUSTOMER, message_id: str | None = None) -> bytes:
    """The business answers ``to_mail`` from its own mail client, which files the mail in Sent."""
    answered = BytesParser(policy=policy.default).parsebytes(to_mail)
    message = EmailMessage()
    message["From"] = f"Bakery <{SHOP}>"
    message["To"] = to
    message["Subject"] = f"Re: {answered['Subject']}"
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@bakery.test>"
    message["In-Reply-To"] = str(answered["Message-ID"])
    message["References"] = str(answered["Message-ID"])
    message.set_content(text)
    return bytes(message)


def paused(owner_url: str, company_id: str) -> dict[str, bool]:
    schema = TenantNames(uuid.UUID(company_id)).schema
    rows = sql(
        owner_url,
        f"SELECT c.external_id, conv.bot_paused_until > now() FROM {schema}.conversations conv "
        f"JOIN {schema}.contacts c ON c.id = conv.contact_id",
    )
    return {address: bool(is_paused) for address, is_paused in rows}


async def test_the_business_replying_from_its_own_mail_client_pauses_the_bot(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], owner_url: str, app_url: str
) -> None:
    inbox = smtp[0]
    sent = "Отправленные"  # no SPECIAL-USE on this server: the folder is found by its usual name
    imap.create(sent)
    imap.append(owner_reply(customer_mail("Before connecting"), "Old sent mail"), folder=sent)
    tokens, company = await shop_with_catalogue(client)
    r = await client.post(CONNECT, json=form(company["id"], imap, smtp[1]), headers=bearer(tokens))
    channel_id = r.json()["channel_id"]
    [(config,)] = sql(owner_url, "SELECT config FROM channels WHERE id = %s", channel_id)
    assert config["sent_folder"] == sent and config["sent_uidvalidity"] and config["sent_last_uid"] >= 1

    first = customer_mail("Do you deliver on Sundays?")
    imap.append(first)
    await poll(app_url, channel_id)
    [ours] = inbox.received  # the bot answered
    assert paused(owner_url, company["id"]) == {CUSTOMER: False}

    # The mail server files the platform's own reply in Sent too (its marker header lost on the way): recognised
    # by its Message-ID, it pauses nothing.
    copy = ours["message"]
    del copy["X-X8-Channel"]
    imap.append(bytes(copy), folder=sent)
    # Mail to a supplier, in no thread the channel knows: not a conversation.
    imap.append(
        owner_reply(customer_mail("Flour order", sender="mill@example.com"), "10 bags", to="mill@example.com"),
        folder=sent,
    )
    await poll(app_url, channel_id)
    assert paused(owner_url, company["id"]) == {CUSTOMER: False}
    assert [m[1] for m in stored(owner_url, company["id"])] == ["customer", "bot"]

    # The owner answers the customer from their phone's mail app: stored as the owner's, and the bot pauses, so
    # the customer's next mail is not answered by the bot.
    imap.append(owner_reply(first, "Yes, until noon. — Anna", message_id="<anna-1@bakery.test>"), folder=sent)
    await poll(app_url, channel_id)
    assert paused(owner_url, company["id"]) == {CUSTOMER: True}
    assert [m[1:3] for m in stored(owner_url, company["id"])][-1] == ("owner", "Yes, until noon. — Anna")
    imap.append(customer_mail("Great, see you Sunday", In_Reply_To="<anna-1@bakery.test>"))
    await poll(app_url, channel_id)
    assert len(inbox.received) == 1
    assert [m[2] for m in stored(owner_url, company["id"])][-1] == "Great, see you Sunday"


def test_the_sent_folder_is_the_one_marked_sent_else_the_one_named_so() -> None:
    marked = [((b"\\HasNoChildren",), b"/", "INBOX"), ((b"\\Sent",), b"/", "Outbox 2024"), ((), b"/", "Sent")]
    assert find_sent_folder(marked) == "Outbox 2024"  # SPECIAL-USE wins over the name
    assert find_sent_folder([((), b".", "INBOX"), ((), b".", "INBOX.Sent Items")]) == "INBOX.Sent Items"
    assert find_sent_folder([((), b"/", "Архив"), ((), b"/", "Отправленные")]) == "Отправленные"
    assert find_sent_folder([((), b"/", "INBOX"), ((), b"/", "Sentiments"), ((), None, "Drafts")]) is None
