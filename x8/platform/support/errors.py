"""The errors support adds to the house's (``x8.kit.errors``)."""

from __future__ import annotations

from x8.kit.errors import Conflict


class NoManager(Conflict):
    """Setup calls are booked with the business's manager; a business without one is told so (409)."""

    error_type = "NoManager"
