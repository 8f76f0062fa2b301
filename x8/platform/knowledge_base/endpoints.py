"""Knowledge-base API (SPEC.md §6): upload, list, rows, search, templates, export.

Access is decided by the scope dependencies (the company must be visible; writes need an editor), then the work
runs in the company's tenant session. Embedding runs are queued after the request commits.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import ValidationError

from x8.kb_engine import store
from x8.kb_engine.importer import open_upload, stream_batches
from x8.kb_engine.reader import UnreadableFile
from x8.kb_engine.rows import KbItem, RowError
from x8.kb_engine.templates import template_csv
from x8.kit.clock import utcnow
from x8.kit.db import SessionDep, after_commit
from x8.kit.deps import SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, X8Error, error_responses
from x8.kit.i18n import Language, language_of, msg
from x8.kit.i18n.validation import validation_problems
from x8.kit.pagination import Limit, Offset
from x8.platform.audit.service import audit
from x8.platform.companies.scope import EditableCompanyForm, VisibleCompany
from x8.platform.knowledge_base import repository, service
from x8.platform.knowledge_base.models import KnowledgeBase
from x8.platform.knowledge_base.schemas import (
    KbRowIn,
    KbRowOut,
    KbRowPatch,
    KbRows,
    KnowledgeBaseList,
    KnowledgeBaseOut,
    RowErrorOut,
    SearchResults,
    UploadResult,
)
from x8.platform.knowledge_base.scope import EditableKb, VisibleKb
from x8.platform.knowledge_base.tasks import schedule_embeddings
from x8.settings import Settings
from x8.tenancy.session import TenantSession

router = APIRouter(prefix="/api/v1/knowledge-base", tags=["knowledge-base"])


class PayloadTooLarge(X8Error):
    status_code = 413
    error_type = "PayloadTooLarge"


def _out(kb: KnowledgeBase) -> KnowledgeBaseOut:
    return KnowledgeBaseOut.model_validate(kb, from_attributes=True)


def _row_error(error: RowError, language: Language) -> RowErrorOut:
    return RowErrorOut(row=error.row, column=error.column, message=error.message.render(language))


def _embed_after_commit(session: SessionDep, settings: Settings, company_id: uuid.UUID) -> None:
    async def schedule() -> None:
        await schedule_embeddings(settings, company_id)

    after_commit(session, schedule)


@router.post(
    "/upload-csv",
    response_model=UploadResult,
    responses=error_responses(BadRequest, NotFound, Forbidden, PayloadTooLarge),
)
async def upload(
    request: Request,
    company: EditableCompanyForm,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description=".csv or .xlsx catalogue")],
    mode: Annotated[Literal["replace", "append"], Form()] = "replace",
    kb_id: Annotated[uuid.UUID | None, Form()] = None,
) -> UploadResult:
    """Import a catalogue. Good rows go in; bad rows are reported with row and column. All in one transaction:
    in ``replace`` mode a failed import leaves the previous rows untouched."""
    size = file.size if file.size is not None else 0
    if size > settings.kb_max_bytes:
        raise PayloadTooLarge(
            msg(
                "The file is {size:.1f} MB; the limit is {limit:.0f} MB.",
                size=size / 1e6,
                limit=settings.kb_max_bytes / 1e6,
            )
        )
    if kb_id is None:
        kb_id = await service.ensure_default_kb(company.db, company.company)
    kb = await repository.get(session, kb_id)
    if kb is None or kb.company_id != company.id:
        raise NotFound(msg("Knowledge base not found."))
    try:
        parsed = await asyncio.to_thread(open_upload, file.file, file.filename or "")
        async with company.tenant() as ts:
            stats = await store.import_items(
                ts, kb.id, stream_batches(parsed), language=company.company.language, replace=mode == "replace"
            )
            kb.row_count = await store.count_items(ts, kb.id)
    except UnreadableFile as exc:
        raise BadRequest(exc.message) from exc
    except store.NothingToImport as exc:
        raise BadRequest(
            msg(
                "None of the {rows} rows could be imported, so the knowledge base was not changed.",
                rows=parsed.rows_total,
            )
            if parsed.rows_total
            else msg("The file has a header but no rows."),
            errors=[e.__dict__ for e in parsed.errors],
        ) from exc
    kb.source_filename = (file.filename or "")[:255]
    kb.last_import_at = utcnow()
    _embed_after_commit(session, settings, company.id)
    await audit(
        session,
        request,
        company.user.id,
        "kb.imported",
        ("knowledge_base", kb.id),
        {"mode": mode, "rows_imported": stats.imported, "rows_rejected": parsed.rows_rejected},
    )
    return UploadResult(
        kb_id=kb.id,
        mode=mode,
        rows_total=parsed.rows_total,
        rows_imported=stats.imported,
        rows_rejected=parsed.rows_rejected,
        errors=[_row_error(e, language_of(request)) for e in parsed.errors],
        columns_mapped=parsed.columns_mapped,
        updated_skus=stats.updated_skus,
        encoding=parsed.table.encoding,
        delimiter=parsed.table.delimiter,
    )


@router.get("/list", response_model=KnowledgeBaseList, responses=error_responses(NotFound))
async def list_kbs(company: VisibleCompany, session: SessionDep) -> KnowledgeBaseList:
    rows = await repository.of_company(session, company.id)
    return KnowledgeBaseList(items=[_out(k) for k in rows], total=len(rows))


@router.get("/search", response_model=SearchResults, responses=error_responses(NotFound))
async def search(
    company: VisibleCompany,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Hybrid search over the company's KBs, best first. Prices and durations come from the rows."""
    # A plain dict: FastAPI validates it against the response model once (a model returned is validated twice).
    return {"results": await service.search(company, settings, q, limit=limit)}


@router.get("/templates/{kind}", responses={200: {"content": {"text/csv": {}}}})
async def template(kind: Literal["product", "service"]) -> Response:
    """A CSV template with the expected columns and two example rows."""
    return Response(
        template_csv(kind),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="x8-{kind}-template.csv"'},
    )


@router.get("/{kb_id:uuid}", response_model=KbRows, responses=error_responses(NotFound))
async def get_rows(
    scope: VisibleKb,
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=200, description="Filter by name or SKU")] = None,
) -> KbRows:
    kb = scope.kb
    async with scope.company.tenant() as ts:
        items = await store.list_items(ts, kb.id, limit=limit, offset=offset, q=q)
        total = await store.count_items(ts, kb.id, q)
    return KbRows(kb=_out(kb), items=[KbRowOut.model_validate(i) for i in items], total=total)


@router.get("/{kb_id:uuid}/export", responses={200: {"content": {"text/csv": {}}}, **error_responses(NotFound)})
async def export(scope: VisibleKb) -> Response:
    """The KB as CSV; cells that a spreadsheet would run as formulas are escaped with a leading apostrophe."""
    kb = scope.kb
    async with scope.company.tenant() as ts:
        body = await store.export_csv(ts, kb.id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="knowledge-base-{kb.id}.csv"'},
    )


@router.delete("/{kb_id:uuid}", status_code=204, responses=error_responses(NotFound, Forbidden))
async def delete_kb(scope: EditableKb, request: Request, session: SessionDep) -> Response:
    kb = scope.kb
    async with scope.company.tenant() as ts:
        await store.delete_kb_items(ts, kb.id)
    await session.delete(kb)
    await audit(session, request, scope.company.user.id, "kb.deleted", ("knowledge_base", kb.id))
    return Response(status_code=204)


def _item(body: KbRowIn) -> KbItem:
    data = body.model_dump()
    data["website"] = str(body.website) if body.website else None
    data["images"] = [str(u) for u in body.images]
    return KbItem(**data)


@router.post(
    "/{kb_id:uuid}/rows", response_model=KbRowOut, status_code=201, responses=error_responses(NotFound, BadRequest)
)
async def add_row(scope: EditableKb, body: KbRowIn, session: SessionDep, settings: SettingsDep) -> KbRowOut:
    kb, company = scope.kb, scope.company
    async with company.tenant() as ts:
        await _refuse_duplicate_sku(ts, kb.id, body.sku, None)
        row_id = await store.add_item(ts, kb.id, _item(body), language=company.company.language)
        row = await store.get_item(ts, kb.id, row_id)
        kb.row_count = await store.count_items(ts, kb.id)
    _embed_after_commit(session, settings, company.id)
    return KbRowOut.model_validate(row)


async def _refuse_duplicate_sku(ts: TenantSession, kb_id: uuid.UUID, sku: str | None, row_id: uuid.UUID | None) -> None:
    owner = await store.sku_owner(ts, kb_id, sku) if sku else None
    if owner is not None and owner != row_id:
        raise BadRequest(msg("Another row already has the SKU {sku!r}.", sku=sku))


@router.patch("/{kb_id:uuid}/rows/{row_id}", response_model=KbRowOut, responses=error_responses(NotFound, BadRequest))
async def update_row(
    scope: EditableKb, row_id: uuid.UUID, body: KbRowPatch, session: SessionDep, settings: SettingsDep
) -> KbRowOut:
    kb, company = scope.kb, scope.company
    async with company.tenant() as ts:
        current = await store.get_item(ts, kb.id, row_id)
        if current is None:
            raise NotFound(msg("Row not found."))
        merged = {k: current.get(k) for k in KbRowIn.model_fields} | body.model_dump(exclude_unset=True)
        try:
            complete = KbRowIn.model_validate(merged)
        except ValidationError as exc:
            raise BadRequest(validation_problems(exc.errors())) from exc
        await _refuse_duplicate_sku(ts, kb.id, complete.sku, row_id)
        await store.update_item(ts, kb.id, row_id, _item(complete), language=company.company.language)
        row = await store.get_item(ts, kb.id, row_id)
    _embed_after_commit(session, settings, company.id)
    return KbRowOut.model_validate(row)


@router.delete("/{kb_id:uuid}/rows/{row_id}", status_code=204, responses=error_responses(NotFound))
async def delete_row(scope: EditableKb, row_id: uuid.UUID) -> Response:
    kb = scope.kb
    async with scope.company.tenant() as ts:
        if not await store.delete_item(ts, kb.id, row_id):
            raise NotFound(msg("Row not found."))
        kb.row_count = await store.count_items(ts, kb.id)
    return Response(status_code=204)
