"""Gmail end to end over real HTTP to the fake Gmail API and Google OAuth (PROVIDERS.md §4, §5): connecting with
offline access and a watch, pushes (forged, duplicated), history reading and its stale fallback, replies in the
thread, automatic mail never answered, the business's own mail pausing the bot, token refresh, polling, disconnect."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.helpers import run_jobs, shop_with_catalogue
from tests.fakes.gmail import FakeGmail, gmail_app
from tests.fakes.oauth import Account, FakeOAuthState
from tests.fakes.server import serve_in_thread
from x8.integrations.google import oauth as google_oauth
from x8.kit.failing import FailureWindow
from x8.platform.channels import email_tasks
from x8.tenancy.names import TenantNames

SHOP = "shop@bakery.test"
CUSTOMER = "jane@example.com"
PUSH_TOKEN = "push-secret-0123456789"
TOPIC = "projects/x8-test/topics/gmail"


@pytest.fixture(autouse=True)
def failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(google_oauth, "GOOGLE_FAILURES", FailureWindow(seconds=30.0))


@pytest.fixture
def gmail() -> Iterator[tuple[FakeGmail, str]]:
    state = FakeGmail(FakeOAuthState("g-client", "g-secret", Account("google-sub-1", SHOP)), SHOP)
    with serve_in_thread(gmail_app(state)) as url:
        yield state, url


@pytest.fixture
async def client(owner_url: str, app_url: str, gmail: tuple[FakeGmail, str]) -> AsyncIterator[httpx.AsyncClient]:
    url = gmail[1]
    settings = make_settings(
        owner_url,
        GOOGLE_CLIENT_ID="g-client",
        GOOGLE_CLIENT_SECRET="g-secret",
        GOOGLE_OAUTH_URL=url,
        GOOGLE_TOKEN_URL=f"{url}/token",
        GOOGLE_REVOKE_URL=f"{url}/revoke",
        GMAIL_API_URL=url,
        GMAIL_PUBSUB_TOPIC=TOPIC,
        GMAIL_PUSH_TOKEN=PUSH_TOKEN,
    )
    async with app_client(settings, app_url) as c:
        yield c


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


async def connect_gmail(client: httpx.AsyncClient, fake: FakeGmail) -> tuple[dict[str, str], str, str]:
    tokens, company = await shop_with_catalogue(client)
    r = await client.post("/api/v1/integrations/gmail/auth", json={"company_id": company["id"]}, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    query = parse_qs(urlparse(r.json()["url"]).query)
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert set(query["scope"][0].split()) == {
        "https://www.googleapis.com/auth/gmail.readonly",
        "https://www.googleapis.com/auth/gmail.send",
        "https://www.googleapis.com/auth/gmail.modify",
    }
    async with httpx.AsyncClient() as browser:
        allowed = await browser.get(r.json()["url"])  # the fake stands in for the person clicking "Allow"
    back = urlparse(allowed.headers["location"])
    assert back.path == "/api/v1/integrations/gmail/callback"
    done = await client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302, done.text
    landing = urlparse(done.headers["location"])
    assert landing.path == "/integrations"
    assert parse_qs(landing.query) == {"gmail": ["connected"], "company_id": [company["id"]]}
    listed = await client.get("/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens))
    [channel] = [c for c in listed.json()["items"] if c["platform"] == "email"]
    assert channel["status"] == "CONNECTED" and channel["display_name"] == SHOP
    return tokens, company["id"], channel["channel_id"]


async def push(
    client: httpx.AsyncClient, fake: FakeGmail, *, token: str | None = PUSH_TOKEN, message_id: str = ""
) -> httpx.Response:
    params = {"token": token} if token is not None else {}
    return await client.post("/api/v1/webhooks/gmail", params=params, json=fake.push(message_id))


def conversations(owner_url: str, company_id: str) -> list[tuple[Any, ...]]:
    schema = TenantNames(uuid.UUID(company_id)).schema
    return sql(
        owner_url,
        f"SELECT c.external_id, conv.id, conv.bot_paused_until FROM {schema}.conversations conv"
        f" JOIN {schema}.contacts c ON c.id = conv.contact_id ORDER BY conv.created_at",
    )


def messages(owner_url: str, company_id: str) -> list[tuple[Any, ...]]:
    schema = TenantNames(uuid.UUID(company_id)).schema
    return sql(
        owner_url,
        f"SELECT direction, sender, body, processed_at IS NOT NULL FROM {schema}.messages ORDER BY created_at",
    )


async def test_connect_push_reply_in_thread_and_own_mail(
    client: httpx.AsyncClient, gmail: tuple[FakeGmail, str], owner_url: str, app_url: str
) -> None:
    fake = gmail[0]
    fake.deliver(customer_mail("This one came before connecting."))  # history starts at the watch: never read
    _tokens, company_id, channel_id = await connect_gmail(client, fake)
    assert fake.watches == [{"topicName": TOPIC, "labelIds": ["INBOX"], "labelFilterBehavior": "include"}]
    [(kind, sealed)] = sql(
        owner_url, "SELECT kind, ciphertext FROM vault_secrets WHERE ref = %s", f"channel:{channel_id}"
    )
    assert kind == "gmail_oauth"
    assert fake.oauth.refresh_tokens and all(t.encode() not in bytes(sealed) for t in fake.oauth.refresh_tokens)

    first = fake.deliver(customer_mail("How much is the sourdough bread?\n\n-- \nJane"), thread_id="thread-1")

    assert (await push(client, fake, token=None)).status_code == 401
    assert (await push(client, fake, token="wrong")).status_code == 403
    assert sql(owner_url, "SELECT count(*) FROM webhook_events WHERE source = 'gmail'") == [(0,)]
    assert (await push(client, fake, message_id="pubsub-1")).status_code == 200
    assert (await push(client, fake, message_id="pubsub-1")).status_code == 200  # Pub/Sub redelivers
    assert sql(owner_url, "SELECT count(*) FROM webhook_events WHERE source = 'gmail'") == [(1,)]
    await run_jobs(app_url)

    assert [m[:3] for m in messages(owner_url, company_id) if m[0] == "in"] == [
        ("in", "customer", "How much is the sourdough bread?")
    ]
    [reply] = fake.sent
    sent = reply["message"]
    assert reply["threadId"] == "thread-1"
    original = fake.mails[first]
    original_id = next(line for line in original.raw.decode().splitlines() if line.startswith("Message-ID:")).split(
        ": "
    )[1]
    assert sent["In-Reply-To"] == original_id and sent["References"] == original_id
    assert sent["Subject"] == "Re: Sourdough" and sent["To"] == CUSTOMER and SHOP in sent["From"]
    assert sent.get_content().strip() == messages(owner_url, company_id)[-1][2]  # the bot's stored reply
    assert [c[0] for c in conversations(owner_url, company_id)] == [CUSTOMER]

    # The platform's own reply comes back through the history (SENT): it is recognised and pauses nothing.
    assert (await push(client, fake, message_id="pubsub-2")).status_code == 200
    await run_jobs(app_url)
    [(_, _, paused)] = conversations(owner_url, company_id)
    assert paused is None
    assert len([m for m in messages(owner_url, company_id) if m[1] == "owner"]) == 0

    # The business answers from Gmail itself: stored as the owner's message, and the bot pauses.
    own = EmailMessage()
    own["From"], own["To"], own["Subject"] = SHOP, CUSTOMER, "Re: Sourdough"
    own["Message-ID"] = "<owner-1@bakery.test>"
    own.set_content("I'll call you about it.")
    fake.deliver(bytes(own), thread_id="thread-1", labels=("SENT",))
    assert (await push(client, fake, message_id="pubsub-3")).status_code == 200
    await run_jobs(app_url)
    [(_, _, paused)] = conversations(owner_url, company_id)
    assert paused is not None
    assert [m[2] for m in messages(owner_url, company_id) if m[1] == "owner"] == ["I'll call you about it."]

    fake.deliver(customer_mail("Thanks, waiting for your call."), thread_id="thread-1")
    assert (await push(client, fake, message_id="pubsub-4")).status_code == 200
    await run_jobs(app_url)
    assert len(fake.sent) == 1  # paused: no second bot reply


async def test_automatic_mail_is_stored_and_never_answered(
    client: httpx.AsyncClient, gmail: tuple[FakeGmail, str], owner_url: str, app_url: str
) -> None:
    fake = gmail[0]
    _, company_id, _ = await connect_gmail(client, fake)
    fake.deliver(customer_mail("I am out of office until Monday.", Auto_Submitted="auto-replied"))
    fake.deliver(customer_mail("Our weekly offers!", sender="news@shop.test", List_Unsubscribe="<mailto:u@shop.test>"))
    fake.deliver(customer_mail("Your code is 1234", sender="no-reply@accounts.test"))
    fake.deliver(customer_mail("Win a prize!", sender="prize@spam.test"), labels=("SPAM",))
    draft = EmailMessage()
    draft["From"], draft["To"], draft["Subject"] = SHOP, CUSTOMER, "Re: Sourdough"
    draft.set_content("A draft the business has not sent yet.")
    fake.deliver(bytes(draft), labels=("DRAFT",))
    assert (await push(client, fake)).status_code == 200
    await run_jobs(app_url)
    stored = messages(owner_url, company_id)
    assert sorted(m[2] for m in stored) == [
        "I am out of office until Monday.",
        "Our weekly offers!",
        "Your code is 1234",
    ]
    assert all(m[0] == "in" and m[3] for m in stored)  # stored, and marked processed: no turn takes them
    assert fake.sent == []


async def test_stale_history_falls_back_to_a_bounded_full_sync_and_tokens_refresh(
    client: httpx.AsyncClient, gmail: tuple[FakeGmail, str], owner_url: str, app_url: str
) -> None:
    fake = gmail[0]
    _, company_id, channel_id = await connect_gmail(client, fake)
    fake.forget_history()
    fake.oauth.expire_access_tokens()
    before = fake.oauth.token_request_count
    fake.deliver(customer_mail("Do you bake rye bread?"), thread_id="thread-9")
    assert (await push(client, fake)).status_code == 200
    await run_jobs(app_url)
    assert "GET /messages" in fake.requests  # history was 404: the newest inbox mail was listed instead
    assert [m[2] for m in messages(owner_url, company_id) if m[0] == "in"] == ["Do you bake rye bread?"]
    assert [s["threadId"] for s in fake.sent] == ["thread-9"]
    refreshes = [r for r in fake.oauth.token_requests[before:] if r.get("grant_type") == "refresh_token"]
    assert refreshes  # the expired access token was refreshed...
    [(config,)] = sql(owner_url, "SELECT config FROM channels WHERE id = %s", channel_id)
    assert int(config["history_id"]) == fake.history_id  # ...and the position moved to Gmail's latest

    # A later poll with nothing new reads the history from there and stores nothing more.
    from x8.platform.channels.email_tasks import schedule_sync

    await schedule_sync(uuid.UUID(channel_id))
    await run_jobs(app_url)
    assert len(messages(owner_url, company_id)) == 2 and len(fake.sent) == 1


async def test_push_input_is_checked_and_unknown_mailboxes_are_acknowledged(
    client: httpx.AsyncClient, gmail: tuple[FakeGmail, str], owner_url: str
) -> None:
    fake = gmail[0]
    url = "/api/v1/webhooks/gmail"
    for body in ({}, {"message": {"data": "not base64!", "messageId": "1"}}, {"message": {"messageId": "1"}}, [1]):
        r = await client.post(url, params={"token": PUSH_TOKEN}, json=body)
        assert r.status_code == 400, (body, r.text)
    r = await client.post(url, params={"token": PUSH_TOKEN}, content=b"{not json")
    assert r.status_code == 400
    stranger = FakeGmail(fake.oauth, "someone@else.test")
    r = await client.post(url, params={"token": PUSH_TOKEN}, json=stranger.push("x"))
    assert r.status_code == 200 and sql(owner_url, "SELECT count(*) FROM webhook_events") == [(0,)]


async def test_callback_refusals_and_disconnect(
    client: httpx.AsyncClient, gmail: tuple[FakeGmail, str], owner_url: str
) -> None:
    fake = gmail[0]
    r = await client.get("/api/v1/integrations/gmail/callback", params={"code": "x", "state": "forged"})
    assert r.status_code == 400
    tokens, _company_id, channel_id = await connect_gmail(client, fake)
    r = await client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "DISCONNECTED"
    assert fake.stops == 1 and fake.oauth.revoke_requests and not fake.oauth.refresh_tokens
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref = %s", f"channel:{channel_id}") == [(0,)]
    fake.deliver(customer_mail("Anyone there?"))
    assert (await push(client, fake)).status_code == 200  # acknowledged; nothing stored for a disconnected channel
    assert sql(owner_url, "SELECT count(*) FROM webhook_events WHERE source = 'gmail'") == [(0,)]


def activity(owner_url: str, channel_id: str) -> list[tuple[Any, ...]]:
    return sql(
        owner_url,
        "SELECT kind, status, attempts FROM activity_log WHERE channel_id = %s ORDER BY kind",
        channel_id,
    )


def last_error(owner_url: str, channel_id: str) -> str | None:
    [(error,)] = sql(owner_url, "SELECT last_error FROM channels WHERE id = %s", channel_id)
    return None if error is None else str(error)


async def test_watch_and_sync_failures_are_logged_once_and_cleared_by_success(
    client: httpx.AsyncClient,
    gmail: tuple[FakeGmail, str],
    owner_url: str,
    app_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = gmail[0]
    _, _, channel_id = await connect_gmail(client, fake)

    async def sync() -> None:
        await email_tasks.schedule_sync(uuid.UUID(channel_id))
        await run_jobs(app_url)
        sql(owner_url, "DELETE FROM procrastinate_jobs WHERE status = 'todo'")  # the queue's own retries aside

    fake.oauth.fail_api = True  # Gmail answers 503 to everything, for two days of renewals and polls
    for _ in range(2):
        await email_tasks.renew_gmail_watches(0)
        await sync()
    assert (last_error(owner_url, channel_id) or "").startswith("Gmail")
    assert activity(owner_url, channel_id) == [("mail_sync", "error", 1), ("mail_watch", "error", 1)]

    fake.oauth.fail_api = False
    monkeypatch.setattr(google_oauth, "GOOGLE_FAILURES", FailureWindow(seconds=30.0))  # its pause over
    await email_tasks.renew_gmail_watches(0)
    assert activity(owner_url, channel_id) == [("mail_sync", "error", 1), ("mail_watch", "ok", 2)]
    assert last_error(owner_url, channel_id) is not None  # reading is still failing, as far as anyone knows
    await sync()
    assert activity(owner_url, channel_id) == [("mail_sync", "ok", 2), ("mail_watch", "ok", 2)]
    assert last_error(owner_url, channel_id) is None
    await email_tasks.renew_gmail_watches(0)  # a renewal that works, again: nothing changed, nothing logged
    assert activity(owner_url, channel_id) == [("mail_sync", "ok", 2), ("mail_watch", "ok", 2)]
