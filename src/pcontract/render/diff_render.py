"""Output for ``pcontract diff``: Markdown for a pull-request comment, JSON, and
rich text for the terminal.

Text from the YAML files is escaped everywhere: Markdown with :func:`tables.md`,
the terminal with :func:`reporters.safe_text` (and rich markup is never parsed).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any, Final

from pcontract import __version__
from pcontract.formatting import dp, number, scalar, show
from pcontract.negotiation.diff import (
    ADDED,
    CHANGED,
    DIFF_FORMAT_VERSION,
    REMOVED,
    Change,
    ContractDiff,
    DiffReport,
    Projection,
)
from pcontract.problems import Problem
from pcontract.render.reporters import json_text, written
from pcontract.render.tables import md, md_table, wide
from pcontract.rules.registry import RULES
from pcontract.scoring.method import ContractScore

ERROR_MARK = "❌"
WARNING_MARK = "⚠️"


# -- shared wording --------------------------------------------------------------------


def _signed(value: Decimal) -> str:
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):+,}"
    return f"{value:+,f}"


def change_text(change: Change) -> str:
    """``-120,000 (-24.0%)``, ``+30 days``, or empty."""
    if change.delta is None:
        return ""
    text = _signed(change.delta) + (f" {change.delta_unit}" if change.delta_unit else "")
    if change.pct is not None:
        pct = Decimal(dp(change.pct, 1))
        text += f" ({'+' if pct > 0 else ''}{pct}%)"
    return text


def where_text(change: Change) -> str:
    """Where a row is, for people: a sub-indicator with its goal, ``FS01 › FS01a``."""
    if change.indicator is not None and change.goal is not None:
        return f"{change.goal} › {change.indicator}"
    return change.where


def _goal_field_text(change: Change) -> str | None:
    """A goal's own rows, and an indicator moved into or out of a goal."""
    if change.indicator is None:
        if change.field == "goal":
            return f"goal {change.action}"
        return "goal weight" if change.field == "weight" else None
    if change.field != "goal" or change.action != CHANGED:
        return None
    if change.old is None:
        return f"goal (moved into {change.new})"
    if change.new is None:
        return f"goal (moved out of {change.old})"
    return "goal (moved)"


def field_text(change: Change) -> str:
    if change.field == "indicator":
        return f"indicator {change.action}"
    about_goal = _goal_field_text(change) if change.goal is not None else None
    if about_goal is not None:
        return about_goal
    if change.field == "category" and change.indicator is None and change.goal is None:
        return f"category {change.action}"
    if change.field == "weight" and change.indicator is None and change.category is not None:
        return "category weight"
    if change.field == "name" and change.action == CHANGED:
        return "name (renamed)"
    if change.field == "category" and change.action == CHANGED:
        return "category (moved)"
    if change.action == CHANGED:
        return change.field
    return f"{change.field} ({change.action})"


def _direction(change: Change) -> str:
    return f"{change.direction}" if change.direction else ""


def state_text(diff: ContractDiff) -> str:
    return {ADDED: "added", REMOVED: "removed", CHANGED: "changed"}.get(diff.state, diff.state)


def _status_text(diff: ContractDiff) -> str:
    if diff.status_change is not None:
        return f"{diff.status_change[0]} → {diff.status_change[1]}"
    return diff.current.contract.status


def _file_text(diff: ContractDiff) -> str:
    old, new = diff.old, diff.new
    if old is not None and new is not None:
        moved = (old.location or old.file) != (new.location or new.file)
        return f"{old.file} → {new.file}" if moved else new.file
    return diff.current.file


def _composite(scored: ContractScore | None) -> str:
    if scored is None or scored.composite is None:
        return "—"
    return f"{dp(scored.composite, 4)} ({scored.grade or 'no grade'})"


def projection_text(projection: Projection) -> str:
    text = (
        f"Projected composite against {projection.results_file} ({projection.period}): "
        f"{_composite(projection.old)} under the old targets → "
        f"{_composite(projection.new)} under the new"
    )
    old, new = projection.old, projection.new
    if old and new and old.composite is not None and new.composite is not None:
        delta = new.composite - old.composite
        if delta:
            better = new.better(new.composite, old.composite)
            text += (
                f" ({'+' if delta > 0 else ''}{dp(delta, 4)}, {'better' if better else 'worse'})"
            )
    if projection.note:
        text += f". Note: {projection.note}"
    return text


def summary_text(report: DiffReport) -> str:
    parts = []
    for state, word in ((CHANGED, "changed"), (ADDED, "added"), (REMOVED, "removed")):
        number = report.count(state)
        if number:
            parts.append(f"{number} contract{'s' if number != 1 else ''} {word}")
    if not parts:
        parts.append("no contract changed")
    errors, warnings = report.counts
    parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if report.unchanged:
        parts.append(f"{report.unchanged} unchanged")
    return ", ".join(parts)


def _flag_line(flag: Problem) -> str:
    where = f" (line {flag.line})" if flag.line else ""
    return f"{flag.severity.value} {flag.code}{where}: {flag.message}"


def flag_label(flag: Problem) -> str:
    """Short, for a table cell: the rule's code and name (the message is above)."""
    rule = RULES.get(flag.code)
    return f"{flag.code} {rule.name}" if rule else flag.code


# -- Markdown --------------------------------------------------------------------------


def _mark(flag: Problem) -> str:
    return ERROR_MARK if flag.is_error else WARNING_MARK


def render_md(report: DiffReport) -> str:
    """A pull-request comment: a summary, then one table per contract."""
    errors, _ = report.counts
    out = [
        "<!-- pcontract-diff -->",
        f"## Contract changes: {md(report.old_label)} → {md(report.new_label)}",
        "",
        f"{ERROR_MARK if errors else '✅'} **{md(summary_text(report))}**",
        "",
    ]
    if report.contracts:
        out.append(
            md_table(
                ["contract", "institution", "state", "status", "changes", "errors", "warnings"],
                [
                    [
                        d.id,
                        d.current.contract.institution,
                        state_text(d),
                        _status_text(d),
                        len(d.changes),
                        d.counts[0],
                        d.counts[1],
                    ]
                    for d in report.contracts
                ],
                "lllllrr",
            )
        )
    if report.problems:
        out.append("Files that could not be compared:\n")
        out.extend(
            f"- {ERROR_MARK if p.is_error else WARNING_MARK} {md(p.file)}"
            + (f":{p.line}" if p.line else "")
            + f": {md(p.code)} {md(p.message)}"
            for p in report.problems
        )
        out.append("")
    for diff in report.contracts:
        out.extend(_contract_md(diff))
    return "\n".join(out).rstrip("\n") + "\n"


def _contract_md(diff: ContractDiff) -> list[str]:
    contract = diff.current.contract
    out = [
        f"### {md(diff.id)} — {md(contract.institution)} ({md(state_text(diff))})",
        "",
        f"File: {md(_file_text(diff))} · status: {md(_status_text(diff))}",
        "",
    ]
    if diff.flags:
        out.extend(f"- {_mark(f)} {md(_flag_line(f))}" for f in diff.flags)
        out.append("")
    if diff.projection is not None:
        out.extend([md(projection_text(diff.projection)), ""])
    if diff.changes:
        rows = []
        for change in diff.changes:
            flags = diff.flags_for(change)
            rows.append(
                [
                    where_text(change),
                    change.name,
                    field_text(change),
                    show(change.old),
                    show(change.new),
                    change_text(change),
                    _direction(change),
                    "; ".join(f"{_mark(f)} {flag_label(f)}" for f in flags),
                ]
            )
        out.append(
            md_table(
                ["where", "indicator", "field", "old", "new", "change", "direction", "flags"],
                rows,
                "lllrrrll",
            )
        )
    return out


# -- JSON ------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None  # strict JSON has no NaN or Infinity
        return scalar(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _json_score(scored: ContractScore | None) -> dict[str, Any] | None:
    if scored is None:
        return None
    return {
        "composite": number(scored.composite, 4),
        "grade": scored.grade,
    }


def _json_contract(diff: ContractDiff) -> dict[str, Any]:
    projection = diff.projection
    return {
        "id": diff.id,
        "state": diff.state,
        "institution": diff.current.contract.institution,
        "old_file": diff.old.file if diff.old else None,
        "new_file": diff.new.file if diff.new else None,
        "old_status": diff.old.contract.status if diff.old else None,
        "new_status": diff.new.contract.status if diff.new else None,
        "changes": [
            {
                "where": c.where,
                "indicator": c.indicator,
                "goal": c.goal,
                "category": c.category,
                "action": c.action,
                "field": c.field,
                "old": _json_value(c.old),
                "new": _json_value(c.new),
                "change": _json_value(c.delta),
                "change_unit": c.delta_unit or None,
                "change_pct": number(c.pct, 2),
                "direction": c.direction,
                "flags": [f.code for f in diff.flags_for(c)],
            }
            for c in diff.changes
        ],
        "flags": [f.as_dict() for f in diff.flags],
        "projection": {
            "results": projection.results_file,
            "period": projection.period,
            "old": _json_score(projection.old),
            "new": _json_score(projection.new),
            "note": projection.note or None,
        }
        if projection is not None
        else None,
    }


def render_json(report: DiffReport) -> str:
    errors, warnings = report.counts
    payload = {
        "version": DIFF_FORMAT_VERSION,
        "tool": {"name": "pcontract", "version": __version__},
        "old": report.old_label,
        "new": report.new_label,
        "summary": {
            "changed": report.count(CHANGED),
            "added": report.count(ADDED),
            "removed": report.count(REMOVED),
            "unchanged": report.unchanged,
            "errors": errors,
            "warnings": warnings,
            "ok": report.ok,
        },
        "problems": [p.as_dict() for p in report.problems],
        "contracts": [_json_contract(d) for d in report.contracts],
    }
    return json_text(payload)


# -- text (rich) -----------------------------------------------------------------------


def render_text(report: DiffReport, out: IO[str]) -> None:
    from rich.table import Table
    from rich.text import Text

    from pcontract.render.reporters import literal, text_console

    console = text_console(out, wide(out))
    console.print(literal(f"Comparing {report.old_label} → {report.new_label}", "bold"))
    for problem in report.problems:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        console.print(
            literal(
                f"{problem.severity.value}: {where}: {problem.code} {problem.message}",
                "red" if problem.is_error else "yellow",
            )
        )
    for diff in report.contracts:
        contract = diff.current.contract
        console.print()
        console.print(
            literal(f"{diff.id} — {contract.institution} ({state_text(diff)})", "bold underline")
        )
        console.print(literal(f"file: {_file_text(diff)}; status: {_status_text(diff)}", "dim"))
        for flag in diff.flags:
            console.print(literal(_flag_line(flag), "red" if flag.is_error else "yellow"))
        if diff.projection is not None:
            console.print(literal(projection_text(diff.projection)))
        if not diff.changes:
            continue
        table = Table(show_header=True, header_style="bold")
        for header, justify in (
            ("where", "left"),
            ("indicator", "left"),
            ("field", "left"),
            ("old", "right"),
            ("new", "right"),
            ("change", "right"),
            ("direction", "left"),
            ("flags", "left"),
        ):
            table.add_column(header, justify=justify)  # type: ignore[arg-type]
        for change in diff.changes:
            flags = diff.flags_for(change)
            table.add_row(
                literal(where_text(change)),
                literal(change.name),
                literal(field_text(change)),
                literal(show(change.old)),
                literal(show(change.new)),
                Text(change_text(change)),
                Text(_direction(change)),
                literal(
                    "; ".join(flag_label(f) for f in flags),
                    "red" if any(f.is_error for f in flags) else "yellow",
                ),
            )
        console.print(table)
    console.print()
    errors, _ = report.counts
    mark, style = ("✖", "bold red") if errors else ("✔", "bold green")
    console.print(literal(f"{mark} {summary_text(report)}", style))


# The renderers by --format; the CLI offers exactly these keys.
DIFF_FORMATS: Final[dict[str, Callable[[DiffReport, IO[str]], None]]] = {
    "text": render_text,
    "md": written(render_md),
    "json": written(render_json),
}
