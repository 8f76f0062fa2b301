"""Lead attribution (SPEC.md R-CH6): where a contact came from, and the clicks on TikTok tracking links.

``contacts`` gains the link (``lead_link_id``, a control-plane ``tiktok_links`` id, so no foreign key), the
campaign, the ad (Meta's Click-to-WhatsApp ``source_id``) and when the contact was attributed; the first attribution
is kept. ``tiktok_clicks`` records each hit on a link with the ad's macros and UTM parameters, the user agent and a
salted hash of the IP (never the IP itself); ``bot`` marks crawlers and link previewers, counted apart.

Revision ID: t0012
Revises: t0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from x8.tenancy.ddl import secure_table, tenant_id_column

revision: str = "t0012"
down_revision: str | None = "t0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("contacts", sa.Column("lead_link_id", UUID(as_uuid=True)))
    op.add_column("contacts", sa.Column("lead_campaign", sa.String(200)))
    op.add_column("contacts", sa.Column("lead_ad_id", sa.String(100)))
    op.add_column("contacts", sa.Column("lead_attributed_at", TS))
    op.create_index(
        "ix_contacts_lead_link_id", "contacts", ["lead_link_id"], postgresql_where=sa.text("lead_link_id IS NOT NULL")
    )
    op.create_table(
        "tiktok_clicks",
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        tenant_id_column(),
        sa.Column("link_id", UUID(as_uuid=True), nullable=False),
        sa.Column("clicked_at", TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("bot", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("ttclid", sa.String(255)),
        sa.Column("campaign_id", sa.String(100)),
        sa.Column("adgroup_id", sa.String(100)),
        sa.Column("ad_id", sa.String(100)),
        sa.Column("utm", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("user_agent", sa.String(500), nullable=False, server_default=""),
        sa.Column("ip_hash", sa.String(64)),
    )
    op.create_index("ix_tiktok_clicks_link_clicked_at", "tiktok_clicks", ["link_id", "clicked_at"])
    secure_table(op, "tiktok_clicks")


def downgrade() -> None:
    op.drop_table("tiktok_clicks")
    op.drop_index("ix_contacts_lead_link_id", table_name="contacts")
    for column in ("lead_attributed_at", "lead_ad_id", "lead_campaign", "lead_link_id"):
        op.drop_column("contacts", column)
