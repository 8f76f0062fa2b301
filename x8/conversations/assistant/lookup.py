"""Looking a question up in the company's catalogue: the search port, and what the judged rows say about each
thing asked (the same for a question, an item to buy, and the LLM's tools)."""

from __future__ import annotations

from typing import Any, Protocol

from x8.conversations.assistant.compose import Finding
from x8.conversations.assistant.judge import Kind, judge
from x8.conversations.assistant.question import Question, split
from x8.conversations.assistant.words import fold, is_cyrillic, is_latin

SEARCH_LIMIT = 10  # rows judged per question: the best few of any stage, plus room to see a category
FULL_LIMIT = 50  # when every row counts: "the cheapest …", or a category with more rows than SEARCH_LIMIT


class Search(Protocol):
    """The company's KB search: ``{"row": {...}, "score": float}`` best first."""

    async def __call__(self, query: str, language: str, /, *, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]: ...


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
