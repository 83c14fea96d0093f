"""The cascade hierarchy as data, for ``pcontract tree``: who carries what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pcontract.index import ContractSummary, Index


@dataclass(frozen=True, slots=True)
class Node:
    contract: ContractSummary
    children: tuple[Node, ...]
    # parent indicators carried by at least one child, out of all of them; None
    # where the contract has no children.
    covered: tuple[str, ...] | None
    uncovered: tuple[str, ...] | None


def build(index: Index) -> list[Node]:
    """Roots first (contracts whose parent is absent), children sorted by id."""
    ids = {c.id for c in index.contracts}

    def node(contract: ContractSummary, seen: frozenset[str]) -> Node:
        kids = sorted(index.children.get(contract.id, []), key=lambda c: c.id)
        kids = [k for k in kids if k.id not in seen]
        if not kids:
            return Node(contract, (), None, None)
        carried = {
            i.cascaded_from[1]
            for k in kids
            for i in k.indicators
            if i.cascaded_from is not None and i.cascaded_from[0] == contract.id
        }
        own = list(contract.ids)
        return Node(
            contract,
            tuple(node(k, seen | {contract.id}) for k in kids),
            tuple(i for i in own if i in carried),
            tuple(i for i in own if i not in carried),
        )

    roots = [c for c in index.contracts if not c.parent or c.parent not in ids]
    return [node(root, frozenset()) for root in sorted(roots, key=lambda c: c.id)]


def walk(nodes: Sequence[Node]) -> list[Node]:
    out: list[Node] = []
    for item in nodes:
        out.append(item)
        out.extend(walk(item.children))
    return out
