"""R-A5: roles, manager creation and the one-manager-per-business rule."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import bearer, create_staff, login, register, sql


async def _admin(client: httpx.AsyncClient, app_url: str) -> dict[str, str]:
    await create_staff(app_url, "ADMIN", "root@example.com")
    return await login(client, "root@example.com", "StaffPass123")


async def test_client_cannot_call_admin_or_manager_endpoints(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    for method, path in [
        ("GET", "/api/v1/admin/managers"),
        ("POST", "/api/v1/admin/managers"),
        ("GET", "/api/v1/admin/clients"),
        ("POST", "/api/v1/admin/assignments"),
        ("GET", "/api/v1/managers/clients"),
        ("GET", "/api/v1/managers/stats"),
    ]:
        r = await client.request(method, path, headers=bearer(tokens), json={})
        assert r.status_code == 403, (method, path)
        assert r.json()["error"] == "Forbidden"


async def test_manager_cannot_call_admin_endpoints(client: httpx.AsyncClient, app_url: str) -> None:
    await create_staff(app_url, "MANAGER", "mgr@example.com")
    manager = await login(client, "mgr@example.com", "StaffPass123")
    assert (await client.get("/api/v1/admin/clients", headers=bearer(manager))).status_code == 403


async def test_admin_creates_managers_and_assigns_businesses(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    admin = await _admin(client, app_url)
    r = await client.post(
        "/api/v1/admin/managers",
        headers=bearer(admin),
        json={"email": "m1@example.com", "password": "Manag3rPass", "full_name": "M One"},
    )
    assert r.status_code == 201
    m1 = r.json()["id"]
    m2 = (
        await client.post(
            "/api/v1/admin/managers",
            headers=bearer(admin),
            json={"email": "m2@example.com", "password": "Manag3rPass", "full_name": "M Two"},
        )
    ).json()["id"]
    dup = await client.post(
        "/api/v1/admin/managers",
        headers=bearer(admin),
        json={"email": "m1@example.com", "password": "Manag3rPass", "full_name": "Again"},
    )
    assert dup.status_code == 409
    biz = await register(client, "biz@example.com")
    biz_id = (await client.get("/api/v1/auth/me", headers=bearer(biz))).json()["id"]

    r = await client.post(
        "/api/v1/admin/assignments", headers=bearer(admin), json={"manager_id": m1, "client_id": biz_id}
    )
    assert r.status_code == 200 and r.json()["manager_id"] == m1
    r = await client.post(
        "/api/v1/admin/assignments", headers=bearer(admin), json={"manager_id": m2, "client_id": biz_id}
    )
    assert r.status_code == 409
    assert r.json()["current_manager_id"] == m1
    r = await client.post(
        "/api/v1/admin/assignments",
        headers=bearer(admin),
        json={"manager_id": m2, "client_id": biz_id, "reassign": True},
    )
    assert r.status_code == 200
    assert r.json() == {"client_id": biz_id, "manager_id": m2, "previous_manager_id": m1}
    assert (await client.get("/api/v1/auth/me", headers=bearer(biz))).json()["manager_id"] == m2

    managers = {
        m["email"]: m["client_count"]
        for m in (await client.get("/api/v1/admin/managers", headers=bearer(admin))).json()["items"]
    }
    assert managers == {"m1@example.com": 0, "m2@example.com": 1}
    audit = [row[0] for row in sql(owner_url, "SELECT action FROM audit_log ORDER BY id")]
    assert audit.count("admin.manager_assigned") == 2


async def test_assignment_refuses_wrong_kinds_of_account(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await _admin(client, app_url)
    biz = await register(client, "biz@example.com")
    other = await register(client, "other@example.com")
    biz_id = (await client.get("/api/v1/auth/me", headers=bearer(biz))).json()["id"]
    other_id = (await client.get("/api/v1/auth/me", headers=bearer(other))).json()["id"]
    # A business is not a manager.
    r = await client.post(
        "/api/v1/admin/assignments", headers=bearer(admin), json={"manager_id": other_id, "client_id": biz_id}
    )
    assert r.status_code == 404
    m = await create_staff(app_url, "MANAGER", "mgr@example.com")
    r = await client.post(
        "/api/v1/admin/assignments",
        headers=bearer(admin),
        json={"manager_id": m, "client_id": str(uuid.uuid4())},
    )
    assert r.status_code == 404


async def test_manager_sees_only_assigned_clients(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await _admin(client, app_url)
    m = await create_staff(app_url, "MANAGER", "mgr@example.com")
    mine = await register(client, "mine@example.com")
    await register(client, "notmine@example.com")
    mine_id = (await client.get("/api/v1/auth/me", headers=bearer(mine))).json()["id"]
    await client.post("/api/v1/admin/assignments", headers=bearer(admin), json={"manager_id": m, "client_id": mine_id})
    manager = await login(client, "mgr@example.com", "StaffPass123")
    clients = (await client.get("/api/v1/managers/clients", headers=bearer(manager))).json()
    assert [c["email"] for c in clients["items"]] == ["mine@example.com"]
    assert clients["items"][0]["subscription_status"] == "trialing"
    stats = (await client.get("/api/v1/managers/stats", headers=bearer(manager))).json()
    assert stats["clients"] == 1 and stats["trial_users"] == 1
    # Unassigning removes access.
    r = await client.delete(f"/api/v1/admin/assignments/{mine_id}", headers=bearer(admin))
    assert r.status_code == 200 and r.json()["previous_manager_id"] == m
    assert (await client.get("/api/v1/managers/clients", headers=bearer(manager))).json()["total"] == 0


async def test_admin_client_search_escapes_wildcards(client: httpx.AsyncClient, app_url: str) -> None:
    admin = await _admin(client, app_url)
    await register(client, "anna@example.com", name="Anna")
    await register(client, "boris@example.com", name="Boris")
    found = (await client.get("/api/v1/admin/clients?q=ANN", headers=bearer(admin))).json()
    assert [c["email"] for c in found["items"]] == ["anna@example.com"]
    assert (await client.get("/api/v1/admin/clients?q=%25", headers=bearer(admin))).json()["total"] == 0
