"""Workbooks (.xlsx): the contract matrix, the results template, and score and rank.

Every writer here builds an openpyxl ``Workbook`` (a pure function of its inputs,
so tests can open it as it is) and :func:`workbook_bytes` turns one into the
bytes of the file: the same inputs give the same bytes (fixed document times and
zip entry times). Nothing here prints or writes a file: the CLI writes the bytes
through :mod:`pcontract.files.writer`.

Every text cell is a text cell, never a formula: a value beginning with ``=``,
``+``, ``-`` or ``@`` is stored as a string (data type ``s``) and marked with a
quote prefix, so it stays inert in Excel and LibreOffice, even after an edit.

The matrix layout (``export contract``) is the one ``import contract`` reads:
one sheet "Matrix", a merged title, a title block of ``Label:`` / value rows, a
frozen header row, each category as a merged section row
``Name [id] (weight%)``, the indicators under it, and a signature block.

openpyxl is imported inside the functions, so that importing this module (and
starting ``pcontract``) stays fast.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pcontract.formatting import number, plain, scalar
from pcontract.model import (
    KIND_BINARY,
    KIND_MILESTONE,
    NUMERIC_KINDS,
    Contract,
    Goal,
    Guidelines,
    Indicator,
    Person,
    parse_date,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

    from pcontract.scoring.evaluation import Scored
    from pcontract.scoring.method import ContractScore, IndicatorScore
    from pcontract.scoring.ranking import RankRow

# What a cell holds as written: text, a number, a date, or nothing.
CellValue = str | int | float | dt.date | None
Rows = list[Sequence[CellValue]]

# The document times every workbook carries, so that output is reproducible.
FIXED_TIME: Final = dt.datetime(2000, 1, 1)
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
CREATOR: Final = "pcontract"

# The first characters that make a spreadsheet read text as a formula.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters XML 1.0 cannot hold (openpyxl refuses them); shown as U+FFFD.
_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT: Final = 32767
DATE_FORMAT: Final = "yyyy-mm-dd"
WHOLE_FORMAT: Final = "#,##0"
SIGN_LINE: Final = "_" * 40

# Sheet names: at most 31 characters, none of []:*?/\, not starting or ending
# with an apostrophe, unique without regard to case; "History" is Excel's own.
MAX_SHEET_NAME: Final = 31
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEETS: Final = frozenset({"history"})

# The score and rank formats that write a workbook (they need -o FILE).
WORKBOOK_FORMATS: Final = ("xlsx",)

MATRIX_SHEET: Final = "Matrix"
RESULTS_SHEET: Final = "Results"


# -- cells ------------------------------------------------------------------------


def inert_text(value: str) -> str:
    """``value`` as a text cell can hold it: characters XML cannot carry become
    U+FFFD, and it is cut to Excel's 32,767 characters."""
    return _ILLEGAL.sub("\ufffd", value)[:MAX_TEXT]


def put(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell | MergedCell:
    """Write ``value`` at (row, column): text always as text (data type ``s``,
    never a formula), a date with the ISO date format, a number as a number."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = inert_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl takes "=..." for a formula: it is text
        if text[:1] in FORMULA_START:
            cell.quotePrefix = True  # and stays text when edited
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
        if isinstance(value, int):
            cell.number_format = WHOLE_FORMAT
    return cell


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid sheet name for ``wanted``, unique among ``taken`` (lower-cased),
    which it joins: forbidden characters become "-", and a name too long or
    already taken is cut and numbered ("Name (2)")."""
    base = _SHEET_FORBIDDEN.sub("-", inert_text(wanted)).strip().strip("'").strip() or "Sheet"
    base = base[:MAX_SHEET_NAME]
    name, count = base, 1
    while name.lower() in taken or name.lower() in _RESERVED_SHEETS:
        count += 1
        suffix = f" ({count})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _new_workbook() -> Workbook:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.properties.creator = CREATOR
    book.properties.lastModifiedBy = CREATOR
    return book


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time, so the bytes are reproducible."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """openpyxl writes each sheet from a temporary file: as bytes, at the fixed time."""
        with open(filename, "rb") as handle:
            data = handle.read()
        name = arcname if arcname is not None else Path(filename).name
        self.writestr(str(name), data, compress_type, compresslevel)


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx file of ``book``: the same workbook gives the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return buffer.getvalue()


def _bold(sheet: Worksheet, row: int, columns: int) -> None:
    from openpyxl.styles import Font

    for column in range(1, columns + 1):
        sheet.cell(row=row, column=column).font = Font(bold=True)


def _title(sheet: Worksheet, text: str, columns: int) -> None:
    from openpyxl.styles import Font

    put(sheet, 1, 1, text).font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = TITLE_HEIGHT
    if columns > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _landscape(sheet: Worksheet, header_row: int | None = None) -> None:
    """Print on A4 landscape, as wide as one page, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties()
    properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"


def _write_rows(sheet: Worksheet, first: int, rows: Iterable[Sequence[CellValue]]) -> int:
    """Write ``rows`` from row ``first``; returns the row after the last."""
    at = first
    for cells in rows:
        for column, value in enumerate(cells, 1):
            if value is not None and value != "":
                put(sheet, at, column, value)
        at += 1
    return at


# -- figures ----------------------------------------------------------------------


def figure(kind: str, value: object) -> CellValue:
    """A target, baseline, quarterly target or criteria value as a cell holds it:
    a number as a number, a milestone's date as a date, a binary's true/false as
    Yes/No, anything else as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal | Fraction):
        return scalar(value)
    if isinstance(value, int | float):
        return value
    if kind == KIND_MILESTONE or isinstance(value, dt.date):
        day = value if isinstance(value, dt.date) else parse_date(value)
        if day is not None:
            return day
    return str(value)


def _date_cell(value: object) -> CellValue:
    """A date field (due, period start) as a date when it is one, else as text."""
    day = parse_date(value) if isinstance(value, str) else None
    return day if day is not None else (None if value is None else str(value))


# -- the contract matrix ----------------------------------------------------------

# The matrix columns before and after the baseline years, with their widths.
_LEAD: Final = (
    ("Id", 20.0),  # wide enough for the title block's labels too
    ("Performance indicator", 42.0),
    ("Unit of measure", 16.0),
    ("Kind", 10.0),
    ("Weight (%)", 9.0),
)
_TRAIL: Final = (
    ("Target", 14.0),
    ("Q1", 12.0),
    ("Q2", 12.0),
    ("Q3", 12.0),
    ("Q4", 12.0),
    ("Responsible officer", 28.0),
    ("Due date", 12.0),
    ("Excellent", 12.0),
    ("Very good", 12.0),
    ("Good", 12.0),
    ("Fair", 12.0),
    ("Poor", 12.0),
    ("Notes", 30.0),
    ("Measure", 12.0),
    ("Aggregation", 12.0),
    ("Alignment", 24.0),
    ("Cascaded from", 22.0),
    ("Goal id", 12.0),
)
BASELINE_WIDTH: Final = 14.0
CRITERIA_COLUMNS: Final = ("excellent", "very_good", "good", "fair", "poor")
# The Kind of a goal's row: it holds the sub-indicators whose rows follow it.
GOAL_KIND: Final = "goal"
# The row kinds of the matrix, as :func:`matrix_rows` tags them.
TITLE, FIELD, BLANK, HEADER, SECTION, INDICATOR, SIGNATURE = (
    "title",
    "field",
    "blank",
    "header",
    "section",
    "indicator",
    "signature",
)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One row of the matrix sheet: what it is (``TITLE`` … ``SIGNATURE``) and its cells."""

    role: str
    cells: list[CellValue]


def baseline_years(contract: Contract) -> list[str]:
    """Every year that an indicator gives a baseline for, oldest first."""
    return sorted({year for i in contract.indicators for year in i.baseline})


def matrix_headers(contract: Contract) -> list[str]:
    years = [f"Achievement {year}" for year in baseline_years(contract)]
    return [*(name for name, _ in _LEAD), *years, *(name for name, _ in _TRAIL)]


def contract_title(contract: Contract) -> str:
    """The matrix's title: the contract's own, else one made from its institution and year."""
    if contract.title:
        return contract.title
    return f"Performance Contract — {contract.institution}, FY {contract.financial_year}"


def _party_fields(label: str, person: Person | None) -> list[tuple[str, str]]:
    if person is None:
        return []
    return [(f"{label} title:", person.title), (f"{label} name:", person.name)]


def title_fields(contract: Contract) -> list[tuple[str, str]]:
    """The title block: (label, value) for each field the contract has, in order."""
    fields = [
        ("Contract id:", contract.id),
        ("Title:", contract.title),
        ("Financial year:", contract.financial_year),
        ("Period start:", str(contract.period_start)),
        ("Period end:", str(contract.period_end)),
        ("Institution:", contract.institution),
        ("Institution id:", contract.institution_id or ""),
        ("Institution category:", contract.category),
        ("Status:", contract.status if "status" in contract.raw else ""),
        ("Guidelines:", contract.guidelines or ""),
        *_party_fields("Principal", contract.principal),
        *_party_fields("Agent", contract.agent),
        ("Parent contract:", contract.parent or ""),
        ("Vision:", contract.vision),
        ("Mission:", contract.mission),
        ("Strategic objectives:", "\n".join(contract.strategic_objectives)),
    ]
    return [(label, value) for label, value in fields if value]


def section_label(name: str, category_id: str, weight: Decimal) -> str:
    """A category's section row: ``Core Mandate [core-mandate] (50%)``."""
    return f"{name} [{category_id}] ({plain(weight)}%)"


def indicator_cells(indicator: Indicator, years: Sequence[str]) -> list[CellValue]:
    """One indicator's row of the matrix, in the order of :func:`matrix_headers`."""
    kind = indicator.kind
    quarterly = list(indicator.quarterly_targets or ())
    quarters = [figure(kind, quarterly[q]) if q < len(quarterly) else None for q in range(4)]
    criteria = [figure(kind, indicator.criteria_values.get(name)) for name in CRITERIA_COLUMNS]
    return [
        indicator.id,
        indicator.name,
        indicator.unit or None,
        kind,
        scalar(indicator.weight),
        *(figure(kind, indicator.baseline.get(year)) for year in years),
        figure(kind, indicator.target),
        *quarters,
        indicator.owner or None,
        _date_cell(indicator.due),
        *criteria,
        indicator.notes or None,
        indicator.measure,
        indicator.raw.get("aggregation"),
        ", ".join(indicator.alignment) or None,
        _cascade_cell(indicator),
        indicator.goal,
    ]


def goal_cells(goal: Goal, years: Sequence[str]) -> list[CellValue]:
    """A goal's row: Kind ``goal``, its weight, owner, notes and links; no figures
    (its sub-indicators' rows follow it, naming it in the Goal id column)."""
    figures: list[CellValue] = [None] * (len(years) + 1 + 4)  # baselines, target, Q1-Q4
    return [
        goal.id,
        goal.name,
        goal.unit or None,
        GOAL_KIND,
        scalar(goal.weight),
        *figures,
        goal.owner or None,
        None,
        *([None] * len(CRITERIA_COLUMNS)),
        goal.notes or None,
        None,
        None,
        ", ".join(goal.alignment) or None,
        _cascade_cell(goal),
        None,
    ]


def _cascade_cell(indicator: Indicator | Goal) -> str | None:
    """``cascaded_from`` as one cell: ``parent-contract-id/INDICATOR``."""
    ref = indicator.cascaded_from
    return None if ref is None else f"{ref.contract}/{ref.indicator}"


def _signature_rows(contract: Contract) -> list[MatrixRow]:
    rows: list[MatrixRow] = []
    parties = (("Principal", contract.principal), ("Agent", contract.agent))
    for role, person in parties:
        if person is None:
            continue
        if rows:
            rows.append(MatrixRow(BLANK, []))
        rows.append(MatrixRow(SIGNATURE, ["Signed:", SIGN_LINE]))
        if person.name:
            rows.append(MatrixRow(SIGNATURE, [None, person.name]))
        rows.append(MatrixRow(SIGNATURE, [None, f"{person.title} ({role})"]))
        rows.append(MatrixRow(SIGNATURE, ["Date:", contract.signed_on or SIGN_LINE]))
    return rows


def matrix_rows(contract: Contract) -> list[MatrixRow]:
    """Every row of the matrix sheet, from row 1, each tagged with its role."""
    years = baseline_years(contract)
    rows = [MatrixRow(TITLE, [contract_title(contract)])]
    rows += [MatrixRow(FIELD, [label, value]) for label, value in title_fields(contract)]
    rows += [MatrixRow(BLANK, []), MatrixRow(HEADER, list(matrix_headers(contract)))]
    for category in contract.criteria:
        label = section_label(category.name, category.id, category.weight)
        rows.append(MatrixRow(SECTION, [label]))
        for item in category.items or category.indicators:
            if isinstance(item, Goal):
                rows.append(MatrixRow(INDICATOR, goal_cells(item, years)))
                rows += [MatrixRow(INDICATOR, indicator_cells(i, years)) for i in item.indicators]
            else:
                rows.append(MatrixRow(INDICATOR, indicator_cells(item, years)))
    signatures = _signature_rows(contract)
    if signatures:
        rows += [MatrixRow(BLANK, []), *signatures]
    return rows


def contract_rows(contract: Contract) -> list[list[CellValue]]:
    """The matrix sheet's cells, row by row from row 1, as :func:`contract_workbook`
    writes them (a round-trip test compares an import against these)."""
    return [row.cells for row in matrix_rows(contract)]


LINE_HEIGHT: Final = 15.0  # points: one line of 11 pt text
TITLE_HEIGHT: Final = 22.0  # the 14 pt title


def row_height(cells: Sequence[CellValue], widths: Sequence[float]) -> float:
    """A height (points) that shows every wrapped text cell of a row whole: the
    lines the longest needs at its column's width (in characters)."""
    lines = 1
    for value, width in zip(cells, widths, strict=False):
        if isinstance(value, str):
            lines = max(lines, -(-len(value) // max(int(width) - 1, 1)))
    return LINE_HEIGHT * lines


def _wrap(sheet: Worksheet, at: int, columns: Iterable[int]) -> None:
    from openpyxl.styles import Alignment

    for column in columns:
        sheet.cell(row=at, column=column).alignment = Alignment(wrap_text=True, vertical="top")


def _style_matrix(sheet: Worksheet, rows: Sequence[MatrixRow], widths: Sequence[float]) -> None:
    from openpyxl.styles import Font

    columns = len(widths)
    text_width = sum(widths[1:])
    for at, row in enumerate(rows, 1):
        if row.role == HEADER:
            _bold(sheet, at, columns)
            _wrap(sheet, at, range(1, columns + 1))
            sheet.row_dimensions[at].height = row_height(row.cells, widths)
            sheet.freeze_panes = f"C{at + 1}"
            _landscape(sheet, at)
        elif row.role == SECTION:
            sheet.cell(row=at, column=1).font = Font(bold=True)
            sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=columns)
        elif row.role == FIELD:
            # the value across the sheet, wrapped: a long vision stays on the page
            sheet.cell(row=at, column=1).font = Font(bold=True)
            sheet.merge_cells(start_row=at, start_column=2, end_row=at, end_column=columns)
            _wrap(sheet, at, (2,))
            sheet.row_dimensions[at].height = row_height([None, row.cells[1]], [0, text_width])
        elif row.role == INDICATOR:
            _wrap(sheet, at, range(1, columns + 1))
            sheet.row_dimensions[at].height = row_height(row.cells, widths)


def contract_workbook(contract: Contract, guidelines: Guidelines | None = None) -> Workbook:
    """The contract as its performance matrix: one sheet in the agreed layout,
    printable on A4 landscape. ``guidelines`` name the issuing office in the
    printed header."""
    book = _new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = MATRIX_SHEET
    rows = matrix_rows(contract)
    headers = matrix_headers(contract)
    _write_rows(sheet, 1, (row.cells for row in rows))
    _title(sheet, contract_title(contract), len(headers))
    years = baseline_years(contract)
    widths = [w for _, w in _LEAD] + [BASELINE_WIDTH] * len(years) + [w for _, w in _TRAIL]
    _style_matrix(sheet, rows, widths)
    _widths(sheet, widths)
    sheet.print_area = f"A1:{_letter(len(headers))}{len(rows)}"
    header, footer = sheet.oddHeader, sheet.oddFooter
    if guidelines is not None and guidelines.issued_by and header is not None:
        header.center.text = inert_text(guidelines.issued_by).replace("&", "&&")
    if footer is not None:
        footer.center.text = "Page &P of &N"
    return book


# -- the results template ---------------------------------------------------------

RESULTS_HEADERS: Final = (
    ("Id", 16.0),  # wide enough for the title block's labels too
    ("Indicator", 42.0),
    ("Unit", 16.0),
    ("Target", 14.0),
    ("Quarter target", 14.0),
    ("Actual", 14.0),
    ("Evidence", 30.0),
    ("Notes", 30.0),
    ("Not applicable", 10.0),
    ("Reason", 30.0),
)
# The columns an officer fills in, by header: their cells are left unlocked.
EDITABLE_COLUMNS: Final = ("Actual", "Evidence", "Notes", "Not applicable", "Reason")
NOT_APPLICABLE_PROMPT: Final = (
    "Choose Yes if the indicator does not apply this period (an exogenous factor); "
    "a reason is required: give it in the Reason column."
)
# The widest range a decimal validation allows: any finite figure a cell holds.
_DECIMAL_RANGE: Final = ("-1E+307", "1E+307")
# Dates as Excel counts them: 1900-01-01 to 9999-12-31.
_DATE_RANGE: Final = ("1", "2958465")


def _column(name: str) -> int:
    return [header for header, _ in RESULTS_HEADERS].index(name) + 1


def period_target(indicator: Indicator, period: str) -> CellValue:
    """The target for ``period``: the indicator's quarterly target (as the
    progress report reckons it) for Q1 to Q4, the annual target for annual."""
    from pcontract.scoring.method import quarter_target

    if period == "annual" or not period.startswith("Q"):
        return figure(indicator.kind, indicator.target)
    value = quarter_target(indicator, int(period[1:]))
    return None if value is None else scalar(value)


def results_title_fields(contract: Contract, period: str) -> list[tuple[str, str]]:
    return [
        ("Contract id:", contract.id),
        ("Period:", period),
        ("Financial year:", contract.financial_year),
    ]


def results_rows(contract: Contract, period: str) -> Rows:
    """The template's cells from row 1: title, title block, a blank row, the
    header, then one row per scored indicator (Actual onwards blank)."""
    title = f"Results {period} — {contract_title(contract)}"
    rows: Rows = [
        [title],
        *([label, value] for label, value in results_title_fields(contract, period)),
    ]
    rows += [[], [name for name, _ in RESULTS_HEADERS]]
    for indicator in contract.indicators:
        rows.append(
            [
                indicator.id,
                indicator.name,
                indicator.unit or None,
                figure(indicator.kind, indicator.target),
                period_target(indicator, period),
            ]
        )
    return rows


def _validation(kind: str) -> Any:
    """The data validation of an Actual cell for an indicator of ``kind``."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind in NUMERIC_KINDS:
        low, high = _DECIMAL_RANGE
        rule = DataValidation(type="decimal", operator="between", formula1=low, formula2=high)
        rule.error, rule.errorTitle = "Enter a number.", "Not a number"
    elif kind == KIND_MILESTONE:
        low, high = _DATE_RANGE
        rule = DataValidation(type="date", operator="between", formula1=low, formula2=high)
        rule.error, rule.errorTitle = "Enter the completion date.", "Not a date"
    else:
        rule = DataValidation(type="list", formula1='"Yes,No"')
        rule.error, rule.errorTitle = "Choose Yes or No.", "Yes or No"
    rule.allow_blank = True
    rule.showErrorMessage = True
    return rule


def _not_applicable_validation() -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1='"Yes"', allow_blank=True)
    rule.promptTitle = "Not applicable"
    rule.prompt = NOT_APPLICABLE_PROMPT
    rule.showInputMessage = True
    rule.error, rule.errorTitle = "Choose Yes, or leave it blank.", "Yes or blank"
    rule.showErrorMessage = True
    return rule


def _protect_results(sheet: Worksheet, kinds: Sequence[str], first: int) -> None:
    """Lock the sheet but for the cells an officer fills in, each with its validation."""
    from openpyxl.styles import Protection
    from openpyxl.utils import get_column_letter

    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widths may change
    sheet.protection.formatRows = False
    actual = get_column_letter(_column("Actual"))
    rules: dict[str, Any] = {}
    for offset, kind in enumerate(kinds):
        row = first + offset
        for name in EDITABLE_COLUMNS:
            sheet.cell(row=row, column=_column(name)).protection = Protection(locked=False)
        group = kind if kind in (KIND_MILESTONE, KIND_BINARY) else "number"
        if group not in rules:
            rules[group] = _validation(kind)
        rules[group].add(f"{actual}{row}")
        if kind == KIND_MILESTONE:
            sheet.cell(row=row, column=_column("Actual")).number_format = DATE_FORMAT
    if kinds:
        flag = get_column_letter(_column("Not applicable"))
        not_applicable = _not_applicable_validation()
        not_applicable.add(f"{flag}{first}:{flag}{first + len(kinds) - 1}")
        rules["not-applicable"] = not_applicable
    for rule in rules.values():
        sheet.add_data_validation(rule)


def results_workbook(contract: Contract, period: str) -> Workbook:
    """A reporting sheet for ``period`` (Q1 to Q4, or annual), pre-filled with
    each indicator's id, name, unit, target and period target, protected but
    for the Actual, Evidence, Notes, Not applicable and Reason cells."""
    book = _new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = RESULTS_SHEET
    rows = results_rows(contract, period)
    _write_rows(sheet, 1, rows)
    columns = len(RESULTS_HEADERS)
    _title(sheet, str(rows[0][0]), columns)
    header = len(results_title_fields(contract, period)) + 3
    _bold(sheet, header, columns)
    for at in range(2, header - 1):
        _bold(sheet, at, 1)
    sheet.freeze_panes = f"C{header + 1}"
    _landscape(sheet, header)
    widths = [width for _, width in RESULTS_HEADERS]
    _widths(sheet, widths)
    for at in range(header, len(rows) + 1):
        _wrap(sheet, at, range(1, columns + 1))
        sheet.row_dimensions[at].height = row_height(rows[at - 1], widths)
    _protect_results(sheet, [i.kind for i in contract.indicators], header + 1)
    return book


# -- score and rank ---------------------------------------------------------------

SCORE_FORMAT: Final = "0.0000"
DETAIL_HEADERS: Final = (
    ("Id", 9.0),
    ("Indicator", 40.0),
    ("Category", 18.0),
    ("Goal", 9.0),
    ("Kind", 10.0),
    ("Unit", 14.0),
    ("Weight", 9.0),
    ("Effective weight", 10.0),
    ("Target", 13.0),
    ("Actual", 13.0),
    ("Reported", 13.0),
    ("Status", 14.0),
    ("Achievement (%)", 12.0),
    ("Raw score", 10.0),
    ("Weighted score", 10.0),
    ("Result", 26.0),
    ("Evidence", 26.0),
    ("Reason", 26.0),
    ("Notes", 26.0),
)
LEAGUE_HEADERS: Final = (
    ("Rank", 7.0),
    ("Institution", 40.0),
    ("Contract", 22.0),
    ("Composite", 11.0),
    ("Grade", 12.0),
    ("Last year", 30.0),
    ("Movement", 22.0),
    ("Flags", 36.0),
)
CATEGORY_HEADERS: Final = ("Category", "Weight", "Effective weight", "Weighted score")
PROGRESS_HEADERS: Final = (
    ("Id", 9.0),
    ("Quarter", 9.0),
    ("Quarter target", 14.0),
    ("Actual", 14.0),
    ("% of quarter target", 12.0),
    ("Status", 18.0),
    ("Projected raw score", 12.0),
)
# The detail columns that hold scores, shown to 4 places.
_SCORE_COLUMNS: Final = frozenset(
    {"Composite", "Raw score", "Weighted score", "Projected raw score"}
)


def _score(value: Fraction | Decimal | None) -> float | None:
    return number(value, 4)


def detail_cells(item: IndicatorScore) -> list[CellValue]:
    """One indicator's row of a contract's detail sheet, as DETAIL_HEADERS name them."""
    from pcontract.render.tables import result_cell

    kind = item.kind
    return [
        item.id,
        item.name,
        item.category,
        item.goal,
        kind,
        item.unit or None,
        _score(item.weight),
        _score(item.effective_weight),
        figure(kind, item.target),
        figure(kind, item.actual),
        figure(kind, item.reported),
        item.status,
        number(item.achievement_pct, 2),
        _score(item.raw_score),
        _score(item.weighted_score),
        result_cell(item),
        item.evidence or None,
        item.reason or None,
        item.notes or None,
    ]


def _table_sheet(
    sheet: Worksheet,
    title: str,
    headers: Sequence[tuple[str, float]],
    rows: Sequence[Sequence[CellValue]],
    first: int = 3,
) -> None:
    """A titled table: the title merged in row 1, the header in row ``first``
    (bold, frozen below), the rows under it, printable on A4 landscape."""
    from openpyxl.utils import get_column_letter

    _title(sheet, title, len(headers))
    names = [name for name, _ in headers]
    _write_rows(sheet, first, [names, *rows])
    _bold(sheet, first, len(headers))
    sheet.freeze_panes = f"B{first + 1}"
    _landscape(sheet, first)
    _widths(sheet, [width for _, width in headers])
    for index, name in enumerate(names, 1):
        if name in _SCORE_COLUMNS:
            letter = get_column_letter(index)
            for row in range(first + 1, first + 1 + len(rows)):
                sheet[f"{letter}{row}"].number_format = SCORE_FORMAT
    if rows:
        last = get_column_letter(len(headers))
        sheet.auto_filter.ref = f"A{first}:{last}{first + len(rows)}"


def _detail_sheet(book: Workbook, score: ContractScore, taken: set[str]) -> None:
    sheet = book.create_sheet(sheet_name(score.contract, taken))
    title = f"{score.institution} — {score.financial_year} ({score.period or 'no results'})"
    rows = [detail_cells(item) for item in score.indicators]
    _table_sheet(sheet, title, DETAIL_HEADERS, rows)


def _summary_fields(scored: Scored) -> list[tuple[str, CellValue]]:
    from pcontract.render.tables import last_year_text, movement_text

    score = scored.score
    fields: list[tuple[str, CellValue]] = [
        ("Contract id:", score.contract),
        ("Institution:", score.institution),
        ("Institution category:", score.category),
        ("Financial year:", score.financial_year),
        ("Period:", score.period or "no results"),
        ("Method:", score.method),
        ("Guidelines:", score.guidelines_id),
        ("Composite:", _score(score.composite_display)),
        ("Grade:", score.grade),
        ("Not scored:", score.not_scored),
    ]
    if scored.previous is not None:
        fields.append(("Last year:", last_year_text(scored.previous)))
        fields.append(("Movement:", movement_text(scored.movement)))
    return [(label, value) for label, value in fields if value is not None]


def score_workbook(scored: Scored) -> Workbook:
    """``score --format xlsx``: a Score sheet (the composite, grade and category
    subtotals, and the warnings), the contract's indicator detail, and for a
    quarter's results a Progress sheet."""
    from pcontract.render.tables import warning_line

    book = _new_workbook()
    sheet = book.active
    assert sheet is not None
    taken: set[str] = set()
    sheet.title = sheet_name("Score", taken)
    score = scored.score
    fields = _summary_fields(scored)
    rows: Rows = [[label, value] for label, value in fields]
    categories = [
        [c.name, _score(c.weight), _score(c.effective_weight), _score(c.weighted_score)]
        for c in score.categories
    ]
    rows += [[], list(CATEGORY_HEADERS), *categories]
    warnings = [warning_line(p) for p in (*score.warnings, *scored.warnings)]
    if warnings:
        rows += [[], ["Warnings"], *([text] for text in warnings)]
    _write_rows(sheet, 2, rows)
    _title(sheet, f"{score.institution} — {score.financial_year}", len(CATEGORY_HEADERS))
    for at in range(2, 2 + len(fields)):
        _bold(sheet, at, 1)
    _bold(sheet, 3 + len(fields), len(CATEGORY_HEADERS))
    composite = next((at for at, (label, _) in enumerate(fields, 2) if label == "Composite:"), 0)
    if composite:
        sheet.cell(row=composite, column=2).number_format = SCORE_FORMAT
    _landscape(sheet)
    _widths(sheet, [24.0, 40.0, 16.0, 16.0])
    _detail_sheet(book, score, taken)
    if score.progress:
        _progress_sheet(book, score, taken)
    return book


def _progress_sheet(book: Workbook, score: ContractScore, taken: set[str]) -> None:
    """A quarter's progress: each indicator against its quarter target, and the
    projected year-end raw score (as ``score`` shows them for quarterly results)."""
    kinds = {item.id: item.kind for item in score.indicators}
    rows = [
        [
            p.id,
            f"Q{p.quarter}",
            scalar(p.quarter_target) if p.quarter_target is not None else None,
            figure(kinds.get(p.id, ""), p.actual),
            number(p.pct_of_quarter_target, 2),
            p.status,
            _score(p.projected_raw_score),
        ]
        for p in score.progress
    ]
    sheet = book.create_sheet(sheet_name("Progress", taken))
    title = f"{score.institution} — {score.financial_year} ({score.period}): progress"
    _table_sheet(sheet, title, PROGRESS_HEADERS, rows)


def league_cells(row: RankRow) -> list[CellValue]:
    from pcontract.render.tables import last_year_text, movement_text

    return [
        row.rank,
        row.institution,
        row.contract,
        _score(row.composite_display),
        row.grade,
        last_year_text(row.previous) if row.previous is not None else None,
        movement_text(row.movement) if row.movement is not None else None,
        ", ".join(row.flags) or None,
    ]


def rank_workbook(rows: Sequence[RankRow], scores: Iterable[ContractScore]) -> Workbook:
    """``rank --format xlsx``: one sheet per league table (financial year ×
    category, in rank's order), then each ranked contract's indicator detail."""
    from pcontract.render.tables import _by_table, table_title

    book = _new_workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    taken: set[str] = set()
    for items in _by_table(rows).values():
        title = table_title(items)
        sheet = book.create_sheet(sheet_name(title.replace(" · ", " "), taken))
        _table_sheet(sheet, title, LEAGUE_HEADERS, [league_cells(r) for r in items])
    by_contract = {score.contract: score for score in scores}
    for row in rows:
        score = by_contract.get(row.contract)
        if score is not None:
            _detail_sheet(book, score, taken)
    if not book.worksheets:
        book.create_sheet(sheet_name("League", taken))
    return book
