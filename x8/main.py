"""The ASGI application: API under /api/v1, docs at /docs, the dashboard at /."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from x8.conversations import mongo_history
from x8.kit import http as provider_http
from x8.kit import jobs, openapi
from x8.kit.body_guard import BodyGuard, Limits
from x8.kit.db import Database
from x8.kit.errors import install_error_handlers
from x8.kit.jobs import open_queue
from x8.n8n_bridge.api import router as n8n_api_router
from x8.n8n_bridge.conversation_api import router as n8n_conversation_router
from x8.n8n_bridge.engine_api import router as n8n_engine_router
from x8.n8n_bridge.keys import router as n8n_keys_router
from x8.n8n_bridge.provisioning_api import router as n8n_provisioning_router
from x8.platform.activity.endpoints import router as activity_router
from x8.platform.admin.endpoints import router as admin_router
from x8.platform.assistant.endpoints import router as assistant_router
from x8.platform.auth.endpoints import router as auth_router
from x8.platform.billing.endpoints import router as billing_router
from x8.platform.booking import calendar_endpoints as booking_calendar_endpoints
from x8.platform.booking import endpoints as booking_endpoints
from x8.platform.channels import email_endpoints
from x8.platform.channels.endpoints import router as integrations_router
from x8.platform.channels.meta_deletion import router as meta_deletion_router
from x8.platform.channels.meta_endpoints import router as meta_integrations_router
from x8.platform.channels.meta_webhook import router as meta_webhooks_router
from x8.platform.channels.webhook_fast import WebhookFastPath
from x8.platform.channels.webhooks import router as webhooks_router
from x8.platform.companies.endpoints import router as companies_router
from x8.platform.conversations.endpoints import router as conversations_router
from x8.platform.conversations.live import InboxBroker
from x8.platform.deletion.endpoints import router as deletion_router
from x8.platform.inbox.tasks import CONTACTS_AT_ONCE
from x8.platform.installation.endpoints import router as installation_router
from x8.platform.knowledge_base.endpoints import router as kb_router
from x8.platform.mail.endpoints import router as mailbox_router
from x8.platform.managers.endpoints import router as managers_router
from x8.platform.media.endpoints import MAX_VIDEO_BYTES
from x8.platform.media.endpoints import router as media_router
from x8.platform.meta_apps.endpoints import router as meta_apps_router
from x8.platform.metrics.endpoints import router as metrics_router
from x8.platform.oauth.endpoints import router as oauth_router
from x8.platform.orders.endpoints import router as purchases_router
from x8.platform.payments import sandbox
from x8.platform.payments.endpoints import router as payments_router
from x8.platform.payments.webhooks import router as stripe_webhooks_router
from x8.platform.support.endpoints import router as support_router
from x8.platform.tiktok import endpoints as tiktok_endpoints
from x8.platform.tiktok import redirect as tiktok_redirect
from x8.platform.users.endpoints import router as users_router
from x8.platform.vault.endpoints import router as vault_router
from x8.platform.vault.keys import check_keys, vault_keys
from x8.runtime import DatabaseUrls
from x8.settings import Settings
from x8.worker import build_app

log = logging.getLogger(__name__)
FRONTEND_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def create_app(settings: Settings, urls: DatabaseUrls, *, run_worker: bool = False) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # With the worker inside, a connection for each of its jobs and for each contact a channel's batch of events
        # handles side by side (as ``x8 worker`` sizes its pool).
        db = Database.connect(urls.app, pool_size=max(10, settings.worker_concurrency + CONTACTS_AT_ONCE))
        app.state.db = db
        async with db.sessions() as session:
            await check_keys(session, vault_keys(settings))  # a wrong X8_VAULT_KEY stops the start here
        app.state.request_db = Database.connect(urls.app)  # see x8.kit.db.get_session
        app.state.inbox_broker = InboxBroker(urls.app)
        # The owner pool only provisions and drops tenants; requests never read through it.
        app.state.owner_db = Database.connect(urls.owner, pool_size=2)
        open_queue(settings, db)
        worker: asyncio.Task[None] | None = None
        stop_worker = asyncio.Event()  # uvicorn hears the signals; its shutdown stops the worker gracefully
        queue = build_app(urls.app)
        async with queue.open_async():
            app.state.queue = queue
            if run_worker:
                worker = asyncio.create_task(
                    jobs.run_worker(queue, concurrency=settings.worker_concurrency, stop=stop_worker)
                )
            try:
                yield
            finally:
                if worker is not None:
                    stop_worker.set()
                    await worker
                await db.dispose()
                await app.state.request_db.dispose()
                await app.state.inbox_broker.close()
                await app.state.owner_db.dispose()
                await provider_http.close()
                await mongo_history.close_clients()

    app = FastAPI(
        title="X8 Network API",
        version="0.1.0",
        description="Multi-tenant platform that automates how businesses talk to their customers.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # No OpenTelemetry is set up, yet FastAPI asks OpenTelemetry for its providers on every request (reading
        # os.environ each time): ~5% of a webhook's CPU for nothing (docs/performance.md).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    install_error_handlers(app)
    upload_limits = {
        "/api/v1/knowledge-base/upload-csv": settings.kb_max_bytes,
        "/api/v1/cloudinary/upload": MAX_VIDEO_BYTES,
    }
    app.add_middleware(BodyGuard, limits=Limits(secret_key=settings.secret_key, uploads=upload_limits))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    # Outermost: a good provider delivery is acknowledged before any routing (x8.platform.channels.webhook_fast).
    app.add_middleware(WebhookFastPath)

    @app.get("/api/v1/health", tags=["health"])
    async def health(request: Request) -> JSONResponse:
        """``{"status": "ok"}`` once the database answers and the control plane is migrated."""
        try:
            async with request.app.state.db.sessions() as session:
                await session.execute(text("SELECT version_num FROM alembic_version"))
        except Exception:  # any database failure means "not ready"
            log.warning("health check failed", exc_info=True)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        """Swagger UI from the dashboard build, so the docs work without a CDN; a CDN only as fallback."""
        local = FRONTEND_DIST / "api-docs" / "swagger-ui-bundle.js"
        base = "/api-docs" if local.exists() else "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="X8 Network API",
            swagger_js_url=f"{base}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}/swagger-ui.css",
            swagger_favicon_url=f"{base}/favicon-32x32.png",
        )

    routers = (
        auth_router,
        oauth_router,
        users_router,
        deletion_router,
        companies_router,
        assistant_router,
        kb_router,
        media_router,
        integrations_router,
        conversations_router,
        webhooks_router,
        meta_integrations_router,
        meta_webhooks_router,
        meta_deletion_router,
        admin_router,
        meta_apps_router,
        managers_router,
        support_router,
        vault_router,
        metrics_router,
        mailbox_router,
        installation_router,
        n8n_keys_router,
        n8n_api_router,
        n8n_provisioning_router,
        n8n_engine_router,
        n8n_conversation_router,
        activity_router,
        payments_router,
        billing_router,
        stripe_webhooks_router,
        purchases_router,
        tiktok_endpoints.router,
        email_endpoints.router,
        email_endpoints.webhooks,
        tiktok_redirect.router,
        booking_endpoints.companies,
        booking_endpoints.bookings,
        booking_calendar_endpoints.router,
        sandbox.api,
        sandbox.pages,
    )
    for router in routers:
        app.include_router(router)
    _mount_local_media(app, settings)
    # Every API route, for the 405 handler's Allow header (x8.kit.errors.allowed_methods). FastAPI keeps an included
    # router in app.routes as one entry, so its routes are read from the router.
    app.state.api_routes = [
        r for r in [*app.routes, *(r for router in routers for r in router.routes)] if isinstance(r, APIRoute)
    ]
    _mount_dashboard(app)
    openapi.install(app)
    return app


def _mount_local_media(app: FastAPI, settings: Settings) -> None:
    """Without Cloudinary, media are files under X8_DATA_DIR/media, served here (names are generated ids)."""
    root = (settings.data_dir / "media").resolve()
    root.mkdir(parents=True, exist_ok=True)
    app.mount("/media", StaticFiles(directory=root), name="media")


def _mount_dashboard(app: FastAPI) -> None:
    """Serve the built dashboard, falling back to index.html for client-side routes."""

    @app.get("/{path:path}", include_in_schema=False)
    async def dashboard(path: str) -> Response:
        if path.startswith("api/"):
            # This catch-all answers every GET, so a GET to a POST-only endpoint lands here: the 405 handler
            # (x8.kit.errors) names the methods the endpoint takes, as for any other wrong method, or answers 404
            # when no endpoint has this path.
            raise StarletteHTTPException(405)
        index = FRONTEND_DIST / "index.html"
        if not index.exists():
            return HTMLResponse(
                "<!doctype html><meta charset='utf-8'><title>X8 Network</title><h1>X8 Network</h1>"
                "<p>The dashboard is not built. Run <code>make run</code>, "
                "or see <a href='/docs'>/docs</a>.</p>"
            )
        candidate = (FRONTEND_DIST / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(FRONTEND_DIST):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


def app_from_environment() -> FastAPI:
    """The app factory for `x8 serve --workers N`: settings and database URLs from the environment, no job worker
    (jobs run in `x8 worker` processes)."""
    from x8 import runtime
    from x8.kit import log_redaction

    settings = Settings()
    log_redaction.install()
    return create_app(settings, runtime.resolve(settings), run_worker=False)
