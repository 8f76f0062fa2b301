"""Google Calendar (SPEC.md §11, PROVIDERS.md §5) against the fake Google: connecting with offline access, events
inserted on booking and deleted on cancel by the job, token refresh on 401, failures recorded and retried, and
freeBusy taken from the slots (and refused at booking) without the platform's own events, and disconnecting."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.booking.helpers import BOOKINGS, assigned_manager, company_with_hours, next_weekday, slots
from tests.conftest import app_client, bearer, make_settings, sql
from tests.fakes.oauth import Account, FakeOAuthState, google_app
from tests.fakes.server import serve_in_thread
from x8.integrations.google import GoogleUnavailable
from x8.integrations.google import oauth as google_oauth
from x8.kit.db import Database
from x8.kit.failing import FailureWindow
from x8.platform.booking.calendar_sync import sync_booking
from x8.settings import Settings

CALENDAR = "/api/v1/integrations/google-calendar"


@pytest.fixture(autouse=True)
def failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[str]:
    """A fresh failure window per test (it is per process otherwise)."""
    window: FailureWindow[str] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(google_oauth, "GOOGLE_FAILURES", window)
    return window


@pytest.fixture
def google() -> Iterator[tuple[FakeOAuthState, str]]:
    state = FakeOAuthState("g-client", "g-secret", Account("google-sub-1", "owner@example.com"))
    with serve_in_thread(google_app(state)) as url:
        yield state, url


@pytest.fixture
def calendar_settings(owner_url: str, google: tuple[FakeOAuthState, str]) -> Settings:
    url = google[1]
    return make_settings(
        owner_url,
        GOOGLE_CLIENT_ID="g-client",
        GOOGLE_CLIENT_SECRET="g-secret",
        GOOGLE_OAUTH_URL=url,
        GOOGLE_TOKEN_URL=f"{url}/token",
        GOOGLE_API_URL=url,
        GOOGLE_REVOKE_URL=f"{url}/revoke",
    )


@pytest.fixture
async def calendar_client(calendar_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(calendar_settings, app_url) as client:
        yield client


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=2)
    yield database
    await database.dispose()


async def _connect(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> dict[str, list[str]]:
    r = await client.post(f"{CALENDAR}/auth", json={"company_id": company_id}, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    authorize = r.json()["url"]
    query = parse_qs(urlparse(authorize).query)
    async with httpx.AsyncClient() as browser:
        allowed = await browser.get(authorize)  # the fake stands in for the person clicking "Allow"
    assert allowed.status_code in (302, 307), allowed.text
    back = urlparse(allowed.headers["location"])
    assert back.path == f"{CALENDAR}/callback"
    done = await client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302, done.text
    landing = urlparse(done.headers["location"])
    assert landing.netloc == "frontend.test" and landing.path == "/calendar"
    assert parse_qs(landing.query) == {"google_calendar": ["connected"], "company_id": [company_id]}
    return query


async def _status(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> Any:
    r = await client.get(f"{CALENDAR}/status", params={"company_id": company_id}, headers=bearer(tokens))
    assert r.status_code == 200, r.text
    return r.json()


def _queued(owner_url: str, booking_id: str) -> int:
    [(count,)] = sql(
        owner_url,
        "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'booking:sync_calendar_event'"
        " AND args->>'booking_id' = %s AND status = 'todo'",
        booking_id,
    )
    return int(count)


async def test_connect_book_cancel_with_events_refresh_and_busy_times(
    calendar_client: httpx.AsyncClient,
    google: tuple[FakeOAuthState, str],
    db: Database,
    calendar_settings: Settings,
    owner_url: str,
) -> None:
    client, fake = calendar_client, google[0]
    tokens, company_id = await company_with_hours(client, "owner@example.com", capacity=2)
    assert await _status(client, tokens, company_id) == {"connected": False, "calendar_id": None, "last_error": None}

    query = await _connect(client, tokens, company_id)
    assert query["access_type"] == ["offline"]
    assert set(query["scope"][0].split()) == {
        "https://www.googleapis.com/auth/calendar.events",
        "https://www.googleapis.com/auth/calendar.freebusy",
    }
    assert await _status(client, tokens, company_id) == {
        "connected": True,
        "calendar_id": "primary",
        "last_error": None,
    }
    vault_row = "SELECT ciphertext FROM vault_secrets WHERE ref = %s"
    [(sealed,)] = sql(owner_url, vault_row, f"google_calendar:{company_id}")
    assert fake.refresh_tokens and all(t.encode() not in bytes(sealed) for t in fake.refresh_tokens)

    day = next_weekday(0).isoformat()
    nine, ten, eleven = await slots(client, tokens, company_id, **{"from": day, "to": day})
    made = await client.post(BOOKINGS, json={"company_id": company_id, "start": nine["start"]}, headers=bearer(tokens))
    assert made.status_code == 201, made.text
    booking = made.json()
    assert booking["calendar_event_id"] is None and _queued(owner_url, booking["id"]) == 1

    company = uuid.UUID(company_id)
    assert await sync_booking(db, calendar_settings, company, uuid.UUID(booking["id"])) == "inserted"
    assert await sync_booking(db, calendar_settings, company, uuid.UUID(booking["id"])) == "nothing"
    [event] = fake.live_events()
    assert event["start"]["dateTime"] == nine["start"] and event["calendar_id"] == "primary"
    listed = (await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(tokens))).json()
    assert listed["items"][0]["calendar_event_id"] == event["id"]

    # The platform's own event is a booking already counted: the slot (capacity 2) keeps one place. Another
    # appointment in the calendar closes its slot.
    fake.busy.append({"start": ten["start"], "end": ten["end"]})
    after = await slots(client, tokens, company_id, **{"from": day, "to": day})
    assert [(s["start"], s["remaining"]) for s in after] == [(nine["start"], 1), (eleven["start"], 2)]

    # An expired access token is refreshed (on the 401) and the new pair stored; the cancel deletes the event.
    fake.expire_access_tokens()
    refreshes = sum(1 for r in fake.token_requests if r.get("grant_type") == "refresh_token")
    cancelled = await client.delete(f"{BOOKINGS}/{booking['id']}", headers=bearer(tokens))
    assert cancelled.status_code == 200 and _queued(owner_url, booking["id"]) == 2  # the booking's job, then this
    assert await sync_booking(db, calendar_settings, company, uuid.UUID(booking["id"])) == "deleted"
    assert fake.live_events() == []
    assert sum(1 for r in fake.token_requests if r.get("grant_type") == "refresh_token") == refreshes + 1
    [(resealed,)] = sql(owner_url, vault_row, f"google_calendar:{company_id}")
    assert bytes(resealed) != bytes(sealed)


async def test_a_failing_google_is_recorded_and_the_retry_catches_up(
    calendar_client: httpx.AsyncClient,
    google: tuple[FakeOAuthState, str],
    db: Database,
    calendar_settings: Settings,
    failures: FailureWindow[str],
) -> None:
    client, fake = calendar_client, google[0]
    tokens, company_id = await company_with_hours(client, "owner@example.com")
    await _connect(client, tokens, company_id)
    day = next_weekday(1).isoformat()
    first = (await slots(client, tokens, company_id, **{"from": day, "to": day}))[0]
    booking = (
        await client.post(BOOKINGS, json={"company_id": company_id, "start": first["start"]}, headers=bearer(tokens))
    ).json()

    fake.fail_api = True
    with pytest.raises(GoogleUnavailable):
        await sync_booking(db, calendar_settings, uuid.UUID(company_id), uuid.UUID(booking["id"]))
    status = await _status(client, tokens, company_id)
    assert status["connected"] is True and status["last_error"]
    # Slots still list (the bookings and hours stand) while Google is down.
    assert len(await slots(client, tokens, company_id, **{"from": day, "to": day})) == 2

    fake.fail_api = False
    failures.succeeded(google[1])  # the failure window has passed by the time the queue retries
    assert await sync_booking(db, calendar_settings, uuid.UUID(company_id), uuid.UUID(booking["id"])) == "inserted"
    assert (await _status(client, tokens, company_id))["last_error"] is None
    assert len(fake.live_events()) == 1


async def test_a_bad_state_is_refused_and_others_cannot_connect(
    calendar_client: httpx.AsyncClient, google: tuple[FakeOAuthState, str]
) -> None:
    client = calendar_client
    tokens, company_id = await company_with_hours(client, "owner@example.com")
    forged = await client.get(f"{CALENDAR}/callback", params={"code": "x", "state": "not-a-token"})
    assert forged.status_code == 400 and forged.json()["error"] == "BadRequest"
    assert (await client.get(f"{CALENDAR}/callback", params={"code": "x"})).status_code == 400
    # The person said no at Google: back to the Calendar page, nothing connected.
    r = await client.post(f"{CALENDAR}/auth", json={"company_id": company_id}, headers=bearer(tokens))
    state = parse_qs(urlparse(r.json()["url"]).query)["state"][0]
    denied = await client.get(f"{CALENDAR}/callback", params={"error": "access_denied", "state": state})
    assert denied.status_code == 302 and "google_calendar=denied" in denied.headers["location"]
    assert (await _status(client, tokens, company_id))["connected"] is False

    other, _ = await company_with_hours(client, "other@example.com")
    r = await client.post(f"{CALENDAR}/auth", json={"company_id": company_id}, headers=bearer(other))
    assert r.status_code == 404
    r = await client.get(f"{CALENDAR}/status", params={"company_id": company_id}, headers=bearer(other))
    assert r.status_code == 404
    assert not google[0].token_requests


async def test_booking_refuses_what_google_has_busy_but_not_when_google_fails(
    calendar_client: httpx.AsyncClient,
    google: tuple[FakeOAuthState, str],
    db: Database,
    calendar_settings: Settings,
) -> None:
    client, fake = calendar_client, google[0]
    tokens, company_id = await company_with_hours(client, "busy@example.com", capacity=2)
    await _connect(client, tokens, company_id)
    day = next_weekday(2).isoformat()
    nine, ten, _ = await slots(client, tokens, company_id, **{"from": day, "to": day})
    fake.busy.append({"start": ten["start"], "end": ten["end"]})

    refused = await client.post(
        BOOKINGS, json={"company_id": company_id, "start": ten["start"]}, headers=bearer(tokens)
    )
    assert refused.status_code == 409 and refused.json()["error"] == "SlotTaken"
    assert "calendar" in refused.json()["detail"]

    # The platform's own event is not someone else's appointment: capacity 2 takes a second booking, not a third.
    first = await client.post(BOOKINGS, json={"company_id": company_id, "start": nine["start"]}, headers=bearer(tokens))
    assert first.status_code == 201, first.text
    assert await sync_booking(db, calendar_settings, uuid.UUID(company_id), uuid.UUID(first.json()["id"])) == "inserted"
    second = await client.post(
        BOOKINGS, json={"company_id": company_id, "start": nine["start"]}, headers=bearer(tokens)
    )
    assert second.status_code == 201, second.text
    third = await client.post(BOOKINGS, json={"company_id": company_id, "start": nine["start"]}, headers=bearer(tokens))
    assert third.status_code == 409 and "calendar" not in third.json()["detail"]

    # Google down: its busy times cannot be read, and booking goes on (as the slots list does); the failure shows.
    fake.fail_api = True
    made = await client.post(BOOKINGS, json={"company_id": company_id, "start": ten["start"]}, headers=bearer(tokens))
    assert made.status_code == 201, made.text
    assert (await _status(client, tokens, company_id))["last_error"]


async def test_disconnect_revokes_drops_the_tokens_and_stops_the_sync(
    calendar_client: httpx.AsyncClient,
    google: tuple[FakeOAuthState, str],
    db: Database,
    calendar_settings: Settings,
    owner_url: str,
    app_url: str,
) -> None:
    client, fake = calendar_client, google[0]
    tokens, company_id = await company_with_hours(client, "leave@example.com")
    await _connect(client, tokens, company_id)
    [refresh_token] = fake.refresh_tokens
    day = next_weekday(3).isoformat()
    nine, ten, _ = await slots(client, tokens, company_id, **{"from": day, "to": day})
    booking = (
        await client.post(BOOKINGS, json={"company_id": company_id, "start": nine["start"]}, headers=bearer(tokens))
    ).json()
    company = uuid.UUID(company_id)
    assert await sync_booking(db, calendar_settings, company, uuid.UUID(booking["id"])) == "inserted"
    [event] = fake.live_events()

    other, _ = await company_with_hours(client, "other@example.com")
    body = {"company_id": company_id}
    assert (await client.post(f"{CALENDAR}/disconnect", json=body, headers=bearer(other))).status_code == 404
    manager = await assigned_manager(client, app_url, tokens)
    assert (await client.post(f"{CALENDAR}/disconnect", json=body, headers=bearer(manager))).status_code == 403
    assert (await _status(client, tokens, company_id))["connected"] is True
    bad = await client.post(f"{CALENDAR}/disconnect", json={"company_id": "nope"}, headers=bearer(tokens))
    assert bad.status_code == 422

    done = await client.post(f"{CALENDAR}/disconnect", json=body, headers=bearer(tokens))
    assert done.status_code == 200 and done.json() == {"revoked": True}
    assert [r["form"] for r in fake.revoke_requests] == [{"token": refresh_token}]
    assert fake.refresh_tokens == {}  # the grant is gone at Google
    assert await _status(client, tokens, company_id) == {"connected": False, "calendar_id": None, "last_error": None}
    assert sql(owner_url, f"SELECT count(*) FROM t_{company.hex}.calendar_connections") == [(0,)]
    assert sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE ref = %s", f"google_calendar:{company}") == [(0,)]

    # The booking keeps its event's id; nothing is synced any more: no job for a new booking or a cancel.
    listed = (await client.get(BOOKINGS, params={"company_id": company_id}, headers=bearer(tokens))).json()
    assert listed["items"][0]["calendar_event_id"] == event["id"]
    later = await client.post(BOOKINGS, json={"company_id": company_id, "start": ten["start"]}, headers=bearer(tokens))
    assert later.status_code == 201 and _queued(owner_url, later.json()["id"]) == 0
    assert (await client.delete(f"{BOOKINGS}/{booking['id']}", headers=bearer(tokens))).status_code == 200
    assert _queued(owner_url, booking["id"]) == 1  # the insert job queued at booking time, none for the cancel
    assert await sync_booking(db, calendar_settings, company, uuid.UUID(booking["id"])) == "nothing"
    assert len(fake.live_events()) == 1

    again = await client.post(f"{CALENDAR}/disconnect", json=body, headers=bearer(tokens))
    assert again.status_code == 200 and again.json() == {"revoked": False}
    assert len(fake.revoke_requests) == 1


async def test_disconnect_drops_the_tokens_even_when_google_cannot_revoke(
    calendar_client: httpx.AsyncClient, google: tuple[FakeOAuthState, str]
) -> None:
    client, fake = calendar_client, google[0]
    tokens, company_id = await company_with_hours(client, "down@example.com")
    await _connect(client, tokens, company_id)
    fake.fail_token_step = True
    done = await client.post(f"{CALENDAR}/disconnect", json={"company_id": company_id}, headers=bearer(tokens))
    assert done.status_code == 200 and done.json() == {"revoked": False}
    assert len(fake.revoke_requests) == 1 and fake.refresh_tokens  # Google still holds the grant
    assert (await _status(client, tokens, company_id))["connected"] is False
