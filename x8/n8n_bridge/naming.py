"""Names X8 gives its objects in n8n and the addresses each side calls, shared by provisioning and the engine."""

from __future__ import annotations

import uuid

from x8.settings import Settings

TENANT_KEY_SLOT = "tenant_key"
TENANT_KEY_HEADER = "X-X8-Tenant-Key"


def callback_base_url(settings: Settings) -> str:
    """Where n8n calls X8's tenant-scoped API: ``N8N_CALLBACK_BASE_URL`` (an internal address beside n8n), else the
    public one."""
    return (settings.n8n_callback_base_url or settings.public_base_url).rstrip("/")


def ingress_slot(template: str, channel_id: uuid.UUID) -> str:
    """The binding slot of a channel's ingress workflow (``telegram_ingress:<channel id>``)."""
    return f"{template}:{channel_id}"


def ingress_webhook_path(platform: str, channel_id: uuid.UUID) -> str:
    """The ingress workflow's webhook path, as its template writes it: unique per channel."""
    return f"x8/{platform}/{channel_id}"


def ingress_url(settings: Settings, platform: str, channel_id: uuid.UUID) -> str:
    """The ingress workflow's production webhook, as X8 calls it."""
    base = (settings.n8n_webhook_base_url or settings.n8n_api_url or "").rstrip("/")
    return f"{base}/webhook/{ingress_webhook_path(platform, channel_id)}"
