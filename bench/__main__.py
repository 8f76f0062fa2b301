"""Benchmarks (`make bench`). Each prints its figures beside a baseline measured in the same run."""

from __future__ import annotations

import sys


def main() -> int:
    print("No benchmarks yet: the tenancy, knowledge-base and conversation issues add them (SPEC.md §16).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
