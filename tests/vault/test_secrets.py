"""The vault API (SPEC.md §12 R-V1, R-V2): masked lists, audited reveals and edits, a channel token checked with
Telegram before it is stored, and everything outside the caller's reach a 404 (a reveal attempt audited too)."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import bearer, sql
from tests.fakes.telegram import FakeTelegram
from tests.support.helpers import admin, assign, business, manager
from tests.vault.conftest import NEW_TOKEN, TOKEN
from tests.vault.helpers import SECRETS, audit, business_with_bot, reveal, secrets
from x8.kit.db import Database
from x8.platform.vault import repository
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import SecretKind
from x8.settings import Settings

CLIENT_IP = "203.0.113.7"  # the test client's address (tests.conftest.app_client)


async def test_a_business_lists_its_token_masked_and_reveals_it_with_an_audit_entry(
    vault_client: httpx.AsyncClient, owner_url: str
) -> None:
    client = vault_client
    tokens, company, shop_id = await business_with_bot(client, "shop@example.com", TOKEN)

    listed = await secrets(client, tokens)
    assert listed.status_code == 200 and TOKEN not in listed.text and TOKEN[:-4] not in listed.text
    [item] = listed.json()["items"]
    assert listed.json()["total"] == 1
    assert (item["client_id"], item["company_id"], item["kind"], item["status"]) == (
        shop_id,
        company["id"],
        "telegram_bot_token",
        "active",
    )
    assert item["masked"].endswith(TOKEN[-4:]) and not any(c.isalnum() for c in item["masked"][:-4])
    assert item["label"] == "Telegram bot token" and item["updated_at"] and item["last_checked_at"]
    assert (await secrets(client, tokens, company_id=company["id"])).json()["total"] == 1
    [(stored,)] = sql(owner_url, "SELECT ciphertext FROM vault_secrets WHERE id = %s", item["id"])
    assert TOKEN.encode() not in bytes(stored)

    # Connecting the bot stored the token: the vault's audit says so, as it will say every later change.
    [created] = (await audit(client, tokens))["items"]
    assert (created["action"], created["secret_id"], created["actor_id"], created["ip"]) == (
        "create",
        item["id"],
        shop_id,
        CLIENT_IP,
    )
    revealed = await reveal(client, tokens, item["id"])
    assert revealed.status_code == 200 and revealed.json() == {"value": TOKEN}
    entries = await audit(client, tokens)
    assert entries["total"] == 2
    entry = entries["items"][0]
    assert (entry["actor_id"], entry["actor_role"], entry["action"], entry["secret_id"], entry["ip"]) == (
        shop_id,
        "CLIENT",
        "reveal",
        item["id"],
        CLIENT_IP,
    )
    assert entry["denied"] is False


async def test_a_manager_sees_only_assigned_businesses_and_a_refused_reveal_is_audited(
    vault_client: httpx.AsyncClient, app_url: str
) -> None:
    client = vault_client
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    boris, _ = await manager(client, boss, "boris@example.com")
    shop, _, shop_id = await business_with_bot(client, "shop@example.com", TOKEN)
    other, _ = await business(client, "other@example.com")
    await assign(client, boss, anna_id, shop_id)
    [secret] = (await secrets(client, shop)).json()["items"]

    mine = await secrets(client, anna, client_id=shop_id)
    assert [i["id"] for i in mine.json()["items"]] == [secret["id"]]
    assert (await reveal(client, anna, secret["id"])).json() == {"value": TOKEN}
    assert (await audit(client, anna, client_id=shop_id))["items"][0]["actor_role"] == "MANAGER"

    # Boris manages nobody: the business, its secret and its audit are not there for him, nor for another business.
    assert (await secrets(client, boris)).json() == {"items": [], "total": 0}
    assert (await secrets(client, boris, client_id=shop_id)).status_code == 404
    assert (await secrets(client, other, client_id=shop_id)).status_code == 404
    assert (
        await client.get(f"{SECRETS}", headers=bearer(boris), params={"company_id": str(uuid.uuid4())})
    ).status_code == 404
    assert (
        await client.get("/api/v1/vault/audit", headers=bearer(boris), params={"client_id": shop_id})
    ).status_code == 404
    put = await client.put(f"{SECRETS}/{secret['id']}", headers=bearer(boris), json={"value": NEW_TOKEN})
    assert put.status_code == 404
    for intruder in (boris, other):
        refused = await reveal(client, intruder, secret["id"])
        assert refused.status_code == 404 and TOKEN not in refused.text
    assert (await reveal(client, boris, str(uuid.uuid4()))).status_code == 404

    attempts = [e for e in (await audit(client, boss, secret_id=secret["id"]))["items"] if e["denied"]]
    assert [(e["action"], e["actor_role"], e["ip"]) for e in attempts] == [
        ("reveal", "CLIENT", CLIENT_IP),
        ("reveal", "MANAGER", CLIENT_IP),
    ]
    # The business sees who tried to open its secret; Boris's own audit list stays empty.
    assert sum(e["denied"] for e in (await audit(client, shop))["items"]) == 2
    assert (await audit(client, boris))["total"] == 0
    # The admin sees everything.
    assert (await secrets(client, boss)).json()["total"] == 1


async def test_a_changed_token_is_checked_with_telegram_and_a_bad_one_keeps_the_old(
    vault_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    client, fake = vault_client, fake_telegram[0]
    shop, company, _ = await business_with_bot(client, "shop@example.com", TOKEN)
    [secret] = (await secrets(client, shop)).json()["items"]
    url = f"{SECRETS}/{secret['id']}"

    bad = await client.put(url, headers=bearer(shop), json={"value": "111:not-a-bot"})
    assert bad.status_code == 400 and bad.json()["error"] == "BadRequest"
    assert (await reveal(client, shop, secret["id"])).json() == {"value": TOKEN}
    assert fake.bots[TOKEN].webhook and not fake.bots[NEW_TOKEN].webhook

    for invalid in ({"value": ""}, {"value": "   "}, {"label": "x"}, {"value": "a", "label": ""}):
        assert (await client.put(url, headers=bearer(shop), json=invalid)).status_code == 422
    assert (await client.put(f"{SECRETS}/{uuid.uuid4()}", headers=bearer(shop), json={"value": "x"})).status_code == 404

    good = await client.put(url, headers=bearer(shop), json={"value": f"  {NEW_TOKEN} ", "label": "New bot"})
    assert good.status_code == 200, good.text
    assert good.json()["label"] == "New bot" and good.json()["masked"].endswith(NEW_TOKEN[-4:])
    assert (await reveal(client, shop, secret["id"])).json() == {"value": NEW_TOKEN}
    assert fake.bots[NEW_TOKEN].webhook["url"].startswith("https://x8.example/api/v1/webhooks/telegram/")
    channels = await client.get("/api/v1/integrations/list", headers=bearer(shop), params={"company_id": company["id"]})
    assert [c["display_name"] for c in channels.json()["items"]] == ["@new_bot"]
    actions = [e["action"] for e in (await audit(client, shop, secret_id=secret["id"]))["items"]]
    assert actions == ["reveal", "update", "reveal", "create"]  # newest first

    # A label alone changes nothing at Telegram.
    calls = len(fake.calls)
    relabelled = await client.put(url, headers=bearer(shop), json={"value": NEW_TOKEN, "label": "Main bot"})
    assert relabelled.json()["label"] == "Main bot" and len(fake.calls) == calls


async def test_disconnecting_the_channel_removes_its_secret_with_an_audit_entry(
    vault_client: httpx.AsyncClient,
) -> None:
    client = vault_client
    shop, _, _ = await business_with_bot(client, "shop@example.com", TOKEN)
    [secret] = (await secrets(client, shop)).json()["items"]
    channel_id = (
        await client.get("/api/v1/integrations/list", headers=bearer(shop), params={"company_id": secret["company_id"]})
    ).json()["items"][0]["channel_id"]
    r = await client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(shop))
    assert r.status_code == 200, r.text
    assert (await secrets(client, shop)).json()["total"] == 0
    actions = [e["action"] for e in (await audit(client, shop, secret_id=secret["id"]))["items"]]
    assert actions == ["delete", "create"]
    assert (await reveal(client, shop, secret["id"])).status_code == 404


async def test_a_platform_secret_is_for_admins_alone(
    client: httpx.AsyncClient, app_url: str, settings: Settings
) -> None:
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    shop, shop_id = await business(client, "shop@example.com")
    await assign(client, boss, anna_id, shop_id)
    db = Database.connect(app_url, pool_size=1)
    try:
        async with db.sessions() as session, session.begin():
            new = repository.NewSecret(None, None, SecretKind.META_APP_SECRET, "Meta app 1", ref="meta_app:1")
            secret = await repository.store_secret(session, vault_keys(settings), new, "meta-app-secret-0001")
    finally:
        await db.dispose()

    [listed] = (await secrets(client, boss)).json()["items"]
    assert (listed["client_id"], listed["kind"], listed["masked"]) == (None, "meta_app_secret", "••••••••0001")
    assert (await reveal(client, boss, str(secret.id))).json() == {"value": "meta-app-secret-0001"}
    for other in (anna, shop):
        assert (await secrets(client, other)).json()["total"] == 0
        assert (await reveal(client, other, str(secret.id))).status_code == 404
    assert (await audit(client, shop))["total"] == 0  # the attempts are the admin's to see
    assert sum(e["denied"] for e in (await audit(client, boss, secret_id=str(secret.id)))["items"]) == 2
