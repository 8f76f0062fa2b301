"""The evaluation's checkout: no orders and no provider, a test link for any cart of priced rows in one currency,
priced from the catalogue's rows (what the payments side does, without storing anything). It keeps the carts it
was asked for, so a question that must not be ordered can be checked."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from x8.conversations.assistant.checkout import CartLine, CartRefused, CheckoutResult, PaymentLink

URL = "https://pay.example/checkout"  # no digits: a link is not a number the reply states


class PricingCheckout:
    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self._rows = rows
        self.carts: list[tuple[CartLine, ...]] = []

    async def __call__(self, lines: Sequence[CartLine], language: str, /) -> CheckoutResult:
        self.carts.append(tuple(lines))
        rows = [self._rows[line.kb_row_id] for line in lines]
        for line, row in zip(lines, rows, strict=True):
            if row.get("price") is None or not row.get("currency"):
                return CartRefused("no_price", line.kb_row_id)
        currencies = tuple(dict.fromkeys(str(row["currency"]).upper() for row in rows))
        if len(currencies) > 1:
            return CartRefused("mixed_currencies", currencies=currencies)
        amount = sum((Decimal(str(row["price"])) * line.quantity for line, row in zip(lines, rows, strict=True)))
        return PaymentLink(URL, Decimal(amount), currencies[0], sandbox=True)
