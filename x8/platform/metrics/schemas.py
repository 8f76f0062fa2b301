from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field


class CompanyMessagesPerDay(BaseModel):
    id: uuid.UUID
    company_id: str = Field(description="The company's human id, such as COMP001.")
    name: str
    timezone: str = Field(description="The IANA time zone whose calendar days the counts follow.")
    messages_in: list[int] = Field(description="Messages from customers, one count per entry of `days`.")
    messages_out: list[int] = Field(
        description="Replies to customers (assistant, people, the owner's phone), one count per entry of `days`; "
        "replies that failed to send are not counted."
    )


class MessagesPerDay(BaseModel):
    days: list[date] = Field(
        description="The last calendar days, oldest first, ending today in the caller's time zone. Each company's "
        "counts for a day follow that day in the company's own time zone."
    )
    companies: list[CompanyMessagesPerDay]


class Figures(BaseModel):
    """The same figures for a whole range, one period, one company, one channel or one lead source (definitions in
    docs/metrics.md)."""

    conversations: int = Field(description="Conversations started in the period.")
    new_contacts: int = Field(description="Customers who wrote for the first time in the period.")
    messages_in: int = Field(description="Messages from customers.")
    messages_out: int = Field(description="Replies (assistant, people, the owner's phone), except failed sends.")
    type1: int = Field(description="Messages classified TYPE1 (informational).")
    type2: int = Field(description="Messages classified TYPE2 (payment request).")
    type3: int = Field(description="Messages classified TYPE3 (transactional: paid).")
    first_response_p50_ms: int | None = Field(
        description="Median time from a conversation's first customer message to the first reply, in ms "
        "(within 2.5 %); null without any answered conversation."
    )
    first_response_p90_ms: int | None = Field(description="The 90th percentile of the same, in ms.")
    bot_resolution_rate: float | None = Field(
        description="Conversations with no handover and no reply from a person, divided by conversations."
    )
    handovers: int = Field(description="Conversations handed over to a person.")
    payment_links_sent: int = Field(description="Orders whose payment link was made in the period.")
    orders_paid: int = Field(description="Orders paid in the period (and not refunded since).")
    link_to_paid_rate: float | None = Field(description="Of the period's payment links, the share paid so far.")
    paid_to_booked_rate: float | None = Field(
        description="Of the period's paid orders, the share with a confirmed booking."
    )
    revenue: dict[str, str] = Field(
        description='Paid orders\' amounts by currency, as decimal strings in major units ({"USD": "2490.00"}).'
    )
    bookings: int = Field(description="Confirmed bookings made in the period.")


class PeriodFigures(Figures):
    period: date = Field(description="The period's first day (a Monday for weeks, the 1st for months).")


class CompanyFigures(Figures):
    company_id: uuid.UUID
    name: str
    timezone: str = Field(description="The IANA time zone whose calendar days this company's figures follow.")


class ChannelFigures(Figures):
    channel: str | None = Field(
        description="The channel (telegram, whatsapp, web, ...); null for bookings made by hand."
    )


class LeadSourceFigures(Figures):
    lead_source: str | None = Field(description="Where the customer came from (tiktok, ...); null when unknown.")


class Overview(BaseModel):
    totals: Figures
    series: list[PeriodFigures] = Field(description="One entry per period of the range, oldest first, zero-filled.")
    by_company: list[CompanyFigures]
    by_channel: list[ChannelFigures]
    by_lead_source: list[LeadSourceFigures]
