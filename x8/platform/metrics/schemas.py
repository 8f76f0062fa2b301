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
