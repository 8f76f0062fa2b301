"""Control-plane rows for tenants created outside the API (benchmarks, runner tests)."""

from __future__ import annotations

import uuid

from sqlalchemy import TextClause, text

BENCH_OWNER = uuid.UUID("00000000-0000-0000-0000-000000000001")

INSERT_OWNER: TextClause = text(
    "INSERT INTO users (id, email, full_name, role, language, timezone, plan, subscription_status, is_active) "
    "VALUES (:id, :email, 'Bench', 'CLIENT', 'en', 'UTC', 'TRIAL', 'trialing', true)"
)
INSERT_COMPANY: TextClause = text(
    "INSERT INTO companies (id, company_id, owner_id, name, company_type, timezone, language, status, tenant_schema, "
    "channels, total_messages, type1_count, type2_count, type2_unpaid, type3_count, type3_paid) "
    "VALUES (:id, :company_id, :owner, 'Bench', 'Product', 'UTC', 'en', 'ACTIVE', :schema, '{}', 0, 0, 0, 0, 0, 0)"
)
