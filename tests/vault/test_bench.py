"""`make bench`'s vault benchmark at a toy size: it keeps driving the real `x8 vault rotate` as the product changes."""

from __future__ import annotations

from bench import vault


def test_the_rotate_benchmark_runs(owner_url: str) -> None:
    lines = vault.run(owner_url, count=30)
    assert "said 're-encrypted 30 secrets'" in lines[0]
    assert "said 're-encrypted 0 secrets'" in lines[1]
