"""Roll-up: a parent's actual for the indicators its children carry, computed from
the children's results with the indicator's ``aggregation``.

Children are rolled up first (a department's figure comes from its sections'),
so a whole cascade rolls up from the officers to the ministry. Goals roll up per
sub-indicator: those are what results report and children carry (a goal carried
whole carries each of them), and the goal's score follows from theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Final

from pcontract.formatting import scalar
from pcontract.model import (
    KIND_BINARY,
    KIND_MILESTONE,
    MEASURE_CUMULATIVE,
    MEASURE_LEVEL,
    Achievement,
    Contract,
    Indicator,
    Results,
    Value,
    dec,
    is_number,
    parse_date,
)
from pcontract.problems import JsonPath, Problem, Severity

AGGREGATIONS = ("sum", "mean", "min", "max")

# The codes of the roll-up warnings (declared, with their pages, in rules/scoring.py).
CODE_CHILD_NOT_REPORTED: Final = "PC511"
CODE_CANNOT_AGGREGATE: Final = "PC512"
CODE_PARTIAL_ROLLUP: Final = "PC513"
CODE_REPORTED_DIFFERS: Final = "PC514"


@dataclass(frozen=True, slots=True)
class Family:
    """A contract with its annual results and its children's families, and the
    files they came from ("" where unknown), where the warnings point."""

    contract: Contract
    results: Results | None
    children: tuple[Family, ...] = ()
    contract_file: str = ""
    results_file: str = ""


@dataclass(frozen=True, slots=True)
class RolledUp:
    results: Results | None
    # Warnings (PC511 to PC514), not yet located: line and column are 0.
    notes: tuple[Problem, ...]
    # indicator id -> (rolled-up figure, the children's figures by contract id)
    figures: dict[str, tuple[Value, dict[str, Value]]]


def aggregate(kind: str, how: str, values: Sequence[Value]) -> Value | None:
    """Combine the children's figures; None where the combination has no meaning."""
    if not values or how not in AGGREGATIONS:
        return None
    if kind == KIND_BINARY:
        flags = [bool(v) for v in values]
        return {"min": all(flags), "max": any(flags)}.get(how)
    if kind == KIND_MILESTONE:
        days = [parse_date(v) for v in values]
        if any(d is None for d in days) or how not in ("min", "max"):
            return None
        chosen = min(days) if how == "min" else max(days)  # type: ignore[type-var]
        return chosen.isoformat()  # type: ignore[union-attr]
    if not all(is_number(v) for v in values):
        return None
    numbers = [Fraction(dec(v)) for v in values]  # type: ignore[arg-type]
    if how == "sum":
        return scalar(sum(numbers, Fraction(0)))
    if how == "mean":
        return scalar(sum(numbers, Fraction(0)) / len(numbers))
    return scalar(min(numbers) if how == "min" else max(numbers))


def combination(indicator: Indicator) -> str:
    """How the children's figures combine: a level (``measure: level``) by its
    mean unless the aggregation says min or max, a cumulative count by sum, else
    the aggregation as written ("none": not rolled up)."""
    measure = indicator.measure
    if indicator.raw.get("aggregation") == "none":
        return "none"  # written: not rolled up, whatever the measure
    if measure == MEASURE_LEVEL and indicator.aggregation not in ("min", "max"):
        return "mean"
    if measure == MEASURE_CUMULATIVE:
        return "sum"
    return indicator.aggregation


def _carrier(child: Contract, parent_id: str, indicator_id: str) -> Indicator | None:
    """The child's indicator that carries the parent's, if any."""
    for indicator in child.indicators:
        ref = indicator.cascaded_from
        if ref is not None and ref.contract == parent_id and ref.indicator == indicator_id:
            return indicator
    return None


def families(
    contracts: Sequence[Contract],
    annual: dict[str, Results],
    contract_files: Mapping[str, str] | None = None,
    results_files: Mapping[str, str] | None = None,
) -> dict[str, Family]:
    """Every contract's family, built bottom-up from the parent links. The files
    by contract id, where given, are where the roll-up's warnings point."""
    contract_files = contract_files or {}
    results_files = results_files or {}
    children: dict[str, list[Contract]] = {}
    for contract in contracts:
        if contract.parent:
            children.setdefault(contract.parent, []).append(contract)
    built: dict[str, Family] = {}

    def build(contract: Contract, seen: frozenset[str]) -> Family:
        if contract.id not in built:
            kids = tuple(
                build(child, seen | {contract.id})
                for child in sorted(children.get(contract.id, []), key=lambda c: c.id)
                if child.id not in seen  # validation refuses cycles; never loop anyway
            )
            built[contract.id] = Family(
                contract,
                annual.get(contract.id),
                kids,
                contract_files.get(contract.id, ""),
                results_files.get(contract.id, ""),
            )
        return built[contract.id]

    for contract in contracts:
        build(contract, frozenset())
    return built


def _warning(code: str, file: str, path: JsonPath, message: str, hint: str) -> Problem:
    """A roll-up warning, unlocated: the caller that read the file looks up its line."""
    return Problem(file, 0, 0, code, Severity.WARNING, message, path, hint)


@dataclass(frozen=True, slots=True)
class _Carrier:
    """A child's indicator that carries the parent's, and the child rolled up."""

    family: Family
    rolled: RolledUp
    indicator: Indicator


def _carriers(
    family: Family, rolled_children: Sequence[tuple[Family, RolledUp]], indicator: Indicator
) -> list[_Carrier]:
    return [
        _Carrier(child, rolled, own)
        for child, rolled in rolled_children
        if (own := _carrier(child.contract, family.contract.id, indicator.id)) is not None
    ]


def _children_figures(
    indicator: Indicator, carriers: Sequence[_Carrier], notes: list[Problem]
) -> dict[str, Value]:
    """The children's figures by contract id; a child without one is noted."""
    by_child: dict[str, Value] = {}
    for carrier in carriers:
        own, child = carrier.indicator, carrier.family
        results = carrier.rolled.results
        entry = results.achievements.get(own.id) if results else None
        if entry is None or entry.not_applicable or entry.effective is None:
            notes.append(
                _warning(
                    CODE_CHILD_NOT_REPORTED,
                    child.contract_file,
                    own.path,
                    f"{indicator.id}: {child.contract.id} has no result for {own.id}",
                    "report the child's figure, or its absence leaves the parent's short",
                )
            )
            continue
        by_child[child.contract.id] = entry.effective
    return by_child


def _reported_differs(
    family: Family, indicator: Indicator, reported: Achievement | None, value: Value
) -> Problem | None:
    if reported is None or reported.effective is None or reported.effective == value:
        return None
    return _warning(
        CODE_REPORTED_DIFFERS,
        family.results_file,
        reported.path,
        f"{indicator.id}: the reported figure {reported.effective} differs from the "
        f"rolled-up {value}",
        "the rolled-up figure is scored; correct the reported one or the children's",
    )


def _roll_indicator(
    family: Family,
    indicator: Indicator,
    carriers: Sequence[_Carrier],
    achievements: dict[str, Achievement],
    notes: list[Problem],
) -> tuple[Value, dict[str, Value]] | None:
    """Roll up one carried indicator into ``achievements``: its figure and the
    children's, or None where there is none."""
    by_child = _children_figures(indicator, carriers, notes)
    how = combination(indicator)
    value = aggregate(indicator.kind, how, list(by_child.values()))
    if value is None:
        if by_child:
            notes.append(
                _warning(
                    CODE_CANNOT_AGGREGATE,
                    family.contract_file,
                    (*indicator.path, "aggregation"),
                    f"{indicator.id}: cannot take the {how} of {indicator.kind} results",
                    "choose an aggregation that suits the indicator's kind",
                )
            )
        return None
    if len(by_child) < len(carriers):
        notes.append(
            _warning(
                CODE_PARTIAL_ROLLUP,
                family.contract_file,
                indicator.path,
                f"{indicator.id}: rolled up from {len(by_child)} of {len(carriers)} children",
                "the figure leaves out the children that reported nothing",
            )
        )
    reported = achievements.get(indicator.id)
    differs = _reported_differs(family, indicator, reported, value)
    if differs is not None:
        notes.append(differs)
    base = reported or Achievement(indicator.id, ("achievements", indicator.id))
    achievements[indicator.id] = replace(
        base,
        actual=value,
        moderation=None,
        not_applicable=False,
        evidence=f"rolled up ({how}) from " + ", ".join(sorted(by_child)),
    )
    return value, by_child


def rollup(family: Family) -> RolledUp:
    """The parent's results with carried indicators replaced by rolled-up figures."""
    rolled_children = [(child, rollup(child)) for child in family.children]
    notes: list[Problem] = []
    figures: dict[str, tuple[Value, dict[str, Value]]] = {}
    achievements = dict(family.results.achievements) if family.results else {}
    for indicator in family.contract.indicators:
        carriers = _carriers(family, rolled_children, indicator)
        if not carriers or combination(indicator) == "none":
            continue
        rolled = _roll_indicator(family, indicator, carriers, achievements, notes)
        if rolled is not None:
            figures[indicator.id] = rolled
    results = family.results
    if figures:
        base_results = family.results or Results(
            family.contract.id, "annual", family.contract.period_end, {}
        )
        results = replace(base_results, achievements=achievements)
    return RolledUp(results, tuple(notes), figures)
