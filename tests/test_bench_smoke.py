"""`make bench` at toy sizes: the benchmarks keep working as the product changes (they drive the real
server, CLI and import paths, so a change there can break them unseen)."""

from __future__ import annotations

import pytest

from bench import conversations, kb, tenancy


def test_tenancy_and_kb_benchmarks_run(owner_url: str, app_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tenancy, "TENANTS", 6)
    monkeypatch.setattr(tenancy, "BASELINE_SAMPLE", 3)
    monkeypatch.setattr(kb, "ROWS", 2000)
    lines = tenancy.run(owner_url) + kb.run(owner_url, app_url, tenants_present=6)
    assert len(lines) >= 3 and all(line.strip() for line in lines)


def test_conversation_benchmarks_run(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "ACK_REQUESTS": 60,
        "ACK_RATE": 40,
        "ACK_SECONDS": 1,
        "RATE": 10,
        "SECONDS": 1,
        "WARMUP_SECONDS": 1,
        "BUFFER_SECONDS": 0.3,
        "CATALOGUE_ROWS": 50,
    }.items():
        monkeypatch.setattr(conversations, name, value)
    ack, end_to_end = conversations.run(owner_url)
    assert ack.startswith("webhook ack") and "p99" in ack
    assert end_to_end.startswith("inbound -> reply sent") and "beyond the window" in end_to_end


def test_metrics_benchmark_runs(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import metrics

    for name, value in {"MESSAGES": 3000, "CONVERSATIONS": 300, "DAYS": 20, "TAIL": 20, "REQUESTS": 10}.items():
        monkeypatch.setattr(metrics, name, value)
    monkeypatch.setattr(metrics, "BASELINE_REQUESTS", 3)
    seeded, overview = metrics.run(owner_url)
    assert seeded.startswith("metrics: 3,000 messages in 300 conversations")
    assert overview.startswith("metrics overview") and "p95" in overview and "ratio" in overview


def test_deletion_benchmark_runs(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import deletion

    monkeypatch.setattr(deletion, "KB_ROWS", 500)
    monkeypatch.setattr(deletion, "MESSAGES", 100)
    [line] = deletion.run(owner_url)
    assert line.startswith("account deletion (500 KB rows, 100 messages, 20 media): the job") and "ratio" in line
