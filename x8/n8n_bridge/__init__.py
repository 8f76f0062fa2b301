"""The n8n bridge (SPEC.md §10): tenant keys (``keys``), the tenant-scoped API n8n calls (``api``), versioned
workflow templates (``templates``), and provisioning each company in n8n (``provisioning``, run as the ``tasks``
job, recorded in ``bindings``; ``provisioning_api`` is its HTTP face). docs/n8n.md is the operator's guide."""
