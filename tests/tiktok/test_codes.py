"""Ref codes and crawler detection, on their own."""

from __future__ import annotations

import pytest

from x8.platform.tiktok.codes import codes_in, new_code, prefill, without_ref_codes
from x8.platform.tiktok.crawlers import is_crawler
from x8.platform.tiktok.whatsapp_number import digits_of


def test_codes_are_short_distinct_and_found_however_the_customer_edited_the_text() -> None:
    made = {new_code() for _ in range(500)}
    assert len(made) == 500 and all(len(c) == 10 and c.isalnum() and c == c.lower() for c in made)
    code = sorted(made)[0]
    text = prefill("en", code)
    assert codes_in(text) == [code]
    assert codes_in(f"Can I order?? REF {code.upper()}!") == [code]
    assert codes_in(f"ref#{code} and ref:{code[::-1]}") == [code, code[::-1]]
    assert codes_in(f"my reference{code}") == []  # "reference" is a word, not our ref
    assert codes_in("nothing to see here") == []


def test_the_assistant_reads_the_message_without_the_code() -> None:
    assert without_ref_codes("Hello! I'd like roses (ref:abcdefghjk)") == "Hello! I'd like roses"
    assert without_ref_codes("REF: ABCDEFGHJK do you deliver?") == "do you deliver?"
    assert without_ref_codes("I prefer red ones") == "I prefer red ones"


def test_the_prefill_is_in_the_companys_language() -> None:
    assert prefill("ru", "abcdefghjk").startswith("Здравствуйте")
    assert prefill("de", "abcdefghjk").startswith("Hello")  # no greeting of its own yet: English


@pytest.mark.parametrize(
    ("agent", "method", "bot"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 musical_ly_32.5.0", "GET", False),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0 Mobile Safari/537.36", "GET", False),
        ("Twitterbot/1.0", "GET", True),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "GET", True),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "GET", True),
        ("Wget/1.21", "GET", True),
        ("Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile", "HEAD", True),
    ],
)
def test_crawlers(agent: str, method: str, bot: bool) -> None:
    assert is_crawler(agent, method) is bot


def test_the_whatsapp_number_is_the_digits_of_the_sessions_own_id() -> None:
    assert digits_of("79110000000@c.us") == "79110000000"
    assert digits_of("4930123456789:12@s.whatsapp.net") == "4930123456789"
    assert digits_of("120363000000000000@g.us") is None  # a group, far too long for a phone
    assert digits_of("not-a-number") is None
