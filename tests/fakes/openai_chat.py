"""A fake OpenAI-compatible ``POST /v1/chat/completions`` with tool calls: checks the bearer key and the request
shape as the API does (model, messages, tools; a tool message must answer a tool call of the assistant message
before it), and plays a scripted model: look things up with kb_search, then answer from the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass
class FakeChat:
    api_key: str
    mode: str = "normal"  # "normal", "invent" (quotes a made-up price), "down" (HTTP 500)
    requests: list[dict[str, Any]] = field(default_factory=list)
    during_request: Callable[[], None] | None = None  # a test's probe, run while a request is being answered
    # A test's own model: given the request, the assistant message to answer with (None: the scripted model's).
    script: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None
    _calls: int = 0


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": None}}, status_code=status)


def _completion(message: dict[str, Any]) -> JSONResponse:
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return JSONResponse(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
        }
    )


def _shape_problem(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("model"), str) or not isinstance(body.get("messages"), list) or not body["messages"]:
        return "model and messages are required"
    for tool in body.get("tools") or []:
        function = tool.get("function") or {}
        if tool.get("type") != "function" or not function.get("name") or "parameters" not in function:
            return "each tool needs type 'function', a name and parameters"
    pending: set[str] = set()
    for message in body["messages"]:
        role = message.get("role")
        if role not in ("system", "user", "assistant", "tool"):
            return f"unknown role {role!r}"
        if role == "assistant":
            pending = {c["id"] for c in message.get("tool_calls") or []}
        if role == "tool" and message.get("tool_call_id") not in pending:
            return "a tool message must answer a tool call of the preceding assistant message"
    return None


def chat_app(state: FakeChat) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def complete(request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {state.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_request_error")
        body = await request.json()
        problem = _shape_problem(body)
        if problem:
            return _error(400, problem, "invalid_request_error")
        state.requests.append(body)
        if state.during_request is not None:
            state.during_request()
        if state.mode == "down":
            return _error(500, "The server had an error while processing your request.", "server_error")
        scripted = state.script(body) if state.script is not None else None
        if scripted is not None:
            return _completion(scripted)
        last = body["messages"][-1]
        russian = "(ru)" in body["messages"][0]["content"]
        if last["role"] == "user":
            if state.mode == "invent":
                return _completion({"content": "That costs 999.99 USD."})
            state._calls += 1
            text = last["content"]
            if re.search(r"person|human|человек", text, re.IGNORECASE):
                call = {"name": "handover", "arguments": json.dumps({"reason": "asked for a person"})}
            else:
                call = {"name": "kb_search", "arguments": json.dumps({"query": text})}
            return _completion(
                {"content": None, "tool_calls": [{"id": f"call_{state._calls}", "type": "function", "function": call}]}
            )
        result = json.loads(last["content"])
        if "results" in result:
            if not result["results"]:
                answer = (
                    "Не знаю, сотрудник ответит." if russian else "I don't know that; a team member will follow up."
                )
            else:
                top = result["results"][0]
                answer = f"{top['name']} стоит {top['price']}." if russian else f"{top['name']} costs {top['price']}."
        else:
            answer = "Сотрудник скоро ответит." if russian else "A team member will reply here soon."
        return _completion({"content": answer})

    return app
