"""Deleting an account (SPEC.md R-S5): confirmed by password or emailed code, signed out at once, then a job of ten
steps that removes the account from every system (fake Telegram, Stripe and Cloudinary here), survives a provider
outage and a killed worker, and leaves no trace of the account in any table of the database."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql as pgsql

from tests.billing.helpers import subscribe
from tests.conftest import bearer, create_staff, login, mailbox, register, sql
from tests.conversations.helpers import connect_web, run_jobs, say
from tests.deletion.conftest import BOT_TOKEN, Fakes
from tests.kb_engine.helpers import PRODUCT_CSV, upload
from tests.payments.helpers import connect_account
from x8.kit.db import Database
from x8.platform.deletion import runner, steps
from x8.settings import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PASSWORD = "Sup3rSecret"


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=2)
    yield database
    await database.dispose()


async def _full_account(api: httpx.AsyncClient, fakes: Fakes, app_url: str, email: str) -> dict[str, Any]:
    """A business with a company in every system the platform has today: knowledge base, a Telegram bot, a
    playground conversation, a paid plan, a Stripe Connect account, media, a support message."""
    tokens = await register(api, email, PASSWORD)
    created = await api.post(
        "/api/v1/companies/",
        headers=bearer(tokens),
        json={"name": "Doomed Shop", "company_type": "Product", "language": "en", "channels": ["telegram"]},
    )
    assert created.status_code == 201, created.text
    company_id = created.json()["id"]
    assert (await upload(api, tokens, company_id, PRODUCT_CSV.encode())).status_code == 200
    bot = await api.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company_id, "bot_token": BOT_TOKEN},
    )
    assert bot.status_code == 200, bot.text
    web = await connect_web(api, tokens, company_id)
    await say(api, tokens, web, "Do you sell apples?", visitor_id="customer-1")
    subscription = await subscribe(api, fakes.stripe, app_url, tokens)
    account_id = await connect_account(api, fakes.stripe, tokens)
    photo = await api.post(
        "/api/v1/cloudinary/upload", headers=bearer(tokens), files={"file": ("p.png", PNG, "image/png")}
    )
    assert photo.status_code == 201, photo.text
    assert (await api.post("/api/v1/support/chat", headers=bearer(tokens), json={"text": "Hi"})).status_code == 201
    await run_jobs(app_url)
    me = (await api.get("/api/v1/auth/me", headers=bearer(tokens))).json()
    return {
        "tokens": tokens,
        "user_id": me["id"],
        "email": email,
        "company_id": company_id,
        "channels": [bot.json()["channel_id"], web],
        "customer": subscription["customer"],
        "subscription": subscription["id"],
        "account": account_id,
    }


def _traces(owner_url: str, needles: list[str]) -> dict[str, int]:
    """Every row of every table, in every schema, whose text mentions one of ``needles``."""
    patterns = [f"%{n}%" for n in needles]
    found: dict[str, int] = {}
    with psycopg.connect(owner_url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        for schema, table in tables:
            query = pgsql.SQL("SELECT count(*) FROM {}.{} AS t WHERE t::text LIKE ANY(%s)").format(
                pgsql.Identifier(schema), pgsql.Identifier(table)
            )
            [(count,)] = conn.execute(query, (patterns,)).fetchall()
            if count:
                found[f"{schema}.{table}"] = count
        schemas = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE ANY(%s)", (patterns,)).fetchall()
        roles = conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE ANY(%s)", (patterns,)).fetchall()
    found |= {f"schema {s}": 1 for (s,) in schemas} | {f"role {r}": 1 for (r,) in roles}
    return found


async def test_the_whole_account_goes_from_every_system_and_a_provider_outage_only_delays_it(
    api: httpx.AsyncClient,
    fakes: tuple[Fakes, dict[str, str]],
    app_url: str,
    owner_url: str,
    deletion_settings: Settings,
    db: Database,
) -> None:
    fake = fakes[0]
    gone = await _full_account(api, fake, app_url, "gone@example.com")
    stays = await register(api, "stays@example.com")
    kept = await api.post("/api/v1/companies/", headers=bearer(stays), json={"name": "Kept", "company_type": "Product"})
    assert kept.status_code == 201
    needles = [
        gone["user_id"],
        gone["email"],
        gone["company_id"],
        uuid.UUID(gone["company_id"]).hex,  # the tenant schema and roles are named after it
        BOT_TOKEN,
        BOT_TOKEN.split(":")[1],
        gone["customer"],
        gone["subscription"],
        gone["account"],
        *gone["channels"],
    ]
    assert _traces(owner_url, needles)  # the sweep does find an account that exists

    wrong = await api.request("DELETE", "/api/v1/users/me", headers=bearer(gone["tokens"]), json={"password": "nope"})
    assert wrong.status_code == 400 and "Nothing was deleted" in wrong.json()["detail"]
    assert (await api.get("/api/v1/auth/me", headers=bearer(gone["tokens"]))).status_code == 200

    started = await api.request(
        "DELETE", "/api/v1/users/me", headers=bearer(gone["tokens"]), json={"password": PASSWORD}
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    assert started.json()["status_url"] == f"/api/v1/users/me/deletion/{job_id}"
    # Signed out at once, everywhere.
    assert (await api.get("/api/v1/auth/me", headers=bearer(gone["tokens"]))).status_code == 401
    refused = await api.post("/api/v1/auth/login", json={"email": gone["email"], "password": PASSWORD})
    assert refused.status_code == 401 and refused.json()["detail"] == "This account is being deleted."
    status = (await api.get(started.json()["status_url"])).json()  # no token
    assert status["status"] == "running"
    assert [s["name"] for s in status["steps"]] == list(steps.STEP_NAMES)
    assert {s["status"] for s in status["steps"]} == {"pending"}

    # Telegram is down: the channels step waits and says why; nothing after it runs.
    def telegram_down(method: str) -> None:
        if method == "deleteWebhook":
            raise RuntimeError("Telegram is down")

    fake.telegram.during_call = telegram_down
    waiting = await runner.run(db, deletion_settings, uuid.UUID(job_id))
    assert waiting.retry_in is not None and waiting.retry_in > 0
    status = (await api.get(started.json()["status_url"])).json()
    by_name = {s["name"]: s for s in status["steps"]}
    assert by_name["n8n"]["status"] == "done"
    assert by_name["channels"]["status"] == "retrying" and by_name["channels"]["attempts"] == 1
    assert by_name["channels"]["last_error"]
    assert by_name["stripe_connect"]["status"] == "pending" and status["status"] == "running"
    assert fake.telegram.bots[BOT_TOKEN].webhook  # still registered: the step did not pretend

    fake.telegram.during_call = None
    done = await runner.run(db, deletion_settings, uuid.UUID(job_id))
    assert done.retry_in is None
    status = (await api.get(started.json()["status_url"])).json()
    assert status["status"] == "done" and {s["status"] for s in status["steps"]} == {"done"}
    assert {s["name"]: s["attempts"] for s in status["steps"]}["channels"] == 2

    # At every provider.
    assert not fake.telegram.bots[BOT_TOKEN].webhook
    assert gone["account"] not in fake.stripe.accounts
    assert gone["customer"] not in fake.stripe.store()
    assert fake.stripe.store()[gone["subscription"]]["status"] == "canceled"
    assert not [p for p in fake.cloudinary.resources if gone["user_id"] in p]
    assert not [f for f in fake.cloudinary.folders if gone["user_id"] in f]
    # And in the database: nothing anywhere, but the record that a deletion happened (which names no one).
    assert _traces(owner_url, needles) == {}
    recorded = sql(owner_url, "SELECT action, target_id FROM audit_log WHERE target_type = 'account_deletion'")
    assert sorted(recorded) == [("account.deleted", job_id), ("account.deletion_requested", job_id)]
    # The other business is untouched.
    assert (await api.get("/api/v1/companies/", headers=bearer(stays))).json()["total"] == 1
    assert (await login(api, "stays@example.com", "Sup3rSecret"))["access_token"]


async def test_a_worker_killed_mid_step_resumes_with_that_step(
    api: httpx.AsyncClient,
    app_url: str,
    deletion_settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = await register(api, "killed@example.com", PASSWORD)
    started = await api.request("DELETE", "/api/v1/users/me", headers=bearer(tokens), json={"password": PASSWORD})
    job_id = uuid.UUID(started.json()["job_id"])

    class Killed(BaseException):  # what a kill looks like to the step: it never returns
        pass

    real_media = steps.remove_media

    async def killed(ctx: steps.StepContext) -> None:
        raise Killed

    monkeypatch.setattr(runner, "STEPS", tuple((n, killed if n == "media" else f) for n, f in steps.STEPS))
    with pytest.raises(Killed):
        await runner.run(db, deletion_settings, job_id)
    status = (await api.get(f"/api/v1/users/me/deletion/{job_id}")).json()
    by_name = {s["name"]: s for s in status["steps"]}
    assert by_name["media"]["status"] == "running" and by_name["mongo"]["status"] == "pending"

    # A new worker picks the job up (through the queue, as the stalled-job recovery would) and finishes it.
    monkeypatch.setattr(runner, "STEPS", tuple((n, real_media if n == "media" else f) for n, f in steps.STEPS))
    await run_jobs(app_url)
    status = (await api.get(f"/api/v1/users/me/deletion/{job_id}")).json()
    assert status["status"] == "done"
    assert {s["name"]: s["attempts"] for s in status["steps"]}["media"] == 2


async def test_an_account_confirms_with_an_emailed_code_instead(
    api: httpx.AsyncClient, app_url: str, deletion_settings: Settings, db: Database
) -> None:
    tokens = await register(api, "coded@example.com", PASSWORD)
    sent = await api.post(
        "/api/v1/auth/send-verification-code", headers=bearer(tokens), json={"email": "coded@example.com"}
    )
    assert sent.status_code == 200, sent.text
    [letter, *_] = await mailbox(api, "coded@example.com")
    assert letter["subject"] == "Confirm deleting your X8 Network account"
    code = re.search(r"\b(\d{6})\b", letter["body"])
    assert code is not None
    wrong = "000000" if code.group(1) != "000000" else "111111"
    refused = await api.request("DELETE", "/api/v1/users/me", headers=bearer(tokens), json={"code": wrong})
    assert refused.status_code == 400
    started = await api.request("DELETE", "/api/v1/users/me", headers=bearer(tokens), json={"code": code.group(1)})
    assert started.status_code == 202, started.text
    await runner.run(db, deletion_settings, uuid.UUID(started.json()["job_id"]))
    assert sql(app_url, "SELECT count(*) FROM users WHERE email = 'coded@example.com'") == [(0,)]


async def test_bad_requests_delete_nothing(api: httpx.AsyncClient, app_url: str) -> None:
    tokens = await register(api, "careful@example.com", PASSWORD)
    for body in ({}, {"password": ""}, {"code": "12"}, {"password": PASSWORD, "extra": 1}):
        r = await api.request("DELETE", "/api/v1/users/me", headers=bearer(tokens), json=body)
        assert r.status_code in (400, 422), (body, r.status_code)
    assert (await api.request("DELETE", "/api/v1/users/me", json={"password": PASSWORD})).status_code == 401
    assert (await api.get("/api/v1/auth/me", headers=bearer(tokens))).status_code == 200
    assert (await api.get(f"/api/v1/users/me/deletion/{uuid.uuid4()}")).status_code == 404
    assert (await api.get("/api/v1/users/me/deletion/not-a-uuid")).status_code == 422

    await create_staff(app_url, "ADMIN", "admin@example.com")
    boss = await login(api, "admin@example.com", "StaffPass123")
    r = await api.request("DELETE", "/api/v1/users/me", headers=bearer(boss), json={"password": "StaffPass123"})
    assert r.status_code == 403
