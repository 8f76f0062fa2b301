"""The vault's rules: listing masked, revealing and editing with an audit entry each, refusing outside the caller's
reach with a 404 that is audited too. A channel secret is checked with its provider before it is stored, with no
transaction open (x8.platform.channels.service.replace_credentials)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.db import Database
from x8.kit.errors import NotFound
from x8.kit.i18n import msg
from x8.platform.channels.models import channel_of_secret_ref
from x8.platform.channels.service import replace_credentials
from x8.platform.users.models import User
from x8.platform.vault import access, audit_log, repository
from x8.platform.vault.audit_log import Actor, VaultAction
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import VaultSecret
from x8.platform.vault.schemas import SecretOut
from x8.settings import Settings


def _not_found() -> NotFound:
    return NotFound(msg("Secret not found."))


def masked(settings: Settings, secret: VaultSecret) -> SecretOut:
    return SecretOut(
        id=secret.id,
        client_id=secret.client_id,
        company_id=secret.company_id,
        kind=secret.kind,
        label=secret.label,
        masked=repository.mask(repository.read_secret(vault_keys(settings), secret)),
        status=secret.status,
        last_checked_at=secret.last_checked_at,
        updated_at=secret.updated_at,
    )


async def reveal(db: Database, settings: Settings, user: User, actor: Actor, secret_id: uuid.UUID) -> str:
    """The plaintext, audited. A secret the caller may not see is 404, and the attempt is audited all the same
    (in its own transaction: the request's rolls back with the 404)."""
    async with db.sessions() as session, session.begin():
        secret = await access.visible_secret(session, user, secret_id)
        if secret is not None:
            await audit_log.write(session, actor, VaultAction.REVEAL, secret_id=secret_id, secret=secret)
            return repository.read_secret(vault_keys(settings), secret)
        target = await repository.get_secret(session, secret_id)
        await audit_log.write(session, actor, VaultAction.REVEAL, secret_id=secret_id, secret=target, denied=True)
    raise _not_found()


async def update(
    db: Database, settings: Settings, user: User, actor: Actor, secret_id: uuid.UUID, value: str, label: str | None
) -> VaultSecret:
    """Replace the value (and the label). A channel's secret re-registers the channel with its provider first:
    a value the provider refuses is 400 and the old one stays."""
    value = value.strip()
    async with db.sessions() as session:
        secret = await access.visible_secret(session, user, secret_id)
    if secret is None:
        raise _not_found()
    keys = vault_keys(settings)

    async def record_update(session: AsyncSession) -> None:
        row = await _locked(session, secret_id)
        if channel_id is None:
            await repository.replace_secret(session, keys, row, value, label=label)
        elif label is not None:
            row.label = label
        await audit_log.write(session, actor, VaultAction.UPDATE, secret_id=secret_id, secret=row)

    channel_id = channel_of_secret_ref(secret.ref)
    if channel_id is not None and value != repository.read_secret(keys, secret):
        await replace_credentials(db, settings, channel_id, value, then=record_update)
    else:
        async with db.sessions() as session, session.begin():
            await record_update(session)
    async with db.sessions() as session:
        updated = await repository.get_secret(session, secret_id)
    if updated is None:
        raise _not_found()
    return updated


async def _locked(session: AsyncSession, secret_id: uuid.UUID) -> VaultSecret:
    row = await repository.get_secret(session, secret_id, for_update=True)
    if row is None:
        raise _not_found()
    return row
