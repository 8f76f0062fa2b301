"""A sale in chat (SPEC.md §11 "A sale in chat", R-P2): the items the customer names are found by the same search
and judgement as a question, their quantities checked, and the cart ordered through the checkout port; the reply
lists each item with its price and quantity, the total, and the payment link.

Nothing is guessed: an item that does not clearly answer, a quantity of none or too many, more than the stock, a
pack bought as if by the piece: the customer is asked, and no order is made. Prices and the total come from the
rows only (the total is the sum of price × quantity; the payments side prices the order from the same rows).
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from x8.conversations.assistant.checkout import (
    CartLine,
    CartRefused,
    Checkout,
    CheckoutResult,
    LinkLater,
    NotPayable,
    PaymentLink,
)
from x8.conversations.assistant.compose import Finding, describe, finding_blocks, price_text
from x8.conversations.assistant.judge import Kind
from x8.conversations.assistant.lookup import Search, look_up
from x8.conversations.assistant.quantities import COUNT, UNITS, Wanted
from x8.conversations.assistant.question import parse
from x8.conversations.assistant.texts import t
from x8.conversations.assistant.words import digit_runs, fold, tokens

log = logging.getLogger(__name__)

DESCRIPTION_CHARS = 300  # where a row says what one unit of it is ("250 ml"), if it says so
MAX_QUANTITY = 99  # more of one item in a chat message is a slip more often than an order: asked, not ordered
# A pack stated in a row's name or description: "Balloons 10 pcs", "Беговые носки 3 пары", "pack of 6", "набор из 5".
_PACK_SIZE = re.compile(
    r"(\d+)\s*(?:pcs|pc|pieces|pairs|шт|штук|пар|пары)\b|\b(?:pack|set|box) of (\d+)|\b(?:набор|упаковка) из (\d+)"
)

Issue = Literal["how_many", "too_many", "over_stock", "out_of_stock", "per_pack", "per_unit", "no_price"]
# Issues a person may have to settle: the reply offers one.
_FOR_A_PERSON: frozenset[Issue] = frozenset({"too_many", "out_of_stock", "no_price"})


@dataclass(frozen=True)
class Line:
    """A catalogue row and how many of it."""

    row: dict[str, Any]
    quantity: int


@dataclass(frozen=True)
class Known:
    """An item already known by its row (the LLM names rows by id); its quantity counts the row as sold."""

    row: dict[str, Any]
    quantity: int


@dataclass(frozen=True)
class Unclear:
    """An item that needs a word from the customer before it can be ordered: it did not resolve to one row
    (``finding`` says what the catalogue had), or its quantity (or price) does not fit the row (``issue``)."""

    finding: Finding | None = None
    row: dict[str, Any] | None = None
    quantity: int | None = None
    issue: Issue | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of a purchase: the lines it resolved to, what is unclear, and the checkout's answer when the
    cart was ordered (``free``: it costs nothing, so it was not)."""

    lines: tuple[Line, ...]
    unclear: tuple[Unclear, ...] = ()
    result: CheckoutResult | None = None
    free: bool = False

    @property
    def currency(self) -> str | None:
        """The one currency of the lines; None when they have none or several."""
        currencies = {str(line.row.get("currency") or "").upper() for line in self.lines}
        return currencies.pop() if len(currencies) == 1 and "" not in currencies else None

    @property
    def total(self) -> Decimal | None:
        """The sum of each row's price × quantity, with the rows' decimals; None without one currency."""
        if self.currency is None:
            return None
        return sum((price_of(line.row) * line.quantity for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class SaleSummary:
    """The cart a reply quotes (for records and the evaluation): with its ``total`` when the reply states one, and
    ``url`` when it holds the payment link."""

    lines: tuple[tuple[str, str, int], ...]  # (kb_row_id, name, quantity)
    total: str | None = None  # "4350.00", as the rows' prices have it
    currency: str | None = None
    url: str | None = None


def price_of(row: dict[str, Any]) -> Decimal:
    """The row's price as a decimal; a row without one is never ordered (``no_price``)."""
    try:
        return Decimal(str(row["price"]))
    except (KeyError, InvalidOperation):
        return Decimal(0)


async def sell(
    items: Sequence[Wanted | Known],
    search: Search,
    checkout: Checkout,
    language: str,
    *,
    choosing: bool = False,
) -> Outcome:
    """Resolve ``items`` and order them if every one is clear. ``choosing``: the customer named alternatives
    ("roses or tulips"), so nothing is ordered; the reply shows what each is and asks."""
    resolved = await _resolve(items, search, language)
    if choosing:
        return Outcome((), tuple(_as_choice(r) for r in resolved))
    lines = tuple(r for r in resolved if isinstance(r, Line))
    unclear = tuple(r for r in resolved if isinstance(r, Unclear))
    if unclear:
        return Outcome(lines, unclear)
    if all(line.row.get("price") is not None and price_of(line.row) == 0 for line in lines):
        return Outcome(lines, free=True)
    result = await checkout([CartLine(str(line.row["id"]), line.quantity) for line in lines], language)
    return Outcome(lines, result=result)


def _as_choice(resolved: Line | Unclear) -> Unclear:
    """One of the alternatives named, shown as what it is (nothing about its quantity is asked yet)."""
    if isinstance(resolved, Unclear) and resolved.finding is not None:
        return resolved
    return Unclear(row=resolved.row)


async def _resolve(items: Sequence[Wanted | Known], search: Search, language: str) -> list[Line | Unclear]:
    wanted = [i for i in items if isinstance(i, Wanted)]
    if len(wanted) == len(items) and len(wanted) > 1 and all(w.quantity == 1 for w in wanted[1:]):
        # "Check-up and X-ray": one row whose name holds every word is one item, not two.
        whole = await look_up(parse(" ".join(w.text for w in wanted)), search, language)
        if whole.verdict.kind == Kind.ANSWER and whole.verdict.coverage >= 1.0:
            return [_checked(wanted[0], whole.verdict.rows[0])]
    return [await _resolve_one(item, search, language) for item in items]


async def _resolve_one(item: Wanted | Known, search: Search, language: str) -> Line | Unclear:
    if isinstance(item, Known):
        return _checked(None, item.row, item.quantity)
    if item.digits is not None and item.measured:
        # "16 кг гирю": a weight that names the item (the kettlebell of 16 kg), or, failing that, how much of it.
        named = await look_up(parse(f"{item.said} {item.text}"), search, language)
        if named.verdict.kind == Kind.ANSWER and _names(item, named.verdict.rows[0]):
            return _checked(item, named.verdict.rows[0])
    # Counted in digits, the number stays in the words judged: it picks "the bouquet of 25" when one row has 25.
    counted = item.digits is not None and not item.measured
    finding = await look_up(parse(f"{item.said} {item.text}" if counted else item.text), search, language)
    if finding.verdict.kind != Kind.ANSWER:
        return Unclear(finding=finding)
    return _checked(item, finding.verdict.rows[0])


def _names(wanted: Wanted, row: dict[str, Any]) -> bool:
    """The number said is in the row's name, and not again in the customer's words for the item: it named the
    item ("25 роз", "10 воздушных шаров", "16 кг гирю"), unlike "2 HDMI Cable 2 m"."""
    if wanted.digits is None or wanted.digits in digit_runs(wanted.text):
        return False
    return wanted.digits in digit_runs(str(row.get("name") or ""))


def _checked(wanted: Wanted | None, row: dict[str, Any], quantity: int | None = None) -> Line | Unclear:
    """The row and quantity as a line, or what is unclear about them."""
    if wanted is not None:
        quantity = 1 if _names(wanted, row) else wanted.quantity
    issue = _issue(wanted, row, quantity)
    if issue is not None:
        return Unclear(row=row, quantity=quantity, issue=issue)
    assert quantity is not None
    return Line(row, quantity)


def _issue(wanted: Wanted | None, row: dict[str, Any], quantity: int | None) -> Issue | None:
    stock = row.get("stock")
    if isinstance(stock, int) and stock <= 0:
        return "out_of_stock"
    if quantity is None or quantity < 1:
        return "how_many"
    if quantity > MAX_QUANTITY:
        return "too_many"
    if isinstance(stock, int) and quantity > stock:
        return "over_stock"
    if row.get("price") is None:
        return "no_price"
    if wanted is None or wanted.packs or _names(wanted, row):
        return None
    return _unit_issue(wanted, row, quantity)


def _unit_issue(wanted: Wanted, row: dict[str, Any], quantity: int) -> Issue | None:
    """A quantity in other units than the row is sold in: kilograms of a row sold by the piece or in 250 ml
    bottles, twenty of a pack of ten. A row that says nothing of its unit is taken as sold by the one said."""
    sold_by = _unit(str(row.get("unit") or ""))
    pack = _pack_size(row)
    if wanted.measured:
        measures = _measures(row)
        if sold_by == wanted.unit:
            return None
        if sold_by is None and (("1", wanted.unit) in measures or (not measures and pack is None)):
            return None
        return "per_unit" if sold_by else "per_pack"
    if sold_by not in (None, COUNT) and wanted.unit == COUNT:
        return "per_unit"
    if quantity > 1 and pack is not None and pack > 1:
        return "per_pack"
    return None


def _unit(text: str) -> str | None:
    words = tokens(text)
    return UNITS.get(words[0].folded) if words else None


def _pack_size(row: dict[str, Any]) -> int | None:
    """How many pieces one of the row holds, if its name or description says ("10 шт", "pack of 2")."""
    found = _PACK_SIZE.search(fold(f"{row.get('name') or ''} {str(row.get('description') or '')[:DESCRIPTION_CHARS]}"))
    return int(next(g for g in found.groups() if g)) if found else None


def _measures(row: dict[str, Any]) -> set[tuple[str, str]]:
    """The weights and volumes the row's name or description states: ("1", "kg") for "Бананы 1 кг"."""
    words = tokens(f"{row.get('name') or ''} {str(row.get('description') or '')[:DESCRIPTION_CHARS]}")
    found = set()
    for word, after in itertools.pairwise(words):
        unit = UNITS.get(after.folded)
        if word.folded.isdigit() and unit not in (None, COUNT):
            found.add((word.folded, str(unit)))
    return found


# --- the reply ---


@dataclass(frozen=True)
class SaleReply:
    text: str
    message_type: str  # TYPE2 when it holds a payment link (R-M8)
    handover: bool
    items: tuple[str, ...]  # ids of the rows presented
    related: tuple[str, ...]
    suggested: tuple[str, ...]
    summary: SaleSummary | None


def reply(outcome: Outcome, company_type: str, language: str, *, catalogue_language: str) -> SaleReply:
    """The customer's reply to ``outcome``, every amount as the rows have it."""
    if outcome.unclear:
        return _clarify(outcome, company_type, language, catalogue_language=catalogue_language)
    rows = tuple(str(line.row["id"]) for line in outcome.lines)
    service = company_type == "Service"
    if outcome.free:
        text = (
            f"{free_lines(outcome, language)}\n\n{t(language, 'sale_free_service' if service else 'sale_free_product')}"
        )
        return SaleReply(text, "TYPE1", True, rows, (), (), summary(outcome))
    result = outcome.result
    if isinstance(result, CartRefused):
        text, person = refusal(result, outcome, language)
        blocks = [text, t(language, "handover_offer")] if person else [text]
        return SaleReply("\n\n".join(blocks), "TYPE1", False, rows, (), (), None)
    order = _order_lines(outcome, language, result)
    quoted = summary(outcome)
    if isinstance(result, PaymentLink):
        pay = [t(language, "sale_pay", url=result.url)]
        if result.sandbox:
            pay.append(t(language, "sale_sandbox"))
        after = t(language, "sale_after_service" if service else "sale_after_product")
        return SaleReply("\n\n".join([order, "\n".join(pay), after]), "TYPE2", False, rows, (), (), quoted)
    if isinstance(result, LinkLater):
        return SaleReply(f"{order}\n\n{t(language, 'sale_wait')}", "TYPE1", False, rows, (), (), quoted)
    assert isinstance(result, NotPayable)
    return SaleReply(f"{order}\n\n{t(language, 'sale_unavailable')}", "TYPE1", True, rows, (), (), quoted)


def free_lines(outcome: Outcome, language: str) -> str:
    """The free items asked for, one per line."""
    return "\n".join(_line(line, language) for line in outcome.lines)


def total_text(outcome: Outcome, result: CheckoutResult | None) -> str | None:
    """The total to quote: the rows' sum; the payments side's, should a price have changed in between."""
    total, currency = outcome.total, outcome.currency
    if total is None or currency is None:
        return None
    if isinstance(result, PaymentLink) and (result.amount != total or result.currency.upper() != currency):
        log.warning("the order's amount %s %s is not the rows' %s %s", result.amount, result.currency, total, currency)
        return f"{result.amount} {result.currency}"
    return f"{total} {currency}"


def _order_lines(outcome: Outcome, language: str, result: CheckoutResult | None) -> str:
    lines = [t(language, "sale_intro"), *(_line(line, language) for line in outcome.lines)]
    total = total_text(outcome, result)
    if total is not None:
        lines.append(t(language, "sale_total", total=total))
    return "\n".join(lines)


def _line(line: Line, language: str) -> str:
    return t(language, "sale_line", name=line.row["name"], price=price_text(line.row, language), quantity=line.quantity)


def summary(outcome: Outcome, *, with_total: bool = True) -> SaleSummary | None:
    """The cart a reply quotes, with the total it states (``with_total``); None when it quotes no cart."""
    if not outcome.lines:
        return None
    result = outcome.result
    total = total_text(outcome, result) if with_total else None
    amount, currency = total.split(" ", 1) if total else (None, None)
    return SaleSummary(
        lines=tuple((str(line.row["id"]), str(line.row["name"]), line.quantity) for line in outcome.lines),
        total=amount,
        currency=currency,
        url=result.url if isinstance(result, PaymentLink) else None,
    )


def _clarify(outcome: Outcome, company_type: str, language: str, *, catalogue_language: str) -> SaleReply:
    """What must be settled before anything is ordered: items not found (or not only one), quantities that do not
    fit. The rest of the cart is shown, so the customer sees it was understood."""
    findings = [u.finding for u in outcome.unclear if u.finding is not None]
    found = finding_blocks(findings, company_type, language, catalogue_language=catalogue_language)
    blocks = list(found.blocks)
    presented = list(found.items)
    for unclear in outcome.unclear:
        if unclear.row is None:
            continue
        presented.append(unclear.row)
        blocks.append(_issue_text(unclear, language))
    if outcome.lines:
        presented += [line.row for line in outcome.lines]
        blocks.append("\n".join([t(language, "sale_found"), *(_line(line, language) for line in outcome.lines)]))
    if findings or any(u.issue is None for u in outcome.unclear):
        blocks.append(t(language, "sale_tell_me"))
    if found.missing or any(u.issue in _FOR_A_PERSON for u in outcome.unclear):
        blocks.append(t(language, "handover_offer"))
    return SaleReply(
        "\n\n".join(blocks),
        "TYPE1",
        False,
        tuple(str(r["id"]) for r in presented),
        tuple(str(r["id"]) for r in found.related),
        tuple(str(r["id"]) for r in found.suggested),
        summary(outcome, with_total=False),
    )


def _issue_text(unclear: Unclear, language: str) -> str:
    row = unclear.row
    assert row is not None
    name, price = row["name"], price_text(row, language)
    issue = unclear.issue
    if issue is None:  # an alternative the customer named: what it is
        return describe(row, language)
    if issue == "too_many":
        return t(language, "sale_too_many", quantity=unclear.quantity, name=name, price=price)
    if issue == "over_stock":
        return t(language, "sale_over_stock", stock=row["stock"], name=name, price=price)
    if issue == "out_of_stock":
        return t(language, "sale_out_of_stock", name=name)
    if issue == "no_price":
        return t(language, "sale_no_price", name=name)
    if issue == "per_unit" and row.get("unit"):
        return t(language, "sale_per_unit", name=name, price=price, unit=row["unit"])
    if issue in ("per_unit", "per_pack"):
        return t(language, "sale_per_pack", name=name, price=price)
    return t(language, "sale_how_many", name=name, price=price)


def refusal(refused: CartRefused, outcome: Outcome, language: str) -> tuple[str, bool]:
    """The payments side's refusal as words, and whether a person should be offered."""
    row = next((line.row for line in outcome.lines if str(line.row["id"]) == refused.kb_row_id), None)
    if refused.problem == "out_of_stock" and row is not None:
        if not refused.available:
            return t(language, "sale_out_of_stock", name=row["name"]), True
        price = price_text(row, language)
        return t(language, "sale_over_stock", stock=refused.available, name=row["name"], price=price), False
    if refused.problem in ("no_price", "no_currency") and row is not None:
        return t(language, "sale_no_price", name=row["name"]), True
    if refused.problem == "mixed_currencies":
        return t(language, "sale_currencies", currencies=", ".join(refused.currencies)), False
    return t(language, "sale_not_online"), True
