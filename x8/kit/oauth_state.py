"""The ``state`` of an OAuth redirect: a short-lived signed token that names what the callback is for (a company
and the person connecting it, say). A callback reads it back or refuses: a missing, forged or expired state, or
one issued for another flow (its subject), reads as None."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from x8.kit.security import InvalidToken, decode_token, encode_token

STATE_TTL = timedelta(minutes=15)


def issue(secret_key: str, subject: str, claims: dict[str, str], *, ttl: timedelta = STATE_TTL) -> str:
    return encode_token(secret_key, subject=subject, token_type="oauth_state", ttl=ttl, claims=claims)


def read(secret_key: str, subject: str, state: str | None) -> dict[str, Any] | None:
    if not state:
        return None
    try:
        claims = decode_token(secret_key, state, expected_type="oauth_state")
    except InvalidToken:
        return None
    return claims if claims.get("sub") == subject else None


def issue_for_company(secret_key: str, subject: str, company_id: uuid.UUID, user_id: uuid.UUID) -> str:
    return issue(secret_key, subject, {"company_id": str(company_id), "user_id": str(user_id)})


def read_company(secret_key: str, subject: str, state: str | None) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The company and the person a ``issue_for_company`` state names, or None."""
    claims = read(secret_key, subject, state)
    if claims is None:
        return None
    try:
        return uuid.UUID(str(claims["company_id"])), uuid.UUID(str(claims["user_id"]))
    except (KeyError, ValueError):
        return None
