"""The retrieval responder (SPEC.md R-M3): answers from KB rows without an LLM.

The question's content words are searched, and the rows that come back are judged (``judge``): only a row that
actually answers is presented as the answer. Otherwise the reply says plainly that the business does not have
what was asked, names it in the customer's words, may list genuinely related rows after saying so, and offers a
person. Every price, currency and duration in an answer is copied from a row; nothing is ever invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from x8.conversations.assistant.behaviour import BehaviourSet
from x8.conversations.assistant.compose import Finding, compose, no_subject
from x8.conversations.assistant.intents import Intent, accepts_offer, classify
from x8.conversations.assistant.judge import Kind, judge
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.question import Question, parse, split
from x8.conversations.assistant.texts import TEXTS, t
from x8.conversations.assistant.words import fold, is_cyrillic, is_latin

SEARCH_LIMIT = 10  # rows judged per question: the best few of any stage, plus room to see a category
FULL_LIMIT = 50  # when every row counts: "the cheapest …", or a category with more rows than SEARCH_LIMIT


class Search(Protocol):
    """The company's KB search: ``{"row": {...}, "score": float}`` best first."""

    async def __call__(self, query: str, language: str, /, *, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]: ...


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
    items: tuple[str, ...] = ()  # ids of the KB rows the reply presents as the answer
    related: tuple[str, ...] = ()  # ids of rows offered only as related, after "we don't have it"
    suggested: tuple[str, ...] = ()  # ids of rows offered as "did you mean …?" (a typo, or a description match)


async def respond(
    text: str,
    company: CompanyProfile,
    search: Search,
    *,
    first_reply: bool,
    history: list[dict[str, str]] | None = None,
) -> Reply:
    language = detect(text, fallback=company.language)
    intent = classify(text)
    if intent != Intent.HUMAN and accepts_offer(text) and _offered_a_person(history):
        intent = Intent.HUMAN
    offer = t(language, "services" if company.company_type == "Service" else "products")
    if intent == Intent.HUMAN:
        reply = Reply(t(language, "human"), intent, language, "TYPE1", handover=True)
    elif intent == Intent.GREETING:
        custom = company.behaviour.resolve(company.channel_id, intent).greeting
        text_ = custom or t(language, "greeting", company=company.name, offer=offer)
        reply = Reply(text_, intent, language, "TYPE1")
    else:
        question = parse(text)
        if not question.terms:
            reply = Reply(no_subject(intent, company.company_type, language, offer), intent, language, "TYPE1")
        else:
            findings = await find(text, question, search, language)
            answer = compose(findings, intent, company.company_type, language, catalogue_language=company.language)
            reply = Reply(
                answer.text,
                intent,
                language,
                answer.message_type,
                items=answer.items,
                related=answer.related,
                suggested=answer.suggested,
            )
    if first_reply and company.privacy_policy_url:
        reply = replace(reply, text=f"{reply.text}\n\n{t(language, 'privacy', url=company.privacy_policy_url)}")
    return reply


async def find(text: str, question: Question, search: Search, language: str) -> list[Finding]:
    """What the catalogue says about the question, or, when it asks about several things ("the kettlebell and the
    foam roller?", "гиря и ролик?"), about each of them. The whole question wins when one row's name has every
    word of it ("check-up and X-ray"); the parts win when each of them is answered."""
    whole = await look_up(question, search, language)
    if whole.verdict.kind == Kind.ANSWER and whole.verdict.coverage >= 1.0:
        return [whole]
    parts = split(text)
    if len(parts) < 2:
        return [whole]
    findings = [await look_up(part, search, language) for part in parts]
    answered = [f.verdict.kind in (Kind.ANSWER, Kind.SEVERAL) for f in findings]
    if all(answered):
        return findings
    if whole.verdict.kind in (Kind.ANSWER, Kind.SEVERAL):
        return [whole]
    return findings if any(answered) else [whole]


async def look_up(question: Question, search: Search, language: str) -> Finding:
    limit = FULL_LIMIT if question.superlative else SEARCH_LIMIT
    hits = await search(question.query, language, limit=limit)
    verdict = judge(question, hits)
    if verdict.kind == Kind.SEVERAL and limit < FULL_LIMIT and len(hits) >= limit:
        # A category larger than one page: count (and rank) all of it.
        verdict = judge(question, await search(question.query, language, limit=FULL_LIMIT))
    return Finding(question, verdict, conclusive=_could_match(question, hits))


def _could_match(question: Question, hits: list[dict[str, Any]]) -> bool:
    """Whether the rows found are written in the script of every content word (no rows: nothing says otherwise)."""
    if not hits:
        return True
    text = fold(" ".join(f"{h['row'].get('name') or ''} {str(h['row'].get('description') or '')[:200]}" for h in hits))
    written = {True: is_cyrillic(text), False: is_latin(text)}
    return all(written[is_cyrillic(term.word)] for term in question.terms)


def _offered_a_person(history: list[dict[str, str]] | None) -> bool:
    """The assistant's last message offered a person ("Reply “yes” and I'll pass this chat on")."""
    last = next((m["content"] for m in reversed(history or []) if m.get("role") == "assistant"), "")
    return any(table["handover_offer"] in last for table in TEXTS.values())
