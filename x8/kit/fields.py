"""Field types whose OpenAPI schema says exactly what the server accepts (SPEC.md R-R5).

A client (or schemathesis) that sends what the schema allows must not be refused, and what the schema refuses the
server refuses too. So a rule that lives in a validator is also written into the schema, in the same terms:

- ``Choice``: a string from a fixed set, published as a named enum component (time zones, selectable channels),
  refused with a sentence that says what to send instead.
- ``Annotated[str, Field(min_length=…, max_length=…, json_schema_extra=NOT_BLANK), STRIPPED]``: text stored
  without its surrounding whitespace, which must contain something else. The limits apply to what was sent, as the
  schema's do (stripping first would let a schema-invalid 201 characters through as 200). The schema's pattern
  names Python's whitespace (what ``str.strip`` removes) character by character, so it means the same in
  ECMA-262 and Python's ``re``; the server checks it with ``str.strip`` and says so in words.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from x8.kit.i18n import Message, msg


class Choice:
    """``Annotated[str, Choice(...)]``: one of ``values``; the schema is the enum component ``name``."""

    def __init__(
        self, name: str, values: Iterable[str], problem: Callable[[str], Message], description: str = ""
    ) -> None:
        self.name = name
        self.values = sorted(values)
        self._allowed = frozenset(self.values)
        self._problem = problem
        self.description = description

    def _check(self, value: Any) -> Any:
        if value not in self._allowed:
            raise ValueError(self._problem(str(value)))
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # The enum goes into the referenced definition itself (metadata of the ref'd schema), so every use is a
        # ``$ref`` to one component rather than a copy of the list.
        return core_schema.no_info_after_validator_function(
            self._check, handler(source), ref=self.name, metadata={"pydantic_js_functions": [self._json_schema]}
        )

    def _json_schema(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out: JsonSchemaValue = {"type": "string", "enum": self.values, "title": self.name}
        if self.description:
            out["description"] = self.description
        return out


def _class_of(chars: Iterable[str]) -> str:
    """A regex character class body for ``chars``, as ``\\uXXXX`` ranges."""
    points = sorted(ord(c) for c in chars)
    ranges: list[tuple[int, int]] = []
    for p in points:
        if ranges and ranges[-1][1] == p - 1:
            ranges[-1] = (ranges[-1][0], p)
        else:
            ranges.append((p, p))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
# The schema of "contains a character that str.strip() keeps".
NOT_BLANK: dict[str, Any] = {"pattern": f"[^{_class_of(WHITESPACE)}]"}


def _stripped(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError(msg("Must not be blank."))
    return stripped


STRIPPED = AfterValidator(_stripped)
