"""A fake of Cloudinary's Upload API and Admin API, from PROVIDERS.md §9.

Upload: ``POST /v1_1/<cloud>/<resource_type>/upload``, multipart with ``api_key``, ``timestamp`` and
``signature`` = SHA-1 of the sorted ``k=v`` params (all but file, cloud_name, resource_type, api_key and the
signature itself) joined with ``&``, plus the secret. Admin API: Basic auth with key and secret, ``GET``/``DELETE``
``/v1_1/<cloud>/resources/<resource_type>/upload``.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

EXCLUDED = {"file", "cloud_name", "resource_type", "api_key", "signature", "signature_algorithm"}


@dataclass
class FakeCloudinary:
    cloud: str = "x8-test"
    api_key: str = "111111111111111"
    api_secret: str = "fake-cloudinary-secret"
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)
    rejected: list[str] = field(default_factory=list)
    down: bool = False
    during_request: Callable[[], None] | None = None  # called while a request is being answered (tests probe)

    def signature(self, params: dict[str, str]) -> str:
        # Signature version 2: "&" inside a value is percent-encoded so it cannot smuggle a parameter.
        pairs = sorted(f"{k}={v}".replace("&", "%26") for k, v in params.items() if k not in EXCLUDED and v != "")
        payload = "&".join(pairs)
        return hashlib.sha1((payload + self.api_secret).encode()).hexdigest()


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": {"message": message}}, status_code=status)


def cloudinary_app(state: FakeCloudinary) -> FastAPI:
    app = FastAPI()

    def basic_ok(request: Request) -> bool:
        expected = base64.b64encode(f"{state.api_key}:{state.api_secret}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    @app.post("/v1_1/{cloud}/{resource_type}/upload")
    async def upload(cloud: str, resource_type: str, request: Request) -> Any:
        if state.during_request is not None:
            state.during_request()
        if state.down:
            return _error("Service unavailable", 503)
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        upload_file = form.get("file")
        if cloud != state.cloud:
            return _error("Invalid cloud_name", 401)
        if params.get("api_key") != state.api_key:
            state.rejected.append("api_key")
            return _error("Unknown API key", 401)
        if abs(time.time() - int(params.get("timestamp", "0"))) > 3600:
            state.rejected.append("timestamp")
            return _error("Stale request", 400)
        if params.get("signature") != state.signature(params):
            state.rejected.append("signature")
            return _error("Invalid Signature", 401)
        if upload_file is None or isinstance(upload_file, str):
            return _error("Missing required parameter - file", 400)
        data = await upload_file.read()
        public_id = f"{params['folder']}/{params['public_id']}" if params.get("folder") else params["public_id"]
        if public_id in state.resources:
            return _error("Resource already exists", 400)
        resource = {
            "public_id": public_id,
            "resource_type": resource_type,
            "type": "upload",
            "bytes": len(data),
            "format": "mp4" if resource_type == "video" else "png",
            "version": int(time.time()),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "secure_url": f"https://res.cloudinary.com/{cloud}/{resource_type}/upload/{public_id}",
        }
        state.resources[public_id] = resource
        parts = public_id.split("/")[:-1]
        state.folders |= {"/".join(parts[:n]) for n in range(1, len(parts) + 1)}
        return resource

    @app.get("/v1_1/{cloud}/resources/{resource_type}/upload")
    async def list_resources(cloud: str, resource_type: str, request: Request) -> Any:
        if state.down:
            return _error("Service unavailable", 503)
        if not basic_ok(request):
            return _error("Invalid credentials", 401)
        prefix = request.query_params.get("prefix", "")
        found = [
            r
            for r in state.resources.values()
            if r["resource_type"] == resource_type and r["public_id"].startswith(prefix)
        ]
        return {"resources": found}

    @app.delete("/v1_1/{cloud}/resources/{resource_type}/upload")
    async def delete_resources(cloud: str, resource_type: str, request: Request) -> Any:
        if state.during_request is not None:
            state.during_request()
        if not basic_ok(request):
            return _error("Invalid credentials", 401)
        body = await request.json() if await request.body() else {}
        ids = body.get("public_ids") or request.query_params.getlist("public_ids[]")
        deleted = {}
        for public_id in ids:
            resource = state.resources.get(public_id)
            if resource and resource["resource_type"] == resource_type:
                del state.resources[public_id]
                deleted[public_id] = "deleted"
            else:
                deleted[public_id] = "not_found"
        return {"deleted": deleted}

    @app.delete("/v1_1/{cloud}/folders/{path:path}")
    async def delete_folder(cloud: str, path: str, request: Request) -> Any:
        """Cloudinary deletes only an empty folder, and answers 404 for one it does not have."""
        if state.down:
            return _error("Service unavailable", 503)
        if not basic_ok(request):
            return _error("Invalid credentials", 401)
        path = path.strip("/")
        if any(public_id.startswith(f"{path}/") for public_id in state.resources):
            return _error("Folder is not empty", 400)
        if path not in state.folders:
            return _error(f"Can't find folder with path {path}", 404)
        state.folders = {f for f in state.folders if f != path and not f.startswith(f"{path}/")}
        return {"deleted": [path]}

    return app
