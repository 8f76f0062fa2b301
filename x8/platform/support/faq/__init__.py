"""The FAQ bot (SPEC.md R-S2): entries from ``docs/faq/``, a built-in search engine, and n8n delegation."""
