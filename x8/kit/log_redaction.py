"""Keep secrets out of logs (SPEC.md R-R4).

Uvicorn's access log prints each request's path with its query string. OAuth callbacks carry ``code`` and
``state`` there, and provider webhooks may carry tokens, so query values of sensitive parameters are
replaced before the line is written.

A database error's message carries the values it failed on (asyncpg: "invalid input for query argument $1: '<a
customer's message>'"), and a logged traceback prints every chained exception's message: such a record's exception
is rewritten to its types, its frames and the SQL, without the messages (R-R7).

HTTP client libraries log every request's URL at INFO, and Telegram's Bot API puts the bot token in the path
(``/bot<token>/sendMessage``): their loggers are kept at WARNING, where they log no URLs.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType
from typing import Any

SENSITIVE = (
    "code",
    "state",
    "token",
    "ticket",
    "access_token",
    "refresh_token",
    "key",
    "secret",
    "password",
    "signature",
)
_PARAM = re.compile(r"(?P<name>[^?&=]+)=(?P<value>[^&]*)")


def redact_query(path: str) -> str:
    base, sep, query = path.partition("?")
    if not sep:
        return path

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        return f"{name}=[redacted]" if name.lower() in SENSITIVE else match.group(0)

    return f"{base}?{_PARAM.sub(replace, query)}"


class RedactQueryStrings(logging.Filter):
    """For ``uvicorn.access``: its record args are (client, method, path, http_version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


# Loggers that print outbound request URLs at INFO and below.
URL_LOGGERS = ("httpx", "httpcore")


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_database_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith(("sqlalchemy", "asyncpg", "psycopg"))


def redacted_exception(exc_info: ExcInfo) -> str | None:
    """The exception as a log may show it, or None when it needs no redaction."""
    exc = exc_info[1]
    chain = _chain(exc)
    if not any(_is_database_error(e) for e in chain):
        return None
    lines = ["Traceback (most recent call last; database error messages hidden, they carry the values):"]
    lines += [line.rstrip("\n") for line in traceback.format_tb(exc_info[2])]
    for e in chain:
        statement = getattr(e, "statement", None)
        sqlstate = getattr(getattr(e, "orig", None), "sqlstate", None) or getattr(e, "sqlstate", None)
        name = f"{type(e).__module__}.{type(e).__qualname__}"
        lines.append(f"{name}{f' [{sqlstate}]' if sqlstate else ''}{f' in: {statement}' if statement else ''}")
    return "\n".join(lines)


def _redacting_factory(previous: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = previous(*args, **kwargs)
        if record.exc_info and record.exc_info[1] is not None:
            text = redacted_exception(record.exc_info)
            if text is not None:
                record.exc_info, record.exc_text = None, text
        return record

    factory.x8_redacting = True  # type: ignore[attr-defined]
    return factory


def install() -> None:
    previous = logging.getLogRecordFactory()
    if not getattr(previous, "x8_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(previous))
    logging.getLogger("uvicorn.access").addFilter(RedactQueryStrings())
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
