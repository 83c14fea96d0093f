"""``import results``: a filled reporting sheet as a Results file.

The sheet is the one ``export results-template`` writes: a title block ("Contract
id:", "Period:" Q1 to Q4 or annual, "Financial year:", optionally "As of:"), then
the columns Id, Indicator, Unit, Target, Quarter target, Actual, Evidence, Notes,
Not applicable and Reason; only Id and Actual are required, in any order. Each
actual is read as its indicator's kind needs (a number, a completion date, yes or
no). Nothing is returned to write while any cell is bad.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcontract.errors import InputError
from pcontract.files.workbook import Cell, Sheet, open_workbook, problem
from pcontract.importing import cells
from pcontract.importing.cells import CellProblem
from pcontract.importing.contract import Imported, cell_for, dump_yaml, indented, relocate
from pcontract.importing.layout import Columns, TitleBlock, find_header, read_title_block
from pcontract.model import KIND_MILESTONE, NUMERIC_KINDS, Contract, Indicator
from pcontract.problems import JsonPath, Problem

PERIODS = {"annual": "annual", "q1": "Q1", "q2": "Q2", "q3": "Q3", "q4": "Q4"}


def load_contract(path: str) -> Contract:
    """The contract the results report on; raises :class:`InputError` when it does
    not validate."""
    from pcontract.checking.checker import Target, check_file

    report = check_file(Target(Path(path), path, True), keep_document=True)
    if report.has_errors or not isinstance(report.document, Contract):
        problems = [p for p in report.problems if p.is_error]
        raise InputError(f"the contract {path} does not validate", list(problems))
    return report.document


@dataclass(slots=True)
class _Sheet:
    file: str
    sheet: Sheet
    columns: Columns
    title: TitleBlock
    contract: Contract
    problems: list[Problem] = field(default_factory=list)
    cells: dict[JsonPath, Cell] = field(default_factory=dict)
    ranges: dict[str, str] = field(default_factory=dict)

    def fail(self, error: CellProblem, cell: Cell | None) -> None:
        self.problems.append(problem(self.file, error.code, str(error), cell))


def import_results(
    path: Path,
    file: str,
    contract_path: str,
    sheet_name: str | None = None,
    as_of: str | None = None,
    results_name: str = "results.yaml",
) -> Imported:
    """Read the filled sheet at ``path``; the result's text is None while any
    cell is bad. Raises ``WorkbookError`` for a workbook that cannot be read
    safely, and ``InputError`` for a contract that does not validate."""
    contract = load_contract(contract_path)
    book = open_workbook(path, file)
    sheet = book.sheet(sheet_name)
    try:
        columns = find_header(sheet, ("id", "actual"))
    except CellProblem as error:
        where = error.cell or sheet.cell(1, 1)
        return Imported(file, None, [problem(file, error.code, str(error), where)])
    reading = _Sheet(file, sheet, columns, read_title_block(sheet, columns.row), contract)
    head = _head(reading, as_of)
    achievements = _rows(reading)
    result = Imported(file, None, [*book.warnings, *reading.problems])
    result.indicators = len(achievements)
    if not result.ok:
        return result
    data = {**head, "achievements": achievements}
    result.text = _text(data, reading)
    result.problems.extend(_validate(result.text, reading, results_name))
    if not result.ok:
        result.text = None
    return result


def _head(reading: _Sheet, as_of: str | None) -> dict[str, Any]:
    fields = reading.title.fields
    contract = reading.contract
    head: dict[str, Any] = {"apiVersion": "pcontract/v1", "kind": "Results"}
    given = fields.get(("id",))
    if given is not None and given.text != contract.id:
        reading.fail(
            CellProblem(
                cells.CODE_FIELD,
                f"the sheet is for the contract {given.text}, not {contract.id}",
            ),
            given,
        )
    head["contract"] = contract.id
    year = fields.get(("financial_year",))
    if year is not None and year.text != contract.financial_year:
        message = f"the sheet is for {year.text}, the contract for {contract.financial_year}"
        reading.fail(CellProblem(cells.CODE_FIELD, message), year)
    head["period"] = _period(reading, fields.get(("results_period",)))
    head["as_of"] = _as_of(reading, as_of, fields.get(("as_of",)))
    return head


def _period(reading: _Sheet, cell: Cell | None) -> str | None:
    if cell is None:
        reading.fail(
            CellProblem(cells.CODE_FIELD, "no period: add a 'Period:' row (Q1 to Q4, or annual)"),
            None,
        )
        return None
    period = PERIODS.get(cell.text.lower().replace("quarter ", "q"))
    if period is None:
        message = f"the period is Q1, Q2, Q3, Q4 or annual, not {cell.text!r}"
        reading.fail(CellProblem(cells.CODE_FIELD, message), cell)
    else:
        reading.cells[("period",)] = cell
    return period


def _as_of(reading: _Sheet, given: str | None, cell: Cell | None) -> dt.date | None:
    if given is not None:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            reading.fail(CellProblem(cells.CODE_DATE, f"--as-of {given!r} is not a date"), None)
            return None
    if cell is None:
        return dt.date.today()
    try:
        return cells.date(cell, "the date the figures are as of")
    except CellProblem as error:
        reading.fail(error, cell)
        return None


def _rows(reading: _Sheet) -> dict[str, dict[str, Any]]:
    achievements: dict[str, dict[str, Any]] = {}
    seen: dict[str, Cell] = {}
    for number in range(reading.columns.row + 1, len(reading.sheet.rows) + 1):
        row = reading.sheet.rows[number - 1]
        ident = reading.columns.get(row, "id")
        if ident is None or ident.is_blank:
            continue
        key = ident.text
        indicator = reading.contract.indicator(key)
        if indicator is None:
            message = f"the contract {reading.contract.id} has no indicator {key}"
            reading.fail(CellProblem(cells.CODE_INDICATOR, message), ident)
            continue
        if key in seen:
            message = f"the indicator {key} is reported twice (first at {seen[key].ref})"
            reading.fail(CellProblem(cells.CODE_INDICATOR, message), ident)
            continue
        seen[key] = ident
        reading.ranges[key] = reading.sheet.range_ref(number)
        reading.cells[("achievements", key)] = ident
        achievements[key] = _achievement(reading, row, indicator)
    return achievements


def _filled(reading: _Sheet, row: list[Cell], name: str) -> Cell | None:
    cell = reading.columns.get(row, name)
    return None if cell is None or cell.is_blank else cell


def _achievement(reading: _Sheet, row: list[Cell], indicator: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {}
    path: JsonPath = ("achievements", indicator.id)
    flag = reading.columns.get(row, "not_applicable")
    if flag is not None and cells.yes_no(flag):
        out["status"] = "not-applicable"
        reason = _filled(reading, row, "reason")
        if reason is not None:
            out["reason"] = reason.text
            reading.cells[(*path, "reason")] = reason
        else:
            where = reading.columns.get(row, "reason") or flag
            message = f"{indicator.id} is marked not applicable without a reason: give the reason"
            reading.fail(CellProblem(cells.CODE_BLANK, message), where)
    else:
        actual = _actual(reading, row, indicator)
        if actual is not None:
            out["actual"] = actual
    for name in ("evidence", "notes"):
        cell = _filled(reading, row, name)
        if cell is not None:
            out[name] = cell.text
            reading.cells[(*path, name)] = cell
    return out


def _actual(reading: _Sheet, row: list[Cell], indicator: Indicator) -> Any:
    cell = reading.columns.get(row, "actual")
    if cell is None or (cell.is_blank and not cell.error):
        where = cell or row[0]
        message = (
            f"the actual of {indicator.id} is blank: enter the figure, or mark it not "
            "applicable with a reason"
        )
        reading.fail(CellProblem(cells.CODE_BLANK, message), where)
        return None
    reading.cells[("achievements", indicator.id, "actual")] = cell
    try:
        if indicator.kind in NUMERIC_KINDS:
            return cells.number(cell, f"a number ({indicator.unit or 'the figure'})")
        if indicator.kind == KIND_MILESTONE:
            return cells.date(cell, "a completion date")
        return cells.boolean(cell)
    except CellProblem as error:
        reading.fail(error, cell)
        return None


def _text(data: dict[str, Any], reading: _Sheet) -> str:
    sheet = reading.sheet.name or "the file"
    out = [
        f"# Imported by pcontract from {reading.file} (sheet {sheet}); each comment names",
        "# the cells an achievement came from.",
        dump_yaml({k: v for k, v in data.items() if k != "achievements"}).rstrip("\n"),
        "achievements:",
    ]
    for key, item in data["achievements"].items():
        out.append(f"  # {reading.ranges[key]}")
        out.extend(indented(dump_yaml({key: item}), "  ", "  "))
    return "\n".join(out) + "\n"


def _validate(text: str, reading: _Sheet, name: str) -> list[Problem]:
    from pcontract.checking.checker import Options, check_bytes

    report = check_bytes(text.encode("utf-8"), name, name, Options())
    return [relocate(p, reading.file, cell_for(reading.cells, p.path)) for p in report.problems]
