"""The checkout port: how the assistant asks for a payment link, and what it can be told back.

The assistant never imports the payments module; the turn passes it a ``Checkout`` (``x8.conversations.ports``)
that orders the KB rows and quantities and answers with one of the results below. It is called with no
transaction open, like the KB search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol


@dataclass(frozen=True)
class CartLine:
    kb_row_id: str
    quantity: int


@dataclass(frozen=True)
class PaymentLink:
    """Send ``url``; ``amount`` is what the order costs, in major units, as the payments side priced it from the
    rows. ``sandbox``: the local test checkout, no real money."""

    url: str
    amount: Decimal
    currency: str
    sandbox: bool


@dataclass(frozen=True)
class LinkLater:
    """The payment provider is not answering: the order waits, and the platform sends its link to the customer by
    itself when it comes (or tells them, and a person, that it will not)."""


@dataclass(frozen=True)
class NotPayable:
    """This business cannot be paid online now: ``not_configured`` (no payments on this server), ``no_account``
    (no enabled payment account), ``refused`` (the provider refused this checkout)."""

    reason: Literal["not_configured", "no_account", "refused"]


RefusalReason = Literal[
    "empty",
    "too_many_lines",
    "bad_quantity",
    "unknown_item",
    "no_price",
    "no_currency",
    "bad_price",
    "free",
    "out_of_stock",
    "mixed_currencies",
    "too_large",
]


@dataclass(frozen=True)
class CartRefused:
    """The cart cannot be ordered as it is (no order was made); ``kb_row_id`` names the row at fault, if one is."""

    problem: RefusalReason
    kb_row_id: str | None = None
    available: int | None = None  # ``out_of_stock``: how many there are
    currencies: tuple[str, ...] = ()  # ``mixed_currencies``


CheckoutResult = PaymentLink | LinkLater | NotPayable | CartRefused


class Checkout(Protocol):
    """Order ``lines`` for the turn's customer, who writes in ``language``, and answer how they can pay."""

    async def __call__(self, lines: Sequence[CartLine], language: str, /) -> CheckoutResult: ...


class OncePerTurn:
    """A checkout that orders a cart at most once in a turn: the LLM calling its tool twice, or the retrieval
    responder answering after the LLM failed, get the first answer for the same cart instead of a second order."""

    def __init__(self, checkout: Checkout) -> None:
        self._checkout = checkout
        self._answers: dict[tuple[tuple[str, int], ...], CheckoutResult] = {}

    async def __call__(self, lines: Sequence[CartLine], language: str, /) -> CheckoutResult:
        key = tuple(sorted((line.kb_row_id, line.quantity) for line in lines))
        if key not in self._answers:
            self._answers[key] = await self._checkout(lines, language)
        return self._answers[key]
