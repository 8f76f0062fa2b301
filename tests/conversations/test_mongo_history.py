"""The optional MongoDB history store (R-M6), against a fake mongod that speaks the wire protocol and SCRAM."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator, Iterator

import bson
import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings
from tests.conversations.conftest import KEY
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from tests.fakes.mongo import FakeMongo, serve_mongo
from tests.fakes.openai_chat import FakeChat
from x8.conversations import mongo_history
from x8.conversations.mongo_history import MongoHistory
from x8.platform.conversations import history as history_module

USER, PASSWORD = "x8", "hist-Pass-1"


@pytest.fixture
def mongo() -> Iterator[tuple[FakeMongo, str]]:
    fake = FakeMongo(users={USER: PASSWORD})
    with serve_mongo(fake) as url:
        yield fake, url.replace("mongodb://", f"mongodb://{USER}:{PASSWORD}@") + "/x8?authSource=admin"


@pytest.fixture(autouse=True)
async def fresh_clients() -> AsyncIterator[None]:
    yield
    await mongo_history.close_clients()


async def test_buckets_stay_small_and_recent_reads_across_them(
    mongo: tuple[FakeMongo, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = mongo
    monkeypatch.setattr(mongo_history, "BUCKET_MESSAGES", 4)
    store = MongoHistory(url, retention_days=30)
    await store.ensure_indexes()
    tenant, conversation = uuid.uuid4(), uuid.uuid4()
    messages = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"} for i in range(10)]
    await store.for_tenant(tenant).append(conversation, messages)
    buckets = fake.documents("x8", mongo_history.COLLECTION)
    assert sorted(b["count"] for b in buckets) == [2, 4, 4]  # a full bucket is never written again
    assert all(b["tenant_id"] == str(tenant) for b in buckets)
    recent = await store.for_tenant(tenant).recent(conversation, 6)
    assert [m["content"] for m in recent] == [f"m{i}" for i in range(4, 10)]
    assert recent[0]["role"] == "user"


async def test_a_long_message_is_cut_so_a_bucket_stays_far_below_16_mb(mongo: tuple[FakeMongo, str]) -> None:
    fake, url = mongo
    store = MongoHistory(url, retention_days=30)
    tenant, conversation = uuid.uuid4(), uuid.uuid4()
    huge = "я" * 200_000
    await store.for_tenant(tenant).append(conversation, [{"role": "user", "content": huge}] * 3)
    [bucket] = fake.documents("x8", mongo_history.COLLECTION)
    assert all(len(m["content"]) == mongo_history.MAX_CHARS for m in bucket["messages"])
    worst = mongo_history.BUCKET_MESSAGES * mongo_history.MAX_CHARS * 4  # every character 4 bytes in UTF-8
    assert len(bson.encode(bucket)) < 20_000 * 3 and worst < 16 * 1024 * 1024 / 4


async def test_tenants_never_see_each_other(mongo: tuple[FakeMongo, str]) -> None:
    _, url = mongo
    store = MongoHistory(url, retention_days=30)
    alice, bob, conversation = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await store.for_tenant(alice).append(conversation, [{"role": "user", "content": "alice's secret"}])
    assert await store.for_tenant(bob).recent(conversation, 10) == []  # the same conversation id, another tenant
    assert await store.for_tenant(bob).forget(conversation) == 0
    assert [m["content"] for m in await store.for_tenant(alice).recent(conversation, 10)] == ["alice's secret"]
    assert await store.for_tenant(alice).forget() == 1


async def test_retention_is_a_ttl_index_that_follows_the_setting(mongo: tuple[FakeMongo, str]) -> None:
    fake, url = mongo
    await MongoHistory(url, retention_days=30).ensure_indexes()
    ttl = [i for i in fake.indexes[("x8", mongo_history.COLLECTION)] if i["name"] == mongo_history.TTL_INDEX]
    assert ttl[0]["expireAfterSeconds"] == 30 * 86400 and dict(ttl[0]["key"]) == {"updated_at": 1}
    await MongoHistory(url, retention_days=7).ensure_indexes()  # a real server refuses to recreate it: collMod
    assert "collMod" in fake.commands and ttl[0]["expireAfterSeconds"] == 7 * 86400

    store = MongoHistory(url, retention_days=7)
    tenant, conversation = uuid.uuid4(), uuid.uuid4()
    await store.for_tenant(tenant).append(conversation, [{"role": "user", "content": "hello"}])
    assert fake.expire(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=6)) == 0
    assert fake.expire(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=8)) == 1

    await MongoHistory(url, retention_days=0).ensure_indexes()  # 0 keeps history: no TTL index
    assert all(i["name"] != mongo_history.TTL_INDEX for i in fake.indexes[("x8", mongo_history.COLLECTION)])


async def test_a_wrong_password_is_refused(mongo: tuple[FakeMongo, str]) -> None:
    fake, url = mongo
    store = MongoHistory(url.replace(PASSWORD, "wrong"), retention_days=30)
    with pytest.raises(Exception, match="Authentication failed"):
        await store.for_tenant(uuid.uuid4()).recent(uuid.uuid4(), 5)
    assert fake.collections == {}


@pytest.fixture
async def mongo_llm_client(
    owner_url: str,
    app_url: str,
    fake_chat: tuple[FakeChat, str],
    mongo: tuple[FakeMongo, str],
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        owner_url,
        OPENAI_BASE_URL=f"{fake_chat[1]}/v1",
        OPENAI_API_KEY=KEY,
        X8_LLM_MODEL="fake-1",
        MONGODB_URL=mongo[1],
    )
    async with app_client(settings, app_url) as client:
        yield client


async def test_the_llm_gets_its_context_from_mongodb(
    mongo_llm_client: httpx.AsyncClient,
    app_url: str,
    fake_chat: tuple[FakeChat, str],
    mongo: tuple[FakeMongo, str],
) -> None:
    state, _ = fake_chat
    fake, _ = mongo
    tokens, company = await shop_with_catalogue(mongo_llm_client)
    channel = await connect_web(mongo_llm_client, tokens, company["id"])
    first = await say(mongo_llm_client, tokens, channel, "sourdough bread")
    await run_jobs(app_url)
    [bucket] = fake.documents("x8", mongo_history.COLLECTION)
    assert bucket["tenant_id"] == company["id"] and bucket["conversation_id"] == first["conversation_id"]
    assert [m["content"] for m in bucket["messages"]] == ["sourdough bread", "Sourdough bread costs 4.20 USD."]

    # PostgreSQL is not where the context comes from now: what MongoDB holds is what the model sees.
    fake.collections[("x8", mongo_history.COLLECTION)][0]["messages"][1]["content"] = "(from mongo)"
    await say(mongo_llm_client, tokens, channel, "green apples")
    await run_jobs(app_url)
    turn = state.requests[-2]["messages"]
    assert [m["content"] for m in turn[1:3]] == ["sourdough bread", "(from mongo)"]
    replies = bot_replies(await history(mongo_llm_client, tokens, first["conversation_id"]))
    assert len(replies) == 2


async def test_a_mongodb_outage_costs_only_the_store(
    mongo_llm_client: httpx.AsyncClient,
    app_url: str,
    fake_chat: tuple[FakeChat, str],
    mongo: tuple[FakeMongo, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, _ = fake_chat
    fake, _ = mongo
    fake.down = True
    tokens, company = await shop_with_catalogue(mongo_llm_client)
    channel = await connect_web(mongo_llm_client, tokens, company["id"])
    first = await say(mongo_llm_client, tokens, channel, "sourdough bread")
    await run_jobs(app_url)
    await say(mongo_llm_client, tokens, channel, "green apples")
    await run_jobs(app_url)
    replies = bot_replies(await history(mongo_llm_client, tokens, first["conversation_id"]))
    assert len(replies) == 2 and replies[0]["body"] == "Sourdough bread costs 4.20 USD."
    turn = state.requests[-2]["messages"]  # the context came from PostgreSQL instead
    assert [m["content"] for m in turn[1:3]] == ["sourdough bread", "Sourdough bread costs 4.20 USD."]
    assert fake.collections == {}

    # The store is left alone for a while after a failure, then used again once it answers.
    fake.down = False
    await say(mongo_llm_client, tokens, channel, "bread again")
    await run_jobs(app_url)
    assert fake.collections == {}  # still inside the backoff: nobody waited on MongoDB
    monkeypatch.setattr(history_module.MONGO_FAILURES, "_until", {})
    await say(mongo_llm_client, tokens, channel, "and apples")
    await run_jobs(app_url)
    [bucket] = fake.documents("x8", mongo_history.COLLECTION)
    assert bucket["messages"][0]["content"] == "and apples"
    r = await mongo_llm_client.get(f"/api/v1/conversations/{first['conversation_id']}", headers=bearer(tokens))
    assert r.status_code == 200
