"""The public tracking redirect ``GET /t/{code}`` (SPEC.md R-CH6), served at the root: no sign-in, since TikTok
viewers tap it. It records the click in the company's tenant schema and sends the visitor to WhatsApp with the
link's prefilled text. Unknown, deactivated and expired codes get a small 404 page. Each visitor (by IP hash) has a
per-minute budget, so a script cannot fill a company's click log."""

from __future__ import annotations

import html
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from x8.kit.client import client_ip
from x8.kit.clock import utcnow
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.i18n import language_of, msg
from x8.kit.ratelimit import hit
from x8.platform.tiktok import service
from x8.platform.tiktok.clicks import click_from, ip_hash, record_click
from x8.platform.tiktok.crawlers import is_crawler
from x8.platform.tiktok.repository import live_link
from x8.tenancy.session import tenant_session

router = APIRouter(tags=["tracking"])


def _not_found(request: Request) -> HTMLResponse:
    """A small page in the visitor's language (Accept-Language): the visitor is a customer, not the business."""
    language = language_of(request)
    title = html.escape(msg("This link is no longer active").render(language))
    text = html.escape(
        msg("The offer may have ended. Please look for the business's current ad or contact them directly.").render(
            language
        )
    )
    page = (
        f"<!doctype html><html lang='{language}'><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'>"
        f"<title>{title}</title><body style='font-family:system-ui;text-align:center;padding:3em 1em'>"
        f"<h1>{title}</h1><p>{text}</p>"
    )
    return HTMLResponse(page, status_code=404, headers={"Cache-Control": "no-store"})


@router.get(
    "/t/{code}",
    response_class=RedirectResponse,
    status_code=302,
    responses={302: {"description": "To https://wa.me/<number>?text=<prefill>"}, 404: {"description": "No live link"}},
)
async def follow_link(code: str, request: Request, db: DatabaseDep, settings: SettingsDep) -> Response:
    """Record the click (``ttclid``, ``utm_*``, ``campaign_id``, ``adgroup_id``, ``ad_id``, user agent, a keyed hash
    of the IP) and redirect to WhatsApp. Crawlers and link previewers are recorded as bots."""
    digest = ip_hash(settings.secret_key, client_ip(request))
    await hit(
        db,
        keys=[(f"tiktok-click:{digest or 'unknown'}", settings.tiktok_clicks_per_ip_per_minute)],
        window_seconds=60,
        what=msg("link clicks"),
    )
    if len(code) > 32:
        return _not_found(request)
    async with db.sessions() as session:
        link = await live_link(session, code, utcnow())
    number = await service.whatsapp_number_for(db, link) if link is not None else None
    if link is None or number is None:
        return _not_found(request)
    agent = request.headers.get("user-agent", "")
    click = click_from(
        link.id,
        request.query_params,
        user_agent=agent,
        ip_digest=digest,
        bot=is_crawler(agent, request.method),
    )
    async with tenant_session(db, link.company_id) as ts:
        await record_click(ts, click)
    target = f"https://wa.me/{number}?text={quote(link.prefill, safe='')}"
    return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})


# HEAD (a link previewer's probe) is the same operation, its click counted as a bot's; one operation in the schema.
router.add_api_route("/t/{code}", follow_link, methods=["HEAD"], include_in_schema=False)
