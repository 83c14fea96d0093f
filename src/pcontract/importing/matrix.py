"""``import contract``: a performance matrix (.xlsx, .xlsm, .csv) as a Contract draft.

The usual Kenyan matrix is read without configuration (see :mod:`.layout`): title
rows, a header row, categories as section rows ("Core Mandate [core-mandate] (50%)"
or a plain name) or as a column, then one indicator a row, until the signature
block. Each cell read is remembered by the JSON path it fills, so that whatever
the validator finds in the draft is reported at the cell it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pcontract.files.workbook import Cell, Sheet
from pcontract.importing import cells
from pcontract.importing.cells import CellProblem
from pcontract.importing.layout import Columns, TitleBlock, find_header, read_title_block
from pcontract.model import (
    KIND_BINARY,
    KIND_INCREASE,
    KIND_MILESTONE,
    NUMERIC_KINDS,
)
from pcontract.problems import JsonPath

REQUIRED = ("name", "weight", "target")
# A row whose Kind is "goal" holds the sub-indicators whose rows follow it and name
# it in the Goal id column (the layout ``export contract`` writes). While reading,
# the two markers below say so; :func:`nest_goals` moves the rows under their goal.
GOAL_KIND = "goal"
_GOAL = "__goal__"
_IN_GOAL = "__in_goal__"
_SECTION = re.compile(
    r"^(?P<name>.*?)\s*(?:\[(?P<id>[^\[\]]+)\])?\s*(?:\((?P<weight>[\d.]+)\s*%?\))?$"
)
_SMALL_WORDS = frozenset({"and", "of", "the", "for", "&", "in", "on", "to"})
CRITERIA_FIELDS = ("excellent", "very_good", "good", "fair", "poor")


@dataclass(slots=True)
class Problemish:
    """A problem found while reading: its cell (None: the sheet as a whole)."""

    code: str
    message: str
    cell: Cell | None = None
    warning: bool = False


@dataclass(slots=True)
class Section:
    name: str
    cell: Cell
    id: str | None = None
    weight: int | float | None = None
    indicators: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Reading:
    """What was read from the sheet, and where each value came from."""

    sheet: Sheet
    columns: Columns
    title: TitleBlock
    sections: list[Section] = field(default_factory=list)
    problems: list[Problemish] = field(default_factory=list)
    # Each JSON path of the draft and the cell it came from.
    cells: dict[JsonPath, Cell] = field(default_factory=dict)
    # Each indicator's path and the range of its row, for the draft's comments.
    ranges: dict[JsonPath, str] = field(default_factory=dict)

    def fail(self, problem: CellProblem, cell: Cell | None) -> None:
        self.problems.append(Problemish(problem.code, str(problem), cell))


@dataclass(frozen=True, slots=True)
class MatrixMap:
    """A mapping file (``--map``): columns by field, kinds by indicator id."""

    columns: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)


def read_matrix(sheet: Sheet, mapping: MatrixMap | None = None) -> Reading:
    """Read the matrix on ``sheet``; raises :class:`CellProblem` without a header."""
    mapping = mapping or MatrixMap()
    columns = find_header(sheet, REQUIRED, mapping.columns)
    reading = Reading(sheet, columns, read_title_block(sheet, columns.row))
    for number in range(columns.row + 1, len(sheet.rows) + 1):
        row = sheet.rows[number - 1]
        if _is_signature(row):
            break
        _read_row(reading, row, number, mapping)
    for c_index, section in enumerate(reading.sections):
        _nest_goals(reading, c_index, section)
    _hidden_rows(reading)
    return reading


def _nest_goals(reading: Reading, c_index: int, section: Section) -> None:
    """Put each sub-indicator's row under its goal's, and move the cells and ranges
    recorded for its path (``indicators/5``) to its new one
    (``indicators/2/sub_indicators/1``)."""
    items: list[dict[str, Any]] = []
    goals: dict[object, tuple[int, dict[str, Any]]] = {}
    moves: dict[JsonPath, JsonPath] = {}
    for i_index, raw in enumerate(section.indicators):
        old: JsonPath = ("criteria", c_index, "indicators", i_index)
        parent = raw.pop(_IN_GOAL, None)
        if raw.pop(_GOAL, False):
            raw["sub_indicators"] = []
            goals[raw.get("id")] = (len(items), raw)
        elif parent is not None and parent in goals:
            g_index, goal = goals[parent]
            moves[old] = (*old[:3], g_index, "sub_indicators", len(goal["sub_indicators"]))
            goal["sub_indicators"].append(raw)
            continue
        elif parent is not None:
            message = f"the goal {parent} is not a goal row above this one in its category"
            reading.fail(CellProblem(cells.CODE_INDICATOR, message), reading.cells.get(old))
        moves[old] = (*old[:3], len(items))
        items.append(raw)
    section.indicators = items
    reading.cells = {_moved(moves, key): cell for key, cell in reading.cells.items()}
    reading.ranges = {_moved(moves, key): text for key, text in reading.ranges.items()}


def _moved(moves: Mapping[JsonPath, JsonPath], path: JsonPath) -> JsonPath:
    new = moves.get(tuple(path[:4]))
    return path if new is None else (*new, *path[4:])


def _is_signature(row: list[Cell]) -> bool:
    first = next((cell for cell in row if not cell.is_blank), None)
    return first is not None and first.text.lower().startswith(("signed", "signature"))


def _read_row(reading: Reading, row: list[Cell], number: int, mapping: MatrixMap) -> None:
    filled = [cell for cell in row if not cell.is_blank or cell.error]
    if not filled:
        return
    columns = reading.columns
    name = columns.get(row, "name")
    if (name is None or name.is_blank) and len(filled) == 1 and isinstance(filled[0].value, str):
        _start_section(reading, filled[0])
        return
    category = columns.get(row, "category")
    if category is not None and not category.is_blank:
        _category_column(reading, category)
    if not reading.sections:
        reading.sections.append(Section("Indicators", filled[0], "indicators"))
        reading.problems.append(
            Problemish(
                cells.CODE_FIELD,
                "indicators before any category: they are put in a category 'Indicators'",
                filled[0],
                warning=True,
            )
        )
    section = reading.sections[-1]
    section.indicators.append(_indicator(reading, row, number, mapping, len(reading.sections) - 1))
    section.rows.append(number)


def _start_section(reading: Reading, cell: Cell) -> None:
    match = _SECTION.match(cell.text)
    assert match is not None  # every text matches
    weight = match.group("weight")
    reading.sections.append(
        Section(
            match.group("name") or cell.text,
            cell,
            match.group("id"),
            cells.plain(Decimal(weight)) if weight else None,
        )
    )


def _category_column(reading: Reading, cell: Cell) -> None:
    if not reading.sections or reading.sections[-1].name != cell.text:
        _start_section(reading, cell)


def _hidden_rows(reading: Reading) -> None:
    sheet = reading.sheet
    for number in sorted(sheet.hidden_rows):
        row = sheet.rows[number - 1]
        if any(not cell.is_blank for cell in row):
            reading.problems.append(
                Problemish(
                    "PC656",
                    f"row {number} is hidden and was imported: unhide it and check it",
                    row[0],
                    warning=True,
                )
            )


# -- one indicator --------------------------------------------------------------------


def _indicator(
    reading: Reading, row: list[Cell], number: int, mapping: MatrixMap, c_index: int
) -> dict[str, Any]:
    section = reading.sections[c_index]
    i_index = len(section.indicators)
    path: JsonPath = ("criteria", c_index, "indicators", i_index)
    reading.ranges[path] = reading.sheet.range_ref(number)
    reading.cells[path] = row[0]  # what is said of the indicator as a whole: its row
    columns = reading.columns
    raw: dict[str, Any] = {}
    reader = _Cells(reading, row, path)
    ident = columns.get(row, "id")
    if ident is not None and not ident.is_blank:
        raw["id"] = reader.text("id", ident)
    raw["name"] = reader.text("name", columns.get(row, "name"), required=True)
    unit = columns.get(row, "unit")
    if unit is not None and not unit.is_blank:
        raw["unit"] = reader.text("unit", unit)
    raw["weight"] = reader.value("weight", columns.get(row, "weight"), cells.weight)
    kind = _kind(reader, row, raw.get("id"), mapping)
    if kind == GOAL_KIND:
        raw[_GOAL] = True
    elif kind is not None:
        raw["kind"] = kind
        _figures(reader, raw, kind)
    _extras(reader, raw)
    raw[_IN_GOAL] = reader.text("goal_id", columns.get(row, "goal_id"))
    return {key: value for key, value in raw.items() if value is not None}


def _kind(reader: _Cells, row: list[Cell], ident: object, mapping: MatrixMap) -> str | None:
    columns = reader.reading.columns
    given = columns.get(row, "kind")
    if isinstance(ident, str) and ident in mapping.kinds:
        return mapping.kinds[ident]
    if given is not None and given.text.strip().lower() == GOAL_KIND:
        return GOAL_KIND
    if given is not None and not given.is_blank:
        found: str | None = reader.value("kind", given, cells.kind)
        return found
    target = columns.get(row, "target")
    if target is None or target.is_blank or target.error:
        return KIND_INCREASE  # the blank target is reported where it is read
    unit = columns.get(row, "unit")
    if cells.is_date(target) or (unit is not None and unit.text.lower() in cells.DATE_UNITS):
        return KIND_MILESTONE
    if isinstance(target.value, str) and cells.yes_no(target) is not None:
        return KIND_BINARY
    try:
        cells.decimal(target)
    except CellProblem:
        reader.reading.fail(
            CellProblem(
                cells.CODE_KIND,
                f"cannot tell the kind from the target {target.text!r}: give a number, a date "
                "or yes/no, or add a Kind column (or name the kind in --map)",
            ),
            target,
        )
        return None
    return KIND_INCREASE


def _figure_reader(kind: str) -> Any:
    if kind in NUMERIC_KINDS:
        return cells.number
    if kind == KIND_MILESTONE:
        return cells.date
    return cells.boolean


def _figures(reader: _Cells, raw: dict[str, Any], kind: str) -> None:
    columns = reader.reading.columns
    row = reader.row
    read = _figure_reader(kind)
    raw["target"] = reader.value("target", columns.get(row, "target"), read)
    if kind in NUMERIC_KINDS:
        baseline = {}
        for year, column in columns.baselines:
            cell = row[column - 1]
            if not cell.is_blank:
                baseline[year] = reader.value(("baseline", year), cell, read)
        if baseline:
            raw["baseline"] = baseline
    quarters = [columns.get(row, f"q{n}") for n in range(1, 5)]
    given = [q for q in quarters if q is not None and not q.is_blank]
    if given:
        raw["quarterly_targets"] = [
            reader.value(("quarterly_targets", n), q, read, required=True)
            for n, q in enumerate(quarters)
        ]
    criteria = {}
    for key in CRITERIA_FIELDS:
        point = columns.get(row, key)
        if point is not None and not point.is_blank:
            criteria[key] = reader.value(("criteria_values", key), point, read)
    if criteria:
        raw["criteria_values"] = criteria


def _extras(reader: _Cells, raw: dict[str, Any]) -> None:
    columns = reader.reading.columns
    row = reader.row
    owner = columns.get(row, "owner")
    if owner is not None and not owner.is_blank:
        raw["owner"] = reader.text("owner", owner)
    due = columns.get(row, "due")
    if due is not None and not due.is_blank:
        raw["due"] = reader.value("due", due, cells.date)
    for key in ("notes", "measure", "aggregation"):
        cell = columns.get(row, key)
        if cell is not None and not cell.is_blank:
            raw[key] = reader.text(key, cell)
    alignment = reader.text("alignment", columns.get(row, "alignment"))
    if alignment:
        raw["alignment"] = [item.strip() for item in alignment.split(",") if item.strip()]
    parent = reader.text("cascaded_from", columns.get(row, "cascaded_from"))
    if parent:
        contract, _, indicator = parent.rpartition("/")
        raw["cascaded_from"] = {"contract": contract.strip(), "indicator": indicator.strip()}


@dataclass(slots=True)
class _Cells:
    """Reads one row's cells, remembering where each value came from."""

    reading: Reading
    row: list[Cell]
    path: JsonPath

    def _at(self, key: str | tuple[str, str | int]) -> JsonPath:
        return (*self.path, *(key if isinstance(key, tuple) else (key,)))

    def text(self, key: str, cell: Cell | None, required: bool = False) -> str | None:
        if cell is None or cell.is_blank or cell.error:
            if required or (cell is not None and cell.error):
                self._blank(key, cell)
            return None
        self.reading.cells[self._at(key)] = cell
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime | dt.date):
            return str(cells.date(cell))
        return str(value).strip()

    def value(
        self,
        key: str | tuple[str, str | int],
        cell: Cell | None,
        read: Any,
        required: bool = True,
    ) -> Any:
        if cell is None or cell.is_blank:
            if required:
                self._blank(key, cell)
            return None
        self.reading.cells[self._at(key)] = cell
        try:
            return read(cell)
        except CellProblem as problem:
            self.reading.fail(problem, cell)
            return None

    def _blank(self, key: str | tuple[str, str | int], cell: Cell | None) -> None:
        if cell is not None and cell.error:
            self.reading.fail(CellProblem(cells.CODE_CELL_ERROR, cell.error), cell)
            return
        name = key if isinstance(key, str) else f"{key[0]} {key[1]}"
        where = cell or self.row[0]
        self.reading.fail(CellProblem(cells.CODE_BLANK, f"the {name} is blank"), where)


# -- ids and categories ---------------------------------------------------------------


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:64].rstrip("-") or "category"


def prefix(name: str) -> str:
    """Core Mandate → CM; Financial Stewardship and Discipline → FSD; Service → SE."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in _SMALL_WORDS]
    if len(words) == 1:
        return str(words[0][:2]).upper()
    return "".join(str(word)[0] for word in words[:3]).upper() or "IN"


def assign_ids(reading: Reading) -> None:
    """Give each indicator without an id its category prefix and number (CM01);
    an id given twice is a problem at its second cell."""
    seen: dict[str, Cell | None] = {}
    used_prefixes: set[str] = set()
    for c_index, section in enumerate(reading.sections):
        base = prefix(section.name)
        start, n = base, 2
        while start in used_prefixes:
            start, n = f"{base}{n}", n + 1
        used_prefixes.add(start)
        number = 0
        for path, raw in _entries(c_index, section):
            if "id" in raw:
                _once(reading, seen, raw["id"], reading.cells.get((*path, "id")))
                continue
            number += 1
            ident = f"{start}{number:02d}"
            while ident in seen:
                number += 1
                ident = f"{start}{number:02d}"
            raw["id"] = ident
            seen[ident] = None
            raw_order = {"id": raw.pop("id"), **raw}
            raw.clear()
            raw.update(raw_order)


def _entries(c_index: int, section: Section) -> list[tuple[JsonPath, dict[str, Any]]]:
    """Each indicator, goal and sub-indicator of the section with its path, in order."""
    found: list[tuple[JsonPath, dict[str, Any]]] = []
    for i_index, raw in enumerate(section.indicators):
        path: JsonPath = ("criteria", c_index, "indicators", i_index)
        found.append((path, raw))
        for s_index, sub in enumerate(raw.get("sub_indicators", ())):
            found.append(((*path, "sub_indicators", s_index), sub))
    return found


def _once(reading: Reading, seen: dict[str, Cell | None], ident: str, cell: Cell | None) -> None:
    if ident in seen:
        first = seen[ident]
        where = f" (first at {first.ref})" if first is not None else ""
        reading.fail(
            CellProblem(cells.CODE_INDICATOR, f"the id {ident} is given twice{where}"), cell
        )
    seen[ident] = cell


def criteria(reading: Reading) -> list[dict[str, Any]]:
    """The draft's ``criteria``: each category's weight as given, else the sum of
    its indicators' weights."""
    out = []
    for c_index, section in enumerate(reading.sections):
        reading.cells.setdefault(("criteria", c_index), section.cell)
        weights = [raw.get("weight") for raw in section.indicators]
        weight = section.weight
        if weight is None:
            weight = cells.plain(
                sum((Decimal(str(w)) for w in weights if w is not None), Decimal(0))
            )
        out.append(
            {
                "id": section.id or slug(section.name),
                "name": section.name,
                "weight": weight,
                "indicators": section.indicators,
            }
        )
    return out
