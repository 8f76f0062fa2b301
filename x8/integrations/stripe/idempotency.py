"""Deterministic idempotency keys for Stripe POSTs.

A key is derived from what the request is *for* (an operation and the ids that identify it), never drawn at
random: a job that crashed after Stripe accepted its request, or whose answer was lost, runs again and sends the
same key, so Stripe returns the first result instead of creating a second customer, session or account. Stripe
compares the parameters of a repeated key with the first request's and refuses a mismatch (``idempotency_error``),
so a key must name exactly one request body. Stripe may forget a key after 24 hours; a retry later than that
makes a new object.

Objects meant to be fresh on every call (an Account Link or a portal session is single use and short lived) need
a part that changes per attempt, e.g. the id of the job or request that asks for it.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid

MAX_KEY_LENGTH = 255  # Stripe's limit
_OPERATION = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


def idempotency_key(operation: str, *parts: str | uuid.UUID | int) -> str:
    """``x8-<operation>-<sha256 of the parts>``: the same inputs give the same key, different inputs another.

    A UUID and its string (or an int and its decimal string) give the same key, so a caller may pass an id as it
    comes from the database or from a job's arguments.
    """
    if not _OPERATION.match(operation):
        raise ValueError(f"operation must be lowercase letters, digits, '_' or '.', got {operation!r}")
    if not parts:
        raise ValueError("an idempotency key needs at least one part naming the request")
    if any(isinstance(part, bool) for part in parts):
        raise TypeError("booleans are not ids")
    # JSON of the list keeps parts apart: ("a-b",) and ("a", "b") hash differently.
    canonical = json.dumps([str(part) for part in parts], ensure_ascii=False, separators=(",", ":"))
    key = f"x8-{operation}-{hashlib.sha256(canonical.encode()).hexdigest()}"
    assert len(key) <= MAX_KEY_LENGTH
    return key
