"""Messages: what the server says to a person, said in the person's language when it is sent.

``msg("Wrong code. {left} {left:plural:attempt|attempts} left.", left=4)`` is a ``Message``: its English text is
the message id (as in gettext), its parameters are named, and ``render("ru")`` looks the id up in the Russian
catalogue (``x8.kit.i18n.ru``) and fills in the same parameters. A ``Message`` *is* its English text (a ``str``), so
logs, stored errors, the CLI and tests that compare English keep working; only the places that answer a person
(the error handlers, emails, success messages) call ``render``.

Templates are ``str.format`` templates with two additions:
- ``{n:plural:one|other}`` (Russian ``{n:plural:one|few|many}``) picks the word that goes with ``n``;
- ``{names:or}`` joins a list of alternatives: "A, B or C" (Russian "A, B или C");
- in Russian, numbers use a comma for decimals and a no-break space between thousands (``{limit:,}`` → 100 000).
A parameter that is itself a ``Message`` is rendered in the same language.

Always pass ``msg`` a literal template: ``tests/platform/test_i18n_catalogue.py`` reads every call in ``x8/`` and
fails when a template has no Russian translation or its parameters do not match.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, LiteralString

from x8.kit.i18n.languages import DEFAULT, Language
from x8.kit.i18n.plural import choose
from x8.kit.i18n.ru import RU

log = logging.getLogger(__name__)

CATALOGUES: Mapping[Language, Mapping[str, str]] = {"ru": RU}

_NO_BREAK_SPACE = "\u00a0"
_OR: Mapping[Language, str] = {"en": "or", "ru": "или"}


class Message(str):
    """A sentence for a person: its English text, plus what it takes to say it in another language."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> Message:
        frozen = MappingProxyType(dict(params or {}))
        self = super().__new__(cls, render_template(template, frozen, DEFAULT))
        self.template = template
        self.params = frozen
        return self

    def render(self, language: Language) -> str:
        """This message in ``language``; English when the catalogue has no translation of it, or one that does not
        render (the catalogue's tests forbid both; an answer must never become a 500 over a translation)."""
        english = str.__str__(self)
        if language == DEFAULT:
            return english
        try:
            return render_template(CATALOGUES[language].get(self.template, self.template), self.params, language)
        except (KeyError, IndexError, ValueError, TypeError):
            log.exception("the %s translation of %r does not render", language, self.template)
            return english

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, dict(self.params)))


class UserFacingError(Exception):
    """An error whose ``message`` is written for the person who will read it (an endpoint passes it on)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def msg(template: LiteralString, /, **params: object) -> Message:
    """The one way to write a sentence a person will read (see the module's doc)."""
    return Message(template, params)


def localize(value: Any, language: Language) -> Any:
    """``value`` with every ``Message`` inside it (in dicts, lists and tuples) rendered in ``language``."""
    if isinstance(value, Message):
        return value.render(language)
    if isinstance(value, dict):
        return {k: localize(v, language) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localize(v, language) for v in value]
    return value


def template_fields(template: str) -> set[str]:
    """The parameter names a template uses (``{left}`` and ``{left:plural:…}`` are both ``left``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def render_template(template: str, params: Mapping[str, object], language: Language) -> str:
    """Fill ``template`` (already in ``language``) with ``params``, the plural and number rules included."""
    return _FORMATTERS[language].vformat(template, (), params)


class _Formatter(string.Formatter):
    def __init__(self, language: Language) -> None:
        self.language = language

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if isinstance(value, Message):
            value = value.render(self.language)
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        kind, _, forms = format_spec.partition(":")
        if kind == "plural":
            return choose(value, forms.split("|"), self.language)
        if kind == "or":
            items = [str(self.convert_field(v, None)) for v in value]
            if len(items) < 2:
                return "".join(items)
            return f"{', '.join(items[:-1])} {_OR[self.language]} {items[-1]}"
        text = str(super().format_field(value, format_spec))
        if self.language == "ru" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            text = text.replace(",", _NO_BREAK_SPACE).replace(".", ",")
        return text


_FORMATTERS: Mapping[Language, _Formatter] = {"en": _Formatter("en"), "ru": _Formatter("ru")}
