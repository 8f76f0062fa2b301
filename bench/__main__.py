"""Benchmarks (`make bench`). Each prints its figures beside a baseline measured in the same run."""

from __future__ import annotations

import logging
import sys
import time

from bench import booking, conversations, deletion, kb, metrics, n8n, payments, tenancy, vault
from bench.db import fresh_database
from x8.kit.db_urls import with_role
from x8.settings import Settings


def main() -> int:
    """Every benchmark; ``python -m bench payments`` (or ``booking``, ``conversations``, ``vault``, ``metrics``,
    ``deletion``, ``n8n``) runs only that one."""
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    print("X8 Network benchmarks (SPEC.md §16); machine: 2 cores. Ratios are against same-run baselines.")
    owner_url, _ = fresh_database()
    only = sys.argv[1:]
    alone = {
        "payments": payments,
        "booking": booking,
        "conversations": conversations,
        "vault": vault,
        "metrics": metrics,
        "deletion": deletion,
        "n8n": n8n,
    }
    if len(only) == 1 and only[0] in alone:
        for line in alone[only[0]].run(owner_url):
            print(line, flush=True)
        print(f"done in {time.monotonic() - started:.0f}s")
        return 0
    for line in tenancy.run(owner_url):
        print(line, flush=True)
    app_url = with_role(owner_url, "x8_app", Settings(_env_file=None).db_app_password)  # type: ignore[call-arg]
    for line in kb.run(owner_url, app_url, tenants_present=tenancy.TENANTS):
        print(line, flush=True)
    for line in conversations.run(owner_url):
        print(line, flush=True)
    for line in payments.run(owner_url):
        print(line, flush=True)
    for line in booking.run(owner_url):
        print(line, flush=True)
    for line in vault.run(owner_url):
        print(line, flush=True)
    for line in metrics.run(owner_url):
        print(line, flush=True)
    for line in deletion.run(owner_url):
        print(line, flush=True)
    for line in n8n.run(owner_url):
        print(line, flush=True)
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
