"""SQLAlchemy Core tables of a tenant schema, mirroring the tenant track (``tenant_migrations/``) at head.

The migrations are the source of truth; these definitions let tenant code write typed queries
(``insert(kb_items).values(...)``, ``select(kb_items.c.name)``) instead of text SQL with dict parameters. No table
has a schema: names stay unqualified and resolve through the ``search_path`` a ``TenantSession`` sets, so one
definition serves every tenant. ``tests/tenancy/test_tenant_tables.py`` builds these tables in a scratch schema and
compares them with a freshly provisioned tenant (columns, types, nullability, defaults, keys, indexes), so a
migration that changes a table without changing it here fails the build.

Triggers, functions and row-level security are not described here: they live in the migrations only.
``kb_embeddings`` exists only where the database has pgvector (tenant migration t0003); its ``info`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, REGCONFIG, TSVECTOR, UUID
from sqlalchemy.engine import Dialect

from x8.tenancy.ddl import tenant_id_column

TENANT_METADATA = sa.MetaData()

_NOW = sa.text("now()")
_NEW_ID = sa.text("gen_random_uuid()")
_TS = sa.DateTime(timezone=True)
# Set by a trigger on every insert and update (``kb_items_search``, tenant migrations t0002 and t0004).
_BY_TRIGGER = sa.FetchedValue()


class Vector(sa.types.UserDefinedType[list[float]]):
    """pgvector's ``vector`` (no fixed dimension: the embedder decides), sent and read in its text form
    ``[0.1,0.2]``, which asyncpg passes through for a type it has no codec for. The pgvector package is not needed.
    """

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "vector"

    def bind_processor(self, dialect: Dialect) -> Callable[[list[float] | None], str | None]:
        def process(value: list[float] | None) -> str | None:
            return None if value is None else to_vector_text(value)

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], list[float] | None]:
        def process(value: Any) -> list[float] | None:
            if value is None:
                return None
            return [float(x) for x in str(value).strip("[]").split(",") if x]

        return process


def to_vector_text(vector: list[float]) -> str:
    """pgvector's text form of a vector."""
    return "[" + ",".join(f"{x:.6f}" for x in vector) + "]"


# --- t0001 contacts, conversations, messages (+ t0005, t0007, t0008) ------------------------------------------

contacts = sa.Table(
    "contacts",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("external_id", sa.String(255), nullable=False),
    sa.Column("display_name", sa.String(255), nullable=False, server_default=""),
    sa.Column("language", sa.String(8)),
    sa.Column("lead_source", sa.String(32)),
    sa.Column("attributes", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("privacy_policy_sent_at", _TS),
    # t0012: where the lead came from (a TikTok tracking link, a Meta ad), kept from the first attribution.
    sa.Column("lead_link_id", UUID(as_uuid=True)),
    sa.Column("lead_campaign", sa.String(200)),
    sa.Column("lead_ad_id", sa.String(100)),
    sa.Column("lead_attributed_at", _TS),
    sa.UniqueConstraint("channel", "external_id", name="uq_contacts_channel_external_id"),
    sa.Index("ix_contacts_lead_link_id", "lead_link_id", postgresql_where=sa.text("lead_link_id IS NOT NULL")),
)

conversations = sa.Table(
    "conversations",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("contact_id", UUID(as_uuid=True), sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("last_message_at", _TS),
    sa.Column("channel_id", UUID(as_uuid=True)),
    sa.Column("bot_paused_until", _TS),
    sa.Column("handover_at", _TS),
    sa.Column("first_handover_at", _TS),  # kept when the bot is resumed (which clears handover_at): metrics
    sa.Column("unread_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_message_preview", sa.String(200), nullable=False, server_default=""),
    sa.Column("turn_claim", UUID(as_uuid=True)),
    sa.Column("turn_claimed_until", _TS),
    sa.Column("payment_status", sa.String(20), nullable=False, server_default="no_payment_link"),
    sa.CheckConstraint(
        "payment_status IN ('no_payment_link', 'payment_link_sent', 'paid')", name="ck_conversations_payment_status"
    ),
    sa.Index("ix_conversations_contact_id", "contact_id"),
    sa.Index("ix_conversations_last_message_at", "last_message_at"),
    sa.Index("uq_conversations_contact_channel", "contact_id", "channel_id", unique=True),
)

messages = sa.Table(
    "messages",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column(
        "conversation_id", UUID(as_uuid=True), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("direction", sa.String(8), nullable=False),
    sa.Column("body", sa.Text, nullable=False, server_default=""),
    sa.Column("provider_message_id", sa.String(255)),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("sender", sa.String(8), nullable=False, server_default="customer"),
    sa.Column("status", sa.String(12), nullable=False, server_default="received"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", _TS),
    sa.Column("processed_at", _TS),
    sa.Column("message_type", sa.String(8)),
    sa.Column("intent", sa.String(16)),
    sa.Column("reply_to_id", UUID(as_uuid=True)),
    # Generated by the database (inbox search); never written.
    sa.Column("search_vector", TSVECTOR, sa.Computed("to_tsvector('simple', body)", persisted=True)),
    sa.Column("send_claimed_until", _TS),
    # Pieces of a long reply already delivered (x8.channel_adapters.pieces): a retry sends only the rest.
    sa.Column("parts_sent", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("direction IN ('in', 'out')", name="ck_messages_direction"),
    sa.CheckConstraint("sender IN ('customer', 'bot', 'human', 'owner')", name="ck_messages_sender"),
    sa.CheckConstraint("status IN ('received', 'pending', 'sending', 'sent', 'failed')", name="ck_messages_status"),
    sa.Index("ix_messages_conversation_created", "conversation_id", "created_at"),
    sa.Index(
        "uq_messages_provider_message_id",
        "provider_message_id",
        unique=True,
        postgresql_where=sa.text("provider_message_id IS NOT NULL"),
    ),
    sa.Index("ix_messages_search", "search_vector", postgresql_using="gin"),
    sa.Index(
        "ix_messages_unprocessed",
        "conversation_id",
        "created_at",
        postgresql_where=sa.text("direction = 'in' AND processed_at IS NULL"),
    ),
    sa.Index("ix_messages_pending", "conversation_id", postgresql_where=sa.text("status IN ('pending', 'sending')")),
)

# --- t0002 kb_items (trigram column dropped in t0004), t0003 kb_embeddings, t0004 kb_vocabulary -----------------

kb_items = sa.Table(
    "kb_items",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("kb_id", UUID(as_uuid=True), nullable=False),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    sa.Column("sku", sa.String(100)),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("price", sa.Numeric(14, 2)),
    sa.Column("currency", sa.String(3)),
    sa.Column("category", sa.String(200)),
    sa.Column("unit", sa.String(50)),
    sa.Column("stock", sa.Integer),
    sa.Column("website", sa.String(2048)),
    sa.Column("tags", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("images", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("duration_minutes", sa.Integer),
    sa.Column("format", sa.String(10)),
    sa.Column("location", sa.String(500)),
    sa.Column("extra", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("search_config", REGCONFIG, nullable=False, server_default=sa.text("'simple'::regconfig")),
    # Maintained by the trigger from search_config, name, sku, category, tags and description: never written.
    sa.Column(
        "search_vector",
        TSVECTOR,
        nullable=False,
        server_default=sa.text("''::tsvector"),
        server_onupdate=_BY_TRIGGER,
    ),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    # Bumped by the same trigger on every update: the row's version (the embedding job compares it).
    sa.Column("updated_at", _TS, nullable=False, server_default=_NOW, server_onupdate=_BY_TRIGGER),
    sa.CheckConstraint("format IS NULL OR format IN ('online', 'offline')", name="ck_kb_items_format"),
    sa.CheckConstraint("price IS NULL OR price >= 0", name="ck_kb_items_price"),
    sa.Index("ix_kb_items_kb_position", "kb_id", "position"),
    # The ON CONFLICT target of imports: (kb_id, sku) WHERE sku IS NOT NULL.
    sa.Index("uq_kb_items_kb_sku", "kb_id", "sku", unique=True, postgresql_where=sa.text("sku IS NOT NULL")),
    sa.Index("ix_kb_items_search", "search_vector", postgresql_using="gin"),
)

kb_embeddings = sa.Table(
    "kb_embeddings",
    TENANT_METADATA,
    sa.Column("item_id", UUID(as_uuid=True), sa.ForeignKey("kb_items.id", ondelete="CASCADE"), primary_key=True),
    tenant_id_column(),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("embedding", Vector(), nullable=False),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    info={"requires_extension": "vector"},
)

kb_vocabulary = sa.Table(
    "kb_vocabulary",
    TENANT_METADATA,
    tenant_id_column(),
    sa.Column("kb_id", UUID(as_uuid=True), nullable=False),
    sa.Column("trigram", sa.Text, nullable=False),
    sa.Column("word", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("kb_id", "trigram", "word"),
)

# --- t0008 orders and their items ------------------------------------------------------------------------------

orders = sa.Table(
    "orders",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("conversation_id", UUID(as_uuid=True), sa.ForeignKey("conversations.id", ondelete="SET NULL")),
    sa.Column("contact_name", sa.String(255), nullable=False, server_default=""),
    sa.Column("contact_handle", sa.String(255), nullable=False, server_default=""),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("lead_source", sa.String(32)),
    sa.Column("language", sa.String(8)),
    sa.Column("amount", sa.BigInteger, nullable=False),  # minor units of ``currency``
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(12), nullable=False, server_default="pending"),
    sa.Column("provider", sa.String(12), nullable=False),
    sa.Column("checkout_session_id", sa.String(255)),
    sa.Column("checkout_url", sa.Text),
    sa.Column("payment_intent_id", sa.String(255)),
    sa.Column("failure_reason", sa.String(64)),
    sa.Column("paid_at", _TS),
    sa.Column("link_message_id", UUID(as_uuid=True)),
    sa.Column("after_payment_message_id", UUID(as_uuid=True)),
    sa.Column("reminder_message_id", UUID(as_uuid=True)),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("updated_at", _TS, nullable=False, server_default=_NOW),
    sa.CheckConstraint("amount >= 0", name="ck_orders_amount"),
    sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'expired', 'refunded')", name="ck_orders_status"),
    sa.CheckConstraint("provider IN ('stripe', 'sandbox')", name="ck_orders_provider"),
    sa.Index("ix_orders_created_at", "created_at"),
    sa.Index("ix_orders_status_created_at", "status", "created_at"),
    sa.Index("ix_orders_conversation_created_at", "conversation_id", "created_at"),
    sa.Index(
        "uq_orders_checkout_session_id",
        "checkout_session_id",
        unique=True,
        postgresql_where=sa.text("checkout_session_id IS NOT NULL"),
    ),
)

order_items = sa.Table(
    "order_items",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("order_id", UUID(as_uuid=True), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kb_row_id", UUID(as_uuid=True)),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("unit_amount", sa.BigInteger, nullable=False),  # minor units of ``currency``
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.CheckConstraint("unit_amount >= 0", name="ck_order_items_unit_amount"),
    sa.CheckConstraint("quantity >= 1", name="ck_order_items_quantity"),
    sa.UniqueConstraint("order_id", "position", name="uq_order_items_order_position"),
)

# --- t0009 availability, booking_slots, bookings, calendar_connections ---------------------------------------

availability = sa.Table(
    "availability",
    TENANT_METADATA,
    sa.Column("id", sa.SmallInteger, primary_key=True, server_default="1"),
    tenant_id_column(),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("slot_minutes", sa.Integer, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("buffer_minutes", sa.Integer, nullable=False),
    sa.Column("weekly", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("cities", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("closed_dates", ARRAY(sa.Date), nullable=False, server_default="{}"),
    sa.Column("updated_at", _TS, nullable=False, server_default=_NOW),
    sa.CheckConstraint("id = 1", name="ck_availability_single_row"),
)

booking_slots = sa.Table(
    "booking_slots",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("start", _TS, nullable=False),
    sa.Column("city", sa.String(200), nullable=False, server_default=""),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("booked", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("booked >= 0", name="ck_booking_slots_booked"),
    sa.UniqueConstraint("start", "city", name="uq_booking_slots_start_city"),
)

bookings = sa.Table(
    "bookings",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("start", _TS, nullable=False),
    sa.Column("end", _TS, nullable=False),
    sa.Column("status", sa.String(12), nullable=False, server_default="confirmed"),
    sa.Column("city", sa.String(200)),
    sa.Column("address", sa.String(500)),
    sa.Column("format", sa.String(10)),
    sa.Column("service_id", UUID(as_uuid=True)),
    sa.Column("order_id", UUID(as_uuid=True)),
    sa.Column("conversation_id", UUID(as_uuid=True), sa.ForeignKey("conversations.id", ondelete="SET NULL")),
    sa.Column("contact_name", sa.String(255)),
    sa.Column("contact_phone", sa.String(64)),
    sa.Column("calendar_event_id", sa.String(1024)),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("cancelled_at", _TS),
    sa.CheckConstraint("kind IN ('delivery', 'appointment')", name="ck_bookings_kind"),
    sa.CheckConstraint("status IN ('confirmed', 'cancelled')", name="ck_bookings_status"),
    sa.CheckConstraint("format IS NULL OR format IN ('online', 'offline')", name="ck_bookings_format"),
    sa.CheckConstraint('"end" > start', name="ck_bookings_span"),
    sa.Index("ix_bookings_start", "start"),
)

calendar_connections = sa.Table(
    "calendar_connections",
    TENANT_METADATA,
    sa.Column("id", sa.SmallInteger, primary_key=True, server_default="1"),
    tenant_id_column(),
    sa.Column("calendar_id", sa.String(1024), nullable=False, server_default="primary"),
    sa.Column("connected_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("last_error", sa.Text),
    sa.Column("last_error_at", _TS),
    sa.CheckConstraint("id = 1", name="ck_calendar_connections_single_row"),
)

# --- t0012 tiktok_clicks (and the contacts' lead columns above) ----------------------------------------------

tiktok_clicks = sa.Table(
    "tiktok_clicks",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column("link_id", UUID(as_uuid=True), nullable=False),
    sa.Column("clicked_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("bot", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("ttclid", sa.String(255)),
    sa.Column("campaign_id", sa.String(100)),
    sa.Column("adgroup_id", sa.String(100)),
    sa.Column("ad_id", sa.String(100)),
    sa.Column("utm", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("user_agent", sa.String(500), nullable=False, server_default=""),
    sa.Column("ip_hash", sa.String(64)),
    sa.Index("ix_tiktok_clicks_link_clicked_at", "link_id", "clicked_at"),
)

# --- t0010 booking_requests ------------------------------------------------------------------------------------

booking_requests = sa.Table(
    "booking_requests",
    TENANT_METADATA,
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=_NEW_ID),
    tenant_id_column(),
    sa.Column(
        "conversation_id", UUID(as_uuid=True), sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("order_id", UUID(as_uuid=True)),
    sa.Column("service_id", UUID(as_uuid=True)),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("stage", sa.String(12), nullable=False),
    sa.Column("city", sa.String(200)),
    sa.Column("address", sa.String(500)),
    sa.Column("offered", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("chosen_start", _TS),
    sa.Column("misunderstood", sa.Integer, nullable=False, server_default="0"),
    sa.Column("language", sa.String(8)),
    sa.Column("booking_id", UUID(as_uuid=True), sa.ForeignKey("bookings.id", ondelete="SET NULL")),
    sa.Column("created_at", _TS, nullable=False, server_default=_NOW),
    sa.Column("updated_at", _TS, nullable=False, server_default=_NOW),
    sa.CheckConstraint("kind IN ('delivery', 'appointment')", name="ck_booking_requests_kind"),
    sa.CheckConstraint(
        "stage IN ('city', 'slot', 'address', 'booked', 'handed_over', 'superseded')", name="ck_booking_requests_stage"
    ),
    sa.Index(
        "uq_booking_requests_open",
        "conversation_id",
        unique=True,
        postgresql_where=sa.text("stage IN ('city', 'slot', 'address')"),
    ),
    sa.Index("uq_booking_requests_order", "order_id", unique=True, postgresql_where=sa.text("order_id IS NOT NULL")),
)

# --- t0014 email_threads ----------------------------------------------------------------------------------------

email_threads = sa.Table(
    "email_threads",
    TENANT_METADATA,
    sa.Column("channel_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("address", sa.String(320), primary_key=True),
    tenant_id_column(),
    sa.Column("message_id", sa.String(998)),
    sa.Column("references_chain", sa.Text, nullable=False, server_default=""),
    sa.Column("subject", sa.String(998), nullable=False, server_default=""),
    sa.Column("thread_id", sa.String(255)),
    sa.Column("updated_at", _TS, nullable=False, server_default=_NOW),
)

# --- t0013 metrics rollups (and their indexes on the raw tables) -----------------------------------------------


def _metrics_key() -> list[sa.Column[Any]]:
    return [
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("lead_source", sa.String(32), nullable=False, server_default=""),
    ]


METRICS_COUNTERS = (
    "messages_in",
    "messages_out",
    "type1",
    "type2",
    "type3",
    "new_contacts",
    "conversations",
    "assisted",
    "handovers",
)

metrics_state = sa.Table(
    "metrics_state",
    TENANT_METADATA,
    sa.Column("id", sa.SmallInteger, primary_key=True, server_default="1"),
    tenant_id_column(),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("folded_until", _TS),
    sa.Column("folded_at", _TS),
    sa.CheckConstraint("id = 1", name="ck_metrics_state_single_row"),
)

metrics_daily = sa.Table(
    "metrics_daily",
    TENANT_METADATA,
    tenant_id_column(),
    *_metrics_key(),
    *[sa.Column(name, sa.BigInteger, nullable=False, server_default="0") for name in METRICS_COUNTERS],
    sa.PrimaryKeyConstraint("day", "channel", "lead_source"),
)

metrics_response_times = sa.Table(
    "metrics_response_times",
    TENANT_METADATA,
    tenant_id_column(),
    *_metrics_key(),
    sa.Column("bucket", sa.SmallInteger, nullable=False),
    sa.Column("conversations", sa.BigInteger, nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("day", "channel", "lead_source", "bucket"),
)

metrics_conversations = sa.Table(
    "metrics_conversations",
    TENANT_METADATA,
    sa.Column("conversation_id", UUID(as_uuid=True), primary_key=True),
    tenant_id_column(),
    *_metrics_key(),
    sa.Column("first_response_ms", sa.BigInteger),
    sa.Column("handed_over", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("human_replied", sa.Boolean, nullable=False, server_default=sa.false()),
)

sa.Index("ix_orders_paid_at", orders.c.paid_at, postgresql_where=sa.text("paid_at IS NOT NULL"))
sa.Index("ix_bookings_created_at", bookings.c.created_at)
sa.Index("ix_contacts_created_at", contacts.c.created_at)
sa.Index("ix_conversations_created_at", conversations.c.created_at)
sa.Index("ix_messages_created_at", messages.c.created_at)
