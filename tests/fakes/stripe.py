"""A fake Stripe API (PROVIDERS.md §6; stripe-mock is not available here) that the official SDK talks to.

On the wire it behaves like Stripe's v1 API:
- ``Authorization: Bearer <secret key>`` (or Basic with the key as user); a wrong or missing key is 401 with
  Stripe's envelope ``{"error": {"type": "invalid_request_error", "message": ...}}``.
- ``Stripe-Version`` must equal ``api_version`` (what the client pins; real Stripe would accept any valid version,
  the fake insists so a client that forgets to pin fails here).
- Form-encoded bodies (query strings for GET/DELETE) with nested keys, ``line_items[0][price_data][currency]``,
  decoded into nested dicts and lists; top-level parameters the SDK's typed params do not know are refused as
  ``parameter_unknown``, like Stripe does.
- ``Stripe-Account`` runs a call on a connected account: objects made there are stored under it and are
  ``resource_missing`` from the platform or another account. An account the platform does not have is 403
  ``account_invalid``.
- ``Idempotency-Key`` on POST as Stripe documents it: the first request's status and body are saved once the
  endpoint starts executing (so not for auth or validation failures, nor for a simulated outage); the same key
  with the same method, path and parameters replays them with ``Idempotent-Replayed: true`` and
  ``Original-Request``; with other parameters or another endpoint it is 400 ``idempotency_error``. Keys are
  scoped per account. GET and DELETE ignore the header.
- Ids with Stripe's prefixes (``cus_``, ``cs_test_``, ``acct_``, ``sub_``, ``si_``, ``bps_``, ``price_``,
  ``evt_``), a ``Request-Id`` on every answer.

Tests script the rest: ``outage`` ("500", "503", "429" or "close": the connection is dropped after the status line)
answers every request that way until cleared; ``fail_next`` does it once per entry, plus "lost-answer" (the work is
done and saved, then the connection drops: a retry with the same key must get the replay). ``requests`` counts
requests by path, ``log`` keeps them decoded, ``during_request`` is a probe run with the path on every request.
``update_account`` flips an account's ``charges_enabled`` / ``details_submitted`` / ``payouts_enabled``, and
``balances`` keeps Stripe from deleting an account that holds money; ``complete_session``, ``expire_session``,
``add_price``, ``add_subscription``, ``set_subscription_status``, ``add_invoice`` and ``event`` + ``sign_webhook``
stand in for the customer, for time passing and for Stripe's webhooks (billing: a subscription's renewal, a
failed payment, a cancellation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import stripe.params
import stripe.params.billing_portal
import stripe.params.checkout

from x8.integrations.stripe import API_VERSION

API_KEY = "sk_test_51X8fakeplatformkey000000000000"


class _DropConnection(Exception):
    """Raised by the app after the status line went out: uvicorn then closes the connection."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _DropConnection))


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


class StripeFailure(Exception):
    """An answer in Stripe's error envelope. ``saved``: the endpoint had started, so an idempotency key keeps it."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        saved: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.saved = saved
        self.body: dict[str, Any] = {"type": type, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["param"] = param


def _missing(what: str, name: str) -> StripeFailure:
    return StripeFailure(404, f"No such {what}: '{name}'", code="resource_missing", param="id", saved=True)


def _required(param: str) -> StripeFailure:
    return StripeFailure(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def _invalid(param: str, message: str) -> StripeFailure:
    return StripeFailure(400, message, code="parameter_invalid", param=param)


_OPTION_KEYS = set(stripe.RequestOptions.__optional_keys__)


def _known(params: Any) -> frozenset[str]:
    """The top-level parameters of an endpoint, from the SDK's generated typed dicts (minus request options)."""
    return frozenset((set(params.__required_keys__) | set(params.__optional_keys__)) - _OPTION_KEYS)


KNOWN_PARAMS = {
    "customers.create": _known(stripe.params.CustomerCreateParams),
    "checkout.sessions.create": _known(stripe.params.checkout.SessionCreateParams),
    "checkout.sessions.retrieve": _known(stripe.params.checkout.SessionRetrieveParams),
    "checkout.sessions.expire": _known(stripe.params.checkout.SessionExpireParams),
    "accounts.create": _known(stripe.params.AccountCreateParams),
    "accounts.retrieve": _known(stripe.params.AccountRetrieveParams),
    "accounts.delete": _known(stripe.params.AccountDeleteParams),
    "account_links.create": _known(stripe.params.AccountLinkCreateParams),
    "billing_portal.sessions.create": _known(stripe.params.billing_portal.SessionCreateParams),
    "subscriptions.retrieve": _known(stripe.params.SubscriptionRetrieveParams),
    "subscriptions.update": _known(stripe.params.SubscriptionUpdateParams),
    "subscriptions.cancel": _known(stripe.params.SubscriptionCancelParams),
    "customers.retrieve": _known(stripe.params.CustomerRetrieveParams),
    "customers.delete": _known(stripe.params.CustomerDeleteParams),
    "prices.retrieve": _known(stripe.params.PriceRetrieveParams),
    "invoices.retrieve": _known(stripe.params.InvoiceRetrieveParams),
}


# --- the wire format ---

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0][c]=v`` pairs as nested dicts; a dict whose keys are exactly 0…n-1 becomes a list (Stripe's
    arrays), except under ``metadata``, whose keys are the caller's."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise _invalid(key, f"Invalid parameter name: {key}")
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise _invalid(key, f"Invalid hash: {key}")
            node = child
        last = path[-1] if path[-1] != "" else str(len(node))  # a[]=x appends
        if isinstance(node.get(last), dict):
            raise _invalid(key, f"Invalid hash: {key}")
        node[last] = value
    decoded = _arrays(root, None)
    if not isinstance(decoded, dict):
        raise _invalid("0", "Parameters must be named.")
    return decoded


def _arrays(node: Any, key: str | None) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: _arrays(v, k) for k, v in node.items()}
    if key != "metadata" and out and sorted(out) == sorted(str(i) for i in range(len(out))):
        return [out[str(i)] for i in range(len(out))]
    return out


def sign_webhook(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send with ``payload``: ``t=<unix>,v1=<hex HMAC-SHA256 of
    "{t}.{payload}" keyed with the endpoint secret>``."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def signed(event: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """A webhook request as Stripe sends it: the body and its headers."""
    body = json.dumps(event).encode()
    return body, {"content-type": "application/json", "stripe-signature": sign_webhook(body, secret, timestamp)}


def _id(prefix: str, length: int = 24) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def _int(params: dict[str, Any], name: str, shown: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise _invalid(shown, f"Invalid integer: {value}")
    return int(value)


def _bool(params: dict[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise _invalid(name, f"Invalid boolean: {value}")
    return bool(value == "true")


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata = params.get("metadata") or {}
    if metadata == "":
        return {}
    if not isinstance(metadata, dict):
        raise _invalid("metadata", "Invalid object")
    for key, value in metadata.items():
        if len(key) > 40 or not isinstance(value, str) or len(value) > 500:
            raise _invalid(f"metadata[{key}]", "Metadata keys are at most 40 characters, values at most 500.")
    return {k: v for k, v in metadata.items() if v != ""}  # an empty value removes the key


# --- the fake ---


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    params: dict[str, Any]
    account: str | None
    idempotency_key: str | None
    status: int = 0
    replayed: bool = False


@dataclass
class _Saved:
    endpoint: str
    params: dict[str, Any]
    status: int
    body: bytes
    request_id: str


@dataclass
class FakeStripe:
    api_key: str = API_KEY
    api_version: str = API_VERSION
    checkout_host: str = "https://checkout.stripe.test"
    connect_host: str = "https://connect.stripe.test"
    billing_host: str = "https://billing.stripe.test"
    outage: str | None = None  # "500", "503", "429" or "close", for every request until cleared
    fail_next: list[str] = field(default_factory=list)  # the same, once each, plus "lost-answer"
    during_request: Callable[[str], None] | None = None
    requests: Counter[str] = field(default_factory=Counter)  # by path, every request that reached the fake
    log: list[Recorded] = field(default_factory=list)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # the platform's connected accounts
    balances: dict[str, int] = field(default_factory=dict)  # an account's balance: Stripe will not delete it
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    # objects by the account they live on (None: the platform), then by id
    objects: dict[str | None, dict[str, dict[str, Any]]] = field(default_factory=dict)
    _saved: dict[tuple[str | None, str], _Saved] = field(default_factory=dict)
    _session_prices: dict[str, list[str]] = field(default_factory=dict)
    _session_subscription_metadata: dict[str, dict[str, str]] = field(default_factory=dict)

    # --- reading what happened ---

    def store(self, account: str | None = None) -> dict[str, dict[str, Any]]:
        return self.objects.setdefault(account, {})

    def of_type(self, kind: str, account: str | None = None) -> list[dict[str, Any]]:
        return [o for o in self.store(account).values() if o["object"] == kind]

    def last(self, path: str) -> Recorded:
        return next(r for r in reversed(self.log) if r.path == path)

    # --- scripting Stripe's side ---

    def add_price(
        self, unit_amount: int = 1999, currency: str = "usd", *, recurring: bool = True, price_id: str | None = None
    ) -> str:
        price_id = price_id or _id("price_")
        self.prices[price_id] = {
            "id": price_id,
            "object": "price",
            "active": True,
            "currency": currency,
            "unit_amount": unit_amount,
            "type": "recurring" if recurring else "one_time",
            "recurring": {"interval": "month", "interval_count": 1} if recurring else None,
            "product": _id("prod_", 14),
            "livemode": False,
        }
        return price_id

    def update_account(
        self,
        account_id: str,
        *,
        charges_enabled: bool | None = None,
        payouts_enabled: bool | None = None,
        details_submitted: bool | None = None,
    ) -> dict[str, Any]:
        """What finishing (or failing) onboarding does to an account; send ``event("account.updated", …)`` next."""
        account = self.accounts[account_id]
        if details_submitted is not None:
            account["details_submitted"] = details_submitted
        if payouts_enabled is not None:
            account["payouts_enabled"] = payouts_enabled
        if charges_enabled is not None:
            account["charges_enabled"] = charges_enabled
            state = "active" if charges_enabled else "inactive"
            account["capabilities"] = {
                **dict.fromkeys(account["capabilities"], state),
                "card_payments": state,
                "transfers": state,
            }
            due = [] if charges_enabled else ["business_profile.url", "external_account", "tos_acceptance.date"]
            account["requirements"].update(currently_due=due, past_due=due, eventually_due=due)
            account["requirements"]["disabled_reason"] = None if charges_enabled else "requirements.past_due"
        return account

    def add_subscription(
        self,
        customer: str,
        price: str,
        *,
        status: str = "active",
        account: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        now = int(time.time())
        subscription_id = _id("sub_")
        subscription = {
            "id": subscription_id,
            "object": "subscription",
            "customer": customer,
            "status": status,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "ended_at": None,
            "created": now,
            "start_date": now,
            "livemode": False,
            "metadata": dict(metadata or {}),
            "latest_invoice": _id("in_"),
            "items": {
                "object": "list",
                "data": [self._subscription_item(subscription_id, price, 1, now)],
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={subscription_id}",
            },
        }
        self.store(account)[subscription_id] = subscription
        return subscription

    def complete_session(self, session_id: str, account: str | None = None) -> dict[str, Any]:
        """The customer paid: the session is ``complete`` / ``paid`` and, in subscription mode, has a subscription.
        Send ``event("checkout.session.completed", session)`` next."""
        session = self.store(account)[session_id]
        session.update(status="complete", payment_status="paid", url=None)
        if session["mode"] == "subscription":
            if session["customer"] is None:
                session["customer"] = _id("cus_", 14)
            price = self._session_prices[session_id][0]
            metadata = self._session_subscription_metadata.get(session_id)
            session["subscription"] = self.add_subscription(
                session["customer"], price, account=account, metadata=metadata
            )["id"]
        else:
            session["payment_intent"] = _id("pi_")
        return session

    def expire_session(self, session_id: str, account: str | None = None) -> dict[str, Any]:
        """The session's ``expires_at`` passed unpaid: Stripe expires it. Send ``event("checkout.session.expired",
        session)`` next."""
        session = self.store(account)[session_id]
        session.update(status="expired", url=None)
        return session

    def set_subscription_status(
        self, subscription_id: str, status: str, *, account: str | None = None
    ) -> dict[str, Any]:
        """Stripe moved the subscription on (``past_due`` after a failed renewal, ``canceled`` at its end…). Send
        ``event("customer.subscription.updated" or ".deleted", subscription)`` next."""
        subscription = self._subscription(account, subscription_id)
        subscription["status"] = status
        if status == "canceled":
            now = int(time.time())
            subscription.update(canceled_at=now, ended_at=now)
        return subscription

    def add_invoice(self, subscription_id: str, *, paid: bool = True, account: str | None = None) -> dict[str, Any]:
        """The subscription's invoice for its current period, paid or with its payment failed (then ``open``, with
        an attempt made). Send ``event("invoice.paid" or "invoice.payment_failed", invoice)`` next."""
        subscription = self._subscription(account, subscription_id)
        item = subscription["items"]["data"][0]
        amount = int(item["price"].get("unit_amount") or 0)
        invoice_id = _id("in_")
        number = f"X8FAKE-{len(self.of_type('invoice', account)) + 1:04d}"
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "customer": subscription["customer"],
            "number": number,
            "status": "paid" if paid else "open",
            "paid": paid,
            "attempted": True,
            "attempt_count": 1,
            "amount_due": amount,
            "amount_paid": amount if paid else 0,
            "amount_remaining": 0 if paid else amount,
            "currency": item["price"].get("currency") or "usd",
            "billing_reason": "subscription_cycle",
            "hosted_invoice_url": f"{self.billing_host}/i/{invoice_id}",
            "invoice_pdf": f"{self.billing_host}/i/{invoice_id}/pdf",
            "period_start": item["current_period_start"],
            "period_end": item["current_period_end"],
            "created": int(time.time()),
            "livemode": False,
            # Since API 2025-03-31 an invoice names its subscription here, no longer at the top level.
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {"subscription": subscription_id, "metadata": subscription["metadata"]},
            },
        }
        self.store(account)[invoice_id] = invoice
        subscription["latest_invoice"] = invoice_id
        return invoice

    def event(
        self,
        type: str,
        obj: dict[str, Any],
        *,
        account: str | None = None,
        previous_attributes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An event as a webhook carries it; Connect events name their ``account``."""
        data: dict[str, Any] = {"object": json.loads(json.dumps(obj))}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        event: dict[str, Any] = {
            "id": _id("evt_"),
            "object": "event",
            "api_version": self.api_version,
            "created": int(time.time()),
            "type": type,
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
        }
        if account is not None:
            event["account"] = account
        return event

    # --- the wire ---

    def answer(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        request_id = _id("req_", 14)
        out = {"request-id": request_id, "content-type": "application/json", "stripe-version": self.api_version}
        account = headers.get("stripe-account") or None
        key = headers.get("idempotency-key") if method == "POST" else None
        record = Recorded(method, path, headers, {}, account, key)
        self.log.append(record)

        def fail(error: StripeFailure) -> tuple[int, dict[str, str], bytes]:
            record.status = error.status
            return error.status, out, json.dumps({"error": error.body}).encode()

        try:
            self._authenticate(headers)
            version = headers.get("stripe-version")
            if version != self.api_version:
                raise StripeFailure(
                    400,
                    f"Invalid Stripe API version: {version}. This fake expects {self.api_version}.",
                )
            if account is not None and account not in self.accounts:
                raise StripeFailure(
                    403,
                    f"The provided key '{_masked(self.api_key)}' does not have access to account '{account}' "
                    "(or that account does not exist). Application access may have been revoked.",
                    code="account_invalid",
                )
            if method == "POST":
                if headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
                    raise StripeFailure(400, "Stripe's v1 API takes application/x-www-form-urlencoded bodies.")
                text = body.decode(errors="replace")
            else:
                text = query
            record.params = params = decode_form(parse_qsl(text, keep_blank_values=True, strict_parsing=False))
            if key is not None and len(key) > 255:
                raise _invalid("Idempotency-Key", "Idempotency keys are at most 255 characters long.")
        except StripeFailure as error:
            return fail(error)

        endpoint = f"{method} {path}"
        if key is not None:
            saved = self._saved.get((account, key))
            if saved is not None:
                if saved.endpoint != endpoint:
                    return fail(_idempotency_error(key, "for the same endpoint they were first used for"))
                if saved.params != params:
                    return fail(_idempotency_error(key, "with the same parameters they were first used with"))
                record.status, record.replayed = saved.status, True
                replay = {**out, "idempotent-replayed": "true", "original-request": saved.request_id}
                return saved.status, replay, saved.body

        try:
            status, payload = 200, self._route(method, path, params, account)
            answer = json.dumps(payload).encode()
        except StripeFailure as error:
            if not error.saved:
                return fail(error)
            status, answer = error.status, json.dumps({"error": error.body}).encode()
        record.status = status
        if key is not None:
            self._saved[(account, key)] = _Saved(endpoint, params, status, answer, request_id)
        return status, out, answer

    def _authenticate(self, headers: dict[str, str]) -> None:
        authorization = headers.get("authorization", "")
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode(errors="replace").partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        if not credential:
            raise StripeFailure(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        if credential != self.api_key:
            raise StripeFailure(401, f"Invalid API Key provided: {_masked(credential)}")

    def _route(self, method: str, path: str, params: dict[str, Any], account: str | None) -> dict[str, Any]:
        for verb, pattern, name, handler in _ROUTES:
            if verb != method:
                continue
            match = pattern.fullmatch(path)
            if match is None:
                continue
            unknown = sorted(set(params) - KNOWN_PARAMS[name])
            if unknown:
                raise StripeFailure(
                    400, f"Received unknown parameter: {unknown[0]}", code="parameter_unknown", param=unknown[0]
                )
            return handler(self, params, account, *match.groups())  # type: ignore[no-any-return]
        raise StripeFailure(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at "
            "https://support.stripe.com/.",
        )

    # --- endpoints: validation first (not saved), then execution (saved with the key) ---

    def _get(self, account: str | None, object_id: str, kind: str) -> dict[str, Any]:
        obj = self.store(account).get(object_id)
        if obj is None or obj["object"] != kind:
            raise _missing(kind, object_id)
        return obj

    def _customer(self, account: str | None, customer_id: str) -> None:
        """A customer named in a parameter: unknown is a 400 on that parameter, not a 404."""
        found = self.store(account).get(customer_id)
        if found is None or found["object"] != "customer":
            raise StripeFailure(400, f"No such customer: '{customer_id}'", code="resource_missing", param="customer")

    def _create_customer(self, params: dict[str, Any], account: str | None) -> dict[str, Any]:
        metadata = _metadata(params)
        email = params.get("email")
        if email is not None and email != "" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise _invalid("email", "Invalid email address: " + email)
        customer = {
            "id": _id("cus_", 14),
            "object": "customer",
            "created": int(time.time()),
            "email": email or None,
            "name": params.get("name") or None,
            "phone": params.get("phone") or None,
            "description": params.get("description") or None,
            "metadata": metadata,
            "balance": 0,
            "currency": None,
            "delinquent": False,
            "livemode": False,
            "preferred_locales": params.get("preferred_locales") or [],
            "tax_exempt": "none",
            "test_clock": None,
        }
        self.store(account)[customer["id"]] = customer
        return customer

    def _retrieve_customer(self, params: dict[str, Any], account: str | None, customer_id: str) -> dict[str, Any]:
        return self._get(account, customer_id, "customer")

    def _delete_customer(self, params: dict[str, Any], account: str | None, customer_id: str) -> dict[str, Any]:
        """What Stripe does: the customer goes, its active subscriptions are cancelled at once, and a second delete
        is "No such customer"."""
        self._get(account, customer_id, "customer")
        now = int(time.time())
        for obj in self.store(account).values():
            if obj["object"] == "subscription" and obj.get("customer") == customer_id and obj["status"] != "canceled":
                obj.update(status="canceled", canceled_at=now, ended_at=now)
        del self.store(account)[customer_id]
        return {"id": customer_id, "object": "customer", "deleted": True}

    def _line_items(self, params: dict[str, Any], mode: str) -> tuple[list[str], int, str | None]:
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise _required("line_items")
        prices: list[str] = []
        total, currency = 0, None
        for i, item in enumerate(items):
            where = f"line_items[{i}]"
            if not isinstance(item, dict):
                raise _invalid(where, f"Invalid object: {where}")
            quantity = _int(item, "quantity", f"{where}[quantity]")
            if quantity is None:
                raise _required(f"{where}[quantity]")
            if quantity < 1:
                raise _invalid(f"{where}[quantity]", "Quantity must be at least 1.")
            if ("price" in item) == ("price_data" in item):
                raise _invalid(where, f"You must specify exactly one of `price` or `price_data` in {where}.")
            if "price" in item:
                price = self.prices.get(item["price"])
                if price is None:
                    raise StripeFailure(
                        400, f"No such price: '{item['price']}'", code="resource_missing", param=f"{where}[price]"
                    )
                recurring, amount, item_currency = (
                    price["recurring"] is not None,
                    price["unit_amount"],
                    price["currency"],
                )
                prices.append(price["id"])
            else:
                data = item["price_data"]
                if not isinstance(data, dict) or not data.get("currency"):
                    raise _required(f"{where}[price_data][currency]")
                amount = _int(data, "unit_amount", f"{where}[price_data][unit_amount]")
                if amount is None:
                    raise _required(f"{where}[price_data][unit_amount]")
                if amount < 0:
                    raise _invalid(
                        f"{where}[price_data][unit_amount]", "This value must be greater than or equal to 0."
                    )
                product = data.get("product_data")
                if "product" not in data and not (isinstance(product, dict) and product.get("name")):
                    raise _required(f"{where}[price_data][product_data][name]")
                recurring, item_currency = "recurring" in data, str(data["currency"]).lower()
                prices.append(self.add_price(amount, item_currency, recurring=recurring))
            if mode == "payment" and recurring:
                raise _invalid(
                    where,
                    "You specified `payment` mode but passed a recurring price. Either switch to "
                    "`subscription` mode or use only one-time prices.",
                )
            if mode == "subscription" and not recurring:
                raise _invalid(where, "You must provide at least one recurring price in `subscription` mode.")
            if currency is not None and item_currency != currency:
                raise _invalid(where, "All line items must use the same currency.")
            currency = item_currency
            total += amount * quantity
        return prices, total, currency

    def _create_session(self, params: dict[str, Any], account: str | None) -> dict[str, Any]:
        mode = params.get("mode")
        if mode is None:
            raise _required("mode")
        if mode not in ("payment", "subscription", "setup"):
            raise _invalid("mode", f"Invalid mode: must be one of payment, setup, or subscription; got {mode}")
        metadata = _metadata(params)
        prices, total, currency = self._line_items(params, mode) if mode != "setup" else ([], 0, None)
        customer = params.get("customer")
        if customer is not None:
            self._customer(account, customer)
        subscription_data = params.get("subscription_data")
        subscription_metadata: dict[str, str] = {}
        if subscription_data is not None:
            if mode != "subscription":
                raise _invalid("subscription_data", f"You can not pass `subscription_data` in `{mode}` mode.")
            if not isinstance(subscription_data, dict):
                raise _invalid("subscription_data", "Invalid object")
            subscription_metadata = _metadata(subscription_data)
        intent = params.get("payment_intent_data")
        if intent is not None:
            if mode != "payment":
                raise _invalid("payment_intent_data", f"You can not pass `payment_intent_data` in `{mode}` mode.")
            destination = (intent.get("transfer_data") or {}).get("destination") if isinstance(intent, dict) else None
            if destination is not None:
                param = "payment_intent_data[transfer_data][destination]"
                target = self.accounts.get(destination)
                if target is None:
                    raise StripeFailure(
                        400, f"No such destination: '{destination}'", code="resource_missing", param=param
                    )
                fee = _int(intent, "application_fee_amount", "payment_intent_data[application_fee_amount]")
                if fee is not None and not 0 <= fee <= total:
                    raise _invalid(
                        "payment_intent_data[application_fee_amount]",
                        "The application fee must be a positive amount no larger than the payment.",
                    )
                if (target["capabilities"] or {}).get("transfers") != "active":
                    raise StripeFailure(
                        400,
                        "Your destination account needs to have at least one of the following capabilities "
                        "enabled: transfers, crypto_transfers, legacy_payments",
                        code="insufficient_capabilities_for_transfer",
                        param=param,
                    )
        now = int(time.time())
        expires_at = _int(params, "expires_at", "expires_at") or now + 24 * 3600
        if not now + 30 * 60 - 5 <= expires_at <= now + 24 * 3600 + 5:
            raise _invalid("expires_at", "The Checkout Session must expire between 30 minutes and 24 hours from now.")
        session_id = _id("cs_test_", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid" if mode != "setup" else "no_payment_required",
            "url": f"{self.checkout_host}/c/pay/{session_id}",
            "amount_subtotal": total,
            "amount_total": total,
            "currency": currency,
            "customer": customer,
            "customer_email": params.get("customer_email"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": metadata,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "payment_intent": None,
            "subscription": None,
            "created": now,
            "expires_at": expires_at,
            "livemode": False,
        }
        self._session_prices[session_id] = prices
        if subscription_metadata:
            self._session_subscription_metadata[session_id] = subscription_metadata
        self.store(account)[session_id] = session
        return session

    def _retrieve_session(self, params: dict[str, Any], account: str | None, session_id: str) -> dict[str, Any]:
        return self._get(account, session_id, "checkout.session")

    def _expire_session(self, params: dict[str, Any], account: str | None, session_id: str) -> dict[str, Any]:
        session = self._get(account, session_id, "checkout.session")
        if session["status"] != "open":
            raise StripeFailure(
                400,
                f'Only Checkout Sessions with a status in ["open"] can be expired. This session has a status of '
                f'"{session["status"]}".',
                saved=True,
            )
        session.update(status="expired", url=None)
        return session

    def _create_account(self, params: dict[str, Any], account: str | None) -> dict[str, Any]:
        if account is not None:
            raise StripeFailure(400, "You cannot create accounts on behalf of a connected account.")
        kind = params.get("type")
        if kind is not None and kind not in ("standard", "express", "custom"):
            raise _invalid("type", f"Invalid type: must be one of custom, express, or standard; got {kind}")
        if kind is None and "controller" not in params:
            raise _required("type")
        metadata = _metadata(params)
        requested = params.get("capabilities") or {}
        due = ["business_profile.url", "business_type", "external_account", "tos_acceptance.date"]
        created = {
            "id": _id("acct_", 16),
            "object": "account",
            "type": kind or "none",
            "email": params.get("email"),
            "country": params.get("country") or "US",
            "default_currency": "usd",
            "business_type": params.get("business_type"),
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": {name: "inactive" for name in requested},
            "requirements": {
                "currently_due": due,
                "eventually_due": due,
                "past_due": due,
                "pending_verification": [],
                "errors": [],
                "alternatives": [],
                "current_deadline": None,
                "disabled_reason": "requirements.past_due",
            },
            "metadata": metadata,
            "created": int(time.time()),
            "livemode": False,
        }
        self.accounts[created["id"]] = created
        return created

    def _account(self, account_id: str) -> dict[str, Any]:
        found = self.accounts.get(account_id)
        if found is None:
            raise StripeFailure(
                403,
                f"The provided key '{_masked(self.api_key)}' does not have access to account '{account_id}' "
                "(or that account does not exist). Application access may have been revoked.",
                code="account_invalid",
                saved=True,
            )
        return found

    def _retrieve_account(self, params: dict[str, Any], account: str | None, account_id: str) -> dict[str, Any]:
        return self._account(account_id)

    def _delete_account(self, params: dict[str, Any], account: str | None, account_id: str) -> dict[str, Any]:
        self._account(account_id)
        if self.balances.get(account_id):
            raise StripeFailure(
                400,
                f"Account {account_id} cannot be deleted because its balance is not zero.",
                saved=True,
            )
        del self.accounts[account_id]
        self.objects.pop(account_id, None)
        return {"id": account_id, "object": "account", "deleted": True}

    def _create_account_link(self, params: dict[str, Any], account: str | None) -> dict[str, Any]:
        for name in ("account", "type"):
            if not params.get(name):
                raise _required(name)
        if params["type"] not in ("account_onboarding", "account_update"):
            raise _invalid(
                "type", f"Invalid type: must be one of account_onboarding or account_update; got {params['type']}"
            )
        if params["type"] == "account_onboarding" and not params.get("refresh_url"):
            raise _required("refresh_url")
        target = self._account(params["account"])
        now = int(time.time())
        return {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": f"{self.connect_host}/setup/e/{target['id']}/{secrets.token_urlsafe(12)}",
        }

    def _create_portal_session(self, params: dict[str, Any], account: str | None) -> dict[str, Any]:
        customer = params.get("customer")
        if not customer:
            raise _required("customer")
        self._customer(account, customer)
        session_id = _id("bps_")
        return {
            "id": session_id,
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": params.get("return_url"),
            "url": f"{self.billing_host}/p/session/test_{secrets.token_urlsafe(16)}",
            "created": int(time.time()),
            "livemode": False,
        }

    def _retrieve_price(self, params: dict[str, Any], account: str | None, price_id: str) -> dict[str, Any]:
        price = self.prices.get(price_id)
        if price is None:
            raise _missing("price", price_id)
        return price

    def _retrieve_invoice(self, params: dict[str, Any], account: str | None, invoice_id: str) -> dict[str, Any]:
        return self._get(account, invoice_id, "invoice")

    def _subscription(self, account: str | None, subscription_id: str) -> dict[str, Any]:
        return self._get(account, subscription_id, "subscription")

    def _subscription_item(self, subscription_id: str, price: str, quantity: int, start: int) -> dict[str, Any]:
        return {
            "id": _id("si_", 14),
            "object": "subscription_item",
            "subscription": subscription_id,
            "price": self.prices.get(price, {"id": price, "object": "price"}),
            "quantity": quantity,
            "current_period_start": start,
            "current_period_end": start + 30 * 24 * 3600,
            "metadata": {},
        }

    def _retrieve_subscription(self, params: dict[str, Any], account: str | None, sub_id: str) -> dict[str, Any]:
        return self._subscription(account, sub_id)

    def _update_subscription(self, params: dict[str, Any], account: str | None, sub_id: str) -> dict[str, Any]:
        subscription = self._subscription(account, sub_id)
        if subscription["status"] == "canceled" and set(params) - {"metadata", "cancellation_details", "expand"}:
            raise StripeFailure(
                400, "A canceled subscription can only update its cancellation_details and metadata.", saved=True
            )
        metadata = _metadata({"metadata": params.get("metadata") or {}})
        at_period_end = _bool(params, "cancel_at_period_end")
        items: list[dict[str, Any]] = list(subscription["items"]["data"])
        changes = params.get("items") or []
        if not isinstance(changes, list):
            raise _invalid("items", "Invalid array")
        now = int(time.time())
        for i, change in enumerate(changes):
            where = f"items[{i}]"
            if not isinstance(change, dict):
                raise _invalid(where, f"Invalid object: {where}")
            price = change.get("price")
            if price is not None and price not in self.prices:
                raise StripeFailure(400, f"No such price: '{price}'", code="resource_missing", param=f"{where}[price]")
            quantity = _int(change, "quantity", f"{where}[quantity]")
            if "id" in change:
                index = next((n for n, item in enumerate(items) if item["id"] == change["id"]), None)
                if index is None:
                    raise StripeFailure(
                        400,
                        f"No such subscription item: '{change['id']}'",
                        code="resource_missing",
                        param=f"{where}[id]",
                    )
                if _bool(change, "deleted"):
                    items.pop(index)
                    continue
                if price is not None:
                    items[index] = {**items[index], "price": self.prices[price]}
                if quantity is not None:
                    items[index] = {**items[index], "quantity": quantity}
            elif price is not None:
                items.append(self._subscription_item(sub_id, price, quantity or 1, now))
            else:
                raise _required(f"{where}[price]")
        subscription["items"]["data"] = items
        if metadata or params.get("metadata") == "":
            subscription["metadata"] = {**subscription["metadata"], **metadata}
            for key, value in (params.get("metadata") or {}).items():
                if value == "":
                    subscription["metadata"].pop(key, None)
        if at_period_end is not None:
            subscription["cancel_at_period_end"] = at_period_end
        return subscription

    def _cancel_subscription(self, params: dict[str, Any], account: str | None, sub_id: str) -> dict[str, Any]:
        subscription = self._subscription(account, sub_id)
        if subscription["status"] == "canceled":
            # What Stripe does: a canceled subscription can still be retrieved, but cancelling it again is
            # "No such subscription" (stripe/stripe-go#1887).
            raise _missing("subscription", sub_id)
        now = int(time.time())
        subscription.update(status="canceled", canceled_at=now, ended_at=now)
        return subscription


def _masked(key: str) -> str:
    return f"{key[:8]}{'*' * max(len(key) - 12, 4)}{key[-4:]}"


def _idempotency_error(key: str, rule: str) -> StripeFailure:
    return StripeFailure(
        400,
        f"Keys for idempotent requests can only be used {rule}. Try using a key other than '{key}' if you meant to "
        "execute a different request.",
        type="idempotency_error",
    )


_Handler = Callable[..., dict[str, Any]]
_ROUTES: list[tuple[str, re.Pattern[str], str, _Handler]] = [
    ("POST", re.compile(r"/v1/customers"), "customers.create", FakeStripe._create_customer),
    ("GET", re.compile(r"/v1/customers/(cus_\w+)"), "customers.retrieve", FakeStripe._retrieve_customer),
    ("DELETE", re.compile(r"/v1/customers/(cus_\w+)"), "customers.delete", FakeStripe._delete_customer),
    ("POST", re.compile(r"/v1/checkout/sessions"), "checkout.sessions.create", FakeStripe._create_session),
    ("GET", re.compile(r"/v1/checkout/sessions/([\w]+)"), "checkout.sessions.retrieve", FakeStripe._retrieve_session),
    (
        "POST",
        re.compile(r"/v1/checkout/sessions/([\w]+)/expire"),
        "checkout.sessions.expire",
        FakeStripe._expire_session,
    ),
    ("POST", re.compile(r"/v1/accounts"), "accounts.create", FakeStripe._create_account),
    ("GET", re.compile(r"/v1/accounts/(acct_\w+)"), "accounts.retrieve", FakeStripe._retrieve_account),
    ("DELETE", re.compile(r"/v1/accounts/(acct_\w+)"), "accounts.delete", FakeStripe._delete_account),
    ("POST", re.compile(r"/v1/account_links"), "account_links.create", FakeStripe._create_account_link),
    (
        "POST",
        re.compile(r"/v1/billing_portal/sessions"),
        "billing_portal.sessions.create",
        FakeStripe._create_portal_session,
    ),
    ("GET", re.compile(r"/v1/prices/(price_\w+)"), "prices.retrieve", FakeStripe._retrieve_price),
    ("GET", re.compile(r"/v1/invoices/(in_\w+)"), "invoices.retrieve", FakeStripe._retrieve_invoice),
    ("GET", re.compile(r"/v1/subscriptions/(sub_\w+)"), "subscriptions.retrieve", FakeStripe._retrieve_subscription),
    ("POST", re.compile(r"/v1/subscriptions/(sub_\w+)"), "subscriptions.update", FakeStripe._update_subscription),
    ("DELETE", re.compile(r"/v1/subscriptions/(sub_\w+)"), "subscriptions.cancel", FakeStripe._cancel_subscription),
]

_OUTAGES = {
    "500": (500, "api_error", "An unknown error occurred"),
    "503": (503, "api_error", "Stripe is temporarily unavailable."),
    "429": (429, "invalid_request_error", "Too many requests hit the API too quickly."),
}


def stripe_app(state: FakeStripe) -> Callable[..., Any]:
    """The fake as a plain ASGI app (it has to be able to drop a connection), for ``serve_in_thread``."""

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path: str = scope["path"]
        state.requests[path] += 1
        if state.during_request is not None:
            state.during_request(path)
        failure = state.fail_next.pop(0) if state.fail_next else state.outage
        if failure == "close":
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
            raise _DropConnection
        if failure in _OUTAGES:
            status, kind, text = _OUTAGES[failure]
            error: dict[str, Any] = {"type": kind, "message": text}
            if failure == "429":
                error["code"] = "rate_limit"
            payload = json.dumps({"error": error}).encode()
            await _respond(send, status, {"content-type": "application/json", "request-id": _id("req_", 14)}, payload)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status, out, answer = state.answer(
            scope["method"], path, scope.get("query_string", b"").decode("latin-1"), headers, body
        )
        if failure == "lost-answer":  # done and saved; the answer never arrives
            await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"100")]})
            raise _DropConnection
        await _respond(send, status, out, answer)

    return app


async def _respond(send: Callable[..., Any], status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
