from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from x8.kit.i18n import msg
from x8.kit.pagination import MAX_OFFSET
from x8.platform.auth.schemas import Email, StrongPassword
from x8.platform.users.models import Plan, SubscriptionStatus


class StaffCreate(BaseModel):
    email: Email
    password: StrongPassword
    full_name: str = Field(min_length=1, max_length=200)


class ManagerOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    is_active: bool
    client_count: int
    created_at: datetime


class ManagerList(BaseModel):
    items: list[ManagerOut]
    total: int


class ClientOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    plan: str
    subscription_status: str
    trial_ends_at: datetime | None
    subscription_ends_at: datetime | None
    manager_id: uuid.UUID | None
    company_count: int
    channel_limit_override: int | None = None
    company_limit_override: int | None = None
    created_at: datetime


class ClientLimitsIn(BaseModel):
    """An admin's overrides of one business: its plan (FREE and ENTERPRISE are granted only this way), its trial's
    end, and its limits; null restores the plan's channel limit or X8_MAX_COMPANIES. Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    plan: Plan | None = Field(None, description="The plan to put the business on; not null when sent.")
    trial_ends_at: AwareDatetime | None = Field(
        None, description="When the trial ends (with a time zone); a TRIAL business is trialing until then."
    )
    channel_limit_override: int | None = Field(None, ge=0, le=10_000)
    company_limit_override: int | None = Field(None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _no_null_plan_or_trial(self) -> ClientLimitsIn:
        if "plan" in self.model_fields_set and self.plan is None:
            raise ValueError(msg("A plan must be named; leave the field out to keep the current one."))
        if "trial_ends_at" in self.model_fields_set and self.trial_ends_at is None:
            raise ValueError(msg("A trial end must be a date and time; leave the field out to keep the current one."))
        return self


class ClientList(BaseModel):
    items: list[ClientOut]
    total: int


class ClientFilters(BaseModel):
    """The admin's filters over businesses; a parameter not named here is refused (422), not ignored."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, max_length=200, description="Part of the email or the name (case-insensitive)")
    plan: Plan | None = None
    status: SubscriptionStatus | None = Field(
        None, description="The status as it stands now (a trial past its end is expired)"
    )
    manager_id: uuid.UUID | None = None
    unassigned: bool = Field(False, description="Only businesses without a manager")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @model_validator(mode="after")
    def _one_manager_filter(self) -> ClientFilters:
        if self.unassigned and self.manager_id is not None:
            raise ValueError(msg("Filter by a manager or by businesses without one, not both."))
        return self


class PlatformStats(BaseModel):
    """Business figures in USD over every business (admin) or a manager's businesses; see docs/admin.md."""

    total_users: int = Field(description="Accounts of every role (a manager: their businesses)")
    clients: int
    managers: int = Field(description="Manager accounts (a manager: 1, themselves)")
    active_subscriptions: int = Field(description="Businesses with a Stripe subscription active or past due")
    trial_users: int = Field(description="Businesses on the trial that has not ended")
    mrr: Decimal = Field(description="Monthly prices of those subscriptions' plans, USD")
    monthly_revenue: Decimal = Field(description="Paid invoices issued this calendar month (UTC), USD")
    churned_this_month: int = Field(description="Businesses whose subscription ended this month, none live now")
    trial_conversion_rate: float | None = Field(
        description="Of businesses whose trial ended in the last 30 days, the share paying now; null with none"
    )


class AssignmentIn(BaseModel):
    manager_id: uuid.UUID
    client_id: uuid.UUID
    reassign: bool = False


class AssignmentOut(BaseModel):
    client_id: uuid.UUID
    manager_id: uuid.UUID | None
    previous_manager_id: uuid.UUID | None
