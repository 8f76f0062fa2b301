"""The control-plane side of the reply pipeline: which company and channel, conversation refs, the company's
profile and counters, channel status. Tenant data is reached only through ``x8.conversations`` inside tenant
sessions; taking turns and sending replies is ``replies``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import select, text, update

from x8.channel_adapters.base import InboundMessage
from x8.conversations import inbox, retention
from x8.conversations.assistant.retrieval import CompanyProfile
from x8.conversations.delivery import ReplyStats
from x8.kit.db import Database
from x8.kit.i18n import as_language
from x8.kit.ttl_cache import TtlCache
from x8.platform.assistant.service import behaviour_set
from x8.platform.billing.plans import can_operate
from x8.platform.channels import cache
from x8.platform.channels.cache import forget_channel
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.knowledge_base.models import KnowledgeBase
from x8.platform.mail import letters
from x8.platform.mail.sender import send_mail
from x8.platform.users.models import User
from x8.settings import Settings
from x8.tenancy.session import tenant_session

log = logging.getLogger(__name__)


async def receive(db: Database, channel: Channel, message: InboundMessage, *, pause_minutes: int) -> inbox.Received:
    """Store an inbound message in the channel's company, in one tenant transaction. The first message of a new
    contact creates its conversation, registered on the control plane as it is created (so
    ``/api/v1/conversations/{id}`` finds it once the message is there)."""
    async with tenant_session(db, channel.company_id) as ts:
        if not message.from_owner:  # the common case: one statement, for a known contact or a new one
            return await inbox.store_from_customer(ts, channel, message, new_conversation_id=uuid.uuid4())
        existing = await inbox.find_conversation(ts, channel, message.external_id)
        return await inbox.store_inbound(
            ts,
            channel,
            message,
            conversation_id=existing,
            new_conversation_id=uuid.uuid4(),  # used only when there is no conversation yet
            pause_minutes=pause_minutes,
        )


_PROFILES: TtlCache[uuid.UUID, tuple[CompanyProfile, list[uuid.UUID]]] = TtlCache(seconds=2.0)


async def cached_company_profile(db: Database, company_id: uuid.UUID) -> tuple[CompanyProfile, list[uuid.UUID]]:
    """For turns, which come in bursts per company: the profile is at most two seconds old (a settings change
    or a plan change reaches the assistant within that)."""
    return await _PROFILES.get_or_load(company_id, lambda: company_profile(db, company_id))


def forget_company_profile(company_id: uuid.UUID) -> None:
    """Settings changed in this process: its next turn reads them fresh."""
    _PROFILES.forget(company_id)


def forget_company_profiles() -> None:
    """A business's plan changed in this process (whether its assistant may answer): every company's next turn and
    ingest read their profile fresh. Plan changes are rare; the cache refills one read a company."""
    _PROFILES.clear()


async def company_profile(db: Database, company_id: uuid.UUID) -> tuple[CompanyProfile, list[uuid.UUID]]:
    async with db.sessions() as session:
        company = await session.get(Company, company_id)
        if company is None:
            raise LookupError(f"company {company_id} is gone")
        owner = await session.get(User, company.owner_id)
        behaviour = await behaviour_set(session, company_id)
        kb_ids = list(
            (await session.execute(select(KnowledgeBase.id).where(KnowledgeBase.company_id == company_id))).scalars()
        )
    profile = CompanyProfile(
        name=company.name,
        language=company.language,
        company_type=company.company_type,
        privacy_policy_url=company.privacy_policy_url,
        may_answer=owner is not None and can_operate(owner),
        behaviour=behaviour,
    )
    return profile, kb_ids


async def count_turn(db: Database, company_id: uuid.UUID, *, turn_messages: int, message_type: str) -> None:
    """R-M8 counters on the company: every customer message, classified by what its turn was."""
    values: dict[str, Any] = {"total_messages": Company.total_messages + turn_messages}
    if message_type == "TYPE2":
        values.update(type2_count=Company.type2_count + turn_messages, type2_unpaid=Company.type2_unpaid + 1)
    elif message_type == "TYPE3":
        values["type3_count"] = Company.type3_count + turn_messages
    else:
        values["type1_count"] = Company.type1_count + turn_messages
    async with db.sessions() as session, session.begin():
        await session.execute(update(Company).where(Company.id == company_id).values(**values))


async def load_channel(db: Database, channel_id: uuid.UUID) -> Channel:
    channel = await cache.load_channel(db, channel_id)
    if channel is None:
        raise LookupError(f"channel {channel_id} is gone")
    return channel


async def record_channel_error(db: Database, channel_id: uuid.UUID, error: str) -> None:
    """R-CH7: provider errors are kept on the channel (last_error, error_count) and shown on the Integrations page."""
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(Channel)
            .where(Channel.id == channel_id)
            .values(last_error=error[:1000], error_count=Channel.error_count + 1)
        )


async def record_reply(db: Database, company_id: uuid.UUID, stats: ReplyStats) -> None:
    await record_replies(db, company_id, [stats])


_COUNT_REPLIES = text(
    "UPDATE companies SET total_messages = total_messages + :n, type1_count = type1_count + :t1, "
    "type2_count = type2_count + :t2, type2_unpaid = type2_unpaid + :t2_turns, type3_count = type3_count + :t3, "
    "avg_response_time = CASE WHEN CAST(:timed AS integer) = 0 THEN avg_response_time "
    "WHEN avg_response_time IS NULL THEN CAST(:from_none AS double precision) "
    "ELSE avg_response_time * CAST(:decay AS double precision) + CAST(:fold AS double precision) END "
    "WHERE id = :id"
)


async def record_replies(db: Database, company_id: uuid.UUID, finished: list[ReplyStats]) -> None:
    """One statement for any number of finished replies: their turns' messages by type (R-M8), and
    avg_response_time in seconds, an exponentially weighted mean (each reply: mean × 0.9 + its wait × 0.1, in
    order) so recent replies count most."""
    if not finished:
        return
    counts = {"n": 0, "t1": 0, "t2": 0, "t2_turns": 0, "t3": 0}
    for stats in finished:
        counts["n"] += stats.turn_size
        if stats.message_type == "TYPE2":
            counts["t2"] += stats.turn_size
            counts["t2_turns"] += 1
        elif stats.message_type == "TYPE3":
            counts["t3"] += stats.turn_size
        else:
            counts["t1"] += stats.turn_size
    waits = [stats.waited for stats in finished if stats.waited is not None]
    fold = 0.0  # the mean from a previous value of 0, after every wait
    for waited in waits:
        fold = fold * 0.9 + waited * 0.1
    from_none = waits[0] if waits else 0.0  # with no mean yet, the first wait is the mean
    for waited in waits[1:]:
        from_none = from_none * 0.9 + waited * 0.1
    async with db.engine.connect() as connection:
        # One statement, so autocommit: no BEGIN and COMMIT round trips around it.
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(
            _COUNT_REPLIES,
            {
                **counts,
                "timed": len(waits),
                "from_none": from_none,
                "decay": 0.9 ** len(waits),
                "fold": fold,
                "id": company_id,
            },
        )


async def set_channel_status(db: Database, channel_id: uuid.UUID, status: str, error: str | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if error is not None:
        values.update(last_error=error[:1000], error_count=Channel.error_count + 1)
    async with db.sessions() as session, session.begin():
        await session.execute(update(Channel).where(Channel.id == channel_id).values(**values))
    forget_channel(channel_id)


async def prune_history(db: Database, days: int) -> int:
    """Apply the retention period to every company's history, one short transaction per batch."""
    async with db.sessions() as session:
        companies = list((await session.execute(select(Company.id))).scalars())
    removed = 0
    for company_id in companies:
        while True:
            async with tenant_session(db, company_id) as ts:
                count = await retention.prune_batch(ts, days)
            removed += count
            if count < retention.BATCH:
                break
    return removed


def buffer_of(profile: CompanyProfile, settings: Settings) -> float:
    """The company's own merge window if it set one (R-M2), else ``X8_BUFFER_SECONDS``."""
    own = profile.behaviour.company.buffer_seconds
    return float(own) if own is not None else settings.buffer_seconds


async def buffer_seconds_for(db: Database, settings: Settings, company_id: uuid.UUID) -> float:
    """For ingest, which runs hot: the company's window, from the profile its turns read (``cached_company_profile``,
    at most two seconds old). A company gone meanwhile gets the default (its turn finds nothing to answer)."""
    try:
        profile, _ = await cached_company_profile(db, company_id)
    except LookupError:
        return settings.buffer_seconds
    return buffer_of(profile, settings)


async def notify_handover(db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """Email the business that a customer asked for a person, with a link to the conversation, in the owner's
    profile language. The read is over before the mail is sent; over SMTP the sending session never opens a
    transaction (only the dev mailbox, which is a row, writes one)."""
    async with db.sessions() as session:
        company = await session.get(Company, company_id)
        owner = await session.get(User, company.owner_id) if company else None
    if company is None or owner is None:
        return
    link = f"{settings.frontend_url.rstrip('/')}/conversations?company={company_id}&conversation={conversation_id}"
    async with db.sessions() as session, session.begin():
        await send_mail(
            session,
            settings,
            to=owner.email,
            letter=letters.handover_notice(company.name, link),
            language=as_language(owner.language),
        )
