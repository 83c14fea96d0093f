"""The cascade hierarchy as data, for ``pcontract tree``: who carries what.

Every contract appears. Roots are the contracts with no parent, or whose parent
is not in the tree; each child is listed under its parent, sorted by id. Contracts
whose parent links form a cycle (PC304) have no root: each such cycle is drawn
from its smallest id, marked with the loop, and where the walk comes back round
to a contract already above, that contract is a marked leaf instead of being
drawn again. The walk is iterative, so a cascade thousands of levels deep needs
no recursion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pcontract.checking.index import ContractSummary, Index

REPEAT_CYCLE: Final = "cycle"  # the contract is above this line: parent links loop
REPEAT_SHOWN: Final = "shown above"  # already drawn elsewhere (contracts sharing an id)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the tree, in the order it is drawn.

    ``last`` holds, for each level from the top down to this line, whether the
    contract at that level is the last child of its parent: what guides to draw.
    ``covered``/``uncovered`` are the contract's indicators carried by at least
    one child, and the rest; None where it has no children. ``cycle`` is set on
    the first line of a parent cycle: the ids along the parent links, back to the
    first. ``repeat`` is set where a contract is listed again as a leaf.
    """

    contract: ContractSummary
    depth: int
    last: tuple[bool, ...]
    covered: tuple[str, ...] | None = None
    uncovered: tuple[str, ...] | None = None
    cycle: tuple[str, ...] | None = None
    repeat: str | None = None

    def guides(self) -> str:
        """The tree guides in front of the label: ``│   ``, ``├── `` and ``└── ``."""
        if not self.depth:
            return ""
        above = "".join("    " if last else "│   " for last in self.last[1:-1])
        return above + ("└── " if self.last[-1] else "├── ")


def _order(contract: ContractSummary) -> tuple[str, str]:
    return (contract.id, contract.source)


def _coverage(
    contract: ContractSummary, kids: list[ContractSummary]
) -> tuple[tuple[str, ...], tuple[str, ...]] | tuple[None, None]:
    if not kids:
        return None, None
    carried = {
        link.indicator
        for k in kids
        for link in k.cascaded
        if link is not None and link.contract == contract.id
    }
    own = contract.ids
    return tuple(i for i in own if i in carried), tuple(i for i in own if i not in carried)


def _cycle_from(
    contract: ContractSummary, parent_of: dict[int, ContractSummary]
) -> list[ContractSummary]:
    """The parent cycle above ``contract`` (which has a parent, and no root)."""
    chain: list[ContractSummary] = []
    position: dict[int, int] = {}
    current: ContractSummary | None = contract
    while current is not None and id(current) not in position:
        position[id(current)] = len(chain)
        chain.append(current)
        current = parent_of.get(id(current))
    if current is None:  # unreachable for a contract left over after the roots
        return [contract]
    return chain[position[id(current)] :]


def lines(index: Index) -> list[Line]:
    """Every contract, as lines of a tree: roots sorted by id, then parent cycles."""
    contracts = sorted(index.contracts, key=_order)
    kids_of: dict[str, list[ContractSummary]] = {
        key: sorted(kids, key=_order) for key, kids in index.children.items()
    }
    first: dict[str, ContractSummary] = {}
    for contract in contracts:
        first.setdefault(contract.id, contract)
    parent_of = {id(c): first[c.parent] for c in contracts if c.parent and c.parent in first}
    out: list[Line] = []
    shown: set[int] = set()

    def draw(root: ContractSummary, cycle: tuple[str, ...] | None) -> None:
        on_path: set[int] = set()
        # ("enter", contract, last flags) or ("leave", contract, ()).
        stack: list[tuple[str, ContractSummary, tuple[bool, ...]]] = [("enter", root, (True,))]
        while stack:
            action, contract, last = stack.pop()
            if action == "leave":
                on_path.discard(id(contract))
                continue
            depth = len(last) - 1
            if id(contract) in shown:
                repeat = REPEAT_CYCLE if id(contract) in on_path else REPEAT_SHOWN
                out.append(Line(contract, depth, last, repeat=repeat))
                continue
            shown.add(id(contract))
            kids = kids_of.get(contract.id, [])
            covered, uncovered = _coverage(contract, kids)
            out.append(
                Line(
                    contract,
                    depth,
                    last,
                    covered,
                    uncovered,
                    cycle if contract is root else None,
                )
            )
            on_path.add(id(contract))
            stack.append(("leave", contract, ()))
            for position in range(len(kids) - 1, -1, -1):
                stack.append(("enter", kids[position], (*last, position == len(kids) - 1)))

    for root in contracts:
        if not root.parent or root.parent not in first:
            draw(root, None)
    for contract in contracts:
        if id(contract) in shown:
            continue
        loop = _cycle_from(contract, parent_of)
        start = min(loop, key=_order)
        at = loop.index(start)
        ordered = loop[at:] + loop[:at]
        draw(start, (*(c.id for c in ordered), start.id))
    return out
