"""Which slot a customer means (SPEC.md §11 "After payment"): "2", "№2", "завтра в 11", "Tuesday 10:00",
"8 December at 3 pm", "08.12 10:30", "сегодня вечером в 7".

Pure reading, no clock and no database: ``today`` is the company's local date, and the caller matches the pick
against the free slots. A date written with dots or slashes is day first ("08.12" is 8 December), as it is in
Russian and in most of the world; a year-first ISO date ("2026-12-08") is read as ISO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from x8.conversations.assistant.words import fold


@dataclass(frozen=True)
class Number:
    """The ``index``-th slot of the list offered (1-based)."""

    index: int


@dataclass(frozen=True)
class When:
    """A day and/or a time of day in the company's time zone (``minute``: minutes after midnight)."""

    day: date | None
    minute: int | None


Pick = Number | When

_NUMBER_ONLY = re.compile(
    r"^(?:#|№|no\.?|number|option|slot|номер|вариант|слот)?\s*(\d{1,2})\s*(?:[.)!]|-?(?:й|ой|ий|th|st|nd|rd))?$"
)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "первый": 1, "первое": 1, "первая": 1, "второй": 2, "второе": 2, "вторая": 2, "третий": 3, "третье": 3,
    "третья": 3, "четвертый": 4, "четвертое": 4, "пятый": 5, "пятое": 5, "шестой": 6,
}  # fmt: skip
_ORDINAL = re.compile(r"^(?:the\s+)?(" + "|".join(_ORDINALS) + r")(?:\s+(?:one|option|slot|вариант|слот))?$")

_WEEKDAYS = [
    ("monday", "mon", "понедельник"),
    ("tuesday", "tue", "вторник"),
    ("wednesday", "wed", "сред"),
    ("thursday", "thu", "четверг"),
    ("friday", "fri", "пятниц"),
    ("saturday", "sat", "суббот"),
    ("sunday", "sun", "воскресен"),
]
_MONTHS = [
    ("january", "jan", "январ"),
    ("february", "feb", "феврал"),
    ("march", "mar", "март"),
    ("april", "apr", "апрел"),
    ("may", "may", "ма[яй]"),
    ("june", "jun", "июн"),
    ("july", "jul", "июл"),
    ("august", "aug", "август"),
    ("september", "sep", "сентябр"),
    ("october", "oct", "октябр"),
    ("november", "nov", "ноябр"),
    ("december", "dec", "декабр"),
]
_MONTH_WORD = "|".join(f"{full}|{short}\\b|{ru}[а-я]*" for full, short, ru in _MONTHS)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\b(?![:.]\d)")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|-?го|-?е)?\s+(?:of\s+)?({_MONTH_WORD})")
_MONTH_DAY = re.compile(rf"\b({_MONTH_WORD})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_RELATIVE = [
    (re.compile(r"\b(day after tomorrow|послезавтра)\b"), 2),
    (re.compile(r"\b(tomorrow|tmrw|завтра)\b"), 1),
    (re.compile(r"\b(today|tonight|сегодня)\b"), 0),
]

_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\b\s*(am|pm|a\.m\.|p\.m\.)?")
_MERIDIEM = re.compile(r"\b(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)")
_AT_HOUR = re.compile(r"(?:\bat|\bв|\bк|\bна|\bс|\baround|\bоколо)\s+(\d{1,2})\b(?!\s*(?:[./:-]\d|%))")
_HOUR_WORD = re.compile(r"\b(\d{1,2})\s*(?:o'?clock|h\b|ч\b|час)")
_NOON = re.compile(r"\b(noon|midday|полдень|в полдень)\b")
_PART_OF_DAY = re.compile(r"(утра|morning|дня|afternoon|вечера|вечером|evening|ночи)")
_BARE_HOUR = re.compile(r"^\s*(\d{1,2})\s*$")


def read_pick(text: str, *, today: date, offered: int) -> Pick | None:
    """The customer's pick among ``offered`` numbered slots, or the day/time they name; None when neither."""
    said = fold(text).strip()
    said = re.sub(r"[!?]+$", "", said).strip()
    if (number := _NUMBER_ONLY.match(said)) is not None:
        value = int(number.group(1))
        if 1 <= value <= offered:
            return Number(value)
        if _BARE_HOUR.match(said) and 0 <= value <= 23:
            return When(None, value * 60)  # "11" with five slots offered: eleven o'clock
        return None
    if (ordinal := _ORDINAL.match(said)) is not None:
        value = _ORDINALS[ordinal.group(1)]
        return Number(value) if value <= offered else None
    day, rest = _read_day(said, today)
    minute = _read_time(rest)
    if day is None and minute is None:
        return _number_in_words(said, offered)
    return When(day, minute)


def _number_in_words(said: str, offered: int) -> Number | None:
    """A short answer holding one list number among a few words: "давайте 3", "2 please", "option 2 works"."""
    words = said.split()
    numbers = [int(w) for w in re.findall(r"\b\d{1,2}\b", said)]
    if len(words) <= 4 and len(numbers) == 1 and 1 <= numbers[0] <= offered:
        return Number(numbers[0])
    return None


def _read_day(said: str, today: date) -> tuple[date | None, str]:
    """The day named in the text and the text without it (so "08.12" is not read as a time)."""
    if (found := _ISO_DATE.search(said)) is not None:
        day = _date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        return day, _cut(said, found)
    if (found := _DAY_MONTH.search(said)) is not None:
        day = _next_date(today, _month(found.group(2)), int(found.group(1)))
        return day, _cut(said, found)
    if (found := _MONTH_DAY.search(said)) is not None:
        day = _next_date(today, _month(found.group(1)), int(found.group(2)))
        return day, _cut(said, found)
    if (found := _NUMERIC_DATE.search(said)) is not None and not _looks_like_clock(said, found):
        year = found.group(3)
        if year is None:
            day = _next_date(today, int(found.group(2)), int(found.group(1)))
        else:
            whole = int(year) + (2000 if len(year) == 2 else 0)
            day = _date(whole, int(found.group(2)), int(found.group(1)))
        return day, _cut(said, found)
    for pattern, offset in _RELATIVE:
        if (found := pattern.search(said)) is not None:
            return today + timedelta(days=offset), _cut(said, found)
    for weekday, (full, short, ru) in enumerate(_WEEKDAYS):
        found = re.search(rf"\b({full}|{short}\b|{ru}[а-я]*)", said)
        if found is not None:
            return today + timedelta(days=(weekday - today.weekday()) % 7), _cut(said, found)
    return None, said


def _looks_like_clock(said: str, found: re.Match[str]) -> bool:
    """ "10.30" is half past ten, not the 10th of a 30th month; "в 10.30" likewise."""
    day, month = int(found.group(1)), int(found.group(2))
    return found.group(3) is None and (month > 12 or day > 31 or ("." in found.group(0) and month in (0, 15, 30, 45)))


def _read_time(said: str) -> int | None:
    if _NOON.search(said):
        return 12 * 60
    part = _PART_OF_DAY.search(said)
    if (found := _CLOCK.search(said)) is not None:
        hour, minute = int(found.group(1)), int(found.group(2))
        return _minutes(_afternoon(hour, found.group(3), part), minute)
    if (found := _MERIDIEM.search(said)) is not None:
        return _minutes(_afternoon(int(found.group(1)), found.group(2), part), 0)
    for pattern in (_AT_HOUR, _HOUR_WORD):
        if (found := pattern.search(said)) is not None:
            return _minutes(_afternoon(int(found.group(1)), None, part), 0)
    return None


def _afternoon(hour: int, meridiem: str | None, part: re.Match[str] | None) -> int:
    """12-hour clock words to a 24-hour hour: "3 pm", "в 7 вечера", "в 3 дня"."""
    if meridiem is not None:
        if meridiem.startswith("p") and hour < 12:
            return hour + 12
        if meridiem.startswith("a") and hour == 12:
            return 0
        return hour
    if part is not None and hour < 12 and part.group(1) in ("дня", "afternoon", "вечера", "вечером", "evening"):
        return hour + 12
    return hour


def _minutes(hour: int, minute: int) -> int | None:
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return hour * 60 + minute
    return None


def _cut(said: str, found: re.Match[str]) -> str:
    return f"{said[: found.start()]} {said[found.end() :]}"


def _month(word: str) -> int:
    for number, (full, short, ru) in enumerate(_MONTHS, start=1):
        if re.match(rf"({full}|{short}\b|{ru})", word):
            return number
    raise ValueError(word)  # pragma: no cover: the pattern only matches month words


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_date(today: date, month: int, day: int) -> date | None:
    """The next such date from today: "5 January" said in December is next year's."""
    found = _date(today.year, month, day)
    if found is not None and found < today:
        found = _date(today.year + 1, month, day)
    return found
