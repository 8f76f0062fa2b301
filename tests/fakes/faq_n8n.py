"""A fake n8n FAQ workflow (``N8N_AI_FAQ_URL``): a production webhook whose "Respond to Webhook" node answers
``{"answer", "sources"}``. Tests script it: ``mode`` is ``"answer"`` (the default), ``"error"`` (n8n's 500 when the
workflow fails), ``"hang"`` (no answer for ``hang_seconds``) or ``"garbage"`` (an HTML page); ``calls`` records the
bodies received."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

WEBHOOK_PATH = "/webhook/x8-ai-faq"


@dataclass
class FaqWorkflow:
    mode: str = "answer"
    hang_seconds: float = 5.0
    calls: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post(WEBHOOK_PATH)
        async def webhook(request: Request) -> Response:
            body = await request.json()
            self.calls.append(body)
            if self.mode == "error":
                return JSONResponse({"message": "Error in workflow"}, status_code=500)
            if self.mode == "hang":
                await asyncio.sleep(self.hang_seconds)
            if self.mode == "garbage":
                return HTMLResponse("<html><body>n8n is starting up. Please wait</body></html>")
            return JSONResponse(
                {
                    "answer": f"n8n says: {body['message']} ({body['language']})",
                    "sources": [{"id": "n8n-kb-1", "title": "From the n8n knowledge base"}],
                }
            )

        return app
