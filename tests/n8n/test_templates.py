"""The workflow templates (SPEC R-N1): valid, versioned, and filled only through their placeholders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from x8.n8n_bridge import templates
from x8.n8n_bridge.templates import Template, TemplateError

VALUES = {
    "COMPANY_HUMAN_ID": "X8-ABC123",
    "COMPANY_ID": "6f1c0d1e-0000-4000-8000-000000000001",
    "CHANNEL_ID": "6f1c0d1e-0000-4000-8000-000000000002",
    "API_URL": "https://x8.example",
    "CREDENTIAL_ID": "cred123",
    "CREDENTIAL_NAME": "X8 · X8-ABC123 · tenant key",
    "MAIN_GENERATION_ID": "main1234",
    "PLATFORM": "facebook",
    "PLATFORM_TITLE": "Facebook",
}
INGRESS_PATHS = {
    templates.TELEGRAM_INGRESS: "x8/telegram/",
    templates.WHATSAPP_INGRESS: "x8/whatsapp/",
    templates.META_INGRESS: "x8/facebook/",
    templates.GMAIL_INGRESS: "x8/email/",
}


def test_the_telegram_ingress_renders_with_every_placeholder_filled() -> None:
    template = templates.load(templates.TELEGRAM_INGRESS)
    name, body = template.render(VALUES)

    assert "__X8_" not in json.dumps(body) and "__X8_" not in name
    assert VALUES["CHANNEL_ID"] in name and VALUES["COMPANY_HUMAN_ID"] in name
    [webhook] = [n for n in body["nodes"] if n["type"] == "n8n-nodes-base.webhook"]
    assert webhook["parameters"]["path"] == f"x8/telegram/{VALUES['CHANNEL_ID']}"
    assert not any(n["type"].lower().endswith("telegramtrigger") for n in body["nodes"])  # it would steal the bot
    # Expressions n8n evaluates are left alone.
    assert any("{{ $json.body.text }}" in json.dumps(n) for n in body["nodes"])
    assert template.workflow["nodes"][0]["parameters"]["path"] == "x8/telegram/__X8_CHANNEL_ID__"  # not mutated


@pytest.mark.parametrize("key", templates.EVERY_TEMPLATE)
def test_every_template_loads_renders_and_is_wired_node_to_node(key: str) -> None:
    template = templates.load(key)
    name, body = template.render(VALUES)
    assert "__X8_" not in json.dumps(body) and "__X8_" not in name and name.startswith("X8 · ")
    nodes = {node["name"]: node for node in body["nodes"]}
    assert len(nodes) == len(body["nodes"])  # names are unique: connections refer to them
    for source, outputs in body["connections"].items():
        assert source in nodes
        assert all(link["node"] in nodes for output in outputs["main"] for link in output)
    assert not any(n["type"].lower().endswith("telegramtrigger") for n in body["nodes"])
    # Every call back into X8 goes with the tenant's own credential, to the tenant-scoped API.
    for node in body["nodes"]:
        if node["type"] == "n8n-nodes-base.httpRequest":
            assert node["parameters"]["url"].startswith(f"{VALUES['API_URL']}/api/v1/n8n/")
            assert node["credentials"]["httpHeaderAuth"]["id"] == VALUES["CREDENTIAL_ID"]


@pytest.mark.parametrize(("key", "path"), INGRESS_PATHS.items())
def test_each_ingress_starts_with_a_webhook_on_its_channels_own_path_and_calls_main_generation(
    key: str, path: str
) -> None:
    template = templates.load(key)
    assert template.activate
    _, body = template.render(VALUES)
    first = body["nodes"][0]
    assert first["type"] == "n8n-nodes-base.webhook"
    assert first["parameters"]["path"] == f"{path}{VALUES['CHANNEL_ID']}"
    [generate] = [n for n in body["nodes"] if n["type"] == "n8n-nodes-base.executeWorkflow"]
    assert generate["parameters"]["workflowId"]["value"] == VALUES["MAIN_GENERATION_ID"]


def test_main_generation_is_one_shared_sub_workflow_with_nothing_of_a_tenant() -> None:
    template = templates.load(templates.MAIN_GENERATION)
    assert not template.activate and template.placeholders() == frozenset()
    assert "credentials" not in json.dumps(template.workflow)
    assert templates.load(templates.GMAIL_OUTPUT).activate is False
    for platform, keys in templates.WORKFLOWS_BY_PLATFORM.items():
        assert templates.ingress_of(platform) == keys[0]


def test_rendering_without_a_value_names_what_is_missing() -> None:
    template = templates.load(templates.TELEGRAM_INGRESS)
    with pytest.raises(TemplateError, match="CREDENTIAL_ID"):
        template.render({k: v for k, v in VALUES.items() if k != "CREDENTIAL_ID"})


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "must be an object"),
        ({"template": "other", "version": 1}, "must be an object"),
        ({"template": "t", "version": 0, "name": "n", "workflow": {}}, "positive integer"),
        ({"template": "t", "version": True, "name": "n", "workflow": {}}, "positive integer"),
        ({"template": "t", "version": 1, "name": "", "workflow": {}}, "'name'"),
        ({"template": "t", "version": 1, "name": "n", "workflow": {"nodes": []}}, "nodes, connections and settings"),
        (
            {
                "template": "t",
                "version": 1,
                "name": "n",
                "activate": "yes",
                "workflow": {"nodes": [], "connections": {}, "settings": {}},
            },
            "'activate'",
        ),
    ],
)
def test_a_malformed_template_is_refused_clearly(data: Any, problem: str) -> None:
    with pytest.raises(TemplateError, match=problem):
        templates._parse("t", data)


def test_an_unknown_or_unsafe_template_name_is_refused() -> None:
    with pytest.raises(TemplateError, match="no n8n template"):
        templates.load("nope")
    with pytest.raises(TemplateError, match="not a template name"):
        templates.load("../settings")


def test_placeholders_are_found_in_names_and_bodies() -> None:
    template = Template("t", 1, "A __X8_ONE__", {"nodes": [{"p": "__X8_TWO__ and __X8_ONE__"}]})
    assert template.placeholders() == {"ONE", "TWO"}
    assert template.render({"ONE": "1", "TWO": "2"}) == ("A 1", {"nodes": [{"p": "2 and 1"}]})
