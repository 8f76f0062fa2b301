"""KB columns: the fixed fields, and how a header in a user's file maps to them (SPEC.md R-K2).

Case, spaces, ``-`` and ``_`` are ignored; Russian and English synonyms are recognised. Unknown columns are
kept in ``extra``. Headers are only ever compared with these names: they never become SQL identifiers.
"""

from __future__ import annotations

import re
import unicodedata

FIELDS = (
    "sku",
    "name",
    "description",
    "price",
    "currency",
    "category",
    "unit",
    "stock",
    "website",
    "tags",
    "images",
    "duration_minutes",
    "format",
    "location",
)
REQUIRED = ("name", "description")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "article", "articlenumber", "code", "productcode", "itemcode", "артикул", "код", "кодтовара"),
    "name": (
        "name",
        "productname",
        "servicename",
        "title",
        "itemname",
        "product",
        "service",
        "item",
        "название",
        "наименование",
        "названиетовара",
        "названиеуслуги",
        "товар",
        "услуга",
        "имя",
    ),
    "description": (
        "description",
        "desc",
        "details",
        "productdescription",
        "servicedescription",
        "описание",
        "описаниетовара",
        "описаниеуслуги",
        "подробности",
    ),
    "price": ("price", "cost", "amount", "priceusd", "цена", "стоимость", "ценаруб"),
    "currency": ("currency", "cur", "валюта"),
    "category": ("category", "group", "type", "section", "категория", "группа", "раздел"),
    "unit": ("unit", "units", "uom", "единица", "ед", "едизм", "единицаизмерения"),
    "stock": ("stock", "quantity", "qty", "instock", "available", "остаток", "наличие", "количество", "колво"),
    "website": ("website", "url", "link", "productlink", "page", "сайт", "ссылка"),
    "tags": ("tags", "keywords", "labels", "теги", "метки", "ключевыеслова"),
    "images": (
        "images",
        "image",
        "photos",
        "photo",
        "imageurl",
        "imageurls",
        "picture",
        "pictures",
        "изображения",
        "изображение",
        "фото",
        "картинки",
        "картинка",
    ),
    "duration_minutes": (
        "duration",
        "durationminutes",
        "durationmin",
        "minutes",
        "length",
        "длительность",
        "продолжительность",
        "длительностьмин",
        "минуты",
    ),
    "format": ("format", "mode", "формат", "онлайноффлайн"),
    "location": ("location", "address", "place", "адрес", "место", "локация"),
}
_LOOKUP = {alias: field for field, aliases in _SYNONYMS.items() for alias in aliases}


def header_key(header: str) -> str:
    """Case, spaces, '-', '_' and punctuation do not matter; 'ё' is 'е'."""
    text = unicodedata.normalize("NFKC", header).casefold().replace("ё", "е")
    return re.sub(r"[\W_]+", "", text)


def map_headers(headers: list[str]) -> tuple[dict[int, str], dict[int, str]]:
    """Column index → known field, and column index → extra key (the original header, trimmed)."""
    known: dict[int, str] = {}
    extra: dict[int, str] = {}
    for index, header in enumerate(headers):
        field = _LOOKUP.get(header_key(header))
        if field and field not in known.values():
            known[index] = field
        elif header.strip():
            extra[index] = header.strip()[:200]
    return known, extra
