"""Amounts in minor units, the way Stripe counts them (https://docs.stripe.com/currencies#minor-units).

Most currencies have two decimals (2490.00 USD is 249000). Zero-decimal currencies (JPY, KRW, …) are counted in
whole units (1500 JPY is 1500). Three-decimal currencies (KWD, BHD, …) have three, and Stripe takes them only
rounded to a multiple of ten. ISK is zero-decimal to people but two-decimal to Stripe's API, which wants a whole
amount times 100. Catalogue prices have at most two decimals (``kb_items.price`` is ``numeric(14, 2)``); a price
with decimals in a currency that has none cannot be charged and is refused rather than rounded.
"""

from __future__ import annotations

from decimal import Decimal

ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
WHOLE_ONLY_TWO_DECIMAL = frozenset({"ISK"})
# Stripe's largest charge in most currencies is eight digits of minor units (999,999.99 USD).
MAX_AMOUNT = 99_999_999


class NotChargeable(ValueError):
    """The price cannot be expressed in the currency's minor units (1500.50 JPY)."""


def exponent(currency: str) -> int:
    """Decimals of the currency's minor unit, as Stripe's API counts them."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor(price: Decimal, currency: str) -> int:
    """``price`` (major units) in minor units; ``NotChargeable`` when the currency cannot hold it exactly."""
    code = currency.upper()
    scaled = price.scaleb(exponent(code))
    if scaled != scaled.to_integral_value():
        raise NotChargeable(f"{price} {code} has more decimals than {code} allows")
    minor = int(scaled)
    if code in WHOLE_ONLY_TWO_DECIMAL and minor % 100:
        raise NotChargeable(f"{price} {code}: Stripe takes only whole {code}")
    if code in THREE_DECIMAL and minor % 10:
        raise NotChargeable(f"{price} {code}: Stripe takes {code} amounts only to two decimals")
    return minor


def to_major(amount: int, currency: str) -> Decimal:
    """Minor units back to a decimal in major units, with the currency's decimals (249000 USD → 2490.00)."""
    places = exponent(currency)
    return Decimal(amount).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def format_major(amount: int, currency: str) -> str:
    """The API's and the CSV's form of an amount: a decimal string in major units ("2490.00", "1500", "1.250")."""
    return str(to_major(amount, currency))
