"""Arranging the Meta tests: a pool app, a shop, and the whole login through the fake dialog."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg

from tests.admin.helpers import ADMIN, PASSWORD, admin_tokens
from tests.conftest import bearer
from tests.conftest import login as sign_in
from tests.conversations.helpers import shop_with_catalogue
from tests.fakes.meta_graph import FakeMetaGraph
from x8.kit.errors import Conflict

APP_ID = "1234567890123"
APP_SECRET = "0123456789abcdef0123456789abcdef"
OTHER_APP_ID = "9876543210987"
OTHER_SECRET = "fedcba9876543210fedcba9876543210"
PSID = "24870011223344"


async def _admin(client: httpx.AsyncClient, app_url: str) -> dict[str, Any]:
    """The admin, signed in (created on first use)."""
    try:
        return await admin_tokens(client, app_url)
    except Conflict:
        return await sign_in(client, ADMIN, PASSWORD)


async def pool_app(
    client: httpx.AsyncClient,
    app_url: str,
    fake: FakeMetaGraph,
    *,
    app_id: str = APP_ID,
    secret: str = APP_SECRET,
    name: str = "Pool app 1",
    admin: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A live pool app the admin added (and that the fake Meta knows)."""
    admin = admin or await _admin(client, app_url)
    r = await client.post(
        "/api/v1/admin/meta-apps",
        headers=bearer(admin),
        json={
            "name": name,
            "app_id": app_id,
            "app_secret": secret,
            "products": ["messenger", "instagram"],
            "status": "live",
            "capacity": 10,
        },
    )
    assert r.status_code == 201, r.text
    fake.apps[app_id] = secret
    body: dict[str, Any] = r.json()
    return body


async def login(
    client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, platform: str = "facebook"
) -> httpx.Response:
    """The whole login: the URL from the API, the fake dialog's redirect, and the callback; the callback's answer."""
    r = await client.get(
        "/api/v1/integrations/meta/login",
        params={"company_id": company_id, "platform": platform},
        headers=bearer(tokens),
    )
    assert r.status_code == 200, r.text
    async with httpx.AsyncClient() as browser:
        dialog = await browser.get(r.json()["url"])
    assert dialog.status_code == 302, dialog.text
    back = urlsplit(dialog.headers["location"])
    assert back.path == "/api/v1/integrations/meta/callback"
    return await client.get(back.path, params={k: v[0] for k, v in parse_qs(back.query).items()})


def outcome(callback: httpx.Response) -> dict[str, str]:
    assert callback.status_code == 302, callback.text
    location = urlsplit(callback.headers["location"])
    assert location.path == "/integrations"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


async def connected_shop(
    client: httpx.AsyncClient,
    app_url: str,
    fake: FakeMetaGraph,
    platform: str = "facebook",
    email: str = "shop@example.com",
) -> tuple[dict[str, str], dict[str, Any], str]:
    """A shop with its one page connected; its channel id."""
    if APP_ID not in fake.apps:
        await pool_app(client, app_url, fake)
    if not fake.pages:
        fake.add_page("1122334455", "Sourdough Corner", instagram_id="17841400000000001")
    tokens, company = await shop_with_catalogue(client, email)
    assert outcome(await login(client, tokens, company["id"], platform))["meta"] == "connected"
    listed = await client.get("/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens))
    [channel] = [c for c in listed.json()["items"] if c["platform"] == platform]
    return tokens, company, str(channel["channel_id"])


async def conversations(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/conversations", params={"company_id": company_id}, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def clear_meta_app_pool(owner_url: str) -> None:
    """The Meta app pool and its secrets belong to no user, so the shared clean-up between tests leaves them."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("TRUNCATE meta_data_deletions, meta_app_assignments, meta_apps CASCADE")
        conn.execute("DELETE FROM vault_secrets WHERE client_id IS NULL")
