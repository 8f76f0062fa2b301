"""Sealing provider credentials (bot tokens, API keys) with X8_VAULT_KEY: AES-256-GCM, a random nonce per seal.

The associated data binds a sealed value to the row it belongs to (a channel id), so a sealed token copied into
another row does not open there. The vault issue builds its SystemData store on the same box.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
VERSION = b"\x01"


class SealBroken(Exception):
    """The sealed value was altered, belongs to another row, or was sealed with another key."""


def _aead(vault_key: str) -> AESGCM:
    return AESGCM(base64.b64decode(vault_key))


def seal(vault_key: str, value: dict[str, Any], *, bound_to: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(value, separators=(",", ":")).encode()
    return VERSION + nonce + _aead(vault_key).encrypt(nonce, plaintext, bound_to.encode())


def open_sealed(vault_key: str, sealed: bytes, *, bound_to: str) -> dict[str, Any]:
    if not sealed.startswith(VERSION):
        raise SealBroken("unknown seal version")
    nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        plaintext = _aead(vault_key).decrypt(nonce, ciphertext, bound_to.encode())
    except InvalidTag as exc:
        raise SealBroken("the sealed value does not open with this key for this row") from exc
    value: dict[str, Any] = json.loads(plaintext)
    return value


def new_webhook_secret() -> str:
    """A secret for a provider to send back (Telegram allows A-Z a-z 0-9 _ -, up to 256 characters)."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(presented: str | None, stored_hash: str | None) -> bool:
    if not presented or not stored_hash:
        return False
    return hmac.compare_digest(secret_hash(presented), stored_hash)
