"""Turning one row of a file into a KB item, or into row errors (SPEC.md R-K2, R-K3).

Values are typed here (price as a decimal with ``,`` or ``.``, stock and duration as integers, URLs
checked). Cells that look like formulas (``=…``) are kept as the text they are; exports escape them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from x8.kit.i18n import Message, UserFacingError, msg

LIMITS = {"sku": 100, "name": 500, "description": 10_000, "category": 200, "unit": 50, "website": 2048, "location": 500}
EXTRA_VALUE_LIMIT = 2000
MAX_TAGS = 50
MAX_IMAGES = 20
MAX_PRICE = Decimal("999999999999.99")
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "₽": "RUB", "£": "GBP", "₸": "KZT", "₴": "UAH", "руб": "RUB", "р": "RUB"}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_FORMATS = {
    "online": "online",
    "онлайн": "online",
    "offline": "offline",
    "офлайн": "offline",
    "оффлайн": "offline",
    "in person": "offline",
    "очно": "offline",
}


@dataclass
class RowError:
    row: int
    column: str
    message: Message


class InvalidValue(UserFacingError, ValueError):
    """A cell's value cannot be typed; the message is a sentence about it."""


_MISSING = {"name": msg("The name is missing."), "description": msg("The description is missing.")}


@dataclass
class KbItem:
    name: str
    description: str
    sku: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    category: str | None = None
    unit: str | None = None
    stock: int | None = None
    website: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    duration_minutes: int | None = None
    format: str | None = None
    location: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


_SYMBOLS_LONGEST_FIRST = sorted(_CURRENCY_SYMBOLS.items(), key=lambda kv: -len(kv[0]))
_PLAIN_NUMBER = re.compile(r"\d{1,12}(\.\d{1,2})?")
_CENT = Decimal("0.01")


def parse_price(raw: str) -> tuple[Decimal, str | None]:
    """'1 234,50 ₽' → (1234.50, 'RUB'). Raises InvalidValue saying why not."""
    if _PLAIN_NUMBER.fullmatch(raw):  # the common case, "12.50"
        return Decimal(raw).quantize(_CENT), None
    text = raw.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    currency = None
    for symbol, code in _SYMBOLS_LONGEST_FIRST:
        if text.lower().endswith(symbol) or text.lower().startswith(symbol):
            currency = code
            text = text[len(symbol) :] if text.lower().startswith(symbol) else text[: -len(symbol)]
            break
    text = text.rstrip(".")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = f"{head.replace(',', '')}{'.' if len(tail) != 3 or not head else ''}{tail}"
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidValue(msg("The price {value!r} is not a number.", value=raw)) from exc
    if not value.is_finite() or value < 0:
        raise InvalidValue(msg("The price must be zero or more."))
    if value > MAX_PRICE:
        raise InvalidValue(msg("The price is too large."))
    return value.quantize(Decimal("0.01")), currency


def _int(raw: str, what: Message, *, positive: bool = False) -> int:
    """``what``: the unit counted, in the plural ("minutes"; in Russian the genitive, "минут")."""
    text = re.sub(r"\s*(min|mins|minutes|мин|минут[аы]?|pcs|шт)\.?$", "", raw.strip(), flags=re.IGNORECASE)
    text = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d+([.,]0+)?", text) is None:
        raise InvalidValue(msg("{value!r} is not a whole number of {what}.", value=raw, what=what))
    value = int(re.split(r"[.,]", text)[0])
    if positive and value <= 0:
        raise InvalidValue(msg("The {what} must be more than zero.", what=what))
    if value > 2_000_000_000:
        raise InvalidValue(msg("The {what} is too large.", what=what))
    return value


def _urls(raw: str) -> list[str]:
    return [u for u in re.split(r"[\s,;|]+", raw.strip()) if u]


class RowParser:
    """Parses rows of one file, remembering SKUs to refuse duplicates inside the file."""

    def __init__(self, headers: list[str], known: dict[int, str], extra: dict[int, str]) -> None:
        self.headers = headers
        self.known = known
        self.extra = extra
        self._skus: dict[str, int] = {}

    def parse(self, line: int, cells: list[str]) -> KbItem | list[RowError] | None:
        """An item, the row's errors, or None for a blank row."""
        if not any(c.strip() for c in cells):
            return None
        values: dict[str, str] = {}
        for index, fieldname in self.known.items():
            values[fieldname] = cells[index].strip() if index < len(cells) else ""
        errors: list[RowError] = []
        out: dict[str, Any] = {}

        def fail(fieldname: str, message: Message) -> None:
            column = next((self.headers[i] for i, f in self.known.items() if f == fieldname), fieldname)
            errors.append(RowError(line, column.strip() or fieldname, message))

        for fieldname in ("name", "description"):
            if not values.get(fieldname):
                fail(fieldname, _MISSING[fieldname])
        for fieldname, limit in LIMITS.items():
            value = values.get(fieldname, "")
            if len(value) > limit:
                fail(fieldname, msg("Longer than {limit} characters ({length}).", limit=limit, length=len(value)))
            elif value:
                out[fieldname] = value
        self._typed(values, out, fail)
        sku = out.get("sku")
        if sku:
            first = self._skus.get(sku.casefold())
            if first is not None:
                fail("sku", msg("Duplicate SKU {sku!r}: it is already on row {row}.", sku=sku, row=first))
            else:
                self._skus[sku.casefold()] = line
        extra = {}
        for index, key in self.extra.items():
            value = cells[index].strip() if index < len(cells) else ""
            if value:
                if len(value) > EXTRA_VALUE_LIMIT:
                    too_long = msg("Longer than {limit} characters.", limit=EXTRA_VALUE_LIMIT)
                    errors.append(RowError(line, key, too_long))
                else:
                    extra[key] = value
        if errors:
            return errors
        return KbItem(extra=extra, **out)

    @staticmethod
    def _typed(values: dict[str, str], out: dict[str, Any], fail: Any) -> None:
        if values.get("price"):
            try:
                out["price"], symbol_currency = parse_price(values["price"])
                if symbol_currency and not values.get("currency"):
                    out["currency"] = symbol_currency
            except InvalidValue as exc:
                fail("price", exc.message)
        currency = values.get("currency", "")
        if currency:
            code = _CURRENCY_SYMBOLS.get(currency.lower(), currency.upper())
            if re.fullmatch(r"[A-Z]{3}", code):
                out["currency"] = code
            else:
                fail("currency", msg("{value!r} is not a currency code such as USD or RUB.", value=currency))
        for fieldname, what, positive in (("stock", msg("items"), False), ("duration_minutes", msg("minutes"), True)):
            if values.get(fieldname):
                try:
                    out[fieldname] = _int(values[fieldname], what, positive=positive)
                except InvalidValue as exc:
                    fail(fieldname, exc.message)
        if values.get("format"):
            fmt = _FORMATS.get(values["format"].strip().casefold())
            if fmt:
                out["format"] = fmt
            else:
                fail("format", msg("The format must be online or offline."))
        if values.get("tags"):
            tags = [t.strip()[:100] for t in values["tags"].split(",") if t.strip()]
            out["tags"] = tags[:MAX_TAGS]
        if values.get("images"):
            urls = _urls(values["images"])
            bad = [u for u in urls if not _URL.match(u)]
            if bad:
                fail("images", msg("Not a web address: {value!r}.", value=bad[0][:80]))
            else:
                out["images"] = urls[:MAX_IMAGES]
        if out.get("website") and not _URL.match(out["website"]):
            fail("website", msg("The website must start with http:// or https://."))
