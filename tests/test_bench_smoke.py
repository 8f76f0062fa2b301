"""`make bench` at toy sizes: the benchmarks keep working as the product changes (they drive the real
server, CLI and import paths, so a change there can break them unseen)."""

from __future__ import annotations

import pytest

from bench import conversations, kb, populate, tenancy


def test_tenancy_and_kb_benchmarks_run(owner_url: str, app_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tenancy, "TENANTS", 6)
    monkeypatch.setattr(tenancy, "BASELINE_SAMPLE", 3)
    monkeypatch.setattr(kb, "ROWS", 2000)
    monkeypatch.setattr(kb, "DISTINCT_QUERIES", 30)
    lines = tenancy.run(owner_url)
    filled, populated = populate.run(owner_url, app_url)
    assert populated.tenants >= 6 and populated.rows >= 6 * populate.MIN_ROWS, filled
    searched, shop = kb.run(owner_url, app_url, among="6 populated tenants")
    lines += filled + searched
    assert len(lines) >= 5 and all(line.strip() for line in lines)
    assert searched[-1].startswith("KB search over HTTP") and "GET /api/v1/health" in searched[-1]
    assert shop.rows == 2000


def _toy_conversations(monkeypatch: pytest.MonkeyPatch) -> None:
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


def test_conversation_benchmarks_run(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _toy_conversations(monkeypatch)
    ack, end_to_end = conversations.run(owner_url)
    assert ack.startswith("webhook ack") and "p99" in ack
    assert end_to_end.startswith("inbound -> reply sent") and "beyond the window" in end_to_end


def test_the_reply_benchmark_also_runs_against_the_kb_benchmarks_company(
    owner_url: str, app_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kb, "ROWS", 2000)
    monkeypatch.setattr(kb, "DISTINCT_QUERIES", 20)
    _, shop = kb.run(owner_url, app_url, among="no other tenant")
    _toy_conversations(monkeypatch)
    *_, big = conversations.run(owner_url, big_shop=shop)
    assert big.startswith("inbound -> reply sent, the same load answered by the 2k-row company among no other")
    assert "beyond the window" in big and " inf " not in big  # every customer was answered


def test_metrics_benchmark_runs(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import metrics

    for name, value in {"MESSAGES": 3000, "CONVERSATIONS": 300, "DAYS": 20, "TAIL": 20, "REQUESTS": 10}.items():
        monkeypatch.setattr(metrics, name, value)
    monkeypatch.setattr(metrics, "BASELINE_REQUESTS", 3)
    for name, value in {
        "COMPANIES": 3,
        "COMPANY_MESSAGES": 300,
        "COMPANY_CONVERSATIONS": 30,
        "MANY_REQUESTS": 10,
    }.items():
        monkeypatch.setattr(metrics, name, value)
    seeded, overview, many = metrics.run(owner_url)
    assert seeded.startswith("metrics: 3,000 messages in 300 conversations")
    assert overview.startswith("metrics overview") and "p95" in overview and "ratio" in overview
    assert many.startswith("metrics overview of all 3 companies of a business (300 messages each)")
    assert "ratio" in many


def test_deletion_benchmark_runs(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import deletion

    monkeypatch.setattr(deletion, "KB_ROWS", 500)
    monkeypatch.setattr(deletion, "MESSAGES", 100)
    [line] = deletion.run(owner_url)
    assert line.startswith("account deletion (500 KB rows, 100 messages, 20 media): the job") and "ratio" in line


def test_statements_benchmark_counts_a_messages_statements(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import statements
    from tests import db as testdb

    admin = testdb.server_admin_url()
    if not statements.log_file(admin).exists():
        pytest.skip("the statement count reads the embedded server's log (not TEST_DATABASE_URL's)")
    _toy_conversations(monkeypatch)
    monkeypatch.setattr(statements, "RATE", 5)
    monkeypatch.setattr(statements, "SECONDS", 2)
    monkeypatch.setattr(statements, "WINDOW", 0.3)
    headline, *kinds = statements.run(owner_url, admin)
    per_message = float(headline.split(":")[1].split()[0])
    assert 10 < per_message < 200, headline  # every message is stored, claimed, answered and sent through the database
    assert any("COMMIT" in kind for kind in kinds) and any("procrastinate" in kind for kind in kinds), kinds
