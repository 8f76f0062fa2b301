"""The Meta app pool (``/api/v1/admin/meta-apps``): the secret is sealed and never answered, bad input is refused,
apps in use are not deleted, and a business is given the least-loaded live app for its product, then keeps it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.admin.helpers import admin_tokens, business, manager
from tests.conftest import bearer, create_staff, login, sql
from x8.kit.db import Database
from x8.platform.meta_apps import pool
from x8.platform.meta_apps.schemas import MetaProduct
from x8.platform.vault.keys import vault_keys
from x8.settings import Settings

APPS = "/api/v1/admin/meta-apps"
SECRET = "0123456789abcdef0123456789abcdef"


def _app(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Pool app 1",
        "app_id": "1234567890123",
        "app_secret": SECRET,
        "products": ["messenger", "instagram"],
        "status": "live",
        "capacity": 2,
    } | changes


async def test_the_secret_is_sealed_and_never_answered(
    client: httpx.AsyncClient, app_url: str, owner_url: str, settings: Settings
) -> None:
    admin = await admin_tokens(client, app_url)
    created = await client.post(APPS, headers=bearer(admin), json=_app())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["app_secret"] == "••••cdef"
    assert (body["status"], body["capacity"], body["businesses_assigned"]) == ("live", 2, 0)
    listed = await client.get(APPS, headers=bearer(admin))
    assert listed.json()["total"] == 1
    assert SECRET not in created.text + listed.text

    [(kind, owner, sealed)] = sql(owner_url, "SELECT kind, client_id, ciphertext FROM vault_secrets")
    assert (kind, owner) == ("meta_app_secret", None)  # a platform secret, in the vault
    assert SECRET.encode() not in bytes(sealed)
    db = Database.connect(app_url, pool_size=1)
    try:
        async with db.sessions() as session:
            assert await pool.app_secret(session, vault_keys(settings), uuid.UUID(body["id"])) == SECRET
    finally:
        await db.dispose()

    rotated = "fedcba9876543210fedcba9876543210"
    patched = await client.patch(f"{APPS}/{body['id']}", headers=bearer(admin), json={"app_secret": rotated})
    assert patched.status_code == 200 and patched.json()["app_secret"] == "••••3210"
    audit = sql(
        owner_url, "SELECT action, details::text FROM audit_log WHERE action LIKE 'admin.meta_app%%' ORDER BY id"
    )
    assert [a for a, _ in audit] == ["admin.meta_app_created", "admin.meta_app_updated"]
    assert all(SECRET not in d and rotated not in d for _, d in audit)


async def test_edit_and_delete(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    app_id = (await client.post(APPS, headers=bearer(admin), json=_app())).json()["id"]
    patched = await client.patch(
        f"{APPS}/{app_id}",
        headers=bearer(admin),
        json={"status": "disabled", "products": ["instagram"], "capacity": 50},
    )
    assert patched.status_code == 200
    assert {k: patched.json()[k] for k in ("name", "status", "products", "capacity", "app_secret")} == {
        "name": "Pool app 1",
        "status": "disabled",
        "products": ["instagram"],
        "capacity": 50,
        "app_secret": "••••cdef",
    }
    assert (await client.delete(f"{APPS}/{app_id}", headers=bearer(admin))).status_code == 204
    assert (await client.get(APPS, headers=bearer(admin))).json()["total"] == 0
    missing = f"{APPS}/{uuid.uuid4()}"
    assert (await client.patch(missing, headers=bearer(admin), json={"name": "x"})).status_code == 404
    assert (await client.delete(missing, headers=bearer(admin))).status_code == 404


async def test_bad_input_is_refused(client: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    for body in (
        _app(products=[]),
        _app(products=["messenger", "messenger"]),
        _app(products=["whatsapp"]),
        _app(app_id="12ab"),
        _app(app_secret="short"),
        _app(app_secret="has spaces in it and more"),
        _app(status="approved"),
        _app(capacity=0),
        _app(name=" "),
        _app(owner="me"),
        {k: v for k, v in _app().items() if k != "app_secret"},
    ):
        assert (await client.post(APPS, headers=bearer(admin), json=body)).status_code == 422, body
    app_id = (await client.post(APPS, headers=bearer(admin), json=_app())).json()["id"]
    again = await client.post(APPS, headers=bearer(admin), json=_app(name="Same app again"))
    assert again.status_code == 409
    for change in ({"name": None}, {"status": None}, {"capacity": -1}, {"app_id": "999999"}, {"products": []}):
        response = await client.patch(f"{APPS}/{app_id}", headers=bearer(admin), json=change)
        assert response.status_code == 422, change
    assert (await client.patch(f"{APPS}/not-an-id", headers=bearer(admin), json={})).status_code == 422
    assert sql(owner_url, "SELECT count(*) FROM meta_apps") == [(1,)]


async def test_only_the_admin_manages_the_pool(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    app_id = (await client.post(APPS, headers=bearer(admin), json=_app())).json()["id"]
    await create_staff(app_url, "CLIENT", "biz@example.com")
    biz = await login(client, "biz@example.com", "StaffPass123")
    _, staff = await manager(client, app_url, "m@example.com")
    for tokens in (biz, staff):
        for method, url, body in (
            ("GET", APPS, None),
            ("POST", APPS, _app(app_id="555555")),
            ("PATCH", f"{APPS}/{app_id}", {"name": "Mine"}),
            ("DELETE", f"{APPS}/{app_id}", None),
        ):
            response = await client.request(method, url, headers=bearer(tokens), json=body)
            assert response.status_code == 403, (method, url)
    assert (await client.get(APPS, headers=bearer(admin))).json()["items"][0]["name"] == "Pool app 1"


async def test_businesses_get_the_least_loaded_live_app_and_keep_it(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    admin = await admin_tokens(client, app_url)
    headers = bearer(admin)
    first = (await client.post(APPS, headers=headers, json=_app(name="First", app_id="100001"))).json()["id"]
    second = (await client.post(APPS, headers=headers, json=_app(name="Second", app_id="100002"))).json()["id"]
    await client.post(APPS, headers=headers, json=_app(name="Reviewing", app_id="100003", status="in_review"))
    await client.post(APPS, headers=headers, json=_app(name="Messenger only", app_id="100004", products=["messenger"]))
    businesses = [await business(app_url, owner_url, f"b{i}@example.com") for i in range(5)]

    db = Database.connect(app_url, pool_size=1)
    try:

        async def given(business_id: str, product: MetaProduct = MetaProduct.INSTAGRAM) -> str | None:
            async with db.sessions() as session, session.begin():
                app = await pool.app_for_business(session, uuid.UUID(business_id), product)
                return str(app.id) if app else None

        # Instagram: only First and Second (both live, capacity 2), least loaded first.
        assert [await given(b) for b in businesses[:4]] == [first, second, first, second]
        assert await given(businesses[0]) == first  # kept
        assert await given(businesses[4]) is None  # the pool is full for Instagram
        assert await given(businesses[4], MetaProduct.MESSENGER) is not None
    finally:
        await db.dispose()

    counts = {a["name"]: a["businesses_assigned"] for a in (await client.get(APPS, headers=headers)).json()["items"]}
    assert counts == {"First": 2, "Second": 2, "Reviewing": 0, "Messenger only": 1}
    in_use = await client.delete(f"{APPS}/{first}", headers=headers)
    assert in_use.status_code == 409 and in_use.json()["businesses_assigned"] == 2


async def test_odd_names_are_cleaned_not_a_server_error(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await admin_tokens(client, app_url)
    response = await client.post(APPS, headers=bearer(admin), json=_app(name="Pool\x00 app \u202e1"))
    assert response.status_code == 201, response.text
    assert "\x00" not in response.json()["name"]
