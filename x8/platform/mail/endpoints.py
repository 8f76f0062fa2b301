"""The development mailbox: where mail goes when no SMTP host is configured. Absent in production."""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from x8.kit.db import SessionDep
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.mail import repository

router = APIRouter(include_in_schema=False)


@router.get("/dev/mailbox")
async def dev_mailbox(
    request: Request, session: SessionDep, to: str | None = None, format: str = Query("html")
) -> Response:
    if request.app.state.settings.is_production:
        raise NotFound(msg("Not found."))
    mails = await repository.recent(session, to)
    if format == "json":
        items: list[dict[str, Any]] = [
            {"to": m.to_email, "subject": m.subject, "body": m.body, "created_at": m.created_at.isoformat()}
            for m in mails
        ]
        return JSONResponse({"items": items, "total": len(items)})
    rows = "".join(
        f'<article class="mail"><h2>{html.escape(m.subject)}</h2>'
        f'<p class="meta">To: <span class="to">{html.escape(m.to_email)}</span> · '
        f"{m.created_at:%Y-%m-%d %H:%M:%S} UTC</p><pre>{html.escape(m.body)}</pre></article>"
        for m in mails
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Dev mailbox · X8 Network</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#0f172a}}
.banner{{background:#fef3c7;border:1px solid #f59e0b;padding:.75rem 1rem;border-radius:.5rem}}
.mail{{border:1px solid #e2e8f0;border-radius:.5rem;padding:1rem;margin:1rem 0}}
.meta{{color:#64748b;font-size:.9rem}} pre{{white-space:pre-wrap;font-size:1rem}}</style></head>
<body><h1>Dev mailbox</h1><p class="banner">Development only: no SMTP server is configured, so mail sent by
the platform is shown here instead of being delivered. Set <code>SMTP_HOST</code> to send real mail.</p>
{rows or '<p class="empty">No mail yet.</p>'}</body></html>"""
    return HTMLResponse(page)
