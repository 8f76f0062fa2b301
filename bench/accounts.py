"""A business owner's account on a running `x8 serve`, made the way the dashboard makes it (dev mailbox code)."""

from __future__ import annotations

import re
import time

import httpx

PASSWORD = "BenchPass123"


def sign_up(api: httpx.Client, email: str) -> dict[str, str]:
    """Register ``email`` (the code read from the dev mailbox); the bearer header of the new session."""
    api.post("/api/v1/auth/send-verification-code", json={"email": email}).raise_for_status()
    for _ in range(100):
        items = api.get("/dev/mailbox", params={"to": email, "format": "json"}).json()["items"]
        if items:
            break
        time.sleep(0.1)
    code = re.search(r"\b(\d{6})\b", items[0]["body"])
    assert code, "no verification code in the dev mailbox"
    api.post("/api/v1/auth/verify-code", json={"email": email, "code": code.group(1)}).raise_for_status()
    tokens = api.post(
        "/api/v1/auth/complete-registration", json={"email": email, "password": PASSWORD, "full_name": "B"}
    )
    tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


def log_in(api: httpx.Client, email: str) -> dict[str, str]:
    tokens = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}
