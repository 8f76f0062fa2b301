"""The TikTok channel and its tracking links (SPEC.md R-CH6): connecting to the company's own connected WhatsApp
channel, links with unguessable codes, and the public redirect that records clicks (people and crawlers apart, the
IP only hashed) and sends the visitor to the WhatsApp session's own number."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.fakes.waha import FakeWaha
from tests.payments.helpers import tenant_sql
from tests.tiktok.helpers import business_on_whatsapp, connect_tiktok, links, new_link

PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 musical_ly_32.5.0 BytedanceWebview"
)


async def test_connect_binds_the_companys_own_connected_whatsapp_channel(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    mine = await business_on_whatsapp(client, fake, owner_url, app_url)
    other = await business_on_whatsapp(client, fake, owner_url, app_url, "other@example.com")
    body = {"company_id": mine.company_id, "whatsapp_channel_id": other.whatsapp_id}
    wrong = await client.post("/api/v1/integrations/tiktok/connect", headers=bearer(mine.tokens), json=body)
    assert wrong.status_code == 404, wrong.text
    assert "WhatsApp" in wrong.json()["detail"]
    # Nor may one business bind the other's company.
    body = {"company_id": other.company_id, "whatsapp_channel_id": other.whatsapp_id}
    foreign = await client.post("/api/v1/integrations/tiktok/connect", headers=bearer(mine.tokens), json=body)
    assert foreign.status_code == 404, foreign.text

    channel_id = await connect_tiktok(client, mine)
    listed = await client.get(
        "/api/v1/integrations/list", params={"company_id": mine.company_id}, headers=bearer(mine.tokens)
    )
    assert {c["platform"]: c["status"] for c in listed.json()["items"]}["tiktok"] == "CONNECTED"
    assert {c["channel_id"] for c in listed.json()["items"]} >= {channel_id, mine.whatsapp_id}


async def test_connect_refuses_a_whatsapp_channel_not_logged_in_and_counts_against_the_plan(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    waiting = await business_on_whatsapp(client, fake, owner_url, app_url, logged_in=False)
    body = {"company_id": waiting.company_id, "whatsapp_channel_id": waiting.whatsapp_id}
    r = await client.post("/api/v1/integrations/tiktok/connect", headers=bearer(waiting.tokens), json=body)
    assert r.status_code == 400 and "Connect WhatsApp first" in r.json()["detail"]

    trial = await business_on_whatsapp(client, fake, owner_url, app_url, "trial@example.com")
    sql(owner_url, "UPDATE users SET channel_limit_override = NULL WHERE email = 'trial@example.com'")
    body = {"company_id": trial.company_id, "whatsapp_channel_id": trial.whatsapp_id}
    r = await client.post("/api/v1/integrations/tiktok/connect", headers=bearer(trial.tokens), json=body)
    assert r.status_code == 402, r.text  # the trial's one channel is WhatsApp


async def test_the_number_is_asked_of_waha_when_the_status_event_did_not_carry_it(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    sql(owner_url, "UPDATE channels SET config = config - 'phone' WHERE id = %s", business.whatsapp_id)
    channel_id = await connect_tiktok(client, business)
    assert f"GET /api/sessions/{business.session}/me" in fake.calls
    link = await new_link(client, business, channel_id)
    r = await client.get(f"/t/{link['code']}", headers={"user-agent": PHONE_UA})
    assert r.status_code == 302 and r.headers["location"].startswith("https://wa.me/4930123456789?")


async def test_a_link_redirects_to_whatsapp_and_records_the_click_without_the_ip(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url, language="ru")
    channel_id = await connect_tiktok(client, business)
    link = await new_link(client, business, channel_id, campaign="Spring sale")
    assert re.fullmatch(r"[a-z2-9]{10}", link["code"])
    assert link["url"] == f"https://x8.example/t/{link['code']}"
    assert f"ref:{link['code']}" in link["prefill"] and "Здравствуйте" in link["prefill"]  # the company's language
    other = await new_link(client, business, channel_id)
    assert other["code"] != link["code"]

    query = (
        "?ttclid=E.C.P.abc123&campaign_id=1790000000001&adgroup_id=1790000000002&ad_id=1790000000003"
        "&utm_source=tiktok&utm_medium=paid&utm_campaign=spring&cid=__CID__"
    )
    r = await client.get(f"/t/{link['code']}{query}", headers={"user-agent": PHONE_UA})
    assert r.status_code == 302, r.text
    target = urlsplit(r.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "wa.me", "/4930123456789")
    assert parse_qs(target.query)["text"] == [link["prefill"]]

    [row] = tenant_sql(
        owner_url,
        business.company_id,
        "SELECT ttclid, campaign_id, adgroup_id, ad_id, utm, user_agent, ip_hash, bot FROM {schema}.tiktok_clicks",
    )
    ttclid, campaign_id, adgroup_id, ad_id, utm, agent, ip_hash, bot = row
    assert (ttclid, campaign_id, adgroup_id, ad_id) == (
        "E.C.P.abc123",
        "1790000000001",
        "1790000000002",
        "1790000000003",
    )
    assert utm == {"utm_source": "tiktok", "utm_medium": "paid", "utm_campaign": "spring"}
    assert agent == PHONE_UA and bot is False
    assert ip_hash and re.fullmatch(r"[0-9a-f]{64}", ip_hash)
    dump = str(tenant_sql(owner_url, business.company_id, "SELECT * FROM {schema}.tiktok_clicks"))
    assert "127.0.0.1" not in dump and "testclient" not in dump  # the address is nowhere in the row

    [listed, _] = sorted(await links(client, business, channel_id), key=lambda item: item["id"] != link["id"])
    assert (listed["clicks"], listed["bot_clicks"], listed["leads"], listed["orders"]) == (1, 0, 0, 0)
    assert listed["campaign"] == "Spring sale" and listed["revenue"] == []


@pytest.mark.parametrize(
    ("agent", "method"),
    [
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "GET"),
        ("WhatsApp/2.23.20.0 A", "GET"),
        ("TelegramBot (like TwitterBot)", "GET"),
        ("Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)", "GET"),
        ("curl/8.5.0", "GET"),
        ("", "GET"),
        (PHONE_UA, "HEAD"),
    ],
)
async def test_crawlers_and_previewers_are_counted_apart(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str, agent: str, method: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    channel_id = await connect_tiktok(client, business)
    link = await new_link(client, business, channel_id)
    r = await client.request(method, f"/t/{link['code']}", headers={"user-agent": agent})
    assert r.status_code == 302, r.text
    [listed] = await links(client, business, channel_id)
    assert (listed["clicks"], listed["bot_clicks"]) == (0, 1)


async def test_unknown_expired_and_deactivated_codes_are_not_found(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    channel_id = await connect_tiktok(client, business)
    expired = await new_link(client, business, channel_id)
    stopped = await new_link(client, business, channel_id)
    sql(owner_url, "UPDATE tiktok_links SET expires_at = now() - interval '1 minute' WHERE id = %s", expired["id"])
    r = await client.post(
        f"/api/v1/integrations/tiktok/links/{stopped['id']}/deactivate", headers=bearer(business.tokens)
    )
    assert r.status_code == 200 and r.json()["active"] is False

    for code in ("zzzzzzzzzz", expired["code"], stopped["code"], "x" * 300):
        r = await client.get(f"/t/{code}", headers={"user-agent": PHONE_UA})
        assert r.status_code == 404, code
        assert "no longer active" in r.text and "location" not in r.headers
    assert tenant_sql(owner_url, business.company_id, "SELECT count(*) FROM {schema}.tiktok_clicks") == [(0,)]
    russian = await client.get(f"/t/{expired['code']}", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert russian.status_code == 404 and "больше не действует" in russian.text


async def test_links_stop_when_the_tiktok_channel_is_disconnected(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    channel_id = await connect_tiktok(client, business)
    link = await new_link(client, business, channel_id)
    r = await client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(business.tokens))
    assert r.status_code == 200 and r.json()["status"] == "DISCONNECTED"
    assert (await client.get(f"/t/{link['code']}")).status_code == 404
    r = await client.post(
        "/api/v1/integrations/tiktok/links",
        headers=bearer(business.tokens),
        json={"channel_id": channel_id, "name": "Later"},
    )
    assert r.status_code == 400


async def test_links_belong_to_their_business(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    mine = await business_on_whatsapp(client, fake, owner_url, app_url)
    other = await business_on_whatsapp(client, fake, owner_url, app_url, "other@example.com")
    channel_id = await connect_tiktok(client, mine)
    link = await new_link(client, mine, channel_id)
    r = await client.get(
        "/api/v1/integrations/tiktok/links", params={"channel_id": channel_id}, headers=bearer(other.tokens)
    )
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/integrations/tiktok/links", headers=bearer(other.tokens), json={"channel_id": channel_id, "name": "x"}
    )
    assert r.status_code == 404
    r = await client.post(f"/api/v1/integrations/tiktok/links/{link['id']}/deactivate", headers=bearer(other.tokens))
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/integrations/tiktok/links", headers=bearer(mine.tokens), json={"channel_id": channel_id, "name": "  "}
    )
    assert r.status_code == 422
    # A WhatsApp channel is not a TikTok channel.
    r = await client.get(
        "/api/v1/integrations/tiktok/links", params={"channel_id": mine.whatsapp_id}, headers=bearer(mine.tokens)
    )
    assert r.status_code == 404


@pytest.mark.usefixtures("one_rate_limit_window")
async def test_the_redirect_is_rate_limited_per_visitor(
    fake: FakeWaha, fake_waha: tuple[FakeWaha, str], owner_url: str, app_url: str
) -> None:
    settings = make_settings(
        owner_url,
        WAHA_API_URL=fake_waha[1],
        WAHA_API_KEY="waha-test-key",
        WAHA_WEBHOOK_HMAC_KEY="waha-hmac-secret",
        PUBLIC_BASE_URL="https://x8.example",
        X8_TIKTOK_CLICKS_PER_IP_PER_MINUTE="3",
    )
    async with app_client(settings, app_url) as limited:
        business = await business_on_whatsapp(limited, fake, owner_url, app_url)
        channel_id = await connect_tiktok(limited, business)
        link = await new_link(limited, business, channel_id)
        statuses = [(await limited.get(f"/t/{link['code']}")).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
