"""Versioned n8n workflow templates (R-N1), as JSON files beside this module.

A template file is ``{"template", "version", "description", "name", "workflow": {nodes, connections, settings}}``,
and ``"activate": false`` for a sub-workflow that is only called (Execute Workflow), never triggered.
Tenant-specific values are placeholders ``__X8_<NAME>__`` inside strings, filled at provisioning by ``render``;
nothing tenant-specific is written in a template. Raise ``version`` whenever the workflow changes: provisioning
replaces a tenant's workflow when the version it was built from is older.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

PLACEHOLDER = re.compile(r"__X8_([A-Z0-9_]+?)__")


class TemplateError(ValueError):
    """A template that cannot be used: missing, malformed, or rendered with a placeholder left unfilled."""


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    name: str
    workflow: Mapping[str, Any]
    activate: bool = True

    def needs(self, placeholder: str) -> bool:
        return placeholder in self.placeholders()

    def placeholders(self) -> frozenset[str]:
        return frozenset(PLACEHOLDER.findall(json.dumps({"name": self.name, "workflow": self.workflow})))

    def render(self, values: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """The workflow's name and body with every placeholder filled; ``TemplateError`` names any left over."""
        missing = sorted(self.placeholders() - values.keys())
        if missing:
            raise TemplateError(f"template {self.key!r} needs values for: {', '.join(missing)}")
        return _fill(self.name, values), _fill(dict(self.workflow), values)


def _fill(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], value)
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {_fill(key, values): _fill(item, values) for key, item in value.items()}
    return value


@functools.cache
def load(key: str) -> Template:
    """The template ``<key>.json`` from this package."""
    if not re.fullmatch(r"[a-z0-9_]+", key):
        raise TemplateError(f"not a template name: {key!r}")
    try:
        text = resources.files(__package__).joinpath(f"{key}.json").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TemplateError(f"no n8n template called {key!r}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(f"template {key!r} is not valid JSON: {exc}") from exc
    return _parse(key, data)


def _parse(key: str, data: Any) -> Template:
    if not isinstance(data, dict) or data.get("template") != key:
        raise TemplateError(f"template {key!r} must be an object whose 'template' is {key!r}")
    version, name, workflow = data.get("version"), data.get("name"), data.get("workflow")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TemplateError(f"template {key!r} needs a positive integer 'version'")
    if not isinstance(name, str) or not name:
        raise TemplateError(f"template {key!r} needs a 'name'")
    if not isinstance(workflow, dict) or not all(k in workflow for k in ("nodes", "connections", "settings")):
        raise TemplateError(f"template {key!r} needs a 'workflow' with nodes, connections and settings")
    activate = data.get("activate", True)
    if not isinstance(activate, bool):
        raise TemplateError(f"template {key!r}: 'activate' is true or false")
    return Template(key=key, version=version, name=name, workflow=workflow, activate=activate)


TELEGRAM_INGRESS = "telegram_ingress"
WHATSAPP_INGRESS = "whatsapp_ingress"
META_INGRESS = "meta_ingress"
GMAIL_INGRESS = "gmail_ingress"
GMAIL_OUTPUT = "gmail_output"
MAIN_GENERATION = "main_generation"  # one per n8n instance, shared by every company

# The workflows each channel of a platform gets, its ingress first (its Webhook node's path carries the channel id).
WORKFLOWS_BY_PLATFORM: Mapping[str, tuple[str, ...]] = {
    "telegram": (TELEGRAM_INGRESS,),
    "whatsapp": (WHATSAPP_INGRESS,),
    "facebook": (META_INGRESS,),
    "instagram": (META_INGRESS,),
    "email": (GMAIL_INGRESS, GMAIL_OUTPUT),
}
EVERY_TEMPLATE = (TELEGRAM_INGRESS, WHATSAPP_INGRESS, META_INGRESS, GMAIL_INGRESS, GMAIL_OUTPUT, MAIN_GENERATION)


def ingress_of(platform: str) -> str | None:
    """The ingress template of a platform's channels (None: the platform has no n8n ingress)."""
    found = WORKFLOWS_BY_PLATFORM.get(platform)
    return found[0] if found else None
