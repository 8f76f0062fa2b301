"""Scoring one reply against its label, and the tallies the evaluation prints.

- **Recall** (in-catalogue questions): the reply presents a row of every expected group, each with its name and
  exact price, in the right language, and presents no other row. A "did you mean …?" of the right row counts:
  it quotes the right item and price, asking only to confirm a typo.
- **Precision**: of the replies that present rows as the answer, the share that present the right ones.
- **Honesty** (out-of-catalogue questions): no row is presented as the answer (related rows may follow the plain
  "we don't have it").
- **Numbers**: every number in a reply is in the question or in a row the reply quotes (the "and N more" count
  of a list aside, which is checked against the rows the list leaves out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from x8.conversations.assistant.compose import price_text
from x8.conversations.assistant.evaluation.labelled import Labelled
from x8.conversations.assistant.retrieval import Reply
from x8.conversations.assistant.texts import TEXTS

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


def score(labelled: Labelled, reply: Reply, rows: dict[str, dict[str, Any]]) -> Outcome:
    """``rows``: the catalogue's rows by id, as the database has them."""
    presented = tuple(str(rows[i].get("sku")) for i in reply.items)
    suggested = tuple(str(rows[i].get("sku")) for i in reply.suggested)
    why = _wrong(labelled, reply, rows, presented, suggested)
    quoted = [rows[i] for i in (*reply.items, *reply.related, *reply.suggested)]
    return Outcome(
        labelled, reply, presented, suggested, why == "", why, tuple(stray_numbers(reply.text, labelled.text, quoted))
    )


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


def stray_numbers(reply: str, question: str, quoted: Iterable[dict[str, Any]]) -> list[str]:
    """Numbers in ``reply`` that are neither in the question nor in a quoted row (the count of a list's "and N
    more" aside)."""
    for more in _MORE:
        reply = more.sub("", reply)
    known = set(_NUMBER.findall(question))
    for row in quoted:
        known.update(_NUMBER.findall(" ".join(str(v) for v in row.values() if v is not None)))
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
