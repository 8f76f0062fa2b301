"""The reply pipeline through the sandbox web channel: webhook → inbox → buffer → assistant → stored → sent."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.conftest import app_client, bearer, mailbox, make_settings
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue


async def test_the_assistant_answers_from_the_catalogue_with_its_real_price(
    client: httpx.AsyncClient, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    sent = await say(client, tokens, channel, "How much are the green apples?")
    assert sent["duplicate"] is False
    await run_jobs(app_url)

    messages = await history(client, tokens, sent["conversation_id"])
    assert [m["sender"] for m in messages] == ["customer", "bot"]
    reply = messages[1]
    assert reply["status"] == "sent" and reply["intent"] == "question" and reply["message_type"] == "TYPE1"
    assert "Green apples" in reply["body"] and "3.50 USD" in reply["body"]
    assert messages[0]["intent"] == "question"

    unknown = await say(client, tokens, channel, "Do you repair helicopters?")
    await run_jobs(app_url)
    last = bot_replies(await history(client, tokens, unknown["conversation_id"]))[-1]["body"]
    assert "we don't have “repair helicopters”" in last and "USD" not in last  # honest, and never an invented price

    stats = (await client.get(f"/api/v1/companies/{company['id']}/stats", headers=bearer(tokens))).json()
    assert stats["total_messages"] == 2 and stats["type1_count"] == 2
    assert stats["avg_response_time"] is not None


async def test_the_playground_remembers_each_users_own_chat(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    connect = {"company_id": company["id"]}
    first = await client.post("/api/v1/integrations/web/connect", headers=bearer(tokens), json=connect)
    assert first.json()["conversation_id"] is None  # no chat yet
    sent = await say(client, tokens, first.json()["channel_id"], "hello")
    again = await client.post("/api/v1/integrations/web/connect", headers=bearer(tokens), json=connect)
    assert again.json()["conversation_id"] == sent["conversation_id"]  # on any device, after any reload

    # A visitor the page named itself is not the user's own chat.
    other = await say(client, tokens, first.json()["channel_id"], "hi", visitor_id="someone-else")
    assert other["conversation_id"] != sent["conversation_id"]
    again = await client.post("/api/v1/integrations/web/connect", headers=bearer(tokens), json=connect)
    assert again.json()["conversation_id"] == sent["conversation_id"]


async def test_russian_question_gets_a_russian_answer(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client, language="ru")
    channel = await connect_web(client, tokens, company["id"])
    sent = await say(client, tokens, channel, "Сколько стоит чехол для iphone?")
    await run_jobs(app_url)
    reply = bot_replies(await history(client, tokens, sent["conversation_id"]))[0]["body"]
    # The English catalogue cannot match "чехол": not "we don't have it", but "I couldn't find it", then the case.
    assert reply.startswith("К сожалению, я не нашёл «чехол для iphone»") and "iPhone 15 case: 19.99 USD" in reply


async def test_greeting_buy_and_human_handover(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    hello = await say(client, tokens, channel, "Hello!")
    await run_jobs(app_url)
    conversation = hello["conversation_id"]
    assert "Welcome to Shop" in bot_replies(await history(client, tokens, conversation))[0]["body"]

    await say(client, tokens, channel, "I want to buy the sourdough bread")
    await run_jobs(app_url)
    buy = bot_replies(await history(client, tokens, conversation))[-1]
    assert buy["intent"] == "buy" and buy["message_type"] == "TYPE2"
    assert "Sourdough bread (4.20 USD)" in buy["body"] and "payment link" in buy["body"]

    await say(client, tokens, channel, "Can I talk to a real person please")
    await run_jobs(app_url)
    assert "take over" in bot_replies(await history(client, tokens, conversation))[-1]["body"]
    state = (await client.get(f"/api/v1/conversations/{conversation}", headers=bearer(tokens))).json()
    assert state["handover"] is True and state["bot_paused"] is True
    notice = (await mailbox(client, "shop@example.com"))[0]
    assert "asked for a person" in notice["subject"] and f"conversation={conversation}" in notice["body"]

    await say(client, tokens, channel, "Hello?")  # the bot stays quiet after a handover
    await run_jobs(app_url)
    assert len(bot_replies(await history(client, tokens, conversation))) == 3


async def test_a_redelivered_message_is_answered_once(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    message_id = str(uuid.uuid4())
    first = await say(client, tokens, channel, "apples", message_id=message_id)
    again = await say(client, tokens, channel, "apples", message_id=message_id)
    assert again["duplicate"] is True and again["conversation_id"] == first["conversation_id"]
    await run_jobs(app_url)
    await run_jobs(app_url)
    messages = await history(client, tokens, first["conversation_id"])
    assert [m["sender"] for m in messages] == ["customer", "bot"]


async def test_a_burst_inside_the_buffer_window_is_one_turn(owner_url: str, app_url: str) -> None:
    async with app_client(make_settings(owner_url, X8_BUFFER_SECONDS="0.6"), app_url) as client:
        tokens, company = await shop_with_catalogue(client)
        channel = await connect_web(client, tokens, company["id"])
        first = await say(client, tokens, channel, "Hi, I'm looking for")
        await say(client, tokens, channel, "sourdough")
        await run_jobs(app_url)  # the window is still open: nothing is answered yet
        assert bot_replies(await history(client, tokens, first["conversation_id"])) == []
        await asyncio.sleep(0.8)
        await run_jobs(app_url)
        messages = await history(client, tokens, first["conversation_id"])
        replies = bot_replies(messages)
        assert len(replies) == 1 and "Sourdough bread" in replies[0]["body"]
        assert [m["sender"] for m in messages] == ["customer", "customer", "bot"]


async def test_a_human_reply_pauses_the_bot_until_resumed(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    conversation = (await say(client, tokens, channel, "apples"))["conversation_id"]
    await run_jobs(app_url)
    r = await client.post(
        f"/api/v1/conversations/{conversation}/messages", headers=bearer(tokens), json={"text": "Hi, this is Anna."}
    )
    assert r.status_code == 201 and r.json()["sender"] == "human" and r.json()["status"] == "pending"
    await run_jobs(app_url)
    state = (await client.get(f"/api/v1/conversations/{conversation}", headers=bearer(tokens))).json()
    assert state["bot_paused"] is True and state["handover"] is False
    await say(client, tokens, channel, "bread?")
    await run_jobs(app_url)
    messages = await history(client, tokens, conversation)
    assert [m["sender"] for m in messages] == ["customer", "bot", "human", "customer"]
    assert messages[2]["status"] == "sent"

    r = await client.post(f"/api/v1/conversations/{conversation}/resume-bot", headers=bearer(tokens))
    assert r.status_code == 200 and r.json()["bot_paused"] is False
    await say(client, tokens, channel, "bread?")
    await run_jobs(app_url)
    assert [m["sender"] for m in await history(client, tokens, conversation)][-1] == "bot"


async def test_inbox_lists_filters_and_searches(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    conversation = (await say(client, tokens, channel, "Do you sell sourdough?"))["conversation_id"]
    await run_jobs(app_url)
    listed = (
        await client.get("/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(tokens))
    ).json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["id"] == conversation and item["channel"] == "web" and item["unread_count"] == 1
    assert "Sourdough" in item["last_message_preview"]
    for params, expected in [
        ({"q": "sourdough"}, 1),
        ({"q": "helicopter"}, 0),
        ({"channel": "telegram"}, 0),
        ({"status": "unread"}, 1),
        ({"status": "paused"}, 0),
    ]:
        r = await client.get(
            "/api/v1/conversations", params={"company_id": company["id"], **params}, headers=bearer(tokens)
        )
        assert r.json()["total"] == expected, params
    read = await client.post(f"/api/v1/conversations/{conversation}/read", headers=bearer(tokens))
    assert read.json()["unread_count"] == 0


async def test_another_business_cannot_see_or_write_to_a_conversation(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    conversation = (await say(client, tokens, channel, "apples"))["conversation_id"]
    other, _ = await shop_with_catalogue(client, "other@example.com")
    for method, path, body in [
        ("GET", f"/api/v1/conversations/{conversation}", None),
        ("GET", f"/api/v1/conversations/{conversation}/messages", None),
        ("POST", f"/api/v1/conversations/{conversation}/messages", {"text": "hi"}),
        ("POST", f"/api/v1/conversations/{conversation}/resume-bot", None),
        ("POST", f"/api/v1/webhooks/web/{channel}", {"text": "hi"}),
        ("GET", f"/api/v1/conversations/{uuid.uuid4()}", None),
    ]:
        r = await client.request(method, path, headers=bearer(other), json=body)
        assert r.status_code == 404, (method, path, r.text)
    r = await client.get("/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(other))
    assert r.status_code == 404


async def test_a_stream_ticket_opens_one_companys_stream_for_its_session_only(
    client: httpx.AsyncClient, app_url: str
) -> None:
    tokens, company = await shop_with_catalogue(client)
    _, other = await shop_with_catalogue(client, "other@example.com")
    r = await client.post(
        "/api/v1/conversations/events/ticket", headers=bearer(tokens), json={"company_id": other["id"]}
    )
    assert r.status_code == 404  # no ticket for a company one cannot see
    r = await client.post(
        "/api/v1/conversations/events/ticket", headers=bearer(tokens), json={"company_id": company["id"]}
    )
    ticket = r.json()["ticket"]
    # A ticket is for the company it was issued for.
    r = await client.get("/api/v1/conversations/events", params={"company_id": other["id"], "ticket": ticket})
    assert r.status_code == 401 and "another company" in r.json()["detail"]
    # And only while its sign-in session is open.
    assert (await client.post("/api/v1/auth/logout", headers=bearer(tokens))).status_code in (200, 204)
    r = await client.get("/api/v1/conversations/events", params={"company_id": company["id"], "ticket": ticket})
    assert r.status_code == 401
