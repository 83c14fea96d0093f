"""``import contract``: read the matrix, fill the contract's fields, write the draft
and validate it, locating what the validator finds at the cells it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pcontract.files.workbook import Cell, Workbook, open_workbook, problem
from pcontract.importing import cells
from pcontract.importing.cells import CellProblem
from pcontract.importing.matrix import (
    MatrixMap,
    Problemish,
    Reading,
    assign_ids,
    criteria,
    read_matrix,
)
from pcontract.problems import JsonPath, Problem, Severity

API_VERSION = "pcontract/v1"
# The order of the draft's fields, as the examples write them.
ORDER = (
    "apiVersion",
    "kind",
    "id",
    "title",
    "financial_year",
    "period",
    "institution",
    "parties",
    "parent",
    "status",
    "guidelines",
    "vision",
    "mission",
)
REQUIRED: dict[tuple[str, ...], str] = {
    ("id",): "Contract id",
    ("title",): "Title",
    ("financial_year",): "Financial year",
    ("period", "start"): "Period start",
    ("period", "end"): "Period end",
    ("institution", "name"): "Institution",
    ("institution", "category"): "Institution category",
    ("parties", "principal", "title"): "Principal title",
    ("parties", "agent", "title"): "Agent title",
}
DATE_FIELDS = frozenset({("period", "start"), ("period", "end")})


@dataclass(slots=True)
class Imported:
    """The draft (None when a cell could not be read) and every problem found."""

    file: str
    text: str | None
    problems: list[Problem] = field(default_factory=list)
    indicators: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def located(file: str, found: Problemish) -> Problem:
    severity = Severity.WARNING if found.warning else Severity.ERROR
    return problem(file, found.code, found.message, found.cell, severity)


def import_contract(
    path: Path,
    file: str,
    sheet: str | None = None,
    mapping: MatrixMap | None = None,
    header: Mapping[str, Any] | None = None,
    draft_name: str = "draft.yaml",
) -> Imported:
    """Read the matrix at ``path`` (named ``file`` in problems) as a Contract draft.

    Raises :class:`~pcontract.files.workbook.WorkbookError` for a workbook that cannot
    be read safely; every other problem is returned, located at its cell."""
    book = open_workbook(path, file)
    return import_from(book, sheet, mapping, header, draft_name)


def import_from(
    book: Workbook,
    sheet_name: str | None = None,
    mapping: MatrixMap | None = None,
    header: Mapping[str, Any] | None = None,
    draft_name: str = "draft.yaml",
) -> Imported:
    sheet = book.sheet(sheet_name)
    result = Imported(book.file, None, list(book.warnings))
    try:
        reading = read_matrix(sheet, mapping)
    except CellProblem as error:
        where = error.cell or sheet.cell(1, 1)
        result.problems.append(problem(book.file, error.code, str(error), where))
        return result
    assign_ids(reading)
    data = _contract(reading, dict(header or {}))
    result.problems.extend(located(book.file, p) for p in reading.problems)
    result.indicators = sum(len(s.indicators) for s in reading.sections)
    if not result.ok:
        return result
    result.text = draft_text(data, reading, book.file)
    result.problems.extend(validate_draft(result.text, reading, book.file, draft_name))
    return result


# -- the contract's fields ------------------------------------------------------------


def _contract(reading: Reading, header: dict[str, Any]) -> dict[str, Any]:
    if "criteria" in header:
        reading.problems.append(
            Problemish(
                cells.CODE_FIELD,
                "the --header file gives criteria: they are ignored",
                None,
                warning=True,
            )
        )
        header.pop("criteria")
    data: dict[str, Any] = {"apiVersion": API_VERSION, "kind": "Contract"}
    _title_fields(reading, data)
    for key, value in header.items():
        if isinstance(value, Mapping) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    data.setdefault("status", "draft")
    for where, label in REQUIRED.items():
        if _get(data, where) is None:
            reading.problems.append(
                Problemish(
                    cells.CODE_FIELD,
                    f"no {label.lower()}: add a '{label}:' row above the header, or give it "
                    "in a --header file",
                )
            )
    data["criteria"] = criteria(reading)
    ordered = {key: data.pop(key) for key in ORDER if key in data}
    return {**ordered, **data}


def _title_fields(reading: Reading, data: dict[str, Any]) -> None:
    block = reading.title
    for where, cell in block.fields.items():
        if where[0] in ("results_period", "as_of"):
            continue
        value: Any = cell.text
        if where in DATE_FIELDS:
            try:
                value = cells.date(cell)
            except CellProblem as error:
                reading.fail(error, cell)
                continue
        _put(data, where, value)
        reading.cells[where] = cell
    if "title" not in data and block.title is not None:
        data["title"] = block.title.text
        reading.cells[("title",)] = block.title


def _get(data: Mapping[str, Any], where: tuple[str, ...]) -> Any:
    value: Any = data
    for key in where:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _put(data: dict[str, Any], where: tuple[str, ...], value: Any) -> None:
    for key in where[:-1]:
        data = data.setdefault(key, {})
    data[where[-1]] = value


# -- the draft ------------------------------------------------------------------------


def dump_yaml(value: Any) -> str:
    text: str = yaml.dump(
        value,
        Dumper=yaml.CSafeDumper,  # libyaml: a 200-indicator draft in milliseconds
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return text


def indented(text: str, indent: str, first: str) -> list[str]:
    lines = text.rstrip("\n").split("\n")
    return [first + lines[0], *(indent + line for line in lines[1:])]


def draft_text(data: dict[str, Any], reading: Reading, source: str) -> str:
    """The draft as YAML, each category and indicator under a comment naming its
    source cells; quoting only where YAML needs it."""
    sheet = reading.sheet.name or "the file"
    out = [
        f"# Imported by pcontract from {source} (sheet {sheet}); review it, then run",
        "# `pcontract validate` on it. Each comment names the cells an entry came from.",
    ]
    head = {key: value for key, value in data.items() if key != "criteria"}
    out.append(dump_yaml(head).rstrip("\n"))
    out.append("")
    out.append("criteria:")
    for c_index, category in enumerate(data["criteria"]):
        out.append(f"  # {reading.sections[c_index].cell.ref}")
        fields = {key: value for key, value in category.items() if key != "indicators"}
        out.extend(indented(dump_yaml(fields), "    ", "  - "))
        out.append("    indicators:")
        for i_index, indicator in enumerate(category["indicators"]):
            out.append(f"      # {reading.ranges[('criteria', c_index, 'indicators', i_index)]}")
            out.extend(indented(dump_yaml(indicator), "        ", "      - "))
    return "\n".join(out) + "\n"


def cell_for(cells_by_path: Mapping[JsonPath, Cell], path: JsonPath) -> Cell | None:
    """The cell a path's value came from: the path's own, else its nearest parent's."""
    for end in range(len(path), 0, -1):
        cell = cells_by_path.get(tuple(path[:end]))
        if cell is not None:
            return cell
    return None


def relocate(found: Problem, source: str, cell: Cell | None) -> Problem:
    """A problem the validator found in a draft, at the cell its value came from
    (unchanged, on the draft, without one)."""
    if cell is None:
        return found
    return Problem(
        source,
        cell.row,
        cell.column,
        found.code,
        found.severity,
        found.message,
        found.path,
        found.hint,
        cell=cell.ref,
    )


def validate_draft(text: str, reading: Reading, source: str, draft_name: str) -> list[Problem]:
    """The validator's problems with the draft, each at the cell its value came from
    (problems of the draft as a whole stay on the draft)."""
    from pcontract.checking.checker import Options, check_bytes

    report = check_bytes(text.encode("utf-8"), draft_name, draft_name, Options())
    out = []
    for found in report.problems:
        cell = cell_for(reading.cells, found.path)
        if cell is None and found.path[:1] == ("criteria",):
            cell = reading.columns.cells.get("weight")
        out.append(relocate(found, source, cell))
    return out
