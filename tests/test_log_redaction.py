"""R-R4: secrets in query strings never reach the access log."""

from __future__ import annotations

import logging

import pytest

from x8.kit.log_redaction import RedactQueryStrings, redact_query


def test_sensitive_query_values_are_redacted() -> None:
    path = "/api/v1/oauth/google/callback?code=4/0AbCdEf&state=eyJhbGci&scope=email"
    assert redact_query(path) == "/api/v1/oauth/google/callback?code=[redacted]&state=[redacted]&scope=email"
    assert redact_query("/magic-link?token=abc") == "/magic-link?token=[redacted]"
    assert redact_query("/api/v1/companies/?limit=5") == "/api/v1/companies/?limit=5"
    assert redact_query("/plain") == "/plain"


def test_the_access_log_line_is_redacted() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/cb?code=secret-code&x=1", "1.1", 302),
        None,
    )
    assert RedactQueryStrings().filter(record)
    assert "secret-code" not in record.getMessage()
    assert "code=[redacted]&x=1" in record.getMessage()


async def test_a_logged_sql_error_does_not_carry_its_bound_values(
    app_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """R-R7: what a customer wrote must not reach the logs through a failed statement's values."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from x8.kit import log_redaction
    from x8.kit.db import Database

    log_redaction.install()
    db = Database.connect(app_url, pool_size=1)
    try:
        async with db.sessions() as session:
            try:
                said = " ".join(["my", "secret", "message"])  # not in this file's source, which a traceback shows
                await session.execute(text("SELECT CAST(:v AS integer)"), {"v": said})
            except DBAPIError:
                logging.getLogger("x8.test").exception("unhandled error")
    finally:
        await db.dispose()
    [record] = [r for r in caplog.records if r.name == "x8.test"]
    shown = logging.Formatter().format(record)
    assert "my secret message" not in shown
    assert "DBAPIError" in shown and "SELECT CAST" in shown and "test_log_redaction.py" in shown
