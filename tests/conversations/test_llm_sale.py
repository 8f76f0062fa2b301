"""The LLM's create_payment_link tool (R-M3, SPEC.md §11 "A sale in chat"), over real HTTP to the fake
OpenAI-compatible chat API: items by kb_row_id or name, resolved and checked by the same code as the retrieval
responder; the link and the total reach the customer, an invented amount never does, and a turn makes one order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings
from tests.conversations.conftest import KEY
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from tests.fakes.openai_chat import FakeChat
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app
from tests.payments.helpers import tenant_sql

BASE = "https://x8.example"
Step = Callable[[list[dict[str, Any]]], dict[str, Any]]


def _call(name: str, arguments: dict[str, Any], n: int) -> dict[str, Any]:
    function = {"name": name, "arguments": json.dumps(arguments)}
    return {"content": None, "tool_calls": [{"id": f"call_{n}", "type": "function", "function": function}]}


def _tool_results(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(m["content"]) for m in messages if m["role"] == "tool"]


def scripted(*steps: Step) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """A model that takes ``steps`` in turn: the n-th answers once n-1 tool results are in the conversation."""

    def model(body: dict[str, Any]) -> dict[str, Any] | None:
        done = len(_tool_results(body["messages"]))
        return steps[done](body["messages"]) if done < len(steps) else None

    return model


def search(query: str) -> Step:
    return lambda messages: _call("kb_search", {"query": query}, 1)


def buy(*items: dict[str, Any] | Callable[[list[dict[str, Any]]], dict[str, Any]]) -> Step:
    """create_payment_link with ``items``; a callable item is made from the tool results so far (a found row)."""

    def step(messages: list[dict[str, Any]]) -> dict[str, Any]:
        made = [item(messages) if callable(item) else item for item in items]
        return _call("create_payment_link", {"items": made}, 2)

    return step


def found(name: str, quantity: int) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    def item(messages: list[dict[str, Any]]) -> dict[str, Any]:
        rows = [r for result in _tool_results(messages) for r in result.get("results", [])]
        return {"kb_row_id": next(r["kb_row_id"] for r in rows if r["name"] == name), "quantity": quantity}

    return item


def say_from_link(template: str) -> Step:
    """The model's answer, from create_payment_link's result ({url}, {total})."""

    def step(messages: list[dict[str, Any]]) -> dict[str, Any]:
        result = _tool_results(messages)[-1]
        return {"content": template.format(url=result.get("url"), total=result.get("total"))}

    return step


@pytest.fixture
async def llm_sandbox(
    owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(owner_url, OPENAI_BASE_URL=f"{fake_chat[1]}/v1", OPENAI_API_KEY=KEY, PUBLIC_BASE_URL=BASE)
    async with app_client(settings, app_url) as client:
        yield client


async def _turn(client: httpx.AsyncClient, app_url: str, text: str) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """A shop (bread, apples, a phone case), the customer's ``text`` and the bot's reply to it."""
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    sent = await say(client, tokens, channel, text)
    await run_jobs(app_url)
    [reply] = bot_replies(await history(client, tokens, sent["conversation_id"]))
    state = await client.get(f"/api/v1/conversations/{sent['conversation_id']}", headers=bearer(tokens))
    return reply, company, state.json()


def _orders(owner_url: str, company: dict[str, Any]) -> list[tuple[Any, ...]]:
    return tenant_sql(owner_url, company["id"], "SELECT amount, currency, status FROM {schema}.orders")


async def test_the_model_orders_found_and_named_items_and_sends_the_link(
    llm_sandbox: httpx.AsyncClient, app_url: str, owner_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        search("sourdough bread"),
        buy(found("Sourdough bread", 2), {"name": "green apples", "quantity": 3}),
        say_from_link("Done: 2 × Sourdough bread and 3 × Green apples, {total} in all. Pay here: {url}"),
    )
    reply, company, _ = await _turn(llm_sandbox, app_url, "Two sourdough loaves and three bags of apples, please")

    result = _tool_results(state.requests[-1]["messages"])[-1]
    assert result["status"] == "link_created" and result["total"] == "18.90 USD" and result["sandbox"] is True
    assert [(i["name"], i["quantity"], i["price"]) for i in result["items"]] == [
        ("Sourdough bread", 2, "4.20 USD"),
        ("Green apples", 3, "3.50 USD"),
    ]
    assert result["url"].startswith(f"{BASE}/sandbox/pay/")
    said = f"Done: 2 × Sourdough bread and 3 × Green apples, 18.90 USD in all. Pay here: {result['url']}"
    assert reply["body"] == said
    assert reply["intent"] == "buy" and reply["message_type"] == "TYPE2"
    assert _orders(owner_url, company) == [(1890, "USD", "pending")]
    tool = next(t for t in state.requests[0]["tools"] if t["function"]["name"] == "create_payment_link")
    item = tool["function"]["parameters"]["properties"]["items"]["items"]["properties"]
    assert set(item) == {"kb_row_id", "name", "quantity"}


async def test_a_link_the_model_leaves_out_is_added(
    llm_sandbox: httpx.AsyncClient, app_url: str, owner_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        buy({"name": "sourdough bread", "quantity": 1}), say_from_link("Lovely, that comes to {total}.")
    )
    reply, _, _ = await _turn(llm_sandbox, app_url, "I'll take a sourdough bread")
    url = _tool_results(state.requests[-1]["messages"])[-1]["url"]
    assert reply["body"] == f"Lovely, that comes to 4.20 USD.\n\nYour secure payment link: {url}"


async def test_an_invented_total_is_not_sent_and_the_turn_makes_one_order(
    llm_sandbox: httpx.AsyncClient, app_url: str, owner_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        buy({"name": "sourdough bread", "quantity": 2}),
        lambda messages: {"content": "That is 7.99 USD, a special price! Pay here: https://pay.example/x"},
    )
    reply, company, _ = await _turn(llm_sandbox, app_url, "I want to buy two sourdough breads")
    body = reply["body"]
    assert "7.99" not in body and "pay.example" not in body  # the model's words are dropped
    assert "• Sourdough bread (4.20 USD) × 2" in body and "Total: 8.40 USD" in body and f"{BASE}/sandbox/pay/" in body
    assert _orders(owner_url, company) == [(840, "USD", "pending")]  # the same order, not a second one
    assert reply["message_type"] == "TYPE2"


async def test_unclear_items_come_back_as_problems_and_nothing_is_ordered(
    llm_sandbox: httpx.AsyncClient, app_url: str, owner_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        buy({"name": "helicopter", "quantity": 1}, {"name": "iPhone 15 case", "quantity": 9}),
        lambda messages: {"content": "We don't sell helicopters, and we have 5 iPhone cases. How many would you like?"},
    )
    reply, company, _ = await _turn(llm_sandbox, app_url, "I want to buy a helicopter and nine iPhone cases")
    result = _tool_results(state.requests[-1]["messages"])[-1]
    assert result["status"] == "not_ordered" and "never guess" in result["note"]
    [missing, stock] = result["problems"]
    assert missing["problem"] == "not_found" and missing["asked"] == "helicopter"
    assert stock == {
        "problem": "over_stock",
        "name": "iPhone 15 case",
        "quantity": 9,
        "price": "19.99 USD",
        "stock": 5,
    }
    assert reply["body"].startswith("We don't sell helicopters") and reply["message_type"] == "TYPE1"
    assert _orders(owner_url, company) == []


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ("two roses", "items must be a non-empty list"),
        ([], "items must be a non-empty list"),
        ([{"name": "bread", "quantity": "two"}], "quantity must be a whole number"),
        ([{"name": "bread", "quantity": True}], "quantity must be a whole number"),
        ([{"quantity": 1}], "each item needs a kb_row_id or a name"),
        ([{"kb_row_id": "0b5c3f1e-0000-4000-8000-000000000000"}], "unknown kb_row_id"),
        ([{"name": "bread"}] * 21, "at most 20 different items"),
    ],
)
async def test_bad_arguments_are_explained_to_the_model(
    llm_sandbox: httpx.AsyncClient,
    app_url: str,
    owner_url: str,
    fake_chat: tuple[FakeChat, str],
    items: Any,
    error: str,
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        lambda messages: _call("create_payment_link", {"items": items}, 1),
        lambda messages: {"content": "Which item would you like, and how many?"},
    )
    reply, company, _ = await _turn(llm_sandbox, app_url, "I want to buy bread")
    assert error in _tool_results(state.requests[-1]["messages"])[-1]["error"]
    assert reply["body"] == "Which item would you like, and how many?"
    assert _orders(owner_url, company) == []


@pytest.fixture
def fake_stripe() -> Iterator[tuple[FakeStripe, str]]:
    state = FakeStripe()
    with serve_in_thread(stripe_app(state)) as url:
        yield state, url


async def test_without_a_payment_account_the_model_is_told_and_a_person_takes_over(
    owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str], fake_stripe: tuple[FakeStripe, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        buy({"name": "sourdough bread", "quantity": 1}),
        lambda messages: {"content": "Online payment isn't available yet; a colleague will help you shortly."},
    )
    settings = make_settings(
        owner_url,
        OPENAI_BASE_URL=f"{fake_chat[1]}/v1",
        OPENAI_API_KEY=KEY,
        STRIPE_SECRET_KEY=API_KEY,
        STRIPE_API_BASE=fake_stripe[1],
        PUBLIC_BASE_URL=BASE,
    )
    async with app_client(settings, app_url) as client:
        reply, company, conversation = await _turn(client, app_url, "I'd like to order a sourdough bread")
    result = _tool_results(state.requests[-1]["messages"])[-1]
    assert result["status"] == "payment_unavailable" and "url" not in result and result["total"] == "4.20 USD"
    assert reply["body"] == "Online payment isn't available yet; a colleague will help you shortly."
    assert conversation["handover"] is True and _orders(owner_url, company) == []
