"""Nothing the server says to a person is left out of the Russian catalogue (x8/kit/i18n).

Read from the source, not from a run: every ``msg("…")`` in ``x8/`` must give a literal template that the Russian
catalogue translates with the same parameters, and no sentence may reach an error class without going through
``msg`` (mypy says the same: the error classes take a ``Message``, not a ``str``).
"""

from __future__ import annotations

import ast
import string
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pydantic_core
import pytest

from x8.kit.i18n import msg
from x8.kit.i18n.message import template_fields
from x8.kit.i18n.ru import RU
from x8.kit.i18n.validation import RU_BY_TYPE

PACKAGE = Path(__file__).resolve().parents[2] / "x8"
FORMS = {"en": 2, "ru": 3}  # one|other, one|few|many


@dataclass(frozen=True)
class Call:
    where: str
    node: ast.Call


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield str(path.relative_to(PACKAGE.parent)), ast.parse(path.read_text(), filename=str(path))


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _calls(name: str | set[str]) -> list[Call]:
    names = {name} if isinstance(name, str) else name
    return [
        Call(f"{where}:{node.lineno}", node)
        for where, module in _modules()
        for node in ast.walk(module)
        if isinstance(node, ast.Call) and _name(node) in names
    ]


def _templates() -> dict[str, str]:
    """Every template given to ``msg`` in x8/, and where it is first used."""
    found: dict[str, str] = {}
    for call in _calls("msg"):
        first = call.node.args[0] if call.node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.setdefault(first.value, call.where)
    return found


def _plural_forms(template: str) -> list[tuple[str, int]]:
    return [
        (name, len(spec.split(":", 1)[1].split("|")))
        for _, name, spec, _ in string.Formatter().parse(template)
        if name and spec and spec.startswith("plural:")
    ]


def test_msg_is_only_given_literal_templates_and_the_parameters_they_name() -> None:
    wrong = []
    for call in _calls("msg"):
        node = call.node
        first = node.args[0] if node.args else None
        if len(node.args) != 1 or not isinstance(first, ast.Constant) or not isinstance(first.value, str):
            wrong.append(f"{call.where}: msg() needs one literal template (no f-string, no variable)")
            continue
        given = {k.arg for k in node.keywords}
        if None in given:
            wrong.append(f"{call.where}: msg(**…) hides which parameters are given")
        elif given != template_fields(first.value):
            wrong.append(
                f"{call.where}: parameters {sorted(given)} but the template uses {sorted(template_fields(first.value))}"
            )
    assert not wrong, "\n".join(wrong)


def test_every_message_has_a_russian_translation_with_the_same_parameters() -> None:
    templates = _templates()
    assert len(templates) > 150  # the walk found the messages (a broken walk must not pass)
    missing = [f"{where}: {template!r}" for template, where in templates.items() if template not in RU]
    assert not missing, "No Russian for:\n" + "\n".join(missing)
    different = [
        f"{where}: {template!r}"
        for template, where in templates.items()
        if template_fields(RU[template]) != template_fields(template)
    ]
    assert not different, "The Russian names other parameters:\n" + "\n".join(different)


def test_plural_forms_are_complete_in_both_languages() -> None:
    wrong = [
        f"{language} {name}: {count} forms in {text!r}"
        for template in _templates()
        for language, text in (("en", template), ("ru", RU.get(template, "")))
        for name, count in _plural_forms(text)
        if count != FORMS[language]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_keeps_nothing_that_is_no_longer_said() -> None:
    stale = sorted(set(RU) - set(_templates()))
    assert not stale, "Russian for messages x8/ no longer has:\n" + "\n".join(map(repr, stale))


def test_every_message_renders_in_both_languages() -> None:
    for template in _templates():
        specs = {name: spec for _, name, spec, _ in string.Formatter().parse(template) if name}
        params = {name: ["A", "B"] if spec == "or" else 3 for name, spec in specs.items()}
        message = msg(template, **params)  # type: ignore[arg-type]
        assert message.render("en") == str(message)
        assert message.render("ru").strip()


def _user_facing_classes() -> set[str]:
    """X8Error, UserFacingError and HTTPException, and every class in x8/ that derives from one of them."""
    names = {"X8Error", "UserFacingError", "HTTPException"}
    classes = [node for _, module in _modules() for node in ast.walk(module) if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        before = len(names)
        names |= {c.name for c in classes if any(isinstance(b, ast.Name) and b.id in names for b in c.bases)}
        grew = len(names) > before
    return names


def _is_plain_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_plain_text(node.left) or _is_plain_text(node.right)
    return isinstance(node, ast.Call) and _name(node) in ("str", "format", "join")


def test_no_error_a_person_reads_is_given_plain_text() -> None:
    classes = _user_facing_classes()
    assert {"BadRequest", "RateLimited", "ProviderError", "UnreadableFile", "OAuthFailed"} <= classes
    plain = [
        f"{call.where}: {_name(call.node)}({ast.unparse(call.node.args[0])[:80]})"
        for call in _calls(classes)
        if call.node.args
        and _is_plain_text(call.node.args[0])
        # Starlette's own exceptions built from a status code alone are answered by x8.kit.errors in words.
        and not (isinstance(call.node.args[0], ast.Constant) and isinstance(call.node.args[0].value, int))
    ]
    assert not plain, "Wrap these in msg():\n" + "\n".join(plain)


def test_every_pydantic_error_type_has_russian() -> None:
    types = set(typing.get_args(pydantic_core.core_schema.ErrorType))
    assert len(types) > 100
    assert not sorted(types - set(RU_BY_TYPE)), "Pydantic error types without Russian"


def _pydantic_template(error_type: str) -> str:
    """Pydantic's English template for a type, asking for its required context one key at a time."""
    context: dict[str, object] = {}
    for _ in range(10):
        try:
            return str(pydantic_core.PydanticKnownError(error_type, context).message_template)  # type: ignore[arg-type]
        except TypeError as exc:  # "StringTooShort: 'min_length' required in context", or of the wrong type
            key = str(exc).split("'")[1]
            context[key] = "x" if key in context else 1
    raise AssertionError(error_type)


@pytest.mark.parametrize("error_type", sorted(RU_BY_TYPE))
def test_pydantic_translations_use_only_what_pydantic_gives(error_type: str) -> None:
    assert template_fields(RU_BY_TYPE[error_type]) <= template_fields(_pydantic_template(error_type))
