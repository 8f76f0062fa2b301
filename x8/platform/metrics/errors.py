"""The error the metrics add to the house's (``x8.kit.errors``)."""

from __future__ import annotations

from x8.kit.errors import X8Error


class BadRange(X8Error):
    """A range the overview does not answer: it ends before it starts, or is longer than its granularity allows."""

    status_code = 422
    error_type = "Unprocessable"
