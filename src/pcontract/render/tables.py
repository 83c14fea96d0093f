"""Output for ``score`` and ``rank`` (rich tables, JSON, Markdown and CSV), for
``cascade --dry-run`` and for ``tree``.

Numbers are rounded only for display (:mod:`pcontract.formatting`): composites
to 4 decimals as published, raw and weighted scores to 4, percentages to 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final, Literal, TypeVar

from pcontract.formatting import dp, number, show
from pcontract.problems import Problem
from pcontract.render import wording
from pcontract.render.reporters import json_text, literal, visible_text, written
from pcontract.scoring.method import ContractScore, GoalScore, IndicatorScore, QuarterProgress
from pcontract.scoring.ranking import Movement, Previous, RankRow

if TYPE_CHECKING:
    from rich.text import Text

    from pcontract.cascade.drafts import Draft
    from pcontract.checking.hierarchy import Line
    from pcontract.model import Verification
    from pcontract.scoring.evaluation import Scored

SCORE_FORMAT_VERSION = 1

# Last year's standing and the movement since (see scoring.ranking.link_years).
LastYear = tuple[Previous | None, Movement | None]

# How a sub-indicator's id is marked as its goal's, in text and Markdown rows.
MEMBER_MARK: Final = "↳ "

Row = TypeVar("Row", IndicatorScore, QuarterProgress)


def with_goals(goals: Sequence[GoalScore], rows: Iterable[Row]) -> list[GoalScore | Row]:
    """``rows`` (indicator scores or quarterly progress, by indicator id) with each
    goal just before its first sub-indicator: the order a table shows them in, a
    goal's row over the rows of its sub-indicators. A contract without goals
    gives its rows as they are."""
    goal_of = {member: goal for goal in goals for member in goal.indicators}
    out: list[GoalScore | Row] = []
    shown: set[str] = set()
    for row in rows:
        goal = goal_of.get(row.id)
        if goal is not None and goal.id not in shown:
            shown.add(goal.id)
            out.append(goal)
        out.append(row)
    return out


def member_id(item: IndicatorScore | QuarterProgress, goals: Sequence[GoalScore]) -> str:
    """An indicator's id as a table row shows it: marked when it is a goal's."""
    inside = any(item.id in goal.indicators for goal in goals)
    return MEMBER_MARK + item.id if inside else item.id


# -- Markdown escaping ------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")
# A joiner breaks what GitHub would turn into a link or a notification without
# changing what the reader sees: ``https:\u200d//`` and ``www\u200d.`` are not
# autolinks, ``@\u200dname`` is neither a mention nor an e-mail link, and
# ``#\u200d12`` is not a reference to issue 12, and ``:\u200d:`` starts no
# GitHub workflow command where Markdown is printed in a CI log (``##[`` is
# escaped as ``\#\#\[``). The joiner is a character, not an entity: GitHub
# links mentions and references after entities are decoded.
_JOINER = "\u200d"
_LINKS = re.compile(r"(?<=:)(?=//|:)|(?i:(?<=www)(?=\.))|(?<=@)|(?<=#)(?=\d)")
# What would open a block at the start of a line: indentation (a code block), a
# list item (``- ``, ``1. ``), a thematic break or setext underline (``---``,
# ``===``). Leading spaces and tabs become one space, which opens nothing; ``#``,
# ``>``, ``+``, ``*``, fences and ``|`` are escaped everywhere.
_MD_INDENT = re.compile(r"^[ \t]+")
_MD_DASH = re.compile(r"^( ?)(?=[-=](?!\d))")
_MD_ORDERED = re.compile(r"^( ?\d+)\.(?=[ \t]|$)")


def md(text: object) -> str:
    """Text safe anywhere in GitHub-flavoured Markdown, in a table cell, a heading
    or a paragraph: one line, no table breaks, no HTML, no formatting, no link
    (bare URLs and ``www.`` included), no mention, no issue reference, and no list,
    heading, quote or code block opened by how it starts. Invisible marks
    (zero-width and direction marks, other control characters) show as escapes,
    as in text output, so they cannot reorder what a reader sees."""
    raw = str(text).replace("\r", " ").replace("\n", " ")
    raw = visible_text(_MD_INDENT.sub(" ", raw, count=1))
    raw = _LINKS.sub(_JOINER, raw)  # after the escapes, which would show the joiner
    raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    raw = _MD_SPECIAL.sub(r"\\\1", raw)
    raw = _MD_ORDERED.sub(r"\1\\.", raw, count=1)
    return _MD_DASH.sub(r"\1\\", raw, count=1)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    lines = ["| " + " | ".join(md(h) for h in headers) + " |"]
    marks = [("---:" if a == "r" else "---") for a in (align or "l" * len(headers))]
    lines.append("| " + " | ".join(marks) + " |")
    lines.extend("| " + " | ".join(md(c) for c in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


# -- CSV ----------------------------------------------------------------------------

# A number a spreadsheet reads as a number, so a leading sign is not a formula.
_CSV_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _csv_line(line: str) -> str:
    # A line starting "::" would be a GitHub workflow command when CSV is printed
    # in a CI log.
    formula = line[:1] in _CSV_FORMULA_START and not _CSV_NUMBER.fullmatch(line)
    if formula or line.startswith("::"):
        return "'" + line
    return line


def csv_cell(value: object) -> str:
    """Neutralise spreadsheet formula injection: a cell, and each line inside a
    cell, starting with = + - @ or a tab gets a leading apostrophe, unless it is
    a number; so does a cell starting with a line break. (Quoting is the
    writer's: see :func:`csv_text`.)"""
    text = "" if value is None else str(value)
    if "\n" not in text and "\r" not in text:
        return _csv_line(text)  # one line: the usual cell
    parts = _LINE_BREAK.split(text)
    parts[::2] = [_csv_line(line) for line in parts[::2]]
    cell = "".join(parts)
    return "'" + cell if cell[:1] in ("\r", "\n") else cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The one CSV writer: every cell through :func:`csv_cell`, and RFC 4180
    records, so a cell holding a comma, a quote, a carriage return or a line feed
    is quoted and one row is always one record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


# -- score --------------------------------------------------------------------------


def _indicator_row(item: IndicatorScore) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "category": item.category,
        "kind": item.kind,
        "unit": item.unit,
        "weight": number(item.weight, 4),
        "effective_weight": number(item.effective_weight, 4),
        "target": item.target,
        "actual": item.actual,
        "reported": item.reported,
        "moderation": {
            "actual": item.moderation.actual,
            "by": item.moderation.by,
            "reason": item.moderation.reason,
        }
        if item.moderation
        else None,
        "verified": item.verification.actual if item.verification else None,
        "moderated": item.moderation.actual if item.moderation else None,
        "verification": _verification(item.verification),
        "scored_from": item.scored_from or None,
        "achievement_pct": number(item.achievement_pct, 2),
        "raw_score": number(item.raw_score, 4),
        "weighted_score": number(item.weighted_score, 4),
        "status": item.status,
        "evidence": item.evidence or None,
        "evidence_refs": [
            {"ref": e.ref, "sha256": e.sha256 or None, "note": e.note or None}
            for e in item.evidence_refs
        ]
        or None,
        "reason": item.reason or None,
        "goal": item.goal,
        "notes": item.notes or None,
    }


def _goal_record(goal: GoalScore) -> dict[str, Any]:
    return {
        "id": goal.id,
        "name": goal.name,
        "category": goal.category,
        "weight": number(goal.weight, 4),
        "effective_weight": number(goal.effective_weight, 4),
        "raw_score": number(goal.raw_score, 4),
        "weighted_score": number(goal.weighted_score, 4),
        "indicators": list(goal.indicators),
        "notes": goal.notes or None,
        # Null outside a quarter: the year-end projection is a quarter's.
        "projected_raw_score": number(goal.projected_raw_score, 4),
    }


def _verification(verification: Verification | None) -> dict[str, Any] | None:
    if verification is None:
        return None
    return {
        "actual": verification.actual,
        "by": verification.by,
        "reason": verification.reason,
        "date": verification.date or None,
        "method": verification.method or None,
    }


def score_json(
    result: ContractScore, warnings: Sequence[Problem] = (), last: LastYear = (None, None)
) -> str:
    payload = {
        "version": SCORE_FORMAT_VERSION,
        "contract": result.contract,
        "institution": result.institution,
        "category": result.category,
        "financial_year": result.financial_year,
        "period": result.period,
        "method": result.method,
        "guidelines": result.guidelines_id,
        "composite": number(result.composite, 4),
        "grade": result.grade,
        "not_scored": result.not_scored,
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "weight": number(c.weight, 4),
                "effective_weight": number(c.effective_weight, 4),
                "weighted_score": number(c.weighted_score, 4),
            }
            for c in result.categories
        ],
        "indicators": [_indicator_row(i) for i in result.indicators],
        "goals": [_goal_record(g) for g in result.goals],
        "progress": [
            {
                "id": p.id,
                "quarter": p.quarter,
                "quarter_target": number(p.quarter_target, 4),
                "actual": p.actual,
                "pct_of_quarter_target": number(p.pct_of_quarter_target, 2),
                "status": p.status,
                "projected_raw_score": number(p.projected_raw_score, 4),
                "measure": p.measure,
                "target_rule": p.target_rule,
            }
            for p in result.progress
        ],
        "warnings": [p.as_dict() for p in (*result.warnings, *warnings)],
        # As a rank row has them: null without --history, or when it holds no
        # contract of the institution's in the previous financial year.
        "previous": _previous_record(last[0]),
        "movement": _movement_record(last[1]),
    }
    return json_text(payload)


def last_year_line(last: LastYear) -> str | None:
    """``Last year 2023/2024: rank 2, 3.5000 Good; movement: -1.5000 better``, or
    None when there is no last year to show."""
    before, moved = last
    if before is None:
        return None
    return f"Last year {last_year_text(before)}; movement: {movement_text(moved)}"


def warning_line(problem: Problem) -> str:
    """A warning on one line, as a reader looks it up: ``file:line: code message``."""
    where = problem.file + (f":{problem.line}" if problem.line else "")
    text = f"{problem.code} {problem.message}"
    return f"{where}: {text}" if where else text


def _actual_cell(item: IndicatorScore) -> str:
    if item.status == "not-applicable":
        return "n/a"
    if item.status == "not-reported":
        return "not reported"
    if item.moderation is not None:
        return f"{show(item.actual)} (moderated from {show(item.reported)})"
    if item.verification is not None:
        return f"{show(item.actual)} (verified from {show(item.reported)})"
    return show(item.actual)


def _achievement_cell(item: IndicatorScore) -> str:
    """The achievement % as a person reads it: blank for a milestone or a binary."""
    return wording.achievement_text(item.kind, dp(item.achievement_pct, 1))


def name_cell(item: IndicatorScore) -> str:
    """An indicator's name, marked "lower is better" for a decrease indicator."""
    note = wording.direction_note(item.kind)
    return f"{item.name} ({note})" if note else item.name


def result_cell(item: IndicatorScore) -> str:
    """How the actual compares with the target, in words: "28 days late", "3
    percentage points short", "met" (see :mod:`pcontract.render.wording`)."""
    return wording.indicator_verdict(
        item.kind, item.unit, item.target, item.actual, item.status
    ).text


def goal_label(goal: GoalScore, weight: bool = True) -> str:
    """A goal's name as its row shows it: marked as a goal, with how many
    sub-indicators are under it and (``weight``, for a table with no weight
    column) its summed weight."""
    count = len(goal.indicators)
    summed = f"weight {dp(goal.effective_weight, 2)}, " if weight else ""
    return f"{goal.name} (goal: {summed}{count} sub-indicator{'' if count == 1 else 's'})"


def score_notes(result: ContractScore) -> list[tuple[str, str]]:
    """The non-empty notes of the goals and indicators, as (id, notes), in the
    order the table shows them."""
    return [
        (entry.id, entry.notes)
        for entry in with_goals(result.goals, result.indicators)
        if entry.notes.strip()
    ]


def score_md(result: ContractScore, last: LastYear = (None, None)) -> str:
    out = [f"## {md(result.institution)} — {md(result.financial_year)}", ""]
    if result.composite is not None:
        out.append(f"**Composite score:** {dp(result.composite, 4)} — **{md(result.grade)}**")
    elif result.not_scored is not None:
        out.append(f"**{md(result.not_scored.capitalize())}** (no composite, no grade, no rank)")
    else:
        out.append(f"**Period:** {md(result.period)} (no grade before the annual result)")
    out.append("")
    line = last_year_line(last)
    if line is not None:
        out += [md(line), ""]
    rows: list[list[object]] = []
    for entry in with_goals(result.goals, result.indicators):
        if isinstance(entry, GoalScore):
            rows.append(
                [
                    entry.id,
                    goal_label(entry),
                    "",
                    "",
                    "",
                    "",
                    dp(entry.raw_score, 4),
                    dp(entry.weighted_score, 4),
                    "goal",
                ]
            )
            continue
        rows.append(
            [
                member_id(entry, result.goals),
                name_cell(entry),
                show(entry.target),
                _actual_cell(entry),
                _achievement_cell(entry),
                result_cell(entry),
                dp(entry.raw_score, 4),
                dp(entry.weighted_score, 4),
                entry.status,
            ]
        )
    headers = ["id", "indicator", "target", "actual", "achievement %", "result"]
    headers += ["raw", "weighted", "status"]
    out.append(md_table(headers, rows, "llrrrlrrl"))
    notes = score_notes(result)
    if notes:
        out.append("Notes:\n")
        out.extend(f"- {md(ident)}: {md(text)}" for ident, text in notes)
        out.append("")
    if result.warnings:
        out.append("Warnings:\n")
        out.extend(f"- {md(warning_line(w))}" for w in result.warnings)
        out.append("")
    return "\n".join(out)


def wide(out: IO[str]) -> int | None:
    """Wide tables when writing to a file or a pipe; the terminal's own width otherwise."""
    isatty = getattr(out, "isatty", None)
    return None if callable(isatty) and isatty() else 160


def score_text(
    result: ContractScore,
    warnings: Sequence[Problem],
    out: IO[str],
    last: LastYear = (None, None),
) -> None:
    from rich.table import Table
    from rich.text import Text

    from pcontract.render.reporters import text_console

    console = text_console(out, wide(out))
    title = f"{result.institution} — {result.financial_year} ({result.period or 'no results'})"
    table = Table(title=literal(title), title_justify="left")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("id", "left"),
        ("indicator", "left"),
        ("weight", "right"),
        ("target", "right"),
        ("actual", "right"),
        ("ach. %", "right"),
        ("result", "left"),
        ("raw", "right"),
        ("weighted", "right"),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify, ratio=1 if header == "indicator" else None)
    by_category: dict[str, list[IndicatorScore]] = {}
    for item in result.indicators:
        by_category.setdefault(item.category, []).append(item)
    for category in result.categories:
        table.add_row(
            literal(category.name, style="bold"),
            "",
            dp(category.effective_weight, 2),
            "",
            "",
            "",
            "",
            "",
            # Not scored: no weighted score at all, rather than a misleading 0.
            Text(dp(None if result.not_scored else category.weighted_score, 4), style="bold"),
        )
        for entry in with_goals(result.goals, by_category.get(category.id, [])):
            if isinstance(entry, GoalScore):
                table.add_row(
                    literal(entry.id, style="bold"),
                    literal(goal_label(entry, weight=False), style="bold"),
                    dp(entry.effective_weight, 2),
                    "",
                    "",
                    "",
                    "",
                    dp(entry.raw_score, 4),
                    dp(entry.weighted_score, 4),
                )
            else:
                table.add_row(
                    literal(member_id(entry, result.goals)),
                    literal(name_cell(entry)),
                    dp(entry.effective_weight, 2),
                    literal(show(entry.target)),
                    literal(_actual_cell(entry)),
                    _achievement_cell(entry),
                    literal(result_cell(entry)),
                    dp(entry.raw_score, 4),
                    dp(entry.weighted_score, 4),
                )
            if entry.notes.strip():
                table.add_row("", literal(f"note: {entry.notes}", style="dim"))
    console.print(table)
    if result.progress:
        progress = Table(title="Quarterly progress", title_justify="left")
        for header in ("id", "quarter target", "actual", "% of target", "status", "projected raw"):
            progress.add_column(header)
        for row in with_goals(result.goals, result.progress):
            if isinstance(row, GoalScore):
                progress.add_row(
                    literal(row.id, style="bold"),
                    "",
                    "",
                    "",
                    "goal",
                    Text(dp(row.projected_raw_score, 4), style="bold"),
                )
                continue
            progress.add_row(
                literal(member_id(row, result.goals)),
                show(row.quarter_target),
                literal(show(row.actual)),
                dp(row.pct_of_quarter_target, 1),
                row.status,
                dp(row.projected_raw_score, 4),
            )
        console.print(progress)
    for warning in (*result.warnings, *warnings):
        console.print(literal("warning: " + warning_line(warning), style="yellow"))
    if result.composite is not None:
        console.print(
            literal(f"Composite score {dp(result.composite, 4)}: {result.grade or '—'}", "bold")
        )
    elif result.not_scored is not None:
        console.print(Text(f"{result.not_scored.capitalize()}: no composite, no grade, no rank"))
    else:
        period = result.period or "no results"
        console.print(literal(f"{period} progress: no grade before the annual result"))
    line = last_year_line(last)
    if line is not None:
        console.print(literal(line))


# -- rank -------------------------------------------------------------------------


def _composite(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _previous_record(previous: Previous | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    return {
        "financial_year": previous.financial_year,
        "contract": previous.contract,
        "rank": previous.rank,
        "composite": _composite(previous.composite_display),
        "grade": previous.grade,
    }


def _movement_record(movement: Movement | None) -> dict[str, Any] | None:
    if movement is None:
        return None
    return {
        "places": movement.places,
        "composite_change": _composite(movement.composite_change),
        "composite": movement.composite,
    }


def rank_records(rows: Sequence[RankRow]) -> list[dict[str, Any]]:
    return [
        {
            "rank": row.rank,
            "contract": row.contract,
            "institution": row.institution,
            "category": row.category,
            "composite": _composite(row.composite_display),
            "grade": row.grade,
            "flags": list(row.flags),
            "warnings": [p.as_dict() for p in row.warnings],
            "financial_year": row.financial_year,
            "category_name": row.category_label,
            "previous": _previous_record(row.previous),
            "movement": _movement_record(row.movement),
        }
        for row in rows
    ]


def rank_json(rows: Sequence[RankRow]) -> str:
    return json_text(rank_records(rows))


def _signed(value: Decimal | None) -> str:
    return "" if value is None else f"{value:+}"


def rank_csv(rows: Sequence[RankRow]) -> str:
    header = [
        "category",
        "rank",
        "contract",
        "institution",
        "composite",
        "grade",
        "flags",
        "financial_year",
        "category_name",
        "previous_financial_year",
        "previous_rank",
        "previous_composite",
        "previous_grade",
        "places_moved",
        "composite_change",
        "composite_movement",
    ]
    return csv_text([header, *(_csv_row(row) for row in rows)])


def _csv_row(row: RankRow) -> list[object]:
    before, moved = row.previous, row.movement
    return [
        row.category,
        row.rank,
        row.contract,
        row.institution,
        "" if row.composite_display is None else str(row.composite_display),
        row.grade,
        "; ".join(row.flags),
        row.financial_year,
        row.category_label,
        before.financial_year if before else "",
        before.rank if before else "",
        "" if before is None or before.composite_display is None else str(before.composite_display),
        before.grade if before else "",
        moved.places if moved and moved.places is not None else "",
        _signed(moved.composite_change) if moved else "",
        moved.composite or "" if moved else "",
    ]


def _by_table(rows: Sequence[RankRow]) -> dict[tuple[str, str], list[RankRow]]:
    """The rows of each league table, by (financial year, category), in order."""
    grouped: dict[tuple[str, str], list[RankRow]] = {}
    for row in rows:
        grouped.setdefault((row.financial_year, row.category), []).append(row)
    return grouped


def category_title(row: RankRow) -> str:
    """A category as a heading names it: the guidelines' name for it
    (``County Governments``), else its id made readable (``state-corporation``:
    ``State corporation``)."""
    if row.category_name:
        return row.category_name
    words = row.category.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else row.category


def table_title(items: Sequence[RankRow]) -> str:
    """A league table's heading: its financial year and its category's name."""
    return f"{items[0].financial_year} · {category_title(items[0])}"


def last_year_text(before: Previous | None) -> str:
    """Last year's standing, e.g. ``2023/2024: rank 2, 3.1000 Good``."""
    if before is None:
        return "—"
    place = "not ranked" if before.rank is None else f"rank {before.rank}"
    shown = "—" if before.composite_display is None else str(before.composite_display)
    return f"{before.financial_year}: {place}, {shown} {before.grade or '—'}"


def movement_text(moved: Movement | None) -> str:
    """The movement from last year, e.g. ``up 1, -0.2500 better``."""
    if moved is None:
        return "—"
    parts = []
    if moved.places is not None:
        places = moved.places
        parts.append(f"up {places}" if places > 0 else f"down {-places}" if places else "same rank")
    if moved.composite is not None:
        parts.append(f"{_signed(moved.composite_change)} {moved.composite}")
    return ", ".join(parts) or "—"


def _history(items: Sequence[RankRow]) -> bool:
    return any(r.previous is not None for r in items)


def _md_cells(r: RankRow, history: bool) -> list[object]:
    cells: list[object] = [
        "—" if r.rank is None else r.rank,
        r.institution,
        r.contract,
        "—" if r.composite_display is None else str(r.composite_display),
        r.grade or "—",
    ]
    if history:
        cells += [last_year_text(r.previous), movement_text(r.movement)]
    return [*cells, ", ".join(r.flags)]


def rank_md(rows: Sequence[RankRow]) -> str:
    out = []
    for items in _by_table(rows).values():
        history = _history(items)
        headers = ["rank", "institution", "contract", "composite", "grade"]
        headers += ["last year", "movement"] if history else []
        out.append(f"### {md(table_title(items))}\n")
        out.append(
            md_table(
                [*headers, "flags"],
                [_md_cells(r, history) for r in items],
                "rllrl" + ("ll" if history else "") + "l",
            )
        )
    return "\n".join(out)


def rank_text(rows: Sequence[RankRow], out: IO[str]) -> None:
    from rich.table import Table

    from pcontract.render.reporters import text_console

    console = text_console(out, wide(out))
    for items in _by_table(rows).values():
        history = _history(items)
        table = Table(title=literal(table_title(items)), title_justify="left")
        table.add_column("rank", justify="right")
        table.add_column("institution")
        table.add_column("composite", justify="right")
        table.add_column("grade")
        if history:
            table.add_column("last year")
            table.add_column("movement")
        table.add_column("flags")
        for r in items:
            cells: list[Text | str] = [
                "—" if r.rank is None else str(r.rank),
                literal(r.institution),
                "—" if r.composite_display is None else str(r.composite_display),
                literal(r.grade or "—"),
            ]
            if history:
                cells += [literal(last_year_text(r.previous)), literal(movement_text(r.movement))]
            table.add_row(*cells, literal(", ".join(r.flags)))
        console.print(table)


# -- registries -------------------------------------------------------------------
# Each command's renderers by --format; the CLI offers exactly these keys.


def _last(scored: Scored) -> LastYear:
    return scored.previous, scored.movement


SCORE_FORMATS: Final[dict[str, Callable[[Scored, IO[str]], None]]] = {
    "text": lambda scored, out: score_text(scored.score, scored.warnings, out, _last(scored)),
    "json": written(lambda scored: score_json(scored.score, scored.warnings, _last(scored))),
    "md": written(lambda scored: score_md(scored.score, _last(scored))),
}

RANK_FORMATS: Final[dict[str, Callable[[Sequence[RankRow], IO[str]], None]]] = {
    "text": rank_text,
    "json": written(rank_json),
    "md": written(rank_md),
    "csv": written(rank_csv),
}
# The rank formats that show where each scoring warning is (the others show none).
RANK_LOCATES_WARNINGS: Final = frozenset({"json"})


# -- cascade --dry-run ---------------------------------------------------------------


def cascade_dry_run(drafts: Sequence[Draft], force: bool, out: IO[str]) -> None:
    """The drafts a cascade would write: one row per indicator, and which files
    exist already (and so need --force)."""
    from rich.table import Table

    from pcontract.render.reporters import text_console

    table = Table(title="Drafts that would be written (dry run)", title_justify="left")
    for header in ("file", "contract", "indicator", "target", "weight", "note"):
        table.add_column(header)
    for draft in drafts:
        note = "exists: needs --force" if draft.exists and not force else ""
        for indicator_id, target, weight in draft.indicators:
            table.add_row(
                literal(str(draft.path)),
                literal(draft.contract_id),
                literal(indicator_id),
                literal(show(target)),
                str(weight),
                note,
            )
            note = ""
    text_console(out).print(table)


# -- tree ----------------------------------------------------------------------------


def tree_label(line: Line) -> Text:
    """One contract of the cascade tree: its guides, id, institution, agent and
    status, how many of its indicators its children carry, and any parent cycle."""
    from rich.text import Text

    from pcontract.checking.hierarchy import REPEAT_CYCLE
    from pcontract.render.reporters import safe_text

    c = line.contract
    text = Text(line.guides(), style="dim")
    if line.repeat is not None:
        mark = "↻ " if line.repeat == REPEAT_CYCLE else ""
        text.append(f"{mark}{safe_text(c.id)}", style="bold")
        text.append(f"  ({line.repeat})", style="yellow")
        return text
    text.append(safe_text(c.id), style="bold")
    text.append(f"  {safe_text(c.institution)}")
    if c.agent:
        text.append(f" — {safe_text(c.agent)}", style="dim")
    text.append(f"  [{safe_text(c.status)}]", style="cyan")
    if line.covered is not None and line.uncovered is not None:
        total = len(line.covered) + len(line.uncovered)
        style = "green" if not line.uncovered else "yellow"
        text.append(f"  carried {len(line.covered)}/{total}", style=style)
        if line.uncovered:
            missing = ", ".join(safe_text(i) for i in line.uncovered)
            text.append(f" (not carried: {missing})", style=style)
    if line.cycle is not None:
        loop = " → ".join(safe_text(i) for i in line.cycle)
        text.append(f"  ↻ parent cycle: {loop}", style="yellow")
    return text


def tree_text(lines: Sequence[Line], broken: int, out: IO[str]) -> None:
    """The cascade tree, one contract a line, and how many files have errors."""
    from rich.text import Text

    from pcontract.render.reporters import text_console

    console = text_console(out, wide(out))
    if not lines:
        console.print("no contracts found")
        return
    # One contract a line, never cut or folded by the console: a deep cascade
    # is as wide as it is deep, and a pipe or a narrow terminal still gets all.
    for line in lines:
        console.print(tree_label(line), soft_wrap=True)
    if broken:
        console.print(Text(f"{broken} file(s) have errors; run pcontract validate", style="yellow"))
