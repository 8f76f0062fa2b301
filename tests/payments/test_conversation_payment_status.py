"""The conversation API says where the conversation's newest order stands (SPEC.md R-P2: ``payment_status``), in the
list and in one conversation, for the dashboard's badges: no link, then the link sent, then paid; a new order
starts again."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.payments.helpers import Shop, open_shop
from x8.kit.db import Database
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings


async def _statuses(client: httpx.AsyncClient, shop: Shop) -> tuple[str, str]:
    """The conversation's payment_status as the list and as the conversation itself give it."""
    listed = await client.get(
        "/api/v1/conversations", params={"company_id": shop.company_id}, headers=bearer(shop.tokens)
    )
    assert listed.status_code == 200, listed.text
    [row] = [item for item in listed.json()["items"] if item["id"] == shop.conversation_id]
    one = await client.get(f"/api/v1/conversations/{shop.conversation_id}", headers=bearer(shop.tokens))
    assert one.status_code == 200, one.text
    return str(row["payment_status"]), str(one.json()["payment_status"])


async def _order(db: Database, settings: Settings, shop: Shop, quantity: int) -> PaymentLink:
    link = await payment_link(
        db, settings, shop.company, shop.conversation, [OrderLine(shop.row("Classic Rose"), quantity)]
    )
    assert isinstance(link, PaymentLink), link
    return link


async def test_the_conversation_api_follows_the_newest_order_from_no_link_to_paid(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings
) -> None:
    client = sandbox_client
    shop = await open_shop(client)
    assert await _statuses(client, shop) == ("no_payment_link", "no_payment_link")

    first = await _order(db, sandbox_settings, shop, 2)
    assert await _statuses(client, shop) == ("payment_link_sent", "payment_link_sent")

    paid = await client.post(f"/api/v1/sandbox/payments/{first.order_id}/pay")
    assert paid.status_code == 200, paid.text
    assert await _statuses(client, shop) == ("paid", "paid")

    await _order(db, sandbox_settings, shop, 1)  # a new order: its link is what the conversation waits on now
    assert await _statuses(client, shop) == ("payment_link_sent", "payment_link_sent")


async def test_the_payment_status_is_one_of_the_three_the_schema_names(sandbox_client: httpx.AsyncClient) -> None:
    schema: dict[str, Any] = (await sandbox_client.get("/openapi.json")).json()
    field = schema["components"]["schemas"]["ConversationOut"]["properties"]["payment_status"]
    assert field["enum"] == ["no_payment_link", "payment_link_sent", "paid"]
    assert "payment_status" in schema["components"]["schemas"]["ConversationOut"]["required"]
