"""The X8-vs-n8n benchmark (`bench/peer.py`): at toy sizes against the cached real n8n, and its note without it."""

from __future__ import annotations

import pytest

from bench import conversations, peer
from tests.n8n import real


def test_the_peer_benchmark_is_skipped_with_a_note_without_the_real_n8n(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(real, "installed", lambda: False)
    [line] = peer.run("postgresql://unused")
    assert line.startswith("X8 vs n8n (peer): skipped") and "make n8n" in line


@pytest.mark.skipif(not real.installed(), reason="the real n8n is not cached (make n8n)")
def test_both_sides_answer_and_the_ratio_is_printed(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"SECONDS": 2, "X8_RATE": 10, "WARM_UP": 4, "PEER_CONNECTIONS": 4}.items():
        monkeypatch.setattr(peer, name, value)
    monkeypatch.setattr(conversations, "BUFFER_SECONDS", 0.3)
    monkeypatch.setattr(conversations, "CATALOGUE_ROWS", 50)
    [line] = peer.run(owner_url)
    assert line.startswith("replies/s, a new customer per message asking a price")
    assert "20 of 20 answered" in line  # X8 answered every customer
    assert "n8n 1.123" in line and "ratio" in line
