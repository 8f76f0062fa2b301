"""A fake OpenAI-compatible ``POST /v1/embeddings``: checks the bearer key and the request shape.

Its vectors have toy semantics, enough to test semantic search: words of one concept group (phone,
smartphone, mobile…) share a dimension; other words hash into the remaining ones.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

DIMENSIONS = 64
CONCEPTS = [
    {"phone", "phones", "smartphone", "smartphones", "mobile", "cellphone", "телефон", "смартфон"},
    {"headphones", "earphones", "earbuds", "наушники"},
    {"charger", "charging", "зарядка", "зарядное"},
]


def embed_text(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for word in re.findall(r"\w+", text.casefold()):
        concept = next((i for i, group in enumerate(CONCEPTS) if word in group), None)
        index = (
            concept
            if concept is not None
            else len(CONCEPTS) + int(hashlib.sha256(word.encode()).hexdigest(), 16) % (DIMENSIONS - len(CONCEPTS))
        )
        vector[index] += 3.0 if concept is not None else 1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


@dataclass
class FakeEmbeddings:
    api_key: str = "sk-test-embeddings"
    requests: list[dict[str, Any]] = field(default_factory=list)
    down: bool = False
    # A test's hook, run (in the server's thread) while a request is being answered: a probe, or a wait that holds
    # the caller inside its embeddings call.
    during_request: Callable[[], None] | None = None


def embeddings_app(state: FakeEmbeddings) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/embeddings")
    async def embeddings(request: Request) -> Any:
        if state.down:
            return JSONResponse({"error": {"message": "overloaded", "type": "server_error"}}, status_code=503)
        if request.headers.get("authorization") != f"Bearer {state.api_key}":
            return JSONResponse(
                {
                    "error": {
                        "message": "Incorrect API key provided",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
                status_code=401,
            )
        body = await request.json()
        inputs = body.get("input")
        if (
            not isinstance(body.get("model"), str)
            or not isinstance(inputs, list)
            or not all(isinstance(i, str) for i in inputs)
        ):
            return JSONResponse(
                {"error": {"message": "invalid input", "type": "invalid_request_error"}}, status_code=400
            )
        state.requests.append(body)
        if state.during_request is not None:
            state.during_request()
        return {
            "object": "list",
            "model": body["model"],
            "data": [{"object": "embedding", "index": i, "embedding": embed_text(t)} for i, t in enumerate(inputs)],
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        }

    return app
