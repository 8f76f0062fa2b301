"""Minor units as Stripe counts them: two decimals by default, none for zero-decimal currencies, three (rounded to
tens) for the three-decimal ones; a price a currency cannot hold is refused, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from x8.platform.orders.money import NotChargeable, format_major, to_major, to_minor


@pytest.mark.parametrize(
    ("price", "currency", "minor"),
    [
        ("2490.00", "USD", 249000),
        ("3.5", "eur", 350),
        ("0.01", "RUB", 1),
        ("1500", "JPY", 1500),
        ("1500.00", "KRW", 1500),
        ("1.25", "KWD", 1250),
        ("120", "ISK", 12000),
    ],
)
def test_prices_become_minor_units(price: str, currency: str, minor: int) -> None:
    assert to_minor(Decimal(price), currency) == minor


@pytest.mark.parametrize(
    ("price", "currency"), [("1500.50", "JPY"), ("0.005", "USD"), ("1.255", "KWD"), ("99.5", "ISK")]
)
def test_prices_a_currency_cannot_hold_are_refused(price: str, currency: str) -> None:
    with pytest.raises(NotChargeable):
        to_minor(Decimal(price), currency)


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [(249000, "USD", "2490.00"), (5, "USD", "0.05"), (1500, "JPY", "1500"), (1250, "KWD", "1.250"), (0, "EUR", "0.00")],
)
def test_amounts_read_back_in_major_units(minor: int, currency: str, text: str) -> None:
    assert format_major(minor, currency) == text
    assert to_minor(to_major(minor, currency), currency) == minor
