"""Scoring one reply against its label, and the tallies the evaluation prints.

- **Recall** (in-catalogue questions): the reply presents a row of every expected group, each with its name and
  exact price, in the right language, and presents no other row. A "did you mean …?" of the right row counts:
  it quotes the right item and price, asking only to confirm a typo.
- **Precision**: of the replies that present rows as the answer, the share that present the right ones.
- **Honesty** (out-of-catalogue questions): no row is presented as the answer (related rows may follow the plain
  "we don't have it").
- **Purchases**: a labelled purchase must get a payment link for exactly its SKUs and quantities, and state its
  total; one labelled with no sale must get none (and no order made).
- **Numbers**: every number in a reply is in the question or in a row the reply quotes (the "and N more" count
  of a list aside, which is checked against the rows the list leaves out). A sale's total is accepted only when
  it is what the checker computes itself from the rows and the quantities; a quantity only when the question
  says it (in digits or words) or it is the one of an item named without a quantity. The link is not a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from x8.conversations.assistant.compose import price_text
from x8.conversations.assistant.evaluation.labelled import Labelled
from x8.conversations.assistant.retrieval import Reply
from x8.conversations.assistant.texts import TEXTS
from x8.conversations.assistant.words import NUMBER_WORDS, tokens

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MORE = [re.compile(re.escape(table["more"]).replace(re.escape("{n}"), r"(\d+)")) for table in TEXTS.values()]


@dataclass(frozen=True)
class Outcome:
    labelled: Labelled
    reply: Reply
    presented: tuple[str, ...]  # SKUs presented as the answer
    suggested: tuple[str, ...]  # SKUs offered as "did you mean …?"
    correct: bool
    why: str  # what is wrong, for the failure list
    stray_numbers: tuple[str, ...]


def score(labelled: Labelled, reply: Reply, rows: dict[str, dict[str, Any]], *, ordered: bool = False) -> Outcome:
    """``rows``: the catalogue's rows by id, as the database has them. ``ordered``: the checkout was asked for an
    order while answering."""
    presented = tuple(str(rows[i].get("sku")) for i in reply.items)
    suggested = tuple(str(rows[i].get("sku")) for i in reply.suggested)
    why = _wrong(labelled, reply, rows, presented, suggested) or _wrong_sale(labelled, reply, rows, ordered=ordered)
    quoted = [rows[i] for i in (*reply.items, *reply.related, *reply.suggested)]
    stray = stray_numbers(reply.text, labelled.text, quoted, sold=_sold(reply, rows))
    return Outcome(labelled, reply, presented, suggested, why == "", why, tuple(stray))


def _wrong_sale(labelled: Labelled, reply: Reply, rows: dict[str, dict[str, Any]], *, ordered: bool) -> str:
    if labelled.sale is None:
        return ""
    sale = reply.sale
    if not labelled.sale:
        return "made an order" if ordered or (sale is not None and sale.url) else ""
    if sale is None or sale.url is None:
        return "no payment link"
    cart = {str(rows[row_id].get("sku")): quantity for row_id, _, quantity in sale.lines}
    if cart != labelled.sale:
        return f"ordered {cart}"
    if sale.total != labelled.total or f"{sale.total} {sale.currency}" not in reply.text:
        return f"total {sale.total} {sale.currency}, not {labelled.total}"
    return "" if sale.url in reply.text else "the link is not in the reply"


@dataclass(frozen=True)
class _Sold:
    url: str | None
    total: str | None  # the reply's total, if it is what the rows and quantities make
    quantities: frozenset[str]


def _sold(reply: Reply, rows: dict[str, dict[str, Any]]) -> _Sold | None:
    """What a sale lets the reply state beyond the rows: its total, checked here against the rows, and quantities."""
    sale = reply.sale
    if sale is None:
        return None
    computed = sum((Decimal(str(rows[row_id]["price"])) * quantity for row_id, _, quantity in sale.lines), Decimal(0))
    total = sale.total if sale.total is not None and str(computed) == sale.total else None
    return _Sold(sale.url, total, frozenset(str(quantity) for _, _, quantity in sale.lines))


def _wrong(
    labelled: Labelled,
    reply: Reply,
    rows: dict[str, dict[str, Any]],
    presented: tuple[str, ...],
    suggested: tuple[str, ...],
) -> str:
    if reply.language != labelled.language:
        return f"answered in {reply.language}"
    if not labelled.in_catalogue:
        return f"presented {', '.join(presented)} as the answer" if presented else ""
    allowed = frozenset().union(*labelled.expect)
    shown = set(presented) or set(suggested)
    if not shown:
        return "said it does not have it"
    if shown - allowed:
        return f"presented {', '.join(sorted(shown - allowed))}, not expected"
    if missing := [g for g in labelled.expect if not g & shown]:
        return f"missed {' / '.join(','.join(sorted(g)) for g in missing)}"
    by_sku = {str(r.get("sku")): r for r in rows.values()}
    for sku in shown:
        row = by_sku[sku]
        if row["name"] not in reply.text or price_text(row, reply.language) not in reply.text:
            return f"{sku} without its exact name and price"
    return ""


def stray_numbers(
    reply: str, question: str, quoted: Iterable[dict[str, Any]], *, sold: _Sold | None = None
) -> list[str]:
    """Numbers in ``reply`` that are neither in the question nor in a quoted row (the count of a list's "and N
    more" aside, and what a sale may state: see the module's doc)."""
    for more in _MORE:
        reply = more.sub("", reply)
    known = set(_NUMBER.findall(question))
    for row in quoted:
        known.update(_NUMBER.findall(" ".join(str(v) for v in row.values() if v is not None)))
    if sold is not None:
        if sold.url:
            reply = reply.replace(sold.url, "")
        if sold.total:
            known.add(sold.total)
        said = {str(NUMBER_WORDS[w.folded]) for w in tokens(question) if w.folded in NUMBER_WORDS} | {"1"}
        known.update(sold.quantities & said)
    return [n for n in _NUMBER.findall(reply) if n not in known]


@dataclass
class Tally:
    in_catalogue: int = 0
    answered_right: int = 0  # in-catalogue questions answered with the right rows and prices
    presented: int = 0  # replies that present rows as the answer
    presented_right: int = 0
    out_of_catalogue: int = 0
    honest: int = 0
    stray_numbers: int = 0
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.labelled.in_catalogue:
            self.in_catalogue += 1
            self.answered_right += outcome.correct
        else:
            self.out_of_catalogue += 1
            self.honest += outcome.correct
        if outcome.presented:
            self.presented += 1
            self.presented_right += outcome.correct and outcome.labelled.in_catalogue
        self.stray_numbers += bool(outcome.stray_numbers)
        if not outcome.correct or outcome.stray_numbers:
            self.failures.append(outcome)

    def merge(self, other: Tally) -> None:
        for name in ("in_catalogue", "answered_right", "presented", "presented_right", "out_of_catalogue", "honest"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.stray_numbers += other.stray_numbers
        self.failures += other.failures

    @property
    def recall(self) -> float:
        return self.answered_right / self.in_catalogue if self.in_catalogue else 1.0

    @property
    def precision(self) -> float:
        return self.presented_right / self.presented if self.presented else 1.0

    @property
    def honesty(self) -> float:
        return self.honest / self.out_of_catalogue if self.out_of_catalogue else 1.0
