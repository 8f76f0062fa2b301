"""The n8n public API client against the fake n8n over real HTTP (the real-n8n tests come with the bridge).

What must hold: workflow bodies are cut to what n8n accepts; a starting n8n (200 text, 404 HTML) is unavailable,
never "not found" and never data; only a JSON 404 is "not found"; a wrong key is refused without the key in the
message; an outage opens the failing-provider window so the next call does not reach n8n, and a success closes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.n8n import API_KEY, FakeN8n, n8n_app
from tests.fakes.server import serve_in_thread
from x8.integrations.n8n import N8nApi, N8nNotFound, N8nRefused, N8nUnavailable, n8n_api_for, strip_workflow
from x8.integrations.n8n import client as n8n_client
from x8.kit.failing import FailureWindow
from x8.settings import Settings


@pytest.fixture
def fake_n8n() -> Iterator[tuple[FakeN8n, str]]:
    state = FakeN8n()
    with serve_in_thread(n8n_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(fake_n8n: tuple[FakeN8n, str]) -> FakeN8n:
    return fake_n8n[0]


@pytest.fixture
def api(fake_n8n: tuple[FakeN8n, str]) -> N8nApi:
    return N8nApi(fake_n8n[1], API_KEY, timeout_seconds=5)


@pytest.fixture(autouse=True)
def failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[str]:
    """A fresh failure window per test (it is per process otherwise)."""
    window: FailureWindow[str] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(n8n_client, "N8N_FAILURES", window)
    return window


def ingress(name: str, path: str, **extra: Any) -> dict[str, Any]:
    """A workflow as it comes out of n8n's editor or a GET: with the fields the public API refuses on write."""
    return {
        "id": "shouldNotBeSent1",
        "name": name,
        "active": True,
        "tags": [{"id": "abc", "name": "x8"}],
        "versionId": "0b7c2f8e-0000-4000-8000-000000000000",
        "meta": {"templateCredsSetupCompleted": True},
        "pinData": {},
        "nodes": [
            {
                "name": "Webhook",
                "type": "n8n-nodes-base.webhook",
                "typeVersion": 2,
                "position": [0, 0],
                "parameters": {"path": path, "httpMethod": "POST", "responseMode": "onReceived"},
            },
            {
                "name": "Reply",
                "type": "n8n-nodes-base.httpRequest",
                "typeVersion": 4.2,
                "position": [220, 0],
                "parameters": {"url": "http://x8.test/api/v1/n8n/messages", "method": "POST"},
            },
        ],
        "connections": {"Webhook": {"main": [[{"node": "Reply", "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"},
        **extra,
    }


# --- workflows ---


async def test_a_workflow_from_create_to_delete(api: N8nApi, fake: FakeN8n) -> None:
    created = await api.create_workflow(ingress("COMP001 Telegram ch1", "ch-1"))
    workflow_id = created["id"]
    assert len(workflow_id) == 16 and workflow_id.isalnum() and workflow_id != "shouldNotBeSent1"
    assert created["active"] is False, "n8n creates workflows inactive; activation is its own call"

    got = await api.get_workflow(workflow_id)
    assert got is not None and got["name"] == "COMP001 Telegram ch1"
    assert [n["name"] for n in got["nodes"]] == ["Webhook", "Reply"] and all(n["id"] for n in got["nodes"])

    # PUT takes the workflow as read back (id, active, tags, versionId…): the client cuts it down.
    got["name"] = "COMP001 Telegram ch1 v2"
    updated = await api.update_workflow(workflow_id, got)
    assert updated["name"] == "COMP001 Telegram ch1 v2" and updated["versionId"] != got["versionId"]

    activated = await api.activate(workflow_id)
    assert activated["active"] is True and fake.webhook_owner("ch-1") == workflow_id
    assert (await api.get_workflow(workflow_id) or {})["active"] is True

    deactivated = await api.deactivate(workflow_id)
    assert deactivated["active"] is False and fake.webhook_owner("ch-1") is None

    assert await api.delete_workflow(workflow_id) is True
    assert await api.get_workflow(workflow_id) is None
    assert await api.delete_workflow(workflow_id) is False, "gone already: a JSON 404"


async def test_listing_follows_the_cursor_to_the_end(api: N8nApi, fake: FakeN8n) -> None:
    ids = [(await api.create_workflow(ingress(f"wf {i}", f"p-{i}")))["id"] for i in range(5)]
    await api.activate(ids[1])
    await api.activate(ids[3])
    before = fake.requests["/api/v1/workflows"]

    listed = await api.list_workflows(page_size=2)

    assert [w["id"] for w in listed] == ids
    assert fake.requests["/api/v1/workflows"] - before == 3, "three pages of two"
    assert [w["id"] for w in await api.list_workflows(active=True, page_size=2)] == [ids[1], ids[3]]
    assert [w["id"] for w in await api.list_workflows(active=False)] == [ids[0], ids[2], ids[4]]


async def test_tags_filter_the_listing(api: N8nApi) -> None:
    first = (await api.create_workflow(ingress("tagged", "t-1")))["id"]
    second = (await api.create_workflow(ingress("tagged twice", "t-2")))["id"]
    await api.create_workflow(ingress("untagged", "t-3"))
    x8 = await api.ensure_tag("x8")
    company = await api.ensure_tag("COMP001")
    assert await api.ensure_tag("x8") == x8, "an existing tag is found, not created again"

    assert [t["name"] for t in await api.set_workflow_tags(first, [x8])] == ["x8"]
    await api.set_workflow_tags(second, [x8, company])

    assert [w["id"] for w in await api.list_workflows(tags=["x8"])] == [first, second]
    assert [w["id"] for w in await api.list_workflows(tags=["x8", "COMP001"])] == [second]
    assert {t["name"] for t in await api.get_workflow_tags(second)} == {"x8", "COMP001"}
    with pytest.raises(N8nNotFound):
        await api.set_workflow_tags(first, ["noSuchTag000000"])


async def test_the_fake_refuses_what_the_client_strips(fake_n8n: tuple[FakeN8n, str], api: N8nApi) -> None:
    _, url = fake_n8n
    headers = {"X-N8N-API-KEY": API_KEY}
    body = ingress("raw", "raw-1")
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", headers=headers) as raw:
        answer = await raw.post("/workflows", json=body)
        assert answer.status_code == 400 and answer.json()["message"].endswith("is read-only")
        answer = await raw.post("/workflows", json={**strip_workflow(body), "pinData": {}})
        assert answer.json() == {"message": "request/body must NOT have additional properties"}
        answer = await raw.post("/workflows", json={k: v for k, v in strip_workflow(body).items() if k != "settings"})
        assert answer.json() == {"message": "request/body must have required property 'settings'"}
        assert (await raw.post("/workflows", json=strip_workflow(body))).status_code == 200

    # n8n's own refusal of a settings key reaches the caller with n8n's message.
    with pytest.raises(N8nRefused) as refused:
        await api.create_workflow(ingress("bad settings", "b-1", settings={"binaryMode": "separate"}))
    assert refused.value.status == 400
    assert refused.value.n8n_message == "request/body/settings must NOT have additional properties"


async def test_activation_refusals_are_n8ns_400(api: N8nApi, fake: FakeN8n) -> None:
    first = (await api.create_workflow(ingress("first", "same-path")))["id"]
    second = (await api.create_workflow(ingress("second", "/same-path/")))["id"]
    await api.activate(first)

    with pytest.raises(N8nRefused) as taken:
        await api.activate(second)
    assert taken.value.status == 400 and "already taken" in (taken.value.n8n_message or "")
    assert fake.webhook_owner("same-path") == first and fake.workflows[second]["active"] is False

    no_trigger = ingress("no trigger", "unused")
    no_trigger["nodes"] = no_trigger["nodes"][1:]
    no_trigger["connections"] = {}
    lonely = (await api.create_workflow(no_trigger))["id"]
    with pytest.raises(N8nRefused, match="no node to start the workflow"):
        await api.activate(lonely)


async def test_updating_an_active_workflow_moves_its_webhook(api: N8nApi, fake: FakeN8n) -> None:
    workflow_id = (await api.create_workflow(ingress("moving", "old-path")))["id"]
    await api.activate(workflow_id)

    updated = await api.update_workflow(workflow_id, ingress("moving", "new-path"))

    assert updated["active"] is True
    assert fake.webhook_owner("new-path") == workflow_id and fake.webhook_owner("old-path") is None


async def test_a_json_404_is_not_found(api: N8nApi) -> None:
    assert await api.get_workflow("noSuchWorkflow00") is None
    with pytest.raises(N8nNotFound):
        await api.update_workflow("noSuchWorkflow00", ingress("x", "x"))
    with pytest.raises(N8nNotFound):
        await api.activate("noSuchWorkflow00")


# --- a starting n8n: never "not found", never data ---


async def test_starting_up_is_unavailable_not_not_found(
    api: N8nApi, fake: FakeN8n, failures: FailureWindow[str]
) -> None:
    workflow_id = (await api.create_workflow(ingress("kept", "kept")))["id"]
    fake.starting = True

    with pytest.raises(N8nUnavailable, match="not its API"):
        await api.get_workflow(workflow_id)
    assert failures.is_open(api.base_url)
    failures.succeeded(api.base_url)
    with pytest.raises(N8nUnavailable):
        await api.list_workflows()
    failures.succeeded(api.base_url)
    with pytest.raises(N8nUnavailable):
        await api.delete_workflow(workflow_id)
    assert workflow_id in fake.workflows
    assert await api.ready() is False

    fake.starting = False
    assert await api.ready() is True


async def test_a_404_html_page_is_unavailable_not_not_found(
    api: N8nApi, fake: FakeN8n, failures: FailureWindow[str]
) -> None:
    workflow_id = (await api.create_workflow(ingress("kept", "kept")))["id"]
    fake.html_404 = True

    with pytest.raises(N8nUnavailable):
        await api.get_workflow(workflow_id)
    failures.succeeded(api.base_url)
    with pytest.raises(N8nUnavailable):
        await api.delete_workflow(workflow_id)
    failures.succeeded(api.base_url)
    with pytest.raises(N8nUnavailable):
        await api.credential_schema("telegramApi")

    fake.html_404 = False
    failures.succeeded(api.base_url)
    assert (await api.get_workflow(workflow_id) or {})["id"] == workflow_id


# --- keys, outages, the window ---


async def test_a_wrong_key_is_refused_and_the_message_does_not_carry_it(
    fake_n8n: tuple[FakeN8n, str], failures: FailureWindow[str]
) -> None:
    _, url = fake_n8n
    key = "n8n_api_wrong_0123456789abcdef0123456789"
    api = N8nApi(url, key)
    with pytest.raises(N8nRefused) as refused:
        await api.list_workflows()
    error = refused.value
    assert error.status == 401 and "N8N_API_KEY" in error.message
    assert key not in f"{error} {error.message} {error.n8n_message} {error!r} {api!r}"
    assert not failures.is_open(api.base_url), "a refusal means n8n is up"

    with pytest.raises(ValueError):
        N8nApi(url, "")
    async with httpx.AsyncClient(base_url=f"{url}/api/v1") as raw:
        missing = await raw.get("/workflows")
    assert (missing.status_code, missing.json()) == (401, {"message": "'X-N8N-API-KEY' header required"})


@pytest.mark.parametrize("outage", ["500", "503", "close"])
async def test_an_outage_opens_the_window_and_a_success_closes_it(
    api: N8nApi, fake: FakeN8n, failures: FailureWindow[str], outage: str
) -> None:
    fake.outage = outage
    with pytest.raises(N8nUnavailable):
        await api.list_workflows()
    reached = fake.request_count
    assert failures.is_open(api.base_url)

    with pytest.raises(N8nUnavailable, match="not retried") as fast:
        await api.get_workflow("anyWorkflowId000")
    assert fast.value.retry_after > 0
    assert fake.request_count == reached, "an open window must not reach n8n"

    fake.outage = None
    failures.succeeded(api.base_url)  # the window has passed
    assert await api.list_workflows() == []
    assert not failures.is_open(api.base_url)


async def test_a_hung_n8n_times_out_as_unavailable(fake_n8n: tuple[FakeN8n, str], failures: FailureWindow[str]) -> None:
    state, url = fake_n8n
    state.hang_seconds = 1.5
    state.fail_next = ["hang"]
    api = N8nApi(url, API_KEY, timeout_seconds=0.3)
    with pytest.raises(N8nUnavailable, match="did not answer"):
        await api.get_workflow("anyWorkflowId000")
    assert failures.is_open(api.base_url)


async def test_nothing_listening_is_unavailable(failures: FailureWindow[str]) -> None:
    api = N8nApi("http://127.0.0.1:9", API_KEY)
    with pytest.raises(N8nUnavailable, match="not reachable"):
        await api.get_workflow("anyWorkflowId000")
    assert failures.is_open(api.base_url)
    assert await api.ready() is False


async def test_ready_checks_readiness_and_closes_the_window(
    api: N8nApi, fake: FakeN8n, failures: FailureWindow[str]
) -> None:
    failures.failed(api.base_url)
    assert await api.ready() is True
    assert fake.requests["/healthz/readiness"] == 1
    assert not failures.is_open(api.base_url)


# --- credentials: create and delete, nothing else ---


async def test_credentials_are_created_and_deleted(api: N8nApi, fake: FakeN8n) -> None:
    credential_id = await api.create_credential(
        "COMP001 tenant key", "httpHeaderAuth", {"name": "X-X8-Tenant-Key", "value": "x8tk_secret"}
    )
    assert len(credential_id) == 16 and credential_id.isalnum()
    assert fake.credentials[credential_id]["data"] == {"name": "X-X8-Tenant-Key", "value": "x8tk_secret"}
    assert fake.log[-1] == ("POST", "/api/v1/credentials")

    assert await api.delete_credential(credential_id) is True
    assert credential_id not in fake.credentials
    assert await api.delete_credential(credential_id) is False


async def test_credential_refusals_and_schemas(api: N8nApi, fake_n8n: tuple[FakeN8n, str]) -> None:
    with pytest.raises(N8nRefused, match="not a known type"):
        await api.create_credential("x", "noSuchCredentialType", {})
    with pytest.raises(N8nRefused, match='additional property "token"'):
        await api.create_credential("bot", "telegramApi", {"token": "123:abc"})

    schema = await api.credential_schema("telegramApi")
    assert schema is not None and set(schema["properties"]) == {"accessToken", "baseUrl"}
    assert await api.credential_schema("noSuchCredentialType") is None

    # The answer never carries the data, and the public API has no way to read a credential back.
    _, url = fake_n8n
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", headers={"X-N8N-API-KEY": API_KEY}) as raw:
        made = await raw.post("/credentials", json={"name": "h", "type": "httpHeaderAuth", "data": {"value": "s"}})
        assert set(made.json()) == {"id", "name", "type", "createdAt", "updatedAt"}
        assert (await raw.get("/credentials")).status_code == 405
    assert not any(hasattr(api, name) for name in ("list_credentials", "get_credential", "update_credential"))


# --- executions and webhooks ---


async def test_a_webhook_call_is_recorded_and_listed_as_an_execution(
    api: N8nApi, fake: FakeN8n, fake_n8n: tuple[FakeN8n, str]
) -> None:
    workflow_id = (await api.create_workflow(ingress("ingress", "ch-42")))["id"]
    _, url = fake_n8n
    async with httpx.AsyncClient(base_url=url) as raw:
        inactive = await raw.post("/webhook/ch-42", json={"text": "hi"})
        assert inactive.status_code == 404 and "is not registered" in inactive.json()["message"]
        await api.activate(workflow_id)
        started = await raw.post("/webhook/ch-42", json={"text": "hi"}, headers={"X-X8-Turn": "t1"})
        assert started.status_code == 200 and started.json() == {"message": "Workflow was started"}
        wrong_method = await raw.get("/webhook/ch-42")
        assert wrong_method.status_code == 404 and "Did you mean to make a POST request?" in wrong_method.text

    [call] = fake.webhook_calls
    assert (call.workflow_id, call.body, call.headers["x-x8-turn"]) == (workflow_id, {"text": "hi"}, "t1")
    [execution] = await api.list_executions(workflow_id)
    assert execution["workflowId"] == workflow_id and execution["status"] == "success"
    assert await api.list_executions(workflow_id, status="error") == []
    with pytest.raises(N8nRefused, match="allowed values"):
        await api.list_executions(workflow_id, status="finished")


async def test_executions_are_newest_first_across_pages(api: N8nApi, fake: FakeN8n) -> None:
    workflow_id = (await api.create_workflow(ingress("busy", "busy")))["id"]
    for _ in range(260):
        fake.add_execution(workflow_id)
    fake.add_execution(workflow_id, "running")
    fake.add_execution("otherWorkflow000")

    newest = await api.list_executions(workflow_id, limit=3)
    assert [e["id"] for e in newest] == [260, 259, 258], "finished runs only, newest first"
    everything = await api.list_executions(workflow_id, limit=1000)
    assert len(everything) == 260 and fake.requests["/api/v1/executions"] == 3  # one page of 3, then 250 + 10
    assert [e["status"] for e in await api.list_executions(workflow_id, status="running")] == ["running"]


# --- configuration ---


def test_the_api_comes_from_settings() -> None:
    def settings(**values: Any) -> Settings:
        return Settings(_env_file=None, X8_ENV="test", **values)

    assert n8n_api_for(settings()) is None
    assert n8n_api_for(settings(N8N_API_URL="http://n8n:5678")) is None
    api = n8n_api_for(settings(N8N_API_URL="http://n8n:5678/", N8N_API_KEY="k"))
    assert api is not None and api.base_url == "http://n8n:5678"


def test_strip_workflow_keeps_only_what_n8n_accepts() -> None:
    stripped = strip_workflow(ingress("x", "p", staticData={"lastId": 1}))
    assert set(stripped) == {"name", "nodes", "connections", "settings", "staticData"}
    assert strip_workflow({"name": "n", "nodes": [], "connections": {}})["settings"] == {}
