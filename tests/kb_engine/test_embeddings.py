"""Semantic search with pgvector when X8_EMBEDDINGS is configured (over real HTTP to a fake embeddings API)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.fakes.openai_embeddings import FakeEmbeddings, embeddings_app
from tests.fakes.server import serve_in_thread
from tests.kb_engine.helpers import business_company, upload
from x8.kit.db import Database
from x8.platform.knowledge_base.tasks import embed_company_items

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
        assert jobs == [("kb:x8.platform.knowledge_base.tasks.embed_items", company["id"])]

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
