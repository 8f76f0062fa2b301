"""R-T3, R-T4: creating a company provisions schema, roles, tables, RLS and grants; deleting drops them."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import bearer, sql
from tests.tenancy.helpers import business_with_companies
from x8.tenancy import track


async def test_company_creation_provisions_the_tenant(client: httpx.AsyncClient, owner_url: str) -> None:
    _, [company] = await business_with_companies(client, "p@example.com", "Acme")
    schema = company["tenant_schema"]
    assert schema == f"t_{uuid.UUID(company['id']).hex}"
    owner = sql(
        owner_url,
        "SELECT r.rolname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = %s",
        schema,
    )
    assert owner == [(f"{schema}_owner",)]
    roles = sql(
        owner_url,
        "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname LIKE %s ORDER BY rolname",
        f"{schema}%",
    )
    assert roles == [(f"{schema}_app", False, False, False), (f"{schema}_owner", False, False, False)]
    tables = {r[0] for r in sql(owner_url, "SELECT tablename FROM pg_tables WHERE schemaname = %s", schema)}
    assert {"contacts", "conversations", "messages", "alembic_version"} <= tables
    version = sql(owner_url, f'SELECT version_num FROM "{schema}".alembic_version')
    assert version == [(track.head(track.script_directory()),)]
    # The runtime role may become the tenant's app role, and owns nothing in the schema.
    member = sql(owner_url, "SELECT pg_has_role('x8_app', %s, 'MEMBER')", f"{schema}_app")
    assert member == [(True,)]
    owned = sql(
        owner_url,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_roles r ON r.oid = c.relowner WHERE n.nspname = %s AND r.rolname <> %s",
        schema,
        f"{schema}_owner",
    )
    assert owned == [(0,)]


async def test_runtime_role_inherits_no_tenant_privilege(client: httpx.AsyncClient, owner_url: str) -> None:
    _, [company] = await business_with_companies(client, "inh@example.com", "Acme")
    schema = company["tenant_schema"]
    assert sql(owner_url, "SELECT rolinherit FROM pg_roles WHERE rolname = 'x8_app'") == [(False,)]
    assert sql(owner_url, "SELECT has_table_privilege('x8_app', %s, 'SELECT')", f"{schema}.contacts") == [(False,)]
    assert sql(
        owner_url,
        "SELECT has_table_privilege(%s, %s, 'SELECT')",
        f"{schema}_app",
        f"{schema}.alembic_version",
    ) == [(False,)]


async def test_a_failed_provisioning_leaves_nothing(
    client: httpx.AsyncClient, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens, _ = await business_with_companies(client, "fail@example.com")
    roles = "SELECT count(*) FROM pg_roles WHERE rolname ~ '^t_[0-9a-f]{32}_'"  # cluster-wide
    roles_before = sql(owner_url, roles)
    monkeypatch.setattr(track, "template_sql", lambda *a: "CREATE TABLE broken (")
    r = await client.post(
        "/api/v1/companies/", headers=bearer(tokens), json={"name": "Broken", "company_type": "Product"}
    )
    assert r.status_code == 500
    assert r.json()["error"] == "InternalError"
    assert sql(owner_url, "SELECT count(*) FROM companies") == [(0,)]
    assert sql(owner_url, "SELECT count(*) FROM pg_namespace WHERE nspname ~ '^t_[0-9a-f]{32}$'") == [(0,)]
    assert sql(owner_url, roles) == roles_before


async def test_deleting_the_company_drops_schema_and_roles(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, [company] = await business_with_companies(client, "del@example.com", "Gone")
    schema = company["tenant_schema"]
    r = await client.delete(f"/api/v1/companies/{company['id']}", headers=bearer(tokens))
    assert r.status_code == 204
    assert sql(owner_url, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", schema) == [(0,)]
    assert sql(owner_url, "SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", f"{schema}%") == [(0,)]
    assert sql(owner_url, "SELECT count(*) FROM companies") == [(0,)]
