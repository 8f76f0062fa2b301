"""Parsing an upload into batches of items plus a row-level error report, off the event loop.

``ParsedFile`` is consumed batch by batch (``next_batch`` runs in a worker thread), so a 100k-row file is
never held in memory whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import IO

from x8.kb_engine.columns import REQUIRED, map_headers
from x8.kb_engine.reader import Table, UnreadableFile, read_table
from x8.kb_engine.rows import KbItem, RowError, RowParser
from x8.kit.i18n import msg

BATCH_ROWS = 5000
# A batch also ends once its rows hold this much text (each cell counted 50 more for the objects around it): an
# .xlsx cell that refers to a shared string is a few bytes of XML however long the string, so rows alone do not
# bound what a batch, and the COPY records made from it, hold (SPEC R-R7).
BATCH_CHARS = 4_000_000
MAX_REPORTED_ERRORS = 500
MAX_ROWS = 200_000


@dataclass
class ParsedFile:
    table: Table
    columns_mapped: dict[str, str]
    parser: RowParser
    rows_total: int = 0
    rows_rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    _line: int = 1

    def next_batch(self) -> list[tuple[int, KbItem]]:
        batch: list[tuple[int, KbItem]] = []
        chars = 0
        for cells in self.table.rows:
            self._line += 1
            result = self.parser.parse(self._line, cells)
            if result is None:
                continue
            self.rows_total += 1
            if self.rows_total > MAX_ROWS:
                raise UnreadableFile(
                    msg("The file has more than {limit:,} rows; split it into smaller files.", limit=MAX_ROWS)
                )
            if isinstance(result, list):
                self.rows_rejected += 1
                room = MAX_REPORTED_ERRORS - len(self.errors)
                self.errors += result[: max(room, 0)]
                continue
            batch.append((self._line, result))
            chars += sum(len(cell) + 50 for cell in cells if cell)
            if len(batch) >= BATCH_ROWS or chars >= BATCH_CHARS:
                break
        return batch


def open_upload(stream: IO[bytes], filename: str) -> ParsedFile:
    """Read the header and check the required columns; rows are parsed later, batch by batch."""
    table = read_table(stream, filename)
    known, extra = map_headers(table.headers)
    missing = [f for f in REQUIRED if f not in known.values()]
    if missing:
        found = ", ".join(repr(h) for h in table.headers if h.strip()) or msg("none")
        if len(missing) == 1:
            raise UnreadableFile(
                msg(
                    "The file has no {column} column. Found columns: {found}. "
                    "Download a template to see the expected columns.",
                    column=missing[0],
                    found=found,
                )
            )
        raise UnreadableFile(  # REQUIRED names two columns
            msg(
                "The file has no {first} and no {second} column. Found columns: {found}. "
                "Download a template to see the expected columns.",
                first=missing[0],
                second=missing[1],
                found=found,
            )
        )
    mapped = {table.headers[i]: f for i, f in known.items()}
    mapped.update({table.headers[i]: f"extra.{key}" for i, key in extra.items()})
    return ParsedFile(table=table, columns_mapped=mapped, parser=RowParser(table.headers, known, extra))


def batches(parsed: ParsedFile) -> Iterator[list[tuple[int, KbItem]]]:
    while batch := parsed.next_batch():
        yield batch


async def stream_batches(parsed: ParsedFile) -> AsyncIterator[list[tuple[int, KbItem]]]:
    """Batches parsed in a worker thread, one ahead: the next batch is parsed while the caller stores this one."""
    pending = asyncio.ensure_future(asyncio.to_thread(parsed.next_batch))
    try:
        while batch := await pending:
            pending = asyncio.ensure_future(asyncio.to_thread(parsed.next_batch))
            yield batch
    finally:
        if not pending.done():
            pending.cancel()
