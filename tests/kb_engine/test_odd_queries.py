"""R-R6 for the KB search: a query that is only punctuation, an emoji, quotes, tsquery operators, control
characters or a very long text is ordinary input: it answers (often with nothing), never a database error."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import bearer
from tests.kb_engine.helpers import PRODUCT_CSV, business_company, upload
from x8.kb_engine import search as kb_search
from x8.kit.db import Database
from x8.tenancy.session import tenant_session

ODD = [
    "?",
    "👍",
    "!!! ...",
    "a'b",
    "'",
    "''",
    "&",
    "|",
    "!",
    "(",
    "):*",
    "a & | b",
    "_",
    "__init__",
    "<->",
    ":*",
    "\\",
    "\u200f\u202e",
    "e\u0301\u0301\u0301",
    "x" * 5000,
    "word " * 40_000,
    "🍎" * 10_000,
    "apples?!",
    "SKU-''",
    "0424'",
]


async def _company_with_catalogue(
    client: httpx.AsyncClient,
) -> tuple[dict[str, str], dict[str, object], list[uuid.UUID]]:
    tokens, company = await business_company(client, "odd@example.com")
    r = await upload(client, tokens, str(company["id"]), PRODUCT_CSV.encode())
    assert r.status_code == 200, r.text
    return tokens, company, [uuid.UUID(r.json()["kb_id"])]


async def test_odd_queries_answer_through_the_api(client: httpx.AsyncClient) -> None:
    tokens, company, _ = await _company_with_catalogue(client)
    for q in [o for o in ODD if len(o) <= 200]:
        r = await client.get(
            "/api/v1/knowledge-base/search", params={"company_id": company["id"], "q": q}, headers=bearer(tokens)
        )
        assert r.status_code == 200, (q, r.text)
    # Words among the punctuation still find their rows.
    r = await client.get(
        "/api/v1/knowledge-base/search", params={"company_id": company["id"], "q": "apples?!"}, headers=bearer(tokens)
    )
    assert r.json()["results"][0]["row"]["name"] == "Green apples"


@pytest.fixture
async def catalogue(
    client: httpx.AsyncClient, app_url: str
) -> AsyncIterator[tuple[Database, uuid.UUID, list[uuid.UUID]]]:
    _, company, kb_ids = await _company_with_catalogue(client)
    db = Database.connect(app_url, pool_size=1)
    try:
        yield db, uuid.UUID(str(company["id"])), kb_ids
    finally:
        await db.dispose()


async def _search(catalogue: tuple[Database, uuid.UUID, list[uuid.UUID]], query: str) -> list[dict[str, Any]]:
    db, tenant, kb_ids = catalogue
    async with tenant_session(db, tenant) as ts:
        return await kb_search.search(ts, kb_ids, query, language="en", limit=5)


async def test_odd_texts_are_searchable(catalogue: tuple[Database, uuid.UUID, list[uuid.UUID]]) -> None:
    """What the assistant searches is the customer's whole message, of any length."""
    for query in ODD:
        await _search(catalogue, query)
    assert (await _search(catalogue, "apples\x00 " + "?" * 30_000))[0]["row"]["name"] == "Green apples"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300))
async def test_any_text_is_searchable(catalogue: tuple[Database, uuid.UUID, list[uuid.UUID]], query: str) -> None:
    await _search(catalogue, query)


ORDINARY = ["apples", "green apples", "aples", "apples and pears", "SKU-0424", "0424", "", "   ", "bread"]


async def _each_and_together(
    catalogue: tuple[Database, uuid.UUID, list[uuid.UUID]], asked: list[tuple[str, int]]
) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
    db, tenant, kb_ids = catalogue
    async with tenant_session(db, tenant) as ts:
        each = [await kb_search.search(ts, kb_ids, q, language="en", limit=n, enough=1) for q, n in asked]
        together = await kb_search.search_many(ts, kb_ids, asked, language="en", enough=1)
    return each, together


async def test_searches_run_together_find_what_each_finds_alone(
    catalogue: tuple[Database, uuid.UUID, list[uuid.UUID]],
) -> None:
    """``search_many`` (a batch of turns' searches, their first stage in one statement) finds, for each query, the
    rows, scores and order that searching it alone finds: ordinary words, a typo (later stages), a code, nothing,
    and every odd text above."""
    asked = [(q, 1 + i % 5) for i, q in enumerate(ORDINARY + ODD)]
    each, together = await _each_and_together(catalogue, asked)
    assert together == each
    assert sum(1 for found in each if found) >= 4  # the comparison is of rows, not only of empty lists


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(queries=st.lists(st.one_of(st.text(max_size=60), st.sampled_from(ORDINARY)), max_size=6))
async def test_any_searches_run_together_find_what_each_finds_alone(
    catalogue: tuple[Database, uuid.UUID, list[uuid.UUID]], queries: list[str]
) -> None:
    each, together = await _each_and_together(catalogue, [(q, 3) for q in queries])
    assert together == each
