"""Which plural form a number takes (CLDR's cardinal rules for the languages we speak).

A template names the forms in order (``{n:plural:attempt|attempts}``; Russian ``{n:plural:попытка|попытки|попыток}``
for one, few, many) and the rule picks one: Russian says 1, 21, 101 попытка; 2–4, 22–24 попытки; 0, 5–20, 25
попыток; a fraction takes the "few" form (1,5 попытки).
"""

from __future__ import annotations

from decimal import Decimal

from x8.kit.i18n.languages import Language


def plural_index(n: int | float | Decimal, language: Language) -> int:
    """The index of ``n``'s form among the language's forms: English one/other, Russian one/few/many."""
    if language == "ru":
        return _russian(n)
    return 0 if n == 1 else 1


def _russian(n: int | float | Decimal) -> int:
    if n != int(n):
        return 1
    whole = abs(int(n))
    last, last_two = whole % 10, whole % 100
    if last == 1 and last_two != 11:
        return 0
    if 2 <= last <= 4 and not 12 <= last_two <= 14:
        return 1
    return 2


def choose(n: int | float | Decimal, forms: list[str], language: Language) -> str:
    """The form of ``forms`` that goes with ``n``; the last one when the template gives fewer than the rule has."""
    return forms[min(plural_index(n, language), len(forms) - 1)]
