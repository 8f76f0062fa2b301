"""Benchmarks (`make bench`). Each prints its figures beside a baseline measured in the same run."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable

from bench import (
    booking,
    conversations,
    deletion,
    kb,
    metrics,
    n8n,
    payments,
    peer,
    populate,
    statements,
    tenancy,
    vault,
)
from bench.db import fresh_database
from x8.kit.db_urls import with_role
from x8.settings import Settings


def _print(lines: Iterable[str]) -> None:
    for line in lines:
        print(line, flush=True)


def _among(populated: populate.Populated) -> str:
    return f"{populated.tenants} tenants of {populate.MIN_ROWS}-{populate.MAX_ROWS} rows"


def main() -> int:
    """Every benchmark; ``python -m bench payments`` (or ``booking``, ``conversations``, ``vault``, ``metrics``,
    ``deletion``, ``n8n``, ``peer``, ``statements``, ``native``: the n8n benchmark's native throughput run alone)
    runs only that one; ``python -m bench kb`` runs the KB
    benchmarks among 1,000 populated tenants (without the tenancy figures), and ``python -m bench kb conversations``
    the reply benchmarks after them, with the run answered by the 100k-row company."""
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    print("X8 Network benchmarks (SPEC.md §16); machine: 2 cores. Ratios are against same-run baselines.")
    owner_url, admin_url = fresh_database()
    app_url = with_role(owner_url, "x8_app", Settings(_env_file=None).db_app_password)  # type: ignore[call-arg]
    only = sys.argv[1:]
    alone = {
        "payments": payments,
        "booking": booking,
        "conversations": conversations,
        "vault": vault,
        "metrics": metrics,
        "deletion": deletion,
        "n8n": n8n,
        "peer": peer,
    }
    if only == ["statements"]:
        _print(statements.run(owner_url, admin_url))
    elif only == ["native"]:
        _print(n8n.run_native(owner_url))
    elif len(only) == 1 and only[0] in alone:
        _print(alone[only[0]].run(owner_url))
    elif only in (["kb"], ["kb", "conversations"]):
        tenancy.provision(owner_url)
        lines, populated = populate.run(owner_url, app_url)
        _print(lines)
        lines, shop = kb.run(owner_url, app_url, among=_among(populated))
        _print(lines)
        if "conversations" in only:
            _print(conversations.run(owner_url, big_shop=shop))
    elif only:
        choices = ", ".join(["kb", "kb conversations", "statements", "native", *alone])
        print(f"unknown benchmark {' '.join(only)!r}: one of {choices}")
        return 2
    else:
        _print(tenancy.run(owner_url))
        lines, populated = populate.run(owner_url, app_url)
        _print(lines)
        lines, shop = kb.run(owner_url, app_url, among=_among(populated))
        _print(lines)
        _print(conversations.run(owner_url, big_shop=shop))
        _print(statements.run(owner_url, admin_url))
        _print(peer.run(owner_url))
        for benchmark in (payments, booking):
            _print(benchmark.run(owner_url))
        # Its own database: `x8 vault rotate` refuses a vault holding secrets sealed with a key it was not given,
        # and the benchmarks before it connected channels under the development key.
        _print(vault.run(fresh_database()[0]))
        for benchmark in (metrics, deletion, n8n):
            _print(benchmark.run(owner_url))
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
