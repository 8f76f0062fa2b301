"""The n8n bridge (SPEC.md §10): tenant keys, the tenant-scoped API n8n calls, and (next) templates and
provisioning."""
