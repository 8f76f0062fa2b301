"""n8n's public REST API (PROVIDERS.md §7): workflows, tags, credentials, executions and readiness, for the n8n
bridge's provisioning (SPEC.md §10). See ``client`` for the conventions and the traps it handles."""

from x8.integrations.n8n.client import (
    N8N_FAILURES,
    WORKFLOW_FIELDS,
    N8nApi,
    N8nNotFound,
    N8nRefused,
    N8nUnavailable,
    n8n_api_for,
    strip_workflow,
)

__all__ = [
    "N8N_FAILURES",
    "WORKFLOW_FIELDS",
    "N8nApi",
    "N8nNotFound",
    "N8nRefused",
    "N8nUnavailable",
    "n8n_api_for",
    "strip_workflow",
]
