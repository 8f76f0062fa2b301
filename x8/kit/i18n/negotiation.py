"""The language a request asks for: ``Accept-Language`` (RFC 9110 §12.5.4), q-values honoured.

Every language range is read; the one with the highest weight that we speak wins (``ru``, ``ru-RU`` → Russian;
``en``, ``en-GB``, ``*`` → English), the earlier one on a tie. Ranges we do not speak are passed over, so
``uk, ru;q=0.8`` is answered in Russian. Nothing usable (no header, ``de``, garbage) means English: a header never
makes a request fail.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from x8.kit.i18n.languages import DEFAULT, Language

_SPOKEN: dict[str, Language] = {"en": "en", "ru": "ru", "*": DEFAULT}
# Browsers send a handful of ranges; a header of thousands is not read to its end.
_MAX_RANGES = 32


def negotiate(header: str | None) -> Language:
    best: Language = DEFAULT
    best_weight = 0.0
    for item in (header or "").split(",")[:_MAX_RANGES]:
        tag, _, params = item.partition(";")
        language = _SPOKEN.get(tag.strip().lower().replace("_", "-").split("-")[0])
        weight = _weight(params)
        if language is not None and weight > best_weight:
            best, best_weight = language, weight
    return best


def _weight(params: str) -> float:
    """The range's ``q`` (1 when absent); 0, which means "not this one", when it is malformed."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0


def language_of(connection: HTTPConnection) -> Language:
    """The language to answer this request in."""
    return negotiate(connection.headers.get("accept-language"))
