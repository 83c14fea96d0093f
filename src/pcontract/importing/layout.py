"""Finding a matrix in a sheet: its title block, its header row and its columns.

The header row is recognised by its column names, case-insensitive, with the
synonyms offices use (``Unit of measure``, ``UoM``); a year in a header names a
baseline year (``Achievement 2022/2023``). A mapping (``--map``) names columns
the synonyms do not know, by header text or by letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pcontract.files.workbook import Cell, Sheet, column_letter
from pcontract.importing.cells import CODE_HEADER, CellProblem

# Each field with the header names it goes by (normalised: lower case, one space,
# without "(%)" and the like).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "code", "indicator id", "indicator code", "ref", "ref no"),
    "category": ("criteria category", "category", "criteria", "performance criteria"),
    "name": (
        "performance indicator",
        "performance indicators",
        "indicator",
        "indicators",
        "indicator name",
        "name",
    ),
    "unit": ("unit of measure", "unit of measurement", "unit", "units", "uom"),
    "kind": ("kind", "type", "indicator type", "direction"),
    "weight": ("weight", "weights", "weighting", "weight %"),
    "target": ("target", "annual target", "targets"),
    "q1": ("q1", "quarter 1", "q1 target", "target q1", "1st quarter"),
    "q2": ("q2", "quarter 2", "q2 target", "target q2", "2nd quarter"),
    "q3": ("q3", "quarter 3", "q3 target", "target q3", "3rd quarter"),
    "q4": ("q4", "quarter 4", "q4 target", "target q4", "4th quarter"),
    "owner": ("responsible officer", "responsibility", "responsible", "owner", "lead officer"),
    "due": ("due date", "due", "deadline", "timeline", "completion date"),
    "excellent": ("excellent",),
    "very_good": ("very good",),
    "good": ("good",),
    "fair": ("fair",),
    "poor": ("poor",),
    "notes": ("notes", "remarks", "comments"),
    "measure": ("measure",),
    "aggregation": ("aggregation", "roll-up", "rollup"),
    "alignment": ("alignment", "aligned to", "linkages"),
    "cascaded_from": ("cascaded from", "parent indicator"),
    "goal_id": ("goal id", "parent goal"),
    # The reporting sheet's own columns.
    "actual": ("actual", "actual achievement", "achievement", "actual value"),
    "evidence": ("evidence", "means of verification", "source of evidence"),
    "not_applicable": ("not applicable", "n/a", "na"),
    "reason": ("reason", "reason not applicable"),
    "quarter_target": ("quarter target", "quarterly target"),
}
_BY_NAME = {name: key for key, names in SYNONYMS.items() for name in names}
_YEAR = re.compile(r"\b(\d{4})\s*/\s*(\d{2}|\d{4})\b")
_BASELINE_WORDS = ("achievement", "baseline", "actual", "previous", "performance")


def normalise(text: str) -> str:
    text = text.lower().replace("\n", " ")
    text = re.sub(r"\((?:%|percent|in %)\)", " ", text)
    text = re.sub(r"[:.*]+$", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def financial_year(text: str) -> str | None:
    """``2022/23`` or ``2022/2023`` as ``2022/2023``; None without a year."""
    match = _YEAR.search(text)
    if match is None:
        return None
    first, second = match.groups()
    if len(second) == 2:
        second = first[:2] + second
    return f"{first}/{second}"


def header_field(text: str) -> str | None:
    """The field a header names: ``weight``, ``q1`` … or ``baseline 2022/2023``."""
    name = normalise(text)
    if not name:
        return None
    year = financial_year(name)
    is_baseline = any(word in name for word in _BASELINE_WORDS) or _YEAR.fullmatch(name)
    if year is not None and not name.startswith("target") and is_baseline:
        return f"baseline {year}"
    if name in _BY_NAME:
        return _BY_NAME[name]
    if year is not None:
        return _BY_NAME.get(normalise(_YEAR.sub("", name)))
    return None


@dataclass(slots=True)
class Columns:
    """The header row and the column of each field (1-based)."""

    row: int
    by_field: dict[str, int] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)  # each field's header cell

    @property
    def baselines(self) -> list[tuple[str, int]]:
        """(year, column) of each baseline column, oldest first."""
        found = [(key.split(" ", 1)[1], col) for key, col in self.by_field.items() if " " in key]
        return sorted(found)

    def get(self, row: list[Cell], key: str) -> Cell | None:
        column = self.by_field.get(key)
        return row[column - 1] if column is not None and column <= len(row) else None


def _recognise(row: list[Cell]) -> dict[str, Cell]:
    found: dict[str, Cell] = {}
    for cell in row:
        if isinstance(cell.value, str):
            key = header_field(cell.value)
            if key is not None and key not in found:
                found[key] = cell
    return found


def find_header(
    sheet: Sheet, required: Iterable[str], mapping: Mapping[str, str] | None = None
) -> Columns:
    """The first row among the first 40 that names every ``required`` field,
    with the mapping's columns (by header text or letter) added."""
    needed = set(required)
    for number, row in enumerate(sheet.rows[:40], start=1):
        found = _recognise(row)
        mapped = _mapped(row, mapping or {})
        found.update(mapped)
        if needed <= set(found) and (len(found) >= 3 or mapped):
            columns = Columns(number)
            for key, cell in found.items():
                columns.by_field[key] = cell.column
                columns.cells[key] = cell
            _refuse_merged(sheet, columns)
            return columns
    names = ", ".join(SYNONYMS[key][0].capitalize() for key in sorted(needed))
    raise CellProblem(
        CODE_HEADER,
        f"no header row found in the first 40 rows: it needs the columns {names}"
        " (or name them with --map)",
    )


def _mapped(row: list[Cell], mapping: Mapping[str, str]) -> dict[str, Cell]:
    """Each mapped field's cell in ``row``: the one whose text the mapping names,
    else the one in the column whose letter it names (``F``)."""
    found: dict[str, Cell] = {}
    for key, where in mapping.items():
        for cell in row:
            if isinstance(cell.value, str) and normalise(cell.value) == normalise(where):
                found[key] = cell
        letters = where.strip().upper()
        if key not in found and re.fullmatch(r"[A-Z]{1,3}", letters):
            for cell in row:
                if column_letter(cell.column) == letters:
                    found[key] = cell
    return found


def _refuse_merged(sheet: Sheet, columns: Columns) -> None:
    """Merged cells across the header hide the names of all but their first column."""
    for merged in sheet.merged:
        spans = merged.min_row <= columns.row <= merged.max_row
        if spans and merged.max_column > merged.min_column:
            first = sheet.cell(columns.row, merged.min_column)
            last = f"{column_letter(merged.max_column)}{columns.row}"
            raise CellProblem(
                CODE_HEADER,
                f"the header cells {first.ref}:{last} are merged: unmerge them so that each "
                "column has its own name",
                first,
            )


# -- the title block ------------------------------------------------------------------

# Each label of the agreed title block and the contract field it fills.
TITLE_LABELS: dict[str, tuple[str, ...]] = {
    "contract id": ("id",),
    "contract": ("id",),
    "title": ("title",),
    "financial year": ("financial_year",),
    "period start": ("period", "start"),
    "period end": ("period", "end"),
    "institution": ("institution", "name"),
    "institution id": ("institution", "id"),
    "institution category": ("institution", "category"),
    "status": ("status",),
    "guidelines": ("guidelines",),
    "principal title": ("parties", "principal", "title"),
    "principal name": ("parties", "principal", "name"),
    "agent title": ("parties", "agent", "title"),
    "agent name": ("parties", "agent", "name"),
    "parent contract": ("parent",),
    "vision": ("vision",),
    "mission": ("mission",),
    "strategic objectives": ("strategic_objectives",),
    # The reporting sheet's.
    "period": ("results_period",),
    "as of": ("as_of",),
}


@dataclass(slots=True)
class TitleBlock:
    """The labelled rows above the header: each field's value cell."""

    fields: dict[tuple[str, ...], Cell] = field(default_factory=dict)
    title: Cell | None = None  # the first row, when it is not a label


def read_title_block(sheet: Sheet, header_row: int) -> TitleBlock:
    block = TitleBlock()
    for row in sheet.rows[: header_row - 1]:
        filled = [cell for cell in row if not cell.is_blank]
        if not filled:
            continue
        label = normalise(filled[0].text) if isinstance(filled[0].value, str) else ""
        key = TITLE_LABELS.get(label)
        if key is not None and len(filled) > 1:
            block.fields.setdefault(key, filled[1])
        elif key is None and block.title is None and not block.fields:
            block.title = filled[0]
    return block
