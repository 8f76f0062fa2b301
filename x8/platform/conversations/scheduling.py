"""The assistant's scheduling port for one conversation's turn (``x8.conversations.assistant.scheduling``): the
booking dialogue of ``x8.platform.booking.chat``, called with no transaction open."""

from __future__ import annotations

import uuid
from typing import Any

from x8.conversations.assistant.scheduling import Offer, Scheduler
from x8.kit.db import Database
from x8.platform.booking import chat
from x8.settings import Settings


class ConversationScheduler(Scheduler):
    def __init__(self, db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        self._db, self._settings = db, settings
        self._company_id, self._conversation_id = company_id, conversation_id

    async def start(self, service_row_id: str, language: str, /) -> Offer | None:
        said = await chat.start_for_service(
            self._db, self._settings, self._company_id, self._conversation_id, uuid.UUID(service_row_id), language
        )
        return Offer(said.text, said.handover) if said is not None else None

    async def slots(self, arguments: dict[str, Any], /) -> dict[str, Any]:
        return await chat.tool_slots(self._db, self._settings, self._company_id, self._conversation_id, arguments)

    async def book(self, arguments: dict[str, Any], /) -> dict[str, Any]:
        return await chat.tool_book(self._db, self._settings, self._company_id, self._conversation_id, arguments)
