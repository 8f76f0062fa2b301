"""A small per-process cache whose entries expire after a few seconds, for hot paths that can accept slightly
stale control-plane rows (webhooks, turns). Whatever changes a row in this process forgets its entry."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(self, seconds: float, max_entries: int = 10_000) -> None:
        self.seconds = seconds
        self._max = max_entries
        self._entries: dict[K, tuple[V, float]] = {}

    async def get_or_load(
        self, key: K, load: Callable[[], Awaitable[V]], *, keep: Callable[[V], bool] | None = None
    ) -> V:
        """The cached value, or ``load()``'s, remembered unless ``keep`` says no."""
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and found[1] > now:
            return found[0]
        value = await load()
        if keep is not None and not keep(value):
            return value
        if len(self._entries) >= self._max:
            self._entries.clear()  # crude, but bounded: a full cache only costs a round of reloads
        self._entries[key] = (value, now + self.seconds)
        return value

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
