"""R-R3, R-R7: an .xlsx cannot make the server unpack or hold more than its limits, whatever its compression ratio.

The bombs are built here with zipfile from one 64 KB block repeated: the block opens with random letters, which
deflate cannot take from the previous block (it is 64 KB back, past deflate's 32 KB window), so the ratio stays under
the reader's ratio guard like the 2.7 MB file that inflated to 200 MB; the rest of the block is one row repeated.
"""

from __future__ import annotations

import io
import json
import random
import string
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import bearer
from tests.kb_engine.helpers import business_company, upload, xlsx
from x8.kb_engine import importer, reader
from x8.kb_engine.reader import UnreadableFile, read_table

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
_NS = "http://schemas.openxmlformats.org"
_CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_NS}/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    f'<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" '
    f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" '
    f'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}/spreadsheetml/2006/main" '
    f'xmlns:r="{_NS}/officeDocument/2006/relationships"><sheets><sheet name="Catalogue" sheetId="1" r:id="rId1"/>'
    f"</sheets></workbook>"
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" '
    f'Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_NS}/officeDocument/2006/relationships/sharedStrings" '
    f'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
).encode()
_SHEET_TAIL = b"</sheetData></worksheet>"
_STRINGS_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}/spreadsheetml/2006/main">'.encode()
_HEADER_STRINGS = b"<si><t>name</t></si><si><t>description</t></si>"
_STRINGS_TAIL = b"</sst>"
_BLOCK = 64 * 1024


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _block(opening: str, filler: str, seed: int) -> bytes:
    """64 KB: ``opening`` around 1,200 random letters, then ``filler`` as often as it fits."""
    noise = "".join(random.Random(seed).choices(string.ascii_letters, k=1200))
    head = opening.format(noise=noise).encode()
    return head + filler.encode() * ((_BLOCK - len(head)) // len(filler.encode()))


_SHEET_BLOCK = _block(
    f"<row>{_inline('Item')}{_inline('{noise}')}</row>", f"<row>{_inline('Tea')}{_inline('Green tea')}</row>", 1
)
_TINY_ROWS_BLOCK = _block(f"<row>{_inline('{noise}')}</row>", "<row><c><v>1</v></c></row>", 3)
_STRINGS_BLOCK = _block("<si><t>{noise}</t></si>", f"<si><t>{'Green tea, loose leaf. ' * 90}</t></si>", 2)


def _xlsx(path: Path, *, sheet: int = 0, strings: int = 0, block: bytes = _SHEET_BLOCK) -> Path:
    """An .xlsx whose sheet XML and sharedStrings.xml unpack to about ``sheet`` and ``strings`` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(_STRINGS_HEAD + _HEADER_STRINGS)
            for _ in range(strings // _BLOCK):
                part.write(_STRINGS_BLOCK)
            part.write(_STRINGS_TAIL)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(_SHEET_HEAD)
            for _ in range(sheet // _BLOCK):
                part.write(block)
            part.write(_SHEET_TAIL)
    return path


def _forge_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the uncompressed size the zip declares for ``member``, in its local header and in the directory."""
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    (count,) = struct.unpack_from("<H", data, end + 10)
    (entry,) = struct.unpack_from("<I", data, end + 16)
    for _ in range(count):
        assert data[entry : entry + 4] == b"PK\x01\x02"
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, entry + 28)
        (local,) = struct.unpack_from("<I", data, entry + 42)
        if data[entry + 46 : entry + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, entry + 24, declared)
            struct.pack_into("<I", data, local + 22, declared)
        entry += 46 + name_length + extra_length + comment_length
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(member).file_size == declared


def _ratio(path: Path) -> float:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    return sum(i.file_size for i in infos) / sum(i.compress_size for i in infos)


def _read_all(path: Path) -> int:
    with path.open("rb") as stream:
        table = read_table(stream, "catalogue.xlsx")
        return sum(1 for _ in table.rows)


_CHILD = """
import io, json, resource, sys
from openpyxl import Workbook
from x8.kb_engine.reader import UnreadableFile, read_table

def status_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

warm = Workbook()
warm.active.append(["name", "description"])
warm.active.append(["Tea", "Green tea"])
buffer = io.BytesIO()
warm.save(buffer)
buffer.seek(0)
list(read_table(buffer, "warm.xlsx").rows)  # imports and first-use allocations are not the upload's
before = status_kb("VmRSS")
outcome = {"refused": None, "rows": 0}
try:
    with open(sys.argv[1], "rb") as stream:
        for _ in read_table(stream, "catalogue.xlsx").rows:
            outcome["rows"] += 1
except UnreadableFile as exc:
    outcome["refused"] = str(exc)
outcome["growth_mb"] = (status_kb("VmHWM") - before) / 1024
outcome["ru_maxrss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(outcome))
"""


def _parse_in_child(path: Path) -> dict[str, object]:
    """Read ``path`` in a fresh interpreter: the peak resident size it reached, less where it started.

    The peak is VmHWM, the high-water mark of the child's own address space. ``ru_maxrss`` is reported too but it is
    not used: Linux carries the parent's resident size at fork into it across exec, so in a child of a big pytest
    process it reads the parent's size, not the child's.
    """
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    print(path.name, result)
    return result


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    sheet = _xlsx(folder / "sheet.xlsx", sheet=180 * MB)
    strings = _xlsx(folder / "strings.xlsx", strings=150 * MB)
    strings_held = _xlsx(folder / "strings-held.xlsx", strings=90 * MB)
    forged = _xlsx(folder / "forged.xlsx", sheet=180 * MB)
    _forge_size(forged, "xl/worksheets/sheet1.xml", 2 * MB)
    return {"sheet": sheet, "strings": strings, "strings_held": strings_held, "forged": forged}


def test_the_bombs_are_small_and_under_the_ratio_guard(bombs: dict[str, Path]) -> None:
    for path in bombs.values():
        assert path.stat().st_size < 5 * MB
    for name in ("sheet", "strings", "strings_held"):
        assert 20 < _ratio(bombs[name]) < reader.MAX_XLSX_RATIO, name  # the old guard let each of them through
    with zipfile.ZipFile(bombs["sheet"]) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 175 * MB


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        ("sheet", "The spreadsheet's first sheet expands to more than 160 MB when unpacked"),
        ("strings", "The spreadsheet's text expands to more than 100 MB when unpacked"),
        ("strings_held", "The spreadsheet's text expands to more than 64 MB when unpacked"),
        ("forged", "This .xlsx file is damaged or not a workbook."),
    ],
)
def test_bombs_are_refused_and_the_process_stays_small(bombs: dict[str, Path], bomb: str, message: str) -> None:
    with pytest.raises(UnreadableFile) as refused:
        _read_all(bombs[bomb])
    assert str(refused.value).startswith(message)
    result = _parse_in_child(bombs[bomb])
    assert str(result["refused"]).startswith(message)
    growth = result["growth_mb"]
    assert isinstance(growth, float)
    assert growth < 100, f"{bomb}: the process grew by {growth:.0f} MB"  # SPEC R-R7 allows 250


def test_a_forged_size_yields_no_more_than_it_declares(bombs: dict[str, Path]) -> None:
    # zipfile cuts a member at its declared size and then finds the CRC wrong: the 180 MB are never unpacked.
    with zipfile.ZipFile(bombs["forged"]) as archive, archive.open("xl/worksheets/sheet1.xml") as member:
        read = 0
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            while chunk := member.read(MB):
                read += len(chunk)
        assert read <= 2 * MB


def test_the_byte_budget_holds_even_if_the_zip_gave_more_than_it_declares() -> None:
    class Lying(zipfile.ZipFile):
        def open(self, name: object, mode: str = "r", pwd: object = None, *, force_zip64: bool = False) -> io.BytesIO:
            return io.BytesIO(b"<a>" + b"x" * (3 * reader.XLSX_CHUNK))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("part.xml", b"<a/>")
    with Lying(buffer) as archive:
        chunks = reader._chunks(archive, "part.xml", reader.XLSX_CHUNK, "The part", markup=False)
        with pytest.raises(UnreadableFile, match="The part expands to more than"):
            list(chunks)


def test_a_sheet_within_the_limits_streams_in_little_memory(tmp_path: Path) -> None:
    # Half a million rows of 26 bytes of XML: the old reader kept an element for each, 50 MB in all.
    path = _xlsx(tmp_path / "rows.xlsx", sheet=13 * MB, block=_TINY_ROWS_BLOCK)
    result = _parse_in_child(path)
    assert result["refused"] is None and isinstance(result["rows"], int) and result["rows"] > 500_000
    growth = result["growth_mb"]
    assert isinstance(growth, float) and growth < 20, growth


@pytest.mark.parametrize(
    ("sheet_data", "message"),
    [
        ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="ALN1"><v>1</v></c></row>', "column 1,002"),
        ('<row r="1">' + "<c/>" * (reader.MAX_ROW_CELLS + 1) + "</row>", "more than 16,384 cells"),
        ('<row r="1"><c t="inlineStr"><is><t>' + "x" * 100_001 + "</t></is></c></row>", "more than 100,000 characters"),
        ('<row r="1"><c t="inlineStr"><is><t>n</t></is></c></row><row r="2000000"/>', "past Excel's last row"),
        ("<!DOCTYPE x [<!ENTITY a 'b'>]>", "damaged"),
        ("<!-- " + "<" * 10 + " -->", "damaged"),
        ("<x " + " ".join(f'a{i}="1"' for i in range(150_000)) + "/>", "damaged"),
        ("<x>" * 100 + "</x>" * 100, "damaged"),
    ],
)
def test_rows_and_markup_are_bounded(sheet_data: str, message: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", _STRINGS_HEAD + _HEADER_STRINGS + _STRINGS_TAIL)
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}/spreadsheetml/2006/main">'
        archive.writestr("xl/worksheets/sheet1.xml", f"{head}<sheetData>{sheet_data}</sheetData></worksheet>")
    buffer.seek(0)
    with pytest.raises(UnreadableFile, match=message):
        list(read_table(buffer, "catalogue.xlsx").rows)


def test_a_batch_is_bounded_by_text_not_only_by_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # 100 columns that all refer to one 2,000-character shared string: 26 bytes of XML a cell, 200,000 characters
    # a row once read. 5,000 such rows in one batch would be a gigabyte of text and COPY records.
    monkeypatch.setattr(reader, "MAX_XLSX_RATIO", 100_000)  # this one is small and compresses well
    long_text = "Green tea, loose leaf. " * 86
    headers = "".join(f'<c t="inlineStr"><is><t>x{i}</t></is></c>' for i in range(100))
    row = _inline("Tea") + _inline("Green tea") + '<c t="s"><v>2</v></c>' * 100
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            _STRINGS_HEAD + _HEADER_STRINGS + f"<si><t>{long_text}</t></si>".encode() + _STRINGS_TAIL,
        )
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}/spreadsheetml/2006/main">'
        sheet_data = f'<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c>{headers}</row>' + f"<row>{row}</row>" * 300
        archive.writestr("xl/worksheets/sheet1.xml", f"{head}<sheetData>{sheet_data}</sheetData></worksheet>")
    parsed = importer.open_upload(io.BytesIO(buffer.getvalue()), "catalogue.xlsx")
    sizes = [len(batch) for batch in importer.batches(parsed)]
    assert sum(sizes) == 300 and max(sizes) <= importer.BATCH_CHARS // 200_000 + 1, sizes
    assert parsed.rows_rejected == 0


def test_a_normal_workbook_reads_as_before() -> None:
    content = xlsx(
        [["SKU", "Name", "Description", "Price"], ["T-1", "Tea", "Green tea", 2.5], [None], ["C-2", "Coffee"]]
    )
    table = read_table(io.BytesIO(content), "catalogue.xlsx")
    assert table.headers == ["SKU", "Name", "Description", "Price"]
    assert list(table.rows) == [["T-1", "Tea", "Green tea", "2.5"], [], ["C-2", "Coffee"]]


async def test_an_upload_of_a_bomb_is_400_and_changes_nothing(
    client: httpx.AsyncClient, bombs: dict[str, Path]
) -> None:
    tokens, company = await business_company(client)
    first = await upload(client, tokens, company["id"], xlsx([["name", "description"], ["Tea", "Green tea"]]), "a.xlsx")
    assert first.status_code == 200, first.text
    kb = first.json()["kb_id"]
    for bomb, message in (
        ("sheet", "The spreadsheet's first sheet expands to more than 160 MB when unpacked"),
        ("forged", "This .xlsx file is damaged or not a workbook."),  # found after batches were stored
    ):
        r = await upload(client, tokens, company["id"], bombs[bomb].read_bytes(), "bomb.xlsx", mode="replace")
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "BadRequest"
        assert r.json()["detail"].startswith(message)
        rows = (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).json()
        assert [item["name"] for item in rows["items"]] == ["Tea"] and rows["kb"]["row_count"] == 1
