"""Messenger and Instagram messages both ways, over real HTTP to a fake Graph API (SPEC.md R-M1, R-CH4): the
signature with the owning app's secret, duplicates, bursts, echoes, the 24-hour window and Graph's errors."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.conftest import app_client, bearer, sql
from tests.conversations.helpers import bot_replies, history, run_jobs
from tests.fakes.meta_graph import MAX_TEXT, FakeMetaGraph, instagram_event, messenger_event, sign, signed_post
from tests.meta.conftest import VERIFY_TOKEN, meta_settings
from tests.meta.helpers import (
    APP_ID,
    APP_SECRET,
    OTHER_APP_ID,
    OTHER_SECRET,
    PSID,
    connected_shop,
    conversations,
    pool_app,
)
from x8.channel_adapters.pieces import split_text
from x8.tenancy.names import TenantNames

PAGE = "1122334455"


def _events(owner_url: str) -> int:
    return int(sql(owner_url, "SELECT count(*) FROM webhook_events")[0][0])


async def test_the_subscription_challenge(meta_client: httpx.AsyncClient) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    r = await meta_client.get("/api/v1/webhooks/meta", params=params)
    assert r.status_code == 200 and r.text == "1158201444"
    wrong = await meta_client.get("/api/v1/webhooks/meta", params=params | {"hub.verify_token": "guess"})
    assert wrong.status_code == 403


async def test_a_message_is_answered_through_the_send_api(
    meta_client: httpx.AsyncClient, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, _ = await connected_shop(meta_client, app_url, fake)
    r = await signed_post(
        meta_client, messenger_event(PAGE, PSID, "How much is the sourdough bread?", "m_1"), APP_SECRET
    )
    assert r.status_code == 200, r.text
    await run_jobs(app_url)
    [sent] = fake.sent
    assert (sent["page_id"], sent["recipient"], sent["messaging_type"]) == (PAGE, PSID, "RESPONSE")
    assert "Sourdough" in sent["text"]
    [conversation] = await conversations(meta_client, tokens, company["id"])
    [reply] = bot_replies(await history(meta_client, tokens, conversation["id"]))
    assert reply["status"] == "sent"


async def test_forged_and_wrong_app_signatures_store_nothing(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await connected_shop(meta_client, app_url, fake)
    event = messenger_event(PAGE, PSID, "hello", "m_forged")
    assert (await signed_post(meta_client, event, None)).status_code == 401
    assert (await signed_post(meta_client, event, "not-the-apps-secret-at-all-000000")).status_code == 401
    # Another pool app's secret is a real secret, but not of the app this page is subscribed to.
    await pool_app(meta_client, app_url, fake, app_id=OTHER_APP_ID, secret=OTHER_SECRET, name="Pool app 2")
    assert (await signed_post(meta_client, event, OTHER_SECRET)).status_code == 403
    assert _events(owner_url) == 0
    # A body changed after signing does not pass either.
    body = b'{"object":"page","entry":[]}'
    r = await meta_client.post(
        "/api/v1/webhooks/meta",
        content=body + b" ",
        headers={"X-Hub-Signature-256": sign(APP_SECRET, body)},
    )
    assert r.status_code == 401


async def test_a_redelivered_mid_is_stored_and_answered_once(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, _ = await connected_shop(meta_client, app_url, fake)
    event = messenger_event(PAGE, PSID, "apples", "m_dup")
    for _ in range(3):
        assert (await signed_post(meta_client, event, APP_SECRET)).status_code == 200
    await run_jobs(app_url)
    assert _events(owner_url) == 1
    [conversation] = await conversations(meta_client, tokens, company["id"])
    messages = await history(meta_client, tokens, conversation["id"])
    assert [m["sender"] for m in messages] == ["customer", "bot"]
    assert len(fake.sent) == 1


async def test_a_burst_inside_the_buffer_window_is_one_turn(
    owner_url: str, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, url = fake_meta
    # A window long enough that handling the three inbox events (one job each) ends before it closes, even on a
    # loaded machine: the burst must still be open when the first run of the queue is over.
    async with app_client(meta_settings(owner_url, url, X8_BUFFER_SECONDS="3"), app_url) as client:
        tokens, company, _ = await connected_shop(client, app_url, fake)
        for n, text in enumerate(["Hi, I'm looking for", "sourdough", "bread"]):
            assert (
                await signed_post(client, messenger_event(PAGE, PSID, text, f"m_b{n}"), APP_SECRET)
            ).status_code == 200
        await run_jobs(app_url)
        [conversation] = await conversations(client, tokens, company["id"])
        assert bot_replies(await history(client, tokens, conversation["id"])) == []
        await asyncio.sleep(3.2)
        await run_jobs(app_url)
        messages = await history(client, tokens, conversation["id"])
        assert [m["sender"] for m in messages] == ["customer", "customer", "customer", "bot"]
        assert len(fake.sent) == 1


async def test_the_business_echo_pauses_the_bot_and_our_own_echo_does_not(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, _ = await connected_shop(meta_client, app_url, fake)
    await signed_post(meta_client, messenger_event(PAGE, PSID, "apples", "m_e1"), APP_SECRET)
    await run_jobs(app_url)
    [ours] = fake.sent
    # Meta echoes the platform's own reply, with the pool app's id: not stored, the bot keeps answering.
    own = messenger_event(PAGE, PSID, ours["text"], ours["mid"], is_echo=True, app_id=APP_ID)
    assert (await signed_post(meta_client, own, APP_SECRET)).status_code == 200
    await signed_post(meta_client, messenger_event(PAGE, PSID, "bread?", "m_e2"), APP_SECRET)
    await run_jobs(app_url)
    assert len(fake.sent) == 2
    [conversation] = await conversations(meta_client, tokens, company["id"])
    assert conversation["bot_paused"] is False

    # The owner answers from the Page inbox (Meta's own inbox app): stored as the owner's, and the bot pauses.
    typed = messenger_event(
        PAGE, PSID, "Hi, this is Anna from the bakery.", "m_e3", is_echo=True, app_id="263902037430900"
    )
    assert (await signed_post(meta_client, typed, APP_SECRET)).status_code == 200
    await run_jobs(app_url)
    await signed_post(meta_client, messenger_event(PAGE, PSID, "thanks Anna!", "m_e4"), APP_SECRET)
    await run_jobs(app_url)
    assert len(fake.sent) == 2  # paused: no reply to the customer's last message
    messages = await history(meta_client, tokens, conversation["id"])
    assert [m["sender"] for m in messages] == ["customer", "bot", "customer", "bot", "owner", "customer"]
    [conversation] = await conversations(meta_client, tokens, company["id"])
    assert conversation["bot_paused"] is True


async def test_instagram_messages_are_answered_too(
    meta_client: httpx.AsyncClient, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await connected_shop(meta_client, app_url, fake, platform="instagram")
    ig_id = fake.pages[0].instagram_id
    assert ig_id is not None
    r = await signed_post(meta_client, instagram_event(ig_id, "9900112233", "apples", "ig_m1"), APP_SECRET)
    assert r.status_code == 200
    await run_jobs(app_url)
    [sent] = fake.sent
    assert (sent["page_id"], sent["recipient"]) == (PAGE, "9900112233")


async def test_a_reply_outside_the_24_hour_window_is_not_sent(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, _ = await connected_shop(meta_client, app_url, fake)
    fake.fail_next = ["429"]  # the reply waits for a retry...
    await signed_post(meta_client, messenger_event(PAGE, PSID, "apples", "m_w1"), APP_SECRET)
    await run_jobs(app_url)
    schema = "t_" + company["id"].replace("-", "")
    sql(owner_url, f"UPDATE {schema}.messages SET created_at = created_at - interval '25 hours'")  # ...past the window
    for _ in range(8):
        await asyncio.sleep(0.5)
        await run_jobs(app_url)
    assert fake.sent == []
    [conversation] = await conversations(meta_client, tokens, company["id"])
    [reply] = bot_replies(await history(meta_client, tokens, conversation["id"]))
    assert (reply["status"], reply["last_error"]) == ("failed", "outside_24h_window")

    r = await meta_client.post(
        f"/api/v1/conversations/{conversation['id']}/messages", headers=bearer(tokens), json={"text": "Sorry!"}
    )
    assert r.status_code == 409 and r.json()["error"] == "OutsideMessagingWindow", r.text
    assert [m["sender"] for m in await history(meta_client, tokens, conversation["id"])] == ["customer", "bot"]

    # Once the customer writes again, the window is open: the bot and people answer.
    await signed_post(meta_client, messenger_event(PAGE, PSID, "bread?", "m_w2"), APP_SECRET)
    await run_jobs(app_url)
    assert len(fake.sent) == 1
    r = await meta_client.post(
        f"/api/v1/conversations/{conversation['id']}/messages", headers=bearer(tokens), json={"text": "Hello!"}
    )
    assert r.status_code == 201, r.text


async def test_an_expired_page_token_flags_the_channel(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, channel_id = await connected_shop(meta_client, app_url, fake)
    fake.fail_next = [190]
    await signed_post(meta_client, messenger_event(PAGE, PSID, "apples", "m_t1"), APP_SECRET)
    await run_jobs(app_url)
    [conversation] = await conversations(meta_client, tokens, company["id"])
    [reply] = bot_replies(await history(meta_client, tokens, conversation["id"]))
    assert reply["status"] == "failed" and "190" in reply["last_error"]
    listed = await meta_client.get(
        "/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    [channel] = listed.json()["items"]
    assert channel["channel_id"] == channel_id
    assert channel["status"] == "ERROR" and "Log in with Facebook again" in channel["last_error"]
    assert channel["error_count"] == 1


async def test_a_permission_error_is_kept_and_a_rate_limit_is_retried(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, channel_id = await connected_shop(meta_client, app_url, fake)
    fake.fail_next = [230]
    await signed_post(meta_client, messenger_event(PAGE, PSID, "apples", "m_p1"), APP_SECRET)
    await run_jobs(app_url)
    [conversation] = await conversations(meta_client, tokens, company["id"])
    [reply] = bot_replies(await history(meta_client, tokens, conversation["id"]))
    assert reply["status"] == "failed" and "230" in reply["last_error"]
    status, last_error = sql(owner_url, "SELECT status, last_error FROM channels WHERE id = %s", channel_id)[0]
    assert status == "CONNECTED" and "230" in last_error  # the page works; this permission is missing

    fake.fail_next = ["500"]
    await signed_post(meta_client, messenger_event(PAGE, PSID, "bread?", "m_p2"), APP_SECRET)
    await run_jobs(app_url)
    for _ in range(12):
        await asyncio.sleep(0.5)
        await run_jobs(app_url)
        if len(fake.sent) == 1:
            break
    assert len(fake.sent) == 1  # retried after the 5xx, sent once


async def test_a_long_reply_goes_in_pieces_and_a_retry_sends_only_the_rest(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, _ = await connected_shop(meta_client, app_url, fake)
    await signed_post(meta_client, messenger_event(PAGE, PSID, "Where is my order?", "m_l1"), APP_SECRET)
    await run_jobs(app_url)
    answered = len(fake.sent)
    [conversation] = await conversations(meta_client, tokens, company["id"])
    text = " ".join(f"Line {n}: your order is packed and on its way to you." for n in range(70))
    pieces = split_text(text, MAX_TEXT)
    assert len(text) <= 4000 and len(pieces) == 2

    fake.fail_next = [None, "500"]  # Graph takes the first piece, then fails on the second
    r = await meta_client.post(
        f"/api/v1/conversations/{conversation['id']}/messages", headers=bearer(tokens), json={"text": text}
    )
    assert r.status_code == 201, r.text
    await run_jobs(app_url)
    assert [s["text"] for s in fake.sent[answered:]] == pieces[:1]
    schema = TenantNames(uuid.UUID(company["id"])).schema
    [(status, parts_sent)] = sql(owner_url, f"SELECT status, parts_sent FROM {schema}.messages WHERE sender = 'human'")
    assert (status, parts_sent) == ("pending", 1)  # to be retried, from the second piece

    for _ in range(12):
        await asyncio.sleep(0.5)
        await run_jobs(app_url)
        if len(fake.sent) > answered + 1:
            break
    assert [s["text"] for s in fake.sent[answered:]] == pieces  # each piece once, in order
    [human] = [m for m in await history(meta_client, tokens, conversation["id"]) if m["sender"] == "human"]
    assert human["status"] == "sent" and human["body"] == text and human["attempts"] == 2
