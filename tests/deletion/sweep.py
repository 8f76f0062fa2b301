"""Looking for what is left of an account: in every row, schema and role of the database, and in what every fake
provider still holds for its clients (its stored objects and live grants, not its request logs)."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg import sql as pgsql

from tests.deletion.conftest import Fakes


def database_traces(owner_url: str, needles: list[str]) -> dict[str, int]:
    """Every row of every table, in every schema, whose text mentions one of ``needles``; every schema and role
    named after one."""
    patterns = [f"%{n}%" for n in needles]
    found: dict[str, int] = {}
    with psycopg.connect(owner_url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        for schema, table in tables:
            query = pgsql.SQL("SELECT count(*) FROM {}.{} AS t WHERE t::text LIKE ANY(%s)").format(
                pgsql.Identifier(schema), pgsql.Identifier(table)
            )
            [(count,)] = conn.execute(query, (patterns,)).fetchall()
            if count:
                found[f"{schema}.{table}"] = count
        schemas = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE ANY(%s)", (patterns,)).fetchall()
        roles = conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE ANY(%s)", (patterns,)).fetchall()
    found |= {f"schema {s}": 1 for (s,) in schemas} | {f"role {r}": 1 for (r,) in roles}
    return found


def held_by_providers(fakes: Fakes) -> dict[str, Any]:
    """What each provider keeps for its clients. Left out on purpose, as the real providers keep them whatever X8
    does: a Telegram bot (it belongs to the business; X8 only unregisters its webhook), Stripe's canceled
    subscriptions and deleted objects' ids (Stripe's own records), the business's Facebook page itself, and the mail
    in its own Gmail mailbox and the events in its own Google calendar."""
    oauth = fakes.google.oauth
    return {
        "telegram": {token: bot.webhook for token, bot in fakes.telegram.bots.items() if bot.webhook},
        "cloudinary": {"resources": list(fakes.cloudinary.resources), "folders": list(fakes.cloudinary.folders)},
        "n8n": {
            "workflows": fakes.n8n.workflows,
            "credentials": fakes.n8n.credentials,
            "tags": fakes.n8n.tags,
            "workflow_tags": fakes.n8n.workflow_tags,
            "webhooks": [list(key) + list(owner) for key, owner in fakes.n8n.webhooks.items()],
            "executions": fakes.n8n.executions,
        },
        "waha": fakes.waha.sessions,
        "meta": {
            "subscriptions": {page.id: page.subscribed for page in fakes.meta.pages if page.subscribed},
            "live_tokens": [*fakes.meta.page_tokens, *fakes.meta.user_tokens],
        },
        "google": {  # the grants Google still honours (Gmail's and Calendar's)
            "access_tokens": list(oauth.tokens),
            "refresh_tokens": list(oauth.refresh_tokens),
        },
        "mongo": {f"{db}.{name}": docs for (db, name), docs in fakes.mongo.collections.items() if docs},
    }


def provider_traces(fakes: Fakes, needles: list[str]) -> dict[str, list[str]]:
    """Per provider, the needles found in what it holds."""
    found: dict[str, list[str]] = {}
    for provider, held in held_by_providers(fakes).items():
        text = json.dumps(held, default=str)
        if hits := [n for n in needles if n and n in text]:
            found[provider] = hits
    return found
