"""`make bench`'s Stripe webhook benchmark at a toy size: it keeps driving the real server as the product changes."""

from __future__ import annotations

import pytest

from bench import payments


def test_the_stripe_webhook_benchmark_runs(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payments, "EVENTS", 60)
    monkeypatch.setattr(payments, "RATE", 40)
    monkeypatch.setattr(payments, "SECONDS", 1)
    [line] = payments.run(owner_url)
    assert line.startswith("stripe webhooks") and "p99" in line and "/health" in line
