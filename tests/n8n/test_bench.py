"""The n8n benchmark without the real n8n: it says it was skipped and why, rather than failing `make bench`."""

from __future__ import annotations

import pytest

from bench import n8n as bench_n8n
from tests.n8n import real


def test_the_benchmark_is_skipped_with_a_note_without_the_real_n8n(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(real, "installed", lambda: False)
    [line] = bench_n8n.run("postgresql://unused")
    assert line.startswith("n8n: skipped") and "make n8n" in line
