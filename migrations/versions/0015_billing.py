"""SaaS billing (SPEC.md R-B1 … R-B3): the businesses' Stripe subscriptions and invoices, the trial reminders
sent, and when a subscription went past due.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("past_due_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "billing_subscriptions",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("business_id", sa.UUID(), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("price_id", sa.String(length=255), nullable=False),
        sa.Column("item_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("current_period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state_as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["users.id"], name=op.f("fk_billing_subscriptions_business_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_subscriptions")),
    )
    op.create_index(
        op.f("ix_billing_subscriptions_business_id"), "billing_subscriptions", ["business_id"], unique=False
    )
    op.create_table(
        "billing_invoices",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("business_id", sa.UUID(), nullable=False),
        sa.Column("subscription_id", sa.String(length=255), nullable=True),
        sa.Column("number", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("amount_due", sa.BigInteger(), nullable=False),
        sa.Column("amount_paid", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("hosted_invoice_url", sa.String(length=2048), nullable=True),
        sa.Column("invoice_pdf", sa.String(length=2048), nullable=True),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["users.id"], name=op.f("fk_billing_invoices_business_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoices")),
    )
    op.create_index(op.f("ix_billing_invoices_business_id"), "billing_invoices", ["business_id"], unique=False)
    op.create_table(
        "trial_notices",
        sa.Column("business_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trial_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["users.id"], name=op.f("fk_trial_notices_business_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("business_id", "kind", "trial_ends_at", name=op.f("pk_trial_notices")),
    )


def downgrade() -> None:
    op.drop_table("trial_notices")
    op.drop_table("billing_invoices")
    op.drop_table("billing_subscriptions")
    op.drop_column("users", "past_due_since")
