"""Semantic search with pgvector when X8_EMBEDDINGS is configured (over real HTTP to a fake embeddings API)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.conftest import app_client, bearer, make_settings, sql
from tests.fakes.openai_embeddings import FakeEmbeddings, embeddings_app
from tests.fakes.server import serve_in_thread
from tests.kb_engine.helpers import business_company, upload
from x8.kit.db import Database
from x8.platform.knowledge_base.tasks import embed_company_items
from x8.tenancy.session import tenant_session
from x8.tenancy.tables import kb_embeddings

CATALOGUE = (
    "sku,name,description,price\n"
    "SM-1,Galaxy A55,Smartphone with a 6.6 inch screen,329\n"
    "HD-2,Noise-cancelling earbuds,Wireless earbuds with long battery life,59\n"
    "CH-3,USB-C charger,Fast charging brick 65 W,25\n"
)


@pytest.fixture
def fake_embeddings() -> Iterator[tuple[FakeEmbeddings, str]]:
    state = FakeEmbeddings()
    with serve_in_thread(embeddings_app(state)) as url:
        yield state, url


def _settings(owner_url: str, url: str, key: str = "sk-test-embeddings") -> Any:
    return make_settings(
        owner_url, X8_EMBEDDINGS="openai:text-embedding-3-small", OPENAI_BASE_URL=f"{url}/v1", OPENAI_API_KEY=key
    )


async def test_semantic_search_finds_what_words_do_not(
    owner_url: str, app_url: str, fake_embeddings: tuple[FakeEmbeddings, str]
) -> None:
    state, url = fake_embeddings
    settings = _settings(owner_url, url)
    async with app_client(settings, app_url) as client:
        tokens, company = await business_company(client)
        assert (await upload(client, tokens, company["id"], CATALOGUE.encode())).status_code == 200
        jobs = sql(owner_url, "SELECT task_name, args->>'company_id' FROM procrastinate_jobs")
        assert jobs == [("kb:embed_items", company["id"])]

        params = {"company_id": company["id"], "q": "mobile phone"}
        before = (await client.get("/api/v1/knowledge-base/search", params=params, headers=bearer(tokens))).json()
        assert before["results"] == []  # no word of the query is in the catalogue, and nothing is embedded yet

        db = Database.connect(app_url, pool_size=1)
        try:
            assert await embed_company_items(db, settings, uuid.UUID(company["id"])) == 3
            assert await embed_company_items(db, settings, uuid.UUID(company["id"])) == 0  # nothing left to do
        finally:
            await db.dispose()
        after = (await client.get("/api/v1/knowledge-base/search", params=params, headers=bearer(tokens))).json()
        assert [r["row"]["name"] for r in after["results"]][:1] == ["Galaxy A55"]
        assert after["results"][0]["row"]["price"] == "329.00"
        assert all(r["model"] == "text-embedding-3-small" for r in state.requests)


async def test_embeddings_outage_degrades_to_lexical_search(
    owner_url: str, app_url: str, fake_embeddings: tuple[FakeEmbeddings, str]
) -> None:
    state, url = fake_embeddings
    async with app_client(_settings(owner_url, url, key="wrong-key"), app_url) as client:
        tokens, company = await business_company(client)
        await upload(client, tokens, company["id"], CATALOGUE.encode())
        r = await client.get(
            "/api/v1/knowledge-base/search",
            params={"company_id": company["id"], "q": "charger"},
            headers=bearer(tokens),
        )
        assert r.status_code == 200
        assert r.json()["results"][0]["row"]["name"] == "USB-C charger"
    state.down = True
    settings = _settings(owner_url, url)
    db = Database.connect(app_url, pool_size=1)
    try:
        from x8.kb_engine.embeddings import EmbeddingsUnavailable

        with pytest.raises(EmbeddingsUnavailable):  # the job fails and is retried later; nothing is skipped
            await embed_company_items(db, settings, uuid.UUID(company["id"]))
    finally:
        await db.dispose()


async def test_editing_a_row_drops_its_stale_embedding(
    owner_url: str, app_url: str, fake_embeddings: tuple[FakeEmbeddings, str]
) -> None:
    _, url = fake_embeddings
    settings = _settings(owner_url, url)
    async with app_client(settings, app_url) as client:
        tokens, company = await business_company(client)
        kb = (await upload(client, tokens, company["id"], CATALOGUE.encode())).json()["kb_id"]
        db = Database.connect(app_url, pool_size=1)
        try:
            await embed_company_items(db, settings, uuid.UUID(company["id"]))
            row = (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).json()["items"][0]
            r = await client.patch(
                f"/api/v1/knowledge-base/{kb}/rows/{row['id']}",
                headers=bearer(tokens),
                json={"description": "Now a tablet"},
            )
            assert r.status_code == 200
            assert await embed_company_items(db, settings, uuid.UUID(company["id"])) == 1
        finally:
            await db.dispose()


# Backends of the application role inside a transaction. pg_locks is readable by every role, so a DBA role that may
# not see other roles' pg_stat_activity.state still sees their transactions (each holds its own virtualxid lock).
_OPEN_TRANSACTIONS = (
    "SELECT count(*) FROM pg_stat_activity a WHERE a.usename = %s AND a.datname = current_database() "
    "AND a.pid <> pg_backend_pid() AND (a.xact_start IS NOT NULL OR a.state LIKE 'idle in transaction%%' "
    "OR EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'virtualxid'))"
)


def _open_app_transactions(owner_url: str, role: str) -> int:
    return int(sql(owner_url, _OPEN_TRANSACTIONS, role)[0][0])


async def test_no_transaction_is_open_while_the_embedder_is_called(
    owner_url: str, app_url: str, fake_embeddings: tuple[FakeEmbeddings, str]
) -> None:
    """ARCHITECTURE.md pattern 7: the rows are read and committed, the embeddings service is called, the vectors
    are written in a second short transaction. Nothing of the app role waits inside a transaction on the call."""
    state, url = fake_embeddings
    settings = _settings(owner_url, url)
    async with app_client(settings, app_url) as client:
        tokens, company = await business_company(client)
        assert (await upload(client, tokens, company["id"], CATALOGUE.encode())).status_code == 200
    tenant, role = uuid.UUID(company["id"]), settings.db_app_role
    seen: list[int] = []
    state.during_request = lambda: seen.append(_open_app_transactions(owner_url, role))
    db = Database.connect(app_url, pool_size=1)
    try:
        async with tenant_session(db, tenant) as ts:  # the probe does see an open tenant transaction
            await ts.execute(text("SELECT 1"))
            assert _open_app_transactions(owner_url, role) == 1
        assert await embed_company_items(db, settings, tenant) == 3
    finally:
        await db.dispose()
    assert seen == [0]  # one batch: one call, during which no transaction of the app role was open


async def test_a_row_edited_while_it_is_embedded_keeps_no_stale_vector(
    owner_url: str, app_url: str, fake_embeddings: tuple[FakeEmbeddings, str]
) -> None:
    state, url = fake_embeddings
    settings = _settings(owner_url, url)
    inside, release = threading.Event(), threading.Event()

    def hold_the_first_call() -> None:
        state.during_request = None
        inside.set()
        release.wait(10)

    db = Database.connect(app_url, pool_size=1)
    try:
        async with app_client(settings, app_url) as client:
            tokens, company = await business_company(client)
            kb = (await upload(client, tokens, company["id"], CATALOGUE.encode())).json()["kb_id"]
            rows = (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).json()["items"]
            phone = next(r["id"] for r in rows if r["sku"] == "SM-1")
            tenant = uuid.UUID(company["id"])
            state.during_request = hold_the_first_call
            job = asyncio.create_task(embed_company_items(db, settings, tenant))
            try:
                assert await asyncio.to_thread(inside.wait, 10)
                # The edit is not blocked by the run, and commits while the old text is being embedded.
                r = await asyncio.wait_for(
                    client.patch(
                        f"/api/v1/knowledge-base/{kb}/rows/{phone}",
                        headers=bearer(tokens),
                        json={"description": "Now a tablet"},
                    ),
                    timeout=10,
                )
                assert r.status_code == 200
            finally:
                release.set()
            assert await job == 2  # the edited row's vector (of its old text) is not stored
        async with tenant_session(db, tenant) as ts:
            embedded = set((await ts.execute(select(kb_embeddings.c.item_id))).scalars())
        assert len(embedded) == 2 and uuid.UUID(phone) not in embedded
        assert await embed_company_items(db, settings, tenant) == 1  # the next run embeds the new text
        assert "Now a tablet" in state.requests[-1]["input"][0]
        assert await embed_company_items(db, settings, tenant) == 0
    finally:
        await db.dispose()
