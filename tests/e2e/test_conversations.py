"""Issue 5's browser journey: ask the playground about a catalogue product and get its real price; reply as a
human in Conversations and see the assistant paused."""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import api_business_token, create_company, register, unique_email

CATALOGUE = (
    b"SKU,Name,Description,Price,Currency\n"
    b"TEA-1,Green tea,Sencha green tea 100 g,4.50,EUR\n"
    b"HN-3,Wildflower honey,Raw honey from local beekeepers,7.40,EUR\n"
)


def test_playground_answers_with_the_real_price_and_a_human_reply_pauses_the_bot(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("chat"))
    create_company(page, "Tea Room", channel=None)
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    page.get_by_label("CSV or Excel file").set_input_files(
        files=[{"name": "catalogue.csv", "mimeType": "text/csv", "buffer": CATALOGUE}]
    )
    page.get_by_role("button", name="Upload catalogue").click()
    expect(page.get_by_test_id("upload-result")).to_contain_text("Imported 2 of 2 rows.")

    page.get_by_role("link", name="Playground", exact=True).click()
    expect(page.get_by_role("heading", name="Playground")).to_be_visible()
    box = page.get_by_label("Write a message…")
    box.fill("How much is the green tea?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("message-customer")).to_contain_text("How much is the green tea?")
    reply = page.get_by_test_id("message-bot").first
    # Within 10 s: only the live stream can deliver it that soon (the fallback poll runs every 15 s).
    expect(reply).to_contain_text("Green tea: 4.50 EUR", timeout=10000)
    shot(page, "playground-answer")
    page.reload()  # the chat is the user's own on the server, not this tab's
    expect(page.get_by_test_id("message-bot").first).to_contain_text("Green tea: 4.50 EUR")

    page.get_by_role("link", name="Open this chat in Conversations").click()
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    thread = page.get_by_test_id("thread")
    expect(thread.get_by_test_id("bot-state")).to_have_text("The assistant answers this chat")
    expect(page.get_by_test_id("conversation-row")).to_have_count(1)
    expect(page.get_by_test_id("unread-count")).to_have_count(0)  # the open conversation is read
    page.get_by_label("Reply as yourself…").fill("Hello, this is Anna from Tea Room.")
    thread.get_by_role("button", name="Send").click()
    expect(thread.get_by_test_id("message-human")).to_contain_text("Hello, this is Anna")
    expect(thread.get_by_test_id("bot-state")).to_have_text("The assistant is paused: a person is answering")
    expect(page.get_by_test_id("conversation-row")).to_contain_text("Paused")
    shot(page, "conversations-human-reply")

    thread.get_by_role("button", name="Resume assistant").click()
    expect(thread.get_by_test_id("bot-state")).to_have_text("The assistant answers this chat")


def test_integrations_show_only_chosen_channels(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("integrations"))
    create_company(page, "Bakery", channel="Telegram")
    page.get_by_role("link", name="Integrations", exact=True).click()
    expect(page.get_by_role("heading", name="Integrations")).to_be_visible()
    expect(page.get_by_test_id("plan-usage")).to_contain_text("1 of 1 channels")
    expect(page.get_by_test_id("channel-telegram")).to_contain_text("Not connected")
    expect(page.get_by_test_id("channel-whatsapp")).to_have_count(0)
    card = page.get_by_test_id("channel-telegram")
    card.get_by_label("Bot token from @BotFather").fill("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    card.get_by_role("button", name="Connect").click()
    # No Telegram is reachable from the test machine: the failure is shown, and nothing claims to be connected.
    expect(card.get_by_role("alert")).to_be_visible(timeout=20000)
    expect(card).to_contain_text("Not connected")
    # Nothing else can be added: the trial's one channel is spent (the server's 402 for that is tested in
    # tests/platform), so the card for more channels says so and offers none; WhatsApp needs a WAHA server this one
    # lacks, Facebook and Instagram a live app in the Meta pool.
    add = page.get_by_test_id("add-channel")
    expect(add).to_contain_text("Your plan's channels are all in use")
    expect(add.get_by_role("button")).to_have_count(0)
    expect(page.get_by_test_id("channel-whatsapp")).to_have_count(0)
    shot(page, "integrations")


def test_the_event_stream_announces_new_messages(live_server: str) -> None:
    token = api_business_token(live_server, "live")
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server, timeout=30) as api:
        company = api.post("/api/v1/companies/", headers=auth, json={"name": "Live", "company_type": "Product"}).json()
        channel = api.post("/api/v1/integrations/web/connect", headers=auth, json={"company_id": company["id"]}).json()
        ticket = api.post("/api/v1/conversations/events/ticket", headers=auth, json={"company_id": company["id"]})
        assert ticket.status_code == 200 and ticket.json()["expires_in"] == 60
        params = {"company_id": company["id"], "ticket": ticket.json()["ticket"]}
        for wrong in ("not-a-ticket", token):  # the access token itself is not a ticket
            assert api.get("/api/v1/conversations/events", params={**params, "ticket": wrong}).status_code == 401
        with api.stream("GET", "/api/v1/conversations/events", params=params) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            sent = api.post(f"/api/v1/webhooks/web/{channel['channel_id']}", headers=auth, json={"text": "hello"})
            conversation = sent.json()["conversation_id"]
            seen: list[str] = []
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    seen.append(json.loads(line[5:])["conversation_id"])
                    if len(seen) >= 2:  # the customer's message, then the assistant's reply
                        break
    assert seen[:2] == [conversation, conversation]


def test_behaviour_is_tried_then_saved_and_used(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("behaviour"))
    create_company(page, "Flower Shop", channel=None)
    page.get_by_role("link", name="Playground", exact=True).click()
    panel = page.get_by_test_id("behaviour-panel")
    expect(panel).to_contain_text("version 0")
    panel.get_by_label("Greeting (word for word)").fill("Welcome to Flower Shop! Ask me about bouquets.")
    panel.get_by_label("A customer's question to try").fill("Hi")
    panel.get_by_role("button", name="Try it").click()
    expect(page.get_by_test_id("preview-reply")).to_have_text("Welcome to Flower Shop! Ask me about bouquets.")
    expect(panel).to_contain_text("version 0")  # trying saves nothing
    panel.get_by_role("button", name="Save as a new version").click()
    expect(panel).to_contain_text("version 1")
    shot(page, "playground-behaviour")

    page.get_by_label("Write a message…").fill("Hello")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("message-bot").first).to_contain_text(
        "Welcome to Flower Shop! Ask me about bouquets.", timeout=10000
    )
