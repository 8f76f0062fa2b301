"""Who handles which source's events: domains register a handler per source (channels for telegram and whatsapp,
billing for stripe, ...). A handler must be idempotent: an event is handled at least once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager

from x8.kit.jobs import WorkerContext
from x8.platform.inbox.repository import StoredEvent

Handler = Callable[[WorkerContext, StoredEvent], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
# What one batch of a channel's events shares while its handlers run: each a context manager's factory, entered
# around the batch (the conversations domain asks for a company's turns once a batch, not once a message).
BATCH_SCOPES: list[Callable[[], AbstractContextManager[None]]] = []


class NotHandledYet(Exception):
    """Raised by a handler for an event that nothing in this version acts on yet but a later one will (billing's
    Stripe events before the billing issue): the event stays unhandled with the reason, for a replay, and its job
    ends without a retry (retrying would fail the same way)."""


def handles(source: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if source in HANDLERS and HANDLERS[source] is not handler:
            raise RuntimeError(f"two handlers for {source!r} events")
        HANDLERS[source] = handler
        return handler

    return register
