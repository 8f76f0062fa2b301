from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, Field, HttpUrl, UrlConstraints

from x8.kit.fields import NOT_BLANK, STRIPPED, Choice
from x8.kit.i18n import Message, msg
from x8.platform.companies.models import ChannelPlatform, CompanyType

# Every IANA name this server's tz database has, less the files that are not zones.
_TIMEZONES = available_timezones() - {"localtime", "posixrules", "Factory"}
SELECTABLE_CHANNELS = [p for p in ChannelPlatform if p != ChannelPlatform.WEB]


def _unknown_timezone(value: str) -> Message:
    return msg("Unknown time zone {value!r}; use an IANA name such as Europe/Berlin.", value=value)


def _not_selectable(value: str) -> Message:
    if value == ChannelPlatform.WEB:
        return msg("The web playground is always available and is not chosen as a channel.")
    return msg("Unknown channel {value!r}.", value=value)


def _distinct(value: list[ChannelPlatform]) -> list[ChannelPlatform]:
    if len(set(value)) != len(value):
        raise ValueError(msg("A channel is listed twice."))
    return value


TimeZone = Annotated[
    str, Choice("TimeZone", _TIMEZONES, _unknown_timezone, "An IANA time zone name, such as Europe/Berlin.")
]
SelectableChannel = Annotated[
    ChannelPlatform,
    Choice(
        "SelectableChannel",
        (p.value for p in SELECTABLE_CHANNELS),
        _not_selectable,
        "A channel a company can choose; the web playground is always there and is not chosen.",
    ),
]
PolicyUrl = Annotated[HttpUrl, UrlConstraints(max_length=2000)]
Language = Annotated[str, Field(pattern=r"^(en|ru)$")]
ChannelList = Annotated[
    list[SelectableChannel], Field(json_schema_extra={"uniqueItems": True}), AfterValidator(_distinct)
]


# Trimmed: a name of spaces is no name (422), not "".
Name = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=NOT_BLANK), STRIPPED]


class CompanyCreate(BaseModel):
    name: Name
    company_type: CompanyType
    shop_type: str | None = Field(None, max_length=100)
    timezone: TimeZone = "UTC"
    language: Language = "en"
    channels: ChannelList = Field(default_factory=list)
    privacy_policy_url: PolicyUrl | None = None


class CompanyUpdate(BaseModel):
    name: Name | None = None
    company_type: CompanyType | None = None
    shop_type: str | None = Field(None, max_length=100)
    timezone: TimeZone | None = None
    language: Language | None = None
    channels: ChannelList | None = None
    privacy_policy_url: PolicyUrl | None = None


class CompanyOut(BaseModel):
    id: uuid.UUID
    company_id: str
    name: str
    company_type: str
    shop_type: str | None
    timezone: str
    language: str
    status: str
    tenant_schema: str
    channels: list[str]
    privacy_policy_url: str | None
    owner_id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class CompanyList(BaseModel):
    items: list[CompanyOut]
    total: int


class ChannelOut(BaseModel):
    platform: str
    status: str


class CompanyChannels(BaseModel):
    items: list[ChannelOut]
    total: int


class CompanyStats(BaseModel):
    company_id: uuid.UUID
    total_messages: int
    type1_count: int
    type2_count: int
    type2_unpaid: int
    type3_count: int
    type3_paid: int
    avg_response_time: float | None
