"""Stock follows payments: a paid order takes its quantities from the rows that count stock, once (the payment
delivered twice takes nothing more), never below zero; an unpaid order takes nothing, and rows without a stock
figure are left alone."""

from __future__ import annotations

import httpx
import pytest

from tests.conversations.helpers import run_jobs
from tests.payments.helpers import Shop, open_shop, tenant_sql
from x8.kit.db import Database
from x8.platform.payments.chat import CartRejected, OrderLine, PaymentLink, payment_link
from x8.settings import Settings


def _stock(owner_url: str, shop: Shop, name: str) -> int | None:
    [(stock,)] = tenant_sql(owner_url, shop.company_id, "SELECT stock FROM {schema}.kb_items WHERE name = %s", name)
    return None if stock is None else int(stock)


async def test_a_paid_order_takes_its_items_from_stock_once(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str, app_url: str
) -> None:
    shop = await open_shop(sandbox_client, "stock@example.com")
    lines = [
        OrderLine(shop.row("Classic Rose"), 3),
        OrderLine(shop.row("Rare orchid"), 2),
        OrderLine(shop.row("Greeting card"), 1),
    ]
    link = await payment_link(db, sandbox_settings, shop.company, shop.conversation, lines)
    assert isinstance(link, PaymentLink)
    assert _stock(owner_url, shop, "Classic Rose") == 100  # ordered, not paid: nothing taken yet

    for _ in range(2):  # the Pay button pressed twice
        paid = await sandbox_client.post(f"/api/v1/sandbox/payments/{link.order_id}/pay")
        assert paid.status_code == 200, paid.text
    await run_jobs(app_url)
    assert _stock(owner_url, shop, "Classic Rose") == 97
    assert _stock(owner_url, shop, "Rare orchid") == 0
    assert _stock(owner_url, shop, "Greeting card") is None  # no stock figure: not counted

    # The last orchids are gone: the next order of one is refused before any link is made.
    with pytest.raises(CartRejected) as refused:
        await payment_link(
            db, sandbox_settings, shop.company, shop.conversation, [OrderLine(shop.row("Rare orchid"), 1)]
        )
    assert refused.value.problem == "out_of_stock" and refused.value.available == 0
