"""Keep secrets out of logs (SPEC.md R-R4).

Uvicorn's access log prints each request's path with its query string. OAuth callbacks carry ``code`` and
``state`` there, and provider webhooks may carry tokens, so query values of sensitive parameters are
replaced before the line is written.

HTTP client libraries log every request's URL at INFO, and Telegram's Bot API puts the bot token in the path
(``/bot<token>/sendMessage``): their loggers are kept at WARNING, where they log no URLs.
"""

from __future__ import annotations

import logging
import re

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


def install() -> None:
    logging.getLogger("uvicorn.access").addFilter(RedactQueryStrings())
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
