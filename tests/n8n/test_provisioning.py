"""Provisioning a company in n8n (SPEC R-N2) against the fake n8n: what is created, that a re-run is free, that
template upgrades, key rotations and channel removals are applied, and that n8n being down leaves the bindings
``pending`` with a retry queued."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.helpers import run_jobs
from tests.fakes.n8n import FakeN8n
from tests.n8n.helpers import (
    PUBLIC,
    bindings,
    provision,
    shop_with_telegram,
    tenant_key_credentials,
    tenant_workflows,
)
from x8.kit.failing import FailureWindow
from x8.n8n_bridge import tasks, templates


async def test_provisioning_creates_the_key_credential_and_an_active_ingress_per_bot(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str
) -> None:
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)

    found = await bindings(client, tokens, company_id)
    credential, workflow = found["credential"], found["workflow"]
    assert credential["status"] == "active" and workflow["status"] == "active"
    assert workflow["channel_id"] == channel_id
    assert workflow["template_version"] == templates.load(templates.TELEGRAM_INGRESS).version
    assert channel_id in workflow["name"]

    # The credential holds a live tenant key: n8n can reach the tenant-scoped API with it.
    stored = fake.credentials[credential["n8n_id"]]
    assert stored["type"] == "httpHeaderAuth" and stored["data"]["name"] == "X-X8-Tenant-Key"
    r = await client.get(
        "/api/v1/n8n/kb/search", params={"q": "tea"}, headers={"X-X8-Tenant-Key": stored["data"]["value"]}
    )
    assert r.status_code == 200, r.text

    # The workflow is the template, filled for this tenant, active on the channel's own webhook path.
    assert fake.webhook_owner(f"x8/telegram/{channel_id}") == workflow["n8n_id"]
    body = json.dumps(fake.workflows[workflow["n8n_id"]])
    assert "__X8_" not in body
    assert f"{PUBLIC}/api/v1/n8n/kb/search" in body and f"{PUBLIC}/api/v1/n8n/messages" in body
    nodes = fake.workflows[workflow["n8n_id"]]["nodes"]
    used = {n["credentials"]["httpHeaderAuth"]["id"] for n in nodes if "credentials" in n}
    assert used == {credential["n8n_id"]}
    # The instance's shared Main Generation workflow, which the ingress calls, inactive (it is only called).
    [main] = [key for key in fake.workflows if key not in tenant_workflows(fake)]
    assert not fake.workflows[main]["active"] and main in body
    # The bot's telegramApi credential, for the company's own workflows.
    bot = found["bot"]
    assert fake.credentials[bot["n8n_id"]]["type"] == "telegramApi" and bot["channel_id"] == channel_id
    # A first run makes exactly: the key's credential, Main Generation (after looking for one of its name, which a
    # run for another company may have made), the ingress, its activation, the bot's credential.
    assert [entry for entry in fake.log if entry[1].startswith("/api/v1/")] == [
        ("POST", "/api/v1/credentials"),
        ("GET", "/api/v1/workflows"),
        ("POST", "/api/v1/workflows"),
        ("POST", "/api/v1/workflows"),
        ("POST", f"/api/v1/workflows/{workflow['n8n_id']}/activate"),
        ("POST", "/api/v1/credentials"),
    ]


async def test_a_second_run_for_a_current_tenant_calls_n8n_not_at_all(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    before, calls = await bindings(client, tokens, company_id), fake.request_count

    await provision(client, tokens, company_id, app_url)

    assert fake.request_count == calls
    assert await bindings(client, tokens, company_id) == before
    assert len(fake.workflows) == 2 and len(fake.credentials) == 2  # with Main Generation and the bot's


async def test_a_new_template_version_replaces_the_workflow_in_place(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    old = (await bindings(client, tokens, company_id))["workflow"]

    current = templates.load(templates.TELEGRAM_INGRESS)
    upgraded = templates.Template(current.key, current.version + 1, current.name, current.workflow)
    load = templates.load
    monkeypatch.setattr(templates, "load", lambda key: upgraded if key == current.key else load(key))
    await provision(client, tokens, company_id, app_url)

    new = (await bindings(client, tokens, company_id))["workflow"]
    assert new["n8n_id"] == old["n8n_id"] and new["template_version"] == current.version + 1
    assert ("PUT", f"/api/v1/workflows/{old['n8n_id']}") in fake.log
    assert len(tenant_workflows(fake)) == 1 and fake.workflows[old["n8n_id"]]["active"]


async def test_a_rotated_key_gets_a_new_credential_and_the_old_one_is_deleted(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    old = await bindings(client, tokens, company_id)

    r = await client.post(f"/api/v1/companies/{company_id}/n8n-key", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    await run_jobs(app_url)  # the rotation queued provisioning itself

    new = await bindings(client, tokens, company_id)
    assert new["credential"]["n8n_id"] != old["credential"]["n8n_id"]
    assert list(tenant_key_credentials(fake)) == [new["credential"]["n8n_id"]]
    assert fake.credentials[new["credential"]["n8n_id"]]["data"]["value"] == r.json()["key"]
    nodes = fake.workflows[new["workflow"]["n8n_id"]]["nodes"]
    assert {n["credentials"]["httpHeaderAuth"]["id"] for n in nodes if "credentials" in n} == {
        new["credential"]["n8n_id"]
    }


async def test_n8n_down_leaves_the_bindings_pending_with_a_retry_queued(
    client: httpx.AsyncClient,
    fake_n8n: tuple[FakeN8n, str],
    app_url: str,
    owner_url: str,
    failures: FailureWindow[str],
) -> None:
    fake, fake_url = fake_n8n
    tokens, company_id, _ = await shop_with_telegram(client)
    fake.outage = "503"
    await provision(client, tokens, company_id, app_url)

    pending = await bindings(client, tokens, company_id)
    assert pending["credential"]["status"] == "pending" and pending["credential"]["n8n_id"] is None
    assert "503" in pending["credential"]["last_error"]
    retries = sql(
        owner_url,
        "SELECT args->>'attempt', scheduled_at > now() FROM procrastinate_jobs "
        "WHERE task_name = 'n8n:provision_company' AND status = 'todo'",
    )
    assert retries == [("1", True)]

    fake.outage = None
    failures.succeeded(fake_url)  # the failing-provider window would keep the retry away for 30 s
    sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
    await run_jobs(app_url)

    found = await bindings(client, tokens, company_id)
    assert found["credential"]["status"] == "active" and found["workflow"]["status"] == "active"
    assert found["credential"]["last_error"] is None


async def test_a_workflow_made_by_a_run_that_died_before_recording_it_is_adopted_not_duplicated(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str, owner_url: str
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    workflow_id = (await bindings(client, tokens, company_id))["workflow"]["n8n_id"]
    # What a run that died between n8n's answer and recording it leaves: the row written before creating, no id.
    sql(
        owner_url,
        "UPDATE n8n_bindings SET n8n_id = NULL, status = 'pending' WHERE kind = 'workflow' AND company_id = %s",
        company_id,
    )

    await provision(client, tokens, company_id, app_url)

    assert list(tenant_workflows(fake)) == [workflow_id]
    assert (await bindings(client, tokens, company_id))["workflow"]["n8n_id"] == workflow_id


async def test_a_disconnected_channel_loses_its_workflow(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str, owner_url: str
) -> None:
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    sql(owner_url, "UPDATE channels SET status = 'DISCONNECTED' WHERE id = %s", channel_id)

    await provision(client, tokens, company_id, app_url)

    assert tenant_workflows(fake) == {}
    assert list(fake.credentials) == list(tenant_key_credentials(fake))  # the bot's credential went too
    assert list(await bindings(client, tokens, company_id)) == ["credential"]


async def test_provisioning_needs_n8n_configured_and_an_editable_company(
    client: httpx.AsyncClient, owner_url: str, app_url: str
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    stranger, other_id, _ = await shop_with_telegram(client, "other@example.com")

    r = await client.post("/api/v1/n8n/provision", headers=bearer(stranger), json={"company_id": company_id})
    assert r.status_code == 404
    r = await client.get("/api/v1/n8n/bindings", headers=bearer(stranger), params={"company_id": company_id})
    assert r.status_code == 404
    r = await client.post("/api/v1/n8n/provision", headers=bearer(tokens), json={"company_id": "not-a-uuid"})
    assert r.status_code == 422
    assert other_id != company_id

    async with app_client(make_settings(owner_url), app_url) as bare:
        r = await bare.post("/api/v1/n8n/provision", headers=bearer(tokens), json={"company_id": company_id})
        assert r.status_code == 409
        assert "N8N_API_URL" in r.json()["detail"]


async def test_a_replaced_credential_n8n_would_not_delete_is_deleted_by_the_next_run(
    client: httpx.AsyncClient,
    fake_n8n: tuple[FakeN8n, str],
    app_url: str,
    owner_url: str,
    failures: FailureWindow[str],
) -> None:
    fake, fake_url = fake_n8n
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    old_id = (await bindings(client, tokens, company_id))["credential"]["n8n_id"]
    r = await client.post(f"/api/v1/companies/{company_id}/n8n-key", headers=bearer(tokens))
    assert r.status_code == 200, r.text

    def fail_the_delete(method: str, path: str) -> None:
        if method == "DELETE":
            fake.fail_next.append("503")

    fake.during_request = fail_the_delete
    await provision(client, tokens, company_id, app_url)
    assert old_id in fake.credentials  # still used by nothing, but n8n failed to delete it
    retired = sql(owner_url, "SELECT slot, status, n8n_id FROM n8n_bindings WHERE slot LIKE 'retired:%%'")
    assert retired == [(f"retired:{old_id}", "pending", old_id)]

    fake.during_request = None
    failures.succeeded(fake_url)
    sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
    await run_jobs(app_url)

    assert old_id not in fake.credentials and len(tenant_key_credentials(fake)) == 1
    assert sql(owner_url, "SELECT count(*) FROM n8n_bindings WHERE slot LIKE 'retired:%%'") == [(0,)]
    assert (await bindings(client, tokens, company_id))["credential"]["status"] == "active"


async def test_a_key_n8n_refuses_marks_the_binding_error_and_is_not_retried(
    owner_url: str, app_url: str, fake_n8n: tuple[FakeN8n, str], fake_telegram: tuple[object, str]
) -> None:
    settings = make_settings(
        owner_url,
        N8N_API_URL=fake_n8n[1],
        N8N_API_KEY="n8n_api_wrong",
        TELEGRAM_API_URL=fake_telegram[1],
        PUBLIC_BASE_URL=PUBLIC,
    )
    async with app_client(settings, app_url) as client:
        tokens, company_id, _ = await shop_with_telegram(client)
        await provision(client, tokens, company_id, app_url)

        credential = (await bindings(client, tokens, company_id))["credential"]
    assert credential["status"] == "error" and credential["n8n_id"] is None
    assert "N8N_API_KEY" in credential["last_error"] and "n8n_api_wrong" not in credential["last_error"]
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'") == [(0,)]
    assert fake_n8n[0].credentials == {}


async def test_a_deleted_company_is_removed_from_n8n_from_its_bindings_alone(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str, owner_url: str
) -> None:
    tokens, company_id, _ = await shop_with_telegram(client)
    await provision(client, tokens, company_id, app_url)
    assert len(tenant_workflows(fake)) == 1 and len(fake.credentials) == 2

    sql(owner_url, "DELETE FROM companies WHERE id = %s", company_id)
    assert sql(owner_url, "SELECT count(*) FROM n8n_bindings WHERE company_id = %s", company_id) == [(3,)]
    await tasks.schedule_deprovisioning(uuid.UUID(company_id))
    await run_jobs(app_url)

    # Main Generation is the instance's, shared by every company: it stays.
    assert tenant_workflows(fake) == {} and fake.credentials == {} and fake.webhooks == {}
    assert sql(owner_url, "SELECT count(*) FROM n8n_bindings WHERE company_id = %s", company_id) == [(0,)]


async def test_connecting_disconnecting_and_deleting_keep_n8n_in_step_by_themselves(
    client: httpx.AsyncClient, fake: FakeN8n, app_url: str, owner_url: str
) -> None:
    """No one has to press "provision": a connected bot gets its workflow, a disconnected one loses it, and a
    deleted company's objects go, each through the queued job once the change has committed."""
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await run_jobs(app_url)
    assert len(tenant_workflows(fake)) == 1 and len(fake.credentials) == 2
    assert sorted(await bindings(client, tokens, company_id)) == ["bot", "credential", "workflow"]

    off = await client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    assert off.status_code == 200, off.text
    await run_jobs(app_url)
    assert tenant_workflows(fake) == {}

    gone = await client.delete(f"/api/v1/companies/{company_id}", headers=bearer(tokens))
    assert gone.status_code == 204, gone.text
    await run_jobs(app_url)
    assert tenant_workflows(fake) == {} and fake.credentials == {}
    assert sql(owner_url, "SELECT count(*) FROM n8n_bindings WHERE company_id = %s", company_id) == [(0,)]
