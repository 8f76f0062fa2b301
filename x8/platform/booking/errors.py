"""The errors booking adds to the house's (``x8.kit.errors``)."""

from __future__ import annotations

from x8.kit.errors import Conflict, X8Error


class SlotTaken(Conflict):
    """The slot has no capacity left (SPEC.md §11: ``409 {"error": "SlotTaken"}``)."""

    error_type = "SlotTaken"


class Unprocessable(X8Error):
    """A well-formed request asking for something booking cannot do (a range too long, a slot off the grid)."""

    status_code = 422
    error_type = "Unprocessable"
