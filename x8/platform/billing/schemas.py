from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from x8.platform.users.models import Plan

Status = Literal["trialing", "active", "past_due", "canceled", "expired"]


class PurchasablePlan(enum.StrEnum):
    """The plans a business buys itself; TRIAL comes with registration, FREE and ENTERPRISE only from an admin."""

    SINGLE = Plan.SINGLE.value
    DOUBLE = Plan.DOUBLE.value
    GROWTH = Plan.GROWTH.value
    SPECIAL = Plan.SPECIAL.value


class PlanOut(BaseModel):
    plan: Plan
    name: str
    price_usd: float | None  # None: a custom price (ENTERPRISE)
    channels: int | None  # None: unlimited
    purchasable: bool  # can be bought here: a paid plan with its STRIPE_PRICE_<PLAN> set


class PlanList(BaseModel):
    items: list[PlanOut]
    total: int


class ActiveOut(BaseModel):
    plan: Plan
    name: str
    status: Status
    channel_limit: int | None
    channels_used: int
    current_period_end: datetime | None
    trial_ends_at: datetime | None
    past_due_until: datetime | None  # a past-due subscription keeps working until then
    cancel_at_period_end: bool
    subscription_id: str | None
    has_billing_account: bool  # a Stripe customer exists: the portal can be opened


class PlanChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: PurchasablePlan


class CheckoutOut(BaseModel):
    url: str
    session_id: str


class CheckoutReturn(BaseModel):
    """The Checkout Session the business came back from (Stripe puts its id in the success URL)."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(pattern=r"^cs_[A-Za-z0-9_]{1,250}$")


class PortalOut(BaseModel):
    url: str


class SubscriptionOut(BaseModel):
    id: str
    plan: Plan
    status: str  # Stripe's status of this subscription
    cancel_at_period_end: bool
    current_period_end: datetime | None
    started_at: datetime | None


class InvoiceOut(BaseModel):
    id: str
    number: str | None
    subscription_id: str | None
    status: str
    amount_due: str = Field(description="In major units, as a decimal string (19.99).")
    amount_paid: str = Field(description="In major units, as a decimal string (19.99).")
    currency: str
    hosted_invoice_url: str | None
    invoice_pdf: str | None
    period_start: datetime | None
    period_end: datetime | None
    issued_at: datetime


class BillingHistory(BaseModel):
    """The business's subscriptions (``items``, newest first) and a page of its invoices (newest first)."""

    items: list[SubscriptionOut]
    total: int
    invoices: list[InvoiceOut]
    invoices_total: int


class ChannelRef(BaseModel):
    id: uuid.UUID | None  # None: chosen for a company but not connected yet
    platform: str
    company_id: uuid.UUID


class PlanChangeRefusal(BaseModel):
    """A 409 of a plan change: ``TooManyChannels`` (with ``limit`` and the ``channels`` in use), or ``Conflict``."""

    error: str
    detail: str
    limit: int | None = None
    channels: list[ChannelRef] = Field(default_factory=list)
