"""Tenant migration t0004 on a tenant that already has KB rows, and the index it makes usable under RLS."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg

from tests.conftest import sql
from x8.tenancy import runner


def _as_tenant(schema: str, statement: str) -> str:
    tenant = str(uuid.UUID(schema[2:]))
    return (
        f'BEGIN; SET LOCAL search_path = "{schema}"; SET LOCAL ROLE "{schema}_owner"; '
        f"SELECT set_config('app.tenant_id', '{tenant}', true); {statement}; COMMIT;"
    )


def test_existing_rows_get_a_vocabulary_and_compact_skus(
    owner_url: str, make_tenants: Callable[[int], list[str]]
) -> None:
    [schema] = make_tenants(1)
    runner.migrate(owner_url, runner.Options(target="t0003"))
    kb = uuid.uuid4()
    sql(
        owner_url,
        _as_tenant(
            schema,
            "INSERT INTO kb_items (kb_id, sku, name, description, search_config) VALUES "
            f"('{kb}', 'BRD-2042', 'Sourdough Bread', 'Baked with ёлка spruce honey', 'english')",
        ),
    )
    runner.migrate(owner_url, runner.Options())

    words = {r[0] for r in sql(owner_url, f'SELECT DISTINCT word FROM "{schema}".kb_vocabulary')}
    assert {"sourdough", "bread", "baked", "елка", "brd"} <= words
    assert "2042" not in words  # codes are matched by prefix, never corrected
    trigrams = {r[0] for r in sql(owner_url, f"SELECT trigram FROM \"{schema}\".kb_vocabulary WHERE word = 'bread'")}
    assert trigrams == {"  b", " br", "bre", "rea", "ead", "ad "}
    vector = sql(owner_url, f'SELECT search_vector::text FROM "{schema}".kb_items')[0][0]
    assert "'brd2042'" in vector


def test_full_text_search_can_use_its_index_under_row_level_security(
    owner_url: str, make_tenants: Callable[[int], list[str]]
) -> None:
    """Only leakproof conditions may use an index on a table with RLS (control-plane migration 0007)."""
    [schema] = make_tenants(1)
    assert sql(owner_url, "SELECT proleakproof FROM pg_proc WHERE oid = 'ts_match_vq'::regproc") == [(True,)]
    tenant = str(uuid.UUID(schema[2:]))
    with psycopg.connect(owner_url) as conn:
        conn.execute(f'SET LOCAL search_path = "{schema}"')
        conn.execute(f'SET LOCAL ROLE "{schema}_app"')
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        conn.execute("SET LOCAL enable_seqscan = off")
        plan = conn.execute("EXPLAIN SELECT id FROM kb_items WHERE search_vector @@ to_tsquery('simple', 'bread')")
        plan = plan.fetchall()
    assert "ix_kb_items_search" in " ".join(str(r[0]) for r in plan)


def test_only_the_tenants_app_role_may_call_the_bulk_load_function(
    owner_url: str, make_tenants: Callable[[int], list[str]]
) -> None:
    first, second = make_tenants(2)
    function = f"{first}.kb_after_bulk_load()"
    check = "SELECT has_function_privilege(%s, %s, 'EXECUTE')"
    assert sql(owner_url, check, f"{first}_app", function) == [(True,)]
    assert sql(owner_url, check, f"{second}_app", function) == [(False,)]
    assert sql(owner_url, check, "x8_app", function) == [(False,)]
