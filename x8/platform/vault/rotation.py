"""Key rotation (SPEC.md §12 "Key rotation"): re-encrypt every secret not yet under the current key.

Each batch is its own short transaction over rows locked with SKIP LOCKED, so a killed run loses at most the batch
in flight (rolled back, still under its old key) and a re-run, or a second run at the same time, picks up exactly
what is left. Only rows whose key id differs from the current key's are touched: a finished rotation re-run
re-encrypts nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from x8.kit.db import Database
from x8.kit.secretbox import Keyring
from x8.platform.vault import audit_log, repository
from x8.platform.vault.audit_log import Actor, VaultAction

BATCH_SIZE = 500
SYSTEM = Actor(id=None, role="system", ip=None)


async def pending(db: Database, keys: Keyring) -> int:
    async with db.sessions() as session:
        return await repository.count_stale(session, keys.current_id)


async def rotate(
    db: Database, keys: Keyring, *, batch_size: int = BATCH_SIZE, on_batch: Callable[[int], None] | None = None
) -> int:
    """Re-encrypt what is left under older keys; the number re-encrypted. Raises ``UnknownVaultKey`` when a
    secret's key is not configured (nothing of that batch is written)."""
    done = 0
    while True:
        async with db.sessions() as session, session.begin():
            batch = await repository.stale_batch(session, keys.current_id, batch_size)
            if not batch:
                break
            await repository.reseal(session, keys, batch)
            await audit_log.write_many(session, SYSTEM, VaultAction.ROTATE, batch)
        done += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return done


async def rotate_database(
    app_url: str, keys: Keyring, *, on_plan: Callable[[int], None], on_batch: Callable[[int], None]
) -> int:
    """``x8 vault rotate``: count what is left (for the progress bar), then rotate it."""
    db = Database.connect(app_url, pool_size=1)
    try:
        on_plan(await pending(db, keys))
        return await rotate(db, keys, on_batch=on_batch)
    finally:
        await db.dispose()
