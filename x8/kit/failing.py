"""The failing-provider window: one circuit breaker for every provider.

After a provider fails in a way that says it is down (a timeout, a 5xx, a refused connection), calls to it wait
until the window has passed instead of each paying the provider's timeout again. A success closes the window.
Keys say what is failing: a channel, a MongoDB URL, a Stripe account, an n8n instance. Per process: each
process learns on its own, which costs at most one failed call per process and window.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class FailureWindow(Generic[K]):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until: dict[K, float] = {}

    def failed(self, key: K) -> None:
        """The provider behind ``key`` failed: leave it alone for the window."""
        self._until[key] = time.monotonic() + self.seconds

    def succeeded(self, key: K) -> None:
        self._until.pop(key, None)

    def remaining(self, key: K | None) -> float:
        """Seconds until a call behind ``key`` is worth trying again; 0 when it is now."""
        if key is None:
            return 0.0
        until = self._until.get(key)
        if until is None:
            return 0.0
        left = until - time.monotonic()
        if left <= 0:
            self._until.pop(key, None)
            return 0.0
        return left

    def is_open(self, key: K | None) -> bool:
        return self.remaining(key) > 0
