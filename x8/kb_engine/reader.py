"""Reading an uploaded catalogue: CSV (encoding and delimiter detected) or XLSX (zip-bomb guarded).

Rows are yielded one at a time so a large file never sits in memory as a table.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
DELIMITERS = (",", ";", "\t")
SAMPLE = 64 * 1024


class UnreadableFile(Exception):
    """The file cannot be read as a catalogue; the message says why, for the person who uploaded it."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[list[str]]
    encoding: str | None = None
    delimiter: str | None = None


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample[:4096]:
        raise UnreadableFile("This does not look like a text CSV file (it contains binary data).")
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a multi-byte character cut by the sample's end
            return "utf-8"
    # Not UTF-8: a legacy 8-bit encoding. Cyrillic text (cp1251) comes in whole words of high bytes;
    # Western text (latin-1) has single accented letters inside otherwise ASCII words.
    high = [i for i, byte in enumerate(sample) if byte >= 0x80]
    if not high:
        return "utf-8"
    in_runs = sum(
        1 for i in high if (i > 0 and sample[i - 1] >= 0x80) or (i + 1 < len(sample) and sample[i + 1] >= 0x80)
    )
    return "cp1251" if in_runs >= 0.6 * len(high) else "latin-1"


def detect_delimiter(text_sample: str) -> str:
    first_line = text_sample.splitlines()[0] if text_sample else ""
    try:
        return csv.Sniffer().sniff(text_sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = {d: first_line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(stream: IO[bytes]) -> Table:
    sample = stream.read(SAMPLE)
    if not sample.strip():
        raise UnreadableFile("The file is empty.")
    encoding = detect_encoding(sample)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    try:
        head = text.read(SAMPLE)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"The file is not valid {encoding} text.") from exc
    delimiter = detect_delimiter(head)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration as exc:
        raise UnreadableFile("The file has no header row.") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"The header row cannot be read: {exc}") from exc
    if not any(h.strip() for h in headers):
        raise UnreadableFile("The first row is empty: it must hold the column names.")

    def rows() -> Iterator[list[str]]:
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"Line {reader.line_num + 1} is not valid {encoding} text.") from exc
        except csv.Error as exc:
            raise UnreadableFile(f"Line {reader.line_num}: {exc}") from exc

    return Table(headers=headers, rows=rows(), encoding=encoding, delimiter=delimiter)


def _guard_zip(stream: IO[bytes]) -> None:
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("This is not a real .xlsx file (it is not a zip archive).") from exc
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UnreadableFile("This is not a real .xlsx file (no workbook inside).")
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
            raise UnreadableFile("This .xlsx expands to far more data than it holds; it was refused as unsafe.")
    stream.seek(0)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(stream: IO[bytes]) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _guard_zip(stream)
    try:
        # Formulas are read as their text, never evaluated: "=1+1" stays "=1+1".
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableFile("This .xlsx file is damaged or not a workbook.") from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise UnreadableFile("The workbook has no sheets.")
    iterator = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell(v) for v in next(iterator)]
    except StopIteration as exc:
        raise UnreadableFile("The sheet is empty: the first row must hold the column names.") from exc
    if not any(h.strip() for h in headers):
        raise UnreadableFile("The first row is empty: it must hold the column names.")

    def rows() -> Iterator[list[str]]:
        for values in iterator:
            yield [_cell(v) for v in values]
        workbook.close()

    return Table(headers=headers, rows=rows())


def read_table(stream: IO[bytes], filename: str) -> Table:
    """Pick the reader from the extension (the name is only looked at, never used as a path)."""
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        return read_xlsx(stream)
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return read_csv(stream)
    raise UnreadableFile("Upload a .csv or .xlsx file.")
