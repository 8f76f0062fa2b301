"""Live inbox updates (SPEC.md R-M7): the dashboards watching a company hear which conversation changed
(x8.kit.notify_broker; the notice is sent by x8.conversations.events)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from x8.conversations.events import CHANNEL
from x8.kit.notify_broker import NotifyBroker


class InboxBroker(NotifyBroker):
    """A notice ``<company id>:<conversation id>`` goes to the company's streams as the conversation id."""

    channel = CHANNEL
    what = "inbox notifications"

    def route(self, payload: str) -> Iterable[tuple[uuid.UUID, str]]:
        company, _, conversation = payload.partition(":")
        return [(uuid.UUID(company), conversation)]
