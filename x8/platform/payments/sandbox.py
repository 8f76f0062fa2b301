"""The sandbox checkout (SPEC.md R-E5): with no ``STRIPE_SECRET_KEY`` and ``X8_ENV`` not ``production``, a chat
order's link is ``PUBLIC_BASE_URL/sandbox/pay/{order_id}``, a server-rendered page clearly marked SANDBOX whose Pay
button calls ``POST /api/v1/sandbox/payments/{order_id}/pay``, which pays the order through the same code as
Stripe's webhook (``fulfilment.fulfil``). No connected account is needed.

Both answer 404 in production and whenever Stripe is configured (then links are real Checkout Sessions, and a
sandbox that could mark orders paid would be a way not to pay), and for any order that was not made for the
sandbox. The order id in the URL is the capability: a random UUID (122 random bits), the page shows no personal
data, and paying only marks a sandbox order paid.

``/pay/finished/{order_id}`` is where Stripe's Checkout sends the customer afterwards: a page that says to go back
to the chat (the confirmation comes there, from the webhook).
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from x8.kit.db import Database
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Conflict, NotFound, error_responses
from x8.kit.i18n import Language, Message, as_language, msg, negotiate
from x8.platform.companies.models import Company
from x8.platform.orders import refs, store
from x8.platform.orders.money import format_major, to_major
from x8.platform.orders.store import Item, Order, Payment
from x8.platform.payments import fulfilment
from x8.platform.payments.checkout import checkout_mode
from x8.platform.payments.notices import reference
from x8.platform.payments.schemas import SandboxPaid
from x8.settings import Settings
from x8.tenancy.session import tenant_session

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/sandbox/payments", tags=["payments"])


@dataclass(frozen=True)
class SandboxOrder:
    company_id: uuid.UUID
    company_name: str
    company_language: str
    order: Order
    items: list[Item]


def _not_found() -> NotFound:
    return NotFound(msg("No such sandbox order."))


async def _sandbox_order(db: Database, settings: Settings, order_id: uuid.UUID) -> SandboxOrder:
    if checkout_mode(settings) != "sandbox":
        raise _not_found()
    company_id = await refs.company_of(db, order_id)
    if company_id is None:
        raise _not_found()
    async with db.sessions() as session:
        company = await session.get(Company, company_id)
        if company is None:
            raise _not_found()
        name, language = company.name, company.language
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id)
        items = (await store.items_of(ts, [order_id]))[order_id] if order else []
    if order is None or order.provider != "sandbox":
        raise _not_found()
    return SandboxOrder(company_id, name, language, order, items)


def _page_language(request: Request, order: Order | None, company_language: str | None) -> Language:
    """The customer's language as the chat knew it; else what the browser asks for; else the company's."""
    if order is not None and order.language in ("en", "ru"):
        return as_language(order.language)
    if request.headers.get("accept-language") or company_language is None:
        return negotiate(request.headers.get("accept-language"))
    return as_language(company_language)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#111}
.banner{background:#b45309;color:#fff;text-align:center;padding:.6rem;font-weight:700;letter-spacing:.08em}
main{max-width:34rem;margin:2rem auto;background:#fff;border-radius:.75rem;padding:1.5rem;
box-shadow:0 1px 3px rgba(0,0,0,.1)}
table{width:100%;border-collapse:collapse;margin:1rem 0}
th,td{padding:.4rem;border-bottom:1px solid #e5e7eb;text-align:left}
td.n,th.n{text-align:right;white-space:nowrap}tfoot th,tfoot td{font-weight:700;border:0}
button{width:100%;padding:.8rem;font-size:1rem;border:0;border-radius:.5rem;background:#111;color:#fff;cursor:pointer}
button:disabled{background:#9ca3af;cursor:default}.note{color:#4b5563;font-size:.9rem}
"""


def _page(language: Language, title: Message, body: str) -> HTMLResponse:
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
        f"<title>{html.escape(title.render(language))}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(document, headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})


def _t(message: Message, language: Language) -> str:
    return html.escape(message.render(language))


def _money(amount: int, currency: str, language: Language) -> str:
    """An amount in major units, with the decimal comma in Russian."""
    text = format_major(amount, currency)
    return text.replace(".", ",") if language == "ru" else text


_NO_MONEY = msg("This is a test checkout of X8 Network: no card is asked for and no money moves.")


def _checkout(found: SandboxOrder, language: Language) -> str:
    order = found.order
    rows = "".join(
        f"<tr><td>{html.escape(item.name)}</td><td class='n'>{item.quantity}</td>"
        f"<td class='n'>{_money(item.unit_amount, item.currency, language)}</td>"
        f"<td class='n'>{_money(item.unit_amount * item.quantity, item.currency, language)}</td></tr>"
        for item in found.items
    )
    total = f"{_money(order.amount, order.currency, language)} {html.escape(order.currency)}"
    states = {
        "paid": msg("Paid. Thank you! You can go back to the chat."),
        "pending": msg("Not paid yet."),
    }
    state = states.get(order.status, msg("This order can no longer be paid. Ask for a new link in the chat."))
    button = ""
    if order.status == "pending":
        pay = msg("Pay {amount} {currency}", amount=to_major(order.amount, order.currency), currency=order.currency)
        button = (
            f"<button id='pay' data-url='/api/v1/sandbox/payments/{order.id}/pay' "
            f"data-paid='{_t(states['paid'], language)}' "
            f"data-failed='{_t(msg('The payment did not go through. Please try again.'), language)}'>"
            f"{_t(pay, language)}</button>"
            "<script>"
            "const b=document.getElementById('pay'),s=document.getElementById('state');"
            "b.addEventListener('click',async()=>{b.disabled=true;"
            "try{const r=await fetch(b.dataset.url,{method:'POST'});if(!r.ok)throw new Error(String(r.status));"
            "s.textContent=b.dataset.paid;b.remove();}catch(e){s.textContent=b.dataset.failed;b.disabled=false;}});"
            "</script>"
        )
    return (
        f"<div class='banner' role='note'>{_t(msg('SANDBOX: no real payment is made'), language)}</div><main>"
        f"<h1>{html.escape(found.company_name)}</h1>"
        f"<p>{_t(msg('Order {reference}', reference=reference(order.id)), language)}</p>"
        f"<table><thead><tr><th>{_t(msg('Item'), language)}</th><th class='n'>{_t(msg('Qty'), language)}</th>"
        f"<th class='n'>{_t(msg('Price'), language)}</th><th class='n'>{_t(msg('Sum'), language)}</th></tr></thead>"
        f"<tbody>{rows}</tbody><tfoot><tr><th colspan='3'>{_t(msg('Total'), language)}</th>"
        f"<td class='n'>{total}</td></tr></tfoot></table>"
        f"<p id='state' role='status'>{_t(state, language)}</p>{button}"
        f"<p class='note'>{_t(_NO_MONEY, language)}</p>"
        "</main>"
    )


@pages.get("/sandbox/pay/{order_id}", response_class=HTMLResponse)
async def sandbox_page(order_id: uuid.UUID, request: Request, db: DatabaseDep, settings: SettingsDep) -> HTMLResponse:
    found = await _sandbox_order(db, settings, order_id)
    language = _page_language(request, found.order, found.company_language)
    return _page(language, msg("Sandbox checkout"), _checkout(found, language))


@api.post("/{order_id}/pay", response_model=SandboxPaid, responses=error_responses(NotFound, Conflict))
async def sandbox_pay(order_id: uuid.UUID, db: DatabaseDep, settings: SettingsDep) -> SandboxPaid:
    """Pay a sandbox order as if the customer had paid at Stripe: the same fulfilment as Stripe's webhook (the order
    ``paid``, the conversation ``paid``, the ``after_payment`` message). Paying again changes nothing. 404 in
    production, when Stripe is configured, and for orders that are not sandbox orders."""
    found = await _sandbox_order(db, settings, order_id)
    payment = Payment(amount=found.order.amount, currency=found.order.currency)
    outcome = await fulfilment.fulfil(db, settings, found.company_id, order_id, payment, sandbox=True)
    if outcome is None:
        raise _not_found()
    if outcome.order.status != "paid":
        raise Conflict(msg("This order can no longer be paid. Ask for a new link in the chat."))
    return SandboxPaid(order_id=order_id, status="paid", paid_at=outcome.order.paid_at)


@pages.get("/pay/finished/{order_id}", response_class=HTMLResponse)
async def checkout_finished(order_id: uuid.UUID, request: Request, cancelled: bool = Query(False)) -> HTMLResponse:
    """Where Stripe's Checkout sends the customer back to. It reads nothing: the chat confirms the payment."""
    language = _page_language(request, None, None)
    text = (
        msg("The payment was cancelled. You can pay later with the link from the chat.")
        if cancelled
        else msg("Thank you! Your payment is being confirmed; you will get a message in the chat.")
    )
    body = f"<main><h1>{_t(msg('X8 Network checkout'), language)}</h1><p>{_t(text, language)}</p></main>"
    return _page(language, msg("X8 Network checkout"), body)
