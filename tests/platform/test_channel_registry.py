"""Channels are plugins (ARCHITECTURE.md, pattern 9): the registry is the one list of adapters, and the webhook
routes, the inbox handlers and the dashboard's connect forms all follow from it."""

from __future__ import annotations

import httpx

from tests.conftest import bearer
from tests.kb_engine.helpers import business_company
from x8.channel_adapters.registry import ADAPTERS, KINDS
from x8.platform.channels import webhooks
from x8.platform.inbox.handlers import HANDLERS
from x8.settings import Settings


def test_every_provider_webhook_has_its_route_and_its_inbox_handler(settings: Settings) -> None:
    import x8.platform.channels.ingest  # noqa: F401  (the worker imports it; it registers the handlers)

    paths = {getattr(r, "path", "") for r in webhooks.router.routes}
    for platform, kind in KINDS.items():
        assert platform in ADAPTERS and ADAPTERS[platform](settings).kind is kind
        if kind.webhook is None:
            continue
        assert f"/api/v1/webhooks/{kind.webhook.path}" in paths
        assert platform in HANDLERS
    assert {"/api/v1/webhooks/telegram/{channel_id}", "/api/v1/webhooks/waha"} <= paths  # SPEC's URLs


async def test_available_channels_describe_how_to_connect(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "forms@example.com")
    r = await client.get(
        "/api/v1/integrations/available-channels", params={"company_id": company["id"]}, headers=bearer(tokens)
    )
    assert r.status_code == 200
    items = {i["platform"]: i for i in r.json()["items"]}
    telegram = items["telegram"]
    assert telegram["connectable"] and telegram["configured"]
    assert telegram["connect"]["kind"] == "form"
    assert telegram["connect"]["path"] == "/api/v1/integrations/telegram/connect"
    [field] = telegram["connect"]["fields"]
    assert field["name"] == "bot_token" and field["secret"] is True and field["min_length"] == 20
    whatsapp = items["whatsapp"]  # no WAHA_API_URL in the test settings: it cannot be connected here
    assert whatsapp["connectable"] and not whatsapp["configured"]
    assert whatsapp["connect"]["kind"] == "qr" and whatsapp["connect"]["qr_path"] == "/api/v1/integrations/whatsapp/qr"
    tiktok = items["tiktok"]  # leads land on WhatsApp: without WAHA it cannot be connected either
    assert tiktok["connectable"] and not tiktok["configured"]
    assert tiktok["connect"]["kind"] == "tiktok" and tiktok["connect"]["path"] == "/api/v1/integrations/tiktok/connect"


async def test_available_channels_without_a_company_serve_the_company_wizard(client: httpx.AsyncClient) -> None:
    """SPEC names the route without a company: the wizard asks before the company exists, for the caller's plan."""
    tokens, company = await business_company(client, "wizard-forms@example.com")
    await client.patch(f"/api/v1/companies/{company['id']}", json={"channels": ["telegram"]}, headers=bearer(tokens))
    r = await client.get("/api/v1/integrations/available-channels", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["in_use"] == 1 and body["limit"] == 1  # the trial's one channel, already spent on Telegram
    assert not any(i["chosen"] for i in body["items"])
    assert {i["platform"] for i in body["items"]} == {
        "whatsapp",
        "telegram",
        "instagram",
        "facebook",
        "email",
        "tiktok",
    }
    other, _ = await business_company(client, "wizard-other@example.com")
    r = await client.get(
        "/api/v1/integrations/available-channels", params={"company_id": company["id"]}, headers=bearer(other)
    )
    assert r.status_code == 404
    assert (await client.get("/api/v1/integrations/available-channels")).status_code == 401
