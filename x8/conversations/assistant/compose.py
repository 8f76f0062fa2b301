"""The retrieval responder's words, from what the catalogue said about each thing asked.

An answer leads with the row's name and exact price; several equally good rows are listed (a few, then "and N
more"); what the catalogue does not have is said plainly in the customer's own words, with related rows only
after that sentence, and a person is offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from x8.conversations.assistant.intents import Intent
from x8.conversations.assistant.judge import Kind, Verdict
from x8.conversations.assistant.question import Question, Superlative
from x8.conversations.assistant.texts import t

DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class Finding:
    question: Question
    verdict: Verdict
    # Whether the catalogue could have matched every content word: a Russian word cannot match rows written only
    # in English. When it could not, "we don't have it" would claim more than the search knows.
    conclusive: bool = True


@dataclass(frozen=True)
class Answer:
    text: str
    message_type: str  # TYPE1 informational, TYPE2 payment request (R-M8)
    items: tuple[str, ...]  # rows presented as the answer
    related: tuple[str, ...]  # rows offered only as related, after "we don't have it"
    suggested: tuple[str, ...]  # rows offered as "did you mean …?"


def price_text(row: dict[str, Any], language: str) -> str:
    if row.get("price") is None:
        return t(language, "price_on_request")
    return f"{row['price']} {row.get('currency') or ''}".strip()


def describe(row: dict[str, Any], language: str, *, bullet: bool = False) -> str:
    """'Name: 12.50 EUR, 45 min. Description… https://…', every value as the row has it."""
    parts = [f"{row['name']}: {price_text(row, language)}"]
    if row.get("duration_minutes"):
        parts.append(t(language, "minutes", n=row["duration_minutes"]))
    line = ", ".join(parts)
    description = _shortened(" ".join(str(row.get("description") or "").split()))
    if description:
        line += f". {description}"
    if row.get("website"):
        line += f" {row['website']}"
    return f"• {line}" if bullet else line


def _shortened(text: str) -> str:
    """At most ``DESCRIPTION_CHARS``, cut between words, so no number is ever cut short."""
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


@dataclass
class Blocks:
    """What the catalogue said about each thing asked, as paragraphs, with the rows each kind of paragraph shows."""

    blocks: list[str]
    items: list[dict[str, Any]]  # rows presented as the answer
    related: list[dict[str, Any]]  # rows offered only as related, after "we don't have it"
    suggested: list[dict[str, Any]]  # rows offered as "did you mean …?"
    missing: bool  # something asked is not in the catalogue


def finding_blocks(findings: list[Finding], company_type: str, language: str, *, catalogue_language: str) -> Blocks:
    """``catalogue_language``: the company's. A question in another language is only matched on the words both
    share (brands, codes), so "we don't have it" would claim more than the search knows: it says "I couldn't
    find it" instead."""
    service = company_type == "Service"
    found = Blocks([], [], [], [], missing=False)
    for finding in findings:
        question, verdict = finding.question, finding.verdict
        if verdict.kind == Kind.ANSWER:
            found.items.append(verdict.rows[0])
            found.blocks.append(_answer(question, verdict.rows[0], language))
        elif verdict.kind == Kind.SEVERAL:
            found.items.extend(verdict.rows)
            found.blocks.append(_several(question, verdict, language))
        elif verdict.kind == Kind.SUGGEST:
            found.suggested.extend(verdict.rows)
            suggestion = t(language, "suggest", what=question.asked) + "\n" + describe(verdict.rows[0], language)
            found.blocks.append(suggestion)
        else:
            found.missing = True
            found.related.extend(verdict.rows)
            if language != catalogue_language or not finding.conclusive:
                not_found = "not_found_other_language"
            else:
                not_found = "not_found_service" if service else "not_found_product"
            lines = [t(language, not_found, what=question.asked)]
            if verdict.rows:
                lines += [t(language, "related"), *(describe(r, language, bullet=True) for r in verdict.rows)]
            found.blocks.append("\n".join(lines))
    return found


def compose(
    findings: list[Finding], intent: Intent, company_type: str, language: str, *, catalogue_language: str
) -> Answer:
    service = company_type == "Service"
    found = finding_blocks(findings, company_type, language, catalogue_language=catalogue_language)
    blocks, items = found.blocks, found.items
    single = len(findings) == 1 and findings[0].verdict.kind == Kind.ANSWER
    if intent == Intent.BUY and single:  # one sentence, the item's name and price first
        blocks = [t(language, "buy", name=items[0]["name"], price=price_text(items[0], language))]
    elif intent == Intent.BOOK and not service and not items:
        blocks.insert(0, t(language, "no_bookings"))
    blocks += _next_step(intent, service, language, items, single=single)
    if found.missing:
        blocks.append(t(language, "handover_offer"))
    return Answer(
        text="\n\n".join(blocks),
        message_type="TYPE2" if intent == Intent.BUY and items else "TYPE1",
        items=tuple(str(r["id"]) for r in items),
        related=tuple(str(r["id"]) for r in found.related),
        suggested=tuple(str(r["id"]) for r in found.suggested),
    )


def _answer(question: Question, row: dict[str, Any], language: str) -> str:
    line = describe(row, language)
    if question.superlative is None:
        return line
    intro = "cheapest" if question.superlative == Superlative.CHEAPEST else "dearest"
    return t(language, intro, what=question.asked) + "\n" + line


def _several(question: Question, verdict: Verdict, language: str) -> str:
    lines = [t(language, "several", what=question.asked), *(describe(r, language, bullet=True) for r in verdict.rows)]
    if verdict.total > len(verdict.rows):
        lines.append(t(language, "more", n=verdict.total - len(verdict.rows)))
    return "\n".join(lines)


def _next_step(intent: Intent, service: bool, language: str, items: list[dict[str, Any]], *, single: bool) -> list[str]:
    """What follows the rows when the customer wants to buy or book them."""
    if intent == Intent.BUY and items and not single:
        return [t(language, "buy_which")]
    if intent != Intent.BOOK or not items:
        return []
    if not service:
        return [t(language, "order_instead")]
    return [t(language, "book", name=items[0]["name"]) if single else t(language, "book_which")]


def no_subject(intent: Intent, company_type: str, language: str, offer: str) -> str:
    """The reply to a message that names nothing to look up ("How much?", "I'd like to book an appointment")."""
    service = company_type == "Service"
    if intent == Intent.BUY:
        return t(language, "buy_unknown", offer=offer)
    if intent == Intent.BOOK:
        if service:
            return t(language, "book_unknown")
        return t(language, "no_bookings") + " " + t(language, "ask_about", offer=offer)
    return t(language, "unclear_service" if service else "unclear_product")
