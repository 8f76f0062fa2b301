"""What the Meta webhook needs to know, read in short transactions of their own: the channels a page (or
Instagram account) id names, and the pool apps' secrets to check signatures with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from x8.kit.db import Database
from x8.kit.secretbox import Keyring
from x8.kit.ttl_cache import TtlCache
from x8.platform.channels.models import Channel
from x8.platform.meta_apps import pool
from x8.platform.meta_apps.models import MetaApp

META_PLATFORMS = ("facebook", "instagram")


@dataclass(frozen=True)
class AppSecret:
    id: uuid.UUID  # the pool row
    app_id: str  # Meta's app id
    secret: str


async def channels_for_account(db: Database, platform: str, account_id: str) -> list[Channel]:
    """Every channel (of any company, in any status) that connected this page or Instagram account."""
    if not account_id:
        return []
    query = select(Channel).where(Channel.platform == platform, Channel.config["meta_account_id"].astext == account_id)
    async with db.sessions() as session:
        return list((await session.execute(query)).scalars())


# A re-keyed app's new secret is used within this long; Meta retries what was refused meanwhile.
_SECRETS: TtlCache[str, list[AppSecret]] = TtlCache(seconds=10.0)


async def app_secrets(db: Database, keys: Keyring) -> list[AppSecret]:
    """Every pool app with its secret (disabled apps too: their businesses' pages still deliver)."""

    async def load() -> list[AppSecret]:
        async with db.sessions() as session:
            apps = list((await session.execute(select(MetaApp).order_by(MetaApp.created_at))).scalars())
            found = []
            for app in apps:
                secret = await pool.app_secret(session, keys, app.id)
                if secret:
                    found.append(AppSecret(app.id, app.app_id, secret))
        return found

    return await _SECRETS.get_or_load("all", load)


def forget_app_secrets() -> None:
    _SECRETS.forget("all")
