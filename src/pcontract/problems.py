"""Problems are values: where, which rule, how bad, and what to do about it."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

PathPart = str | int
JsonPath = tuple[PathPart, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value

    def __lt__(self, other: object) -> bool:
        """Errors sort before warnings."""
        if not isinstance(other, Severity):
            return NotImplemented
        return self is Severity.ERROR and other is Severity.WARNING


def render_path(path: Sequence[PathPart]) -> str:
    """Render a path as JSONPath: ``$.criteria[0].indicators[2].weight``."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}")
        else:
            out.append("['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one file. Sorts by file, then position, then rule, then
    severity (errors first), then message and path."""

    file: str
    line: int  # 1-based; 0 when the problem has no line (the whole file)
    column: int  # 1-based; 0 when unknown
    code: str
    severity: Severity
    message: str
    path: JsonPath = ()
    hint: str = ""
    # Set for problems found after the file was parsed, whose position is looked up
    # lazily; ``at_key`` points at the key rather than the value.
    at_key: bool = False
    # Set for a problem in a workbook: the cell, "Sheet!F12" ("F12" for a CSV file);
    # ``line`` and ``column`` then hold its row and column numbers.
    cell: str = ""

    def sort_key(self) -> tuple[object, ...]:
        # A list index and a key at the same place of two paths would not compare
        # as themselves: indexes sort first, by number.
        path = tuple((1, 0, p) if isinstance(p, str) else (0, p, "") for p in self.path)
        return (
            self.file,
            self.line,
            self.column,
            self.code,
            self.severity is not Severity.ERROR,
            self.message,
            path,
            self.hint,
        )

    def __lt__(self, other: Problem) -> bool:
        return self.sort_key() < other.sort_key()

    @property
    def json_path(self) -> str:
        return render_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def located(self, line: int, column: int) -> Problem:
        return replace(self, line=line, column=column)

    def escalated(self) -> Problem:
        """The same problem as an error (``--strict``)."""
        return replace(self, severity=Severity.ERROR)

    @property
    def where(self) -> str:
        """Where the problem is, as text output shows it: the cell of a workbook,
        else ``line:column``; empty when the problem has no line."""
        if self.cell:
            return self.cell
        return f"{self.line}:{self.column}" if self.line else ""

    def as_dict(self) -> dict[str, object]:
        cell = {"cell": self.cell} if self.cell else {}
        return {
            "file": self.file,
            "line": self.line or None,
            "column": self.column or None,
            "path": self.json_path,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint or None,
            **cell,
        }


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = warnings = 0
    for problem in problems:
        if problem.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` without repeats, in the order reports list them (see
    :class:`Problem`); the key is made once a problem, not once a comparison."""
    return sorted(set(problems), key=Problem.sort_key)
