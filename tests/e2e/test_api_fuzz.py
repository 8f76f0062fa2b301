"""R-R5: a schemathesis fuzz run against /openapi.json of a live server gives no 5xx.

It runs as a signed-in business, so authenticated operations are exercised too; the operations that
would end the session under it (logout, password changes) are left to their own tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.helpers import unique_email


def _first_mail(api: httpx.Client, email: str) -> str:
    """The code goes out from a background job, so the mail may land a moment after the request."""
    for _ in range(100):
        items = api.get("/dev/mailbox", params={"to": email, "format": "json"}).json()["items"]
        if items:
            return str(items[0]["body"])
        time.sleep(0.1)
    raise AssertionError(f"no mail to {email} within 10 s")


def _business_token(base: str) -> str:
    email = unique_email("fuzz")
    with httpx.Client(base_url=base) as api:
        api.post("/api/v1/auth/send-verification-code", json={"email": email}).raise_for_status()
        body = _first_mail(api, email)
        code = re.search(r"\b(\d{6})\b", body)
        assert code
        api.post("/api/v1/auth/verify-code", json={"email": email, "code": code.group(1)}).raise_for_status()
        r = api.post(
            "/api/v1/auth/complete-registration", json={"email": email, "password": "Fuzz3rPass", "full_name": "Fuzz"}
        )
        r.raise_for_status()
        return str(r.json()["access_token"])


def test_fuzzing_the_api_finds_no_server_errors(live_server: str) -> None:
    token = _business_token(live_server)
    st = Path(sys.executable).parent / "st"
    result = subprocess.run(
        [
            str(st),
            "run",
            f"{live_server}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "15",
            "--workers",
            "2",
            "--seed",
            "8808",
            "--request-timeout",
            "20",
            "--exclude-path-regex",
            "/auth/(logout|change-password|reset-password)$",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
