"""Attribution through WhatsApp (SPEC.md R-CH6): the first message carrying a live ref code marks the contact
``lead_source='tiktok'`` with its link and campaign (also when the customer edited the text around the code), a
later code changes nothing, the conversations filter finds it, its orders carry it, and the link's numbers count
its paid orders. Meta's Click-to-WhatsApp ``referral`` is recorded the same way."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import history, run_jobs
from tests.fakes.waha import FakeWaha
from tests.payments.helpers import tenant_sql
from tests.tiktok.helpers import (
    Business,
    business_on_whatsapp,
    connect_tiktok,
    emit,
    links,
    new_link,
    whatsapp_message,
)
from x8.kit.db import Database
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings

ANNA = "4915112345678@c.us"
BORIS = "4915187654321@c.us"
CLARA = "4915100000003@c.us"


async def _conversations(client: httpx.AsyncClient, business: Business, **params: str) -> list[dict[str, object]]:
    r = await client.get(
        "/api/v1/conversations", params={"company_id": business.company_id, **params}, headers=bearer(business.tokens)
    )
    assert r.status_code == 200, r.text
    items: list[dict[str, object]] = r.json()["items"]
    return items


def _contact(owner_url: str, business: Business, external_id: str) -> tuple[object, ...]:
    [row] = tenant_sql(
        owner_url,
        business.company_id,
        "SELECT lead_source, lead_link_id, lead_campaign, lead_ad_id, lead_attributed_at IS NOT NULL "
        "FROM {schema}.contacts WHERE external_id = %s",
        external_id,
    )
    return row


async def test_the_first_message_with_a_live_code_attributes_the_contact(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    channel_id = await connect_tiktok(client, business)
    spring = await new_link(client, business, channel_id, campaign="Spring sale")
    autumn = await new_link(client, business, channel_id, name="Autumn video", campaign="Autumn")

    # Anna rewrote the greeting and put the code elsewhere, in capitals.
    edited = f"hi!! do you deliver roses? REF: {spring['code'].upper()} thanks"
    await emit(client, fake, business.session, "message", whatsapp_message("false_a_1", edited, ANNA))
    await run_jobs(app_url)
    assert _contact(owner_url, business, ANNA) == ("tiktok", uuid.UUID(spring["id"]), "Spring sale", None, True)

    # A later code (another ad) does not take Anna over.
    later = f"Hello again (ref:{autumn['code']})"
    await emit(client, fake, business.session, "message", whatsapp_message("false_a_2", later, ANNA))
    # Boris writes without a code; Clara with a code that was never issued.
    await emit(client, fake, business.session, "message", whatsapp_message("false_b_1", "How much are roses?", BORIS))
    await emit(client, fake, business.session, "message", whatsapp_message("false_c_1", "hi ref:zzzzzzzzzz", CLARA))
    await run_jobs(app_url)
    assert _contact(owner_url, business, ANNA)[:3] == ("tiktok", uuid.UUID(spring["id"]), "Spring sale")
    assert _contact(owner_url, business, BORIS)[0] is None
    assert _contact(owner_url, business, CLARA)[0] is None

    from_tiktok = await _conversations(client, business, lead_source="tiktok")
    assert [c["contact"]["external_id"] for c in from_tiktok] == [ANNA]  # type: ignore[index]
    assert from_tiktok[0]["lead_source"] == "tiktok"
    assert len(await _conversations(client, business)) == 3

    # The stored message keeps the code as the customer sent it.
    [anna] = from_tiktok
    assert any(m["body"] == edited for m in await history(client, business.tokens, str(anna["id"])))

    numbers = {item["id"]: item for item in await links(client, business, channel_id)}
    assert (numbers[spring["id"]]["leads"], numbers[autumn["id"]]["leads"]) == (1, 0)


async def test_an_expired_code_attributes_nothing(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    channel_id = await connect_tiktok(client, business)
    link = await new_link(client, business, channel_id)
    sql(owner_url, "UPDATE tiktok_links SET expires_at = now() - interval '1 second' WHERE id = %s", link["id"])
    text = f"Hello (ref:{link['code']})"
    await emit(client, fake, business.session, "message", whatsapp_message("false_x_1", text, ANNA))
    await run_jobs(app_url)
    assert _contact(owner_url, business, ANNA)[0] is None


async def test_a_meta_click_to_whatsapp_referral_is_recorded_as_meta_ads(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    referral = {
        "source_url": "https://fb.me/abc",
        "source_id": "120210000000001",
        "source_type": "ad",
        "headline": "Roses for spring",
        "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ",
    }
    message = whatsapp_message("false_m_1", "Hi, I saw your ad", ANNA, referral=referral)
    await emit(client, fake, business.session, "message", message)
    await run_jobs(app_url)
    assert _contact(owner_url, business, ANNA) == ("meta_ads", None, "Roses for spring", "120210000000001", True)
    assert len(await _conversations(client, business, lead_source="meta_ads")) == 1


async def test_a_links_numbers_count_its_leads_paid_orders_and_revenue(
    client: httpx.AsyncClient, fake: FakeWaha, owner_url: str, app_url: str, db: Database, tiktok_settings: Settings
) -> None:
    business = await business_on_whatsapp(client, fake, owner_url, app_url)
    channel_id = await connect_tiktok(client, business)
    link = await new_link(client, business, channel_id, campaign="Spring sale")
    await client.get(f"/t/{link['code']}", headers={"user-agent": "Mozilla/5.0 (Linux; Android 14) Mobile"})
    await emit(client, fake, business.session, "message", whatsapp_message("false_o_1", link["prefill"], ANNA))
    await emit(client, fake, business.session, "message", whatsapp_message("false_o_2", "Hello", BORIS))
    await run_jobs(app_url)
    by_contact = {c["contact"]["external_id"]: c for c in await _conversations(client, business)}  # type: ignore[index]

    rose = uuid.UUID(business.rows["Classic Rose"])
    company = uuid.UUID(business.company_id)

    async def order(external_id: str, quantity: int, pay: bool) -> str:
        conversation = uuid.UUID(str(by_contact[external_id]["id"]))
        made = await payment_link(db, tiktok_settings, company, conversation, [OrderLine(rose, quantity)])
        assert isinstance(made, PaymentLink), made
        if pay:
            paid = await client.post(f"/api/v1/sandbox/payments/{made.order_id}/pay")
            assert paid.status_code == 200, paid.text
        return str(made.order_id)

    first = await order(ANNA, 2, pay=True)  # 49.80
    await order(ANNA, 1, pay=True)  # 24.90
    await order(ANNA, 3, pay=False)  # not paid: not counted
    await order(BORIS, 1, pay=True)  # not from TikTok

    [numbers] = await links(client, business, channel_id)
    assert (numbers["clicks"], numbers["leads"], numbers["orders"]) == (1, 1, 2)
    assert numbers["revenue"] == [{"currency": "USD", "amount": "74.70"}]

    purchases = await client.get(
        "/api/v1/purchases", params={"company_id": business.company_id}, headers=bearer(business.tokens)
    )
    assert purchases.status_code == 200, purchases.text
    sources = {p["id"]: p["lead_source"] for p in purchases.json()["items"]}
    assert sources[first] == "tiktok" and list(sources.values()).count("tiktok") == 3

    async def purchases_from(source: str) -> list[str | None]:
        r = await client.get(
            "/api/v1/purchases",
            params={"company_id": business.company_id, "lead_source": source},
            headers=bearer(business.tokens),
        )
        assert r.status_code == 200, r.text
        assert r.json()["total"] == len(r.json()["items"])
        return [p["lead_source"] for p in r.json()["items"]]

    assert await purchases_from("tiktok") == ["tiktok"] * 3
    assert await purchases_from("none") == [None]  # Boris came from no known source
    assert await purchases_from("meta_ads") == []
    refused = await client.get("/api/v1/purchases", params={"lead_source": "TikTok!"}, headers=bearer(business.tokens))
    assert refused.status_code == 422
