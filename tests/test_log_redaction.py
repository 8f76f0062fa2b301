"""R-R4: secrets in query strings never reach the access log."""

from __future__ import annotations

import logging

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
