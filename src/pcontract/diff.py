"""What changed between two versions of a set of contracts, and which vetting
rules the changes break.

Versions come from files, folders (contracts matched by id) or git revisions
(read by :mod:`pcontract.versions` through :mod:`pcontract.gitrev`). Every YAML
file is read by the one loader and checked against its schema; the semantic rules
are *not* required to pass, since reporting a negotiation that breaks them is the
point.

Flags, and why each has its severity:

========================  ========  =========================================================
code                      severity  meaning
========================  ========  =========================================================
weights-not-100           error     the indicator weights no longer add up to 100 (PC201)
category-weight-sum       error     a category's weight is not its indicators' sum (PC202)
signed-contract-changed   error     a signed contract changed and is still marked signed; set
                                    ``status: negotiated`` while it is renegotiated
not-growth-oriented       warning   a target is below the latest baseline (above, for
                                    decrease) (PC401)
lowered-after-signing     warning   a target is worse than in the signed version
category-weight-range     warning   a category's weight is outside the guidelines' range
                                    (PC403)
========================  ========  =========================================================

Errors mean the new version cannot be signed as it is; warnings are for the vetting
committee to accept with a reason (``strict`` makes them errors, as ``validate
--strict`` does). Core code: no printing, no exits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from pcontract import gitrev
from pcontract.checker import YAML_SUFFIXES, discover
from pcontract.errors import PcontractError, UsageError
from pcontract.files import Limits
from pcontract.formatting import show as _show
from pcontract.model import (
    CRITERIA_ORDER,
    KIND_DECREASE,
    KIND_INCREASE,
    KIND_MILESTONE,
    NUMERIC_KINDS,
    Contract,
    Indicator,
    Results,
    dec,
    is_number,
    parse_date,
)
from pcontract.problems import Problem, Severity
from pcontract.scoring import ContractScore, score
from pcontract.versions import FileSource, GitSource, Reader, Source, Version, load_results

_DEFAULT_LIMITS: Final = Limits()

DIFF_FORMAT_VERSION: Final = 1

# Flag codes (see the module docstring).
WEIGHTS_NOT_100: Final = "weights-not-100"
CATEGORY_WEIGHT_SUM: Final = "category-weight-sum"
SIGNED_CHANGED: Final = "signed-contract-changed"
NOT_GROWTH_ORIENTED: Final = "not-growth-oriented"
LOWERED_AFTER_SIGNING: Final = "lowered-after-signing"
CATEGORY_WEIGHT_RANGE: Final = "category-weight-range"

FLAG_RULES: Final = {
    WEIGHTS_NOT_100: "PC201",
    CATEGORY_WEIGHT_SUM: "PC202",
    NOT_GROWTH_ORIENTED: "PC401",
    CATEGORY_WEIGHT_RANGE: "PC403",
}

ADDED: Final = "added"
REMOVED: Final = "removed"
CHANGED: Final = "changed"

SIGNED: Final = "signed"
HUNDRED: Final = Decimal(100)


# Fields in the order a negotiator reads them; the rest follow alphabetically.
_FIELD_ORDER: Final = (
    "indicator",
    "category",
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
)


# -- values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``indicator`` and ``category`` say where it is (both None
    for a contract-level field); ``action`` is added, removed or changed.

    For an added or removed indicator ``field`` is ``indicator`` and the values are
    its target; for an added or removed category it is ``category`` and the values
    its weight. ``delta`` is new − old for numbers (in days for dates), ``pct`` the
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

    @property
    def where(self) -> str:
        if self.indicator is not None:
            return self.indicator
        if self.category is not None:
            return f"category {self.category}"
        return "contract"


@dataclass(frozen=True, slots=True)
class Flag:
    """A vetting rule that a change breaks. ``label`` is short, for a table cell;
    ``indicator``/``category``/``field`` name the change it belongs to."""

    code: str
    severity: Severity
    message: str
    label: str
    indicator: str | None = None
    category: str | None = None
    field: str | None = None

    @property
    def rule(self) -> str | None:
        return FLAG_RULES.get(self.code)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


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
    flags: tuple[Flag, ...]
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

    def flags_for(self, change: Change) -> list[Flag]:
        """The flags that belong on ``change``'s row."""
        return [
            flag
            for flag in self.flags
            if flag.indicator == change.indicator
            and (flag.category == change.category or change.indicator is not None)
            and (flag.indicator is not None or flag.category is not None)
            and (flag.field == change.field or change.action == ADDED)
        ]

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


def _better(kind: str, old: Any, new: Any) -> str | None:
    """Whether ``new`` is better or worse than ``old`` in the kind's good direction."""
    if kind in NUMERIC_KINDS and is_number(old) and is_number(new):
        a, b = dec(old), dec(new)
    elif kind == KIND_MILESTONE and parse_date(old) and parse_date(new):
        a = Decimal(-_ordinal(old))  # earlier is better: compare negated days
        b = Decimal(-_ordinal(new))
    else:
        return None
    if a == b:
        return None
    higher = b > a
    return "better" if higher == (kind != KIND_DECREASE) else "worse"


def _ordinal(value: Any) -> int:
    day = parse_date(value)
    assert day is not None
    return day.toordinal()


def _change(
    action: str,
    name: str,
    old: Any,
    new: Any,
    *,
    indicator: Indicator | None = None,
    category: str | None = None,
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
        direction = _better(indicator.kind, old, new)
    return Change(
        action,
        name,
        old,
        new,
        indicator.id if indicator is not None else None,
        category,
        indicator.name if indicator is not None else "",
        delta,
        unit,
        pct,
        direction,
    )


def _field_changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    indicator: Indicator | None = None,
    category: str | None = None,
) -> list[Change]:
    a, b = _flatten(old), _flatten(new)
    changes = []
    for name in sorted(a.keys() | b.keys(), key=_field_key):
        if name in a and name in b and _same(a[name], b[name]):
            continue
        action = ADDED if name not in a else REMOVED if name not in b else CHANGED
        changes.append(
            _change(action, name, a.get(name), b.get(name), indicator=indicator, category=category)
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
    new_ids = {i.id for i in new.indicators}
    for indicator in new.indicators:
        before_indicator = old_indicators.get(indicator.id)
        if before_indicator is None:
            changes.append(
                _change(
                    ADDED,
                    "indicator",
                    None,
                    indicator.target,
                    indicator=indicator,
                    category=indicator.category,
                )
            )
            continue
        moved = []
        if before_indicator.category != indicator.category:
            moved.append(
                _change(
                    CHANGED,
                    "category",
                    before_indicator.category,
                    indicator.category,
                    indicator=indicator,
                    category=indicator.category,
                )
            )
        fields = _field_changes(
            _without(before_indicator.raw, "id"),
            _without(indicator.raw, "id"),
            indicator=indicator,
            category=indicator.category,
        )
        changes.extend(sorted(moved + fields, key=lambda c: _field_key(c.field)))
    for indicator in old.indicators:
        if indicator.id not in new_ids:
            changes.append(
                _change(
                    REMOVED,
                    "indicator",
                    indicator.target,
                    None,
                    indicator=indicator,
                    category=indicator.category,
                )
            )
    return changes


def _added_rows(contract: Contract) -> list[Change]:
    """The rows for a contract that is new: its categories and indicators."""
    rows = [_change(ADDED, "category", None, c.weight, category=c.id) for c in contract.criteria]
    rows.extend(
        _change(ADDED, "indicator", None, i.target, indicator=i, category=i.category)
        for i in contract.indicators
    )
    return rows


# -- flags ---------------------------------------------------------------------------


def _previous_year(financial_year: str) -> str | None:
    first, _, second = financial_year.partition("/")
    if first.isdigit() and second.isdigit():
        return f"{int(first) - 1}/{int(first)}"
    return None


def _growth_flag(contract: Contract, indicator: Indicator, where: str) -> Flag | None:
    latest = indicator.latest_baseline
    if indicator.kind not in NUMERIC_KINDS or latest is None:
        return None
    year, value = latest
    if not (is_number(value) and is_number(indicator.target)):
        return None
    target, baseline = dec(indicator.target), dec(value)  # type: ignore[arg-type]
    decrease = indicator.kind == KIND_DECREASE
    if not (target > baseline if decrease else target < baseline):
        return None
    word = "above" if decrease else "below"
    which = (
        "last year's achievement"
        if year == _previous_year(contract.financial_year)
        else "the latest achievement"
    )
    return Flag(
        NOT_GROWTH_ORIENTED,
        Severity.WARNING,
        f"{indicator.id}: target {_show(indicator.target)} is {word} {which} "
        f"({_show(value)} in {year}): not growth oriented",
        f"{word} {which} ({_show(value)})",
        indicator=indicator.id,
        category=indicator.category,
        field=where,
    )


_WORSE_VERB: Final = {KIND_INCREASE: "lowered", KIND_DECREASE: "raised", KIND_MILESTONE: "delayed"}


def _flags(old: Version | None, new: Version | None, changes: Sequence[Change]) -> list[Flag]:
    if new is None:
        return []
    contract = new.contract
    flags: list[Flag] = []
    signed_before = old is not None and old.contract.status == SIGNED

    if signed_before and contract.status == SIGNED and changes:
        flags.append(
            Flag(
                SIGNED_CHANGED,
                Severity.ERROR,
                "the contract was signed and has changed, but its status is still signed; "
                "set status: negotiated while it is renegotiated, and sign it again after vetting",
                "signed contract changed",
            )
        )

    total = sum((i.weight for i in contract.indicators), Decimal(0))
    if total != HUNDRED:
        flags.append(
            Flag(
                WEIGHTS_NOT_100,
                Severity.ERROR,
                f"indicator weights add up to {_show(total)}, not 100",
                f"weights add up to {_show(total)}",
            )
        )
    for category in contract.criteria:
        summed = sum((i.weight for i in category.indicators), Decimal(0))
        if summed != category.weight:
            flags.append(
                Flag(
                    CATEGORY_WEIGHT_SUM,
                    Severity.ERROR,
                    f"category '{category.id}' has weight {_show(category.weight)} but its "
                    f"indicators' weights add up to {_show(summed)}",
                    f"indicators add up to {_show(summed)}",
                    category=category.id,
                    field="weight",
                )
            )

    # Category ranges, for the categories whose weight this change touched.
    touched_categories = {
        c.category
        for c in changes
        if c.indicator is None and c.category is not None and c.field in ("weight", "category")
    }
    guidelines = new.guidelines
    if guidelines is not None and guidelines.categories and not contract.parent:
        ranges = {r.id: r for r in guidelines.categories}
        for category in contract.criteria:
            limits = ranges.get(category.id)
            if category.id not in touched_categories or limits is None:
                continue
            low, high = limits.min, limits.max
            if (low is not None and category.weight < low) or (
                high is not None and category.weight > high
            ):
                span = f"{_show(low or Decimal(0))}–{_show(high or HUNDRED)}"
                flags.append(
                    Flag(
                        CATEGORY_WEIGHT_RANGE,
                        Severity.WARNING,
                        f"category '{category.id}' has weight {_show(category.weight)}, "
                        f"outside the guidelines' range {span}",
                        f"outside the guidelines' {span}",
                        category=category.id,
                        field="weight",
                    )
                )

    # Growth-oriented targets, for the indicators whose target, kind or baseline changed.
    touched: dict[str, str] = {}
    for change in changes:
        if change.indicator is None or change.indicator in touched:
            continue
        head = change.field.partition(".")[0]
        if (change.action == ADDED and change.field == "indicator") or head in (
            "target",
            "kind",
            "baseline",
        ):
            touched[change.indicator] = change.field
    for indicator in contract.indicators:
        if indicator.id in touched:
            flag = _growth_flag(contract, indicator, touched[indicator.id])
            if flag is not None:
                flags.append(flag)

    if signed_before:
        by_id = {i.id: i for i in contract.indicators}
        for change in changes:
            if change.field != "target" or change.direction != "worse" or not change.indicator:
                continue
            indicator = by_id[change.indicator]
            verb = _WORSE_VERB.get(indicator.kind, "changed")
            flags.append(
                Flag(
                    LOWERED_AFTER_SIGNING,
                    Severity.WARNING,
                    f"{indicator.id}: target {verb} from {_show(change.old)} in the signed "
                    f"version to {_show(change.new)}",
                    f"{verb} from the signed {_show(change.old)}",
                    indicator=indicator.id,
                    category=indicator.category,
                    field="target",
                )
            )
    return flags


def diff_versions(old: Version | None, new: Version | None, strict: bool = False) -> ContractDiff:
    """Compare two versions of one contract (either may be None: added or removed)."""
    if old is None and new is None:
        raise ValueError("nothing to compare")
    if old is not None and new is not None:
        changes = compare(old.contract, new.contract)
    elif new is not None:
        changes = _added_rows(new.contract)
    else:
        changes = []
    flags = _flags(old, new, changes)
    if strict:
        flags = [replace(f, severity=Severity.ERROR) for f in flags]
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
    pairs: list[tuple[Version | None, Version | None]],
    problems: list[Problem],
    results: Sequence[str],
    strict: bool,
    limits: Limits,
) -> DiffReport:
    by_contract = load_results(results, limits)
    known = {v.contract.id for pair in pairs for v in pair if v is not None}
    stray = sorted(set(by_contract) - known)
    if stray:
        raise UsageError(
            f"{by_contract[stray[0]][0]} reports on '{stray[0]}', which is not among the "
            "contracts compared"
        )
    diffs = []
    unchanged = 0
    for old, new in pairs:
        diff = diff_versions(old, new, strict)
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
    old: list[Version],
    new: list[Version],
    broken: tuple[set[str], set[str]],
    problems: list[Problem],
) -> list[tuple[Version | None, Version | None]]:
    sides: list[dict[str, Version]] = [{}, {}]
    for side, versions in zip(sides, (old, new), strict=True):
        for version in versions:
            first = side.setdefault(version.contract.id, version)
            if first is not version:
                problems.append(
                    Problem(
                        version.file,
                        0,
                        0,
                        "PC301",
                        Severity.ERROR,
                        f"contract id '{version.contract.id}' is also used by {first.file}; "
                        f"compared {first.file} only",
                    )
                )
    pairs: list[tuple[Version | None, Version | None]] = []
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
) -> DiffReport:
    """Compare two contract files, or two folders of contracts matched by id."""
    for path in (old, new):
        if not os.path.lexists(path):
            raise UsageError(f"path does not exist: {path}")
    reader = Reader(limits)
    source = FileSource()
    if os.path.isfile(old) and os.path.isfile(new):
        pairs: list[tuple[Version | None, Version | None]] = [
            (reader.one(source, old), reader.one(source, new))
        ]
        return _report(old, new, pairs, [], results, strict, limits)
    if os.path.isdir(old) and os.path.isdir(new):
        before, old_problems, old_broken = reader.many(
            source, [t.display for t in discover([old])], "old"
        )
        after, new_problems, new_broken = reader.many(
            source, [t.display for t in discover([new])], "new"
        )
        problems = old_problems + new_problems
        pairs = _pair(before, after, (old_broken, new_broken), problems)
        return _report(old, new, pairs, problems, results, strict, limits)
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
) -> DiffReport:
    """Compare a git revision with the work tree (``REV``), or two revisions
    (``A..B``, or ``A...B`` from their merge base), under ``paths`` (default: the
    current folder). Contracts are matched by id, so a moved file is a change."""
    paths = list(paths) or ["."]
    top = gitrev.toplevel()
    revs = gitrev.parse_range(revisions, top)
    specs = [gitrev.relative_to_top(p, top) for p in paths]
    for path, spec in zip(paths, specs, strict=True):
        in_new = os.path.lexists(path) if revs.new is None else gitrev.exists(revs.new, top, spec)
        if not in_new and not gitrev.exists(revs.old, top, spec):
            raise UsageError(f"path does not exist in {revs.old_label} or {revs.new_label}: {path}")
    reader = Reader(limits)
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
    return _report(revs.old_label, revs.new_label, pairs, problems, results, strict, limits)
