"""Paging parameters shared by every list endpoint (``limit``/``offset``, SPEC.md §3)."""

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 10_000_000  # far past any real list; keeps values inside PostgreSQL's bigint

Limit = Annotated[int, Query(ge=1, le=200, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]
