"""Tenant API keys: one machine credential per company (n8n's ``X-X8-Tenant-Key``, R-N3)."""
