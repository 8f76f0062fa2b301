"""Gmail's REST API (PROVIDERS.md §4) with one mailbox's Google tokens: profile, watch, history, messages, send."""
