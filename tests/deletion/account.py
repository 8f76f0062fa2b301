"""A business account with something in every system the platform keeps data in, made through the API against the
fakes of ``tests.deletion.conftest``: what the deletion tests then expect to see gone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx

from tests.admin.helpers import ADMIN, admin_tokens
from tests.admin.helpers import PASSWORD as ADMIN_PASSWORD
from tests.billing.helpers import subscribe
from tests.conftest import bearer, login, register
from tests.conversations.helpers import connect_web, run_jobs, say
from tests.deletion.conftest import BOT_TOKEN, Fakes
from tests.kb_engine.helpers import PRODUCT_CSV, upload
from tests.meta import helpers as meta
from tests.payments.helpers import connect_account
from x8.kit.errors import Conflict

PASSWORD = "Sup3rSecret"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PAGE_ID, INSTAGRAM_ID = "1122334455", "17841400000000001"


@dataclass
class Account:
    """What names the account: at X8 and at every provider."""

    tokens: dict[str, str]
    user_id: str
    email: str
    company_id: str
    channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id
    customer: str = ""
    subscription: str = ""
    stripe_account: str = ""
    waha_session: str = ""
    tenant_keys: list[str] = field(default_factory=list)  # held by n8n's credentials
    pages: list[str] = field(default_factory=list)  # the Facebook page and its Instagram account
    page_tokens: list[str] = field(default_factory=list)
    google_tokens: list[str] = field(default_factory=list)  # Gmail's and Calendar's, access and refresh

    def needles(self) -> list[str]:
        """Every string that would name the account wherever it is kept."""
        return [
            self.user_id,
            self.email,
            self.company_id,
            uuid.UUID(self.company_id).hex,  # the tenant schema and roles are named after it
            *self.channels.values(),
            self.customer,
            self.subscription,
            self.stripe_account,
            self.waha_session,
            *self.tenant_keys,
            *self.pages,
            *self.page_tokens,
            *self.google_tokens,
        ]


async def admin(api: httpx.AsyncClient, app_url: str) -> dict[str, Any]:
    """The platform's administrator, signed in (created on first use)."""
    try:
        return await admin_tokens(api, app_url)
    except Conflict:
        return await login(api, ADMIN, ADMIN_PASSWORD)


async def any_number_of_channels(api: httpx.AsyncClient, app_url: str, user_id: str) -> None:
    """The administrator lifts the business's channel limit (no plan allows every channel at once)."""
    r = await api.patch(
        f"/api/v1/admin/clients/{user_id}",
        headers=bearer(await admin(api, app_url)),
        json={"channel_limit_override": 20},
    )
    assert r.status_code == 200, r.text


async def company(api: httpx.AsyncClient, tokens: dict[str, str], name: str) -> str:
    created = await api.post(
        "/api/v1/companies/", headers=bearer(tokens), json={"name": name, "company_type": "Product", "language": "en"}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def telegram(api: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> str:
    bot = await api.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company_id, "bot_token": BOT_TOKEN},
    )
    assert bot.status_code == 200, bot.text
    return str(bot.json()["channel_id"])


async def whatsapp(api: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> tuple[str, str]:
    """A WhatsApp channel whose WAHA session waits for its QR: (channel id, session name)."""
    r = await api.post("/api/v1/integrations/whatsapp/connect", headers=bearer(tokens), json={"company_id": company_id})
    assert r.status_code == 200, r.text
    channel_id = str(r.json()["channel_id"])
    return channel_id, "x8_" + channel_id.replace("-", "")


async def meta_page(
    api: httpx.AsyncClient,
    fakes: Fakes,
    app_url: str,
    tokens: dict[str, str],
    company_id: str,
    platforms: tuple[str, ...] = ("facebook", "instagram"),
) -> dict[str, str]:
    """The business's Facebook page connected through the pool app (for Messenger and Instagram): the channel ids."""
    if meta.APP_ID not in fakes.meta.apps:
        await meta.pool_app(api, app_url, fakes.meta, admin=await admin(api, app_url))
    if not fakes.meta.pages:
        fakes.meta.add_page(PAGE_ID, "Doomed Corner", instagram_id=INSTAGRAM_ID)
    for platform in platforms:
        assert meta.outcome(await meta.login(api, tokens, company_id, platform))["meta"] == "connected"
    listed = await api.get("/api/v1/integrations/list", params={"company_id": company_id}, headers=bearer(tokens))
    return {
        c["platform"]: str(c["channel_id"])
        for c in listed.json()["items"]
        if c["platform"] in ("facebook", "instagram")
    }


async def google_grant(api: httpx.AsyncClient, tokens: dict[str, str], company_id: str, integration: str) -> None:
    """The person allows X8 at the fake Google (``integration``: ``gmail`` or ``google-calendar``)."""
    r = await api.post(
        f"/api/v1/integrations/{integration}/auth", json={"company_id": company_id}, headers=bearer(tokens)
    )
    assert r.status_code == 200, r.text
    async with httpx.AsyncClient() as browser:
        allowed = await browser.get(r.json()["url"])
    back = urlparse(allowed.headers["location"])
    done = await api.get(f"{back.path}?{back.query}")
    assert done.status_code == 302 and "connected" in done.headers["location"], done.headers.get("location")


async def gmail(api: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> str:
    await google_grant(api, tokens, company_id, "gmail")
    listed = await api.get("/api/v1/integrations/list", params={"company_id": company_id}, headers=bearer(tokens))
    [channel] = [c for c in listed.json()["items"] if c["platform"] == "email"]
    return str(channel["channel_id"])


async def n8n(api: httpx.AsyncClient, fakes: Fakes, app_url: str, tokens: dict[str, str], company_id: str) -> list[str]:
    """The company provisioned in n8n (a credential with its tenant key, an ingress workflow per channel, a
    credential per bot); the tenant keys n8n holds."""
    r = await api.post("/api/v1/n8n/provision", headers=bearer(tokens), json={"company_id": company_id})
    assert r.status_code == 202, r.text
    await run_jobs(app_url)
    listed = await api.get("/api/v1/n8n/bindings", headers=bearer(tokens), params={"company_id": company_id})
    assert listed.status_code == 200 and listed.json()["total"] > 0, listed.text
    assert {b["status"] for b in listed.json()["items"]} == {"active"}, listed.text
    credentials = [fakes.n8n.credentials[b["n8n_id"]] for b in listed.json()["items"] if b["kind"] == "credential"]
    return [c["data"]["value"] for c in credentials if c["type"] == "httpHeaderAuth"]


async def full_account(api: httpx.AsyncClient, fakes: Fakes, app_url: str, email: str) -> Account:
    """A business with a company in every system: knowledge base, Telegram, WhatsApp (WAHA), Messenger and
    Instagram (Meta), Gmail, a playground conversation (its history in MongoDB too), Google Calendar, n8n, a paid
    plan, Stripe Connect, media and a support message."""
    tokens = await register(api, email, PASSWORD)
    user_id = str((await api.get("/api/v1/auth/me", headers=bearer(tokens))).json()["id"])
    await any_number_of_channels(api, app_url, user_id)
    company_id = await company(api, tokens, "Doomed Shop")
    assert (await upload(api, tokens, company_id, PRODUCT_CSV.encode())).status_code == 200
    account = Account(tokens=tokens, user_id=user_id, email=email, company_id=company_id)
    account.channels["telegram"] = await telegram(api, tokens, company_id)
    account.channels["whatsapp"], account.waha_session = await whatsapp(api, tokens, company_id)
    account.channels |= await meta_page(api, fakes, app_url, tokens, company_id)
    account.pages = [PAGE_ID, INSTAGRAM_ID]
    account.channels["email"] = await gmail(api, tokens, company_id)
    await google_grant(api, tokens, company_id, "google-calendar")
    account.channels["web"] = await connect_web(api, tokens, company_id)
    await say(api, tokens, account.channels["web"], "Do you sell apples?", visitor_id="customer-1")
    account.tenant_keys = await n8n(api, fakes, app_url, tokens, company_id)
    subscription = await subscribe(api, fakes.stripe, app_url, tokens)
    account.customer, account.subscription = subscription["customer"], subscription["id"]
    account.stripe_account = await connect_account(api, fakes.stripe, tokens)
    photo = await api.post(
        "/api/v1/cloudinary/upload", headers=bearer(tokens), files={"file": ("p.png", PNG, "image/png")}
    )
    assert photo.status_code == 201, photo.text
    assert (await api.post("/api/v1/support/chat", headers=bearer(tokens), json={"text": "Hi"})).status_code == 201
    await run_jobs(app_url)
    account.page_tokens = list(fakes.meta.page_tokens)
    account.google_tokens = [*fakes.google.oauth.tokens, *fakes.google.oauth.refresh_tokens]
    return account
