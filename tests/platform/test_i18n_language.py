"""The pieces of x8/kit/i18n on their own: Accept-Language, plural forms, numbers, messages."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from x8.kit.i18n import Message, as_language, localize, msg, negotiate
from x8.kit.i18n.plural import plural_index


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("RU-ru", "ru"),
        ("ru_RU", "ru"),
        ("en-GB", "en"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("en;q=0.5, ru;q=0.9", "ru"),
        ("ru;q=0.1, en", "en"),
        ("ru;q=0", "en"),  # q=0: "not this one"
        ("de-DE", "en"),
        ("uk, ru;q=0.8", "ru"),  # a language we do not speak is passed over
        ("de, en;q=0.5, ru;q=0.6", "ru"),
        ("*", "en"),
        ("ru;q=0.5, *;q=0.9", "en"),
        ("ru, en", "ru"),  # a tie goes to the earlier one
        ("en, ru", "en"),
        ("ru;q=abc", "en"),
        ("ru;q=2", "en"),
        ("ru;q=nan", "en"),
        ("ru; Q=0.9, en;q=0.8", "ru"),
        (";;;,,,q=,=;", "en"),
        ("russian", "en"),
    ],
)
def test_accept_language(header: str | None, language: str) -> None:
    assert negotiate(header) == language


@given(st.text(max_size=300))
def test_any_header_is_english_or_russian(header: str) -> None:
    assert negotiate(header) in ("en", "ru")


def test_a_header_of_thousands_of_ranges_is_read_only_so_far() -> None:
    assert negotiate("de, " * 10_000 + "ru") == "en"
    assert negotiate("ru, " + "de, " * 10_000) == "ru"


@pytest.mark.parametrize(
    ("n", "form"),
    [
        *[(0, 2), (1, 0), (2, 1), (3, 1), (4, 1), (5, 2), (11, 2), (12, 2), (14, 2)],
        *[(21, 0), (22, 1), (25, 2), (101, 0), (111, 2), (112, 2), (122, 1), (1.5, 1)],
    ],
)
def test_russian_plural_rule(n: float, form: int) -> None:
    assert plural_index(n, "ru") == form


def test_english_plural_rule() -> None:
    assert [plural_index(n, "en") for n in (0, 1, 2, 21)] == [1, 0, 1, 1]


@pytest.mark.parametrize(
    ("left", "english", "russian"),
    [
        (1, "Wrong code. 1 attempt left.", "Неверный код. Осталась 1 попытка."),
        (4, "Wrong code. 4 attempts left.", "Неверный код. Осталось 4 попытки."),
        (5, "Wrong code. 5 attempts left.", "Неверный код. Осталось 5 попыток."),
        (21, "Wrong code. 21 attempts left.", "Неверный код. Осталась 21 попытка."),
        (12, "Wrong code. 12 attempts left.", "Неверный код. Осталось 12 попыток."),
    ],
)
def test_a_message_in_both_languages(left: int, english: str, russian: str) -> None:
    message = msg("Wrong code. {left} {left:plural:attempt|attempts} left.", left=left)
    assert message == english and str(message) == english  # a Message is its English text
    assert message.render("en") == english
    assert message.render("ru") == russian


def test_russian_numbers_use_a_decimal_comma_and_spaced_thousands() -> None:
    rows = msg("The file has more than {limit:,} rows; split it into smaller files.", limit=100_000)
    assert rows == "The file has more than 100,000 rows; split it into smaller files."
    assert rows.render("ru") == "В файле больше 100\u00a0000 строк; разделите его на файлы поменьше."
    size = msg("The file is {size:.1f} MB; the limit is {limit:.0f} MB.", size=25.04, limit=20.0)
    assert size.render("ru") == "Файл весит 25,0 МБ; предел — 20 МБ."


def test_a_message_inside_a_message_is_said_in_the_same_language() -> None:
    message = msg(
        "Too many {what}. Try again in {seconds} {seconds:plural:second|seconds}.",
        what=msg("code requests"),
        seconds=1,
    )
    assert message == "Too many code requests. Try again in 1 second."
    assert message.render("ru") == "Слишком много запросов кода. Попробуйте снова через 1 секунду."


def test_alternatives_are_joined_in_the_language() -> None:
    message = msg("This action needs the {roles:or} role.", roles=["ADMIN", "CLIENT", "MANAGER"])
    assert message == "This action needs the ADMIN, CLIENT or MANAGER role."
    assert message.render("ru") == "Для этого действия нужна роль ADMIN, CLIENT или MANAGER."
    assert msg("This action needs the {roles:or} role.", roles=["ADMIN"]) == "This action needs the ADMIN role."


def test_a_template_missing_from_the_catalogue_is_said_in_english() -> None:
    assert Message("Not in the catalogue {n}.", {"n": 2}).render("ru") == "Not in the catalogue 2."


def test_messages_survive_pickling_and_localize_walks_containers() -> None:
    message = msg("Row {row} has more than {limit:,} cells.", row=7, limit=16_384)
    copy = pickle.loads(pickle.dumps(message))
    assert isinstance(copy, Message) and copy.render("ru") == message.render("ru")
    body = {"detail": message, "errors": [{"message": msg("The name is missing.")}], "limit": 1}
    assert localize(body, "ru") == {
        "detail": "В строке 7 больше 16\u00a0384 ячеек.",
        "errors": [{"message": "Не указано название."}],
        "limit": 1,
    }


def test_a_stored_profile_language() -> None:
    assert [as_language(v) for v in ("ru", "en", "", None, "de")] == ["ru", "en", "en", "en", "en"]


def test_a_translation_that_does_not_render_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    from x8.kit.i18n import ru

    monkeypatch.setitem(ru.RU, "Row not found.", "Строка {row} не найдена.")
    assert msg("Row not found.").render("ru") == "Row not found."
