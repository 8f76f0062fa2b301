"""R-R6, property-based: whatever text and names a provider delivers (any Unicode: NUL, lone surrogates, RTL and
combining marks, emoji; from empty to long), a verified webhook is accepted and the customer is answered. No 5xx,
no lost message."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conversations.helpers import run_jobs
from tests.conversations.test_telegram import _connect as connect_telegram
from tests.conversations.test_telegram import update
from tests.conversations.test_whatsapp import HMAC_KEY, _message
from tests.conversations.test_whatsapp import _connect as connect_whatsapp
from tests.fakes.telegram import FakeTelegram
from tests.fakes.waha import FakeWaha, signed
from x8.kit.cleaning import clean_text

ODD = st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\u200f", "\u0301", "👍", "'", "&|!():*", "\\", "\n"])
# Any code point (surrogates included), with the troublesome ones over-represented, up to 2,000 characters.
TEXT = st.lists(st.one_of(st.characters(), ODD), max_size=2000).map("".join)
NAME = st.lists(st.one_of(st.characters(), ODD), max_size=80).map("".join)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

_ids = itertools.count(1)


def _raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()  # ensure_ascii: surrogates travel as \ud800, as JSON allows


@pytest.fixture
async def telegram(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str]
) -> tuple[httpx.AsyncClient, FakeTelegram, str, str]:
    fake, _ = fake_telegram
    _, _, channel_id, secret = await connect_telegram(tg_client, fake)
    return tg_client, fake, channel_id, secret


@FUZZ
@given(text=TEXT, first_name=NAME)
async def test_telegram_delivers_anything(
    telegram: tuple[httpx.AsyncClient, FakeTelegram, str, str], app_url: str, text: str, first_name: str
) -> None:
    client, fake, channel_id, secret = telegram
    n = next(_ids)
    body = update(n, text, chat=900000 + n)
    body["message"]["from"]["first_name"] = first_name
    r = await client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        content=_raw(body),
        headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    await run_jobs(app_url)
    if clean_text(text).strip():  # nothing left once NUL goes: no message (Telegram never sends an empty one)
        assert 900000 + n in {m["chat_id"] for m in fake.sent}, "the customer was not answered"


@pytest.fixture
async def whatsapp(
    wa_client: httpx.AsyncClient, app_url: str, fake_waha: tuple[FakeWaha, str]
) -> tuple[httpx.AsyncClient, FakeWaha, str]:
    fake, _ = fake_waha
    _, _, _, session = await connect_whatsapp(wa_client, fake)
    body, headers = signed(fake.event(session, "session.status", {"status": "WORKING"}), HMAC_KEY)
    assert (await wa_client.post("/api/v1/webhooks/waha", content=body, headers=headers)).status_code == 200
    await run_jobs(app_url)
    return wa_client, fake, session


@FUZZ
@given(text=TEXT, notify_name=NAME, id_tail=st.text(max_size=20))
async def test_waha_delivers_anything(
    whatsapp: tuple[httpx.AsyncClient, FakeWaha, str], app_url: str, text: str, notify_name: str, id_tail: str
) -> None:
    client, fake, session = whatsapp
    n = next(_ids)
    customer = f"49151{n:07d}@c.us"
    message = {
        **_message(f"false_{customer}_{n}{id_tail}", text),
        "from": customer,
        "_data": {"notifyName": notify_name},
    }
    body, headers = signed(fake.event(session, "message.any", message), HMAC_KEY)
    r = await client.post("/api/v1/webhooks/waha", content=body, headers=headers)
    assert r.status_code == 200, r.text
    await run_jobs(app_url)
    if clean_text(text):
        assert customer in {m["chatId"] for m in fake.sent}, "the customer was not answered"
