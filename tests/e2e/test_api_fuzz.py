"""R-R5: a schemathesis fuzz run against /openapi.json of a live server gives no 5xx.

It runs as a signed-in business, so authenticated operations are exercised too; the operations that
would end the session under it (logout, password changes) are left to their own tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.helpers import api_business_token


def test_fuzzing_the_api_finds_no_server_errors(live_server: str) -> None:
    token = api_business_token(live_server, "fuzz")
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
