"""A new contact's first two messages, stored at the same moment by two jobs, end in one conversation: the
statement that creates it finds the conversation another transaction made after its snapshot by looking again.
Both ways in: a customer's message (one statement, ``store_from_customer``) and the registration
``store_inbound`` makes for the business's own first message to a new contact."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from x8.channel_adapters.base import InboundMessage
from x8.conversations import inbox
from x8.kit.db import Database
from x8.platform.channels.models import Channel
from x8.tenancy.session import TenantSession, tenant_session

NewTenant = Callable[[], Awaitable[uuid.UUID]]


Store = Callable[[TenantSession, Channel, InboundMessage], Awaitable[inbox.Received]]


async def _registered(ts: TenantSession, channel: Channel, message: InboundMessage) -> inbox.Received:
    return await inbox.store_inbound(ts, channel, message, new_conversation_id=uuid.uuid4(), pause_minutes=0)


async def _from_customer(ts: TenantSession, channel: Channel, message: InboundMessage) -> inbox.Received:
    return await inbox.store_from_customer(ts, channel, message, new_conversation_id=uuid.uuid4())


@pytest.mark.parametrize("store", [_registered, _from_customer])
async def test_two_first_messages_at_once_share_one_conversation(
    app_url: str, new_tenant: NewTenant, store: Store
) -> None:
    tenant = await new_tenant()
    db = Database.connect(app_url, pool_size=2)
    channel = Channel(id=uuid.uuid4(), company_id=tenant, platform="telegram")
    first = InboundMessage(provider_message_id="tg:1", external_id="42", text="Hi", display_name="Ann")
    second = InboundMessage(provider_message_id="tg:2", external_id="42", text="Do you sell bread?")
    first_stored = asyncio.Event()
    try:

        async def slow_first() -> uuid.UUID:
            async with tenant_session(db, tenant) as ts:
                received = await store(ts, channel, first)
                first_stored.set()
                await asyncio.sleep(0.3)  # the second registration starts, and waits on this row
            return received.conversation_id

        async def second_meanwhile() -> uuid.UUID:
            await first_stored.wait()
            async with tenant_session(db, tenant) as ts:
                received = await store(ts, channel, second)
            return received.conversation_id

        ids = await asyncio.gather(slow_first(), second_meanwhile())
        async with tenant_session(db, tenant) as ts:
            conversations = (await ts.execute(text("SELECT id FROM conversations"))).scalars().all()
            messages = (await ts.execute(text("SELECT conversation_id FROM messages"))).scalars().all()
            contact = (await ts.execute(text("SELECT display_name FROM contacts"))).scalar_one()
            unread = (await ts.execute(text("SELECT unread_count FROM conversations"))).scalar_one()
    finally:
        await db.dispose()
    assert ids[0] == ids[1]
    assert [uuid.UUID(str(c)) for c in conversations] == [ids[0]]
    assert [uuid.UUID(str(m)) for m in messages] == [ids[0], ids[0]]
    assert contact == "Ann"  # a later message with no name keeps the name
    assert unread == 2
