"""The assistant with an LLM (SPEC.md R-M3): an OpenAI-compatible ``POST {OPENAI_BASE_URL}/chat/completions`` with
tool calls. The model looks things up with ``kb_search``; buying, booking and handing over are tools too.

Guard rails, because a model can be fluent and wrong:
- Facts come from tool results: a reply quoting a price that no ``kb_search`` result holds is discarded, and the
  retrieval responder answers instead (a price is never invented).
- ``kb_search`` judges its rows as the retrieval responder does (``judge``): when none answers, the result says
  ``"matched": false`` with what was asked, and rows that only share a word come as ``related``, never as results.
- If the model's service fails or answers nonsense, the retrieval responder answers: the customer always gets an
  honest reply.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from x8.conversations.assistant.compose import price_text
from x8.conversations.assistant.intents import Intent, classify
from x8.conversations.assistant.judge import Kind, judge
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.question import parse
from x8.conversations.assistant.retrieval import CompanyProfile, Reply, Search, respond
from x8.integrations.openai import OpenAIApi, OpenAIRefused, OpenAIUnavailable

log = logging.getLogger(__name__)
MAX_ROUNDS = 4
MAX_RESULTS = 5
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "kb_search",
            "description": "Search the company's catalogue (products or services) for what the customer asks about.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string", "description": "a few keywords"}},
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "create_payment_link",
            "description": "The customer wants to buy an item from kb_search results.",
            "parameters": {
                "type": "object",
                "properties": {"item_id": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}},
                "required": ["item_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "list_slots",
            "description": "Free appointment or delivery slots for a service or item.",
            "parameters": {"type": "object", "properties": {"item_id": {"type": "string"}}, "required": ["item_id"]},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "book_slot",
            "description": "Book a slot the customer chose.",
            "parameters": {
                "type": "object",
                "properties": {"item_id": {"type": "string"}, "slot": {"type": "string"}},
                "required": ["item_id", "slot"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "handover",
            "description": "The customer wants a person, or you cannot help: a team member takes over.",
            "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]},
        },
    },
]
_AMOUNT = re.compile(r"\d+(?:[.,]\d{1,2})")


class LlmUnavailable(Exception):
    pass


def system_prompt(company: CompanyProfile, language: str, intent: Intent | None = None) -> str:
    offer = "services" if company.company_type == "Service" else "products"
    behaviour = company.behaviour.resolve(company.channel_id, intent)
    custom = ""
    if behaviour.instructions:
        custom += f"\nThe business's instructions: {behaviour.instructions}"
    if behaviour.rules:
        custom += "\nRules you must follow:\n" + "\n".join(f"- {rule}" for rule in behaviour.rules)
    return (
        f"You are the customer assistant of {company.name}, which sells {offer}. "
        f"Answer in the customer's language ({language}), briefly and kindly. "
        "Use kb_search for every question about what the company offers, and state names, prices, currencies and "
        "durations exactly as the results give them. Never guess a price or a fact. When kb_search says "
        '"matched": false, the business does not have what the customer asked for: say so plainly, naming it, '
        "and offer to bring in a team member (call handover if they accept); never present the related items as "
        "the answer: you may mention them only after saying that the asked item is not available. If kb_search "
        "finds nothing at all, say you do not know and offer a team member. When the customer wants to buy, call "
        "create_payment_link; to book, call list_slots then book_slot; when they ask for a person, call handover."
        + custom
    )


class LlmAssistant:
    def __init__(self, base_url: str, api_key: str | None, model: str, *, timeout: float) -> None:
        self._api = OpenAIApi(base_url, api_key)
        self._model = model
        self._timeout = timeout

    async def reply(
        self, turn: str, history: list[dict[str, str]], company: CompanyProfile, search: Search, *, first_reply: bool
    ) -> Reply:
        try:
            return await self._converse(turn, history, company, search, first_reply=first_reply)
        except LlmUnavailable as exc:
            log.warning("the LLM is unavailable (%s); the retrieval responder answers", exc)
            return await respond(turn, company, search, first_reply=first_reply, history=history)

    async def _converse(
        self, turn: str, history: list[dict[str, str]], company: CompanyProfile, search: Search, *, first_reply: bool
    ) -> Reply:
        language = detect(turn, fallback=company.language)
        prompt = system_prompt(company, language, classify(turn))
        messages: list[dict[str, Any]] = [{"role": "system", "content": prompt}]
        messages += history
        messages.append({"role": "user", "content": turn})
        grounded: list[str] = []  # what kb_search returned, so the answer can be checked against it
        intent: Intent | None = None
        handover = False
        for _ in range(MAX_ROUNDS):
            answer = await self._complete(messages)
            calls = answer.get("tool_calls") or []
            if not calls:
                text = str(answer.get("content") or "").strip()
                if not text or not _grounded(text, grounded):
                    log.warning("the LLM answer was empty or quoted an amount no catalogue row has; not sent")
                    return await respond(turn, company, search, first_reply=first_reply, history=history)
                intent = intent or classify(turn)
                message_type = "TYPE2" if intent == Intent.BUY else "TYPE1"
                if first_reply and company.privacy_policy_url:
                    text = f"{text}\n\n{company.privacy_policy_url}"
                return Reply(text, intent, language, message_type, handover=handover)
            messages.append({"role": "assistant", "content": answer.get("content"), "tool_calls": calls})
            for call in calls:
                name = call.get("function", {}).get("name")
                result, call_intent = await self._run_tool(name, call, search, language, grounded)
                intent = call_intent or intent
                handover = handover or name == "handover"
                messages.append({"role": "tool", "tool_call_id": call.get("id"), "content": json.dumps(result)})
        raise LlmUnavailable("no answer after several tool rounds")

    async def _run_tool(
        self, name: str | None, call: dict[str, Any], search: Search, language: str, grounded: list[str]
    ) -> tuple[dict[str, Any], Intent | None]:
        try:
            arguments = json.loads(call.get("function", {}).get("arguments") or "{}")
        except ValueError:
            return {"error": "arguments are not JSON"}, None
        if name == "kb_search":
            result = await kb_search_result(str(arguments.get("query", "")), search, language)
            grounded += [json.dumps(r, ensure_ascii=False) for r in result["results"] + result.get("related", [])]
            return result, None
        if name == "create_payment_link":
            # Payments arrive with their own issue; until then a person sends the link.
            return {"status": "a team member will send the payment link in this chat"}, Intent.BUY
        if name in ("list_slots", "book_slot"):
            return {"status": "a team member will confirm a time in this chat"}, Intent.BOOK
        if name == "handover":
            return {"status": "a team member has been asked to take over"}, Intent.HUMAN
        return {"error": f"unknown tool {name}"}, None

    async def _complete(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        # A refusal (a wrong key) is as unusable for this turn as an outage: the retrieval responder answers.
        try:
            return await self._api.chat(self._model, messages, tools=TOOLS, timeout_seconds=self._timeout)
        except (OpenAIUnavailable, OpenAIRefused) as exc:
            raise LlmUnavailable(str(exc)) from exc


async def kb_search_result(query: str, search: Search, language: str) -> dict[str, Any]:
    """The kb_search tool's answer: the rows that answer ``query`` (judged as the retrieval responder judges them),
    or ``"matched": false`` with what was asked and, apart, rows that only share a word with it."""
    question = parse(query)
    verdict = judge(question, await search(query, language) if question.terms else [], shown=MAX_RESULTS)
    rows = [_tool_row(r, language) for r in verdict.rows]
    if verdict.kind in (Kind.ANSWER, Kind.SEVERAL):
        return {"matched": True, "results": rows}
    return {
        "matched": False,
        "asked": question.asked or query[:100],
        "results": [],
        "related": rows,
        "note": (
            "Nothing in the catalogue answers this: tell the customer plainly that we do not have it and offer a "
            "team member. The related items are not what was asked for."
            if verdict.kind != Kind.SUGGEST
            else "No exact match: the related item may be what the customer meant (a typo); ask them."
        ),
    }


def _tool_row(row: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "item_id": str(row["id"]),
        "name": row["name"],
        "price": price_text(row, language),
        "duration_minutes": row.get("duration_minutes"),
        "description": (row.get("description") or "")[:300],
    }


def _grounded(text: str, grounded: list[str]) -> bool:
    """Every amount the answer quotes appears in some kb_search result."""
    source = " ".join(grounded)
    return all(amount.replace(",", ".") in source or amount in source for amount in _AMOUNT.findall(text))
