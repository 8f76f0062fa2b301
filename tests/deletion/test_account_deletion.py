"""Deleting an account (SPEC.md R-S5): confirmed by password or emailed code, signed out at once, then a job of ten
steps that removes the account from every system (a fake of every provider here: Telegram, WAHA, Meta, Gmail and
Google Calendar, n8n, Stripe, Cloudinary, MongoDB), survives a provider outage and a killed worker, and leaves no
trace of the account in any table of the database nor at any provider."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import bearer, create_staff, login, mailbox, register, sql
from tests.conversations.helpers import run_jobs
from tests.deletion.account import PAGE_ID, PASSWORD, full_account
from tests.deletion.conftest import BOT_TOKEN, Fakes
from tests.deletion.sweep import database_traces, provider_traces
from x8.conversations import mongo_history
from x8.integrations.google import oauth as google_oauth
from x8.integrations.n8n import client as n8n_client
from x8.kit.db import Database
from x8.kit.failing import FailureWindow
from x8.platform.deletion import runner, steps
from x8.settings import Settings


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=2)
    yield database
    await database.dispose()


async def test_the_whole_account_goes_from_every_system_and_a_provider_outage_only_delays_it(
    api: httpx.AsyncClient,
    fakes: tuple[Fakes, dict[str, str]],
    app_url: str,
    owner_url: str,
    deletion_settings: Settings,
    db: Database,
) -> None:
    fake = fakes[0]
    gone = await full_account(api, fake, app_url, "gone@example.com")
    stays = await register(api, "stays@example.com")
    kept = await api.post("/api/v1/companies/", headers=bearer(stays), json={"name": "Kept", "company_type": "Product"})
    assert kept.status_code == 201
    needles = [*gone.needles(), BOT_TOKEN, BOT_TOKEN.split(":")[1]]
    # The sweeps do find an account that exists, in the database and at every provider.
    assert database_traces(owner_url, needles)
    assert set(provider_traces(fake, needles)) == {
        "telegram",
        "cloudinary",
        "n8n",
        "waha",
        "meta",
        "google",
        "mongo",
    }, provider_traces(fake, needles)

    wrong = await api.request("DELETE", "/api/v1/users/me", headers=bearer(gone.tokens), json={"password": "nope"})
    assert wrong.status_code == 400 and "Nothing was deleted" in wrong.json()["detail"]
    assert (await api.get("/api/v1/auth/me", headers=bearer(gone.tokens))).status_code == 200

    started = await api.request("DELETE", "/api/v1/users/me", headers=bearer(gone.tokens), json={"password": PASSWORD})
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    assert started.json()["status_url"] == f"/api/v1/users/me/deletion/{job_id}"
    # Signed out at once, everywhere.
    assert (await api.get("/api/v1/auth/me", headers=bearer(gone.tokens))).status_code == 401
    refused = await api.post("/api/v1/auth/login", json={"email": gone.email, "password": PASSWORD})
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

    # At every provider: each was asked to let go, and none holds anything that names the account.
    assert not fake.telegram.bots[BOT_TOKEN].webhook
    assert gone.stripe_account not in fake.stripe.accounts
    assert gone.customer not in fake.stripe.store()
    assert fake.stripe.store()[gone.subscription]["status"] == "canceled"
    assert f"POST /api/sessions/{gone.waha_session}/logout" in fake.waha.calls and fake.waha.sessions == {}
    assert fake.meta.page(PAGE_ID).subscribed == {} and "unsubscribe" in fake.meta.calls
    assert fake.meta.calls.count("revoke_login") == 1 and not fake.meta.page_tokens  # the login ended at Meta
    assert fake.google.stops == 1  # Gmail's push stopped
    assert not fake.google.oauth.refresh_tokens and not fake.google.oauth.tokens  # both Google grants revoked
    assert provider_traces(fake, needles) == {}
    # And in the database: nothing anywhere, but the record that a deletion happened (which names no one).
    assert database_traces(owner_url, needles) == {}
    recorded = sql(owner_url, "SELECT action, target_id FROM audit_log WHERE target_type = 'account_deletion'")
    assert sorted(recorded) == [("account.deleted", job_id), ("account.deletion_requested", job_id)]
    # The other business is untouched.
    assert (await api.get("/api/v1/companies/", headers=bearer(stays))).json()["total"] == 1
    assert (await login(api, "stays@example.com", "Sup3rSecret"))["access_token"]


async def test_each_provider_down_holds_its_own_step_until_it_answers(
    api: httpx.AsyncClient,
    fakes: tuple[Fakes, dict[str, str]],
    app_url: str,
    deletion_settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fakes[0]
    for module, name in ((n8n_client, "N8N_FAILURES"), (google_oauth, "GOOGLE_FAILURES")):
        monkeypatch.setattr(module, name, FailureWindow(seconds=0.0))  # a provider back is asked again at once
    gone = await full_account(api, fake, app_url, "outages@example.com")
    started = await api.request("DELETE", "/api/v1/users/me", headers=bearer(gone.tokens), json={"password": PASSWORD})
    job_id = uuid.UUID(started.json()["job_id"])

    async def waits_on(step: str) -> dict[str, str]:
        assert (await runner.run(db, deletion_settings, job_id)).retry_in is not None
        found = (await api.get(started.json()["status_url"])).json()["steps"]
        statuses = {s["name"]: s["status"] for s in found}
        after = list(steps.STEP_NAMES)[list(steps.STEP_NAMES).index(step) + 1 :]
        assert statuses[step] == "retrying" and {statuses[n] for n in after} == {"pending"}, found
        return {s["name"]: s["last_error"] for s in found}

    fake.n8n.outage = "503"
    assert "n8n" in (await waits_on("n8n"))["n8n"]
    assert fake.n8n.credentials  # nothing was pretended
    fake.n8n.outage = None
    fake.google.oauth.fail_api = True  # Gmail cannot stop the push
    assert "Gmail" in (await waits_on("channels"))["channels"]
    assert fake.google.oauth.refresh_tokens
    fake.google.oauth.fail_api = False
    fake.mongo.down = True
    await mongo_history.close_clients()  # no connection left open from before the outage
    assert "MongoDB" in (await waits_on("mongo"))["mongo"]
    assert fake.mongo.documents("x8", mongo_history.COLLECTION)
    fake.mongo.down = False

    assert (await runner.run(db, deletion_settings, job_id)).retry_in is None
    assert (await api.get(started.json()["status_url"])).json()["status"] == "done"
    assert provider_traces(fake, gone.needles()) == {}


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
