"""The daily trial sweep (SPEC.md R-B1, R-B3): reminders 3 days and 1 day before a trial ends and on its end, once
each and in the business's language; an ended trial is expired, and its channels pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.billing.helpers import active, business
from tests.conftest import bearer, sql
from x8.kit.db import Database
from x8.platform.billing import trials
from x8.settings import Settings
from x8.worker import build_app

EMAIL = "owner@example.com"


def _ends_in(owner_url: str, delta: timedelta, email: str = EMAIL) -> datetime:
    ends = datetime.now(UTC) + delta
    sql(owner_url, "UPDATE users SET trial_ends_at = %s WHERE email = %s", ends, email)
    return ends


def _mail(owner_url: str, email: str = EMAIL) -> list[tuple[str, str]]:
    rows = sql(owner_url, "SELECT subject, body FROM dev_mailbox WHERE to_email = %s ORDER BY created_at", email)
    return [(str(subject), str(body)) for subject, body in rows]


async def test_reminders_go_once_each_then_the_trial_expires(
    api: httpx.AsyncClient, db: Database, billing_settings: Settings, owner_url: str
) -> None:
    tokens, company = await business(api, channels=("telegram",))
    registration_mail = len(_mail(owner_url))
    assert await trials.sweep(db, billing_settings) == []  # 7 days left: nothing due

    _ends_in(owner_url, timedelta(days=2, hours=20))
    sent = await trials.sweep(db, billing_settings)
    assert [d.kind for d in sent] == ["3_days"]
    assert await trials.sweep(db, billing_settings) == []  # the next run (or a second worker) sends nothing
    [(subject, body)] = _mail(owner_url)[registration_mail:]
    assert subject == "Your X8 Network trial ends in 3 days"
    assert "http://frontend.test/billing" in body and "data is kept" in body

    _ends_in(owner_url, timedelta(hours=20))
    assert [d.kind for d in await trials.sweep(db, billing_settings)] == ["1_day"]
    assert _mail(owner_url)[-1][0] == "Your X8 Network trial ends in 1 day"
    assert (await active(api, tokens))["status"] == "trialing"

    _ends_in(owner_url, -timedelta(minutes=5))
    assert [d.kind for d in await trials.sweep(db, billing_settings)] == ["expired"]
    assert await trials.sweep(db, billing_settings) == []
    assert _mail(owner_url)[-1][0] == "Your X8 Network trial has ended"
    assert len(_mail(owner_url)) == registration_mail + 3
    assert sql(owner_url, "SELECT subscription_status FROM users WHERE email = %s", EMAIL) == [("expired",)]
    assert (await active(api, tokens))["status"] == "expired"
    refused = await api.patch(
        f"/api/v1/companies/{company}", headers=bearer(tokens), json={"channels": ["telegram", "whatsapp"]}
    )
    assert refused.status_code == 402


async def test_reminders_are_in_the_business_language_and_skip_other_plans(
    api: httpx.AsyncClient, db: Database, billing_settings: Settings, owner_url: str
) -> None:
    tokens, _ = await business(api)
    assert (
        await api.patch("/api/v1/users/profile", headers=bearer(tokens), json={"language": "ru"})
    ).status_code == 200
    await business(api, "paying@example.com")
    sql(
        owner_url, "UPDATE users SET plan = 'SINGLE', subscription_status = 'active' WHERE email = 'paying@example.com'"
    )
    _ends_in(owner_url, timedelta(hours=10))
    _ends_in(owner_url, timedelta(hours=10), "paying@example.com")
    before = len(_mail(owner_url, "paying@example.com"))
    sent = await trials.sweep(db, billing_settings)
    assert [(d.email, d.kind) for d in sent] == [(EMAIL, "1_day")]
    subject, body = _mail(owner_url)[-1]
    assert subject == "Пробный период X8 Network закончится через 1 день"
    assert "ваши данные сохранятся" in body
    assert len(_mail(owner_url, "paying@example.com")) == before


async def test_a_trial_extended_by_the_admin_gets_its_reminders_again(
    api: httpx.AsyncClient, db: Database, billing_settings: Settings, owner_url: str
) -> None:
    await business(api)
    _ends_in(owner_url, timedelta(hours=5))
    assert [d.kind for d in await trials.sweep(db, billing_settings)] == ["1_day"]
    _ends_in(owner_url, timedelta(days=2, hours=12))  # a new end: its own reminders
    assert [d.kind for d in await trials.sweep(db, billing_settings)] == ["3_days"]


def test_which_reminder_is_due() -> None:
    end = datetime(2026, 12, 10, 12, tzinfo=UTC)
    assert trials.due_notice(end, end - timedelta(days=4)) is None
    assert trials.due_notice(end, end - timedelta(days=3)) == "3_days"
    assert trials.due_notice(end, end - timedelta(days=1, seconds=1)) == "3_days"
    assert trials.due_notice(end, end - timedelta(days=1)) == "1_day"
    assert trials.due_notice(end, end) == "expired"
    assert trials.due_notice(end, end + timedelta(hours=3)) == "expired"


def test_the_sweep_is_a_daily_job_of_the_worker(app_url: str) -> None:
    app = build_app(app_url)
    assert "billing:sweep_trials" in app.tasks
    crons = [p.cron for p in app.periodic_registry.periodic_tasks.values() if p.task.name == "billing:sweep_trials"]
    assert len(crons) == 1 and len(crons[0].split()) == 5 and crons[0].split()[2:] == ["*", "*", "*"]
