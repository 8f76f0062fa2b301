"""The OAuth ``state`` the Gmail, Google Calendar, Meta and sign-in redirects carry: it reads back only for the flow
that issued it, unaltered and in time."""

from __future__ import annotations

import uuid
from datetime import timedelta

from x8.kit import oauth_state
from x8.kit.security import encode_token

KEY = "a-test-secret-key-of-enough-length-000000"


def test_a_state_reads_back_for_its_own_flow_only() -> None:
    company, user = uuid.uuid4(), uuid.uuid4()
    state = oauth_state.issue_for_company(KEY, "gmail", company, user)
    assert oauth_state.read_company(KEY, "gmail", state) == (company, user)
    assert oauth_state.read_company(KEY, "google-calendar", state) is None  # another flow's
    assert oauth_state.read(KEY, "gmail", state) is not None


def test_missing_forged_expired_and_other_tokens_read_as_none() -> None:
    state = oauth_state.issue(KEY, "meta-login", {"nonce": "n"})
    assert oauth_state.read(KEY, "meta-login", None) is None
    assert oauth_state.read(KEY, "meta-login", "") is None
    assert oauth_state.read(KEY, "meta-login", state[:-2] + ("AA" if state[-2:] != "AA" else "BB")) is None
    assert oauth_state.read("another-secret-key-of-enough-length-0000", "meta-login", state) is None
    expired = oauth_state.issue(KEY, "meta-login", {"nonce": "n"}, ttl=timedelta(seconds=-1))
    assert oauth_state.read(KEY, "meta-login", expired) is None
    access = encode_token(KEY, subject="meta-login", token_type="access", ttl=timedelta(minutes=5))
    assert oauth_state.read(KEY, "meta-login", access) is None  # a sign-in token is not a state


def test_a_company_state_without_its_ids_reads_as_none() -> None:
    assert oauth_state.read_company(KEY, "gmail", oauth_state.issue(KEY, "gmail", {"company_id": "x"})) is None
    bad = oauth_state.issue(KEY, "gmail", {"company_id": "not-a-uuid", "user_id": str(uuid.uuid4())})
    assert oauth_state.read_company(KEY, "gmail", bad) is None
