"""The labelled questions (``questions/*.json``) and the catalogues they are about (``catalogues/*.csv``).

A question's ``expect`` lists groups of SKUs: the reply must present a row of every group, with its exact price,
and no row outside them ("the kettlebell and the foam roller" is two groups; a category question is one group of
all its rows). An empty ``expect`` means the catalogue does not have what is asked: no row may be presented as
the answer.

A purchase ("Хочу купить 2 букета тюльпанов и открытку") also has ``sale``: the SKUs and quantities the payment
link must be for, and ``total``, the amount the reply must state (each row's price × quantity, added up); its
``expect`` is one group per SKU unless given. ``"sale": {}`` means no order may be made (a quantity of none, an
item the business does not have, more than the stock): the assistant must ask instead.

Each file has two lists: ``questions``, on which the judgement's thresholds were calibrated, and ``held_out``,
written afterwards without looking at the replies, which measures how well that calibration carries over.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Labelled:
    text: str
    expect: tuple[frozenset[str], ...]
    language: str  # the language the reply must be in
    tags: tuple[str, ...]
    held_out: bool
    sale: dict[str, int] | None = None  # SKU → quantity the link must be for; {}: no order may be made
    total: str | None = None  # the amount the reply must state, as the rows' prices have it ("4350.00")

    @property
    def in_catalogue(self) -> bool:
        return bool(self.expect)


@dataclass(frozen=True)
class Business:
    name: str
    catalogue: Path
    company_type: str
    language: str
    questions: tuple[Labelled, ...]


def businesses(only: str | None = None) -> list[Business]:
    """Every labelled business, or those whose name or file contains ``only`` (case-insensitive)."""
    found = []
    for path in sorted((HERE / "questions").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if only and only.casefold() not in f"{data['business']} {path.stem}".casefold():
            continue
        questions = tuple(
            Labelled(
                text=q["q"],
                expect=tuple(frozenset(group) for group in q.get("expect", [[sku] for sku in q.get("sale", {})])),
                language=q.get("lang", data["language"]),
                tags=tuple(q.get("tags", ())),
                held_out=held_out,
                sale=q.get("sale"),
                total=q.get("total"),
            )
            for held_out, key in ((False, "questions"), (True, "held_out"))
            for q in data.get(key, ())
        )
        catalogue = HERE / "catalogues" / data["catalogue"]
        found.append(Business(data["business"], catalogue, data["company_type"], data["language"], questions))
    return found
