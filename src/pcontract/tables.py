"""Output for ``score`` and ``rank``: rich tables, JSON, Markdown and CSV.

Numbers are rounded only here, for display: composites to 4 decimals as
published, raw and weighted scores to 4, percentages to 1.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any, Literal

from pcontract import numbers
from pcontract.model import Value
from pcontract.problems import Problem
from pcontract.ranking import RankRow
from pcontract.scoring import ContractScore, IndicatorScore

SCORE_FORMAT_VERSION = 1


def dp(value: Fraction | Decimal | None, places: int) -> str:
    """``value`` to ``places`` decimals, halves rounded away from zero.

    Exact at any size: decimal's 28-digit context would refuse to round an
    achievement of 1e300 % (InvalidOperation), and round a huge one wrongly.
    """
    if value is None:
        return "—"
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)
    exact = Fraction(value)
    whole = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    return str(Decimal((int(exact < 0), tuple(map(int, str(whole))), -places)))


def number(value: Fraction | Decimal | None, places: int) -> float | None:
    """``value`` rounded, as a JSON number; None when no float can hold it."""
    if value is None:
        return None
    result = float(dp(value, places))
    return result if math.isfinite(result) else None


def show(value: Value | Fraction | None) -> str:
    """A target or an actual as a person reads it: 1,000,000; 72.5; 2025-03-31; yes."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and math.isfinite(value):
        value = Fraction(Decimal(repr(value)))  # the number as written, not its binary value
    if isinstance(value, Fraction):
        return f"{numbers.rounded(value, 4):,f}".rstrip("0").rstrip(".")
    return str(value)


def json_value(value: Value | None) -> Any:
    return value


# -- Markdown escaping ------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def md(text: object) -> str:
    """Text safe inside a GitHub-flavoured Markdown table cell: no table breaks, no
    HTML, no Markdown formatting."""
    raw = str(text).replace("\r", " ").replace("\n", " ")
    raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", raw)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    lines = ["| " + " | ".join(md(h) for h in headers) + " |"]
    marks = [("---:" if a == "r" else "---") for a in (align or "l" * len(headers))]
    lines.append("| " + " | ".join(marks) + " |")
    lines.extend("| " + " | ".join(md(c) for c in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def csv_cell(value: object) -> str:
    """Neutralise spreadsheet formula injection: a cell starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe, unless it is a number."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


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
        "target": json_value(item.target),
        "actual": json_value(item.actual),
        "reported": json_value(item.reported),
        "moderation": {
            "actual": item.moderation.actual,
            "by": item.moderation.by,
            "reason": item.moderation.reason,
        }
        if item.moderation
        else None,
        "achievement_pct": number(item.achievement_pct, 2),
        "raw_score": number(item.raw_score, 4),
        "weighted_score": number(item.weighted_score, 4),
        "status": item.status,
        "evidence": item.evidence or None,
        "reason": item.reason or None,
    }


def score_json(result: ContractScore, warnings: Sequence[Problem] = ()) -> str:
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
        "progress": [
            {
                "id": p.id,
                "quarter": p.quarter,
                "quarter_target": number(p.quarter_target, 4),
                "actual": json_value(p.actual),
                "pct_of_quarter_target": number(p.pct_of_quarter_target, 2),
                "status": p.status,
                "projected_raw_score": number(p.projected_raw_score, 4),
            }
            for p in result.progress
        ],
        "warnings": list(result.warnings) + [p.message for p in warnings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _actual_cell(item: IndicatorScore) -> str:
    if item.status == "not-applicable":
        return "n/a"
    if item.status == "not-reported":
        return "not reported"
    if item.moderation is not None:
        return f"{show(item.actual)} (moderated from {show(item.reported)})"
    return show(item.actual)


def score_md(result: ContractScore) -> str:
    out = [f"## {md(result.institution)} — {md(result.financial_year)}", ""]
    if result.composite is not None:
        out.append(f"**Composite score:** {dp(result.composite, 4)} — **{md(result.grade)}**")
    else:
        out.append(f"**Period:** {md(result.period)} (no grade before the annual result)")
    out.append("")
    rows = []
    for item in result.indicators:
        rows.append(
            [
                item.id,
                item.name,
                show(item.target),
                _actual_cell(item),
                dp(item.achievement_pct, 1),
                dp(item.raw_score, 4),
                dp(item.weighted_score, 4),
                item.status,
            ]
        )
    out.append(
        md_table(
            ["id", "indicator", "target", "actual", "achievement %", "raw", "weighted", "status"],
            rows,
            "llrrrrrl",
        )
    )
    if result.warnings:
        out.append("Warnings:\n")
        out.extend(f"- {md(w)}" for w in result.warnings)
        out.append("")
    return "\n".join(out)


def wide(out: IO[str]) -> int | None:
    """Wide tables when writing to a file or a pipe; the terminal's own width otherwise."""
    isatty = getattr(out, "isatty", None)
    return None if callable(isatty) and isatty() else 160


def score_text(result: ContractScore, warnings: Sequence[Problem], out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from pcontract.reporters import safe_text

    console = Console(file=out, highlight=False, width=wide(out))
    title = f"{result.institution} — {result.financial_year} ({result.period or 'no results'})"
    table = Table(title=Text(safe_text(title)), title_justify="left")
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("id", "left"),
        ("indicator", "left"),
        ("weight", "right"),
        ("target", "right"),
        ("actual", "right"),
        ("ach. %", "right"),
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
            Text(safe_text(category.name), style="bold"),
            "",
            dp(category.effective_weight, 2),
            "",
            "",
            "",
            "",
            Text(dp(category.weighted_score, 4), style="bold"),
        )
        for item in by_category.get(category.id, []):
            table.add_row(
                Text(safe_text(item.id)),
                Text(safe_text(item.name)),
                dp(item.effective_weight, 2),
                Text(safe_text(show(item.target))),
                Text(safe_text(_actual_cell(item))),
                dp(item.achievement_pct, 1),
                dp(item.raw_score, 4),
                dp(item.weighted_score, 4),
            )
    console.print(table)
    if result.progress:
        progress = Table(title="Quarterly progress", title_justify="left")
        for header in ("id", "quarter target", "actual", "% of target", "status", "projected raw"):
            progress.add_column(header)
        for p in result.progress:
            progress.add_row(
                Text(safe_text(p.id)),
                show(p.quarter_target),
                Text(safe_text(show(p.actual))),
                dp(p.pct_of_quarter_target, 1),
                p.status,
                dp(p.projected_raw_score, 4),
            )
        console.print(progress)
    for warning in [*result.warnings, *(p.message for p in warnings)]:
        console.print(Text("warning: " + safe_text(warning), style="yellow"))
    if result.composite is not None:
        console.print(
            Text(f"Composite score {dp(result.composite, 4)}: {result.grade}", style="bold")
        )
    else:
        console.print(Text(f"{result.period} progress: no grade before the annual result"))


# -- rank -------------------------------------------------------------------------


def rank_records(rows: Sequence[RankRow]) -> list[dict[str, Any]]:
    return [
        {
            "rank": row.rank,
            "contract": row.contract,
            "institution": row.institution,
            "category": row.category,
            "composite": float(row.composite_display)
            if row.composite_display is not None
            else None,
            "grade": row.grade,
            "flags": list(row.flags),
        }
        for row in rows
    ]


def rank_json(rows: Sequence[RankRow]) -> str:
    return json.dumps(rank_records(rows), indent=2, ensure_ascii=False) + "\n"


def rank_csv(rows: Sequence[RankRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["category", "rank", "contract", "institution", "composite", "grade", "flags"])
    for row in rows:
        writer.writerow(
            [
                csv_cell(row.category),
                row.rank,
                csv_cell(row.contract),
                csv_cell(row.institution),
                "" if row.composite_display is None else str(row.composite_display),
                csv_cell(row.grade),
                csv_cell("; ".join(row.flags)),
            ]
        )
    return buffer.getvalue()


def _by_category(rows: Sequence[RankRow]) -> dict[str, list[RankRow]]:
    grouped: dict[str, list[RankRow]] = {}
    for row in rows:
        grouped.setdefault(row.category, []).append(row)
    return grouped


def rank_md(rows: Sequence[RankRow]) -> str:
    out = []
    for category, items in _by_category(rows).items():
        out.append(f"### {md(category)}\n")
        out.append(
            md_table(
                ["rank", "institution", "contract", "composite", "grade", "flags"],
                [
                    [
                        r.rank,
                        r.institution,
                        r.contract,
                        "—" if r.composite_display is None else str(r.composite_display),
                        r.grade or "—",
                        ", ".join(r.flags),
                    ]
                    for r in items
                ],
                "rllrll",
            )
        )
    return "\n".join(out)


def rank_text(rows: Sequence[RankRow], out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from pcontract.reporters import safe_text

    console = Console(file=out, highlight=False, width=wide(out))
    for category, items in _by_category(rows).items():
        table = Table(title=Text(safe_text(category)), title_justify="left")
        table.add_column("rank", justify="right")
        table.add_column("institution")
        table.add_column("composite", justify="right")
        table.add_column("grade")
        table.add_column("flags")
        for r in items:
            table.add_row(
                str(r.rank),
                Text(safe_text(r.institution)),
                "—" if r.composite_display is None else str(r.composite_display),
                Text(safe_text(r.grade or "—")),
                Text(safe_text(", ".join(r.flags))),
            )
        console.print(table)
