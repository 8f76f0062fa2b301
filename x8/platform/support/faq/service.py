"""Answering a question about the platform: through n8n when ``N8N_AI_FAQ_URL`` is set (falling back to the
built-in engine when it fails), else with the built-in engine."""

from __future__ import annotations

import functools
import logging

from x8.conversations.assistant import language as languages
from x8.platform.support.faq import entries, n8n
from x8.platform.support.faq.builtin import BuiltinEngine
from x8.platform.support.schemas import FaqAnswer, FaqSource, FaqStatus
from x8.settings import Settings

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def builtin_engine() -> BuiltinEngine:
    return BuiltinEngine(entries.load())


def builtin_answer(message: str) -> FaqAnswer:
    answer = builtin_engine().answer(message)
    sources = [FaqSource(id=e.id, title=e.title) for e in answer.sources]
    return FaqAnswer(answer=answer.text, sources=sources, engine="builtin")


async def ask(settings: Settings, message: str) -> FaqAnswer:
    if settings.n8n_ai_faq_url:
        language = languages.detect(message, fallback="en")
        try:
            found = await n8n.ask(settings.n8n_ai_faq_url, message, language, seconds=settings.provider_timeout_seconds)
        except n8n.N8nFailed as failure:
            log.warning("the n8n FAQ workflow failed (%s): the built-in engine answers", failure)
        else:
            return FaqAnswer(answer=found.answer, sources=found.sources, engine="n8n")
    return builtin_answer(message)


def status(settings: Settings) -> FaqStatus:
    return FaqStatus(engine="n8n" if settings.n8n_ai_faq_url else "builtin", entries=len(entries.load()))
