"""The purchase log (SPEC.md R-P3): GET /api/v1/purchases with its filters and SPEC's shape, the CSV export with
formula escaping, and who may read which company's orders."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import bearer, create_staff, login, sql
from tests.payments.helpers import Shop, open_shop, tenant_sql
from x8.kit.db import Database
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings

PURCHASES = "/api/v1/purchases"


async def _buy(db: Database, settings: Settings, shop: Shop, *lines: tuple[str, int]) -> PaymentLink:
    link = await payment_link(
        db, settings, shop.company, shop.conversation, [OrderLine(shop.row(name), n) for name, n in lines]
    )
    assert isinstance(link, PaymentLink)
    return link


async def _pay(client: httpx.AsyncClient, link: PaymentLink) -> None:
    assert (await client.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")).status_code == 200


async def test_the_log_lists_orders_in_specs_shape_with_filters(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str
) -> None:
    client = sandbox_client
    shop = await open_shop(client)
    roses = await _buy(db, sandbox_settings, shop, ("Classic Rose", 2), ("Greeting card", 1))
    tea = await _buy(db, sandbox_settings, shop, ("Matcha", 1))
    await _pay(client, roses)

    listed = await client.get(PURCHASES, params={"company_id": shop.company_id}, headers=bearer(shop.tokens))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 2 and [p["id"] for p in body["items"]] == [str(tea.order_id), str(roses.order_id)]
    paid = body["items"][1]
    assert paid == {
        "id": str(roses.order_id),
        "company_id": shop.company_id,
        "conversation_id": shop.conversation_id,
        "contact": {"name": "Owner", "handle": "customer-1"},
        "channel": "web",
        "lead_source": None,
        "items": [
            {
                "kb_row_id": str(shop.row("Classic Rose")),
                "name": "Classic Rose",
                "quantity": 2,
                "unit_amount": "24.90",
                "currency": "USD",
            },
            {
                "kb_row_id": str(shop.row("Greeting card")),
                "name": "Greeting card",
                "quantity": 1,
                "unit_amount": "3.50",
                "currency": "USD",
            },
        ],
        "amount": "53.30",
        "currency": "USD",
        "status": "paid",
        "paid_at": paid["paid_at"],
        "booking": None,
        "created_at": paid["created_at"],
    }
    assert paid["paid_at"] is not None
    assert body["items"][0]["amount"] == "1500" and body["items"][0]["status"] == "pending"

    only_paid = await client.get(
        PURCHASES, params={"company_id": shop.company_id, "status": "paid"}, headers=bearer(shop.tokens)
    )
    assert [p["id"] for p in only_paid.json()["items"]] == [str(roses.order_id)] and only_paid.json()["total"] == 1

    # Days are the company's (UTC here); "to" includes its day.
    tenant_sql(
        owner_url,
        shop.company_id,
        "UPDATE {schema}.orders SET created_at = %s WHERE id = %s",
        datetime(2026, 1, 15, 23, 30, tzinfo=UTC),
        roses.order_id,
    )
    january = {"company_id": shop.company_id, "from": "2026-01-15", "to": "2026-01-15"}
    found = (await client.get(PURCHASES, params=january, headers=bearer(shop.tokens))).json()
    assert [p["id"] for p in found["items"]] == [str(roses.order_id)]
    instant = {"company_id": shop.company_id, "to": "2026-01-15T23:00:00Z"}
    assert (await client.get(PURCHASES, params=instant, headers=bearer(shop.tokens))).json()["total"] == 0
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    recent = await client.get(PURCHASES, params={"from": since}, headers=bearer(shop.tokens))
    assert [p["id"] for p in recent.json()["items"]] == [str(tea.order_id)]

    page = await client.get(PURCHASES, params={"limit": 1, "offset": 1}, headers=bearer(shop.tokens))
    assert page.json()["total"] == 2 and [p["id"] for p in page.json()["items"]] == [str(roses.order_id)]


async def test_bad_filters_are_refused_clearly(sandbox_client: httpx.AsyncClient) -> None:
    client = sandbox_client
    shop = await open_shop(client)
    for params in ({"status": "lost"}, {"from": "yesterday"}, {"to": "2026-13-40"}, {"company_id": "COMP001"}):
        response = await client.get(PURCHASES, params=params, headers=bearer(shop.tokens))
        assert response.status_code == 422, params
    backwards = await client.get(
        PURCHASES, params={"from": "2026-02-01", "to": "2026-01-01"}, headers=bearer(shop.tokens)
    )
    assert backwards.status_code == 400 and "'from' must come before 'to'" in backwards.json()["detail"]
    russian = await client.get(
        PURCHASES, params={"from": "вчера"}, headers={**bearer(shop.tokens), "Accept-Language": "ru"}
    )
    assert "Укажите дату" in russian.json()["detail"][0]["msg"]
    assert (await client.get(PURCHASES)).status_code == 401


async def test_other_businesses_orders_are_404_and_managers_read_their_businesses(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, app_url: str, owner_url: str
) -> None:
    client = sandbox_client
    mine = await open_shop(client, "mine@example.com")
    theirs = await open_shop(client, "theirs@example.com")
    await _buy(db, sandbox_settings, mine, ("Classic Rose", 1))
    await _buy(db, sandbox_settings, theirs, ("Matcha", 2))

    other = await client.get(PURCHASES, params={"company_id": theirs.company_id}, headers=bearer(mine.tokens))
    assert other.status_code == 404 and other.json()["error"] == "NotFound"
    export = await client.get(
        f"{PURCHASES}/export", params={"company_id": theirs.company_id}, headers=bearer(mine.tokens)
    )
    assert export.status_code == 404
    everything = (await client.get(PURCHASES, headers=bearer(mine.tokens))).json()
    assert everything["total"] == 1 and everything["items"][0]["company_id"] == mine.company_id

    manager_id = await create_staff(app_url, "MANAGER", "manager@example.com")
    sql(owner_url, "UPDATE users SET manager_id = %s WHERE email = 'theirs@example.com'", uuid.UUID(manager_id))
    manager = await login(client, "manager@example.com", "StaffPass123")
    seen = (await client.get(PURCHASES, headers=bearer(manager))).json()
    assert seen["total"] == 1 and seen["items"][0]["company_id"] == theirs.company_id
    assert (
        await client.get(PURCHASES, params={"company_id": mine.company_id}, headers=bearer(manager))
    ).status_code == 404


async def test_the_export_is_csv_with_formulas_escaped(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str
) -> None:
    client = sandbox_client
    shop = await open_shop(client)
    renamed = await client.patch(
        f"/api/v1/knowledge-base/{shop.kb_id}/rows/{shop.row('Classic Rose')}",
        headers=bearer(shop.tokens),
        json={"name": '=HYPERLINK("http://evil.example","Rose")'},
    )
    assert renamed.status_code == 200, renamed.text
    link = await _buy(db, sandbox_settings, shop, ("Classic Rose", 2))
    tenant_sql(
        owner_url, shop.company_id, "UPDATE {schema}.orders SET contact_name = '@SUM(A1)' WHERE id = %s", link.order_id
    )

    response = await client.get(
        f"{PURCHASES}/export", params={"company_id": shop.company_id}, headers=bearer(shop.tokens)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(link.order_id) and row["amount"] == "49.80" and row["currency"] == "USD"
    assert row["status"] == "pending" and row["channel"] == "web"
    assert row["items"] == '2 × =HYPERLINK("http://evil.example","Rose")'  # a formula only runs from a cell's start
    assert row["contact_name"] == "'@SUM(A1)"
    assert row["company"] == "Shop"
