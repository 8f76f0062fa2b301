"""The n8n engine per channel (R-N4) against the fake n8n: the switch and its refusals, a turn handed to the
company's ingress workflow (and answered through ``POST /api/v1/n8n/messages``), the native engine answering when
n8n does not take the turn, and the activity log of provisioning."""

from __future__ import annotations

from typing import Any

import httpx

from tests.admin.helpers import manager
from tests.conftest import bearer, make_settings, sql
from tests.conversations.helpers import bot_replies, history, run_jobs
from tests.fakes.n8n import FakeN8n
from tests.fakes.telegram import FakeTelegram
from tests.n8n.helpers import conversation_of, provision, shop_with_telegram, telegram_update, tenant_key

IDLE_IN_TRANSACTION = (
    "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid() "
    "AND state LIKE 'idle in transaction%%'"
)


async def _engine(client: httpx.AsyncClient, tokens: dict[str, str], channel_id: str, engine: str) -> httpx.Response:
    return await client.patch(
        f"/api/v1/integrations/channels/{channel_id}", headers=bearer(tokens), json={"engine": engine}
    )


async def _customer_wrote(
    client: httpx.AsyncClient, fake: FakeTelegram, channel_id: str, update: int, text: str
) -> None:
    secret = next(iter(fake.bots.values())).webhook["secret_token"]
    r = await client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        json=telegram_update(update, text),
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )
    assert r.status_code == 200, r.text


async def _on_n8n(client: httpx.AsyncClient, app_url: str) -> tuple[dict[str, str], str, str]:
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    r = await _engine(client, tokens, channel_id, "n8n")
    assert r.status_code == 200, r.text
    return tokens, company_id, channel_id


async def _activity(client: httpx.AsyncClient, tokens: dict[str, str], **params: str) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/activity", headers=bearer(tokens), params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_the_switch_to_n8n_needs_the_channels_workflow_active(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    tokens, company_id, channel_id = await shop_with_telegram(client)

    r = await _engine(client, tokens, channel_id, "n8n")
    assert r.status_code == 409 and "not active yet" in r.json()["detail"], r.text
    await provision(client, tokens, company_id, app_url)
    r = await _engine(client, tokens, channel_id, "n8n")
    assert r.status_code == 200 and r.json()["engine"] == "n8n", r.text
    r = await client.get("/api/v1/integrations/list", headers=bearer(tokens), params={"company_id": company_id})
    assert [c["engine"] for c in r.json()["items"] if c["channel_id"] == channel_id] == ["n8n"]

    other, _, _ = await shop_with_telegram(client, "other@example.com")
    assert (await _engine(client, other, channel_id, "native")).status_code == 404
    manager_id, manager_tokens = await manager(client, app_url, "manager@example.com")
    sql(owner_url, "UPDATE users SET manager_id = %s WHERE email = %s", manager_id, "shop@example.com")
    assert (await _engine(client, manager_tokens, channel_id, "native")).status_code == 403
    assert (await _engine(client, tokens, channel_id, "zapier")).status_code == 422
    r = await _engine(client, tokens, channel_id, "native")
    assert r.status_code == 200 and r.json()["engine"] == "native"


async def test_a_turn_on_the_n8n_engine_goes_to_the_ingress_workflow_and_its_reply_is_sent(
    client: httpx.AsyncClient, fake: FakeN8n, fake_telegram: tuple[FakeTelegram, str], app_url: str, owner_url: str
) -> None:
    telegram, _ = fake_telegram
    tokens, company_id, channel_id = await _on_n8n(client, app_url)
    sent_before = len(telegram.sent)

    seen: list[int] = []

    def probe(method: str, path: str) -> None:  # while n8n takes the turn, no transaction waits on it
        if path.startswith("/webhook/"):
            seen.append(int(sql(owner_url, IDLE_IN_TRANSACTION, make_settings(owner_url).db_app_role)[0][0]))

    fake.during_request = probe
    await _customer_wrote(client, telegram, channel_id, 1, "Do you have sourdough bread?")
    await run_jobs(app_url)
    fake.during_request = None

    assert seen == [0]
    [call] = fake.webhook_calls
    conversation = await conversation_of(client, tokens, company_id)
    assert call.path == f"x8/telegram/{channel_id}"
    turn = call.body
    assert turn["conversation_id"] == conversation["id"] and turn["channel_id"] == channel_id
    assert turn["text"] == "Do you have sourdough bread?" and turn["contact_id"]
    assert turn["reply"]["url"].endswith("/api/v1/n8n/messages")
    assert telegram.sent[sent_before:] == []  # the native assistant did not answer
    [received] = await history(client, tokens, conversation["id"])
    assert bot_replies([received]) == []

    key = await tenant_key(client, tokens, company_id)
    r = await client.post(
        turn["reply"]["url"].removeprefix("https://x8.example"),
        headers={"X-X8-Tenant-Key": key},
        json={**turn["reply"]["body"], "text": "Yes: Sourdough bread, 4.20 USD"},
    )
    assert r.status_code == 201, r.text
    await run_jobs(app_url)
    assert telegram.sent[sent_before:] == [{"chat_id": 555001, "text": "Yes: Sourdough bread, 4.20 USD"}]
    # The reply answers the turn: the company's statistics count it as a native reply.
    [(total,)] = sql(owner_url, "SELECT total_messages FROM companies WHERE id = %s", company_id)
    assert total == 1


async def test_when_n8n_does_not_take_the_turn_the_native_engine_answers_and_the_log_says_so(
    client: httpx.AsyncClient, fake: FakeN8n, fake_telegram: tuple[FakeTelegram, str], app_url: str
) -> None:
    telegram, _ = fake_telegram
    tokens, company_id, channel_id = await _on_n8n(client, app_url)
    sent_before = len(telegram.sent)
    fake.outage = "503"

    await _customer_wrote(client, telegram, channel_id, 1, "Do you have sourdough bread?")
    await run_jobs(app_url)

    [reply] = telegram.sent[sent_before:]
    assert "Sourdough" in reply["text"]  # the native assistant found it in the KB
    [entry] = await _activity(client, tokens, kind="n8n_handover")
    assert entry["status"] == "error" and entry["channel_id"] == channel_id and entry["retryable"] is False
    assert "503" in entry["detail"]
    r = await client.get("/api/v1/integrations/list", headers=bearer(tokens), params={"company_id": company_id})
    [info] = [c for c in r.json()["items"] if c["channel_id"] == channel_id]
    assert info["error_count"] >= 1 and "n8n" in info["last_error"]


async def test_provisioning_runs_are_in_the_activity_log_with_a_retry(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    fake.outage = "503"
    await provision(client, tokens, company_id, app_url)
    [entry] = await _activity(client, tokens, kind="n8n_provisioning")
    assert entry["status"] == "pending" and entry["retryable"] is True and entry["detail"]

    fake.outage = None
    r = await client.post(f"/api/v1/activity/{entry['id']}/retry", headers=bearer(tokens))
    assert r.status_code == 202, r.text
    await run_jobs(app_url)
    [done] = await _activity(client, tokens, kind="n8n_provisioning")
    assert done["id"] == entry["id"] and done["status"] == "ok" and done["attempts"] == 2
    assert done["retryable"] is False
    connected = await _activity(client, tokens, kind="webhook_registration")
    assert [e["status"] for e in connected] == ["ok"]  # the bot's setWebhook at connect


async def test_n8n_reads_the_context_posts_received_messages_and_makes_payment_links(
    client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str], app_url: str
) -> None:
    telegram, _ = fake_telegram
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await _customer_wrote(client, telegram, channel_id, 1, "hello")
    await run_jobs(app_url)
    conversation = await conversation_of(client, tokens, company_id)
    key = {"X-X8-Tenant-Key": await tenant_key(client, tokens, company_id)}

    r = await client.get(f"/api/v1/n8n/conversations/{conversation['id']}/context", headers=key, params={"limit": 1})
    assert r.status_code == 200, r.text
    context = r.json()
    assert context["channel_id"] == channel_id and context["company"]["name"] == "Shop"
    assert [m["direction"] for m in context["messages"]] == ["out"]  # the last one: the native reply
    assert context["contact"]["display_name"]

    received = {"channel_id": channel_id, "contact_id": context["contact"]["id"], "direction": "in", "text": "A photo"}
    first = await client.post("/api/v1/n8n/messages", headers=key, json={**received, "provider_message_id": "tg-9"})
    again = await client.post("/api/v1/n8n/messages", headers=key, json={**received, "provider_message_id": "tg-9"})
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["id"] == again.json()["id"] and first.json()["direction"] == "in"

    r = await client.get("/api/v1/n8n/kb/search", headers=key, params={"q": "sourdough"})
    row_id = r.json()["results"][0]["row"]["id"]
    r = await client.post(
        "/api/v1/n8n/payment-links",
        headers=key,
        json={"conversation_id": conversation["id"], "items": [{"kb_row_id": row_id, "quantity": 2}]},
    )
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["status"] == "ready" and link["amount"] == "8.40" and link["currency"] == "USD" and link["sandbox"]
    r = await client.post(
        "/api/v1/n8n/payment-links",
        headers=key,
        json={"conversation_id": conversation["id"], "items": [{"kb_row_id": row_id, "quantity": 99}]},
    )
    assert r.status_code == 422 and r.json()["problem"], r.text

    other_tokens, other_id, _ = await shop_with_telegram(client, "other@example.com")
    other_key = {"X-X8-Tenant-Key": await tenant_key(client, other_tokens, other_id)}
    r = await client.get(f"/api/v1/n8n/conversations/{conversation['id']}/context", headers=other_key)
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/n8n/payment-links",
        headers=other_key,
        json={"conversation_id": conversation["id"], "items": [{"kb_row_id": row_id, "quantity": 1}]},
    )
    assert r.status_code == 404
