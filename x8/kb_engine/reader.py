"""Reading an uploaded catalogue: CSV (encoding and delimiter detected) or XLSX (zip-bomb guarded).

Rows are yielded one at a time so a large file never sits in memory as a table.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
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


# A byte-order mark settles the encoding. Excel's "Unicode text" export is UTF-16 LE with a BOM (tab-separated);
# UTF-32's marks come first because UTF-32 LE's starts with UTF-16 LE's. The codecs named here drop the mark.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A "word" for telling 8-bit encodings apart: ASCII letters and digits and every byte >= 0x80 (letters and
# punctuation alike); ASCII punctuation, spaces and the delimiters separate words.
_WORD = re.compile(rb"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
_ASCII_LETTER = re.compile(rb"[A-Za-z]")
_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")  # where cp1252 has € “ ” – — and latin-1 only control characters
# Control characters that text never holds (tab, line breaks, vertical tab and form feed are allowed).
_CONTROL = bytes([*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F])


def detect_encoding(sample: bytes, *, complete: bool = True) -> str:
    """The encoding of a CSV from its first bytes; ``complete`` says the sample is the whole file."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if b"\x00" in sample[:4096] or (controls > 8 and controls > len(sample) // 100):
        raise UnreadableFile("This does not look like a text CSV file (it contains binary data).")
    try:
        # A sample cut inside a multi-byte character is still UTF-8; a whole file ending in half of one is not.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy_encoding(sample)


def _legacy_encoding(sample: bytes) -> str:
    """Not UTF-8: a Windows 8-bit encoding, cp1251 (Cyrillic) or cp1252/latin-1 (Western).

    Every Cyrillic letter is a byte >= 0x80, so Cyrillic words are runs of them; a Western word is ASCII letters with
    an accented one here and there. Each word holding such bytes votes: with an ASCII letter for Western, with two or
    more of them and no ASCII letter for Cyrillic; a lone symbol (°, №, ±, a dash) does not vote. Words, not bytes,
    are counted so that English headers and names around Russian descriptions do not outvote them.
    """
    western = cyrillic = 0
    for word in _WORD.findall(sample):
        high = sum(1 for byte in word if byte >= 0x80)
        if not high:
            continue
        if _ASCII_LETTER.search(word):
            western += 1
        elif high >= 2:
            cyrillic += 1
    if cyrillic > western:
        return "cp1251"
    # cp1252 and latin-1 differ only in 0x80-0x9F; name latin-1 unless those bytes are there and valid cp1252.
    if _CP1252_ONLY.search(sample):
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


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
    encoding = detect_encoding(sample, complete=len(sample) < SAMPLE)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    try:
        head = text.read(SAMPLE)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"The file is not valid {encoding} text.") from exc
    if not head.strip():  # only a byte-order mark and blanks
        raise UnreadableFile("The file is empty.")
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
