"""Rules checked across a parent contract and the contracts cascaded from it."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from pcontract.index import ContractSummary, Index, IndicatorSummary, Summary
from pcontract.model import dec, is_number
from pcontract.problems import Severity
from pcontract.rules.base import Finding, tree_rule
from pcontract.rules.contract import fmt

TreeFindings = Iterator[tuple[Summary, Finding]]
# Targets are read as floats, so a split written to 16 or more significant digits
# may not add up exactly.
RELATIVE_TOLERANCE = Decimal("1e-9")

Pair = tuple[ContractSummary, IndicatorSummary]
Link = tuple[ContractSummary, IndicatorSummary, ContractSummary, IndicatorSummary]


def _parent(index: Index, child: ContractSummary) -> ContractSummary | None:
    return index.contract(child.parent) if child.parent else None


def _in_cycle(index: Index, contract: ContractSummary) -> bool:
    """Whether following parent links from ``contract`` leads back to it."""
    seen = {contract.id}
    current = _parent(index, contract)
    while current is not None:
        if current.id == contract.id:
            return True
        if current.id in seen:
            return False  # a cycle further up, not through this contract
        seen.add(current.id)
        current = _parent(index, current)
    return False


def _links(index: Index) -> Iterator[Link]:
    """(child, child indicator, parent, parent indicator) for every well-formed
    cascaded_from; the malformed ones are PC311's to report."""
    # Siblings sit together in file order, so the last parent's indicators are
    # kept at hand: one table at a time, never one per parent.
    last: ContractSummary | None = None
    table: dict[str, IndicatorSummary] = {}
    for child in index.contracts:
        parent = _parent(index, child)
        if parent is None:
            continue
        if parent is not last:
            last, table = parent, {i.id: i for i in parent.indicators}
        for indicator in child.indicators:
            if indicator.cascaded_from is None:
                continue
            contract_id, indicator_id = indicator.cascaded_from
            carried = table.get(indicator_id) if contract_id == parent.id else None
            if carried is not None:
                yield child, indicator, parent, carried


def _relative(file: str, start: str) -> str:
    """A child's file as seen from its parent's folder: short, and still unambiguous."""
    try:
        return os.path.relpath(file, start or os.curdir)
    except ValueError:  # another drive, on Windows
        return file


@tree_rule(
    "PC310",
    "cascade-sum",
    "The children's split targets of an indicator with aggregation: sum add up to its target.",
)
def cascade_sum(index: Index) -> TreeFindings:
    # By (parent file, parent indicator id): the parent's side, and the children's.
    parents: dict[tuple[str, str], Pair] = {}
    carriers: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for child, indicator, parent, carried in _links(index):
        if carried.aggregation != "sum":
            continue  # only split targets add up; keep nothing else in memory
        key = (parent.file, carried.id)
        carriers[key].append((child, indicator))
        parents[key] = (parent, carried)
    for key, children in carriers.items():
        parent, carried = parents[key]
        if carried.aggregation != "sum" or not is_number(carried.target):
            continue
        if not all(is_number(i.target) for _, i in children):
            continue  # PC204 reports a target of the wrong type
        target = dec(carried.target)  # type: ignore[arg-type]
        values = [dec(i.target) for _, i in children]  # type: ignore[arg-type]
        total = sum(values, Decimal(0))
        if abs(total - target) <= RELATIVE_TOLERANCE * max(abs(total), abs(target)):
            continue
        folder = os.path.dirname(parent.file)
        parts = []
        for (child, indicator), value in zip(children, values, strict=True):
            name = _relative(child.file, folder)
            label = name if indicator.id == carried.id else f"{name} {indicator.id}"
            parts.append(f"{label}: {fmt(value)}")
        yield (
            parent,
            Finding(
                (*carried.path, "target"),
                f"{carried.id}: children's targets add up to {fmt(total)}, not the parent's "
                f"target {fmt(target)} (" + ", ".join(parts) + ")",
                f"the children are {fmt(abs(total - target))} "
                f"{'over' if total > target else 'under'} the target; change their targets "
                "or this one",
            ),
        )


@tree_rule(
    "PC311",
    "cascaded-from",
    "A cascaded_from names the contract's parent and one of the parent's indicators.",
)
def cascaded_from(index: Index) -> TreeFindings:
    for child in index.contracts:
        # Columns, not indicator objects: this runs over every indicator in the tree.
        for own_id, link, own_path in zip(child.ids, child.cascaded, child.paths, strict=True):
            if link is None:
                continue
            contract_id, indicator_id = link
            path = (*own_path, "cascaded_from")
            if contract_id != child.parent:
                yield (
                    child,
                    Finding(
                        (*path, "contract"),
                        f"{own_id} is cascaded from contract '{contract_id}', but "
                        + (
                            f"this contract's parent is '{child.parent}'"
                            if child.parent
                            else "this contract has no parent"
                        ),
                        "cascaded_from.contract must be the id in parent:",
                    ),
                )
                continue
            parent = _parent(index, child)
            if parent is None:
                continue  # PC303 reports the missing parent
            if indicator_id not in parent.ids:
                yield (
                    child,
                    Finding(
                        (*path, "indicator"),
                        f"{own_id} is cascaded from indicator '{indicator_id}', which "
                        f"parent contract '{parent.id}' does not have",
                        "the parent's indicators: " + ", ".join(parent.ids),
                    ),
                )


@tree_rule(
    "PC312",
    "cascade-kind",
    "A cascaded indicator has the same kind as the parent's indicator.",
)
def cascade_kind(index: Index) -> TreeFindings:
    for child, indicator, parent, carried in _links(index):
        if indicator.kind != carried.kind:
            yield (
                child,
                Finding(
                    (*indicator.path, "kind"),
                    f"{indicator.id} has kind {indicator.kind}, but the parent's {carried.id} "
                    f"in '{parent.id}' has kind {carried.kind}",
                    "a cascaded indicator measures the same thing, so it keeps its kind",
                ),
            )


@tree_rule(
    "PC313",
    "cascade-coverage",
    "Every indicator of a cascaded contract is carried by at least one child.",
    severity=Severity.WARNING,
)
def cascade_coverage(index: Index) -> TreeFindings:
    carried_ids: dict[str, set[str]] = defaultdict(set)
    for _, _, parent, carried in _links(index):
        carried_ids[parent.file].add(carried.id)
    for parent in index.contracts:
        children = index.children.get(parent.id, [])
        if not children or index.contract(parent.id) is not parent:
            continue
        if _in_cycle(index, parent):
            continue  # PC304 reports the cycle; "children" there are not a cascade
        if len(children) == 1:
            who = "the child contract " + _relative(children[0].file, os.path.dirname(parent.file))
        else:
            who = f"any of the {len(children)} child contracts"
        for indicator in parent.indicators:
            if indicator.id not in carried_ids[parent.file]:
                yield (
                    parent,
                    Finding(
                        (*indicator.path, "id"),
                        f"{indicator.id} is not carried by {who}",
                        "add it to a unit in the cascade plan, or to a child contract with "
                        "cascaded_from",
                    ),
                )


@tree_rule(
    "PC314",
    "cascade-year",
    "A child contract is for the same financial year as its parent.",
)
def cascade_year(index: Index) -> TreeFindings:
    for child in index.contracts:
        parent = _parent(index, child)
        if parent is not None and parent.financial_year != child.financial_year:
            yield (
                child,
                Finding(
                    ("financial_year",),
                    f"the contract is for {child.financial_year}, but its parent "
                    f"'{parent.id}' is for {parent.financial_year}",
                    "a cascaded contract covers its parent's financial year",
                ),
            )
