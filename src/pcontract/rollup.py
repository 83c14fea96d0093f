"""Roll-up: a parent's actual for the indicators its children carry, computed from
the children's results with the indicator's ``aggregation``.

Children are rolled up first (a department's figure comes from its sections'),
so a whole cascade rolls up from the officers to the ministry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from pcontract.formatting import scalar
from pcontract.model import (
    KIND_BINARY,
    KIND_MILESTONE,
    Achievement,
    Contract,
    Results,
    Value,
    dec,
    is_number,
    parse_date,
)

AGGREGATIONS = ("sum", "mean", "min", "max")


@dataclass(frozen=True, slots=True)
class Family:
    """A contract with its annual results and its children's families."""

    contract: Contract
    results: Results | None
    children: tuple[Family, ...] = ()


@dataclass(frozen=True, slots=True)
class RolledUp:
    results: Results | None
    notes: tuple[str, ...]
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


def _carrier(child: Contract, parent_id: str, indicator_id: str) -> str | None:
    """The id of the child's indicator that carries the parent's, if any."""
    for indicator in child.indicators:
        ref = indicator.cascaded_from
        if ref is not None and ref.contract == parent_id and ref.indicator == indicator_id:
            return indicator.id
    return None


def families(contracts: Sequence[Contract], annual: dict[str, Results]) -> dict[str, Family]:
    """Every contract's family, built bottom-up from the parent links."""
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
            built[contract.id] = Family(contract, annual.get(contract.id), kids)
        return built[contract.id]

    for contract in contracts:
        build(contract, frozenset())
    return built


def rollup(family: Family) -> RolledUp:
    """The parent's results with carried indicators replaced by rolled-up figures."""
    rolled_children = [(child.contract, rollup(child)) for child in family.children]
    notes: list[str] = []
    figures: dict[str, tuple[Value, dict[str, Value]]] = {}
    achievements = dict(family.results.achievements) if family.results else {}
    for indicator in family.contract.indicators:
        carriers = [
            (child, rolled, own)
            for child, rolled in rolled_children
            if (own := _carrier(child, family.contract.id, indicator.id)) is not None
        ]
        if not carriers or indicator.aggregation == "none":
            continue
        by_child: dict[str, Value] = {}
        for child, rolled, own in carriers:
            entry = rolled.results.achievements.get(own) if rolled.results else None
            if entry is None or entry.not_applicable or entry.effective is None:
                notes.append(f"{indicator.id}: {child.id} has no result for {own}")
                continue
            by_child[child.id] = entry.effective
        value = aggregate(indicator.kind, indicator.aggregation, list(by_child.values()))
        if value is None:
            if by_child:
                notes.append(
                    f"{indicator.id}: cannot take the {indicator.aggregation} of "
                    f"{indicator.kind} results"
                )
            continue
        figures[indicator.id] = (value, by_child)
        if len(by_child) < len(carriers):
            notes.append(
                f"{indicator.id}: rolled up from {len(by_child)} of {len(carriers)} children"
            )
        reported = achievements.get(indicator.id)
        if reported is not None and reported.effective is not None and reported.effective != value:
            notes.append(
                f"{indicator.id}: the reported figure {reported.effective} differs from the "
                f"rolled-up {value}"
            )
        base = reported or Achievement(indicator.id, ("achievements", indicator.id))
        achievements[indicator.id] = replace(
            base,
            actual=value,
            moderation=None,
            not_applicable=False,
            evidence=f"rolled up ({indicator.aggregation}) from " + ", ".join(sorted(by_child)),
        )
    results = family.results
    if figures:
        base_results = family.results or Results(
            family.contract.id, "annual", family.contract.period_end, {}
        )
        results = replace(base_results, achievements=achievements)
    return RolledUp(results, tuple(notes), figures)
