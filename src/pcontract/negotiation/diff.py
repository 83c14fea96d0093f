"""What changed between two versions of a set of contracts, and which vetting
rules the changes break.

Versions come from files, folders (contracts matched by id) or git revisions
(read by :mod:`pcontract.negotiation.versions` through :mod:`pcontract.files.gitrev`). Every YAML
file is read by the one loader and checked against its schema; the semantic rules
are *not* required to pass, since reporting a negotiation that breaks them is the
point.

Flags are problems (:class:`~pcontract.problems.Problem`) of the rule registry, with
validate's messages: the rules' problems in the new version that a change touched
(a weight change touches the weight sums, PC201 and PC202, and the category's
range, PC403; any change to an indicator touches what its rules find in it, such
as PC401), and two rules that compare the versions:

=====  =======================  ========  ================================================
code   name                     severity  meaning
=====  =======================  ========  ================================================
PC601  signed-contract-changed  error     a signed contract changed and is still marked
                                          signed; set ``status: negotiated`` while it is
                                          renegotiated
PC602  lowered-after-signing    warning   a target is worse than in the signed version
=====  =======================  ========  ================================================

An added contract is flagged with everything its rules find. Errors mean the new
version cannot be signed as it is; warnings are for the vetting committee to
accept with a reason (``strict`` makes them errors, as ``validate --strict``
does). Core code: no printing, no exits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pcontract.checking.checker import YAML_SUFFIXES, discover
from pcontract.checking.index import ContractSummary, GuidelinesSummary, Index, summarize
from pcontract.errors import PcontractError, UsageError
from pcontract.files import gitrev
from pcontract.files.reading import Limits
from pcontract.formatting import show as _show
from pcontract.model import (
    CRITERIA_ORDER,
    KIND_DECREASE,
    KIND_INCREASE,
    KIND_MILESTONE,
    NUMERIC_KINDS,
    Contract,
    Goal,
    Indicator,
    Results,
    dec,
    is_number,
    parse_date,
)
from pcontract.negotiation.versions import (
    FileSource,
    Found,
    GitSource,
    Reader,
    Source,
    Version,
    load_results,
    place,
)
from pcontract.problems import JsonPath, Problem, Severity
from pcontract.rules.registry import RULES
from pcontract.scoring.method import ContractScore, score

_DEFAULT_LIMITS: Final = Limits()

DIFF_FORMAT_VERSION: Final = 1

# The rules only diff checks (rules/diff.py).
SIGNED_CHANGED: Final = "PC601"
LOWERED_AFTER_SIGNING: Final = "PC602"

ADDED: Final = "added"
REMOVED: Final = "removed"
CHANGED: Final = "changed"

SIGNED: Final = "signed"
HUNDRED: Final = Decimal(100)


# Fields in the order a negotiator reads them; the rest follow alphabetically.
_FIELD_ORDER: Final = (
    "indicator",
    "category",
    "goal",
    "name",
    "kind",
    "unit",
    "weight",
    "target",
    "criteria_values",
    "baseline",
    "quarterly_targets",
    "due",
    "owner",
    "aggregation",
    "measure",
)


# -- values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``indicator``, ``goal`` and ``category`` say where it is (all
    None for a contract-level field); ``action`` is added, removed or changed.

    A row about a goal itself has ``goal`` and no ``indicator``; a sub-indicator's
    rows have both (the goal it is in: in the new version, or the old one where it
    was removed). For an added or removed indicator ``field`` is ``indicator`` and
    the values are its target; for an added or removed goal it is ``goal``, and for
    a category ``category``, and the values their weight. An indicator moved into
    or out of a goal has a ``goal`` row whose values are the goal ids (None at the
    top level). ``delta`` is new − old for numbers (in days for dates), ``pct`` the
    change in percent of the old value, and ``direction`` says whether a target or a
    criteria value got better or worse in the indicator's good direction.
    """

    action: str
    field: str
    old: Any = None
    new: Any = None
    indicator: str | None = None
    category: str | None = None
    name: str = ""
    delta: Decimal | None = None
    delta_unit: str = ""
    pct: Decimal | None = None
    direction: str | None = None
    # Where the row is in the new version (empty for a removed one): the field, or
    # the indicator or category added.
    path: JsonPath = ()
    goal: str | None = None

    @property
    def where(self) -> str:
        if self.indicator is not None:
            return self.indicator
        if self.goal is not None:
            return f"goal {self.goal}"
        if self.category is not None:
            return f"category {self.category}"
        return "contract"


@dataclass(frozen=True, slots=True)
class Projection:
    """The composite under the old and the new targets, against the same results."""

    results_file: str
    period: str
    old: ContractScore | None
    new: ContractScore | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ContractDiff:
    id: str
    old: Version | None
    new: Version | None
    changes: tuple[Change, ...]
    flags: tuple[Problem, ...]
    projection: Projection | None = None

    @property
    def state(self) -> str:
        if self.old is None:
            return ADDED
        if self.new is None:
            return REMOVED
        return CHANGED if self.changes else "unchanged"

    @property
    def current(self) -> Version:
        version = self.new or self.old
        assert version is not None
        return version

    @property
    def status_change(self) -> tuple[str, str] | None:
        if self.old is None or self.new is None:
            return None
        old, new = self.old.contract.status, self.new.contract.status
        return (old, new) if old != new else None

    def flags_for(self, change: Change) -> list[Problem]:
        """The flags that belong on ``change``'s row."""
        return [flag for flag in self.flags if self._row(flag) is change]

    def _row(self, flag: Problem) -> Change | None:
        """The row a flag is shown on: the row deepest above its path; else, for
        one within an indicator, that indicator's first row; else none."""
        rows = [c for c in self.changes if c.path and _under(flag.path, c.path)]
        if not rows:
            rows = [
                c
                for c in self.changes
                if c.indicator is not None
                and len(c.path) >= 4
                and _under(flag.path, _owner(c.path))
            ]
        return max(rows, key=lambda c: len(c.path)) if rows else None

    @property
    def counts(self) -> tuple[int, int]:
        errors = sum(1 for flag in self.flags if flag.is_error)
        return errors, len(self.flags) - errors


@dataclass(frozen=True, slots=True)
class DiffReport:
    old_label: str
    new_label: str
    contracts: tuple[ContractDiff, ...]  # added, removed and changed contracts only
    unchanged: int
    problems: tuple[Problem, ...] = ()

    @property
    def counts(self) -> tuple[int, int]:
        errors = sum(c.counts[0] for c in self.contracts)
        warnings = sum(c.counts[1] for c in self.contracts)
        errors += sum(1 for p in self.problems if p.is_error)
        warnings += sum(1 for p in self.problems if not p.is_error)
        return errors, warnings

    @property
    def ok(self) -> bool:
        return self.counts[0] == 0

    def count(self, state: str) -> int:
        return sum(1 for c in self.contracts if c.state == state)


# -- comparing values ----------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal as YAML values: 10 and 10.0 are the same number; true is not 1."""
    if is_number(a) and is_number(b):
        return bool(dec(a) == dec(b))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted fields: ``criteria_values.excellent``."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _field_key(name: str) -> tuple[int, int, str]:
    head, _, rest = name.partition(".")
    rank = _FIELD_ORDER.index(head) if head in _FIELD_ORDER else len(_FIELD_ORDER)
    sub = CRITERIA_ORDER.index(rest) if head == "criteria_values" and rest in CRITERIA_ORDER else 0
    return rank, sub, name


def _better(indicator: Indicator, old: Any, new: Any) -> str | None:
    """Whether ``new`` is better or worse than ``old`` in the indicator's good direction."""
    a: Decimal | int
    b: Decimal | int
    if indicator.kind in NUMERIC_KINDS and is_number(old) and is_number(new):
        a, b = dec(old), dec(new)
    elif indicator.kind == KIND_MILESTONE and parse_date(old) and parse_date(new):
        a, b = _ordinal(old), _ordinal(new)
    else:
        return None
    if a == b:
        return None
    return "better" if indicator.better(b, a) else "worse"


def _ordinal(value: Any) -> int:
    day = parse_date(value)
    assert day is not None
    return day.toordinal()


def _owner(path: JsonPath) -> JsonPath:
    """The path of the indicator (or goal) a row's path is in: a sub-indicator's
    runs through its goal's, ("criteria", c, "indicators", i, "sub_indicators", j)."""
    return path[:6] if len(path) >= 6 and path[4] == "sub_indicators" else path[:4]


def _change(
    action: str,
    name: str,
    old: Any,
    new: Any,
    *,
    indicator: Indicator | None = None,
    category: str | None = None,
    goal: Goal | None = None,
) -> Change:
    delta: Decimal | None = None
    pct: Decimal | None = None
    unit = ""
    if action == CHANGED and is_number(old) and is_number(new):
        delta = dec(new) - dec(old)
        if dec(old) != 0:
            pct = delta * HUNDRED / abs(dec(old))
    elif action == CHANGED and parse_date(old) is not None and parse_date(new) is not None:
        delta = Decimal(_ordinal(new) - _ordinal(old))
        unit = "days"
    direction = None
    if (
        indicator is not None
        and action == CHANGED
        and name.partition(".")[0]
        in (
            "target",
            "criteria_values",
        )
    ):
        direction = _better(indicator, old, new)
    return Change(
        action,
        name,
        old,
        new,
        indicator.id if indicator is not None else None,
        category,
        indicator.name if indicator is not None else goal.name if goal is not None else "",
        delta,
        unit,
        pct,
        direction,
        goal=indicator.goal if indicator is not None else goal.id if goal is not None else None,
    )


def _field_changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    indicator: Indicator | None = None,
    category: str | None = None,
    goal: Goal | None = None,
) -> list[Change]:
    a, b = _flatten(old), _flatten(new)
    changes = []
    for name in sorted(a.keys() | b.keys(), key=_field_key):
        if name in a and name in b and _same(a[name], b[name]):
            continue
        action = ADDED if name not in a else REMOVED if name not in b else CHANGED
        changes.append(
            _change(
                action,
                name,
                a.get(name),
                b.get(name),
                indicator=indicator,
                category=category,
                goal=goal,
            )
        )
    return changes


def _without(raw: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in keys}


def _category_fields(contract: Contract, path: tuple[Any, ...]) -> dict[str, Any]:
    raw: dict[str, Any] = contract.raw["criteria"][path[1]]
    return _without(raw, "indicators", "id")


def compare(old: Contract, new: Contract) -> list[Change]:
    """Every difference between two versions of a contract, in reading order:
    contract fields, then categories, then indicators (in the new order, removed
    ones last)."""
    changes = _field_changes(_without(old.raw, "criteria"), _without(new.raw, "criteria"))
    old_categories = {c.id: c for c in old.criteria}
    new_categories = {c.id: c for c in new.criteria}
    for category in new.criteria:
        before = old_categories.get(category.id)
        if before is None:
            changes.append(_change(ADDED, "category", None, category.weight, category=category.id))
            continue
        changes.extend(
            _field_changes(
                _category_fields(old, before.path),
                _category_fields(new, category.path),
                category=category.id,
            )
        )
    for category in old.criteria:
        if category.id not in new_categories:
            changes.append(
                _change(REMOVED, "category", category.weight, None, category=category.id)
            )
    old_indicators = {i.id: i for i in old.indicators}
    old_goals = {g.id: g for g in old.goals}
    for category in new.criteria:
        for item in category.items:
            if isinstance(item, Goal):
                changes.extend(_goal_changes(old_goals.get(item.id), item))
                leaves = item.indicators
            else:
                leaves = (item,)
            for leaf in leaves:
                changes.extend(_indicator_changes(old_indicators.get(leaf.id), leaf))
    changes.extend(_removed(old, new))
    return changes


def _moved(field: str, old: str | None, new: str | None, **where: Any) -> list[Change]:
    """A row for an indicator or goal moved to another category, or into or out of a goal."""
    return [] if old == new else [_change(CHANGED, field, old, new, **where)]


def _goal_changes(before: Goal | None, goal: Goal) -> list[Change]:
    """A goal added, or its own fields changed (renamed, re-weighted, notes, ...);
    its sub-indicators have rows of their own."""
    where: dict[str, Any] = {"goal": goal, "category": goal.category}
    if before is None:
        return [_change(ADDED, "goal", None, goal.weight, **where)]
    moved = _moved("category", before.category, goal.category, **where)
    fields = _field_changes(
        _without(before.raw, "id", "sub_indicators"),
        _without(goal.raw, "id", "sub_indicators"),
        **where,
    )
    return sorted(moved + fields, key=lambda c: _field_key(c.field))


def _indicator_changes(before: Indicator | None, indicator: Indicator) -> list[Change]:
    where: dict[str, Any] = {"indicator": indicator, "category": indicator.category}
    if before is None:
        return [_change(ADDED, "indicator", None, indicator.target, **where)]
    moved = _moved("category", before.category, indicator.category, **where)
    moved += _moved("goal", before.goal, indicator.goal, **where)
    fields = _field_changes(_without(before.raw, "id"), _without(indicator.raw, "id"), **where)
    return sorted(moved + fields, key=lambda c: _field_key(c.field))


def _removed(old: Contract, new: Contract) -> list[Change]:
    """The goals and indicators of ``old`` that ``new`` lacks, in the old order."""
    new_ids = {i.id for i in new.indicators}
    new_goals = {g.id for g in new.goals}
    changes = []
    for category in old.criteria:
        for item in category.items:
            if isinstance(item, Goal):
                if item.id not in new_goals:
                    changes.append(
                        _change(
                            REMOVED, "goal", item.weight, None, goal=item, category=item.category
                        )
                    )
                leaves = item.indicators
            else:
                leaves = (item,)
            changes.extend(
                _change(REMOVED, "indicator", i.target, None, indicator=i, category=i.category)
                for i in leaves
                if i.id not in new_ids
            )
    return changes


def _row_path(change: Change, contract: Contract) -> JsonPath:
    head = change.field.partition(".")[0]
    if change.action == REMOVED and change.field in ("indicator", "category", "goal"):
        return ()
    if change.indicator is not None:
        owner = next((i.path for i in contract.indicators if i.id == change.indicator), ())
        return owner if change.field in ("indicator", "category", "goal") else (*owner, head)
    if change.goal is not None:
        found = contract.goal(change.goal)
        owner = found.path if found is not None else ()
        return owner if change.field in ("goal", "category") else (*owner, head)
    if change.category is not None:
        owner = next((c.path for c in contract.criteria if c.id == change.category), ())
        return owner if change.field == "category" else (*owner, head)
    return (head,)


def _with_paths(changes: Sequence[Change], contract: Contract | None) -> list[Change]:
    if contract is None:
        return list(changes)
    return [replace(c, path=_row_path(c, contract)) for c in changes]


def _added_rows(contract: Contract) -> list[Change]:
    """The rows for a contract that is new: its categories and indicators."""
    rows = [_change(ADDED, "category", None, c.weight, category=c.id) for c in contract.criteria]
    for category in contract.criteria:
        for item in category.items:
            if isinstance(item, Goal):
                rows.append(
                    _change(ADDED, "goal", None, item.weight, goal=item, category=item.category)
                )
            rows.extend(
                _change(ADDED, "indicator", None, i.target, indicator=i, category=i.category)
                for i in (item.indicators if isinstance(item, Goal) else (item,))
            )
    return rows


# -- flags ---------------------------------------------------------------------------
# The flags are the rules' problems in the new version (the file rules as validate
# runs them, and the cross-file rules that need only the contract and its
# guidelines), kept where a change touched them, and the two rules that compare
# versions (PC601, PC602).

_SUMS: Final = ("weight", "indicator", "category", "goal")


def _under(path: JsonPath, prefix: JsonPath) -> bool:
    return path[: len(prefix)] == prefix


@dataclass(frozen=True, slots=True)
class _Touched:
    """What changes touched in the new version: problems at one of ``exact``, or at
    or below one of ``within``, are the changes' to answer for."""

    exact: frozenset[JsonPath]
    within: frozenset[JsonPath]

    def covers(self, path: JsonPath) -> bool:
        return path in self.exact or any(_under(path, p) for p in self.within)


def _touched(contract: Contract, changes: Sequence[Change]) -> _Touched:
    """A change touches its field, or the whole of an indicator it changed; one that
    moves weight (a weight, an indicator added, removed or moved, a category added or
    removed) also touches the weight sums: of the contract and of its categories."""
    weights = {c.id: (*c.path, "weight") for c in contract.criteria}
    weights.update({f"goal {g.id}": (*g.path, "weight") for g in contract.goals})
    exact: set[JsonPath] = set()
    within: set[JsonPath] = set()
    for change in changes:
        if change.path:
            within.add(_owner(change.path) if change.indicator is not None else change.path)
        if change.indicator is not None or change.goal is not None:
            moves = change.field in _SUMS
        else:
            moves = change.field == "category"
        if moves:
            exact.add(("criteria",))
            # The sums it moves weight in: its categories', and its goals' (PC210).
            sums = [change.category, change.old if change.field == "category" else None]
            goals = [change.goal]
            if change.field == "goal" and change.indicator is not None:
                goals += [change.old, change.new]
            sums += [f"goal {g}" for g in goals if isinstance(g, str)]
            for category in sums:
                if isinstance(category, str) and category in weights:
                    exact.add(weights[category])
    return _Touched(frozenset(exact), frozenset(within))


# The cross-file rules that read only a contract and its guidelines, which a diff has.
_CONTRACT_TREE_RULES: Final = ("PC320", "PC403")


def _tree_problems(version: Version) -> list[Problem]:
    if version.guidelines is None:
        return []
    summary = summarize(version.contract, version.file, version.location or version.file)
    assert isinstance(summary, ContractSummary)
    if summary.guidelines_source is None:
        return []
    index = Index()
    index.add(summary)
    index.finish()
    guidelines = summarize(version.guidelines, "", "")
    assert isinstance(guidelines, GuidelinesSummary)
    index.context_guidelines[summary.guidelines_source] = guidelines
    found: list[Problem] = []
    for code in _CONTRACT_TREE_RULES:
        rule = RULES[code]
        assert rule.check is not None
        found.extend(
            replace(p, file=version.file, code=code, severity=rule.severity)
            for _, p in rule.check(index)
        )
    return found


def _flag(code: str, version: Version, message: str, path: JsonPath) -> Problem:
    return Problem(version.file, 0, 0, code, RULES[code].severity, message, path)


_WORSE_VERB: Final = {KIND_INCREASE: "lowered", KIND_DECREASE: "raised", KIND_MILESTONE: "delayed"}


def _signed_flags(old: Version, new: Version, changes: Sequence[Change]) -> list[Problem]:
    """PC601 and PC602: what signing the old version asks of the new."""
    if old.contract.status != SIGNED:
        return []
    flags = []
    if new.contract.status == SIGNED and changes:
        flags.append(
            _flag(
                SIGNED_CHANGED,
                new,
                "the contract was signed and has changed, but its status is still signed; "
                "set status: negotiated while it is renegotiated, and sign it again after vetting",
                ("status",),
            )
        )
    by_id = {i.id: i for i in new.contract.indicators}
    for change in changes:
        if change.field != "target" or change.direction != "worse" or not change.indicator:
            continue
        indicator = by_id[change.indicator]
        verb = _WORSE_VERB.get(indicator.kind, "changed")
        flags.append(
            _flag(
                LOWERED_AFTER_SIGNING,
                new,
                f"{indicator.id}: target {verb} from {_show(change.old)} in the signed "
                f"version to {_show(change.new)}",
                (*indicator.path, "target"),
            )
        )
    return flags


def _flags(
    old: Version | None, new: Version | None, changes: Sequence[Change], limits: Limits
) -> list[Problem]:
    if new is None:
        return []
    found = list(new.problems)
    later = _tree_problems(new)
    if old is not None:
        later.extend(_signed_flags(old, new, changes))
    found.extend(place(new, later, limits))
    if old is not None:  # an added contract answers for all of itself
        touched = _touched(new.contract, changes)
        signed = (SIGNED_CHANGED, LOWERED_AFTER_SIGNING)
        found = [p for p in found if p.code in signed or touched.covers(p.path)]
    return sorted(found)


def diff_versions(
    old: Version | None,
    new: Version | None,
    strict: bool = False,
    limits: Limits = _DEFAULT_LIMITS,
) -> ContractDiff:
    """Compare two versions of one contract (either may be None: added or removed)."""
    if old is None and new is None:
        raise ValueError("nothing to compare")
    if old is not None and new is not None:
        changes = compare(old.contract, new.contract)
    elif new is not None:
        changes = _added_rows(new.contract)
    else:
        changes = []
    changes = _with_paths(changes, new.contract if new is not None else None)
    flags = _flags(old, new, changes, limits)
    if strict:
        flags = [f.escalated() for f in flags]
    contract_id = (new or old).contract.id  # type: ignore[union-attr]
    return ContractDiff(contract_id, old, new, tuple(changes), tuple(flags))


# -- results and projection ------------------------------------------------------------


def project(diff: ContractDiff, results_file: str, results: Results) -> Projection:
    """Score the old and the new version against the same results.

    Both are scored with the new version's guidelines (the old version's where the
    new one names none), so the composites differ only by the contract's changes.
    """
    guidelines = (diff.new.guidelines if diff.new else None) or (
        diff.old.guidelines if diff.old else None
    )
    period = results.period
    if guidelines is None:
        return Projection(
            results_file, period, None, None, "the contract's guidelines do not resolve"
        )
    scores: list[ContractScore | None] = []
    notes: list[str] = []
    for version, which in ((diff.old, "old"), (diff.new, "new")):
        if version is None:
            scores.append(None)
        elif not version.scoreable:
            scores.append(None)
            notes.append(f"the {which} version has errors that stop it being scored")
        else:
            try:
                scored = score(version.contract, guidelines, results)
                scores.append(scored)
                if scored.not_scored is not None:
                    notes.append(f"the {which} version is {scored.not_scored}")
            except PcontractError as error:
                scores.append(None)
                notes.append(f"the {which} version cannot be scored: {error}")
    if not results.is_annual:
        notes.append(f"the results are for {period}; a composite needs annual results")
    return Projection(results_file, period, scores[0], scores[1], "; ".join(notes))


# -- entry points ----------------------------------------------------------------------


def _report(
    old_label: str,
    new_label: str,
    reader: Reader,
    pairs: list[tuple[Found | None, Found | None]],
    problems: list[Problem],
    results: Sequence[str],
    strict: bool,
    limits: Limits,
) -> DiffReport:
    by_contract = load_results(results, limits)
    known = {found.id for pair in pairs for found in pair if found is not None}
    stray = sorted(set(by_contract) - known)
    if stray:
        raise UsageError(
            f"{by_contract[stray[0]][0]} reports on '{stray[0]}', which is not among the "
            "contracts compared"
        )
    diffs = []
    unchanged = 0
    for before, after in pairs:
        if before is not None and after is not None and before.digest == after.digest:
            unchanged += 1  # the very same bytes: nothing changed, nothing to flag
            continue
        old = reader.version_of(before) if before is not None else None
        new = reader.version_of(after) if after is not None else None
        diff = diff_versions(old, new, strict, limits)
        if diff.state == "unchanged":
            unchanged += 1
            continue
        if diff.id in by_contract:
            file, found = by_contract[diff.id]
            diff = replace(diff, projection=project(diff, file, found))
        diffs.append(diff)
    if strict:
        problems = [p.escalated() for p in problems]
    diffs.sort(key=lambda d: d.id)
    return DiffReport(old_label, new_label, tuple(diffs), unchanged, tuple(sorted(problems)))


def _pair(
    old: list[Found],
    new: list[Found],
    broken: tuple[set[str], set[str]],
    problems: list[Problem],
) -> list[tuple[Found | None, Found | None]]:
    sides: list[dict[str, Found]] = [{}, {}]
    for side, versions in zip(sides, (old, new), strict=True):
        for version in versions:
            first = side.setdefault(version.id, version)
            if first is not version:
                problems.append(
                    Problem(
                        version.file,
                        0,
                        0,
                        "PC301",
                        Severity.ERROR,
                        f"contract id '{version.id}' is also used by {first.file}; "
                        f"compared {first.file} only",
                    )
                )
    pairs: list[tuple[Found | None, Found | None]] = []
    for contract_id in sorted(sides[0].keys() | sides[1].keys()):
        before, after = sides[0].get(contract_id), sides[1].get(contract_id)
        # A version that cannot be read is reported as a problem, not as a change.
        if before is None and after is not None and broken[0] & {contract_id, after.location}:
            continue
        if after is None and before is not None and broken[1] & {contract_id, before.location}:
            continue
        pairs.append((before, after))
    return pairs


def diff_paths(
    old: str,
    new: str,
    results: Sequence[str] = (),
    strict: bool = False,
    limits: Limits = _DEFAULT_LIMITS,
    cache_dir: Path | None = None,
) -> DiffReport:
    """Compare two contract files, or two folders of contracts matched by id (their
    files checked through validate's cache in ``cache_dir``, when given)."""
    for path in (old, new):
        if not os.path.lexists(path):
            raise UsageError(f"path does not exist: {path}")
    with Reader(limits, cache_dir) as reader:
        return _diff_paths(reader, old, new, results, strict, limits)


def _diff_paths(
    reader: Reader, old: str, new: str, results: Sequence[str], strict: bool, limits: Limits
) -> DiffReport:
    source = FileSource()
    if os.path.isfile(old) and os.path.isfile(new):
        pair = (Found.of(reader.one(source, old)), Found.of(reader.one(source, new)))
        return _report(old, new, reader, [pair], [], results, strict, limits)
    if os.path.isdir(old) and os.path.isdir(new):
        before, old_problems, old_broken = reader.many(
            source, [t.display for t in discover([old])], "old"
        )
        after, new_problems, new_broken = reader.many(
            source, [t.display for t in discover([new])], "new"
        )
        problems = old_problems + new_problems
        pairs = _pair(before, after, (old_broken, new_broken), problems)
        return _report(old, new, reader, pairs, problems, results, strict, limits)
    raise UsageError("compare two files or two folders, not a file with a folder")


def _visible(path: str, spec: str) -> bool:
    """Whether a file listed under ``spec`` would be found by walking it: hidden
    files and folders below it are skipped, as ``validate`` skips them."""
    if path == spec:
        return True
    below = path[len(spec) + 1 :] if spec else path
    return not any(part.startswith(".") for part in below.split("/"))


def _git_files(commit: str, top: str, specs: list[str]) -> list[str]:
    files = gitrev.list_files(commit, top, specs)
    return [
        f
        for f in files
        if f.endswith(YAML_SUFFIXES)
        and any(
            (f == s or not s or f.startswith(s.rstrip("/") + "/")) and _visible(f, s.rstrip("/"))
            for s in specs
        )
    ]


def diff_git(
    revisions: str,
    paths: Sequence[str] = (),
    results: Sequence[str] = (),
    strict: bool = False,
    limits: Limits = _DEFAULT_LIMITS,
    cache_dir: Path | None = None,
) -> DiffReport:
    """Compare a git revision with the work tree (``REV``), or two revisions
    (``A..B``, or ``A...B`` from their merge base), under ``paths`` (default: the
    current folder). Contracts are matched by id, so a moved file is a change.
    Files are checked through validate's cache in ``cache_dir``, when given."""
    paths = list(paths) or ["."]
    top = gitrev.toplevel()
    revs = gitrev.parse_range(revisions, top)
    specs = [gitrev.relative_to_top(p, top) for p in paths]
    for path, spec in zip(paths, specs, strict=True):
        in_new = os.path.lexists(path) if revs.new is None else gitrev.exists(revs.new, top, spec)
        if not in_new and not gitrev.exists(revs.old, top, spec):
            raise UsageError(f"path does not exist in {revs.old_label} or {revs.new_label}: {path}")
    with Reader(limits, cache_dir) as reader:
        return _diff_revisions(reader, revs, top, paths, specs, results, strict, limits)


def _diff_revisions(
    reader: Reader,
    revs: gitrev.Revisions,
    top: str,
    paths: list[str],
    specs: list[str],
    results: Sequence[str],
    strict: bool,
    limits: Limits,
) -> DiffReport:
    old_source = GitSource(revs.old, top, revs.old_label)
    before, old_problems, old_broken = reader.many(
        old_source, _git_files(revs.old, top, specs), "old"
    )
    if revs.new is None:
        on_disk = [p for p in paths if os.path.lexists(p)]
        new_source: Source = FileSource("working tree")
        new_files = [t.display for t in discover(on_disk)] if on_disk else []
    else:
        new_source = GitSource(revs.new, top, revs.new_label)
        new_files = _git_files(revs.new, top, specs)
    after, new_problems, new_broken = reader.many(new_source, new_files, "new")
    problems = old_problems + new_problems
    pairs = _pair(before, after, (old_broken, new_broken), problems)
    return _report(revs.old_label, revs.new_label, reader, pairs, problems, results, strict, limits)
