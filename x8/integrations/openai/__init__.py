"""An OpenAI-compatible API (``OPENAI_BASE_URL``): chat completions with tools, and embeddings."""

from x8.integrations.openai.client import (
    OPENAI_FAILURES,
    OpenAIApi,
    OpenAIRefused,
    OpenAIUnavailable,
)

__all__ = ["OPENAI_FAILURES", "OpenAIApi", "OpenAIRefused", "OpenAIUnavailable"]
