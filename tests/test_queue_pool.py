"""The job queue's connection pool: connections are tested when they come out of the pool after idling, so a
database restart (connections closed under the pool) costs no webhook its acknowledgement."""

from __future__ import annotations

import pytest

from tests.conftest import sql
from x8.kit import jobs
from x8.platform.conversations.tasks import notify_handover
from x8.worker import build_app


async def _defer() -> None:
    await notify_handover.defer_async(company_id="c", conversation_id="x")


def _close_queue_connections(owner_url: str) -> int:
    rows = sql(
        owner_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'x8_app' AND pid <> pg_backend_pid()",
    )
    return len(rows)


async def test_a_connection_closed_under_the_pool_is_replaced_unseen(
    app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(app_url)
    async with app.open_async():
        await _defer()
        assert _close_queue_connections(owner_url) >= 1
        monkeypatch.setattr(jobs, "IDLE_CHECK_SECONDS", 0.0)  # as if they had idled a while
        await _defer()  # tested on the way out, found dead, replaced
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE %s", "%notify_handover") == [
        (2,)
    ]


async def test_without_the_check_a_closed_connection_would_fail(
    app_url: str, owner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: what the check saves (a connection used a moment ago is not tested)."""
    app = build_app(app_url)
    async with app.open_async():
        await _defer()
        _close_queue_connections(owner_url)
        monkeypatch.setattr(jobs, "IDLE_CHECK_SECONDS", 3600.0)
        with pytest.raises(Exception):
            await _defer()
