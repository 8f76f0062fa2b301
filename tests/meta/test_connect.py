"""Connecting a Facebook Page or an Instagram account through the pool app's login, over real HTTP to a fake Graph
API (SPEC.md R-CH4): one page at once, several to choose from, the signed state, and disconnecting."""

from __future__ import annotations

import httpx

from tests.admin.helpers import admin_tokens
from tests.conftest import bearer, register, sql
from tests.conversations.helpers import shop_with_catalogue
from tests.fakes.meta_graph import FakeMetaGraph
from tests.meta.helpers import APP_ID, OTHER_APP_ID, OTHER_SECRET, connected_shop, login, outcome, pool_app


async def test_one_page_connects_at_once_with_its_token_in_the_vault(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await pool_app(meta_client, app_url, fake)
    page = fake.add_page("1122334455", "Sourdough Corner")
    tokens, company = await shop_with_catalogue(meta_client)

    r = await meta_client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": company["id"], "platform": "facebook"},
        headers=bearer(tokens),
    )
    assert r.status_code == 200, r.text
    url = r.json()["url"]
    assert f"/v21.0/dialog/oauth?client_id={APP_ID}" in url
    assert "pages_messaging" in url and "pages_manage_metadata" in url and "pages_show_list" in url

    done = outcome(await login(meta_client, tokens, company["id"]))
    assert done == {"company": company["id"], "meta": "connected", "platform": "facebook"}
    assert page.subscribed == {APP_ID: ["messages", "messaging_postbacks", "message_echoes"]}
    listed = await meta_client.get(
        "/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    [channel] = listed.json()["items"]
    assert (channel["platform"], channel["status"], channel["display_name"]) == (
        "facebook",
        "CONNECTED",
        "Sourdough Corner",
    )
    [(kind, sealed)] = sql(
        owner_url, "SELECT kind, ciphertext FROM vault_secrets WHERE ref = %s", f"channel:{channel['channel_id']}"
    )
    token = next(t for t, (page_id, _) in fake.page_tokens.items() if page_id == page.id)
    assert kind == "meta_page_token" and token.encode() not in bytes(sealed)
    assert sql(owner_url, "SELECT channels FROM companies WHERE id = %s", company["id"])[0][0] == ["facebook"]
    # The business keeps its app: it was assigned on this first login.
    assert sql(owner_url, "SELECT count(*) FROM meta_app_assignments")[0][0] == 1
    # The page's subscription is in the company's activity log.
    assert sql(owner_url, "SELECT kind, status FROM activity_log WHERE channel_id = %s", channel["channel_id"]) == [
        ("webhook_registration", "ok")
    ]


async def test_several_pages_wait_for_the_business_to_choose(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await pool_app(meta_client, app_url, fake)
    fake.add_page("1000000001", "Bakery North")
    second = fake.add_page("1000000002", "Bakery South")
    tokens, company = await shop_with_catalogue(meta_client)
    assert outcome(await login(meta_client, tokens, company["id"]))["meta"] == "choose"
    assert not any(p.subscribed for p in fake.pages)  # nothing is connected before the choice

    r = await meta_client.get(
        "/api/v1/integrations/meta/pages", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert r.status_code == 200, r.text
    assert [(p["id"], p["name"]) for p in r.json()["pages"]] == [
        ("1000000001", "Bakery North"),
        ("1000000002", "Bakery South"),
    ]
    assert "access_token" not in r.text and not any(t in r.text for t in fake.page_tokens)

    unknown = await meta_client.post(
        "/api/v1/integrations/meta/connect",
        json={"company_id": company["id"], "page_id": "999", "platform": "facebook"},
        headers=bearer(tokens),
    )
    assert unknown.status_code == 404
    r = await meta_client.post(
        "/api/v1/integrations/meta/connect",
        json={"company_id": company["id"], "page_id": second.id, "platform": "facebook"},
        headers=bearer(tokens),
    )
    assert r.status_code == 200, r.text
    assert r.json()["platform"] == "facebook" and r.json()["status"] == "CONNECTED"
    assert list(second.subscribed) == [APP_ID]
    gone = await meta_client.get(
        "/api/v1/integrations/meta/pages", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert gone.status_code == 404  # the pending pages and their tokens are dropped once one is chosen
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref LIKE 'meta_pending:%%'")[0][0] == 0


async def test_instagram_connects_the_pages_instagram_account(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    fake.add_page("1000000001", "No Instagram here")
    fake.add_page("1000000002", "Bakery", instagram_id="17841400000000002")
    _tokens, _company, channel_id = await connected_shop(meta_client, app_url, fake, platform="instagram")
    config = sql(owner_url, "SELECT platform, config FROM channels WHERE id = %s", channel_id)[0]
    assert config[0] == "instagram"
    assert (config[1]["page_id"], config[1]["meta_account_id"]) == ("1000000002", "17841400000000002")


async def test_a_bad_or_foreign_state_is_refused(
    meta_client: httpx.AsyncClient, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await pool_app(meta_client, app_url, fake)
    tokens, company = await shop_with_catalogue(meta_client)
    for state in (None, "not-a-token", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"):
        params = {"code": "abc"} | ({"state": state} if state else {})
        r = await meta_client.get("/api/v1/integrations/meta/callback", params=params)
        assert r.status_code == 400 and r.json()["error"] == "BadRequest", r.text

    stranger = await register(meta_client, "stranger@example.com")
    r = await meta_client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": company["id"], "platform": "facebook"},
        headers=bearer(stranger),
    )
    assert r.status_code == 404
    r = await meta_client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": company["id"], "platform": "whatsapp"},
        headers=bearer(tokens),
    )
    assert r.status_code == 422


async def test_no_live_app_in_the_pool_is_a_clear_503(meta_client: httpx.AsyncClient) -> None:
    tokens, company = await shop_with_catalogue(meta_client)
    r = await meta_client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": company["id"], "platform": "facebook"},
        headers=bearer(tokens),
    )
    assert r.status_code == 503 and "Meta app" in r.json()["detail"]


async def test_the_business_keeps_its_app_and_new_ones_get_the_least_loaded(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    admin = await admin_tokens(meta_client, app_url)
    first = await pool_app(meta_client, app_url, fake, admin=admin)
    tokens, company, _ = await connected_shop(meta_client, app_url, fake)
    second = await pool_app(
        meta_client, app_url, fake, app_id=OTHER_APP_ID, secret=OTHER_SECRET, admin=admin, name="Pool app 2"
    )
    again = await meta_client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": company["id"], "platform": "facebook"},
        headers=bearer(tokens),
    )
    assert f"client_id={APP_ID}" in again.json()["url"]  # kept, although the other app now serves fewer
    other, other_company = await shop_with_catalogue(meta_client, "other@example.com")
    theirs = await meta_client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": other_company["id"], "platform": "facebook"},
        headers=bearer(other),
    )
    assert f"client_id={OTHER_APP_ID}" in theirs.json()["url"]
    assigned = dict(sql(owner_url, "SELECT meta_app_id::text, count(*) FROM meta_app_assignments GROUP BY 1"))
    assert assigned == {first["id"]: 1, second["id"]: 1}


async def test_disconnect_unsubscribes_the_page_and_forgets_the_token(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, _company, channel_id = await connected_shop(meta_client, app_url, fake)
    page = fake.pages[0]
    assert APP_ID in page.subscribed
    r = await meta_client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "DISCONNECTED"
    assert page.subscribed == {} and "unsubscribe" in fake.calls
    assert "revoke_login" in fake.calls  # no other channel used the login: it ends at Meta too
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref = %s", f"channel:{channel_id}")[0][0] == 0


async def test_the_app_secret_is_checked_at_the_code_exchange(
    meta_client: httpx.AsyncClient, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    """A pool app whose secret Meta no longer accepts (reset at Meta, not here) ends the login on the Integrations
    page with ``failed``, and nothing is connected."""
    fake, _ = fake_meta
    await pool_app(meta_client, app_url, fake)
    fake.apps[APP_ID] = "a-secret-reset-at-meta-0000000000"
    fake.add_page("1122334455", "Sourdough Corner")
    tokens, company = await shop_with_catalogue(meta_client)
    assert outcome(await login(meta_client, tokens, company["id"]))["meta"] == "failed"
    listed = await meta_client.get(
        "/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert listed.json()["items"] == []


async def test_a_page_token_changed_in_the_vault_is_checked_with_meta_first(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, channel_id = await connected_shop(meta_client, app_url, fake)
    listed = await meta_client.get(
        "/api/v1/vault/secrets", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    [secret] = [s for s in listed.json()["items"] if s["kind"] == "meta_page_token"]
    refused = await meta_client.put(
        f"/api/v1/vault/secrets/{secret['id']}", headers=bearer(tokens), json={"value": "EAAP-not-a-token-of-this-page"}
    )
    assert refused.status_code == 400 and "190" in refused.json()["detail"]
    fresh = "EAAP-a-fresh-token-from-meta-000000"
    fake.page_tokens[fresh] = ("1122334455", APP_ID)
    r = await meta_client.put(f"/api/v1/vault/secrets/{secret['id']}", headers=bearer(tokens), json={"value": fresh})
    assert r.status_code == 200, r.text
    config = sql(owner_url, "SELECT status, config FROM channels WHERE id = %s", channel_id)[0]
    assert config[0] == "CONNECTED" and config[1]["page_id"] == "1122334455" and config[1]["meta_app"]


async def test_facebook_and_instagram_are_offered_only_with_a_live_pool_app(
    meta_client: httpx.AsyncClient, app_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company = await shop_with_catalogue(meta_client)

    async def configured() -> dict[str, bool]:
        r = await meta_client.get(
            "/api/v1/integrations/available-channels", params={"company_id": company["id"]}, headers=bearer(tokens)
        )
        return {i["platform"]: i["configured"] for i in r.json()["items"] if i["platform"] in ("facebook", "instagram")}

    assert await configured() == {"facebook": False, "instagram": False}  # no app in the pool: nothing to log in with
    await pool_app(meta_client, app_url, fake)
    assert await configured() == {"facebook": True, "instagram": True}
