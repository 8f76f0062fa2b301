"""Delegating the FAQ bot to an n8n workflow (``N8N_AI_FAQ_URL``, SPEC.md R-S2).

The workflow's webhook gets ``POST {"message", "language"}`` and answers ``{"answer", "sources"?: [{"id",
"title"}]}`` (a "Respond to Webhook" node). Anything else (a timeout, an error status, another body) is a failure
the caller answers with the built-in engine instead: a person asking for help gets an answer either way.
"""

from __future__ import annotations

import logging

import httpx
from pydantic import BaseModel, Field, ValidationError

from x8.kit import http
from x8.platform.support.schemas import FaqSource

log = logging.getLogger(__name__)


class N8nAnswer(BaseModel):
    answer: str = Field(min_length=1, max_length=20_000)
    sources: list[FaqSource] = Field(default_factory=list, max_length=20)


class N8nFailed(Exception):
    pass


async def ask(url: str, message: str, language: str, *, seconds: float) -> N8nAnswer:
    try:
        response = await http.client().post(
            url, json={"message": message, "language": language}, timeout=http.timeout(seconds)
        )
    except httpx.HTTPError as exc:
        raise N8nFailed(f"{type(exc).__name__}") from exc
    if response.status_code >= 300:
        raise N8nFailed(f"HTTP {response.status_code}")
    try:
        return N8nAnswer.model_validate_json(response.content)
    except ValidationError as exc:
        raise N8nFailed(f"unexpected answer ({exc.error_count()} problems)") from exc
