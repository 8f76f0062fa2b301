"""Passwords, JWTs and one-time secrets."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

import bcrypt
import jwt

from x8.kit.clock import utcnow

ALGORITHM = "HS256"
ACCESS_TTL = timedelta(minutes=30)
REFRESH_TTL = timedelta(days=7)

TokenType = Literal["access", "refresh", "oauth_state", "stream"]


class InvalidToken(Exception):
    pass


# Work factor; the test suite lowers it (X8_BCRYPT_ROUNDS=4) to stay fast. Never lower it in production.
BCRYPT_ROUNDS = int(os.environ.get("X8_BCRYPT_ROUNDS", "12"))


def hash_password(password: str) -> str:
    # bcrypt only reads 72 bytes; the password schema caps the length instead of silently truncating.
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        return False
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        return False


# A real hash to compare against when the user does not exist, so timing does not reveal it.
DUMMY_PASSWORD_HASH = hash_password(secrets.token_urlsafe(16))


def encode_token(
    secret_key: str,
    *,
    subject: str,
    token_type: TokenType,
    ttl: timedelta,
    claims: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    issued = now or utcnow()
    payload: dict[str, Any] = {
        "sub": subject,
        "type": token_type,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        **(claims or {}),
    }
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def decode_token(secret_key: str, token: str, *, expected_type: TokenType) -> dict[str, Any]:
    """Decode and check a token. Only HS256 is accepted: ``alg: none`` and others are refused."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unsupported token algorithm")
        # The signature, `exp`, `nbf`, `sub` and `jti` are checked as python-jose did, and a token without `exp` is
        # refused. `iat` is not checked: PyJWT refuses an `iat` in the future, which would turn a second of clock
        # skew between two hosts into a sign-out.
        payload: dict[str, Any] = jwt.decode(
            token, secret_key, algorithms=[ALGORITHM], options={"verify_iat": False, "require": ["exp"]}
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if payload.get("type") != expected_type:
        raise InvalidToken("wrong token type")
    if not isinstance(payload.get("sub"), str):
        raise InvalidToken("token has no subject")
    return payload


def secret_digest(secret_key: str, *parts: str) -> str:
    """HMAC-SHA256 of a one-time secret, bound to its context (email, purpose)."""
    message = "\x1f".join(parts).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def new_numeric_code(digits: int = 6) -> str:
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def new_url_token() -> str:
    return secrets.token_urlsafe(32)
