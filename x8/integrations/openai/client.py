"""The OpenAI-compatible HTTP API, as the assistant and the embedder use it.

Plain HTTP on the shared client rather than the ``openai`` SDK: the platform talks to any OpenAI-compatible server
(vLLM, Ollama, LiteLLM, Azure-style gateways), needs two endpoints, and must not pull a large SDK's retry policy into
a turn that has its own fallback (the retrieval responder answers when the LLM cannot).
"""

from __future__ import annotations

from typing import Any

import httpx

from x8.kit import http as provider_http
from x8.kit.failing import FailureWindow

# Keyed by base URL. A refusal (a wrong key, an unknown model) does not open it: the server is up, and the caller
# decides what a refusal means.
OPENAI_FAILURES: FailureWindow[str] = FailureWindow(seconds=30.0)


class OpenAIUnavailable(Exception):
    """Not reachable, timed out, overloaded (429, 5xx), or answered something unreadable: try again later."""


class OpenAIRefused(Exception):
    """The server answered, and said no (401 wrong key, 404 unknown model, 400 a request it will not take)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class OpenAIApi:
    def __init__(self, base_url: str, api_key: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    async def _post(self, path: str, body: dict[str, Any], *, timeout_seconds: float) -> dict[str, Any]:
        left = OPENAI_FAILURES.remaining(self.base_url)
        if left > 0:
            raise OpenAIUnavailable(f"failed moments ago; not retried for another {left:.0f} s")
        try:
            response = await provider_http.client().post(
                f"{self.base_url}{path}",
                json=body,
                headers=self._headers,
                timeout=provider_http.timeout(timeout_seconds),
            )
        except httpx.HTTPError as exc:
            OPENAI_FAILURES.failed(self.base_url)
            raise OpenAIUnavailable(type(exc).__name__) from exc
        if response.status_code == 429 or response.status_code >= 500:
            OPENAI_FAILURES.failed(self.base_url)
            raise OpenAIUnavailable(f"HTTP {response.status_code}")
        OPENAI_FAILURES.succeeded(self.base_url)
        if response.status_code != 200:
            raise OpenAIRefused(f"HTTP {response.status_code}", response.status_code)
        try:
            data = response.json()
        except ValueError as exc:
            raise OpenAIUnavailable("an answer that is not JSON") from exc
        if not isinstance(data, dict):
            raise OpenAIUnavailable("an unexpected response shape")
        return data

    async def chat(
        self, model: str, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]], timeout_seconds: float
    ) -> dict[str, Any]:
        """The assistant message of one chat completion (``content`` and/or ``tool_calls``)."""
        body = {"model": model, "messages": messages, "tools": tools, "temperature": 0.2}
        data = await self._post("/chat/completions", body, timeout_seconds=timeout_seconds)
        try:
            message = data["choices"][0]["message"]
        except (KeyError, IndexError, TypeError) as exc:
            raise OpenAIUnavailable("an unexpected response shape") from exc
        if not isinstance(message, dict):
            raise OpenAIUnavailable("an unexpected response shape")
        return message

    async def embed(self, model: str, texts: list[str], *, timeout_seconds: float = 30.0) -> list[list[float]]:
        """One vector per text, in order."""
        data = await self._post("/embeddings", {"model": model, "input": texts}, timeout_seconds=timeout_seconds)
        try:
            items = sorted(data.get("data", []), key=lambda d: d.get("index", 0))
            vectors = [[float(x) for x in d["embedding"]] for d in items]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise OpenAIUnavailable("an unexpected response shape") from exc
        if len(vectors) != len(texts):
            raise OpenAIUnavailable("the wrong number of vectors")
        return vectors
