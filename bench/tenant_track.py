"""A throwaway copy of the tenant track with one more revision (adds ``contacts.notes``).

Used by the benchmarks and the runner tests to rehearse a real migration run without touching the
repository's track.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from x8.tenancy import track

EXTRA_REVISION = '''"""Rehearsal revision: contacts get a notes column.

Revision ID: t9001
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "t9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contacts", sa.Column("notes", sa.Text()))
    {extra}


def downgrade() -> None:
    op.drop_column("contacts", "notes")
'''


def rehearsal_track(directory: Path, *, sleep_seconds: float = 0) -> str:
    location = directory / "tenant_track"
    shutil.copytree(track.DEFAULT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__"))
    head = track.head(track.script_directory())
    extra = f'op.execute("SELECT pg_sleep({sleep_seconds})")' if sleep_seconds else "pass"
    (location / "versions" / "t9001_rehearsal_notes.py").write_text(EXTRA_REVISION.format(head=head, extra=extra))
    return str(location)
