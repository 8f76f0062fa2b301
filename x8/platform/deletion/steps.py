"""The steps of an account deletion, in the order SPEC.md R-S5 names them.

Each step is idempotent (running it again after it finished, or after a kill half-way, changes nothing more) and
calls its provider with no transaction open. A step raises ``StepFailed`` when a provider did not answer or
refused for now: the job keeps the step ``retrying`` and tries again later; it never skips it. A new system that
keeps something of an account is one new function here and one entry in ``STEPS``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, text, update

from x8.channel_adapters.base import ChannelStatus, ProviderError
from x8.channel_adapters.registry import adapter_for
from x8.kit.db import Database
from x8.runtime import resolve
from x8.settings import Settings

if TYPE_CHECKING:
    from x8.platform.channels.models import Channel

log = logging.getLogger(__name__)


class StepFailed(Exception):
    """The step could not finish now (a provider is down or refused for the moment); ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Subject:
    """What the steps need of the account, kept from the moment it was asked (the rows go as the steps run)."""

    user_id: uuid.UUID
    email: str
    company_ids: tuple[uuid.UUID, ...]
    # Other ids that name the account at its providers (Stripe customer and account, channels): the last step
    # looks for them in rows that refer to the account without a foreign key.
    provider_ids: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "user_id": str(self.user_id),
            "email": self.email,
            "company_ids": [str(c) for c in self.company_ids],
            "provider_ids": list(self.provider_ids),
        }

    @classmethod
    def from_json(cls, value: dict[str, object]) -> Subject:
        companies, provider_ids = value.get("company_ids"), value.get("provider_ids", [])
        assert isinstance(companies, list) and isinstance(provider_ids, list)
        return cls(
            uuid.UUID(str(value["user_id"])),
            str(value["email"]),
            tuple(uuid.UUID(str(c)) for c in companies),
            tuple(str(i) for i in provider_ids),
        )

    def needles(self) -> list[str]:
        """Every string that would name the account in a row."""
        return [str(self.user_id), self.email, *(str(c) for c in self.company_ids), *self.provider_ids]


@dataclass(frozen=True)
class StepContext:
    db: Database
    settings: Settings
    subject: Subject
    deletion_id: uuid.UUID


Step = Callable[[StepContext], Awaitable[None]]


async def remove_n8n(ctx: StepContext) -> None:
    """Every n8n object X8 made for the account's companies (credentials, workflows), through the bindings."""
    from x8.integrations.n8n import n8n_api_for
    from x8.n8n_bridge.models import N8nBinding
    from x8.n8n_bridge.provisioning import ProvisioningFailed, deprovision

    if not ctx.subject.company_ids:
        return
    async with ctx.db.sessions() as session:
        bound = list(
            (
                await session.scalars(
                    select(N8nBinding.company_id).where(N8nBinding.company_id.in_(ctx.subject.company_ids)).distinct()
                )
            ).all()
        )
    if not bound:
        return
    api = n8n_api_for(ctx.settings)
    if api is None:
        raise StepFailed("n8n holds this account's workflows, but N8N_API_URL and N8N_API_KEY are not set")
    for company_id in bound:
        try:
            await deprovision(ctx.db, api, company_id)
        except ProvisioningFailed as failure:
            raise StepFailed(f"n8n: {failure.message}") from failure


async def _at_provider(channel: Channel, call: Awaitable[None]) -> None:
    """A provider that refuses outright (a revoked token) has nothing registered for these credentials any more,
    so that counts as done; one that does not answer is retried."""
    try:
        await call
    except ProviderError as exc:
        if exc.retryable:
            raise StepFailed(f"{channel.platform}: {exc}") from exc
        log.info("channel %s: the provider refused to unregister (%s); nothing is left there", channel.id, exc)


async def unregister_channels(ctx: StepContext) -> None:
    """Unregister every channel at its provider (Telegram deleteWebhook, WAHA logout and delete, Meta's page
    subscription and, with the last channel that uses it, the Meta login itself, Gmail's watch and grant, and so on
    for every adapter), then stop accepting its webhooks here."""
    from x8.platform.channels.meta_login import end_meta_login
    from x8.platform.channels.models import Channel
    from x8.platform.channels.service import credentials_of

    if not ctx.subject.company_ids:
        return
    async with ctx.db.sessions() as session:
        query = select(Channel).where(
            Channel.company_id.in_(ctx.subject.company_ids), Channel.status != ChannelStatus.DISCONNECTED
        )
        channels = list((await session.scalars(query)).all())  # a disconnected one is unregistered already
    for channel in channels:
        try:
            adapter = adapter_for(channel.platform, ctx.settings)
        except LookupError:
            continue  # a platform with nothing to unregister
        credentials = await credentials_of(ctx.db, ctx.settings, channel)
        await _at_provider(channel, adapter.disconnect(channel, credentials))
        await _at_provider(channel, end_meta_login(ctx.db, ctx.settings, channel))
        async with ctx.db.sessions() as session, session.begin():
            await session.execute(
                update(Channel)
                .where(Channel.id == channel.id)
                .values(status=ChannelStatus.DISCONNECTED, webhook_secret_hash=None)
            )


async def remove_stripe_connect(ctx: StepContext) -> None:
    """The business's Express account at Stripe, then its row here."""
    from x8.integrations.stripe.client import StripeUnavailable
    from x8.platform.payments.connect import StillConnected, disconnect

    try:
        await disconnect(ctx.db, ctx.settings, ctx.subject.user_id)
    except StripeUnavailable as exc:
        raise StepFailed(f"Stripe: {exc}") from exc
    except StillConnected as exc:  # a balance not paid out yet: Stripe deletes the account once it is
        raise StepFailed(f"Stripe Connect: {exc.refused.stripe_message or exc}") from exc


async def remove_stripe_billing(ctx: StepContext) -> None:
    """Cancel the subscription at once and delete the Stripe customer (Stripe keeps no card of it afterwards)."""
    from x8.integrations.stripe.client import StripeApi, StripeRefused, StripeUnavailable
    from x8.platform.users.models import User

    async with ctx.db.sessions() as session:
        customer = await session.scalar(select(User.stripe_customer_id).where(User.id == ctx.subject.user_id))
    if not customer:
        return
    if not ctx.settings.stripe_secret_key:
        raise StepFailed("Stripe holds this account's customer, but STRIPE_SECRET_KEY is not set")
    try:
        async with StripeApi(ctx.settings) as api:
            await api.delete_customer(customer)  # cancels its subscriptions at once
    except StripeRefused as exc:
        if exc.code != "resource_missing":
            raise StepFailed(f"Stripe: {exc.stripe_message or exc}") from exc
    except StripeUnavailable as exc:
        raise StepFailed(f"Stripe: {exc}") from exc
    async with ctx.db.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == ctx.subject.user_id).values(stripe_customer_id=None))


async def revoke_calendars(ctx: StepContext) -> None:
    """Revoke each company's Google grant, then drop the tokens. Google saying the grant is already gone counts
    as done; Google not answering is retried."""
    from x8.integrations.google.oauth import GoogleNotConfigured, GoogleOAuth, GoogleUnavailable
    from x8.platform.booking import calendar_store

    for company_id in ctx.subject.company_ids:
        tokens = await calendar_store.tokens_of(ctx.db, ctx.settings, company_id)
        if tokens is None:
            continue
        try:
            await GoogleOAuth(ctx.settings).revoke(tokens)
        except GoogleUnavailable as exc:
            raise StepFailed(f"Google: {exc.message}") from exc
        except GoogleNotConfigured as exc:
            raise StepFailed(f"Google: {exc}") from exc
        except Exception as exc:  # Google refused: an invalid or already revoked grant holds nothing any more
            log.info("company %s: Google refused the revocation (%s); the grant is gone", company_id, exc)
        await calendar_store.forget_tokens(ctx.db, company_id)


async def remove_media(ctx: StepContext) -> None:
    """The business's media library (Cloudinary, or the local store): every file, then the folder."""
    from x8.platform.media.storage import StorageUnavailable, storage_for

    try:
        await storage_for(ctx.settings).remove_all(f"x8/{ctx.subject.user_id}")
    except StorageUnavailable as exc:
        raise StepFailed(f"media: {exc}") from exc


async def remove_history(ctx: StepContext) -> None:
    """The conversation history kept in MongoDB (R-M6), tenant by tenant."""
    if not ctx.settings.mongodb_url or not ctx.subject.company_ids:
        return
    from pymongo.errors import PyMongoError

    from x8.conversations.mongo_history import MongoHistory

    history = MongoHistory(ctx.settings.mongodb_url, ctx.settings.history_retention_days)
    try:
        for company_id in ctx.subject.company_ids:
            await history.for_tenant(company_id).forget()
    except PyMongoError as exc:
        raise StepFailed(f"MongoDB: {type(exc).__name__}") from exc


async def drop_tenants(ctx: StepContext) -> None:
    """Each company's schema and roles (its knowledge base, conversations, orders, bookings), the company row and
    what refers to it without a foreign key (activity entries)."""
    from x8.kit.db import Database as Pool
    from x8.platform.companies.models import Company
    from x8.tenancy.provisioning import drop_tenant

    if not ctx.subject.company_ids:
        return
    owner = Pool.connect(resolve(ctx.settings).owner, pool_size=1)
    try:
        for company_id in ctx.subject.company_ids:
            async with owner.engine.begin() as connection:
                await connection.execute(delete(Company).where(Company.id == company_id))
                await drop_tenant(connection, company_id)
    finally:
        await owner.dispose()
    async with ctx.db.sessions() as session, session.begin():
        for table in ("activity_log", "n8n_bindings"):
            if await session.scalar(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}):
                await session.execute(
                    text(f"DELETE FROM {table} WHERE company_id = ANY(:ids)"),  # noqa: S608 - fixed names
                    {"ids": list(ctx.subject.company_ids)},
                )


async def remove_vault(ctx: StepContext) -> None:
    """Every secret left in the vault for the business (those of its companies went with them)."""
    from x8.platform.vault.models import VaultSecret

    async with ctx.db.sessions() as session, session.begin():
        await session.execute(delete(VaultSecret).where(VaultSecret.client_id == ctx.subject.user_id))


async def remove_user(ctx: StepContext) -> None:
    """The user row (its sessions, subscriptions, invoices, support chat and calls go with it), and every row that
    names the user without a foreign key: audit entries, one-time codes, rate-limit counters, dev mail, provider
    events and finished jobs that mention the account. The audit record of the deletion itself is written by the
    job when it finishes."""
    from x8.platform.users.models import User

    subject = ctx.subject
    needles = subject.needles()
    patterns = [f"%{n}%" for n in needles]
    async with ctx.db.sessions() as session, session.begin():
        await session.execute(delete(User).where(User.id == subject.user_id))
        await session.execute(
            text(
                "DELETE FROM audit_log WHERE actor_id = :user OR target_id = ANY(:ids) "
                "OR details::text LIKE ANY(:patterns)"
            ),
            {"user": subject.user_id, "ids": needles, "patterns": patterns},
        )
        await session.execute(text("DELETE FROM email_codes WHERE email = :email"), {"email": subject.email})
        await session.execute(text("DELETE FROM rate_limit_hits WHERE key LIKE ANY(:patterns)"), {"patterns": patterns})
        await session.execute(text("DELETE FROM dev_mailbox WHERE to_email = :email"), {"email": subject.email})
        await session.execute(
            text("DELETE FROM webhook_events WHERE payload::text LIKE ANY(:patterns)"), {"patterns": patterns}
        )
        await session.execute(
            text(
                "DELETE FROM procrastinate_jobs AS j WHERE status NOT IN ('todo', 'doing') "
                "AND j::text LIKE ANY(:patterns)"
            ),
            {"patterns": patterns},
        )


STEPS: tuple[tuple[str, Step], ...] = (
    ("n8n", remove_n8n),
    ("channels", unregister_channels),
    ("stripe_connect", remove_stripe_connect),
    ("stripe_billing", remove_stripe_billing),
    ("calendar", revoke_calendars),
    ("media", remove_media),
    ("mongo", remove_history),
    ("tenants", drop_tenants),
    ("vault", remove_vault),
    ("user", remove_user),
)
STEP_NAMES = tuple(name for name, _ in STEPS)
