"""Which company an order belongs to, on the control plane (orders themselves live in the tenant schema).

The sandbox checkout is reached by the order id alone (``/sandbox/pay/{order_id}``), and a provider event names
an order; this is how either finds the tenant, like ``conversation_refs`` for conversations.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from x8.kit.db import Base, now_column


class OrderRef(Base):
    __tablename__ = "order_refs"

    order_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("companies.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = now_column()
