"""Reading an uploaded catalogue: CSV (encoding and delimiter detected) or XLSX (zip-bomb guarded).

Rows are yielded one at a time so a large file never sits in memory as a table. An .xlsx is read so that what it
makes the server unpack and hold is bounded whatever its compression ratio (SPEC R-R3, R-R7): see ``read_xlsx``.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import sys
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, cast
from xml.parsers import expat

from x8.kit.i18n import Message, UserFacingError, msg

if TYPE_CHECKING:
    from openpyxl.worksheet._reader import WorkSheetParser

MB = 1024 * 1024
# What an .xlsx may make the server unpack, parse and hold. Every member is checked against its limit as the zip
# declares it before it is opened, and counted again as it is unpacked (a forged header gains nothing). Only three
# parts are big: the first worksheet and the shared strings are streamed, the styles are streamed for their number
# formats; openpyxl parses only the small ones whole (content types, workbook, relationships).
MAX_XLSX_UNCOMPRESSED = 200 * MB  # every member together, as declared
MAX_XLSX_RATIO = 100  # a first, cheap refusal; the limits below are what bound the work
MAX_XLSX_MEMBERS = 10_000
MAX_SHEET_BYTES = 160 * MB  # the first worksheet's XML: streamed row by row, so this bounds time, not memory
MAX_SHARED_STRINGS_BYTES = 100 * MB  # sharedStrings.xml, streamed
MAX_SHARED_STRINGS_MEMORY = 64 * MB  # what the shared strings may take in memory once read (they are all kept)
MAX_STYLES_BYTES = 16 * MB  # styles.xml, streamed: only each style's number format is kept (dates)
MAX_PART_BYTES = 1 * MB  # any other part that is read; openpyxl parses these whole (~35× their size)
MAX_STYLES = 65_536  # cell styles and number formats (Excel allows about 64,000)
MAX_XLSX_COLUMNS = 1_000  # data beyond this column is refused
MAX_XLSX_ROW = 1_048_576  # Excel's last row
MAX_ROW_CELLS = 16_384  # cells in one row, empty ones included (Excel's last column)
MAX_ROW_CHARS = 1_000_000  # text in one row
MAX_CELL_CHARS = 100_000  # text in one cell or shared string (Excel allows 32,767), attributes included
MAX_CELL_ELEMENTS = 4_096  # XML elements in one cell or shared string (rich-text runs)
MAX_SHARED_FORMULA_CHARS = 200_000  # text of the shared formulas openpyxl keeps to translate the cells that use them
MAX_XML_DEPTH = 64
MAX_XML_TOKEN = 1 * MB  # longest tag or text between two tags, so the XML parser never buffers more
XLSX_CHUNK = 64 * 1024
DELIMITERS = (",", ";", "\t")
SAMPLE = 64 * 1024


class UnreadableFile(UserFacingError):
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
        raise UnreadableFile(msg("This does not look like a text CSV file (it contains binary data)."))
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
        raise UnreadableFile(msg("The file is empty."))
    encoding = detect_encoding(sample, complete=len(sample) < SAMPLE)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    try:
        head = text.read(SAMPLE)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(msg("The file is not valid {encoding} text.", encoding=encoding)) from exc
    if not head.strip():  # only a byte-order mark and blanks
        raise UnreadableFile(msg("The file is empty."))
    delimiter = detect_delimiter(head)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration as exc:
        raise UnreadableFile(msg("The file has no header row.")) from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(msg("The header row cannot be read: {reason}", reason=str(exc))) from exc
    if not any(h.strip() for h in headers):
        raise UnreadableFile(msg("The first row is empty: it must hold the column names."))

    def rows() -> Iterator[list[str]]:
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            bad = msg("Line {line} is not valid {encoding} text.", line=reader.line_num + 1, encoding=encoding)
            raise UnreadableFile(bad) from exc
        except csv.Error as exc:
            raise UnreadableFile(msg("Line {line}: {reason}", line=reader.line_num, reason=str(exc))) from exc

    return Table(headers=headers, rows=rows(), encoding=encoding, delimiter=delimiter)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA, _ROW, _DIMENSION, _FORMULA = f"{_MAIN}sheetData", f"{_MAIN}row", f"{_MAIN}dimension", f"{_MAIN}f"
_SHARED_STRING, _NUM_FMTS, _NUM_FMT = f"{_MAIN}si", f"{_MAIN}numFmts", f"{_MAIN}numFmt"
_CELL_XFS, _XF = f"{_MAIN}cellXfs", f"{_MAIN}xf"
_STYLES_PART = "xl/styles.xml"
_DAMAGED = msg("This .xlsx file is damaged or not a workbook.")
# openpyxl warns once per cell whose date is out of range, and the warnings registry keeps every such message.
warnings.filterwarnings("ignore", message=r"Cell .* is marked as a date", category=UserWarning)


def _too_big(what: Message, limit: int) -> UnreadableFile:
    return UnreadableFile(
        msg(
            "{what} expands to more than {megabytes} MB when unpacked, so the file was refused as unsafe. "
            "Split it into smaller files or save it as CSV.",
            what=what,
            megabytes=limit // MB,
        )
    )


def _open_archive(stream: IO[bytes]) -> _Archive:
    try:
        archive = _Archive(stream)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(msg("This is not a real .xlsx file (it is not a zip archive).")) from exc
    try:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UnreadableFile(msg("This is not a real .xlsx file (no workbook inside)."))
        if len(infos) > MAX_XLSX_MEMBERS:  # zipfile has read the directory: ~100 bytes a member, as uploaded
            raise UnreadableFile(
                msg("This .xlsx holds more than {limit:,} parts; it was refused as unsafe.", limit=MAX_XLSX_MEMBERS)
            )
        if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or i.flag_bits & 0x1 for i in infos):
            raise UnreadableFile(
                msg(
                    "This .xlsx file is damaged or not a workbook (it is encrypted or compressed in a way Excel "
                    "never uses)."
                )
            )
        total = sum(i.file_size for i in infos)
        if total > MAX_XLSX_UNCOMPRESSED:
            raise _too_big(msg("The spreadsheet"), MAX_XLSX_UNCOMPRESSED)
        if total / (sum(i.compress_size for i in infos) or 1) > MAX_XLSX_RATIO:
            raise UnreadableFile(msg("This .xlsx expands to far more data than it holds; it was refused as unsafe."))
    except BaseException:
        archive.close()
        raise
    return archive


class _Archive(zipfile.ZipFile):
    """The upload's zip. ``read`` is what openpyxl uses for the small parts it parses whole; it is bounded."""

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        return b"".join(_chunks(self, name, MAX_PART_BYTES, msg("A part of the spreadsheet"), markup=False))


def _chunks(
    archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int, what: Message, *, markup: bool = True
) -> Iterator[bytes]:
    """A member's bytes as they are unpacked, never more than ``limit`` of them whatever the zip declares.

    With ``markup``, what would make the XML parser buffer without bound is refused as it comes: a tag or text longer
    than MAX_XML_TOKEN, and ``<!`` or ``<?`` after the XML declaration (DOCTYPE, comments, CDATA, processing
    instructions: never in a spreadsheet, and the only places a ``<`` may stand without starting a tag).
    """
    info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)  # KeyError: openpyxl expects it
    if info.file_size > limit:
        raise _too_big(what, limit)
    total = run = 0
    previous = b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(XLSX_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise _too_big(what, limit)
                if markup:
                    window = previous + chunk
                    declaration = 0 if previous else (4 if chunk.startswith(codecs.BOM_UTF8) else 1)
                    first = chunk.find(b"<")
                    if b"<!" in window or window.find(b"<?", declaration) >= 0 or run + max(first, 0) > MAX_XML_TOKEN:
                        raise UnreadableFile(_DAMAGED)
                    run = run + len(chunk) if first < 0 else len(chunk) - chunk.rfind(b"<") - 1
                    if run > MAX_XML_TOKEN:
                        raise UnreadableFile(_DAMAGED)
                    previous = chunk[-1:]
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        raise UnreadableFile(_DAMAGED) from exc


@functools.lru_cache(maxsize=512)
def _clark(name: str) -> str:
    """Expat's "uri local" as ElementTree's "{uri}local"."""
    uri, space, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if space else name


class _Xml:
    """Expat handlers for one part, streamed. The subtree of each element ``wanted`` is built as ElementTree elements
    (what openpyxl's own readers take), bounded in elements and characters, and handed to ``done``; the elements
    around them are only seen (``opened``/``closed``, with ``path`` leading to them) and nothing else is kept."""

    def __init__(self) -> None:
        self.path: list[str] = []
        self.subtree: list[ET.Element] = []
        self.elements = self.chars = 0

    def wanted(self, tag: str) -> bool:
        return False

    def done(self, element: ET.Element) -> None:
        """One wanted subtree, complete."""

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        """An element outside the wanted subtrees; ``path`` ends with it."""

    def closed(self, tag: str) -> None:
        """The end of an element outside the wanted subtrees; ``path`` still ends with it."""

    def too_long(self) -> UnreadableFile:
        return UnreadableFile(
            msg("A cell of the spreadsheet holds more than {limit:,} characters.", limit=MAX_CELL_CHARS)
        )

    def feed(self, chunks: Iterator[bytes]) -> Iterator[None]:
        """Parse the chunks, pausing after each one so that the caller can take what the handlers found."""
        parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        try:
            for chunk in chunks:
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise UnreadableFile(_DAMAGED) from exc
        yield

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _clark(name)
        if self.subtree:
            self.elements += 1
            if self.elements > MAX_CELL_ELEMENTS:
                raise self.too_long()
            if len(self.subtree) > MAX_XML_DEPTH:
                raise UnreadableFile(_DAMAGED)
            self.subtree.append(ET.SubElement(self.subtree[-1], tag, self._attrs(attrs)))
        elif self.wanted(tag):
            self.elements, self.chars = 1, 0
            self.subtree.append(ET.Element(tag, self._attrs(attrs)))
        else:
            self.path.append(tag)
            if len(self.path) > MAX_XML_DEPTH:
                raise UnreadableFile(_DAMAGED)
            self.opened(tag, attrs)

    def _attrs(self, attrs: dict[str, str]) -> dict[str, str]:
        self.chars += sum(len(key) + len(value) for key, value in attrs.items())
        if self.chars > MAX_CELL_CHARS:
            raise self.too_long()
        return {_clark(key): value for key, value in attrs.items()}

    def _end(self, name: str) -> None:
        if self.subtree:
            element = self.subtree.pop()
            if not self.subtree:
                self.done(element)
        else:
            self.closed(self.path[-1])
            self.path.pop()

    def _text(self, data: str) -> None:
        if not self.subtree:
            return
        self.chars += len(data)
        if self.chars > MAX_CELL_CHARS:
            raise self.too_long()
        parent = self.subtree[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


class _SharedStrings(_Xml):
    """sharedStrings.xml into a list, as openpyxl reads it, within MAX_SHARED_STRINGS_MEMORY."""

    def __init__(self, content: Callable[[ET.Element], str]) -> None:
        super().__init__()
        self.content = content
        self.strings: list[str] = []
        self.memory = 0

    def wanted(self, tag: str) -> bool:
        return tag == _SHARED_STRING

    def done(self, element: ET.Element) -> None:
        text = self.content(element).replace("x005F_", "")
        self.memory += sys.getsizeof(text) + 8
        if self.memory > MAX_SHARED_STRINGS_MEMORY:
            raise _too_big(msg("The spreadsheet's text"), MAX_SHARED_STRINGS_MEMORY)
        self.strings.append(text)


class _Styles(_Xml):
    """From styles.xml only what reading values needs: which cell styles show dates or durations."""

    def __init__(self) -> None:
        super().__init__()
        self.custom: dict[int, str] = {}
        self.formats = array("q")  # the number format of each cell style, in order

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        parent = self.path[-2] if len(self.path) > 1 else ""
        if tag == _XF and parent == _CELL_XFS:
            self.formats.append(int(attrs.get("numFmtId", 0)))
        elif tag == _NUM_FMT and parent == _NUM_FMTS:
            self.custom[int(attrs["numFmtId"])] = attrs["formatCode"]
        else:
            return
        if len(self.formats) > MAX_STYLES or len(self.custom) > MAX_STYLES:
            raise UnreadableFile(
                msg("This .xlsx has more than {limit:,} cell styles; it was refused as unsafe.", limit=MAX_STYLES)
            )

    def kinds(self) -> tuple[set[int], set[int]]:
        """The cell styles that are dates and those that are durations (openpyxl's ``_normalise_numbers``)."""
        from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

        dates: set[int] = set()
        durations: set[int] = set()
        for index, format_id in enumerate(self.formats):
            code = self.custom[format_id] if format_id in self.custom else builtin_format_code(format_id)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations


class _Sheet(_Xml):
    """The first worksheet, row by row, as openpyxl's read-only worksheet gives it with ``values_only``.

    The sheet's ``<dimension>`` is honoured as openpyxl does (cells right of it and rows below it are not read) and a
    missing row is an empty one, so line numbers hold; rows are not padded to the dimension's width (a blank cell
    and no cell read the same), which keeps a dimension of A1:XFD1048576 from costing anything.
    """

    def __init__(self, cells: WorkSheetParser) -> None:
        super().__init__()
        self.cells = cells  # openpyxl's parser, for its reading of one cell: types, dates, formulas as text
        self.max_col: int | None = None
        self.max_row: int | None = None
        self.in_data = self.finished = False
        self.row: dict[int, str] | None = None  # the row being read: text by column
        self.number = 0  # its number
        self.last_col = self.row_cells = self.row_chars = self.formula_chars = 0
        self.counter = 1  # the next row number to hand over
        self.pending: list[tuple[dict[int, str], int] | int] = []  # rows (text by column, width), runs of empty rows

    def rows(self, chunks: Iterator[bytes]) -> Iterator[list[str]]:
        for _ in self.feed(chunks):
            pending, self.pending = self.pending, []
            for item in pending:
                if isinstance(item, int):
                    for _ in range(item):
                        yield []
                else:
                    values, width = item
                    row = [""] * width
                    for column, value in values.items():
                        row[column - 1] = value
                    yield row
            if self.finished:
                return

    def wanted(self, tag: str) -> bool:
        return self.row is not None and not self.finished

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        if self.finished:
            return
        if tag == _ROW and self.in_data and len(self.path) == 3:
            self._start_row(attrs.get("r"))
        elif tag == _SHEET_DATA and len(self.path) == 2:
            self.in_data = True
        elif tag == _DIMENSION and len(self.path) == 2 and not self.in_data:
            from openpyxl.utils.cell import range_boundaries

            try:
                _, _, self.max_col, self.max_row = range_boundaries(attrs["ref"])
            except (KeyError, TypeError, ValueError) as exc:
                raise UnreadableFile(_DAMAGED) from exc

    def closed(self, tag: str) -> None:
        if tag == _ROW and self.row is not None:
            self._end_row(self.row)
            self.row = None
        elif tag == _SHEET_DATA and len(self.path) == 2:
            self.in_data = False

    def _start_row(self, r: str | None) -> None:
        try:  # as openpyxl's parse_row
            number = self.number + 1 if r is None else int(r)
        except ValueError:
            try:
                value = float(str(r))
            except ValueError:
                value = 0.5
            if not value.is_integer():  # nan and inf are not either
                raise UnreadableFile(
                    msg(
                        "This .xlsx file is damaged or not a workbook (a row has the number {number!r}).",
                        number=str(r)[:20],
                    )
                ) from None
            number = int(value)
        if self.max_row is not None and number > self.max_row:
            # openpyxl stops here and pads the rows up to the dimension's last one; only the first can matter
            self.finished = True
            if self.counter <= self.max_row:
                self.pending.append(1)
            return
        if number > MAX_XLSX_ROW:
            raise UnreadableFile(
                msg("This .xlsx file is damaged or not a workbook (a row is numbered past Excel's last row).")
            )
        self.number = self.cells.row_counter = number
        self.cells.col_counter = 0
        self.row = {}
        self.last_col = self.row_cells = self.row_chars = 0

    def done(self, element: ET.Element) -> None:
        if self.row is None:
            return
        self.row_cells += 1
        if self.row_cells > MAX_ROW_CELLS:
            raise UnreadableFile(msg("Row {row} has more than {limit:,} cells.", row=self.number, limit=MAX_ROW_CELLS))
        formula = element.find(_FORMULA)
        if (
            formula is not None
            and formula.get("t") == "shared"
            and formula.text
            and formula.get("si") not in self.cells.shared_formulae
        ):
            self.formula_chars += len(formula.text)
            if self.formula_chars > MAX_SHARED_FORMULA_CHARS:
                raise UnreadableFile(msg("The sheet has too many shared formulas; it was refused as unsafe."))
        try:
            cell = self.cells.parse_cell(element)
            column = int(cell["column"])
            value = None if cell["value"] is None else _cell(cell["value"])
        except Exception as exc:  # whatever openpyxl trips on in one cell, the file is damaged
            raise UnreadableFile(
                msg("This .xlsx file is damaged or not a workbook (row {row} cannot be read).", row=self.number)
            ) from exc
        self.last_col = column
        if value is None:
            self.row.pop(column, None)
            return
        self.row_chars += len(value)
        if self.row_chars > MAX_ROW_CHARS:
            raise UnreadableFile(
                msg("Row {row} holds more than {limit:,} characters.", row=self.number, limit=MAX_ROW_CHARS)
            )
        self.row[column] = value

    def _end_row(self, values: dict[int, str]) -> None:
        number = self.number
        if number > self.counter:
            self.pending.append(number - self.counter)
            self.counter = number
        if number < self.counter:  # a row out of order: openpyxl skips it
            return
        limit = self.max_col or self.last_col
        kept = {column: value for column, value in values.items() if 1 <= column <= limit}
        width = max(kept, default=0)
        if width > MAX_XLSX_COLUMNS:
            raise UnreadableFile(
                msg(
                    "Row {row} has data in column {column:,}; a catalogue may have at most {limit:,} columns.",
                    row=number,
                    column=width,
                    limit=MAX_XLSX_COLUMNS,
                )
            )
        self.pending.append((kept, width))
        self.counter += 1


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(stream: IO[bytes]) -> Table:
    """The first worksheet of an .xlsx, its rows streamed.

    The zip is checked first (members, compression, declared sizes and ratio); openpyxl then reads the workbook's
    structure from its small parts, and the styles, the shared strings and the sheet are streamed through expat
    within the limits above. The process holds at most the shared strings (MAX_SHARED_STRINGS_MEMORY), a few rows
    and small bookkeeping, whatever the file's compression ratio.
    """
    archive = _open_archive(stream)
    try:
        rows = _first_sheet_rows(archive)
        try:
            headers = next(rows)
        except StopIteration as exc:
            raise UnreadableFile(msg("The sheet is empty: the first row must hold the column names.")) from exc
        if not any(h.strip() for h in headers):
            raise UnreadableFile(msg("The first row is empty: it must hold the column names."))
    except BaseException:
        archive.close()
        raise

    def rest() -> Iterator[list[str]]:
        try:
            yield from rows
        finally:
            archive.close()

    return Table(headers=headers, rows=rest())


def _first_sheet_rows(archive: _Archive) -> Iterator[list[str]]:
    from openpyxl.cell.text import Text
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX
    from openpyxl.xml.functions import fromstring

    names = set(archive.namelist())
    try:
        package: Any = Manifest.from_tree(cast(Any, fromstring(archive.read(ARC_CONTENT_TYPES))))  # find is untyped
        if package is None:
            raise UnreadableFile(_DAMAGED)
        types = (XLTM, XLTX, XLSM, XLSX)
        part = next((p.PartName[1:] for t in types if (p := package.find(t)) is not None), None)
        if part is None and {d.ContentType for d in package.Default} & set(types):
            part = "xl/workbook.xml"
        if part is None:
            raise UnreadableFile(_DAMAGED)
        workbook = WorkbookParser(archive, part, keep_links=False)
        workbook.parse()
        sheet = next(
            (r.target for _, r in workbook.find_sheets() if r.target in names and "chartsheet" not in r.Type), None
        )
        strings_type = package.find(SHARED_STRINGS)
        strings_part = strings_type.PartName[1:] if strings_type is not None else None
        epoch = workbook.wb.epoch
    except (InvalidFileException, KeyError, OSError, ValueError, TypeError, AttributeError, SyntaxError) as exc:
        # SyntaxError: ElementTree's ParseError; ValueError: also defusedxml's refusals
        raise UnreadableFile(_DAMAGED) from exc
    if sheet is None:
        raise UnreadableFile(msg("The workbook has no sheets."))
    # Refuse on the declared sizes before unpacking anything big.
    first_sheet, text, formatting = (
        msg("The spreadsheet's first sheet"),
        msg("The spreadsheet's text"),
        msg("The spreadsheet's formatting"),
    )
    parts = [(sheet, MAX_SHEET_BYTES, first_sheet)]
    if strings_part is not None:
        parts.append((strings_part, MAX_SHARED_STRINGS_BYTES, text))
    if _STYLES_PART in names:
        parts.append((_STYLES_PART, MAX_STYLES_BYTES, formatting))
    for name, limit, what in parts:
        if name not in names:
            raise UnreadableFile(_DAMAGED)
        if archive.getinfo(name).file_size > limit:
            raise _too_big(what, limit)

    styles = _Styles()
    if _STYLES_PART in names:
        try:
            for _ in styles.feed(_chunks(archive, _STYLES_PART, MAX_STYLES_BYTES, formatting)):
                pass
        except (KeyError, ValueError, OverflowError) as exc:
            raise UnreadableFile(_DAMAGED) from exc
    dates, durations = styles.kinds()
    del styles

    def content(element: ET.Element) -> str:
        try:
            text = Text.from_tree(cast(Any, element))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise UnreadableFile(_DAMAGED) from exc
        return text.content if text is not None else ""

    strings = _SharedStrings(content)
    if strings_part is not None:
        for _ in strings.feed(_chunks(archive, strings_part, MAX_SHARED_STRINGS_BYTES, text)):
            pass
    cells = WorkSheetParser(
        io.BytesIO(), strings.strings, data_only=False, epoch=epoch, date_formats=dates, timedelta_formats=durations
    )
    # Formulas are read as their text, never evaluated: "=1+1" stays "=1+1".
    return _Sheet(cells).rows(_chunks(archive, sheet, MAX_SHEET_BYTES, first_sheet))


def read_table(stream: IO[bytes], filename: str) -> Table:
    """Pick the reader from the extension (the name is only looked at, never used as a path)."""
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        return read_xlsx(stream)
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return read_csv(stream)
    raise UnreadableFile(msg("Upload a .csv or .xlsx file."))
