"""Semantic embeddings for KB rows (optional; SPEC.md R-K5).

``X8_EMBEDDINGS`` picks the embedder:
- ``openai:<model>`` (or just ``<model>``): an OpenAI-compatible ``POST {OPENAI_BASE_URL}/embeddings``;
- ``local:<model>``: a sentence-transformers model, if that package is installed.
Unset means no semantic vectors; full-text and trigram search work the same either way.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from x8.integrations.openai import OpenAIApi, OpenAIRefused, OpenAIUnavailable
from x8.settings import Settings
from x8.tenancy.tables import to_vector_text


class EmbeddingsUnavailable(Exception):
    """The embedder could not be reached or answered something unusable."""


class Embedder(Protocol):
    model: str

    async def embed(self, texts: list[str]) -> list[list[float]]: ...


class OpenAIEmbedder:
    def __init__(self, base_url: str, api_key: str | None, model: str) -> None:
        self._api = OpenAIApi(base_url, api_key)
        self.model = model

    async def embed(self, texts: list[str]) -> list[list[float]]:
        try:
            return await self._api.embed(self.model, texts)
        except OpenAIUnavailable as exc:
            raise EmbeddingsUnavailable(f"the embeddings service is not answering ({exc})") from exc
        except OpenAIRefused as exc:
            raise EmbeddingsUnavailable(f"the embeddings service answered {exc.status}") from exc


class LocalEmbedder:
    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as exc:
            raise EmbeddingsUnavailable("X8_EMBEDDINGS=local:… needs the sentence-transformers package") from exc
        self.model = model
        self._model = SentenceTransformer(model)

    async def embed(self, texts: list[str]) -> list[list[float]]:
        vectors = await asyncio.to_thread(self._model.encode, texts, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]


def embedder_for(settings: Settings) -> Embedder | None:
    spec = (settings.embeddings or "").strip()
    if not spec:
        return None
    kind, _, model = spec.partition(":") if ":" in spec else ("openai", "", spec)
    if kind == "local":
        return LocalEmbedder(model)
    if not settings.openai_base_url:
        raise EmbeddingsUnavailable("X8_EMBEDDINGS needs OPENAI_BASE_URL for an OpenAI-compatible endpoint")
    return OpenAIEmbedder(settings.openai_base_url, settings.openai_api_key, model)


def item_text(row: dict[str, Any]) -> str:
    parts = [row.get("name"), row.get("category"), " ".join(row.get("tags") or []), row.get("description")]
    return ". ".join(p for p in parts if p)[:2000]


def to_pgvector(vector: list[float]) -> str:
    """pgvector's text form, as the ``Vector`` column type of ``x8.tenancy.tables`` sends it."""
    return to_vector_text(vector)
