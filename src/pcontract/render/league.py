"""League pages: one financial year's league tables as plain data for index.html.

A page names its year and the office that issued the guidelines (their
``issued_by``, else their title) in its title and heading, links to each
category, and shows per category a table of rank, institution, composite and
grade, a dot per institution on the scale against the target score (worse on
the left, better on the right), the grade distribution (worse to better) and,
where the rows carry them, last year's standing and the movement. A column that
would be empty for every row of a table (notes, last year, movement) is left out.

Every figure is a display string or a chart position worked out here; the
template does no arithmetic on scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final

from pcontract.model import Guidelines
from pcontract.render.open_data import DATA_LINKS
from pcontract.render.reports import (
    _grade_level,
    _Scale,
    _scale,
    card_href,
    league_file_name,
    site_years,
)
from pcontract.render.tables import category_title, last_year_text, movement_text
from pcontract.render.wording import counted
from pcontract.scoring.cards import League, LeagueEntry
from pcontract.scoring.ranking import RankRow

# A category of at most this many rows prints whole on one page, never split.
SMALL_TABLE: Final = 8
_ANCHOR = re.compile(r"[^A-Za-z0-9_-]")


def _institutions(count: int) -> str:
    """ "1 institution", "4 institutions": the plural rule of the card's wording."""
    return counted(Fraction(count), "institutions")


def _percent(pos: float) -> str:
    """A chart position (0 worst, 1 best) as a CSS length along the track."""
    return f"{round(pos * 100, 2):g}%"


def _office(cards: Sequence[LeagueEntry]) -> str:
    """Who issued this year's guidelines: their ``issued_by``, else their title,
    else their id; several guidelines' offices joined, each once."""
    found: dict[str, None] = {}
    for card in sorted(cards, key=lambda c: c.guidelines.id):
        g = card.guidelines
        found.setdefault(g.issued_by or g.title or g.id, None)
    return "; ".join(found)


def _grade_order(cards: Sequence[LeagueEntry]) -> list[str]:
    """Grade names best first, across the guidelines in use (first seen first)."""
    order: list[str] = []
    for card in cards:
        for band in card.guidelines.grades:
            if band.grade not in order:
                order.append(band.grade)
    return order


def _distribution(rows: Sequence[RankRow], cards: Sequence[LeagueEntry]) -> dict[str, Any]:
    """The grades of ``rows``, worse first (as a chart reads, worse to better, left
    to right), by the guidelines of ``cards``, with the same in words."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.grade is not None:
            counts[row.grade] = counts.get(row.grade, 0) + 1
    order = _grade_order(cards)
    order.extend(sorted(grade for grade in counts if grade not in order))
    order.reverse()
    largest = max(counts.values(), default=0) or 1
    levels: dict[str, int | None] = {}
    for card in cards:
        for band in card.guidelines.grades:
            levels.setdefault(band.grade, _grade_level(band.grade, card.guidelines))
    items = [
        {
            "grade": grade,
            "level": levels.get(grade),
            "count": counts.get(grade, 0),
            "width": _percent(counts.get(grade, 0) / largest),
        }
        for grade in order
    ]
    graded = sum(counts.values())
    words = ", ".join(f"{d['grade']} {d['count']}" for d in items)
    return {
        "grades": items,
        "graded": graded,
        "summary": f"{_institutions(graded)} by grade, worse to better: {words}.",
    }


def _table_scale(cards: Sequence[LeagueEntry]) -> _Scale:
    """The one scale a table's dots share: its contracts' guidelines' scale (a
    percentage scale as wide as its largest composite needs)."""
    scales = [_scale(card.score, card.guidelines) for card in cards]
    return max(scales, key=lambda scale: abs(scale.best - scale.worst))


def _dot(row: RankRow, card: LeagueEntry, scale: _Scale) -> dict[str, Any] | None:
    """Where the row's composite sits on the table's scale (0 worst, 1 best)."""
    if row.composite_display is None:
        return None
    return {
        "left": _percent(scale.pos(row.composite_display)),
        "level": _grade_level(row.grade, card.guidelines),
    }


def _movement_kind(row: RankRow) -> str:
    return (row.movement.composite or "") if row.movement is not None else ""


def _league_row(row: RankRow, card: LeagueEntry, scale: _Scale) -> dict[str, Any]:
    has_previous = row.previous is not None
    return {
        "rank": row.rank if row.rank is not None else "—",
        "contract": row.contract,
        "institution": row.institution,
        "financial_year": card.contract.financial_year,
        "composite": str(row.composite_display) if row.composite_display is not None else "—",
        "grade": row.grade or "—",
        "grade_level": _grade_level(row.grade, card.guidelines),
        "flags": list(row.flags),
        "href": card_href(row.contract),
        "last_year": last_year_text(row.previous) if has_previous else "",
        "movement": movement_text(row.movement) if has_previous else "",
        "movement_kind": _movement_kind(row),
        "dot": _dot(row, card, scale),
    }


def _axis(scale: _Scale) -> dict[str, str]:
    """The scale a table's dots are drawn on: its worse and better ends and the
    target score's place."""
    return {
        "worse": scale.label(scale.worst),
        "better": scale.label(scale.best),
        "target": scale.label(scale.target),
        "target_left": _percent(scale.pos(scale.target)),
    }


def category_anchor(category: str) -> str:
    """The id of a category's section on its league page: ``category-county``."""
    return f"category-{_ANCHOR.sub('_', category)}"


def _table(items: Sequence[RankRow], by_contract: dict[str, LeagueEntry]) -> dict[str, Any]:
    cards = [by_contract[row.contract] for row in items]
    scale = _table_scale(cards)
    rows = [_league_row(row, card, scale) for row, card in zip(items, cards, strict=True)]
    name = category_title(items[0])
    return {
        "category": name,
        "category_id": items[0].category,
        "anchor": category_anchor(items[0].category),
        "count": _institutions(len(rows)),
        "rows": rows,
        "show_flags": any(r["flags"] for r in rows),
        "show_last_year": any(r["last_year"] for r in rows),
        "show_movement": any(r["movement"] and r["movement"] != "—" for r in rows),
        "small": len(rows) <= SMALL_TABLE,
        "axis": _axis(scale),
        "distribution": _distribution(items, cards),
    }


def _table_rows(site: League, rows: Sequence[RankRow]) -> list[dict[str, Any]]:
    """The year's league tables, one per category, in the rows' order."""
    by_contract = {card.contract.id: card for card in site.cards}
    groups: list[list[RankRow]] = []
    for row in rows:
        if not groups or groups[-1][0].category != row.category:
            groups.append([])
        groups[-1].append(row)
    return [_table(items, by_contract) for items in groups]


def _year_links(site: League, year: str | None) -> list[dict[str, Any]]:
    years = site_years(site)
    return [
        {"year": y, "href": league_file_name(y, i == 0), "current": y == year}
        for i, y in enumerate(years)
    ]


def _title(year: str | None, office: str) -> str:
    """``League tables, FY 2024/2025 — <office>``."""
    title = "League tables"
    if year:
        title += f", FY {year}"
    return f"{title} — {office}" if office else title


def _guidelines(cards: Sequence[LeagueEntry]) -> list[dict[str, str]]:
    found: dict[str, Guidelines] = {}
    for card in cards:
        found.setdefault(card.guidelines.id, card.guidelines)
    return [{"id": key, "title": found[key].title or key} for key in sorted(found)]


def index_view(
    site: League, generated: str | None = None, year: str | None = None
) -> dict[str, Any]:
    """One financial year's league page as plain data for a template (``year``
    None: the latest year), with links to the other years."""
    years = site_years(site)
    year = year if year is not None else (years[0] if years else None)
    rows = [row for row in site.rows if row.financial_year == year]
    chosen = {row.contract for row in rows}
    cards = [card for card in site.cards if card.contract.id in chosen]
    office = _office(cards)
    tables = _table_rows(site, rows)
    axes = [t["axis"] for t in tables]
    return {
        "generated": generated,
        "financial_year": year,
        "office": office,
        "title": _title(year, office),
        "heading": _title(year, ""),
        "footer": _title(year, office),
        "years": _year_links(site, year),
        "tables": tables,
        # The one scale every table's dots are drawn on; None when they differ.
        "axis": axes[0] if axes and all(a == axes[0] for a in axes) else None,
        "nav": [
            {"href": f"#{t['anchor']}", "name": t["category"], "count": t["count"]} for t in tables
        ],
        "total": len(rows),
        "total_text": _institutions(len(rows)),
        "category_count": "1 category" if len(tables) == 1 else f"{len(tables)} categories",
        "distribution": _distribution(rows, cards),
        "guidelines": _guidelines(cards),
        # The site's data/ folder: the league tables as CSV and JSON, and the database.
        "open_data": {link["kind"]: link["href"] for link in DATA_LINKS},
    }
