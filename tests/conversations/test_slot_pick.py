"""Reading a customer's pick of a slot (x8.conversations.assistant.slot_pick): numbers, days and times in English
and Russian, relative to the company's local date; anything else is not a pick."""

from __future__ import annotations

from datetime import date

import pytest

from x8.conversations.assistant.slot_pick import Number, When, read_pick

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("said", "pick"),
    [
        ("2", Number(2)),
        ("№3", Number(3)),
        ("#1", Number(1)),
        ("5.", Number(5)),
        ("second", Number(2)),
        ("the third one", Number(3)),
        ("второй", Number(2)),
        ("давайте 3", Number(3)),
        ("2 please", Number(2)),
        ("вариант 4", Number(4)),
        ("11", When(None, 11 * 60)),  # not one of five numbers: an hour
        ("завтра в 11", When(date(2026, 12, 8), 11 * 60)),
        ("Tuesday 10:00", When(date(2026, 12, 8), 10 * 60)),
        ("во вторник в 10:30", When(date(2026, 12, 8), 10 * 60 + 30)),
        ("в среду в 14:00", When(date(2026, 12, 9), 14 * 60)),
        ("8 December at 3 pm", When(date(2026, 12, 8), 15 * 60)),
        ("December 10", When(date(2026, 12, 10), None)),
        ("10 декабря в 9", When(date(2026, 12, 10), 9 * 60)),
        ("08.12 10:30", When(date(2026, 12, 8), 10 * 60 + 30)),
        ("12/12", When(date(2026, 12, 12), None)),
        ("2026-12-09 09:00", When(date(2026, 12, 9), 9 * 60)),
        ("5 January", When(date(2027, 1, 5), None)),  # said in December: next year's
        ("сегодня в 10.30", When(MONDAY, 10 * 60 + 30)),
        ("today", When(MONDAY, None)),
        ("послезавтра", When(date(2026, 12, 9), None)),
        ("в 7 вечера", When(None, 19 * 60)),
        ("в 3 дня", When(None, 15 * 60)),
        ("at noon", When(None, 12 * 60)),
        ("tomorrow 3pm", When(date(2026, 12, 8), 15 * 60)),
        ("9:30", When(None, 9 * 60 + 30)),
    ],
)
def test_a_pick_is_read(said: str, pick: Number | When) -> None:
    assert read_pick(said, today=MONDAY, offered=5) == pick


@pytest.mark.parametrize(
    "said",
    ["hello", "Москва", "I have 3 kids and 2 dogs", "7", "31.02", "25:00", "", "what do you have?", "99"],
)
def test_what_is_not_a_pick_is_none_or_an_honest_time(said: str) -> None:
    pick = read_pick(said, today=MONDAY, offered=5)
    if said == "7":
        assert pick == When(None, 7 * 60)  # an hour: matched against the free slots, never guessed into a number
    else:
        assert pick is None


def test_a_number_beyond_the_list_is_not_a_pick_of_it() -> None:
    assert read_pick("second", today=MONDAY, offered=1) is None
    assert read_pick("3", today=MONDAY, offered=2) == When(None, 3 * 60)
