"""Sealing secrets (bot tokens, OAuth tokens, API keys) with the vault keys: AES-256-GCM, a random nonce per seal.

A sealed value carries the id of the key that sealed it (``VERSION + key id + nonce + ciphertext``), so a key
rotation knows what is left to re-encrypt and a value is only ever opened with its own key: a value whose key is
not configured fails loudly (``UnknownVaultKey``), it is never tried against another key. Values sealed before
key ids (version 1) open with the current key only.

The associated data binds a sealed value to the row it belongs to, so a sealed token copied into another row does
not open there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
KEY_ID_BYTES = 8
LEGACY_VERSION = b"\x01"  # nonce + ciphertext, no key id
VERSION = b"\x02"


class SealBroken(Exception):
    """The sealed value was altered, belongs to another row, or was sealed with another key."""


class UnknownVaultKey(SealBroken):
    """The value was sealed with a key that is neither X8_VAULT_KEY nor one of X8_VAULT_OLD_KEYS."""


def key_id(vault_key: str) -> str:
    """A public name for a key: a hash, so it tells nothing about the key but tells two keys apart."""
    digest = hashlib.sha256(b"x8-vault-key-id:" + base64.b64decode(vault_key)).digest()
    return digest[:KEY_ID_BYTES].hex()


class Keyring:
    """The current key, which seals, and the older ones still accepted for opening during a rotation."""

    def __init__(self, current: str, old: Iterable[str] = ()) -> None:
        self.current_id = key_id(current)
        self._aeads = {key_id(k): AESGCM(base64.b64decode(k)) for k in [*old, current]}

    def knows(self, sealed_key_id: str) -> bool:
        return sealed_key_id in self._aeads

    def seal_bytes(self, plaintext: bytes, *, bound_to: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = self._aeads[self.current_id].encrypt(nonce, plaintext, bound_to.encode())
        return VERSION + bytes.fromhex(self.current_id) + nonce + ciphertext

    def open_bytes(self, sealed: bytes, *, bound_to: str) -> bytes:
        if sealed.startswith(LEGACY_VERSION):
            sealed_with, body = self.current_id, sealed[1:]
        elif sealed.startswith(VERSION):
            sealed_with, body = sealed[1 : 1 + KEY_ID_BYTES].hex(), sealed[1 + KEY_ID_BYTES :]
        else:
            raise SealBroken("unknown seal version")
        aead = self._aeads.get(sealed_with)
        if aead is None:
            raise UnknownVaultKey(
                f"sealed with vault key {sealed_with}, which is neither X8_VAULT_KEY nor in X8_VAULT_OLD_KEYS"
            )
        nonce, ciphertext = body[:NONCE_BYTES], body[NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, ciphertext, bound_to.encode())
        except InvalidTag as exc:
            raise SealBroken("the sealed value does not open with this key for this row") from exc

    def seal_text(self, text: str, *, bound_to: str) -> bytes:
        return self.seal_bytes(text.encode(), bound_to=bound_to)

    def open_text(self, sealed: bytes, *, bound_to: str) -> str:
        return self.open_bytes(sealed, bound_to=bound_to).decode()


def sealed_key_id(sealed: bytes) -> str | None:
    """The id of the key a value was sealed with (None for a legacy value, which carries none)."""
    if not sealed.startswith(VERSION):
        return None
    return sealed[1 : 1 + KEY_ID_BYTES].hex()


def parse_old_keys(old_keys: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in old_keys.split(",") if k.strip())


@lru_cache(maxsize=8)
def keyring(current: str, old_keys: str = "") -> Keyring:
    """One keyring per configuration (building one costs a hash and a cipher per key)."""
    return Keyring(current, parse_old_keys(old_keys))


def seal(vault_key: str, value: dict[str, Any], *, bound_to: str) -> bytes:
    plaintext = json.dumps(value, separators=(",", ":")).encode()
    return keyring(vault_key).seal_bytes(plaintext, bound_to=bound_to)


def open_sealed(vault_key: str, sealed: bytes, *, bound_to: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(keyring(vault_key).open_bytes(sealed, bound_to=bound_to))
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
