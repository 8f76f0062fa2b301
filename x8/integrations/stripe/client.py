"""The one Stripe client (PROVIDERS.md §6): the official SDK's ``StripeClient`` on its async httpx transport.

- The base URL is ``STRIPE_API_BASE`` (tests point it at ``tests/fakes/stripe.py``); the API version is pinned in
  ``API_VERSION``, so the objects we read do not change shape when Stripe or the SDK moves on.
- Every POST takes an explicit idempotency key (``x8.integrations.stripe.idempotency``). That is what makes the
  SDK's own retries (``MAX_NETWORK_RETRIES``, on connection errors, 409 and 5xx) and our jobs' retries safe:
  Stripe replays the first answer instead of doing the work twice.
- Failures are one of two exceptions: ``StripeUnavailable`` (Stripe did not answer, or asked us to slow down:
  try again later) and ``StripeRefused`` (Stripe answered no: retrying the same request will not help). A
  ``FailureWindow`` keyed by (API base, connected account) makes calls fail fast after an outage for
  ``STRIPE_FAILURES.seconds``; any answer from Stripe, a refusal included, closes it.
- Parameters are passed through as the SDK's typed dicts (``stripe.params.*``), so mypy checks their names; the
  results are the SDK's objects (``stripe.Customer``, ``stripe.checkout.Session``…) with typed attributes
  (``session.url``) and ``obj["key"]``; ``.to_dict()`` gives plain data for a job or a column.

Use one ``StripeApi`` per unit of work and close it (``async with StripeApi(settings) as api``): it owns an
httpx connection pool.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

import httpx
import stripe

from x8.kit.failing import FailureWindow
from x8.settings import Settings

if TYPE_CHECKING:
    from stripe.params import (
        AccountCreateParams,
        AccountLinkCreateParams,
        CustomerCreateParams,
        SubscriptionCancelParams,
        SubscriptionUpdateParams,
    )
    from stripe.params.billing_portal import SessionCreateParams as PortalSessionCreateParams
    from stripe.params.checkout import SessionCreateParams as CheckoutSessionCreateParams

T = TypeVar("T")

# The version the installed SDK (stripe 16.x) was generated for. Pinned here rather than taken from the SDK so that
# upgrading the SDK is a decision: a test fails when the SDK's major API release moves away from this one.
API_VERSION: Final = "2026-10-28.endive"
DEFAULT_API_BASE: Final = "https://api.stripe.com"
TIMEOUT: Final = httpx.Timeout(15.0, connect=5.0)
MAX_NETWORK_RETRIES: Final = 2

STRIPE_FAILURES: FailureWindow[tuple[str, str | None]] = FailureWindow(seconds=30.0)


class StripeNotConfigured(RuntimeError):
    """``STRIPE_SECRET_KEY`` is not set (the sandbox handles payments then, SPEC R-E5)."""


class StripeUnavailable(Exception):
    """Stripe did not answer, failed (5xx), was busy (409) or rate-limited us: try again later."""

    def __init__(self, message: str, *, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class StripeRefused(Exception):
    """Stripe answered and said no. ``message`` is safe to show to a business user; ``stripe_message`` is
    Stripe's own text for logs (it is written for developers)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        http_status: int | None = None,
        param: str | None = None,
        stripe_message: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.param = param
        self.stripe_message = stripe_message
        self.request_id = request_id


_UNAVAILABLE = "Stripe is not answering right now. Please try again in a moment."
_REFUSED = "Stripe did not accept the request. Please contact support if this keeps happening."
_REFUSED_BY_CODE = {
    "resource_missing": "Stripe no longer has this record; it may have been deleted.",
    "account_invalid": "The Stripe account is no longer connected to X8.",
    "insufficient_capabilities_for_transfer": (
        "The connected Stripe account cannot receive payments yet; finish its setup in Stripe first."
    ),
}
_REFUSED_BY_KIND: dict[type[stripe.StripeError], tuple[str, str]] = {
    stripe.AuthenticationError: (
        "authentication_error",
        "Payments are not set up correctly on this server (Stripe did not accept its key). Please contact support.",
    ),
    stripe.PermissionError: (
        "permission_error",
        "Stripe does not allow this for the connected account; it may have been disconnected.",
    ),
    stripe.IdempotencyError: (
        "idempotency_error",
        "Stripe refused a repeated request because it differed from the first one. Please contact support.",
    ),
    stripe.CardError: ("card_error", "The card was declined."),
    stripe.InvalidRequestError: ("invalid_request_error", _REFUSED),
}


def _translate(exc: stripe.StripeError) -> StripeUnavailable | StripeRefused:
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError):
        return StripeUnavailable(_UNAVAILABLE)
    status = exc.http_status
    if isinstance(exc, stripe.APIError) and (status is None or status >= 500 or status == 409):
        return StripeUnavailable(_UNAVAILABLE)
    code, message = _REFUSED_BY_KIND.get(type(exc), ("stripe_error", _REFUSED))
    # The SDK passes the code and param to some error classes only; the parsed error object has them for all.
    details = exc.error
    stripe_code = exc.code or (details.code if details is not None else None)
    if stripe_code:
        code = stripe_code
        message = _REFUSED_BY_CODE.get(stripe_code, message)
    if isinstance(exc, stripe.CardError) and exc.user_message:
        message = exc.user_message  # written by Stripe for the person paying
    param = details.param if details is not None else None
    return StripeRefused(
        message,
        code=code,
        http_status=status,
        param=param,
        stripe_message=exc.user_message,
        request_id=exc.request_id,
    )


def _options(idempotency_key: str | None = None, stripe_account: str | None = None) -> stripe.RequestOptions:
    options: stripe.RequestOptions = {}
    if idempotency_key is not None:
        if not idempotency_key:
            raise ValueError("an empty idempotency key would let the SDK invent a random one")
        options["idempotency_key"] = idempotency_key
    if stripe_account is not None:
        options["stripe_account"] = stripe_account
    return options


class _HTTPXClient(stripe.HTTPXClient):
    """The SDK's httpx transport, handing the encoded form body to httpx as ``content``: the SDK passes it as
    ``data=<str>``, which httpx deprecates (a warning on every POST, and an error once httpx drops it)."""

    def _get_request_args_kwargs(self, method: str, url: str, headers: Mapping[str, str], post_data: Any) -> list[Any]:
        args: list[Any] = super()._get_request_args_kwargs(method, url, headers, post_data)
        options = args[1]
        if isinstance(options.get("data"), str | bytes):
            options["content"] = options.pop("data")
        return args


class StripeApi:
    """Async helpers for the calls billing and Connect make. POST helpers require ``idempotency_key``."""

    def __init__(self, settings: Settings, *, max_network_retries: int = MAX_NETWORK_RETRIES) -> None:
        if not settings.stripe_secret_key:
            raise StripeNotConfigured("STRIPE_SECRET_KEY is not set")
        self.api_base = settings.stripe_api_base.rstrip("/")
        # Off Stripe's own host (a fake, a proxy) every base points there, so nothing reaches the real Stripe.
        other = None if self.api_base == DEFAULT_API_BASE else self.api_base
        self._http = _HTTPXClient(timeout=TIMEOUT)
        self.sdk = stripe.StripeClient(
            settings.stripe_secret_key,
            stripe_version=API_VERSION,
            base_addresses={"api": self.api_base, **({"connect": other, "files": other} if other else {})},
            max_network_retries=max_network_retries,
            http_client=self._http,
        )

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    async def __aenter__(self) -> StripeApi:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _call(self, stripe_account: str | None, call: Callable[[], Awaitable[T]]) -> T:
        key = (self.api_base, stripe_account)
        wait = STRIPE_FAILURES.remaining(key)
        if wait > 0:
            raise StripeUnavailable(_UNAVAILABLE, retry_after=wait)
        try:
            result = await call()
        except stripe.StripeError as exc:
            error = _translate(exc)
            if isinstance(error, StripeUnavailable):
                STRIPE_FAILURES.failed(key)
                error.retry_after = STRIPE_FAILURES.seconds
            else:
                STRIPE_FAILURES.succeeded(key)  # Stripe answered: it is up
            raise error from exc
        STRIPE_FAILURES.succeeded(key)
        return result

    # --- customers (billing) ---

    async def create_customer(self, params: CustomerCreateParams, *, idempotency_key: str) -> stripe.Customer:
        return await self._call(None, lambda: self.sdk.v1.customers.create_async(params, _options(idempotency_key)))

    # --- Checkout Sessions (subscriptions and chat orders) ---

    async def create_checkout_session(
        self, params: CheckoutSessionCreateParams, *, idempotency_key: str, stripe_account: str | None = None
    ) -> stripe.checkout.Session:
        """A chat order is a destination charge on the platform (``stripe_account`` None) with
        ``payment_intent_data.transfer_data.destination``; ``stripe_account`` makes it a direct charge."""
        options = _options(idempotency_key, stripe_account)
        return await self._call(stripe_account, lambda: self.sdk.v1.checkout.sessions.create_async(params, options))

    async def retrieve_checkout_session(
        self, session_id: str, *, stripe_account: str | None = None
    ) -> stripe.checkout.Session:
        options = _options(stripe_account=stripe_account)
        return await self._call(
            stripe_account, lambda: self.sdk.v1.checkout.sessions.retrieve_async(session_id, options=options)
        )

    async def expire_checkout_session(
        self, session_id: str, *, idempotency_key: str, stripe_account: str | None = None
    ) -> stripe.checkout.Session:
        options = _options(idempotency_key, stripe_account)
        return await self._call(
            stripe_account, lambda: self.sdk.v1.checkout.sessions.expire_async(session_id, options=options)
        )

    # --- Connect ---

    async def create_express_account(
        self, params: AccountCreateParams | None = None, *, idempotency_key: str
    ) -> stripe.Account:
        body: AccountCreateParams = {**(params or {}), "type": "express"}
        return await self._call(None, lambda: self.sdk.v1.accounts.create_async(body, _options(idempotency_key)))

    async def retrieve_account(self, account_id: str) -> stripe.Account:
        return await self._call(None, lambda: self.sdk.v1.accounts.retrieve_async(account_id))

    async def delete_account(self, account_id: str) -> stripe.Account:
        """Stripe deletes test-mode and platform-controlled (Express, Custom) accounts with a zero balance."""
        return await self._call(None, lambda: self.sdk.v1.accounts.delete_async(account_id))

    async def create_account_link(self, params: AccountLinkCreateParams, *, idempotency_key: str) -> stripe.AccountLink:
        """Links are single use and expire in minutes: the key must change per attempt, or a replay hands back
        a link that was already used."""
        return await self._call(None, lambda: self.sdk.v1.account_links.create_async(params, _options(idempotency_key)))

    # --- billing portal and subscriptions ---

    async def create_billing_portal_session(
        self, params: PortalSessionCreateParams, *, idempotency_key: str
    ) -> stripe.billing_portal.Session:
        """Like Account Links, portal sessions are short lived: use a key that changes per request."""
        options = _options(idempotency_key)
        return await self._call(None, lambda: self.sdk.v1.billing_portal.sessions.create_async(params, options))

    async def retrieve_subscription(self, subscription_id: str) -> stripe.Subscription:
        return await self._call(None, lambda: self.sdk.v1.subscriptions.retrieve_async(subscription_id))

    async def update_subscription(
        self, subscription_id: str, params: SubscriptionUpdateParams, *, idempotency_key: str
    ) -> stripe.Subscription:
        options = _options(idempotency_key)
        return await self._call(None, lambda: self.sdk.v1.subscriptions.update_async(subscription_id, params, options))

    async def delete_customer(self, customer_id: str) -> stripe.Customer:
        """``DELETE /v1/customers/{id}``: Stripe cancels the customer's active subscriptions at once with it."""
        return await self._call(None, lambda: self.sdk.v1.customers.delete_async(customer_id))

    async def cancel_subscription(
        self, subscription_id: str, params: SubscriptionCancelParams | None = None
    ) -> stripe.Subscription:
        """``DELETE /v1/subscriptions/{id}``, effective at once; Stripe ignores idempotency keys on DELETE."""
        return await self._call(None, lambda: self.sdk.v1.subscriptions.cancel_async(subscription_id, params))
