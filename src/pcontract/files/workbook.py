"""Opening spreadsheets safely: .xlsx, .xlsm and .csv as grids of located cells.

Before openpyxl parses anything, the file is checked as a zip (entries, total
uncompressed size, compression ratio), each XML part is scanned for a document
type (entity expansion) and each sheet for its size (the ``<dimension>`` it declares
and the rows it holds), so a hostile workbook is refused quickly. An encrypted
workbook, and an old binary ``.xls`` (both OLE compound files), are refused with
what to do. Macros are never loaded, let alone run (``keep_vba=False``).

Every refusal raises :class:`WorkbookError`, an :class:`InputError` whose one
problem names the file (and the cell, where there is one). Cells that cannot be
read (an error value such as ``#DIV/0!``, a formula without a cached value) are
kept as cells with an ``error``: the importer reports them where they matter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcontract.errors import InputError
from pcontract.problems import Problem, Severity

# The problem codes of opening a workbook (the importers' own follow, PC620 on).
CODE_UNREADABLE = "PC650"  # not a workbook, or a damaged one
CODE_TOO_BIG = "PC651"  # a zip bomb: too many entries, too large, too compressed
CODE_ENCRYPTED = "PC652"  # encrypted, password-protected, or an old binary .xls
CODE_ENTITIES = "PC653"  # an XML document type (entity expansion)
CODE_TOO_MANY_CELLS = "PC654"  # more rows or columns than a matrix has
CODE_MACROS = "PC655"  # a warning: macros are present and ignored
CODE_HIDDEN = "PC656"  # a warning: a hidden sheet or hidden rows
CODE_NO_SHEET = "PC657"  # the sheet asked for is not there

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    """What a workbook may hold. A real matrix has a few hundred rows and a few
    dozen columns, and its zip holds a few dozen entries of a few MB."""

    max_bytes: int = 50 * 1024 * 1024  # the file itself
    max_entries: int = 1_000
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, for entries past 1 MiB
    max_rows: int = 20_000
    max_columns: int = 200


RATIO_FLOOR = 1024 * 1024  # small entries compress well and harm nobody


class WorkbookError(InputError):
    """A workbook that cannot be read safely; carries the one problem that says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message, [problem])
        self.problem = problem


def column_letter(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Cell:
    sheet: str  # "" for a CSV file
    row: int
    column: int
    value: Any = None  # None, str, int, float, bool, datetime
    number_format: str = "General"
    # Why the value cannot be used: an error value ("#DIV/0!"), or a formula
    # without a cached value; "" for a cell that can.
    error: str = ""

    @property
    def coordinate(self) -> str:
        return f"{column_letter(self.column)}{self.row}"

    @property
    def ref(self) -> str:
        """Where the cell is, as problems name it: ``Matrix!F12`` (``F12`` in a CSV)."""
        return f"{self.sheet}!{self.coordinate}" if self.sheet else self.coordinate

    @property
    def is_percent(self) -> bool:
        return "%" in self.number_format

    @property
    def is_blank(self) -> bool:
        return not self.error and (
            self.value is None or (isinstance(self.value, str) and not self.value.strip())
        )

    @property
    def text(self) -> str:
        """The value as text, trimmed ("" for a blank cell)."""
        if self.value is None:
            return ""
        return str(self.value).strip()


@dataclass(frozen=True, slots=True)
class Merged:
    min_row: int
    min_column: int
    max_row: int
    max_column: int

    def holds(self, row: int, column: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_column <= column <= self.max_column


@dataclass(slots=True)
class Sheet:
    name: str
    rows: list[list[Cell]]  # rows[0] is row 1; every row as wide as the widest
    merged: list[Merged] = field(default_factory=list)
    hidden_rows: frozenset[int] = frozenset()
    hidden: bool = False

    def cell(self, row: int, column: int) -> Cell:
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return Cell(self.name, row, column)

    def range_ref(self, row: int, first: int = 1, last: int | None = None) -> str:
        """A row's cells as a range: ``Matrix!A7:T7``."""
        width = last or max((len(r) for r in self.rows), default=1)
        start = Cell(self.name, row, first)
        return f"{start.ref}:{column_letter(max(width, 1))}{row}"


@dataclass(slots=True)
class Workbook:
    file: str  # as problems name it
    sheets: list[Sheet]
    warnings: list[Problem] = field(default_factory=list)

    def sheet(self, name: str | None = None) -> Sheet:
        """The sheet called ``name``, else the first visible sheet."""
        if name is None:
            visible = [s for s in self.sheets if not s.hidden] or self.sheets
            return visible[0]
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        names = ", ".join(s.name for s in self.sheets)
        raise WorkbookError(
            problem(self.file, CODE_NO_SHEET, f"no sheet named {name!r} (the sheets: {names})")
        )


def problem(
    file: str,
    code: str,
    message: str,
    cell: Cell | None = None,
    severity: Severity = Severity.ERROR,
    hint: str = "",
) -> Problem:
    """A problem in a workbook, at ``cell`` (line: its row, column: its column)."""
    if cell is None:
        return Problem(file, 0, 0, code, severity, message, hint=hint)
    return Problem(file, cell.row, cell.column, code, severity, message, hint=hint, cell=cell.ref)


def _refuse(file: str, code: str, message: str, hint: str = "") -> WorkbookError:
    return WorkbookError(problem(file, code, message, hint=hint))


# -- opening ----------------------------------------------------------------------


def open_workbook(
    path: Path, file: str | None = None, limits: WorkbookLimits = WorkbookLimits()
) -> Workbook:
    """Open ``path`` (.xlsx, .xlsm or .csv) safely; raises :class:`WorkbookError`."""
    file = file or str(path)
    head = _head(path, file, limits)
    suffix = path.suffix.lower()
    if head.startswith(OLE_SIGNATURE):
        raise _ole_error(file, suffix)
    if suffix == ".csv":
        return _open_csv(path, file, limits)
    if suffix == ".xls":
        raise _ole_error(file, suffix)
    if suffix not in WORKBOOK_SUFFIXES:
        raise _refuse(
            file,
            CODE_UNREADABLE,
            f"not a spreadsheet pcontract reads ({suffix or 'no suffix'})",
            hint="give an .xlsx, .xlsm or .csv file",
        )
    if not head.startswith(b"PK"):
        raise _refuse(
            file,
            CODE_UNREADABLE,
            "not an .xlsx workbook (it is not a zip file)",
            hint="open it in Excel or LibreOffice and save it as .xlsx",
        )
    return _open_xlsx(path, file, limits)


def _head(path: Path, file: str, limits: WorkbookLimits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _refuse(
                file, CODE_TOO_BIG, f"the file is {size} bytes, more than {limits.max_bytes}"
            )
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError as error:
        raise _refuse(
            file, CODE_UNREADABLE, f"cannot read the file: {error.strerror or error}"
        ) from error


def _ole_error(file: str, suffix: str) -> WorkbookError:
    if suffix == ".xls":
        return _refuse(
            file,
            CODE_ENCRYPTED,
            "an old binary Excel workbook (.xls), which pcontract does not read",
            hint="open it in Excel or LibreOffice and save it as .xlsx",
        )
    return _refuse(
        file,
        CODE_ENCRYPTED,
        "the workbook is encrypted or password-protected",
        hint="remove the password (or save it as .xlsx without one), then import it",
    )


# -- the zip and its XML, before openpyxl -------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CHUNK = 1024 * 1024


@dataclass(slots=True)
class _Scan:
    has_macros: bool = False
    has_formulas: bool = False


def _check_zip(archive: zipfile.ZipFile, file: str, limits: WorkbookLimits) -> _Scan:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise _refuse(
            file,
            CODE_TOO_BIG,
            f"the workbook holds {len(entries)} parts, more than {limits.max_entries}: "
            "refused as a possible zip bomb",
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed:
        raise _refuse(
            file,
            CODE_TOO_BIG,
            f"the workbook unpacks to {total} bytes, more than {limits.max_uncompressed}: "
            "refused as a possible zip bomb",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise _refuse(
                file,
                CODE_TOO_BIG,
                f"the part {entry.filename} is compressed {ratio:.0f} to 1, more than "
                f"{limits.max_ratio} to 1: refused as a possible zip bomb",
            )
    scan = _Scan(has_macros=any(e.filename.lower().endswith("vbaproject.bin") for e in entries))
    for entry in entries:
        name = entry.filename.lower()
        if name.endswith((".xml", ".rels", ".vml")):
            _scan_part(archive, entry, file, limits, scan)
    return scan


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks that overlap by 32 bytes, so that no tag is split."""
    tail = b""
    with archive.open(entry) as handle:
        while chunk := handle.read(_CHUNK):
            yield tail + chunk
            tail = chunk[-32:]


def _scan_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, file: str, limits: WorkbookLimits, scan: _Scan
) -> None:
    is_sheet = entry.filename.lower().startswith("xl/worksheets/")
    rows = 0
    for index, chunk in enumerate(_chunks(archive, entry)):
        if _DOCTYPE.search(chunk):
            raise _refuse(
                file,
                CODE_ENTITIES,
                f"the part {entry.filename} declares an XML document type or entities: "
                "refused (entity expansion)",
                hint="save the workbook again from Excel or LibreOffice",
            )
        if not is_sheet:
            continue
        if index == 0:
            _check_dimension(chunk, entry.filename, file, limits)
        rows += len(_ROW.findall(chunk[32:] if index else chunk))  # the overlap once
        if rows > limits.max_rows:
            raise _too_many_rows(file, entry.filename, f"more than {limits.max_rows}", limits)
        scan.has_formulas = scan.has_formulas or bool(_FORMULA.search(chunk))


def _too_many_rows(file: str, part: str, count: str, limits: WorkbookLimits) -> WorkbookError:
    return _refuse(
        file,
        CODE_TOO_MANY_CELLS,
        f"the sheet {part} holds {count} rows; a matrix has at most {limits.max_rows}",
        hint="delete the rows below the matrix (or copy the matrix to a new workbook)",
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_dimension(chunk: bytes, part: str, file: str, limits: WorkbookLimits) -> None:
    match = _DIMENSION.search(chunk)
    if not match:
        return
    letters = match.group(3) or match.group(1)
    digits = match.group(4) or match.group(2)
    if digits and int(digits) > limits.max_rows:
        raise _too_many_rows(file, part, f"{int(digits)} (its dimension says)", limits)
    if letters and _column_number(letters) > limits.max_columns:
        raise _refuse(
            file,
            CODE_TOO_MANY_CELLS,
            f"the sheet {part} is {_column_number(letters)} columns wide (its dimension "
            f"says); a matrix has at most {limits.max_columns}",
            hint="delete the columns right of the matrix",
        )


# -- xlsx ---------------------------------------------------------------------------


def _open_xlsx(path: Path, file: str, limits: WorkbookLimits) -> Workbook:
    try:
        with zipfile.ZipFile(path) as archive:
            scan = _check_zip(archive, file, limits)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise _refuse(
            file,
            CODE_UNREADABLE,
            f"a damaged workbook: {error}",
            hint="open it in Excel or LibreOffice and save it again",
        ) from error
    values = _load(path, file, data_only=True)
    formulas = _load(path, file, data_only=False) if scan.has_formulas else None
    book = Workbook(file, [])
    if scan.has_macros:
        book.warnings.append(
            problem(
                file,
                CODE_MACROS,
                "the workbook holds macros: they were not "
                "loaded or run, only the cells' values were read",
                severity=Severity.WARNING,
            )
        )
    for worksheet in values.worksheets:
        other = formulas[worksheet.title] if formulas is not None else None
        sheet = _sheet(worksheet, other, file, limits)
        book.sheets.append(sheet)
        if sheet.hidden:
            book.warnings.append(
                problem(
                    file,
                    CODE_HIDDEN,
                    f"the sheet {sheet.name!r} is hidden "
                    "and was not read unless named with --sheet",
                    severity=Severity.WARNING,
                )
            )
    if not book.sheets:
        raise _refuse(file, CODE_UNREADABLE, "the workbook has no worksheets")
    return book


def _load(path: Path, file: str, data_only: bool) -> Any:
    import openpyxl

    try:
        # Opened here, so that the file is closed even when openpyxl fails.
        with path.open("rb") as handle:
            return openpyxl.load_workbook(
                handle, read_only=False, keep_vba=False, data_only=data_only, keep_links=False
            )
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        if _defused(error):
            raise _refuse(file, CODE_ENTITIES, f"refused unsafe XML: {error}") from error
        raise _refuse(
            file,
            CODE_UNREADABLE,
            f"a damaged workbook: {type(error).__name__}: {error}",
            hint="open it in Excel or LibreOffice and save it again",
        ) from error


def _defused(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, at the root of ``error``'s chain."""
    seen = 0
    while error is not None and seen < 10:
        if type(error).__module__.startswith("defusedxml"):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _sheet(worksheet: Any, formulas: Any, file: str, limits: WorkbookLimits) -> Sheet:
    height, width = worksheet.max_row, worksheet.max_column
    if height > limits.max_rows:
        raise _too_many_rows(file, worksheet.title, str(height), limits)
    if width > limits.max_columns:
        raise _refuse(
            file,
            CODE_TOO_MANY_CELLS,
            f"the sheet {worksheet.title!r} is {width} columns wide; a matrix has at "
            f"most {limits.max_columns}",
        )
    name = worksheet.title
    rows = [
        [_cell(name, row, column, worksheet, formulas) for column in range(1, width + 1)]
        for row in range(1, height + 1)
    ]
    merged = [
        Merged(r.min_row, r.min_col, r.max_row, r.max_col) for r in worksheet.merged_cells.ranges
    ]
    hidden = frozenset(
        number
        for number, dim in worksheet.row_dimensions.items()
        if dim.hidden and number <= height
    )
    return Sheet(name, rows, merged, hidden, worksheet.sheet_state != "visible")


def _cell(name: str, row: int, column: int, worksheet: Any, formulas: Any) -> Cell:
    source = worksheet._cells.get((row, column))  # no cell made for an empty one
    if source is None:
        return Cell(name, row, column)
    value, number_format = source.value, source.number_format
    if source.data_type == "e":
        return Cell(name, row, column, None, number_format, f"the cell holds the error {value}")
    if value is None and formulas is not None:
        formula = formulas._cells.get((row, column))
        if formula is not None and formula.data_type == "f":
            return Cell(
                name,
                row,
                column,
                None,
                number_format,
                f"the formula {formula.value} has no saved value",
            )
    return Cell(name, row, column, value, number_format)


# -- csv ----------------------------------------------------------------------------


def _open_csv(path: Path, file: str, limits: WorkbookLimits) -> Workbook:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse(
            file,
            CODE_UNREADABLE,
            f"the CSV file is not UTF-8 (byte {error.start})",
            hint="save it as CSV UTF-8",
        ) from error
    except OSError as error:
        raise _refuse(
            file, CODE_UNREADABLE, f"cannot read the file: {error.strerror or error}"
        ) from error
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Cell]] = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > limits.max_rows:
                raise _too_many_rows(
                    file, "of the CSV file", f"more than {limits.max_rows}", limits
                )
            if len(values) > limits.max_columns:
                raise _refuse(
                    file,
                    CODE_TOO_MANY_CELLS,
                    f"row {number} has {len(values)} columns; a matrix has at most "
                    f"{limits.max_columns}",
                )
            rows.append([Cell("", number, c, v or None) for c, v in enumerate(values, start=1)])
    except csv.Error as error:
        raise _refuse(file, CODE_UNREADABLE, f"not a readable CSV file: {error}") from error
    width = max((len(row) for row in rows), default=0)
    for number, row in enumerate(rows, start=1):
        row.extend(Cell("", number, c) for c in range(len(row) + 1, width + 1))
    return Workbook(file, [Sheet("", rows)])


def as_date(value: object) -> dt.date | None:
    """A cell's value as a date: a date or datetime (openpyxl), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
