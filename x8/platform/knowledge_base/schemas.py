from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, HttpUrl, UrlConstraints

WebUrl = Annotated[HttpUrl, UrlConstraints(max_length=2000)]


class KnowledgeBaseOut(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    name: str
    kind: str
    row_count: int
    source_filename: str | None
    last_import_at: datetime | None
    created_at: datetime
    updated_at: datetime


class KnowledgeBaseList(BaseModel):
    items: list[KnowledgeBaseOut]
    total: int


class RowErrorOut(BaseModel):
    row: int = Field(description="Line in the file; the header is line 1")
    column: str
    message: str


class UploadResult(BaseModel):
    kb_id: uuid.UUID
    mode: Literal["replace", "append"]
    rows_total: int
    rows_imported: int
    rows_rejected: int
    errors: list[RowErrorOut]
    columns_mapped: dict[str, str]
    updated_skus: list[str] = Field(description="Append mode: SKUs already in the KB, updated in place")
    encoding: str | None
    delimiter: str | None


class KbRowIn(BaseModel):
    """A KB row as the dashboard or an API client edits it. Exact values are stored as given."""

    name: str = Field(min_length=1, max_length=500)
    description: str = Field(min_length=1, max_length=10_000)
    sku: str | None = Field(None, max_length=100)
    price: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    category: str | None = Field(None, max_length=200)
    unit: str | None = Field(None, max_length=50)
    stock: int | None = Field(None, ge=0, le=2_000_000_000)
    website: WebUrl | None = None
    tags: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    images: list[WebUrl] = Field(default_factory=list, max_length=20)
    duration_minutes: int | None = Field(None, gt=0, le=100_000)
    format: Literal["online", "offline"] | None = None
    location: str | None = Field(None, max_length=500)
    extra: dict[str, Annotated[str, Field(max_length=2000)]] = Field(default_factory=dict, max_length=100)


class KbRowPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=500)
    description: str | None = Field(None, min_length=1, max_length=10_000)
    sku: str | None = Field(None, max_length=100)
    price: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    category: str | None = Field(None, max_length=200)
    unit: str | None = Field(None, max_length=50)
    stock: int | None = Field(None, ge=0, le=2_000_000_000)
    website: WebUrl | None = None
    tags: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=50)
    images: list[WebUrl] | None = Field(None, max_length=20)
    duration_minutes: int | None = Field(None, gt=0, le=100_000)
    format: Literal["online", "offline"] | None = None
    location: str | None = Field(None, max_length=500)
    extra: dict[str, Annotated[str, Field(max_length=2000)]] | None = Field(None, max_length=100)


class KbRowOut(BaseModel):
    id: uuid.UUID
    position: int
    name: str
    description: str
    sku: str | None
    price: str | None
    currency: str | None
    category: str | None
    unit: str | None
    stock: int | None
    website: str | None
    tags: list[str]
    images: list[str]
    duration_minutes: int | None
    format: str | None
    location: str | None
    extra: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class KbRows(BaseModel):
    kb: KnowledgeBaseOut
    items: list[KbRowOut]
    total: int


class SearchHit(BaseModel):
    row: KbRowOut
    score: float = Field(description="Relative to this search's other hits only; higher is better")
    match: Literal["all", "some", "similar"] = Field(
        "all", description="all: every word of the query; some: only some of them; similar: by meaning (embeddings)"
    )


class SearchResults(BaseModel):
    results: list[SearchHit]
