"""What the dashboard's Google connections (Gmail, Google Calendar) share: the OAuth client or a clear 503 when
Google is not set up here, the callback address, and the redirect back to the page the business started from."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse

from x8.integrations.google import GoogleNotConfigured, GoogleOAuth
from x8.kit.errors import ServiceUnavailable
from x8.kit.i18n import msg
from x8.settings import Settings


def oauth(settings: Settings) -> GoogleOAuth:
    try:
        return GoogleOAuth(settings)
    except GoogleNotConfigured:
        raise ServiceUnavailable(msg("Google is not set up on this server (GOOGLE_CLIENT_ID).")) from None


def callback_uri(settings: Settings, path: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{path}"


def back_to(settings: Settings, page: str, key: str, outcome: str, company_id: uuid.UUID | None) -> RedirectResponse:
    """To ``/<page>?<key>=<outcome>&company_id=…`` on the dashboard."""
    query = {key: outcome} | ({"company_id": str(company_id)} if company_id else {})
    return RedirectResponse(f"{settings.frontend_url.rstrip('/')}/{page}?{urlencode(query)}", status_code=302)
