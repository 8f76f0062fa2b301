"""WhatsApp through WAHA, over real HTTP to a fake WAHA (PROVIDERS.md §2): sessions, QR, signed webhooks,
replies, the owner's own messages, lost sessions."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.conftest import WAHA_API_KEY as API_KEY
from tests.conversations.conftest import WAHA_HMAC_KEY as HMAC_KEY
from tests.conversations.helpers import history, run_jobs, shop_with_catalogue
from tests.fakes.server import serve_in_thread
from tests.fakes.waha import FakeWaha, signed, waha_app
from x8.channel_adapters.waha import signature

CUSTOMER = "4915112345678@c.us"


def test_signature_matches_wahas_documented_vector() -> None:
    body = b'{"event":"message","session":"default","engine":"WEBJS"}'
    assert signature("my-secret-key", body) == (
        "208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8097c462b2b17a6ce93b6b47a136cf2e78a33a63"
        "f6752c2c1631777076153fa89"
    )


async def _connect(client: httpx.AsyncClient, fake: FakeWaha) -> tuple[dict[str, str], dict[str, Any], str, str]:
    tokens, company = await shop_with_catalogue(client)
    r = await client.post(
        "/api/v1/integrations/whatsapp/connect", headers=bearer(tokens), json={"company_id": company["id"]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "CONNECTING"
    channel_id = str(r.json()["channel_id"])
    [(name, session)] = fake.sessions.items()
    assert name == "x8_" + channel_id.replace("-", "") and session["status"] == "SCAN_QR_CODE"
    [webhook] = session["config"]["webhooks"]
    assert webhook["url"] == "https://x8.example/api/v1/webhooks/waha"
    assert webhook["hmac"] == {"key": HMAC_KEY} and set(webhook["events"]) == {"message.any", "session.status"}
    return tokens, company, channel_id, name


async def _emit(
    client: httpx.AsyncClient,
    fake: FakeWaha,
    session: str,
    event: str,
    payload: dict[str, Any],
    key: str | None = HMAC_KEY,
) -> httpx.Response:
    body, headers = signed(fake.event(session, event, payload), key)
    return await client.post("/api/v1/webhooks/waha", content=body, headers=headers)


def _message(message_id: str, text: str, *, from_me: bool = False) -> dict[str, Any]:
    return {
        "id": message_id,
        "timestamp": 1667561485,
        "from": "79110000000@c.us" if from_me else CUSTOMER,
        "to": CUSTOMER if from_me else "79110000000@c.us",
        "fromMe": from_me,
        "body": text,
        "hasMedia": False,
    }


async def _status(client: httpx.AsyncClient, tokens: dict[str, str], channel_id: str, app_url: str) -> str:
    """The channel's status once the inbox's jobs for what was emitted so far have run."""
    await run_jobs(app_url)
    r = await client.get(
        "/api/v1/integrations/whatsapp/status", params={"channel_id": channel_id}, headers=bearer(tokens)
    )
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


async def test_connect_scan_and_answer(
    wa_client: httpx.AsyncClient, app_url: str, fake_waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = fake_waha
    tokens, company, channel_id, session = await _connect(wa_client, fake)
    qr = await wa_client.get(
        "/api/v1/integrations/whatsapp/qr", params={"channel_id": channel_id}, headers=bearer(tokens)
    )
    assert qr.status_code == 200 and qr.json()["qr"].startswith("data:image/png;base64,iVBORw0KGgo")
    assert await _status(wa_client, tokens, channel_id, app_url) == "CONNECTING"

    assert (
        await _emit(wa_client, fake, session, "session.status", {"status": "WORKING"}, key="forged")
    ).status_code == 401
    assert await _status(wa_client, tokens, channel_id, app_url) == "CONNECTING"
    assert (await _emit(wa_client, fake, session, "session.status", {"status": "WORKING"})).status_code == 200
    assert await _status(wa_client, tokens, channel_id, app_url) == "CONNECTED"

    question = _message("false_4915112345678@c.us_AAA1", "How much are the green apples?")
    for event in ("message", "message.any"):  # WAHA sends both for one incoming message
        assert (await _emit(wa_client, fake, session, event, question)).status_code == 200
    await run_jobs(app_url)
    assert len(fake.sent) == 1
    assert fake.sent[0]["chatId"] == CUSTOMER and "Green apples: 3.50 USD" in fake.sent[0]["text"]

    # WhatsApp reports our own reply back as fromMe: an echo, not the owner typing, so the bot stays on.
    echo = _message("true_4915112345678@c.us_3EB0ECHO", fake.sent[0]["text"], from_me=True)
    assert (await _emit(wa_client, fake, session, "message.any", echo)).status_code == 200
    await run_jobs(app_url)
    conversations = await wa_client.get(
        "/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    [conversation] = conversations.json()["items"]
    assert conversation["bot_paused"] is False and conversation["contact"]["external_id"] == CUSTOMER


async def test_the_owner_replying_from_the_phone_pauses_the_bot(
    wa_client: httpx.AsyncClient, app_url: str, fake_waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = fake_waha
    tokens, company, _channel_id, session = await _connect(wa_client, fake)
    await _emit(wa_client, fake, session, "session.status", {"status": "WORKING"})
    await _emit(wa_client, fake, session, "message.any", _message("false_c_1", "Hi, is the bread fresh?"))
    await run_jobs(app_url)
    owner = _message("true_c_2", "Yes, baked this morning! Anna", from_me=True)
    await _emit(wa_client, fake, session, "message.any", owner)
    await _emit(wa_client, fake, session, "message.any", _message("false_c_3", "Great, and the apples?"))
    await run_jobs(app_url)
    assert len(fake.sent) == 1  # only the first question was answered by the bot
    listed = await wa_client.get("/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(tokens))
    [conversation] = listed.json()["items"]
    assert conversation["bot_paused"] is True
    senders = [m["sender"] for m in await history(wa_client, tokens, conversation["id"])]
    assert senders == ["customer", "bot", "owner", "customer"]


async def test_a_lost_session_is_flagged_and_restarted(
    wa_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = fake_waha
    tokens, company, channel_id, session = await _connect(wa_client, fake)
    await _emit(wa_client, fake, session, "session.status", {"status": "WORKING"})
    await _emit(wa_client, fake, session, "session.status", {"status": "FAILED"})
    assert await _status(wa_client, tokens, channel_id, app_url) == "ERROR"
    listed = await wa_client.get(
        "/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert "FAILED" in listed.json()["items"][0]["last_error"]
    jobs = sql(
        owner_url,
        "SELECT id FROM procrastinate_jobs WHERE task_name LIKE %s AND status = 'todo'",
        "%restart_session",
    )
    assert len(jobs) == 1
    sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s", jobs[0][0])  # skip the backoff
    await run_jobs(app_url)
    assert f"POST /api/sessions/{session}/restart" in fake.calls
    await _emit(wa_client, fake, session, "session.status", {"status": "WORKING"})
    assert await _status(wa_client, tokens, channel_id, app_url) == "CONNECTED"


async def test_disconnect_logs_out_and_deletes_the_session(
    wa_client: httpx.AsyncClient, app_url: str, fake_waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = fake_waha
    tokens, company, channel_id, session = await _connect(wa_client, fake)
    r = await wa_client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    assert r.status_code == 200 and r.json()["status"] == "DISCONNECTED"
    assert f"POST /api/sessions/{session}/logout" in fake.calls and fake.sessions == {}
    # Events WAHA still had queued for the session are accepted and ignored.
    assert (await _emit(wa_client, fake, session, "message.any", _message("false_x_1", "hello"))).status_code == 200
    listed = await wa_client.get("/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(tokens))
    assert listed.json()["total"] == 0


async def test_bad_webhooks_and_an_unconfigured_server(
    wa_client: httpx.AsyncClient, owner_url: str, app_url: str, fake_waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = fake_waha
    await _connect(wa_client, fake)
    assert (await _emit(wa_client, fake, "x8_" + "0" * 32, "message.any", _message("m1", "hi"))).status_code == 404
    assert (await _emit(wa_client, fake, "someone_else", "message.any", _message("m1", "hi"))).status_code == 404
    r = await wa_client.post("/api/v1/webhooks/waha", content=b"not json", headers={"X-Webhook-Hmac": "00"})
    assert r.status_code == 401  # the signature is checked before anything is read

    async with app_client(make_settings(owner_url), app_url) as client:
        tokens, company = await shop_with_catalogue(client, "nowaha@example.com")
        r = await client.post(
            "/api/v1/integrations/whatsapp/connect", headers=bearer(tokens), json={"company_id": company["id"]}
        )
        assert r.status_code == 503 and "not configured" in r.json()["detail"]


async def test_sessions_spread_over_several_waha_servers(owner_url: str, app_url: str) -> None:
    fakes = [FakeWaha(api_key=API_KEY), FakeWaha(api_key=API_KEY)]
    with serve_in_thread(waha_app(fakes[0])) as first_url, serve_in_thread(waha_app(fakes[1])) as second_url:
        settings = make_settings(
            owner_url,
            WAHA_API_URL=f"{first_url}, {second_url}",
            WAHA_API_KEY=API_KEY,
            WAHA_WEBHOOK_HMAC_KEY=HMAC_KEY,
            PUBLIC_BASE_URL="https://x8.example",
        )
        async with app_client(settings, app_url) as client:
            placed = []
            for i in range(4):
                tokens, company = await shop_with_catalogue(client, f"wa{i}@example.com")
                r = await client.post(
                    "/api/v1/integrations/whatsapp/connect", headers=bearer(tokens), json={"company_id": company["id"]}
                )
                assert r.status_code == 200, r.text
                name = "x8_" + r.json()["channel_id"].replace("-", "")
                homes = [n for n, fake in enumerate(fakes) if name in fake.sessions]
                assert len(homes) == 1  # each session lives on exactly one server
                recorded = sql(
                    owner_url, "SELECT config->>'waha_server' FROM channels WHERE id = %s", r.json()["channel_id"]
                )
                assert recorded == [([first_url, second_url][homes[0]],)]
                placed.append((tokens, r.json()["channel_id"], homes[0]))
            tokens, channel_id, home = placed[0]
            qr = await client.get(
                "/api/v1/integrations/whatsapp/qr", params={"channel_id": channel_id}, headers=bearer(tokens)
            )
            assert qr.status_code == 200 and f"GET /api/x8_{channel_id.replace('-', '')}/auth/qr" in fakes[home].calls


async def test_events_waha_does_not_send_are_acknowledged_and_not_stored(
    wa_client: httpx.AsyncClient, app_url: str, fake_waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = fake_waha
    tokens, company, _channel_id, session = await _connect(wa_client, fake)
    for payload in (
        "text",
        {"id": 5, "from": CUSTOMER, "body": "hi"},
        {"id": "m1", "from": CUSTOMER, "body": {"text": "hi"}},
        {"id": "m2", "from": "120363@g.us", "body": "group chatter"},
        {"id": "x" * 500, "from": CUSTOMER, "body": "too long an id"},
    ):
        assert (await _emit(wa_client, fake, session, "message", payload)).status_code == 200, payload  # type: ignore[arg-type]
    assert (await _emit(wa_client, fake, session, "session.status", {"status": 7})).status_code == 200
    await run_jobs(app_url)
    listed = await wa_client.get("/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(tokens))
    assert listed.json()["total"] == 0
    assert fake.sent == []
