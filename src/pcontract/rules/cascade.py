"""Rules checked across a parent contract and the contracts cascaded from it."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from pcontract.checking.index import CascadeLink, ContractSummary, Index, Summary
from pcontract.formatting import plain as fmt
from pcontract.model import dec, is_number
from pcontract.problems import Severity
from pcontract.rules.base import Finding, finding, tree_rule

TreeFindings = Iterator[tuple[Summary, Finding]]
# Targets are read as floats, so a split written to 16 or more significant digits
# may not add up exactly.
RELATIVE_TOLERANCE = Decimal("1e-9")


def adds_up(total: Decimal, target: Decimal) -> bool:
    """Whether split targets adding up to ``total`` make the parent's ``target``."""
    return abs(total - target) <= RELATIVE_TOLERANCE * max(abs(total), abs(target))


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


# A parent's indicator positions by the cascaded_from that would name them. The key
# type admits None, a child's "not cascaded", so that a child's whole cascaded
# column can be looked up with one map(table.get, ...).
Positions = dict[tuple[str, str] | None, int]


def _positions(parent: ContractSummary) -> Positions:
    """The parent's indicators by (parent id, indicator id): one lookup then answers
    both "is it this parent?" and "does it have that indicator?". Where an id is
    repeated the last one wins, as it always has here; PC203 reports the repeat."""
    return {(parent.id, indicator_id): at for at, indicator_id in enumerate(parent.ids)}


def _links(index: Index) -> list[CascadeLink]:
    """(child, parent, the parent position each child indicator is cascaded from)
    for every child with at least one well-formed cascaded_from; the malformed ones
    are PC311's to report.

    Three rules need these, so they are worked out once per index and kept on it.
    They hold positions in the summaries' columns rather than indicator objects: a
    national tree has millions of indicators, and the rules look at a few columns
    of each. Siblings mostly carry the same positions, so equal tuples are kept
    once: 100,000 children of 40 indicators would otherwise hold 37 MB of them.
    """
    if index.cascade_links is not None:
        return index.cascade_links
    links: list[CascadeLink] = []
    # Siblings sit together in file order, so the last parent's table is kept at
    # hand: one table at a time, never one per parent.
    last: ContractSummary | None = None
    table: Positions = {}
    shared: dict[tuple[int | None, ...], tuple[int | None, ...]] = {}
    for child in index.contracts:
        parent = _parent(index, child)
        if parent is None:
            continue
        if parent is not last:
            last, table = parent, _positions(parent)
        # None where nothing is cascaded, where another contract is named (the
        # pair's first half is not this parent's id), or an indicator it lacks.
        carried = tuple(map(table.get, child.cascaded))
        if carried.count(None) < len(carried):
            links.append((child, parent, shared.setdefault(carried, carried)))
    index.cascade_links = links
    return links


def _relative(file: str, start: str) -> str:
    """A child's file as seen from its parent's folder: short, and still unambiguous."""
    try:
        return os.path.relpath(file, start or os.curdir)
    except ValueError:  # another drive, on Windows
        return file


@tree_rule(
    "PC310",
    "cascade-sum",
)
def cascade_sum(index: Index) -> TreeFindings:
    # By (parent file, parent indicator id): the parent and its indicator's
    # position, and each child carrying it with that child's indicator position.
    """The children's split targets of an indicator with aggregation: sum add up to its target.

    ## What it does

    Checks that, for a parent indicator with `aggregation: sum`, the split targets of the
    children that carry it add up to the parent's target.

    ## Why is this bad?

    The parent's achievement is rolled up as the children's sum; children whose targets do not
    add up commit to more, or less, than the parent signed for.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            aggregation: sum
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # coast.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-coast
    title: Coast Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            aggregation: sum
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # coast.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-coast
    title: Coast Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    parents: dict[tuple[str, str], tuple[ContractSummary, int]] = {}
    carriers: dict[tuple[str, str], list[tuple[ContractSummary, int]]] = defaultdict(list)
    for child, parent, carried in _links(index):
        aggregations = parent.aggregations
        if "sum" not in aggregations:
            continue  # the parent splits no target: skip the child at once
        for own, at in enumerate(carried):
            if at is None or aggregations[at] != "sum":
                continue  # only split targets add up; keep nothing else in memory
            key = (parent.file, parent.ids[at])
            carriers[key].append((child, own))
            parents[key] = (parent, at)
    for key, children in carriers.items():
        parent, at = parents[key]
        parent_target = parent.targets[at]
        if parent.aggregations[at] != "sum" or not is_number(parent_target):
            continue
        targets = [child.targets[own] for child, own in children]
        if not all(is_number(t) for t in targets):
            continue  # PC204 reports a target of the wrong type
        target = dec(parent_target)  # type: ignore[arg-type]
        values = [dec(t) for t in targets]  # type: ignore[arg-type]
        total = sum(values, Decimal(0))
        if adds_up(total, target):
            continue
        carried_id = parent.ids[at]
        folder = os.path.dirname(parent.file)
        parts = []
        for (child, own), value in zip(children, values, strict=True):
            name = _relative(child.file, folder)
            own_id = child.ids[own]
            label = name if own_id == carried_id else f"{name} {own_id}"
            parts.append(f"{label}: {fmt(value)}")
        yield (
            parent,
            finding(
                (*parent.paths[at], "target"),
                f"{carried_id}: children's targets add up to {fmt(total)}, not the parent's "
                f"target {fmt(target)} (" + ", ".join(parts) + ")",
                f"the children are {fmt(abs(total - target))} "
                f"{'over' if total > target else 'under'} the target; change their targets "
                "or this one",
            ),
        )


@tree_rule(
    "PC311",
    "cascaded-from",
)
def cascaded_from(index: Index) -> TreeFindings:
    """A cascaded_from names the contract's parent and one of the parent's indicators.

    ## What it does

    Checks that a `cascaded_from` names the contract's own parent and an indicator that the
    parent has. An indicator is cascaded from a scored indicator: from a goal's sub-indicator,
    not from the goal, which has no figure of its own.

    ## Why is this bad?

    A child indicator cascaded from an indicator that is not there is neither rolled up nor
    checked against its parent.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM10}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    last: ContractSummary | None = None
    table: Positions = {}
    for child in index.contracts:
        links = child.cascaded
        if not any(links):
            continue  # nothing cascaded (a pair is never empty, so it is true)
        # Most children are well formed: every link names the parent and one of
        # its indicators. Find that in one pass of lookups, and skip the child.
        parent = _parent(index, child)
        if parent is not None:
            if parent is not last:
                last, table = parent, _positions(parent)
            if all(map(table.__contains__, filter(None, links))):
                continue
        # Columns, not indicator objects: this runs over every indicator in the tree.
        for own_id, link, own_path in zip(child.ids, child.cascaded, child.paths, strict=True):
            if link is None:
                continue
            contract_id, indicator_id = link
            path = (*own_path, "cascaded_from")
            if contract_id != child.parent:
                yield (
                    child,
                    finding(
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
            if indicator_id in parent.goals:
                members = parent.goal_members(indicator_id)
                yield (
                    child,
                    finding(
                        (*path, "indicator"),
                        f"{own_id} is cascaded from '{indicator_id}', a goal of parent contract "
                        f"'{parent.id}', which is scored by its sub-indicators",
                        "cascade from one of them (" + ", ".join(members) + "), or carry the "
                        "goal whole as a goal whose sub-indicators are cascaded from them",
                    ),
                )
            elif indicator_id not in parent.ids:
                yield (
                    child,
                    finding(
                        (*path, "indicator"),
                        f"{own_id} is cascaded from indicator '{indicator_id}', which "
                        f"parent contract '{parent.id}' does not have",
                        "the parent's indicators: " + ", ".join(parent.ids),
                    ),
                )


@tree_rule(
    "PC312",
    "cascade-kind",
)
def cascade_kind(index: Index) -> TreeFindings:
    """A cascaded indicator has the same kind as the parent's indicator.

    ## What it does

    Checks that a cascaded indicator has the same kind as the parent's indicator it carries.

    ## Why is this bad?

    A child cannot roll up into a parent measured differently: an increase figure cannot be a
    milestone's date.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: milestone
            target: 2025-03-31
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    for child, parent, carried in _links(index):
        parent_kinds = parent.kinds
        for own, (kind, at) in enumerate(zip(child.kinds, carried, strict=True)):
            if at is None or kind == parent_kinds[at]:
                continue
            yield (
                child,
                finding(
                    (*child.paths[own], "kind"),
                    f"{child.ids[own]} has kind {kind}, but the parent's {parent.ids[at]} "
                    f"in '{parent.id}' has kind {parent_kinds[at]}",
                    "a cascaded indicator measures the same thing, so it keeps its kind",
                ),
            )


@tree_rule(
    "PC313",
    "cascade-coverage",
    severity=Severity.WARNING,
)
def cascade_coverage(index: Index) -> TreeFindings:
    """Every indicator of a cascaded contract is carried by at least one child.

    ## What it does

    Checks that every indicator of a contract that has children is carried by at least one
    child. A warning. A goal is carried through its sub-indicators (a goal carried whole carries
    each of them); a goal none of whose sub-indicators is carried is reported once, at the goal.

    ## Why is this bad?

    An indicator no child carries is one nobody below the parent is accountable for.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 50
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
          - {id: CM02, name: Clinics staffed, weight: 50, kind: binary, target: true}
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    carried_ids: dict[str, set[str]] = defaultdict(set)
    for _, parent, carried in _links(index):
        parent_ids = parent.ids
        carried_ids[parent.file].update(parent_ids[at] for at in carried if at is not None)
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
        yield from _uncovered(parent, carried_ids[parent.file], who)


def _uncovered(parent: ContractSummary, carried: set[str], who: str) -> TreeFindings:
    """PC313 for one parent: each indicator no child carries; a goal none of whose
    sub-indicators is carried once, as the goal (carried whole, each of them is)."""
    goal_of = {m: goal for goal in parent.goals for m in parent.goal_members(goal)}
    told: set[str] = set()
    for indicator_id, path in zip(parent.ids, parent.paths, strict=True):
        goal = goal_of.get(indicator_id)
        if indicator_id in carried or goal in told:
            continue
        members = parent.goal_members(goal) if goal is not None else []
        if goal is not None and not carried.intersection(members):
            told.add(goal)
            yield (
                parent,
                finding(
                    (*path[:4], "id"),
                    f"goal {goal} ({', '.join(members)}) is not carried by {who}",
                    "carry the goal whole in a unit of the cascade plan, or its "
                    "sub-indicators, or add them to a child contract with cascaded_from",
                ),
            )
            continue
        yield (
            parent,
            finding(
                (*path, "id"),
                f"{indicator_id} is not carried by {who}",
                "add it to a unit in the cascade plan, or to a child contract with cascaded_from",
            ),
        )


@tree_rule(
    "PC314",
    "cascade-year",
)
def cascade_year(index: Index) -> TreeFindings:
    """A child contract is for the same financial year as its parent.

    ## What it does

    Checks that a child contract is for the same financial year as its parent.

    ## Why is this bad?

    A child for another year rolls up into the wrong year's evaluation.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2025/2026
    period: {start: 2025-07-01, end: 2026-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    for child in index.contracts:
        parent = _parent(index, child)
        if parent is not None and parent.financial_year != child.financial_year:
            yield (
                child,
                finding(
                    ("financial_year",),
                    f"the contract is for {child.financial_year}, but its parent "
                    f"'{parent.id}' is for {parent.financial_year}",
                    "a cascaded contract covers its parent's financial year",
                ),
            )


@tree_rule(
    "PC245",
    "plan-parent",
)
def plan_parent(index: Index) -> TreeFindings:
    # As for Results (PC305): a plan checked without its contract could pass here and
    # then be refused by cascade, so validate the folder that holds the contract too.
    """A cascade plan's parent is a contract in the tree.

    ## What it does

    Checks that a cascade plan's `parent` is a contract in the tree being checked.

    ## Why is this bad?

    A plan whose parent is missing cannot be checked against it, nor cascaded.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            aggregation: sum
    ```

    ```yaml
    # plan.yaml
    apiVersion: pcontract/v1
    kind: CascadePlan
    parent: moh-2023-24
    id_pattern: "{parent}-{unit}"
    units:
      - id: nairobi
        name: Nairobi Region
        indicators:
          CM01: {share: 60%}
      - id: coast
        name: Coast Region
        indicators:
          CM01: {share: 40%}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            aggregation: sum
    ```

    ```yaml
    # plan.yaml
    # (the example CascadePlan header)
    units:
      - id: nairobi
        name: Nairobi Region
        indicators:
          CM01: {share: 60%}
      - id: coast
        name: Coast Region
        indicators:
          CM01: {share: 40%}
    ```
    """
    for summary in index.plans:
        if index.contract(summary.parent) is None and not index.is_broken(
            "Contract", summary.parent
        ):
            yield (
                summary,
                finding(
                    ("parent",),
                    f"contract '{summary.parent}' was not found, so the plan cannot be "
                    "checked against it",
                    "validate the folder that holds the contract too, or fix the id",
                ),
            )


@tree_rule(
    "PC244",
    "plan-fits-parent",
)
def plan_fits_parent(index: Index) -> TreeFindings:
    """A cascade plan fits its parent contract, and every draft it makes validates.

    ## What it does

    Checks that a cascade plan fits its parent contract (every indicator it carries exists, a share
    splits only a summed target that is not a level, since a level such as a rate or a turnaround
    time is carried with `copy`, and shares of a summed indicator make its target) and that every
    draft it would write validates.

    ## Why is this bad?

    These are the checks `pcontract cascade` makes before it writes; running them in validate
    means a plan that validates also cascades.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            aggregation: sum
    ```

    ```yaml
    # plan.yaml
    # (the example CascadePlan header)
    units:
      - id: nairobi
        name: Nairobi Region
        indicators:
          CM01: {share: 60%}
      - id: coast
        name: Coast Region
        indicators:
          CM01: {share: 30%}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            aggregation: sum
    ```

    ```yaml
    # plan.yaml
    # (the example CascadePlan header)
    units:
      - id: nairobi
        name: Nairobi Region
        indicators:
          CM01: {share: 60%}
      - id: coast
        name: Coast Region
        indicators:
          CM01: {share: 40%}
    ```
    """
    if not index.plans:
        return
    from pathlib import Path

    from pcontract.cascade.drafts import fit_findings
    from pcontract.checking.checker import Options, Target, check_file
    from pcontract.model import CascadePlan, Contract

    options = Options(limits=index.limits)
    for summary in index.plans:
        parents = index.by_id.get(summary.parent, [])
        if len(parents) != 1:
            continue  # PC301 reports a repeated id; nothing is checked without a parent
        (parent,) = parents
        plan = check_file(Target(Path(summary.file), summary.file, True), options, True)
        contract = check_file(Target(Path(parent.file), parent.file, True), options, True)
        if plan.has_errors or contract.has_errors:
            continue  # their own rules report why; cascade refuses them too
        if not isinstance(plan.document, CascadePlan) or not isinstance(
            contract.document, Contract
        ):
            continue
        for found in fit_findings(contract.document, Path(parent.file), plan.document):
            yield summary, found
