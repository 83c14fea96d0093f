"""The contract document: the signed contract itself, as Markdown or A4 landscape HTML.

``pcontract report CONTRACT`` without ``--results`` renders it: the parties, the
vision, mission and strategic objectives, the performance matrix by category
(each indicator's unit, weight, the two latest baselines, target, criteria
values, quarterly targets, owner and due date; a goal's sub-indicators under
it), and a signature and date block for the parties.

As for the report cards (:mod:`pcontract.render.reports`), :func:`contract_view`
builds a plain dict of display strings and the templates (``contract.html``,
``contract.md``) only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from pcontract.errors import UsageError
from pcontract.formatting import NONE, show
from pcontract.model import (
    KIND_BINARY,
    KIND_DECREASE,
    KIND_INCREASE,
    KIND_MILESTONE,
    METHOD_PERCENTAGE,
    Category,
    Contract,
    Goal,
    Guidelines,
    Indicator,
    Person,
)
from pcontract.render.reports import Templates, baseline_years, slug
from pcontract.render.wording import LOWER_IS_BETTER
from pcontract.scoring.evaluation import ContractDocument
from pcontract.scoring.method import named_criteria_points

CONTRACT_TEMPLATES: Final = {"md": "contract.md", "html": "contract.html"}
# The criteria columns, best first; the target has its own column.
CRITERIA_COLUMNS: Final = (
    ("excellent", "Excellent"),
    ("very_good", "Very good"),
    ("fair", "Fair"),
    ("poor", "Poor"),
)
QUARTERS: Final = ("Q1", "Q2", "Q3", "Q4")
# What each kind of indicator counts as better, said under its name.
KIND_NOTES: Final = {
    KIND_INCREASE: "higher is better",
    KIND_DECREASE: LOWER_IS_BETTER,
    KIND_MILESTONE: "a date: earlier is better",
    KIND_BINARY: "done or not done",
}


def file_name(contract_id: str, fmt: str) -> str:
    """The file ``report -o DIR/`` writes the contract document to:
    ``<contract-id>-contract.md`` or ``.html`` (beside a card, never over it)."""
    return f"{slug(contract_id)}-contract.{fmt}"


def _target(indicator: Indicator) -> str:
    if indicator.kind == KIND_BINARY:
        return "done" if indicator.target is True else "not done"
    return show(indicator.target)


def _figure(indicator: Indicator, position: Fraction) -> str:
    """A criteria point as the contract writes it: a date for a milestone (its
    position is the day's ordinal), else the number."""
    if indicator.kind == KIND_MILESTONE:
        return dt.date.fromordinal(int(position)).isoformat()
    return show(position)


def _criteria(indicator: Indicator, guidelines: Guidelines) -> list[str]:
    """The criteria values in :data:`CRITERIA_COLUMNS` order (the contract's own,
    else the guidelines' defaults resolved against the target); — where none
    applies, and none at all under the percentage method."""
    if guidelines.method == METHOD_PERCENTAGE:
        return []
    points = {name: position for name, position, _ in named_criteria_points(indicator, guidelines)}
    return [
        _figure(indicator, points[key]) if key in points else NONE for key, _ in CRITERIA_COLUMNS
    ]


def _quarterly(indicator: Indicator) -> list[str]:
    given = indicator.quarterly_targets or ()
    return [show(given[q]) if q < len(given) else NONE for q in range(len(QUARTERS))]


def _indicator_row(
    indicator: Indicator, guidelines: Guidelines, years: Sequence[str]
) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "name": indicator.name,
        "is_goal": False,
        "in_goal": indicator.goal is not None,
        "kind_note": KIND_NOTES.get(indicator.kind, indicator.kind),
        "unit": indicator.unit or NONE,
        "weight": show(indicator.weight),
        "baselines": [show(indicator.baseline.get(year)) for year in years],
        "target": _target(indicator),
        "criteria": _criteria(indicator, guidelines),
        "quarterly": _quarterly(indicator),
        "quarterly_given": indicator.quarterly_targets is not None,
        "owner": indicator.owner or NONE,
        "due": indicator.due or NONE,
        "notes": indicator.notes,
    }


def _goal_row(goal: Goal) -> dict[str, Any]:
    count = len(goal.indicators)
    return {
        "id": goal.id,
        "name": goal.name,
        "is_goal": True,
        "in_goal": False,
        "kind_note": f"goal: the weighted mean of its {count} sub-indicator"
        + ("" if count == 1 else "s"),
        "unit": goal.unit or NONE,
        "weight": show(goal.weight),
        "owner": goal.owner or NONE,
        "notes": goal.notes,
    }


def _rows(category: Category, guidelines: Guidelines, years: Sequence[str]) -> list[dict[str, Any]]:
    """The category's entries as written: each goal's row just over its sub-indicators'."""
    rows: list[dict[str, Any]] = []
    for item in category.items:
        if isinstance(item, Goal):
            rows.append(_goal_row(item))
            rows.extend(_indicator_row(i, guidelines, years) for i in item.indicators)
        else:
            rows.append(_indicator_row(item, guidelines, years))
    return rows


def _party(role: str, person: Person | None, signed_on: str | None) -> dict[str, str]:
    return {
        "role": role,
        "title": person.title if person is not None else "",
        "name": person.name if person is not None else "",
        "date": signed_on or "",
    }


def _contract_facts(contract: Contract, guidelines: Guidelines) -> dict[str, Any]:
    return {
        "id": contract.id,
        "title": contract.title,
        "institution": contract.institution,
        "category": guidelines.category_name(contract.category),
        "financial_year": contract.financial_year,
        "period_start": contract.period_start,
        "period_end": contract.period_end,
        "status": contract.status,
        "parent": contract.parent,
        "signed_on": contract.signed_on,
    }


def _method(guidelines: Guidelines) -> dict[str, str]:
    name = guidelines.title or guidelines.id
    if guidelines.method == METHOD_PERCENTAGE:
        how = (
            "Each indicator is scored by its percentage achievement of the target; "
            "criteria values do not apply."
        )
    else:
        how = (
            f"Each indicator is scored from {show(guidelines.best)} (best) to "
            f"{show(guidelines.worst)} (worst) between its criteria values; meeting "
            f"the target scores {show(guidelines.target)}. Criteria values the "
            "contract does not give are the guidelines' defaults; where a criterion "
            "shows —, the score runs in a straight line between its neighbours."
        )
    return {"guidelines": name, "how": how}


def contract_view(document: ContractDocument, generated: str | None = None) -> dict[str, Any]:
    """The contract document as plain data for a template."""
    contract, guidelines = document.contract, document.guidelines
    years = baseline_years(contract)
    facts = _contract_facts(contract, guidelines)
    percentage = guidelines.method == METHOD_PERCENTAGE
    heads = [] if percentage else [label for _, label in CRITERIA_COLUMNS]
    quarterly = any(i.quarterly_targets for i in contract.indicators)
    # Indicator, unit, weight, the baselines, target, criteria, the quarterly
    # targets (one column in HTML), owner, due.
    columns = 3 + len(years) + 1 + len(heads) + (1 if quarterly else 0) + 2
    return {
        "generated": generated,
        "contract": facts,
        "running_head": (
            f"{contract.institution} · Performance contract FY {contract.financial_year}"
        ),
        "vision": contract.vision,
        "mission": contract.mission,
        "objectives": list(contract.strategic_objectives),
        "parties": [
            _party("Principal", contract.principal, contract.signed_on),
            _party("Agent", contract.agent, contract.signed_on),
        ],
        "baseline_years": list(years),
        "criteria_heads": heads,
        "quarters": list(QUARTERS),
        "categories": [
            {
                "id": category.id,
                "name": category.name,
                "weight": show(category.weight),
                "rows": _rows(category, guidelines, years),
            }
            for category in contract.criteria
        ],
        "total_weight": show(sum((c.weight for c in contract.criteria), Decimal(0))),
        "has_quarterly": quarterly,
        "columns": columns,
        # A goal's row spans what its sub-indicators give: all but name, unit,
        # weight, owner and due.
        "goal_span": columns - 5,
        "indicator_count": len(contract.indicators),
        "method": _method(guidelines),
    }


def render_contract(
    document: ContractDocument,
    fmt: str,
    templates: Templates | None = None,
    generated: str | None = None,
) -> str:
    """The contract document as Markdown (``md``) or self-contained HTML (``html``)."""
    if fmt not in CONTRACT_TEMPLATES:
        raise UsageError(f"unknown report format '{fmt}'; choose md or html")
    templates = templates or Templates()
    return templates.render(CONTRACT_TEMPLATES[fmt], contract_view(document, generated))
