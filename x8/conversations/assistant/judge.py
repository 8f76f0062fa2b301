"""Whether catalogue rows actually answer a question, not only which rank first.

Each content word of the question must be supported by a row: by the same stem (or, for Russian, a near stem:
"кроссовок"/"кроссовки"), or as a typo, which counts less. Support weighs by where it is found: a row's name or
SKU most, then its category and tags, its description least. A row answers when the weighted share of supported
words (its coverage) reaches ``ANSWER`` and at least one word matched as written, not as a typo. Numbers never
support a row; a question's number found in a row ranks it higher, and a model or measure the question names
("iPhone 14", "24 кг") rules out a row whose name carries other numbers (a different model or size).

The thresholds and weights were calibrated on the labelled questions in ``evaluation/`` (see
docs/conversations.md, "How well the assistant answers").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from x8.conversations.assistant.question import NumberRole, Question, Superlative, Term
from x8.conversations.assistant.words import digit_runs, is_cyrillic, is_number, stem, tokens

FIELD_WEIGHTS = {"name": 1.0, "sku": 1.0, "category": 0.9, "tags": 0.8, "accessory_of": 0.6, "description": 0.5}
# In a name, what follows "for"/"для" or "with"/"с" says what the item goes with, not what it is: "Удобрение для
# орхидей" is not an orchid, "Чехол для iPhone 15" not a phone. ("Bouquet of roses" / "букет из роз" is roses.)
_ACCESSORY_OF = frozenset({"for", "with", "without", "для", "с", "со", "без", "под", "к"})
NEAR = 0.9  # a Russian word whose stem differs only in its last letters (a fleeting vowel: "кроссовок")
TYPO = 0.7  # a slip inside a word: "runing", "sourdugh", "кросовки"
WEAK_TYPO = 0.35  # a different ending, which is as often another word: "table"/"tablet"
ANSWER = 0.7  # the coverage at which a row answers
SUGGEST = 0.5  # every word found, but only as typos or in descriptions: "did you mean …?"
MARGIN = 0.1  # rows this close to the best answer are equally good answers
UNNAMED_NUMBER = 0.85  # the question names a model or measure ("букет из 101 розы") the row does not mention
DESCRIPTION_CHARS = 600  # how much of a description is read: later words are weak evidence anyway
MAX_RELATED = 3


class Kind(StrEnum):
    ANSWER = "answer"  # one row clearly answers
    SEVERAL = "several"  # several rows answer equally (a category, "apples" for two apple products)
    SUGGEST = "suggest"  # only typo matches: ask whether the customer means this row
    RELATED = "related"  # nothing answers; these rows share a content word
    NONE = "none"


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    rows: tuple[dict[str, Any], ...] = ()  # best first
    total: int = 0  # how many rows answer (``rows`` may show fewer)
    coverage: float = 0.0  # the best row's: 1.0 when its name (or SKU) has every content word


@dataclass(frozen=True)
class _Field:
    keys: frozenset[str]  # stems, words as written, hyphenated words joined
    by_initial: dict[str, tuple[tuple[str, str], ...]]  # (word, stem) by first letter: a typo keeps the first


@dataclass(frozen=True)
class _RowIndex:
    fields: dict[str, _Field]
    name_numbers: frozenset[str]
    numbers: frozenset[str]
    ranges: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Judged:
    row: dict[str, Any]
    coverage: float
    exact: bool  # some word matched as written (or by stem), not as a typo
    complete: bool  # every word found somewhere
    by_category: bool  # every word found in the category: the question names a category
    numbers_found: int
    other_variant: bool  # the question names a model or size this row's name does not have
    score: float


def judge(question: Question, hits: list[dict[str, Any]], *, shown: int = 3) -> Verdict:
    """What ``hits`` (search results, ``{"row", "score"}``) say about ``question``."""
    if not question.terms or not hits:
        return Verdict(Kind.NONE)
    judged = sorted(
        (_judge_row(question, h["row"], float(h.get("score") or 0.0)) for h in hits),
        key=lambda j: (-j.coverage, -j.numbers_found, -j.score),
    )
    answering = [j for j in judged if j.coverage >= ANSWER and j.exact and not j.other_variant]
    if answering:
        return replace(_answer(question, answering, shown), coverage=answering[0].coverage)
    suggestions = [j for j in judged if j.complete and j.coverage >= SUGGEST and not j.other_variant]
    if suggestions:
        return Verdict(Kind.SUGGEST, (suggestions[0].row,), coverage=suggestions[0].coverage)
    related = [j for j in judged if j.exact][:MAX_RELATED]
    if related:
        return Verdict(Kind.RELATED, tuple(j.row for j in related), coverage=related[0].coverage)
    return Verdict(Kind.NONE)


def _answer(question: Question, answering: list[_Judged], shown: int) -> Verdict:
    if question.superlative is not None:
        cheapest_first = sorted(answering, key=lambda j: _price_key(j.row, question.superlative))
        return Verdict(Kind.ANSWER, (cheapest_first[0].row,), len(answering))
    category = [j for j in answering if j.by_category]
    if len(category) >= 2 and not question.names_a_variant:
        rows = tuple(j.row for j in answering if j.by_category or j.coverage >= category[0].coverage)
        return Verdict(Kind.SEVERAL, rows[:shown], len(rows))
    lead = answering[0]
    equal = [j for j in answering if j.coverage >= lead.coverage - MARGIN and j.numbers_found == lead.numbers_found]
    if len(equal) == 1:
        return Verdict(Kind.ANSWER, (lead.row,), 1)
    return Verdict(Kind.SEVERAL, tuple(j.row for j in equal[:shown]), len(equal))


def _price_key(row: dict[str, Any], superlative: Superlative | None) -> tuple[int, Decimal]:
    """Rows by price for "cheapest" (ascending) or "dearest" (descending); rows without a price last."""
    try:
        price = Decimal(str(row.get("price")))
    except InvalidOperation:
        return (1, Decimal(0))
    if not price.is_finite():
        return (1, Decimal(0))
    return (0, price if superlative == Superlative.CHEAPEST else -price)


def _judge_row(question: Question, row: dict[str, Any], score: float) -> _Judged:
    index = _index(
        str(row.get("name") or ""),
        str(row.get("sku") or ""),
        str(row.get("category") or ""),
        " ".join(row.get("tags") or ()),
        str(row.get("description") or "")[:DESCRIPTION_CHARS],
    )
    supports = [_support(term, index) for term in question.terms]
    coverage = sum(s for s, _, _ in supports) / len(supports)
    found = [n for n in question.numbers if _has_number(index, n.value)]
    unnamed = [
        n
        for n in question.numbers
        if n.role in (NumberRole.IDENTIFYING, NumberRole.MEASURE) and not _has_number(index, n.value)
    ]
    other_variant = bool(unnamed and index.name_numbers)  # "iPhone 14 case" is not the "iPhone 15 case"
    if unnamed:
        coverage *= UNNAMED_NUMBER
    return _Judged(
        row=row,
        coverage=round(coverage, 4),
        exact=any(exact for _, exact, _ in supports),
        complete=all(s > 0 for s, _, _ in supports),
        by_category=all(in_category for _, _, in_category in supports),
        numbers_found=len(found),
        other_variant=other_variant,
        score=score,
    )


def _has_number(index: _RowIndex, value: str) -> bool:
    if value in index.numbers:
        return True
    number = int(value)
    return any(low <= number <= high for low, high in index.ranges)


def _support(term: Term, index: _RowIndex) -> tuple[float, bool, bool]:
    """(weighted support, matched exactly, found in the category as written) of one content word in a row."""
    best, exact, in_category = 0.0, False, False
    for name, field in index.fields.items():
        strength = _strength(term, field)
        if strength >= NEAR:
            exact = True
            in_category = in_category or name == "category"
        best = max(best, strength * FIELD_WEIGHTS[name])
    return best, exact, in_category


def _strength(term: Term, field: _Field) -> float:
    if term.stem in field.keys or term.word in field.keys:
        return 1.0
    if len(term.parts) > 1 and all(p in field.keys for p in term.parts):
        return 1.0
    if term.code:
        return 0.0
    best = 0.0
    for word, word_stem in field.by_initial.get(term.word[:1], ()):
        best = max(best, _likeness(term.word, word), _likeness(term.stem, word_stem))
        if best >= NEAR:
            break
    return best


@functools.lru_cache(maxsize=200_000)
def _likeness(asked: str, known: str) -> float:
    """How surely ``asked`` means ``known``: NEAR (a Russian near stem), TYPO, WEAK_TYPO or 0."""
    if asked == known:
        return 1.0
    shorter = min(len(asked), len(known))
    if shorter < 5 or abs(len(asked) - len(known)) > 2 or asked[0] != known[0]:
        return 0.0
    common = _common_prefix(asked, known)
    tail_only = common >= shorter - 1
    if tail_only and common >= 5 and is_cyrillic(asked):
        return NEAR
    distance = _distance(asked, known, limit=2)
    if distance > (2 if shorter >= 8 else 1):
        return 0.0
    if not tail_only:
        return TYPO
    # Only the ending differs: a doubled last letter ("webcamm") or a long word cut short ("wireles") is a slip;
    # a short word that another word starts with is as often a different word ("table", "tablet").
    doubled = len(asked) == len(known) + 1 and asked[-1] == asked[-2]
    return TYPO if doubled or shorter >= 7 else WEAK_TYPO


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _distance(a: str, b: str, *, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), cut off above ``limit``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@functools.lru_cache(maxsize=8192)
def _index(name: str, sku: str, category: str, tags: str, description: str) -> _RowIndex:
    """A row's words by field, cached by its text: the same rows come back for question after question."""
    what, accessory_of = _split_name(name)
    fields = {
        "name": _field(what),
        "accessory_of": _field(accessory_of),
        "sku": _field(sku),
        "category": _field(category),
        "tags": _field(tags),
        "description": _field(description),
    }
    ranges = []
    for token in tokens(f"{name} {description}"):
        parts = token.parts
        if len(parts) == 2 and all(is_number(p) for p in parts) and len(parts[0]) <= 6 and len(parts[1]) <= 6:
            ranges.append((int(parts[0]), int(parts[1])))
    return _RowIndex(
        fields=fields,
        name_numbers=frozenset(digit_runs(name)),
        numbers=frozenset(digit_runs(" ".join((name, sku, category, tags, description)))),
        ranges=tuple(ranges),
    )


def _split_name(name: str) -> tuple[str, str]:
    """'Удобрение для орхидей' → ('Удобрение', 'орхидей'); a name without such a word is all item."""
    for token in tokens(name):
        if token.folded in _ACCESSORY_OF and token.start > 0:
            return name[: token.start], name[token.end :]
    return name, ""


def _field(text: str) -> _Field:
    keys: set[str] = set()
    by_initial: dict[str, set[tuple[str, str]]] = {}
    for token in tokens(text):
        for word in {token.joined, *token.parts}:
            keys.update((word, stem(word)))
            if not any(c.isdigit() for c in word) and len(word) >= 4:
                by_initial.setdefault(word[0], set()).add((word, stem(word)))
    return _Field(frozenset(keys), {initial: tuple(sorted(pairs)) for initial, pairs in by_initial.items()})
