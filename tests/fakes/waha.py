"""A fake WAHA server (PROVIDERS.md §2): ``X-Api-Key`` auth, sessions (list, create, update, start, restart, logout,
delete, me), the QR as a PNG, and sendText. Tests emit webhooks with ``event`` and sign them like WAHA does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass
class FakeWaha:
    api_key: str
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # HTTP statuses for the next sendText calls
    me_id: str = "79110000000@c.us"  # the logged-in account's own id (GET /api/sessions/{name}/me, events' me)
    _counter: int = 0

    def event(self, session: str, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        self._counter += 1
        return {
            "id": f"evt_{self._counter:026d}",
            "timestamp": int(time.time() * 1000),
            "event": event,
            "session": session,
            "metadata": self.sessions.get(session, {}).get("config", {}).get("metadata", {}),
            "me": {"id": self.me_id, "pushName": "Shop"},
            "payload": payload,
            "engine": "WEBJS",
        }


def sign(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


def signed(event: dict[str, Any], key: str | None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    headers = {"content-type": "application/json", "X-Webhook-Request-Id": event["id"]}
    if key:
        headers.update({"X-Webhook-Hmac": sign(key, body), "X-Webhook-Hmac-Algorithm": "sha512"})
    return body, headers


def waha_app(state: FakeWaha) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def api_key(request: Request, call_next: Any) -> Response:
        state.calls.append(f"{request.method} {request.url.path}")
        if request.headers.get("x-api-key") != state.api_key:
            return JSONResponse({"statusCode": 401, "message": "Unauthorized"}, status_code=401)
        response: Response = await call_next(request)
        return response

    def missing(name: str) -> JSONResponse:
        return JSONResponse({"statusCode": 404, "message": f"Session '{name}' does not exist"}, status_code=404)

    @app.get("/api/sessions")
    async def list_sessions() -> list[dict[str, Any]]:
        return [{"name": n, "status": s["status"], "config": s["config"]} for n, s in state.sessions.items()]

    @app.get("/api/sessions/{name}")
    async def get_session(name: str) -> Response:
        if name not in state.sessions:
            return missing(name)
        s = state.sessions[name]
        return JSONResponse({"name": name, "status": s["status"], "config": s["config"]})

    @app.get("/api/sessions/{name}/me")
    async def me(name: str) -> Response:
        if name not in state.sessions:
            return missing(name)
        if state.sessions[name]["status"] == "STOPPED":
            return JSONResponse(None)  # not logged in
        return JSONResponse({"id": state.me_id, "pushName": "Shop"})

    @app.post("/api/sessions", status_code=201)
    async def create(request: Request) -> Response:
        body = await request.json()
        name = body.get("name")
        if not name or name in state.sessions:
            return JSONResponse({"statusCode": 422, "message": "Session already exists"}, status_code=422)
        webhooks = body.get("config", {}).get("webhooks", [])
        if not all(w.get("url") and w.get("events") for w in webhooks):
            return JSONResponse({"statusCode": 400, "message": "webhooks need url and events"}, status_code=400)
        state.sessions[name] = {"status": "STOPPED", "config": body.get("config", {})}
        return JSONResponse({"name": name, "status": "STOPPED", "config": body.get("config", {})}, status_code=201)

    @app.put("/api/sessions/{name}")
    async def update(name: str, request: Request) -> Response:
        if name not in state.sessions:
            return missing(name)
        state.sessions[name]["config"] = (await request.json()).get("config", {})
        return JSONResponse({"name": name, "status": state.sessions[name]["status"]})

    @app.post("/api/sessions/{name}/{action}")
    async def act(name: str, action: str) -> Response:
        if name not in state.sessions:
            return missing(name)
        session = state.sessions[name]
        if action in ("start", "restart"):
            session["status"] = "SCAN_QR_CODE"
        elif action in ("stop", "logout"):
            session["status"] = "STOPPED"
        else:
            return JSONResponse({"statusCode": 404, "message": "Not found"}, status_code=404)
        return JSONResponse({"name": name, "status": session["status"]})

    @app.delete("/api/sessions/{name}")
    async def delete(name: str) -> Response:
        if state.sessions.pop(name, None) is None:
            return missing(name)
        return Response(status_code=200)

    @app.get("/api/{name}/auth/qr")
    async def qr(name: str, request: Request) -> Response:
        if name not in state.sessions:
            return missing(name)
        if state.sessions[name]["status"] != "SCAN_QR_CODE":
            return JSONResponse({"statusCode": 422, "message": "Session is not waiting for a QR"}, status_code=422)
        if "image/png" in request.headers.get("accept", ""):
            return Response(PNG, media_type="image/png")
        import base64

        return JSONResponse({"mimetype": "image/png", "data": base64.b64encode(PNG).decode()})

    @app.post("/api/sendText", status_code=201)
    async def send_text(request: Request) -> Response:
        body = await request.json()
        session, chat, text = body.get("session"), body.get("chatId"), body.get("text")
        if session not in state.sessions:
            return missing(str(session))
        if not chat or not text:
            return JSONResponse({"statusCode": 400, "message": "chatId and text are required"}, status_code=400)
        if state.fail_next:
            code = state.fail_next.pop(0)
            return JSONResponse({"statusCode": code, "message": "failure"}, status_code=code)
        state.sent.append({"session": session, "chatId": chat, "text": text})
        message_id = f"true_{chat}_3EB0{len(state.sent):016X}"
        return JSONResponse({"id": message_id, "fromMe": True, "to": chat, "body": text}, status_code=201)

    return app
