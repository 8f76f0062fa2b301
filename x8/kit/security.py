"""Passwords, JWTs and one-time secrets."""

from __future__ import annotations

import base64
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


BCRYPT_MAX_BYTES = 72
_PREHASH_KEY = b"x8 password prehash v1"


def _bcrypt_input(password: str) -> bytes:
    """What bcrypt is given. bcrypt reads at most 72 bytes, and a password of 128 characters may be 512 in UTF-8
    (the schema counts characters, as clients do): a longer one is condensed to a keyed SHA-256 first (base64, 44
    bytes), so every character counts instead of being cut off. Passwords of up to 72 bytes go in as they are,
    so the hashes stored before this rule still verify. The key keeps it from being a bare SHA-256, which a hash
    leaked elsewhere could be matched against."""
    raw = password.encode()
    if len(raw) <= BCRYPT_MAX_BYTES:
        return raw
    return base64.b64encode(hmac.new(_PREHASH_KEY, raw, hashlib.sha256).digest())


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_bcrypt_input(password), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        return False
    try:
        return bcrypt.checkpw(_bcrypt_input(password), hashed.encode())
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
