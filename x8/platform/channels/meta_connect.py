"""Connecting a Facebook Page or an Instagram professional account (SPEC.md R-CH4, "Meta login").

``login`` gives the business the pool app it keeps (the least-loaded live one on its first login) and the URL of
Meta's login dialog, with a signed, short-lived ``state`` naming the user, the company, the platform and the app.
``callback`` trusts only that state: it exchanges the code with that app's secret and reads the person's pages,
with no transaction open. One page connects at once; several are kept pending (their tokens in the vault, for a
short while) for the business to choose one (``pending_pages``, ``connect_chosen``).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from x8.channel_adapters.base import ChannelStatus
from x8.channel_adapters.meta import account_id
from x8.integrations.meta.graph import Graph, Page
from x8.kit import oauth_state
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import BadRequest, NotFound, PaymentRequired, ServiceUnavailable
from x8.kit.i18n import msg
from x8.platform.billing.plans import can_operate
from x8.platform.channels import service
from x8.platform.channels.meta_lookup import channels_for_account
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.companies.service import check_channel_choice, get_editable
from x8.platform.meta_apps import pool
from x8.platform.meta_apps.models import MetaApp
from x8.platform.meta_apps.schemas import MetaProduct
from x8.platform.users.models import User
from x8.platform.vault import repository as vault
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import SecretKind
from x8.settings import Settings

log = logging.getLogger(__name__)
STATE_TTL = timedelta(minutes=15)
STATE_SUBJECT = "meta-login"
PENDING_TTL = timedelta(minutes=30)


class MetaPlatform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"


PRODUCTS = {MetaPlatform.FACEBOOK: MetaProduct.MESSENGER, MetaPlatform.INSTAGRAM: MetaProduct.INSTAGRAM}
# App Review permissions per product (PROVIDERS.md §3); business_management lets pages owned through a Business
# Manager be listed.
SCOPES = {
    MetaPlatform.FACEBOOK: ("pages_messaging", "pages_manage_metadata", "pages_show_list", "business_management"),
    MetaPlatform.INSTAGRAM: (
        "instagram_basic",
        "instagram_manage_messages",
        "pages_manage_metadata",
        "pages_show_list",
        "business_management",
    ),
}


@dataclass(frozen=True)
class LoginState:
    user_id: uuid.UUID
    company_id: uuid.UUID
    platform: MetaPlatform
    meta_app: uuid.UUID


def redirect_uri(settings: Settings) -> str:
    return f"{settings.public_base_url.rstrip('/')}/api/v1/integrations/meta/callback"


def pending_ref(company_id: uuid.UUID) -> str:
    return f"meta_pending:{company_id}"


def encode_state(settings: Settings, state: LoginState) -> str:
    claims = {
        "user_id": str(state.user_id),
        "company_id": str(state.company_id),
        "platform": state.platform.value,
        "meta_app": str(state.meta_app),
    }
    return oauth_state.issue(settings.secret_key, STATE_SUBJECT, claims, ttl=STATE_TTL)


def decode_state(settings: Settings, token: str | None) -> LoginState:
    """The login a callback belongs to; a missing, forged, expired or foreign state is 400."""
    if not token:
        raise BadRequest(msg("The Meta login is missing its state. Log in with Facebook again."))
    claims = oauth_state.read(settings.secret_key, STATE_SUBJECT, token)
    try:
        if claims is None:
            raise ValueError("no Meta login state")
        return LoginState(
            user_id=uuid.UUID(str(claims["user_id"])),
            company_id=uuid.UUID(str(claims["company_id"])),
            platform=MetaPlatform(str(claims["platform"])),
            meta_app=uuid.UUID(str(claims["meta_app"])),
        )
    except (KeyError, ValueError):
        raise BadRequest(msg("The Meta login expired or is invalid. Log in with Facebook again.")) from None


async def _check_may_connect(db: Database, user: User, company_id: uuid.UUID, platform: MetaPlatform) -> Company:
    """What a connect would refuse, refused before the business is sent to Meta: a company it may not edit (404,
    403), an ended trial or a channel beyond the plan's limit (402)."""
    async with db.sessions() as session, session.begin():
        company = await get_editable(session, user, company_id)
        owner = await session.get(User, company.owner_id)
        if owner is None:
            raise NotFound(msg("Company not found."))
        if not can_operate(owner):
            raise PaymentRequired(
                msg(
                    "Your trial or subscription has ended, so channels cannot be connected. Choose a plan on the "
                    "Billing page; your data is kept."
                )
            )
        if platform.value not in company.channels:
            await check_channel_choice(
                session, owner, [*company.channels, platform.value], company_id=company.id, previous=company.channels
            )
    return company


async def login_url(db: Database, settings: Settings, user: User, company_id: uuid.UUID, platform: MetaPlatform) -> str:
    company = await _check_may_connect(db, user, company_id, platform)
    async with db.sessions() as session, session.begin():
        app = await pool.app_for_business(session, company.owner_id, PRODUCTS[platform])
        if app is None:
            log.warning("the Meta app pool has no live %s app with room for business %s", platform, company.owner_id)
            raise ServiceUnavailable(
                msg("No Meta app is available for this yet. Please try again later or contact support.")
            )
        client_id, app_row = app.app_id, app.id
    state = encode_state(settings, LoginState(user.id, company.id, platform, app_row))
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri(settings),
        "state": state,
        "response_type": "code",
        "scope": ",".join(SCOPES[platform]),
    }
    return f"{settings.facebook_oauth_url.rstrip('/')}/{settings.meta_graph_version}/dialog/oauth?{urlencode(query)}"


@dataclass(frozen=True)
class Outcome:
    """What the callback did, for the dashboard's redirect: ``connected``, ``choose`` (several pages) or
    ``no_pages`` (nothing to connect for this platform)."""

    result: str
    company_id: uuid.UUID
    platform: MetaPlatform


async def _app(db: Database, settings: Settings, app_row: uuid.UUID) -> tuple[MetaApp, str]:
    async with db.sessions() as session:
        app = await session.get(MetaApp, app_row)
        secret = await pool.app_secret(session, vault_keys(settings), app_row) if app else None
    if app is None or secret is None:
        raise BadRequest(msg("The Meta app of this login is no longer in the pool. Log in with Facebook again."))
    return app, secret


async def complete_login(db: Database, settings: Settings, request: Request, code: str, state: LoginState) -> Outcome:
    """The callback's work: the code becomes the person's pages (no transaction open meanwhile), then one page is
    connected, or several are kept for the business to choose from."""
    async with db.sessions() as session:
        user = await session.get(User, state.user_id)
        company = await session.get(Company, state.company_id)
    if user is None or company is None:
        raise NotFound(msg("Company not found."))
    app, secret = await _app(db, settings, state.meta_app)
    graph = Graph(settings)
    user_token = await graph.exchange_code(app.app_id, secret, redirect_uri(settings), code)
    meta_user = await graph.user_id(user_token)
    pages = [p for p in await graph.pages(user_token) if state.platform != MetaPlatform.INSTAGRAM or p.instagram_id]
    if not pages:
        return Outcome("no_pages", company.id, state.platform)
    if len(pages) == 1:
        await connect_page(db, settings, request, user, company.id, state.platform, pages[0], app, meta_user)
        return Outcome("connected", company.id, state.platform)
    await _keep_pending(db, settings, company, state, app, meta_user, pages)
    return Outcome("choose", company.id, state.platform)


async def connect_page(
    db: Database,
    settings: Settings,
    request: Request | None,
    user: User,
    company_id: uuid.UUID,
    platform: MetaPlatform,
    page: Page,
    app: MetaApp,
    meta_user: str,
) -> Channel:
    """Connect through the common path (plan rules, vault, provider, audit); a page another company's live channel
    uses is refused, since Meta's webhook could not tell the two apart."""
    await _refuse_taken(db, company_id, platform, page)
    given: dict[str, Any] = {
        "page_token": page.access_token,
        "page_id": page.id,
        "page_name": page.name,
        "instagram_id": page.instagram_id,
        "meta_app": str(app.id),
        "app_id": app.app_id,
        "meta_user_id": meta_user,
    }
    return await service.connect(db, settings, request, user, company_id, platform.value, given)


async def _refuse_taken(db: Database, company_id: uuid.UUID, platform: MetaPlatform, page: Page) -> None:
    taken = await channels_for_account(db, platform.value, account_id(platform.value, page.id, page.instagram_id))
    if any(c.company_id != company_id and c.status != ChannelStatus.DISCONNECTED for c in taken):
        raise BadRequest(msg("This page is already connected to another company. Disconnect it there first."))


async def _keep_pending(
    db: Database,
    settings: Settings,
    company: Company,
    state: LoginState,
    app: MetaApp,
    meta_user: str,
    pages: list[Page],
) -> None:
    value = {
        "platform": state.platform.value,
        "meta_app": str(app.id),
        "meta_user_id": meta_user,
        "expires_at": (utcnow() + PENDING_TTL).isoformat(),
        "pages": [p.as_dict() for p in pages],
    }
    new = vault.NewSecret(
        client_id=company.owner_id,
        company_id=company.id,
        kind=SecretKind.META_PAGE_TOKEN,
        label="Facebook Pages awaiting a choice",
        ref=pending_ref(company.id),
    )
    async with db.sessions() as session, session.begin():
        await vault.store_secret(session, vault_keys(settings), new, json.dumps(value, separators=(",", ":")))


@dataclass(frozen=True)
class Pending:
    platform: MetaPlatform
    meta_app: uuid.UUID
    meta_user_id: str
    expires_at: datetime
    pages: list[Page]


async def pending_pages(db: Database, settings: Settings, company_id: uuid.UUID) -> Pending:
    """The pages of the company's last login waiting for a choice; none (or expired) is 404."""
    async with db.sessions() as session:
        value = await vault.read_by_ref(session, vault_keys(settings), pending_ref(company_id))
    if value is not None:
        stored = json.loads(value)
        expires = datetime.fromisoformat(stored["expires_at"])
        if expires > utcnow():
            return Pending(
                MetaPlatform(stored["platform"]),
                uuid.UUID(stored["meta_app"]),
                str(stored.get("meta_user_id") or ""),
                expires,
                [Page.from_dict(p) for p in stored["pages"]],
            )
        await _drop_pending(db, company_id)
    raise NotFound(msg("No Facebook Pages are waiting for a choice. Log in with Facebook again."))


async def _drop_pending(db: Database, company_id: uuid.UUID) -> None:
    async with db.sessions() as session, session.begin():
        await vault.delete_secret(session, pending_ref(company_id))


async def connect_chosen(
    db: Database,
    settings: Settings,
    request: Request,
    user: User,
    company_id: uuid.UUID,
    page_id: str,
    platform: MetaPlatform,
) -> Channel:
    async with db.sessions() as session:
        await get_editable(session, user, company_id)  # 404/403 before anything is read
    pending = await pending_pages(db, settings, company_id)
    page = next((p for p in pending.pages if p.id == page_id), None)
    if page is None:
        raise NotFound(msg("This page was not among the pages of your Facebook login."))
    if platform == MetaPlatform.INSTAGRAM and not page.instagram_id:
        raise BadRequest(msg("This page has no Instagram professional account linked to it."))
    app, _secret = await _app(db, settings, pending.meta_app)
    channel = await connect_page(db, settings, request, user, company_id, platform, page, app, pending.meta_user_id)
    await _drop_pending(db, company_id)
    return channel
