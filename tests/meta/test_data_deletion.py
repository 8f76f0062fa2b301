"""Meta's data-deletion callback: a ``signed_request`` verified with a pool app's secret removes the pages the
person connected, and answers the status URL and a confirmation code."""

from __future__ import annotations

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import shop_with_catalogue
from tests.fakes.meta_graph import FakeMetaGraph, signed_request
from tests.meta.helpers import APP_SECRET, connected_shop, login, outcome, pool_app

DELETION = "/api/v1/webhooks/meta/data-deletion"


async def test_a_signed_request_deletes_the_persons_page_tokens(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    tokens, company, channel_id = await connected_shop(meta_client, app_url, fake)
    other_person = await meta_client.post(DELETION, data={"signed_request": signed_request(APP_SECRET, "555")})
    assert (
        other_person.status_code == 200
        and sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref = %s", f"channel:{channel_id}")[0][0] == 1
    )

    r = await meta_client.post(DELETION, data={"signed_request": signed_request(APP_SECRET, fake.user_id)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["url"] == f"http://testserver{DELETION}/{body['confirmation_code']}"
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref = %s", f"channel:{channel_id}")[0][0] == 0
    listed = await meta_client.get(
        "/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert listed.json()["items"][0]["status"] == "DISCONNECTED"

    status = await meta_client.get(f"{DELETION}/{body['confirmation_code']}")
    assert status.status_code == 200
    assert (status.json()["status"], status.json()["channels_removed"]) == ("done", 1)
    assert (await meta_client.get(f"{DELETION}/unknown-code")).status_code == 404


async def test_pages_waiting_for_a_choice_are_deleted_too(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await pool_app(meta_client, app_url, fake)
    fake.add_page("1000000001", "Bakery North")
    fake.add_page("1000000002", "Bakery South")
    tokens, company = await shop_with_catalogue(meta_client)
    assert outcome(await login(meta_client, tokens, company["id"]))["meta"] == "choose"
    r = await meta_client.post(DELETION, data={"signed_request": signed_request(APP_SECRET, fake.user_id)})
    assert r.status_code == 200, r.text
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref LIKE 'meta_pending:%%'")[0][0] == 0
    pages = await meta_client.get(
        "/api/v1/integrations/meta/pages", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert pages.status_code == 404


async def test_a_forged_or_malformed_signed_request_is_refused(
    meta_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = fake_meta
    await connected_shop(meta_client, app_url, fake)
    forged = await meta_client.post(
        DELETION, data={"signed_request": signed_request("a-guessed-secret-000000000000", fake.user_id)}
    )
    assert forged.status_code == 401
    for junk in ("", "no-dot", "!!!.???", "e30.e30"):
        r = await meta_client.post(DELETION, data={"signed_request": junk})
        assert r.status_code in (400, 401, 422), (junk, r.text)
    assert sql(owner_url, "SELECT count(*) FROM meta_data_deletions")[0][0] == 0
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE kind = 'meta_page_token'")[0][0] == 1
