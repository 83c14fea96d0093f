"""Hostile workbooks: each is refused (or read without harm) with a clear, located
message and exit 1, never a traceback; hidden rows and sheets are reported."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pcontract.files.workbook import (
    OLE_SIGNATURE,
    WorkbookError,
    WorkbookLimits,
    open_workbook,
)
from pcontract.importing.contract import import_from
from tests.conftest import run
from tests.import_contract_test import build_matrix

DOCTYPE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)
SHEET = "xl/worksheets/sheet1.xml"


def _laughs(path: Path) -> None:
    """Give the matrix's sheet a billion-laughs document type, and use it in a cell."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(SHEET)
    xml = DOCTYPE + xml.replace(b"<t>Director</t>", b"<t>&lol3;</t>", 1)
    _rewrite(path, {SHEET: xml})


def _rewrite(path: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> None:
    """Rewrite the zip at ``path`` with some entries replaced and others added."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            target.writestr(info.filename, replace.get(info.filename, data))
        for name, data in (add or {}).items():
            target.writestr(name, data)


def _cli(path: Path, tmp_path: Path) -> tuple[int, str]:
    code, output = run("import", "contract", str(path), "-o", str(tmp_path / "out.yaml"))
    assert "Traceback" not in output
    return code, output


def _refused(path: Path, limits: WorkbookLimits = WorkbookLimits()) -> str:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(path, limits=limits)
    found = caught.value.problem
    return f"{found.code} {found.message}"


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "bomb.xlsx")
    _rewrite(path, {}, {"xl/media/zeros.bin": bytes(50 * 1024 * 1024)})
    code, output = _cli(path, tmp_path)
    assert code == 1
    assert f"{path}: error PC651 the part xl/media/zeros.bin is compressed" in output
    assert "refused as a possible zip bomb" in output
    assert not (tmp_path / "out.yaml").exists()


def test_a_zip_bomb_is_refused_by_its_entries_and_size(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "many.xlsx")
    _rewrite(path, {}, {f"xl/media/{n}.bin": b"x" for n in range(1200)})
    assert _refused(path).startswith("PC651 the workbook holds 12")
    small = WorkbookLimits(max_uncompressed=10_000)
    assert "unpacks to" in _refused(build_matrix(tmp_path / "m.xlsx"), small)


def test_xml_entity_expansion_is_refused_before_parsing(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "laughs.xlsx")
    _laughs(path)
    code, output = _cli(path, tmp_path)
    assert code == 1
    assert f"error PC653 the part {SHEET} declares an XML document type" in output


def test_openpyxl_itself_parses_with_defusedxml(tmp_path: Path) -> None:
    """Were the scan ever bypassed, openpyxl refuses the entities itself."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    path = build_matrix(tmp_path / "laughs.xlsx")
    _laughs(path)
    with path.open("rb") as handle, pytest.raises(ValueError) as caught:
        openpyxl.load_workbook(handle)
    cause = caught.value.__cause__ or caught.value.__context__
    assert type(cause).__name__ == "EntitiesForbidden"
    assert type(cause).__module__.startswith("defusedxml")


def test_an_encrypted_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE_SIGNATURE + bytes(504))
    code, output = _cli(path, tmp_path)
    assert code == 1
    assert f"{path}: error PC652 the workbook is encrypted or password-protected" in output
    assert "remove the password" in output


def test_an_old_binary_xls_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "matrix.xls"
    path.write_bytes(OLE_SIGNATURE + bytes(504))
    code, output = _cli(path, tmp_path)
    assert code == 1
    assert "error PC652 an old binary Excel workbook (.xls)" in output
    assert "save it as .xlsx" in output


def test_an_xlsm_with_macros_is_read_and_nothing_is_run(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "matrix.xlsx").rename(tmp_path / "matrix.xlsm")
    _rewrite(path, {}, {"xl/vbaProject.bin": b'Attribute VB_Name = "Module1"\nShell "calc"'})
    code, output = _cli(path, tmp_path)
    assert code == 0, output
    assert "warning PC655 the workbook holds macros: they were not loaded or run" in output
    assert (tmp_path / "out.yaml").exists()


def test_a_sheet_of_a_million_rows_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Performance indicator"
    sheet["A1048576"] = "the last row"
    book.save(path)
    start = time.perf_counter()
    code, output = _cli(path, tmp_path)
    assert time.perf_counter() - start < 2
    assert code == 1
    assert "error PC654 the sheet xl/worksheets/sheet1.xml holds 1048576 (its dimension says)" in (
        output
    )


def test_rows_beyond_the_limit_are_refused_whatever_the_dimension_says(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "long.xlsx")
    limits = WorkbookLimits(max_rows=10)
    assert _refused(path, limits).startswith("PC654 the sheet xl/worksheets/sheet1.xml holds ")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
    _rewrite(path, {SHEET: xml})
    assert "more than 10 rows" in _refused(path, limits)


def test_merged_cells_across_the_header_are_located(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "merged.xlsx")
    book = openpyxl.load_workbook(path)
    book["Matrix"].merge_cells("E11:F11")
    book.save(path)
    code, output = _cli(path, tmp_path)
    assert code == 1
    assert f"{path}:Matrix!E11: error PC626 the header cells Matrix!E11:F11 are merged" in output


def test_hidden_rows_are_reported_not_silently_imported(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "hidden.xlsx")
    book = openpyxl.load_workbook(path)
    book["Matrix"].row_dimensions[14].hidden = True
    book.save(path)
    imported = import_from(open_workbook(path))
    assert imported.text is not None
    assert "CM02" in imported.text  # the hidden row is imported, and said so
    hidden = [p for p in imported.problems if p.code == "PC656"]
    assert [(p.cell, p.severity.value) for p in hidden] == [("Matrix!A14", "warning")]
    assert "row 14 is hidden and was imported" in hidden[0].message


def test_a_hidden_sheet_is_reported_and_skipped(tmp_path: Path) -> None:
    path = build_matrix(tmp_path / "sheets.xlsx")
    book = openpyxl.load_workbook(path)
    secret = book.create_sheet("Workings", 0)
    secret["A1"] = "draft figures"
    secret.sheet_state = "hidden"
    book.save(path)
    code, output = _cli(path, tmp_path)
    assert code == 0, output
    assert "warning PC656 the sheet 'Workings' is hidden" in output
    assert "id: CM01" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_a_damaged_workbook_and_a_missing_sheet_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert _refused(path).startswith("PC650 a damaged workbook")
    good = build_matrix(tmp_path / "m.xlsx")
    code, output = run(
        "import", "contract", str(good), "--sheet", "Nope", "-o", str(tmp_path / "o.yaml")
    )
    assert code == 1
    assert "error PC657 no sheet named 'Nope' (the sheets: Matrix)" in output
