"""The retrieval responder (SPEC.md R-M3): answers from KB rows without an LLM.

Every price, currency and duration in an answer is copied from a row; when nothing in the KB matches, the answer
says so and a human follows up. Nothing is ever invented.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from x8.conversations.assistant.behaviour import BehaviourSet
from x8.conversations.assistant.intents import Intent, classify, search_terms
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.texts import t

MAX_ITEMS = 3
MIN_SCORE = 0.01  # below this a "hit" shares only a stray word with the question
RELATIVE_FLOOR = 0.5

Search = Callable[[str, str], Awaitable[list[dict[str, Any]]]]


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    language: str
    company_type: str  # Product | Service
    privacy_policy_url: str | None
    may_answer: bool = True  # False when the business's trial or plan has ended
    behaviour: BehaviourSet = field(default_factory=BehaviourSet)
    channel_id: str | None = None  # the conversation's channel, for channel-level behaviour


@dataclass(frozen=True)
class Reply:
    text: str
    intent: Intent
    language: str
    message_type: str  # TYPE1 informational, TYPE2 payment request (R-M8)
    handover: bool = False
    items: tuple[str, ...] = ()  # ids of the KB rows the answer quotes


def relevant(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows worth quoting: a few, and none far weaker than the best (a row that only shares "green" with
    "green apples" is noise next to the green apples)."""
    if not hits:
        return []
    floor = max(MIN_SCORE, max(float(h["score"]) for h in hits) * RELATIVE_FLOOR)
    return [h for h in hits if h["score"] >= floor][:MAX_ITEMS]


def price_text(row: dict[str, Any], language: str) -> str:
    if row.get("price") is None:
        return t(language, "price_on_request")
    return f"{row['price']} {row.get('currency') or ''}".strip()


def describe(row: dict[str, Any], language: str) -> str:
    parts = [f"{row['name']}: {price_text(row, language)}"]
    if row.get("duration_minutes"):
        parts.append(t(language, "minutes", n=row["duration_minutes"]))
    line = ", ".join(parts)
    description = (row.get("description") or "").strip()
    if description:
        line += f". {description[:200]}"
    if row.get("website"):
        line += f" {row['website']}"
    return f"• {line}"


async def respond(text: str, company: CompanyProfile, search: Search, *, first_reply: bool) -> Reply:
    language = detect(text, fallback=company.language)
    intent = classify(text)
    offer = t(language, "services" if company.company_type == "Service" else "products")
    if intent == Intent.HUMAN:
        reply = Reply(t(language, "human"), intent, language, "TYPE1", handover=True)
    elif intent == Intent.GREETING:
        custom = company.behaviour.resolve(company.channel_id, intent).greeting
        text_ = custom or t(language, "greeting", company=company.name, offer=offer)
        reply = Reply(text_, intent, language, "TYPE1")
    else:
        hits = relevant(await search(search_terms(text), language))
        reply = _answer(intent, hits, language, offer)
    if first_reply and company.privacy_policy_url:
        reply = replace(reply, text=f"{reply.text}\n\n{t(language, 'privacy', url=company.privacy_policy_url)}")
    return reply


def _answer(intent: Intent, hits: list[dict[str, Any]], language: str, offer: str) -> Reply:
    ids = tuple(str(h["row"]["id"]) for h in hits)
    if intent == Intent.BUY:
        if not hits:
            return Reply(t(language, "buy_unknown", offer=offer), intent, language, "TYPE1")
        top = hits[0]["row"]
        text = t(language, "buy", name=top["name"], price=price_text(top, language))
        return Reply(text, intent, language, "TYPE2", items=ids[:1])
    if intent == Intent.BOOK:
        if not hits:
            return Reply(t(language, "book_unknown"), intent, language, "TYPE1")
        return Reply(t(language, "book", name=hits[0]["row"]["name"]), intent, language, "TYPE1", items=ids[:1])
    if not hits:
        return Reply(t(language, "not_found"), intent, language, "TYPE1")
    lines = [t(language, "found_intro"), *(describe(h["row"], language) for h in hits)]
    return Reply("\n".join(lines), intent, language, "TYPE1", items=ids)
