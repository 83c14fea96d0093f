"""Cascading: draft child contracts from a contract and a CascadePlan.

:func:`plan_cascade` builds every draft in memory, so that a dry run can show
them and nothing is written when any unit is wrong; :func:`write_drafts` writes
them atomically and refuses to overwrite work unless forced.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

from pcontract.errors import PcontractError
from pcontract.files import loader, numbers
from pcontract.files.reading import what_is
from pcontract.files.writer import Inputs, not_a_folder, write_files
from pcontract.formatting import plain, scalar, with_article
from pcontract.model import (
    ID_RE,
    KIND_BINARY,
    KIND_MILESTONE,
    MEASURE_LEVEL,
    NUMERIC_KINDS,
    TARGET_TYPES,
    CascadePlan,
    Contract,
    Goal,
    Indicator,
    PlanEntry,
    PlanOwn,
    PlanUnit,
    Value,
    build,
    dec,
    fits_target,
    is_number,
)
from pcontract.problems import Severity
from pcontract.rules.base import Finding, finding
from pcontract.rules.documents import entry_findings, target_ways, weight_findings

if TYPE_CHECKING:
    from pcontract.rules.base import Rule

__all__ = [
    "Draft",
    "emit_yaml",
    "fit_and_plan",
    "plan_cascade",
    "rescale_weights",
    "write_drafts",
]

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Draft:
    """One child contract, built but not yet written."""

    unit_id: str
    contract_id: str
    path: Path  # out_dir / f"{contract_id}.yaml"
    # The YAML, header comment included, as the file's bytes (UTF-8): half of what
    # its text takes, and a plan of ten thousand units holds them all until written.
    content: bytes
    # (id, target, weight) of each scored indicator (a goal's sub-indicators, not the
    # goal), carried or the unit's own, in file order
    indicators: tuple[tuple[str, Value, Decimal], ...]
    exists: bool  # the file (or a link of that name) existed when the draft was built

    @property
    def text(self) -> str:
        """The YAML, header comment included."""
        return self.content.decode("utf-8")


# -- weights ---------------------------------------------------------------------


def rescale_weights(weights: Sequence[Decimal], total: Decimal = HUNDRED) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``, to 2 decimal places, so that
    the parts add up to exactly ``total`` (largest-remainder rounding).

    Each part is within 0.01 of its exact share; ties go to the earlier weight,
    so the result is stable.
    """
    return list(_rescaled(tuple(weights), total))


@functools.lru_cache(maxsize=4096)
def _rescaled(weights: tuple[Decimal, ...], total: Decimal) -> tuple[Decimal, ...]:
    """:func:`rescale_weights`, remembered: the units of a plan mostly share the
    same parent weights, and the exact arithmetic is a fifth of a draft's cost."""
    cents = total * 100
    if cents != cents.to_integral_value() or cents < 0:
        raise ValueError(f"total {total} is not a non-negative multiple of 0.01")
    if not weights:
        return ()
    whole = sum((Fraction(w) for w in weights), Fraction(0))
    if whole <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative and not all zero")
    # Exact arithmetic, so remainders that are really equal compare equal.
    exact = [Fraction(w) * int(cents) / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    left = int(cents) - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:left]:
        parts[i] += 1
    return tuple(Decimal(p).scaleb(-2) for p in parts)


def _refuse(findings: Iterable[Finding]) -> None:
    """Raise the first of ``findings``: the plan rules that ``validate`` reports."""
    for found in findings:
        raise PcontractError(found.message)


# A carried entry: the parent's indicator or goal, and how the plan carries it.
_Carry = tuple[Indicator | Goal, PlanEntry]


@dataclass(frozen=True, slots=True)
class _Parent:
    """The parent contract's indicators and goals by id, looked up once for all
    the units (``Contract.indicator`` and ``Contract.goal`` search the lists)."""

    contract: Contract
    indicators: dict[str, Indicator]
    goals: dict[str, Goal]

    @classmethod
    def of(cls, contract: Contract) -> _Parent:
        indicators: dict[str, Indicator] = {}
        for indicator in contract.indicators:
            indicators.setdefault(indicator.id, indicator)  # the first, as .indicator finds
        goals: dict[str, Goal] = {}
        for goal in contract.goals:
            goals.setdefault(goal.id, goal)
        return cls(contract, indicators, goals)


def _members(item: Indicator | Goal) -> tuple[Indicator, ...]:
    """The scored indicators of an entry: a goal's sub-indicators, or the indicator."""
    return item.indicators if isinstance(item, Goal) else (item,)


def _own_weights(own: PlanOwn) -> list[Decimal]:
    """An own indicator's weights as written, one per scored indicator."""
    members = own.raw.get("sub_indicators")
    if members is None:
        return [own.weight]
    return [dec(member["weight"]) for member in members]


def _nonzero(unit: PlanUnit, indicator_id: str, weight: Decimal, fix: str) -> Decimal:
    if weight == 0:
        raise PcontractError(
            f"unit '{unit.id}', indicator {indicator_id}: its rescaled weight rounds to 0; {fix}"
        )
    return weight


def _split(unit: PlanUnit, item: Indicator | Goal, weight: Decimal) -> list[Decimal]:
    """A weight set in the plan for one entry: a goal's is split among its
    sub-indicators in proportion to the parent's weights."""
    if not isinstance(item, Goal):
        return [weight]
    parts = rescale_weights([member.weight for member in item.indicators], weight)
    fix = f"raise the weight of goal {item.id} in the plan"
    return [
        _nonzero(unit, member.id, part, fix)
        for member, part in zip(item.indicators, parts, strict=True)
    ]


def _unit_weights(
    unit: PlanUnit, carried: Sequence[_Carry]
) -> tuple[list[list[Decimal]], list[list[Decimal]]]:
    """The weights of each carried entry's and each own indicator's scored indicators.

    When the plan sets every carried weight, those and the own indicators' weights
    are taken as given (PC243 checks that they make 100). Otherwise the weights set
    stay, and the rest of 100 is shared among the other carried indicators (in
    proportion to the parent's weights) and the own indicators (to theirs).
    """
    _refuse(weight_findings(unit))  # PC243: cents only, with room for the rest
    written = [_own_weights(own) for own in unit.own]
    if all(entry.weight is not None for _, entry in carried):
        given = [_split(unit, item, entry.weight.quantize(CENT)) for item, entry in carried]  # type: ignore[union-attr]
        return given, written
    fixed = sum((e.weight.quantize(CENT) for _, e in carried if e.weight is not None), Decimal(0))
    # The scored indicators whose weights are shared: (carried or own, position, member).
    pool: list[tuple[str, int, int, str, Decimal]] = []
    for at, (item, entry) in enumerate(carried):
        if entry.weight is None:
            pool.extend(("carried", at, j, m.id, m.weight) for j, m in enumerate(_members(item)))
    for at, own in enumerate(unit.own):
        members = own.raw.get("sub_indicators") or [own.raw]
        pool.extend(
            ("own", at, j, str(m["id"]), w)
            for j, (m, w) in enumerate(zip(members, written[at], strict=True))
        )
    shared = rescale_weights([w for *_, w in pool], HUNDRED - fixed)
    out_carried = [
        _split(unit, item, entry.weight.quantize(CENT))
        if entry.weight is not None
        else [Decimal(0)] * len(_members(item))
        for item, entry in carried
    ]
    out_own = [[Decimal(0)] * len(w) for w in written]
    for (side, at, j, indicator_id, _), weight in zip(pool, shared, strict=True):
        fix = "set its weight in the plan" if side == "carried" else "give it a larger weight"
        (out_carried if side == "carried" else out_own)[at][j] = _nonzero(
            unit, indicator_id, weight, fix
        )
    return out_carried, out_own


# -- targets ---------------------------------------------------------------------


def _target(unit: PlanUnit, indicator: Indicator, entry: PlanEntry) -> Value:
    if target_ways(entry) == ["copy"]:
        return indicator.target  # the usual entry, which PC241 finds nothing wrong with
    where = f"unit '{unit.id}', indicator {indicator.id}" + (
        f" of goal {entry.indicator}" if entry.indicator != indicator.id else ""
    )
    _refuse(entry_findings(unit, entry))  # PC241: one of share, amount or copy
    if entry.copy:
        return indicator.target
    if entry.amount is not None:
        if not fits_target(indicator.kind, entry.amount):
            raise PcontractError(
                f"{where}: the amount must be {TARGET_TYPES[indicator.kind]} for "
                f"{indicator.kind} indicators, not "
                + (
                    "true"
                    if entry.amount is True
                    else "false"
                    if entry.amount is False
                    else repr(entry.amount)
                )
            )
        return entry.amount
    assert entry.share is not None
    additive = (
        indicator.kind in NUMERIC_KINDS
        and indicator.aggregation == "sum"
        and indicator.measure != MEASURE_LEVEL
        and is_number(indicator.target)
    )
    if not additive:
        what = _not_additive(indicator)
        raise PcontractError(
            f"{where}: a share splits an additive target, but {indicator.id} is {what}",
        )
    exact = Fraction(entry.share) * Fraction(dec(indicator.target)) / 100  # type: ignore[arg-type]
    return scalar(numbers.rounded(exact))


def _not_additive(indicator: Indicator) -> str:
    """Why a share cannot split ``indicator``'s target."""
    if indicator.kind in (KIND_MILESTONE, KIND_BINARY):
        return f"{with_article(indicator.kind)} indicator"
    if indicator.measure == MEASURE_LEVEL:
        # A rate or a level applies to every unit as it is: copied, never split.
        return "a level (measure: level): carry it with copy: true, the same target"
    return f"aggregated by '{indicator.aggregation}', not 'sum'"


# -- building one draft ----------------------------------------------------------


def _baseline(
    baseline: dict[str, Value],
    unit: PlanUnit,
    indicator: Indicator,
    entry: PlanEntry,
    target: Value,
) -> dict[str, Value]:
    """A split target gets the parent's baseline scaled by the same proportion, so
    that the draft is not flagged "below baseline" against the whole institution's
    figure; a copied target keeps the baseline as it is."""
    if entry.copy or not (is_number(target) and is_number(indicator.target)):
        return baseline
    parent = Fraction(dec(indicator.target))  # type: ignore[arg-type]
    if parent == 0:
        return baseline
    # Exact: a decimal context would round the ratio, and refuse to quantize a
    # product wider than its 28 digits.
    ratio = Fraction(dec(target)) / parent  # type: ignore[arg-type]
    scaled: dict[str, Value] = {}
    for year, value in baseline.items():
        if not is_number(value):
            scaled[year] = value
            continue
        figure = Fraction(dec(value)) * ratio  # type: ignore[arg-type]
        if not numbers.in_range(figure):
            raise PcontractError(
                f"unit '{unit.id}', indicator {indicator.id}: the {year} baseline scaled to "
                f"the unit's target would be {plain(numbers.rounded(figure, 0))}, beyond "
                f"the {numbers.MAX_MAGNITUDE:,} pcontract can compute with; "
                "give the unit a smaller amount, or a baseline by copy"
            )
        scaled[year] = scalar(numbers.rounded(figure, 2))
    return scaled


def _person(title: str, name: str = "") -> dict[str, str]:
    return {"title": title, "name": name} if name else {"title": title}


def _custom(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``x-`` fields, kept as written."""
    return {key: value for key, value in raw.items() if key.startswith("x-")}


def _indicator(
    contract: Contract,
    unit: PlanUnit,
    indicator: Indicator,
    entry: PlanEntry,
    target: Value,
    weight: Decimal,
) -> dict[str, Any]:
    raw = indicator.raw
    out: dict[str, Any] = {"id": indicator.id, "name": indicator.name}
    if raw.get("unit") is not None:
        out["unit"] = raw["unit"]
    out["weight"] = scalar(weight)
    out["kind"] = indicator.kind
    if raw.get("baseline") is not None:
        out["baseline"] = _baseline(raw["baseline"], unit, indicator, entry, target)
    out["target"] = target
    # Criteria values and quarterly targets are set for the parent's target; they
    # still fit only when the target is carried unchanged.
    if entry.copy:
        for key in ("criteria_values", "quarterly_targets"):
            if raw.get(key) is not None:
                out[key] = raw[key]
    owner = entry.owner or raw.get("owner")
    if owner:
        out["owner"] = owner
    for key in ("due", "aggregation", "measure", "alignment", "notes"):
        if raw.get(key) is not None:
            out[key] = raw[key]
    out.update(_custom(raw))
    out["cascaded_from"] = {"contract": contract.id, "indicator": indicator.id}
    return out


def _goal(
    contract: Contract,
    unit: PlanUnit,
    goal: Goal,
    entry: PlanEntry,
    targets: Sequence[Value],
    weights: Sequence[Decimal],
) -> dict[str, Any]:
    """A goal carried whole: its own fields, and each sub-indicator carried as a
    top-level indicator would be, cascaded from the parent's sub-indicator."""
    raw = goal.raw
    out: dict[str, Any] = {"id": goal.id, "name": goal.name}
    if raw.get("unit") is not None:
        out["unit"] = raw["unit"]
    out["weight"] = scalar(sum(weights, Decimal(0)))
    owner = entry.owner or raw.get("owner")
    if owner:
        out["owner"] = owner
    for key in ("due", "alignment", "notes"):
        if raw.get(key) is not None:
            out[key] = raw[key]
    out.update(_custom(raw))
    out["cascaded_from"] = {"contract": contract.id, "indicator": goal.id}
    out["sub_indicators"] = [
        _indicator(contract, unit, member, entry, target, weight)
        for member, target, weight in zip(goal.indicators, targets, weights, strict=True)
    ]
    return out


def _own(own: PlanOwn, weights: Sequence[Decimal], as_given: bool) -> dict[str, Any]:
    """An own indicator as written, with its weights rescaled (unless the plan sets
    every weight): a goal's weight is then its sub-indicators' sum."""
    out = dict(own.raw)
    if as_given:
        return out
    members = own.raw.get("sub_indicators")
    if members is None:
        out["weight"] = scalar(weights[0])
        return out
    out["weight"] = scalar(sum(weights, Decimal(0)))
    out["sub_indicators"] = [
        {**member, "weight": scalar(weight)}
        for member, weight in zip(members, weights, strict=True)
    ]
    return out


def _guidelines_path(contract: Contract, contract_file: Path, out_dir: Path) -> str | None:
    """The parent's guidelines path, rewritten to be relative to ``out_dir``."""
    if not contract.guidelines:
        return None
    from pcontract.checking.index import guidelines_file

    target = guidelines_file(os.path.realpath(contract_file), contract.guidelines)
    real_out = os.path.realpath(out_dir)
    # Prefer the path as the user sees it (through any links) when it leads to the
    # same file; otherwise go by real paths.
    seen = os.path.abspath(os.path.join(os.path.dirname(contract_file), contract.guidelines))
    for start, goal in ((os.path.abspath(out_dir), seen), (real_out, target)):
        try:
            candidate = os.path.relpath(goal, start)
        except ValueError:  # another drive, on Windows
            continue
        if os.path.realpath(os.path.join(real_out, candidate)) == target:
            return PurePath(candidate).as_posix()
    return PurePath(target).as_posix()


def _child_path(unit: PlanUnit, child_id: str, out_dir: Path, real_out: Path) -> Path:
    """The draft's file, refusing any id that could lead outside ``out_dir`` (whose
    real path is ``real_out``)."""
    if not ID_RE.match(unit.id):
        leaves = "/" in unit.id or "\\" in unit.id or ".." in unit.id or os.path.isabs(unit.id)
        raise PcontractError(
            f"unit id '{unit.id}' is not a valid id (a letter or digit, then letters, digits, "
            "'.', '_' or '-')" + (", and its file would leave the output folder" if leaves else "")
        )
    if not ID_RE.match(child_id):
        raise PcontractError(
            f"unit '{unit.id}': the child contract id '{child_id}' is not a valid id "
            "(a letter or digit, then up to 63 letters, digits, '.', '_' or '-')"
        )
    path = out_dir / f"{child_id}.yaml"
    # Only the folder is resolved: a link at the file itself is refused when writing.
    if Path(os.path.realpath(path.parent)) != real_out or path.name != f"{child_id}.yaml":
        raise PcontractError(f"unit '{unit.id}': {path} would leave the output folder {out_dir}")
    return path


def _header(contract: Contract, contract_file: Path, plan_file: Path | None) -> str:
    plan = _one_line(plan_file.name) if plan_file is not None else f"for {contract.id}"
    return (
        f"# Draft cascaded from {contract.id} ({_one_line(contract_file.name)}) by pcontract "
        f"cascade with plan {plan}. Edit targets, then set status.\n"
    )


def _one_line(text: str) -> str:
    """A file name made safe for a comment: no line breaks or control characters."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _unknown(unit: PlanUnit, contract: Contract, indicator_id: str) -> str:
    return f"unit '{unit.id}': contract '{contract.id}' has no indicator '{indicator_id}'"


def _carried(contract: Contract, unit: PlanUnit) -> list[_Carry]:
    """The entries the unit carries, in parent order (not plan order), so that the
    child reads like its parent: goals whole, and single indicators (a goal's
    sub-indicator among them)."""
    chosen = {entry.indicator: entry for entry in unit.entries}
    carried: list[_Carry] = []
    for category in contract.criteria:
        for item in category.items:
            if item.id in chosen:
                carried.append((item, chosen[item.id]))
            elif isinstance(item, Goal):
                carried.extend((m, chosen[m.id]) for m in item.indicators if m.id in chosen)
    return carried


def _entry_problem(
    parent: _Parent, unit: PlanUnit, entry: PlanEntry, carried: Collection[str]
) -> Finding | None:
    """What stops one carried entry (``carried``: the ids the unit carries): an
    unknown id, an amount for a goal, a sub-indicator whose goal is carried whole
    too, or a target that cannot be set."""
    contract = parent.contract
    goal = parent.goals.get(entry.indicator)
    indicator = parent.indicators.get(entry.indicator)
    where = f"unit '{unit.id}', indicator {entry.indicator}"
    if goal is not None and entry.amount is not None:
        return finding(
            (*entry.path, "amount"),
            f"{where}: {goal.id} is a goal, with a target per sub-indicator "
            f"({', '.join(m.id for m in goal.indicators)}), so one amount cannot set them",
            "carry the goal with share or copy, or carry its sub-indicators one by one, "
            "each with its amount",
        )
    if indicator is not None and indicator.goal is not None and indicator.goal in carried:
        return finding(
            entry.path,
            f"{where}: the unit carries its goal {indicator.goal} whole already, "
            f"{indicator.id} with it",
            f"carry either the goal {indicator.goal} or some of its sub-indicators",
            at_key=True,
        )
    try:
        if goal is None and indicator is None:
            raise PcontractError(_unknown(unit, contract, entry.indicator))
        for member in _members(goal or indicator):  # type: ignore[arg-type]
            _target(unit, member, entry)
    except PcontractError as error:
        return finding(entry.path, str(error), at_key=True)
    return None


def _own_findings(contract: Contract, unit: PlanUnit) -> Iterator[Finding]:
    """Each own indicator whose category cannot be placed or whose id is taken."""
    names = {category.id: category.name for category in contract.criteria}
    taken = {
        i
        for item, _ in _carried(contract, unit)
        for i in (item.id, *(m.id for m in _members(item)))
    }
    for own in unit.own:
        where = f"unit '{unit.id}', own indicator {own.id}"
        if own.category not in names and own.category_name is None:
            yield finding(
                (*own.path, "category"),
                f"{where}: the parent has no category '{own.category}'",
                "use one of the parent's categories ("
                + ", ".join(names)
                + "), or give category_name to add a new one",
            )
        elif own.category_name is not None and names.get(own.category, own.category_name) != (
            own.category_name
        ):
            yield finding(
                (*own.path, "category_name"),
                f"{where}: category '{own.category}' is named "
                f"'{names[own.category]}', not '{own.category_name}'",
                "leave out category_name for a category the draft has already, or choose a "
                "new category id",
            )
        else:
            names.setdefault(own.category, own.category_name or own.category)
        ids = [own.id, *(str(m["id"]) for m in own.raw.get("sub_indicators") or ())]
        for own_id in ids:
            if own_id in taken:
                yield finding(
                    (*own.path, "id"),
                    f"{where}: the id {own_id} is the id of an indicator the unit carries",
                    "give the unit's own indicator an id of its own",
                )
        taken.update(ids)


def _unit_findings(parent: _Parent, unit: PlanUnit) -> Iterator[Finding]:
    """Each of the unit's entries and own indicators that cannot be worked out."""
    carried = {e.indicator for e in unit.entries}
    for entry in unit.entries:
        problem = _entry_problem(parent, unit, entry, carried)
        if problem is not None:
            yield problem
    yield from _own_findings(parent.contract, unit)


def _leaves(criteria: list[dict[str, Any]]) -> tuple[tuple[str, Value, Decimal], ...]:
    """(id, target, weight) of a draft's scored indicators, in file order."""
    return tuple(
        (leaf["id"], leaf["target"], dec(leaf["weight"]))
        for category in criteria
        for item in category["indicators"]
        for leaf in item.get("sub_indicators") or (item,)
    )


def _criteria(
    contract: Contract, unit: PlanUnit, carried: Sequence[_Carry]
) -> tuple[list[dict[str, Any]], list[tuple[str, PlanEntry, Value]]]:
    """The draft's criteria, and (parent indicator id, entry, target) of each
    indicator carried."""
    targets = [[_target(unit, m, entry) for m in _members(item)] for item, entry in carried]
    weights, own_weights = _unit_weights(unit, carried)
    names = {category.id: category.name for category in contract.criteria}
    by_category: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, Decimal] = {}
    sources: list[tuple[str, PlanEntry, Value]] = []
    for (item, entry), leaf_targets, leaf_weights in zip(carried, targets, weights, strict=True):
        if isinstance(item, Goal):
            mapping = _goal(contract, unit, item, entry, leaf_targets, leaf_weights)
        else:
            mapping = _indicator(contract, unit, item, entry, leaf_targets[0], leaf_weights[0])
        by_category.setdefault(item.category, []).append(mapping)
        totals[item.category] = totals.get(item.category, Decimal(0)) + dec(mapping["weight"])
        sources.extend((m.id, entry, t) for m, t in zip(_members(item), leaf_targets, strict=True))
    as_given = all(entry.weight is not None for _, entry in carried)
    for own, own_weight in zip(unit.own, own_weights, strict=True):
        names.setdefault(own.category, own.category_name or own.category)
        mapping = _own(own, own_weight, as_given)
        by_category.setdefault(own.category, []).append(mapping)
        totals[own.category] = totals.get(own.category, Decimal(0)) + dec(mapping["weight"])
    criteria = [
        {
            "id": category_id,
            "name": name,
            "weight": scalar(totals[category_id]),
            "indicators": by_category[category_id],
        }
        for category_id, name in names.items()
        if category_id in by_category
    ]
    return criteria, sources


@dataclass(frozen=True, slots=True)
class _Setting:
    """What every unit's draft shares: the parent, where it and the plan were read
    from, and the folder the drafts go into, with what follows from them once."""

    parent: _Parent
    contract_file: Path
    plan: CascadePlan
    out_dir: Path
    plan_file: Path | None
    guidelines: str | None  # the parent's guidelines, relative to out_dir
    header: str
    real_out: Path

    @classmethod
    def of(
        cls,
        contract: Contract,
        contract_file: Path,
        plan: CascadePlan,
        out_dir: Path,
        plan_file: Path | None,
    ) -> _Setting:
        return cls(
            _Parent.of(contract),
            contract_file,
            plan,
            out_dir,
            plan_file,
            _guidelines_path(contract, contract_file, out_dir),
            _header(contract, contract_file, plan_file),
            Path(os.path.realpath(out_dir)),
        )


@dataclass(frozen=True, slots=True)
class _Document:
    """One unit's draft as data, before it is written out as YAML."""

    contract_id: str
    path: Path
    data: dict[str, Any]
    criteria: list[dict[str, Any]]
    # (parent indicator id, entry, target) of each indicator carried
    sources: list[tuple[str, PlanEntry, Value]]


def _document(setting: _Setting, unit: PlanUnit, sound: bool = False) -> _Document:
    """One unit's draft document. ``sound``: the unit's entries and own indicators
    are known to be sound (:func:`_unit_findings` found nothing)."""
    contract, plan = setting.parent.contract, setting.plan
    try:
        child_id = plan.id_pattern.format(parent=contract.id, unit=unit.id)
    except (KeyError, IndexError, ValueError) as error:
        raise PcontractError(
            f"id_pattern '{plan.id_pattern}' may use only {{parent}} and {{unit}} ({error})"
        ) from None
    path = _child_path(unit, child_id, setting.out_dir, setting.real_out)
    if child_id == contract.id:
        raise PcontractError(f"unit '{unit.id}': the child contract id equals the parent's")
    if not unit.entries:
        raise PcontractError(f"unit '{unit.id}' carries no indicators")
    criteria, sources = _unit_criteria(setting.parent, unit, sound)

    principal = unit.principal or contract.agent
    agent = unit.agent
    document: dict[str, Any] = {
        "apiVersion": "pcontract/v1",
        "kind": "Contract",
        "id": child_id,
        "title": f"Performance Contract — {unit.name}",
        "financial_year": contract.financial_year,
        "period": {"start": contract.period_start, "end": contract.period_end},
        "institution": {"name": unit.name, "category": unit.category},
        "parties": {
            "principal": _person(principal.title, principal.name)
            if principal is not None
            else _person(f"Head, {contract.institution}"),
            "agent": _person(agent.title, agent.name)
            if agent is not None
            else _person(f"Head, {unit.name}"),
        },
        "parent": contract.id,
        "status": "draft",
    }
    if setting.guidelines is not None:
        document["guidelines"] = setting.guidelines
    document["criteria"] = criteria
    return _Document(child_id, path, document, criteria, sources)


_Built = tuple[list[dict[str, Any]], list[tuple[str, PlanEntry, Value]]]

# The criteria of the unit built last, which depend on the parent and the unit
# only: fitting a unit builds its draft, and drafting it next builds it again.
# Held with the parent and the unit themselves, so that one is never taken for
# another; only the last, so that a plan's criteria are never all held at once.
_last_built: list[tuple[Contract, PlanUnit, _Built]] = []


def _unit_criteria(parent: _Parent, unit: PlanUnit, sound: bool = False) -> _Built:
    """The unit's criteria (see :func:`_criteria`), once its entries and own
    indicators are found sound (here, unless ``sound`` says they are)."""
    contract = parent.contract
    held = _last_built[0] if _last_built else None
    if held is not None and held[0] is contract and held[1] is unit:
        return held[2]
    if not sound:
        _refuse(_unit_findings(parent, unit))
    built = _criteria(contract, unit, _carried(contract, unit))
    _last_built[:] = [(contract, unit, built)]
    return built


def _draft(setting: _Setting, unit: PlanUnit) -> Draft:
    """One unit's draft, written out as YAML (see :func:`emit_yaml` for how it is
    known to read back as its data)."""
    found = _document(setting, unit)
    try:
        text = emit_yaml(found.data)
    except PcontractError as error:  # a number beyond what pcontract reads back
        raise PcontractError(f"unit '{unit.id}': {error}") from None
    content = (setting.header + text).encode("utf-8")
    return Draft(
        unit_id=unit.id,
        contract_id=found.contract_id,
        path=found.path,
        content=content,
        indicators=_leaves(found.criteria),
        exists=os.path.lexists(found.path),
    )


# The figures each indicator's units would carry: (unit, plan entry, target).
_Carried = dict[str, list[tuple[PlanUnit, PlanEntry, Value]]]


def fit_findings(contract: Contract, contract_file: Path, plan: CascadePlan) -> Iterator[Finding]:
    """Every way ``plan`` does not fit ``contract``: one set of rules for
    ``pcontract cascade``, which refuses such a plan, and ``validate`` (PC244).

    Each unit's draft is built as ``cascade`` would build it, and must pass the
    Contract schema and the Contract rules; the split targets of an indicator with
    ``aggregation: sum`` must add up to its target as PC310 requires.
    """
    return _fitted(contract, contract_file, plan, None)


def _fitted(
    contract: Contract,
    contract_file: Path,
    plan: CascadePlan,
    after: Callable[[PlanUnit], None] | None,
) -> Iterator[Finding]:
    """:func:`fit_findings`, calling ``after`` with each unit once its findings
    are given (and before the next unit is fitted, while its criteria are the
    last built)."""
    if plan.parent != contract.id:
        yield finding(("parent",), f"the plan is for contract '{plan.parent}', not '{contract.id}'")
        return
    fitting = _Fitting.of(contract, contract_file, plan)
    for unit in plan.units:
        yield from fitting.unit(unit)
        if after is not None:
            after(unit)
    yield from fitting.sums()


@dataclass(slots=True)
class _Fitting:
    """:func:`fit_findings` a unit at a time: what the units' drafts carry so far,
    for the sums checked once every unit is fitted."""

    setting: _Setting
    contract_rules: list[Rule]
    carried: _Carried
    complete: bool = True  # every unit's targets are known, so their sums can be checked

    @classmethod
    def of(cls, contract: Contract, contract_file: Path, plan: CascadePlan) -> _Fitting:
        from pcontract.rules.registry import rules_for

        rules = [r for r in rules_for("Contract") if r.severity is Severity.ERROR]
        return cls(
            _Setting.of(contract, contract_file, plan, contract_file.parent, None), rules, {}
        )

    def unit(self, unit: PlanUnit) -> list[Finding]:
        findings, known = _unit_fit(self.setting, unit, self.contract_rules, self.carried)
        self.complete = self.complete and known
        return findings

    def sums(self) -> Iterator[Finding]:
        if self.complete:
            yield from _sum_findings(self.setting.parent.contract, self.carried)


def _unit_fit(
    setting: _Setting,
    unit: PlanUnit,
    contract_rules: Sequence[Rule],
    carried: _Carried,
) -> tuple[list[Finding], bool]:
    """How one unit's draft does not fit, and whether its targets are known (they
    are then added to ``carried``)."""
    wrong_entries = list(_unit_findings(setting.parent, unit))
    if wrong_entries:
        return wrong_entries, False
    try:
        draft = _document(setting, unit, sound=True)
    except PcontractError as error:
        return [finding((*unit.path, "id"), str(error))], False
    for indicator_id, entry, target in draft.sources:
        carried.setdefault(indicator_id, []).append((unit, entry, target))
    wrong = _draft_problems(draft.data, contract_rules)
    if not wrong:
        return [], True
    found = finding(
        (*unit.path, "id"),
        f"unit '{unit.id}': its draft {draft.contract_id} would not validate: " + "; ".join(wrong),
        "change the unit's targets or weights in the plan",
    )
    return [found], True


def _draft_problems(data: dict[str, Any], contract_rules: Sequence[Rule]) -> list[str]:
    """What the Contract schema, then the Contract rules, say of a draft's data.

    The data, not its YAML: the emitter writes only what reads back as that very
    data (plain ints, floats, text, booleans and nulls), and refuses the rest
    (see :func:`emit_yaml`)."""
    from pcontract.checking import schema

    wrong = [f"{item.message}" for item in schema.check("Contract", data)]
    if not wrong:
        document = build("Contract", data)
        wrong = [f"{f.message} ({r.code})" for r in contract_rules for f in r.check(document)]  # type: ignore[misc]
    return wrong


def _sum_findings(contract: Contract, carried: _Carried) -> Iterator[Finding]:
    """Each indicator with ``aggregation: sum`` whose units' targets do not add up
    to its own (PC310)."""
    from pcontract.rules.cascade import adds_up

    for indicator in contract.indicators:
        carriers = carried.get(indicator.id)
        if not carriers or indicator.aggregation != "sum" or not is_number(indicator.target):
            continue
        if not all(is_number(target) for _, _, target in carriers):
            continue
        values = [dec(target) for _, _, target in carriers]  # type: ignore[arg-type]
        total = sum(values, Decimal(0))
        parent_target = dec(indicator.target)  # type: ignore[arg-type]
        if adds_up(total, parent_target):
            continue
        parts = ", ".join(
            f"{unit.id}: {plain(value)}"
            for (unit, _, _), value in zip(carriers, values, strict=True)
        )
        yield finding(
            carriers[-1][1].path,
            f"{indicator.id}: the units' targets add up to {plain(total)}, not the parent's "
            f"target {plain(parent_target)} ({parts})",
            f"the drafts would be {plain(abs(total - parent_target))} "
            f"{'over' if total > parent_target else 'under'} the target (PC310); change the "
            "shares or amounts",
            at_key=True,
        )


def plan_cascade(
    contract: Contract,
    contract_file: Path,
    plan: CascadePlan,
    out_dir: Path,
    *,
    plan_file: Path | None = None,
    fitted: bool = False,
) -> list[Draft]:
    """Build one draft Contract per plan unit, in plan order; nothing is written.

    ``contract_file`` is where the contract was read from (for the guidelines path
    and the header); ``plan_file``, if given, is named in the header. Neither is
    ever a draft's path. Raises
    :class:`PcontractError` for a plan that does not fit the contract or a unit
    whose file would leave ``out_dir``. ``fitted``: the caller has found already
    that :func:`fit_findings` finds nothing for these three, so each draft is
    not checked a second time.
    """
    findings, drafts = _plan(contract, contract_file, plan, out_dir, plan_file, fit=not fitted)
    _refuse(findings)
    return drafts


def fit_and_plan(
    contract: Contract,
    contract_file: Path,
    plan: CascadePlan,
    out_dir: Path,
    *,
    plan_file: Path | None = None,
) -> tuple[list[Finding], list[Draft]]:
    """What :func:`fit_findings` finds and, when it finds nothing, the drafts of
    :func:`plan_cascade`, in one pass over the units: each unit's draft is built
    once, checked, written out as YAML and let go. Raises as
    :func:`plan_cascade` does for a plan that fits but cannot be written."""
    return _plan(contract, contract_file, plan, out_dir, plan_file, fit=True)


def _plan(
    contract: Contract,
    contract_file: Path,
    plan: CascadePlan,
    out_dir: Path,
    plan_file: Path | None,
    fit: bool,
) -> tuple[list[Finding], list[Draft]]:
    """The findings of :func:`fit_findings` (with ``fit``), and when there are none
    the drafts. What is wrong is said in the order the two steps would say it one
    after the other: how the plan does not fit, then ``--out``, then the first
    unit whose draft cannot be placed."""
    try:
        blocking = _not_a_folder(out_dir)
    except PcontractError as error:  # --out cannot be looked at: said after the fit
        blocking = error
    inputs = Inputs(cascade_inputs(contract, contract_file, plan_file))
    setting = _Setting.of(contract, contract_file, plan, out_dir, plan_file)
    findings: list[Finding] = []
    refused: list[PcontractError] = []
    drafts: list[Draft] = []
    seen: dict[str, str] = {}

    def draft(unit: PlanUnit) -> None:
        if findings or blocking is not None or refused:
            return  # nothing is drafted once something is wrong; the fit goes on
        try:
            drafts.append(_placed(setting, unit, seen, inputs))
        except PcontractError as error:
            refused.append(error)

    if fit:
        for found in _fitted(contract, contract_file, plan, draft):
            findings.append(found)  # one at a time: draft() looks at what is found so far
    else:
        for unit in plan.units:
            draft(unit)
    if findings:
        return findings, []
    if blocking is not None:
        raise blocking
    if refused:
        raise refused[0]
    return [], drafts


def _not_a_folder(out_dir: Path) -> PcontractError | None:
    """Why ``out_dir`` cannot hold the drafts, or None when it can."""
    blocking = not_a_folder(out_dir)
    if blocking is None:
        return None
    where, info = blocking
    what = f"{where} is {what_is(info.st_mode)}, not a folder"
    problem = f"--out {what}" if where == out_dir else f"--out {out_dir} cannot be made: {what}"
    return PcontractError(
        f"{problem}; name a folder to write the drafts into with --out "
        "(it is created if it does not exist)"
    )


def _placed(setting: _Setting, unit: PlanUnit, seen: dict[str, str], inputs: Inputs) -> Draft:
    """The unit's draft, once its file is found to be its own and no input."""
    draft = _draft(setting, unit)
    # Case-folded, so that two units cannot share a file on macOS or Windows.
    key = os.path.normcase(os.path.realpath(draft.path)).casefold()
    if key in seen:
        raise PcontractError(f"units '{seen[key]}' and '{unit.id}' would both write {draft.path}")
    seen[key] = unit.id
    if inputs.holding(draft.path) is not None:
        raise PcontractError(
            f"unit '{unit.id}' would overwrite an input: {draft.path}; an input is never "
            "overwritten (even with --force): choose another --out, or another unit id "
            "or id_pattern"
        )
    return draft


# -- writing ---------------------------------------------------------------------


def cascade_inputs(contract: Contract, contract_file: Path, plan_file: Path | None) -> list[Path]:
    """The files a cascade stands on, which no draft may ever replace: the parent
    contract, the plan, and the guidelines the parent names (which the drafts name
    too)."""
    inputs = [contract_file] + ([plan_file] if plan_file is not None else [])
    if contract.guidelines:
        folder = os.path.dirname(os.path.realpath(contract_file))
        inputs.append(Path(os.path.realpath(os.path.join(folder, contract.guidelines))))
    return inputs


def write_drafts(
    drafts: Iterable[Draft], force: bool = False, inputs: Iterable[Path] = ()
) -> list[Path]:
    """Write the drafts atomically; returns the paths written. ``inputs`` are the
    files the command read (see :func:`cascade_inputs`); see
    :func:`pcontract.files.writer.write_files` for what is refused."""
    drafts = list(drafts)
    root = drafts[0].path.parent if drafts else None  # every draft goes into --out
    return write_files([(d.path, d.content) for d in drafts], force=force, root=root, inputs=inputs)


# -- YAML output -----------------------------------------------------------------

WIDTH = 100
# Small mappings and lists of scalars that read best on one line.
FLOW_KEYS = frozenset(
    {"period", "baseline", "cascaded_from", "principal", "agent", "alignment", "quarterly_targets"}
)
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
_ESCAPES = {
    "\0": "0",
    "\x07": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}


class _CoreResolver(yaml.resolver.BaseResolver):
    """pcontract's own implicit types (YAML 1.2 core), to ask how text would read."""

    yaml_implicit_resolvers = loader.SafeLoader.yaml_implicit_resolvers


def _resolver(resolver: yaml.resolver.BaseResolver) -> Callable[[str], str]:
    """A typed ``text -> tag`` view of a PyYAML resolver (its stubs leave it untyped)."""
    resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = resolver.resolve
    return lambda text: resolve(yaml.ScalarNode, text, (True, False))


_CORE_TAG = _resolver(_CoreResolver())
_YAML11_TAG = _resolver(yaml.resolver.Resolver())


def _reads_as_other(text: str) -> bool:
    """Whether plain ``text`` would read as something other than that string, in
    pcontract or in a YAML 1.1 tool (``no``, ``1_000``, ``12:30``)."""
    if _CORE_TAG(text) != _STR:
        return True
    if text.lower() in _YAML11_BOOLS:
        return True
    tag = _YAML11_TAG(text)
    # Dates are written plain on purpose; pcontract reads them as text.
    return tag != _STR and not (tag == _TIMESTAMP and _DATE.match(text))


@functools.lru_cache(maxsize=1 << 16)
def _plain(text: str, flow: bool) -> bool:
    """Whether ``text`` may be written plain (in a flow collection when ``flow``).
    Remembered: a cascade asks it of the same keys, names and ids in every draft."""
    if not text or text != text.strip(" ") or not all(ch.isprintable() for ch in text):
        return False
    if text[0] in _INDICATORS or text == "<<":
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    # PyYAML and libyaml end a plain scalar at "?" inside brackets too.
    if flow and any(ch in ",?[]{}" for ch in text):
        return False
    return not _reads_as_other(text)


def _quoted(text: str) -> str:
    if all(ch.isprintable() for ch in text):
        return "'" + text.replace("'", "''") + "'"
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append("\\" + _ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    return '"' + "".join(out) + '"'


@functools.lru_cache(maxsize=1 << 16)
def _string(text: str, flow: bool) -> str:
    """Text as written as a value: plain, or quoted where plain would read as
    something else; read back once, as it is written (:func:`_reads_back`)."""
    written = text if _plain(text, flow) else _quoted(text)
    _reads_back(f"[{written}]\n" if flow else f"- {written}\n", [text])
    return written


@functools.lru_cache(maxsize=1 << 12)
def _key(text: str, flow: bool, top: bool = False) -> str:
    """Text as written as a key, as :func:`_string` writes a value, and read
    back where it stands: in a one-line mapping, at the start of a line
    (``top``, where ``--- `` and ``... `` mark a document's bounds), or
    indented."""
    marker = top and text[:3] in ("---", "...") and text[3:4] in ("", " ", "\t")
    written = text if _plain(text, flow) and not marker else _quoted(text)
    if flow:
        _reads_back(f"{{{written}: 0}}\n", {text: 0})
    elif top:
        _reads_back(f"{written}: 0\n", {text: 0})
    else:
        _reads_back(f"k:\n  {written}: 0\n", {"k": {text: 0}})
    return written


def _reads_back(document: str, data: object) -> None:
    """Refuse to write text that would not read back as itself, where it stands.

    Each text a draft holds is read back once in its place (a value, a key, on
    one line or not) through :mod:`pcontract.files.loader`; numbers are held to
    the loader's policy in :func:`_scalar`, and keys must be text, as the
    loader reads every key. The rest of a draft is its layout, which reads
    back the same for any data (the emitter's property tests), so a draft is
    never read back whole. How deep or large a draft may be is for
    ``validate`` to say of the file, under the limits it is given."""
    loaded = loader.load_bytes(document.encode("utf-8"), "<draft>")
    if loaded.problem is not None or loaded.data != data:
        # A bug in the emitter, not bad input: never write a file that reads back wrong.
        raise RuntimeError(f"{document!r} does not read back as {data!r}")


def _scalar(value: object, flow: bool) -> str:
    kind = type(value)  # the exact types first: a draft writes a million scalars
    if kind is str:
        return _string(value, flow)
    if isinstance(value, int) and kind is int:
        return _number(value, str(value))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _number(value, str(int(value)))
    if isinstance(value, float):
        return _number(value, repr(float(value)))
    if isinstance(value, str):
        return _string(str(value), flow)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


# Whole numbers within these pcontract reads back as written (the loader's policy).
_LEAST, _MOST = -numbers.MAX_MAGNITUDE, numbers.MAX_MAGNITUDE


def _number(value: int | float, written: str) -> str:
    """A number as written, if pcontract can read it back (the loader's policy)."""
    if type(value) is int and _LEAST <= value <= _MOST:
        return written  # the common case, without the policy's Decimal arithmetic
    refused = numbers.refusal(written, value)
    if refused is not None:
        raise PcontractError(f"cannot write the number {written}: {refused[0]}; {refused[1]}")
    return written


def _flow(value: dict[Any, Any] | list[Any]) -> str | None:
    """``value`` on one line, or None if it holds anything but scalars, or text
    that must be quoted there: a quote inside a flow collection sends the file to
    the strict loader (see fastyaml), so drafts written by the thousand would be
    read back, and validated later, at a fraction of the speed."""
    # Each scalar is written as it is checked, in order, so that the first that
    # cannot be written on one line (or at all) is the one that decides.
    if isinstance(value, dict):
        pairs: list[str] = []
        for key, item in value.items():
            key_text = _flow_text(key, True) if type(key) is str else _flow_scalar(key, True)
            if key_text is None:
                return None
            item_text = _flow_text(item, False) if type(item) is str else _flow_scalar(item)
            if item_text is None:
                return None
            pairs.append(f"{key_text}: {item_text}")
        return "{" + ", ".join(pairs) + "}"
    scalars: list[str] = []
    for item in value:
        written = _flow_text(item, False) if type(item) is str else _flow_scalar(item)
        if written is None:
            return None
        scalars.append(written)
    return "[" + ", ".join(scalars) + "]"


def _flow_scalar(value: object, key: bool = False) -> str | None:
    """A scalar as written in a flow collection (as a mapping's key with ``key``);
    None for a list, a mapping, or text that would have to be quoted there."""
    if isinstance(value, str):
        return _flow_text(str(value), key)
    if key:
        _not_text(value)
    if isinstance(value, dict | list):
        return None
    return _scalar(value, True)


def _not_text(key: object) -> NoReturn:
    """Refuse a key that is not text: pcontract reads every key as text, so
    ``1:`` would read back as ``'1'``, and ``1`` beside ``'1'`` as one key twice."""
    raise TypeError(f"cannot write the {type(key).__name__} key {key!r}: keys must be text")


@functools.lru_cache(maxsize=1 << 16)
def _flow_text(text: str, key: bool) -> str | None:
    """:func:`_flow_scalar` of text, remembered: None where it must be quoted."""
    if not _plain(text, True):
        return None
    return _key(text, True) if key else _string(text, True)


def _head(key: object, indent: int) -> str:
    """A key as it opens its line: ``  id:``; remembered, by the text and the
    indent."""
    if not isinstance(key, str):
        _not_text(key)
    return _text_head(str(key), indent)


@functools.lru_cache(maxsize=1 << 12)
def _text_head(key: str, indent: int) -> str:
    return f"{' ' * indent}{_key(key, False, indent == 0)}:"


def _emit_mapping(mapping: dict[Any, Any], indent: int, lines: list[str]) -> None:
    # The usual keys and values (text, and whole numbers pcontract can read) are
    # written here; anything else goes through _scalar, which decides.
    append = lines.append
    for key, value in mapping.items():
        head = _text_head(key, indent) if type(key) is str else _head(key, indent)
        kind = type(value)
        if kind is str:
            append(f"{head} {_string(value, False)}")
        elif kind is int and _LEAST <= value <= _MOST:
            append(f"{head} {value}")
        elif isinstance(value, dict | list):
            _emit_collection(key, head, value, indent, lines)
        else:
            append(f"{head} {_scalar(value, False)}")


def _emit_collection(
    key: object, head: str, value: dict[Any, Any] | list[Any], indent: int, lines: list[str]
) -> None:
    """A mapping's value that is a mapping or a list: empty, on one line beside
    its key (one of FLOW_KEYS), or as a block below it."""
    if not value:
        lines.append(f"{head} {{}}" if isinstance(value, dict) else f"{head} []")
        return
    flow = _flow(value) if key in FLOW_KEYS else None
    if flow is not None and len(head) + 1 + len(flow) <= WIDTH:
        lines.append(f"{head} {flow}")
        return
    lines.append(head)
    _emit_nested(value, indent + 2, lines)


def _leaf(value: object) -> str:
    """A scalar, or an empty mapping or list, written on its own line's end."""
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value, False)


def _emit_nested(value: dict[Any, Any] | list[Any], indent: int, lines: list[str]) -> None:
    if isinstance(value, dict):
        _emit_mapping(value, indent, lines)
    else:
        _emit_list(value, indent, lines)


def _emit_list(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if type(item) is str:
            lines.append(f"{pad}- {_string(item, False)}")
        elif isinstance(item, dict | list) and item:
            nested: list[str] = []
            _emit_nested(item, indent + 2, nested)
            # The first line moves up beside the dash: "- id: CM01".
            nested[0] = f"{pad}- {nested[0][indent + 2 :]}"
            lines.extend(nested)
        else:
            lines.append(f"{pad}- {_leaf(item)}")


def emit_yaml(document: dict[str, Any]) -> str:
    """Block-style YAML as a person writes it, keys in the given order.

    Strings are quoted only where plain text would read as something else; the
    output reads back through :mod:`pcontract.files.loader` to the same data.
    """
    if not document:
        return "{}\n"
    lines: list[str] = []
    _emit_nested(document, 0, lines)
    return "\n".join(lines) + "\n"
