"""``pcontract init``: a contracts repository that validates at once.

The files are text templates shipped in the package (``templates/*.tmpl``) with
``@@NAME@@`` placeholders, a syntax that clashes neither with YAML nor with GitHub
Actions' ``${{ }}``. Everything is written through :func:`pcontract.files.writer.write_files`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from pcontract import __version__
from pcontract.errors import UsageError, WriteRefused
from pcontract.files.writer import write_files

_YEAR: Final = re.compile(r"^(\d{4})/(\d{4})$")
_PLACEHOLDER: Final = re.compile(r"@@([A-Z0-9_]+)@@")

# FY 2026/2027 starts on 1 July 2026 and ends on 30 June 2027.
FY_START_MONTH: Final = 7


@dataclass(frozen=True, slots=True)
class FinancialYear:
    start: int  # the calendar year in which it starts

    @property
    def label(self) -> str:
        return f"{self.start}/{self.start + 1}"

    @property
    def slug(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    def previous(self, years: int = 1) -> FinancialYear:
        return FinancialYear(self.start - years)


def financial_year_on(day: dt.date) -> FinancialYear:
    """The Kenyan financial year (1 July to 30 June) that ``day`` falls in."""
    return FinancialYear(day.year if day.month >= FY_START_MONTH else day.year - 1)


# The scaffold writes baselines for the two years before, and every year it
# writes must be a four-digit year (the schemas' pattern, and ISO dates).
BASELINE_YEARS: Final = 2
FIRST_START: Final = 1000 + BASELINE_YEARS
LAST_START: Final = 9998


def parse_financial_year(text: str) -> FinancialYear:
    """A financial year such as 2026/2027, within the years a scaffold can write;
    raises :class:`UsageError` naming the accepted form and range."""
    match = _YEAR.match(text.strip())
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        raise UsageError(
            f"financial year '{text}' should be two consecutive years, such as 2026/2027"
        )
    year = FinancialYear(int(match.group(1)))
    if not FIRST_START <= year.start <= LAST_START:
        raise UsageError(
            f"financial year '{text}' is out of range: give one from "
            f"{FinancialYear(FIRST_START).label} to {FinancialYear(LAST_START).label} "
            f"(the scaffold writes four-digit years, with baselines for the "
            f"{BASELINE_YEARS} years before)"
        )
    return year


# (template, path in the new repository; may use placeholders)
FILES: Final = (
    ("README.md.tmpl", "README.md"),
    ("guidelines.yaml.tmpl", "guidelines/kenya-pc-fy@@FY_SLUG@@.yaml"),
    ("contract.yaml.tmpl", "contracts/example-ministry/contract-@@FY_SLUG@@.yaml"),
    ("cascade-plan.yaml.tmpl", "contracts/example-ministry/cascade-plan-@@FY_SLUG@@.yaml"),
    ("workflow.yml.tmpl", ".github/workflows/pcontract.yml"),
    ("CODEOWNERS.tmpl", ".github/CODEOWNERS"),
    ("pre-commit-config.yaml.tmpl", ".pre-commit-config.yaml"),
    ("gitignore.tmpl", ".gitignore"),
    ("pcontract.toml.tmpl", "pcontract.toml"),
)


def values_for(year: FinancialYear) -> dict[str, str]:
    return {
        "FY": year.label,
        "FY_SLUG": year.slug,
        "FY_ID": f"fy{year.slug}",
        "START": f"{year.start}-07-01",
        "END": f"{year.start + 1}-06-30",
        "MILESTONE": f"{year.start + 1}-03-31",
        "BASE1": year.previous(BASELINE_YEARS).label,
        "BASE2": year.previous(1).label,
        "VERSION": __version__,
    }


def render(text: str, values: dict[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"scaffold template placeholder @@{name}@@ has no value")
        return values[name]

    return _PLACEHOLDER.sub(substitute, text)


def template(name: str) -> str:
    return (resources.files("pcontract.scaffold") / "templates" / name).read_text(encoding="utf-8")


def plan(directory: Path, year: FinancialYear) -> list[tuple[Path, bytes]]:
    """The files of a new repository in ``directory``, as (path, bytes)."""
    values = values_for(year)
    return [
        (directory / render(path, values), render(template(name), values).encode("utf-8"))
        for name, path in FILES
    ]


def scaffold(
    directory: Path,
    financial_year: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> list[Path]:
    """Write a new contracts repository into ``directory``; returns the files written.

    A non-empty folder is refused unless ``force``, which also overwrites the
    scaffold's own files (and leaves every other file alone).
    """
    year = (
        parse_financial_year(financial_year)
        if financial_year is not None
        else financial_year_on(today or dt.date.today())
    )
    try:
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{directory} exists and is not a folder")
        if directory.is_dir() and any(directory.iterdir()) and not force:
            raise WriteRefused(f"{directory} is not empty; use --force to write into it anyway")
    except OSError as error:
        raise WriteRefused(
            f"cannot read the folder {error.filename or directory}: "
            f"{error.strerror or error}; check its permissions, or choose another folder"
        ) from None
    return write_files(plan(directory, year), force=force, root=directory, inputs=sources())


def sources() -> list[Path]:
    """The scaffold's own template files, where they are files on disk."""
    folder = resources.files("pcontract.scaffold") / "templates"
    return [Path(str(folder / name)) for name, _ in FILES]
