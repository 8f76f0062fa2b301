"""Which assistant answers: the LLM one when ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` are set, else retrieval."""

from __future__ import annotations

from typing import Protocol

from x8.conversations.assistant.checkout import Checkout
from x8.conversations.assistant.llm import LlmAssistant
from x8.conversations.assistant.lookup import Search
from x8.conversations.assistant.retrieval import CompanyProfile, Reply, respond
from x8.conversations.assistant.scheduling import Scheduler
from x8.settings import Settings


class Assistant(Protocol):
    async def reply(
        self,
        turn: str,
        history: list[dict[str, str]],
        company: CompanyProfile,
        search: Search,
        *,
        first_reply: bool,
        checkout: Checkout | None = None,
        scheduler: Scheduler | None = None,
    ) -> Reply: ...


class RetrievalAssistant:
    async def reply(
        self,
        turn: str,
        history: list[dict[str, str]],
        company: CompanyProfile,
        search: Search,
        *,
        first_reply: bool,
        checkout: Checkout | None = None,
        scheduler: Scheduler | None = None,
    ) -> Reply:
        return await respond(
            turn, company, search, first_reply=first_reply, history=history, checkout=checkout, scheduler=scheduler
        )


def assistant_for(settings: Settings) -> Assistant:
    if settings.openai_base_url and settings.openai_api_key:
        return LlmAssistant(
            settings.openai_base_url,
            settings.openai_api_key,
            settings.llm_model,
            timeout=max(settings.provider_timeout_seconds, 20.0),
        )
    return RetrievalAssistant()
