"""Reading one cell as a number, a date, a weight or yes/no, as officers type them.

Each reader returns the value, or raises :class:`CellProblem` saying what the cell
should hold; the importers turn that into a problem located at the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from pcontract.files.workbook import Cell, as_date
from pcontract.model import dec

# The problem codes of reading a sheet (opening one is PC650 to PC657).
CODE_NUMBER = "PC620"  # not a number
CODE_DATE = "PC621"  # not a date
CODE_BLANK = "PC622"  # a required cell is blank
CODE_CELL_ERROR = "PC623"  # #DIV/0!, or a formula without a saved value
CODE_YES_NO = "PC624"  # not yes or no
CODE_KIND = "PC625"  # the kind cannot be told
CODE_HEADER = "PC626"  # no header row, a missing or merged column
CODE_FIELD = "PC627"  # a contract or results field missing or wrong
CODE_INDICATOR = "PC628"  # an id not in the contract, or given twice

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials a date in a matrix has: 1 January 1990 to 31 December 2099.
SERIALS = range(32874, 73051)

YES = frozenset({"yes", "y", "true", "done", "achieved", "1", "x", "✓"})
NO = frozenset({"no", "n", "false", "not done", "not achieved", "0"})
DATE_UNITS = frozenset({"date", "dates", "completion date", "timeline"})
KINDS = {
    "increase": "increase",
    "higher is better": "increase",
    "decrease": "decrease",
    "lower is better": "decrease",
    "milestone": "milestone",
    "date": "milestone",
    "binary": "binary",
    "yes/no": "binary",
}

_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class CellProblem(Exception):
    """The cell does not hold what it should; ``code`` and the message say how."""

    def __init__(self, code: str, message: str, cell: Cell | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.cell = cell  # where, when the reader knows better than its caller


def plain(number: Decimal) -> int | float:
    """A Decimal as YAML writes it: an int when whole, else a float."""
    if number == number.to_integral_value():
        return int(number)
    return float(number.normalize())


def _check(cell: Cell) -> None:
    if cell.error:
        raise CellProblem(CODE_CELL_ERROR, cell.error)


def decimal(cell: Cell, what: str = "a number") -> tuple[Decimal, bool]:
    """The cell's number, and whether it was a percentage (``85%`` as text, or a
    percent-formatted cell: its value is then the fraction, 0.85)."""
    _check(cell)
    value = cell.value
    if isinstance(value, bool) or as_date(value) is not None:
        raise CellProblem(CODE_NUMBER, f"{what} is needed, not {cell.text!r}")
    if isinstance(value, int | float):
        return dec(value), cell.is_percent
    text = cell.text.replace("\u00a0", "").replace(" ", "")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if not _NUMBER.match(text):
        raise CellProblem(CODE_NUMBER, f"{what} is needed, not {cell.text!r}")
    try:
        return Decimal(text.replace(",", "")), percent
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise CellProblem(CODE_NUMBER, f"{what} is needed, not {cell.text!r}") from error


def number(cell: Cell, what: str = "a number") -> int | float:
    """A figure: a percent-formatted cell's 0.85 is 85, as it shows."""
    value, percent = decimal(cell, what)
    if percent and isinstance(cell.value, int | float):
        value *= 100
    return plain(value)


def weight(cell: Cell) -> int | float:
    """A weight as 10, "10%" or 0.1 in a percent-formatted cell: 10."""
    value, percent = decimal(cell, "a weight (a number such as 10 or 10%)")
    if percent and isinstance(cell.value, int | float):
        value *= 100
    return plain(value)


def date(cell: Cell, what: str = "a date") -> dt.date:
    """A date as a date cell, an Excel serial, ISO text or 30/06/2025 (day first)."""
    _check(cell)
    value = cell.value
    found = as_date(value)
    if found is not None:
        return found
    text = cell.text
    if (isinstance(value, int | float) and not isinstance(value, bool)) or text.isdigit():
        serial = int(float(text))
        if serial in SERIALS:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    try:
        return dt.datetime.fromisoformat(text).date()  # 2025-06-30, or with a time
    except ValueError:
        pass
    match = _SLASH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise CellProblem(CODE_DATE, f"{what} is needed (such as 30/06/2025), not {cell.text!r}")


def is_date(cell: Cell) -> bool:
    """Whether the cell holds a date itself (a date cell, or date text), not a number."""
    if cell.error or cell.is_blank:
        return False
    if as_date(cell.value) is not None:
        return True
    if isinstance(cell.value, int | float):
        return False
    try:
        date(cell)
    except CellProblem:
        return False
    return True


def yes_no(cell: Cell) -> bool | None:
    """True for yes, False for no, None for anything else."""
    if cell.error:
        return None
    if isinstance(cell.value, bool):
        return cell.value
    text = cell.text.lower().rstrip(".")
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def boolean(cell: Cell, what: str = "yes or no") -> bool:
    _check(cell)
    found = yes_no(cell)
    if found is None:
        raise CellProblem(CODE_YES_NO, f"{what} is needed, not {cell.text!r}")
    return found


def kind(cell: Cell) -> str:
    found = KINDS.get(cell.text.lower())
    if found is None:
        raise CellProblem(
            CODE_KIND, f"the kind is increase, decrease, milestone or binary, not {cell.text!r}"
        )
    return found
