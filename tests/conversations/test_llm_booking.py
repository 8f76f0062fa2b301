"""The LLM's list_slots and book_slot tools (SPEC.md §11 R-CAL2, "After payment"), over real HTTP to the fake
OpenAI-compatible chat API: the model offers the free slots the platform computed (the service's own duration),
books a free service for real, and a paid one only after payment: book_slot answers payment_required instead."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.conftest import bearer
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say
from tests.conversations.test_llm_sale import _call, _tool_results, llm_sandbox, scripted, search
from tests.fakes.openai_chat import FakeChat
from tests.kb_engine.helpers import business_company, upload

__all__ = ["llm_sandbox"]  # the fixture, shared with the sale tests

SERVICES = (
    "SKU,Service Name,Description,Price,Currency,Duration\n"
    "CLN,Teeth cleaning,Scaling and polishing.,90,EUR,45\n"
    "CNS,Online consultation,A video call with a dentist.,0,EUR,30\n"
)
EVERY_DAY = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]


def _found(messages: list[dict[str, Any]], name: str) -> str:
    rows = [r for result in _tool_results(messages) for r in result.get("results", [])]
    return str(next(r["kb_row_id"] for r in rows if r["name"] == name))


async def _clinic(client: httpx.AsyncClient, email: str) -> tuple[dict[str, str], str, str]:
    tokens, company = await business_company(client, email, company_type="Service")
    assert (await upload(client, tokens, company["id"], SERVICES.encode())).status_code == 200
    hours = {"timezone": "Europe/Berlin", "slot_minutes": 60, "capacity": 1, "weekly": EVERY_DAY}
    r = await client.put(f"/api/v1/companies/{company['id']}/availability", json=hours, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    return tokens, str(company["id"]), await connect_web(client, tokens, company["id"])


async def _bookings(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/bookings", params={"company_id": company_id}, headers=bearer(tokens))
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_the_model_offers_real_slots_and_books_a_free_service(
    llm_sandbox: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        search("online consultation"),
        lambda m: _call("list_slots", {"kb_row_id": _found(m, "Online consultation")}, 2),
        lambda m: _call(
            "book_slot",
            {"kb_row_id": _found(m, "Online consultation"), "slot": _tool_results(m)[-1]["slots"][1]["start"]},
            3,
        ),
        lambda m: {"content": f"You're booked: {_tool_results(m)[-1]['start']}. See you!"},
    )
    tokens, company_id, channel = await _clinic(llm_sandbox, "llm-free@example.com")
    sent = await say(llm_sandbox, tokens, channel, "Can I book a free online consultation?")
    await run_jobs(app_url)

    listed, booked = _tool_results(state.requests[-1]["messages"])[1:3]
    first = listed["slots"][0]
    assert datetime.fromisoformat(first["end"]) - datetime.fromisoformat(first["start"]) == timedelta(minutes=30)
    assert booked["status"] == "booked" and booked["start"] == listed["slots"][1]["start"]
    [booking] = await _bookings(llm_sandbox, tokens, company_id)
    assert booking["start"] == listed["slots"][1]["start"] and booking["conversation_id"] == sent["conversation_id"]
    [reply] = bot_replies(await history(llm_sandbox, tokens, sent["conversation_id"]))
    assert reply["body"] == f"You're booked: {booked['start']}. See you!" and reply["intent"] == "book"


async def test_a_paid_service_is_not_booked_before_payment(
    llm_sandbox: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.script = scripted(
        search("teeth cleaning"),
        lambda m: _call("list_slots", {"kb_row_id": _found(m, "Teeth cleaning")}, 2),
        lambda m: _call(
            "book_slot",
            {"kb_row_id": _found(m, "Teeth cleaning"), "slot": _tool_results(m)[-1]["slots"][0]["start"]},
            3,
        ),
        lambda m: {"content": "To book a cleaning, please pay first; I'll send the link."},
    )
    tokens, company_id, channel = await _clinic(llm_sandbox, "llm-paid@example.com")
    await say(llm_sandbox, tokens, channel, "Book me a teeth cleaning tomorrow")
    await run_jobs(app_url)

    listed, refused = _tool_results(state.requests[-1]["messages"])[1:3]
    first = listed["slots"][0]
    assert datetime.fromisoformat(first["end"]) - datetime.fromisoformat(first["start"]) == timedelta(minutes=45)
    assert refused["status"] == "payment_required"
    assert await _bookings(llm_sandbox, tokens, company_id) == []
