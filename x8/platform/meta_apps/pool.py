"""The Meta app pool (SPEC.md §"Shapes and flows for R-CH4 … R-CH6"): the admin adds, edits, disables and removes
apps; a business is given the least-loaded live app for its product on its first Meta login, and keeps it.

Each app's secret is a platform secret in the vault (``ref`` ``meta_app:<id>``): answers show it masked."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ScalarSelect, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.errors import Conflict, NotFound
from x8.kit.i18n import msg
from x8.kit.secretbox import Keyring
from x8.platform.meta_apps.models import MetaApp, MetaAppAssignment
from x8.platform.meta_apps.schemas import MetaAppCreate, MetaAppOut, MetaAppStatus, MetaAppUpdate, MetaProduct
from x8.platform.vault import repository as vault
from x8.platform.vault.models import SecretKind


def secret_ref(app_id: uuid.UUID) -> str:
    """How the app's secret is found in the vault."""
    return f"meta_app:{app_id}"


async def _keep_secret(session: AsyncSession, keys: Keyring, app_id: uuid.UUID, name: str, secret: str) -> None:
    new = vault.NewSecret(
        client_id=None,
        company_id=None,
        kind=SecretKind.META_APP_SECRET,
        label=f"Meta app {name}"[:200],
        ref=secret_ref(app_id),
    )
    await vault.store_secret(session, keys, new, secret)


async def app_secret(session: AsyncSession, keys: Keyring, app_id: uuid.UUID) -> str | None:
    """The app's secret in clear: for the OAuth code exchange and webhook signatures, never for an answer."""
    return await vault.read_by_ref(session, keys, secret_ref(app_id))


def masked(secret: str | None) -> str:
    return f"••••{secret[-4:]}" if secret else "••••"


def app_out(app: MetaApp, businesses_assigned: int, secret: str | None) -> MetaAppOut:
    return MetaAppOut(
        id=app.id,
        name=app.name,
        app_id=app.app_id,
        app_secret=masked(secret),
        products=[MetaProduct(p) for p in app.products],
        status=MetaAppStatus(app.status),
        capacity=app.capacity,
        businesses_assigned=businesses_assigned,
        created_at=app.created_at,
        updated_at=app.updated_at,
    )


def _assigned_count() -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(MetaAppAssignment)
        .where(MetaAppAssignment.meta_app_id == MetaApp.id)
        .scalar_subquery()
    )


async def list_apps(session: AsyncSession, keys: Keyring) -> list[MetaAppOut]:
    rows: Sequence[tuple[MetaApp, int]] = (
        await session.execute(select(MetaApp, _assigned_count()).order_by(MetaApp.created_at, MetaApp.id))
    ).all()
    return [app_out(app, count, await app_secret(session, keys, app.id)) for app, count in rows]


async def get_app(session: AsyncSession, keys: Keyring, app_id: uuid.UUID) -> MetaAppOut:
    row = (await session.execute(select(MetaApp, _assigned_count()).where(MetaApp.id == app_id))).first()
    if row is None:
        raise NotFound(msg("Meta app not found."))
    return app_out(row[0], row[1], await app_secret(session, keys, app_id))


async def create_app(session: AsyncSession, keys: Keyring, body: MetaAppCreate) -> uuid.UUID:
    """Add an app; an app id already in the pool is 409."""
    row_id = uuid.uuid4()
    created = await session.scalar(
        insert(MetaApp)
        .values(
            id=row_id,
            name=body.name,
            app_id=body.app_id,
            products=[p.value for p in body.products],
            status=body.status.value,
            capacity=body.capacity,
        )
        .on_conflict_do_nothing(index_elements=[MetaApp.app_id])
        .returning(MetaApp.id)
    )
    if created is None:
        raise Conflict(msg("This Meta app is already in the pool."))
    await _keep_secret(session, keys, row_id, body.name, body.app_secret)
    return row_id


async def update_app(session: AsyncSession, keys: Keyring, app_id: uuid.UUID, body: MetaAppUpdate) -> list[str]:
    """Apply the fields sent (the row locked); the names of the fields changed, for the audit log."""
    app = (await session.execute(select(MetaApp).where(MetaApp.id == app_id).with_for_update())).scalar_one_or_none()
    if app is None:
        raise NotFound(msg("Meta app not found."))
    if body.name is not None:
        app.name = body.name
    if body.app_secret is not None:
        await _keep_secret(session, keys, app.id, app.name, body.app_secret)
    if body.products is not None:
        app.products = [p.value for p in body.products]
    if body.status is not None:
        app.status = body.status.value
    if body.capacity is not None:
        app.capacity = body.capacity
    return sorted(body.model_fields_set)


async def delete_app(session: AsyncSession, app_id: uuid.UUID) -> None:
    """Remove an app no business uses; one in use is 409 (its businesses' pages are subscribed to it): disable it
    instead, so no new business is given it."""
    app = (await session.execute(select(MetaApp).where(MetaApp.id == app_id).with_for_update())).scalar_one_or_none()
    if app is None:
        raise NotFound(msg("Meta app not found."))
    in_use = int(
        await session.scalar(
            select(func.count()).select_from(MetaAppAssignment).where(MetaAppAssignment.meta_app_id == app_id)
        )
        or 0
    )
    if in_use:
        raise Conflict(
            msg("{count} {count:plural:business uses|businesses use} this app; disable it instead.", count=in_use),
            businesses_assigned=in_use,
        )
    await session.execute(delete(MetaApp).where(MetaApp.id == app_id))
    await vault.delete_secret(session, secret_ref(app_id))


async def app_for_business(session: AsyncSession, business_id: uuid.UUID, product: MetaProduct) -> MetaApp | None:
    """The app the business logs in to Meta with: the one it was given, else the least-loaded ``live`` app offering
    ``product`` that has room (then it keeps it). None when the pool has no such app."""
    kept = await session.scalar(
        select(MetaApp).join(MetaAppAssignment).where(MetaAppAssignment.business_id == business_id)
    )
    if kept is not None:
        return kept
    load = _assigned_count()
    chosen = (
        await session.execute(
            select(MetaApp)
            .where(
                MetaApp.status == MetaAppStatus.LIVE.value,
                MetaApp.products.contains([product.value]),
                load < MetaApp.capacity,
            )
            .order_by(load, MetaApp.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
    ).scalar_one_or_none()
    if chosen is None:
        return None
    await session.execute(
        insert(MetaAppAssignment)
        .values(business_id=business_id, meta_app_id=chosen.id)
        .on_conflict_do_nothing(index_elements=[MetaAppAssignment.business_id])
    )
    # A concurrent first login may have given the business another app first: the stored one wins.
    return await session.scalar(
        select(MetaApp).join(MetaAppAssignment).where(MetaAppAssignment.business_id == business_id)
    )
