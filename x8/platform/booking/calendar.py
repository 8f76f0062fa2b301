"""Google Calendar calls for a company (PROVIDERS.md §5): insert and delete a booking's event, and read busy times.

Calls go to ``GOOGLE_API_URL/calendar/v3/…`` through ``x8.integrations.google.GoogleApi``, which refreshes the access
token before it expires and once on a 401; a refreshed pair is sealed and stored at once, in its own short
transaction (never inside a booking's). No call here runs inside a database transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from x8.integrations.google import GoogleApi, GoogleOAuth, GoogleTokens
from x8.kit.db import Database
from x8.platform.booking import calendar_store
from x8.settings import Settings

SCOPES = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
)
# Marks the platform's own events (a private extended property), so they can be told apart.
EVENT_MARK = "x8_booking_id"


class CalendarClient:
    """One company's calendar, for one unit of work: ``async with CalendarClient(...) as calendar``."""

    def __init__(
        self, settings: Settings, db: Database, company_id: uuid.UUID, calendar_id: str, tokens: GoogleTokens
    ) -> None:
        self._base = f"{settings.google_api_url.rstrip('/')}/calendar/v3"
        self._calendar_id = calendar_id
        self._calendar = quote(calendar_id, safe="")
        self._settings = settings
        self._db = db
        self._company_id = company_id
        self._api = GoogleApi(GoogleOAuth(settings), tokens, on_refresh=self._store)

    async def _store(self, tokens: GoogleTokens) -> None:
        await calendar_store.keep_tokens(self._db, self._settings, self._company_id, tokens)

    async def __aenter__(self) -> CalendarClient:
        await self._api.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._api.__aexit__(None, None, None)

    async def insert_event(
        self, booking_id: uuid.UUID, start: datetime, end: datetime, *, zone: str, summary: str
    ) -> str:
        """Insert the booking's event, in the company's time zone; Google's event id."""
        local = ZoneInfo(zone)
        body: dict[str, Any] = {
            "summary": summary,
            "start": {"dateTime": start.astimezone(local).isoformat(), "timeZone": zone},
            "end": {"dateTime": end.astimezone(local).isoformat(), "timeZone": zone},
            "extendedProperties": {"private": {EVENT_MARK: str(booking_id)}},
        }
        created = await self._api.request_json("POST", f"{self._base}/calendars/{self._calendar}/events", json=body)
        return str(created["id"])

    async def delete_event(self, event_id: str) -> None:
        url = f"{self._base}/calendars/{self._calendar}/events/{quote(event_id, safe='')}"
        await self._api.request("DELETE", url)

    async def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The calendar's busy spans overlapping [start, end) (Google's freeBusy)."""
        body = {"timeMin": start.isoformat(), "timeMax": end.isoformat(), "items": [{"id": self._calendar_id}]}
        answer = await self._api.request_json("POST", f"{self._base}/freeBusy", json=body)
        calendar = answer.get("calendars", {}).get(self._calendar_id, {})
        return [
            (datetime.fromisoformat(span["start"]), datetime.fromisoformat(span["end"]))
            for span in calendar.get("busy", [])
        ]
