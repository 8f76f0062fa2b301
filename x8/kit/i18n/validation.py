"""Validation errors (FastAPI's 422 items) in the request's language.

Only ``msg`` changes; ``type``, ``loc``, ``input`` and ``ctx`` stay as Pydantic made them, and English keeps
Pydantic's own sentence. A translation is chosen by the error's ``type`` and filled from its ``ctx``; a
``value_error`` raised by one of our validators carries a ``Message`` and says that; the email validator's reasons
are recognised by their words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from x8.kit.i18n.languages import DEFAULT, Language
from x8.kit.i18n.message import Message, render_template

# Pydantic's error types (pydantic_core.core_schema.ErrorType, all of them: a test checks) in Russian.
RU_BY_TYPE: dict[str, str] = {
    "no_such_attribute": "Объект не имеет атрибута «{attribute}».",
    "json_invalid": "Некорректный JSON.",
    "json_type": "JSON должен быть строкой или байтами.",
    "needs_python_object": "Нужен объект Python, а не JSON.",
    "recursion_loop": "Циклическая ссылка в данных.",
    "recursion_depth_exceeded": "Слишком глубокая вложенность данных.",
    "missing": "Обязательное поле.",
    "frozen_field": "Это поле нельзя изменить.",
    "frozen_instance": "Этот объект нельзя изменить.",
    "extra_forbidden": "Такого поля нет.",
    "invalid_key": "Ключи должны быть строками.",
    "get_attribute_error": "Не удалось прочитать атрибут.",
    "model_type": "Нужен объект.",
    "model_attributes_type": "Нужен объект с полями.",
    "dataclass_type": "Нужен объект.",
    "dataclass_exact_type": "Нужен объект.",
    "named_tuple_type": "Нужен кортеж с именованными полями.",
    "default_factory_not_called": "Значение по умолчанию не вычислено из-за других ошибок.",
    "none_required": "Здесь должно быть null.",
    "greater_than": "Должно быть больше {gt}.",
    "greater_than_equal": "Должно быть не меньше {ge}.",
    "less_than": "Должно быть меньше {lt}.",
    "less_than_equal": "Должно быть не больше {le}.",
    "multiple_of": "Должно быть кратно {multiple_of}.",
    "finite_number": "Должно быть конечным числом.",
    "too_short": "Слишком мало элементов: минимум {min_length}.",
    "too_long": "Слишком много элементов: максимум {max_length}.",
    "iterable_type": "Нужен список значений.",
    "iteration_error": "Не удалось перебрать значения.",
    "string_type": "Нужна строка.",
    "string_unicode": "Строка не в кодировке Unicode.",
    "string_too_short": "Слишком коротко: минимум {min_length} {min_length:plural:символ|символа|символов}.",
    "string_too_long": "Слишком длинно: максимум {max_length} {max_length:plural:символ|символа|символов}.",
    "string_pattern_mismatch": "Значение не подходит под шаблон {pattern}.",
    "string_not_ascii": "Допустимы только латинские буквы, цифры и знаки ASCII.",
    "enum": "Допустимые значения: {expected}.",
    "dict_type": "Нужен объект.",
    "frozen_dict_type": "Нужен объект.",
    "ordered_dict_type": "Нужен объект.",
    "counter_type": "Нужен объект со счётчиками.",
    "mapping_type": "Нужен объект.",
    "list_type": "Нужен список.",
    "deque_type": "Нужен список.",
    "tuple_type": "Нужен список.",
    "set_type": "Нужен список без повторов.",
    "set_item_not_hashable": "Элементы множества должны быть простыми значениями.",
    "bool_type": "Нужно true или false.",
    "bool_parsing": "Нужно true или false.",
    "int_type": "Нужно целое число.",
    "int_parsing": "Нужно целое число.",
    "int_parsing_size": "Слишком большое число.",
    "int_from_float": "Нужно целое число, без дробной части.",
    "float_type": "Нужно число.",
    "float_parsing": "Нужно число.",
    "bytes_type": "Нужны байты.",
    "bytes_too_short": "Слишком коротко: минимум {min_length} {min_length:plural:байт|байта|байт}.",
    "bytes_too_long": "Слишком длинно: максимум {max_length} {max_length:plural:байт|байта|байт}.",
    "bytes_invalid_encoding": "Байты не в кодировке {encoding}.",
    "value_error": "Недопустимое значение.",
    "assertion_error": "Недопустимое значение.",
    "literal_error": "Допустимые значения: {expected}.",
    "missing_sentinel_error": "Значение не должно передаваться.",
    "ellipsis_error": "Недопустимое значение.",
    "date_type": "Нужна дата.",
    "date_parsing": "Нужна дата в формате ГГГГ-ММ-ДД.",
    "date_from_datetime_parsing": "Нужна дата в формате ГГГГ-ММ-ДД.",
    "date_from_datetime_inexact": "Нужна дата без времени.",
    "date_past": "Дата должна быть в прошлом.",
    "date_future": "Дата должна быть в будущем.",
    "time_type": "Нужно время.",
    "time_parsing": "Нужно время в формате ЧЧ:ММ[:СС].",
    "datetime_type": "Нужны дата и время.",
    "datetime_parsing": "Нужны дата и время в формате ISO 8601 (ГГГГ-ММ-ДДTЧЧ:ММ:СС).",
    "datetime_object_invalid": "Некорректные дата и время.",
    "datetime_from_date_parsing": "Нужны дата и время в формате ISO 8601 (ГГГГ-ММ-ДДTЧЧ:ММ:СС).",
    "datetime_past": "Должно быть в прошлом.",
    "datetime_future": "Должно быть в будущем.",
    "timezone_naive": "Время должно быть без часового пояса.",
    "timezone_aware": "Укажите у времени часовой пояс.",
    "timezone_offset": "Нужен часовой пояс со смещением {tz_expected} с.",
    "time_delta_type": "Нужна длительность.",
    "time_delta_parsing": "Нужна длительность (например, PT1H30M или 5400 секунд).",
    "frozen_set_type": "Нужен список без повторов.",
    "is_instance_of": "Недопустимое значение.",
    "is_subclass_of": "Недопустимое значение.",
    "callable_type": "Недопустимое значение.",
    "union_tag_invalid": "Неизвестный вариант {tag}; допустимые: {expected_tags}.",
    "union_tag_not_found": "Не указано поле {discriminator}, которое выбирает вариант.",
    "arguments_type": "Аргументы должны быть списком или объектом.",
    "missing_argument": "Обязательный аргумент.",
    "unexpected_keyword_argument": "Лишний аргумент.",
    "missing_keyword_only_argument": "Обязательный аргумент.",
    "unexpected_positional_argument": "Лишний аргумент.",
    "missing_positional_only_argument": "Обязательный аргумент.",
    "multiple_argument_values": "Аргумент передан несколько раз.",
    "url_type": "Нужен веб-адрес.",
    "url_parsing": "Нужен корректный веб-адрес.",
    "url_syntax_violation": "Нужен корректный веб-адрес.",
    "url_too_long": "Слишком длинный адрес: максимум {max_length} {max_length:plural:символ|символа|символов}.",
    "url_scheme": "Адрес должен начинаться с {expected_schemes}.",
    "uuid_type": "Нужен UUID.",
    "uuid_parsing": "Нужен UUID, например 123e4567-e89b-12d3-a456-426614174000.",
    "uuid_version": "Нужен UUID версии {expected_version}.",
    "decimal_type": "Нужно число.",
    "decimal_parsing": "Нужно число, например 12.50.",
    "decimal_max_digits": "Не больше {max_digits} {max_digits:plural:цифры|цифр|цифр} всего.",
    "decimal_max_places": "Не больше {decimal_places} {decimal_places:plural:знака|знаков|знаков} после запятой.",
    "decimal_whole_digits": "Не больше {whole_digits} {whole_digits:plural:цифры|цифр|цифр} до запятой.",
    "fraction_type": "Нужна дробь.",
    "fraction_parsing": "Нужна дробь.",
    "complex_type": "Нужно комплексное число.",
    "complex_str_parsing": "Нужно комплексное число.",
}

_EMAIL = "value is not a valid email address: "
# email-validator's reasons (English only), by their words; anything else gets the general sentence.
_EMAIL_REASONS_RU: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"must have an @-sign|exactly one @-sign"), "в адресе должен быть один знак @"),
    (re.compile(r"something before the @-sign"), "перед @ ничего нет"),
    (re.compile(r"something after the @-sign"), "после @ ничего нет"),
    (
        re.compile(r"should have a period|not within a valid top-level domain"),
        "после @ должен быть домен, например example.com",
    ),
    (re.compile(r"special-use or reserved name"), "этот домен зарезервирован и не принимает почту"),
    (re.compile(r"two periods in a row"), "в адресе две точки подряд"),
    (re.compile(r"too long"), "адрес слишком длинный"),
    (
        re.compile(r"invalid character|unsafe character|not valid ASCII|Internationalized characters"),
        "в адресе недопустимые символы",
    ),
    (re.compile(r"does not (exist|accept email|send email)"), "такой домен не принимает почту"),
]


def localize_validation_errors(errors: Sequence[Mapping[str, Any]], language: Language) -> list[dict[str, Any]]:
    """Pydantic's error items with ``msg`` in ``language`` (the items are copied, never changed)."""
    if language == DEFAULT:
        # Pydantic's own English; for our validators "Value error, <the message's English>".
        return [dict(e) for e in errors]
    return [{**e, "msg": _russian(e)} for e in errors]


class _Problems(Message):
    """Pydantic's errors as one sentence, "; " between them (for a 400 that is not a 422)."""

    errors: Sequence[Mapping[str, Any]]

    def render(self, language: Language) -> str:
        return "; ".join(str(e["msg"]) for e in localize_validation_errors(self.errors, language))


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> Message:
    """One ``Message`` for a list of Pydantic's errors: their ``msg``, translated by type as in a 422."""
    problems = _Problems("{problems}", {"problems": "; ".join(str(e["msg"]) for e in errors)})
    problems.errors = list(errors)
    return problems


def _russian(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    message = _our_message(error)
    if message is not None:
        return message.render("ru")
    if kind == "value_error" and str(error.get("msg", "")).startswith(_EMAIL):
        return _email_reason(str(ctx.get("reason", "")))
    template = RU_BY_TYPE.get(kind, RU_BY_TYPE["value_error"])
    params = {k: _russian_param(k, v) for k, v in ctx.items()}
    try:
        return render_template(template, params, "ru")
    except (KeyError, IndexError, ValueError, TypeError):
        return RU_BY_TYPE["value_error"]


def _our_message(error: Mapping[str, Any]) -> Message | None:
    """The ``Message`` one of our validators raised (``ValueError(msg(...))``), if this error is one."""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, Exception) and cause.args and isinstance(cause.args[0], Message):
        return cause.args[0]
    return None


def _russian_param(name: str, value: Any) -> Any:
    # Pydantic lists choices as "'a', 'b' or 'c'".
    if name in ("expected", "expected_tags", "expected_schemes") and isinstance(value, str):
        head, sep, last = value.rpartition(" or ")
        return f"{head} или {last}" if sep else value
    return value


def _email_reason(reason: str) -> str:
    for pattern, russian in _EMAIL_REASONS_RU:
        if pattern.search(reason):
            return f"Некорректный адрес электронной почты: {russian}."
    return "Некорректный адрес электронной почты."
