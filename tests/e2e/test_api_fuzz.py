"""R-R5: schemathesis with every check (``--checks all``) against /openapi.json of a live server: no 5xx, no status
code the schema does not document, a wrong method is a 405 whose ``Allow`` lists the path's methods, and what the
schema allows is accepted (what it refuses, refused).

It runs as a signed-in business, so authenticated operations are exercised too; the operations that would end the
session under it (logout, password changes) are left to their own tests.

Configured in ``schemathesis.toml`` (repository root), each for a reason:

- The stateful phase follows the schema's links (x8/kit/openapi.py ``LINKS``) and does not guess them: the guess
  feeds a company's human ``company_id`` ("COMP001") to every ``company_id`` parameter, which takes the company's
  ``id``; explicit links outrank a guess for parameters but not for body fields.
- A schema-valid request may still be refused for a reason that lives in the database, never in the request's
  shape; for these operations that documented refusal counts as an acceptable answer to valid data:
  - 400 from ``/auth/verify-code``, ``verify-reset-code``, ``verify-magic-link``, ``complete-registration``,
    ``reset-password``, ``change-password``: the code or link was never sent to that address, is wrong, used or
    expired; the email was not verified; the current password is wrong.
  - 400 from ``/oauth/{provider}/callback``: no sign-in was started (the state cookie is missing); from
    ``/integrations/google-calendar/callback``: its signed state is missing, forged or expired.
  - 400 from ``/knowledge-base/upload-csv`` and ``/cloudinary/upload``: the file's content is not a catalogue,
    an image or a video, whatever its declared type.
  - 400 from ``/knowledge-base/{kb_id}/rows…``: another row has the SKU; an edit leaves the stored row invalid.
  - 402 from ``POST /companies/`` and ``PATCH /companies/{company_id}``: more channels or companies than the plan
    allows, or the trial ended.
  - 400 and 402 from the integrations' connect, QR and disconnect: the provider refuses the token or the channel is
    in a state that cannot do it; the plan's channel limit.
  - 400 from the Stripe webhooks (``/subscriptions/webhook/stripe``, ``/webhooks/stripe-connect``): a request not
    signed by Stripe with this server's secret, whatever its shape (SPEC §11).
  - 400 from ``/purchases`` and ``/purchases/export``: a period that ends before it starts, or a page deeper than a
    log merged across companies goes.
  - 422 from ``/metrics/overview``: a range that ends before it starts, or is longer than its granularity allows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.helpers import api_business_token
from tests.serving import artifact

ROOT = Path(__file__).resolve().parents[2]


def test_fuzzing_the_api_finds_no_server_errors(live_server: str) -> None:
    token = api_business_token(live_server, "fuzz")
    st = Path(sys.executable).parent / "st"
    result = subprocess.run(
        [
            str(st),
            "--config-file",
            str(ROOT / "schemathesis.toml"),
            "run",
            f"{live_server}/openapi.json",
            "--checks",
            "all",
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
        cwd=ROOT,
    )
    artifact("schemathesis.txt").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
