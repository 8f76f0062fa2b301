"""Benchmarks (`make bench`). Each prints its figures beside a baseline measured in the same run."""

from __future__ import annotations

import logging
import sys
import time

from bench import tenancy


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    print("X8 Network benchmarks (SPEC.md §16); machine: 2 cores. Ratios are against same-run baselines.")
    for line in tenancy.run():
        print(line, flush=True)
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
