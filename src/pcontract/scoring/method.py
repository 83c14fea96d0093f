"""Scoring: a contract's results become raw, weighted and composite scores.

Pure: no I/O, no printing. All arithmetic is exact (``fractions.Fraction``), so a
score never depends on float noise. Figures are rounded only by :func:`round4`,
and grades (and ranks) are decided on that rounded composite because it is the
figure that is published.

Two methods, chosen by the guidelines:

- ``five-point``: each indicator's achievement is interpolated between its criteria
  values to a raw score on the scale (Kenya: 1 best, 3 on target, 5 worst);
  weighted = raw × effective weight / 100; composite = Σ weighted.
- ``percentage`` (SPAS): each indicator scores its achievement percentage (capped
  at ``percentage_cap``); composite = the weighted mean of those percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from math import gcd
from typing import Final

from pcontract.errors import PcontractError
from pcontract.files.numbers import rounded
from pcontract.formatting import dp, plain, show
from pcontract.model import (
    KIND_BINARY,
    KIND_DECREASE,
    KIND_MILESTONE,
    MEASURE_CUMULATIVE,
    NUMERIC_KINDS,
    ZERO_TARGET_POINTS,
    Achievement,
    Contract,
    EvidenceRef,
    Guidelines,
    Indicator,
    Moderation,
    Results,
    Value,
    Verification,
    dec,
    is_number,
    record,
    zero_target,
    zero_target_hint,
    zero_target_problem,
)
from pcontract.model import METHOD_FIVE_POINT as METHOD_FIVE_POINT
from pcontract.model import METHOD_PERCENTAGE as METHOD_PERCENTAGE
from pcontract.problems import JsonPath, Problem, Severity

STATUS_SCORED: Final = "scored"
STATUS_MODERATED: Final = "moderated"
STATUS_NOT_APPLICABLE: Final = "not-applicable"
STATUS_NOT_REPORTED: Final = "not-reported"

PROGRESS_ON_TRACK: Final = "on-track"
PROGRESS_AT_RISK: Final = "at-risk"
PROGRESS_OFF_TRACK: Final = "off-track"
# A milestone or binary indicator not done and not due until after the quarter.
PROGRESS_NOT_DUE: Final = "not-due"
# An increase or decrease indicator with no quarterly_targets and no measure (nor
# an aggregation that implies one): how its figure accumulates is unknown.
PROGRESS_NO_QUARTER_TARGET: Final = "no-quarterly-target"

# The rules that give a quarter's target (QuarterProgress.target_rule).
TARGET_QUARTERLY: Final = "quarterly_targets"
TARGET_PRO_RATA: Final = "pro-rata"
TARGET_ANNUAL_LEVEL: Final = "annual-level"
TARGET_NONE: Final = "none"

NO_RESULTS: Final = "no results submitted"

# The codes of the scoring warnings (declared, with their pages, in rules/scoring.py).
CODE_NO_RESULTS: Final = "PC501"
CODE_UNKNOWN_INDICATOR: Final = "PC502"
CODE_COLLAPSED_CRITERIA: Final = "PC503"
CODE_NOT_REPORTED: Final = "PC504"
CODE_NOT_REPORTED_IN_QUARTER: Final = "PC505"
CODE_NO_GRADE_BAND: Final = "PC506"
CODE_NOT_VERIFIED: Final = "PC520"
# Results that mark every indicator not applicable leave nothing to score: such a
# contract gets no composite and no grade, and is listed unranked.
NOT_SCORED_ALL_NA: Final = "not scored: every indicator not applicable"

NA_RESCALE: Final = "rescale"
NA_KEEP: Final = "exclude-without-rescale"

QUARTERS: Final = {"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4}

HUNDRED: Final = Fraction(100)
# The percentage given when the ratio cannot be formed because its denominator is
# zero or negative and the target was beaten (e.g. a decrease target of 5 incidents
# with 0 reported): "beaten twice over". A percentage_cap, if set, caps it further.
BEATEN_WITHOUT_RATIO_PCT: Final = Fraction(200)
# The default progress.at_risk under percentage: 20 points short of 100.
DEFAULT_AT_RISK_PCT: Final = Fraction(20)

# The criteria points in order from best to worst. ``good`` is not listed: it is
# the target itself, which is always a point (at the scale's target score).
_POINT_NAMES: Final = ("excellent", "very_good", "target", "fair", "poor")


def round4(x: Fraction) -> Decimal:
    """``x`` to 4 decimal places, halves away from zero (ROUND_HALF_UP), exactly."""
    return rounded(x, 4)


def fraction(value: Decimal | int | float | Fraction) -> Fraction:
    """An exact Fraction: floats go through ``dec`` so ``0.1`` is one tenth."""
    # Exact types first: isinstance against Fraction, an ABC, is slow.
    if type(value) is Decimal:
        return _exact(value)
    if type(value) is int:
        return Fraction(value)
    if isinstance(value, Fraction):
        return value
    return _exact(value)


@lru_cache(maxsize=4096, typed=True)
def _exact(value: Decimal | int | float) -> Fraction:
    """``fraction`` of a Decimal or float, remembered: a run converts the same
    weights, criteria values and scale figures over and over. Typed, so that a
    float is never answered with the Fraction of an equal Decimal."""
    return Fraction(dec(value))


def _total(values: Iterable[Fraction]) -> Fraction:
    """``sum(values, Fraction(0))``, exactly, on a common denominator: one
    Fraction is made instead of one per term."""
    numerator, denominator = 0, 1
    for value in values:
        d = value.denominator
        if d == denominator:
            numerator += value.numerator
        else:
            g = gcd(denominator, d)
            numerator = numerator * (d // g) + value.numerator * (denominator // g)
            denominator *= d // g
    return Fraction(numerator, denominator)


# Fractions compared and combined on their integers: a Fraction keeps its
# denominator positive and its terms in lowest form, so these are exact, and they
# skip the numeric-tower checks of Fraction's operators (scoring does millions).


def _lt(a: Fraction, b: Fraction) -> bool:
    """``a < b``."""
    return a.numerator * b.denominator < b.numerator * a.denominator


def _same(a: Fraction, b: Fraction) -> bool:
    """``a == b``."""
    return a.numerator == b.numerator and a.denominator == b.denominator


def _better(indicator: Indicator, a: Fraction, b: Fraction) -> bool:
    """``indicator.better(a, b)`` for two positions on its axis."""
    return _lt(b, a) if indicator.higher_is_better else _lt(a, b)


def _scaled(value: Fraction, times: Fraction, over: Fraction) -> Fraction:
    """``value * times / over`` (``over`` not 0), exactly, as one Fraction."""
    return Fraction(
        value.numerator * times.numerator * over.denominator,
        value.denominator * times.denominator * over.numerator,
    )


@record
class IndicatorScore:
    """One indicator's figures and score.

    ``status`` is scored, moderated, not-applicable or not-reported. ``actual`` is
    the figure scored (the moderated one, else the verified one, else the reported
    one: ``scored_from`` says which); ``reported`` is the original. ``raw_score``
    is the five-point raw score, or under the percentage method the (capped)
    percentage.
    """

    id: str
    name: str
    category: str
    kind: str
    unit: str
    weight: Fraction
    effective_weight: Fraction
    target: Value
    actual: Value | None
    reported: Value | None
    moderation: Moderation | None
    evidence: str
    reason: str
    status: str
    achievement_pct: Fraction | None
    raw_score: Fraction | None
    weighted_score: Fraction | None
    gap: Fraction | None
    verification: Verification | None = None
    # Which figure ``actual`` is: reported, verification or moderation ("" when none).
    scored_from: str = ""
    evidence_refs: tuple[EvidenceRef, ...] = ()
    # The goal this indicator is a sub-indicator of (None at the top level).
    goal: str | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class GoalScore:
    """A goal (an indicator holding sub_indicators): its weight, the sum of its
    sub-indicators' weighted scores, and its raw score, the weighted mean of their
    raw scores (None when none of them has one). ``projected_raw_score`` is the
    same mean of their projected year-end raw scores in a quarter."""

    id: str
    name: str
    category: str
    weight: Fraction
    effective_weight: Fraction
    indicators: tuple[str, ...]
    raw_score: Fraction | None
    weighted_score: Fraction | None
    notes: str = ""
    projected_raw_score: Fraction | None = None


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """A criteria category's weights and the sum of its indicators' weighted scores."""

    id: str
    name: str
    weight: Fraction
    effective_weight: Fraction
    weighted_score: Fraction


@dataclass(frozen=True, slots=True)
class QuarterProgress:
    """How one indicator stands at the end of a quarter (``quarter`` is 1 to 4).

    ``projected_raw_score`` scores the projected year-end figure, and ``status``
    follows it against the target score (see :func:`progress_thresholds`):
    on-track, at-risk or off-track; or not-reported, not-applicable, not-due (a
    milestone or binary indicator not done and due after the quarter) or
    no-quarterly-target (an increase or decrease indicator whose ``measure`` is
    unknown and which has no quarterly_targets). ``measure`` is what the indicator
    accumulates as (None if unknown or not numeric); ``target_rule`` the rule
    that gave ``quarter_target`` (``TARGET_*``).
    """

    id: str
    quarter: int
    quarter_target: Fraction | None
    actual: Value | None
    pct_of_quarter_target: Fraction | None
    status: str
    projected_raw_score: Fraction | None
    measure: str | None = None
    target_rule: str = TARGET_NONE


@dataclass(frozen=True, slots=True)
class ContractScore:
    """A contract's scores against one Results document (or none at all)."""

    contract: str
    title: str
    institution: str
    category: str
    financial_year: str
    period: str | None
    method: str
    guidelines_id: str
    composite: Fraction | None
    grade: str | None
    indicators: tuple[IndicatorScore, ...]
    categories: tuple[CategoryScore, ...]
    # Problems found while scoring (PC501 to PC506) and rolling up (PC511 to PC514).
    warnings: tuple[Problem, ...]
    progress: tuple[QuarterProgress, ...] = ()
    # Which way composites rank: five-point on the usual scale (best 1 < worst 5)
    # is lower-is-better, percentages are higher-is-better.
    lower_is_better: bool = True
    # Why an annual result has no composite (NOT_SCORED_ALL_NA), else None.
    not_scored: str | None = None
    # The contract's stable institution id, if it gives one (links years).
    institution_id: str | None = None
    goals: tuple[GoalScore, ...] = ()

    def better(self, a: Fraction | Decimal, b: Fraction | Decimal) -> bool:
        """Whether composite ``a`` is strictly better than ``b`` on this score's
        scale: lower on the five-point scale, higher as a percentage."""
        return better_composite(a, b, self.lower_is_better)

    @property
    def composite_display(self) -> Decimal | None:
        """The composite as published: 4 decimal places."""
        return round4(self.composite) if self.composite is not None else None


def better_composite(a: Fraction | Decimal, b: Fraction | Decimal, lower_is_better: bool) -> bool:
    """The one direction of composites: whether ``a`` is strictly better than ``b``,
    lower on the five-point scale, higher as a percentage."""
    return a < b if lower_is_better else a > b


# ---------------------------------------------------------------------------
# Figures on an indicator's axis


def _number(indicator: Indicator, value: Value | Fraction, what: str) -> Fraction:
    # Exact types first: isinstance against Fraction, an ABC, is slow.
    if type(value) is int:
        return Fraction(value)
    if type(value) is float:
        return _exact(value)
    if isinstance(value, Fraction):
        return value
    if not is_number(value):
        raise PcontractError(f"{indicator.id}: {what} must be a number, not {value!r}")
    assert isinstance(value, int | float)  # is_number says so; this narrows for mypy
    return fraction(value)


def _day(indicator: Indicator, value: Value | Fraction, what: str) -> Fraction:
    """A date as its ordinal day number, so that dates interpolate like numbers."""
    if isinstance(value, str):
        day = _ordinal(value)
    elif isinstance(value, Fraction):
        return value
    else:
        day = None
    if day is None:
        raise PcontractError(f"{indicator.id}: {what} must be a date (YYYY-MM-DD), not {value!r}")
    return Fraction(day)


@lru_cache(maxsize=4096)
def _ordinal(text: str) -> int | None:
    """The ordinal day number of an ISO date, None if ``text`` is not one."""
    try:
        return dt.date.fromisoformat(text).toordinal()
    except ValueError:
        return None


def _position(indicator: Indicator, value: Value | Fraction, what: str) -> Fraction:
    """Where a figure lies on the indicator's axis: a number, or a day for milestones."""
    if indicator.kind == KIND_MILESTONE:
        return _day(indicator, value, what)
    return _number(indicator, value, what)


def _done(indicator: Indicator, value: Value | Fraction) -> bool:
    if not isinstance(value, bool):
        raise PcontractError(f"{indicator.id}: actual must be true or false, not {value!r}")
    return value


def _show(value: Fraction, indicator: Indicator) -> str:
    if indicator.kind == KIND_MILESTONE and value.denominator == 1:
        return dt.date.fromordinal(int(value)).isoformat()
    return plain(value)


# ---------------------------------------------------------------------------
# Criteria points and raw scores


# An indicator's criteria point as integers: position numerator, denominator
# (> 0, not necessarily in lowest terms), score numerator, denominator.
_Terms = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class _Resolved:
    """An indicator's criteria points, best to worst, target included: each
    point's criterion, its position and raw score as integers, and its raw score."""

    names: tuple[str, ...]
    terms: list[_Terms]
    scores: list[Fraction]


@dataclass(frozen=True, slots=True)
class _Scale:
    """What scoring reads of a Guidelines, as exact Fractions, worked out once
    per Guidelines object (see :func:`_scale`)."""

    best: Fraction
    target: Fraction
    worst: Fraction
    # The raw score of each criteria point (_POINT_NAMES).
    scores: dict[str, Fraction]
    # default_criteria_values and zero_target_criteria_values, by kind.
    defaults: dict[str, dict[str, Fraction]]
    zero_defaults: dict[str, dict[str, Fraction]]
    percentage: bool
    cap: Fraction | None
    # Criteria points already resolved under these guidelines, by _axis_key:
    # cascaded indicators share their figures, and a run scores many of them.
    resolved: dict[tuple[object, ...], _Resolved] = field(default_factory=dict)

    @classmethod
    def of(cls, guidelines: Guidelines) -> _Scale:
        best, target, worst = (
            fraction(guidelines.best),
            fraction(guidelines.target),
            fraction(guidelines.worst),
        )
        # Half-way points, so that the Kenyan 1/3/5 scale gives exactly 2 and 4.
        scores = {
            "excellent": best,
            "very_good": (best + target) / 2,
            "target": target,
            "fair": (target + worst) / 2,
            "poor": worst,
        }
        cap = guidelines.percentage_cap
        return cls(
            best,
            target,
            worst,
            scores,
            _fractions(guidelines.default_criteria_values),
            _fractions(guidelines.zero_target_criteria_values),
            guidelines.method == METHOD_PERCENTAGE,
            fraction(cap) if cap is not None else None,
        )


def _fractions(values: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Fraction]]:
    return {kind: {k: fraction(v) for k, v in figures.items()} for kind, figures in values.items()}


# The scales of the guidelines scored with, by id(), each beside its Guidelines,
# which it keeps alive so that the id cannot be reused by another object.
_SCALES: dict[int, tuple[Guidelines, _Scale]] = {}
_SCALES_KEPT: Final = 64


def _scale(guidelines: Guidelines) -> _Scale:
    """The Fractions of ``guidelines``, made on first use and then remembered
    (a Guidelines is frozen; a run scores many contracts by a few of them)."""
    entry = _SCALES.get(id(guidelines))
    if entry is not None and entry[0] is guidelines:
        return entry[1]
    scale = _Scale.of(guidelines)
    if len(_SCALES) >= _SCALES_KEPT:
        _SCALES.clear()
    _SCALES[id(guidelines)] = (guidelines, scale)
    return scale


class _Axis:
    """One indicator's axis under one guidelines: the target's position and the
    criteria points, each worked out when first needed and then kept, so that
    scoring an indicator (its percentage, raw score, gap, warnings and progress)
    resolves them once. They are worked out (and fail) where they were first
    needed before, so that the first error raised is the same."""

    __slots__ = ("_named", "_resolved", "_target", "guidelines", "indicator", "scale")

    def __init__(self, indicator: Indicator, guidelines: Guidelines) -> None:
        self.indicator = indicator
        self.guidelines = guidelines
        self.scale = _scale(guidelines)
        self._target: Fraction | None = None
        self._named: list[tuple[str, Fraction, str]] | None = None
        self._resolved: _Resolved | None = None

    def target(self) -> Fraction:
        if self._target is None:
            self._target = _position(self.indicator, self.indicator.target, "target")
        return self._target

    def named(self) -> list[tuple[str, Fraction, str]]:
        """(criterion, position, where it came from), best to worst, target included."""
        if self._named is None:
            self._named = _named_points(self)
        return self._named

    def points(self) -> list[tuple[Fraction, Fraction]]:
        """:func:`criteria_points`."""
        if self.indicator.kind == KIND_BINARY:
            binary = self.scale.defaults[KIND_BINARY]
            return [(Fraction(1), binary["achieved"]), (Fraction(0), binary["not_achieved"])]
        scores = self.scale.scores
        return [(position, scores[name]) for name, position, _ in self.named()]

    def resolved(self) -> _Resolved:
        """The criteria points (not binary), as :meth:`named` gives them."""
        if self._resolved is None:
            self._resolved = self._resolve()
        return self._resolved

    def _resolve(self) -> _Resolved:
        key = _axis_key(self.indicator)
        known = self.scale.resolved
        found = known.get(key) if key is not None else None
        if found is None:
            found = _default_points(self) if not self.indicator.criteria_values else None
            if found is None:
                scores = self.scale.scores
                named = self.named()
                found = _Resolved(
                    tuple(name for name, _, _ in named),
                    [
                        (p.numerator, p.denominator, scores[n].numerator, scores[n].denominator)
                        for n, p, _ in named
                    ],
                    [scores[name] for name, _, _ in named],
                )
            if key is not None:
                if len(known) >= _RESOLVED_KEPT:
                    known.clear()
                known[key] = found
        return found


_RESOLVED_KEPT: Final = 4096


def _axis_key(indicator: Indicator) -> tuple[object, ...] | None:
    """What an indicator's criteria points depend on besides the guidelines, with
    the type of each figure (so that 1, 1.0 and True stay apart); None when a
    figure cannot be a key."""
    given = indicator.criteria_values
    values = tuple((name, type(v), v) for name, v in given.items()) if given else ()
    key = (indicator.kind, type(indicator.target), indicator.target, values)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _default_points(axis: _Axis) -> _Resolved | None:
    """The criteria points of an indicator without criteria_values, worked out
    on integers: what :func:`_named_points` gives, without making a Fraction for
    each point. None when they are out of order: :func:`_named_points` says how."""
    indicator = axis.indicator
    target = axis.target()
    defaults, zero, milestone = _defaults_of(axis)
    scores = axis.scale.scores
    names: list[str] = []
    terms: list[_Terms] = []
    points: list[Fraction] = []
    sign = 1 if indicator.higher_is_better else -1
    for name in _POINT_NAMES:
        if name == "target":
            pn, pd = target.numerator, target.denominator
        elif name in defaults:
            term = _default_term(target, defaults[name], zero, milestone)
            if term is None:
                continue
            pn, pd = term
        else:
            continue
        if terms:
            qn, qd = terms[-1][0], terms[-1][1]
            if sign * (qn * pd - pn * qd) <= 0:  # not better than the point after it
                return None
        score = scores[name]
        names.append(name)
        terms.append((pn, pd, score.numerator, score.denominator))
        points.append(score)
    return _Resolved(tuple(names), terms, points)


def _defaults_of(axis: _Axis) -> tuple[dict[str, Fraction], bool, bool]:
    """The guidelines' default criteria values for the indicator's kind, whether
    its target is 0, and whether it is a milestone. Multiples of a target of 0
    are all 0: for such a target the guidelines' zero-target figures, absolute and
    only on the side of 0 a count can reach, stand in for the defaults."""
    indicator = axis.indicator
    zero = zero_target(indicator.kind, indicator.target)
    defaults = (axis.scale.zero_defaults if zero else axis.scale.defaults).get(indicator.kind, {})
    return defaults, zero, indicator.kind == KIND_MILESTONE


def _default_term(
    target: Fraction, relative: Fraction, zero: bool, milestone: bool
) -> tuple[int, int] | None:
    """Where a default criteria value puts its point, as a numerator and a
    denominator (> 0): an offset in days from the target for a milestone, a
    multiple of the target otherwise, the figure itself for a zero target. None
    when the point falls on the target: it says nothing there, so it is dropped
    (score() warns when a side of the target is left with none)."""
    tn, td = target.numerator, target.denominator
    rn, rd = relative.numerator, relative.denominator
    if zero:
        pn, pd = rn, rd
    elif milestone:
        pn, pd = tn * rd + rn * td, td * rd
    else:
        pn, pd = tn * rn, td * rd
    return None if pn * td == tn * pd else (pn, pd)


def _named_points(axis: _Axis) -> list[tuple[str, Fraction, str]]:
    """(criterion, position, where it came from), best to worst, target included."""
    indicator = axis.indicator
    target = axis.target()
    defaults, zero, milestone = _defaults_of(axis)
    points: list[tuple[str, Fraction, str]] = []
    for name in _POINT_NAMES:
        if name == "target":
            points.append((name, target, "target"))
        elif name in indicator.criteria_values:
            value = indicator.criteria_values[name]
            points.append((name, _position(indicator, value, f"criteria value '{name}'"), "given"))
        elif name in defaults:
            term = _default_term(target, defaults[name], zero, milestone)
            if term is not None:
                points.append((name, Fraction(*term), "guidelines"))
    _check_order(indicator, points)
    return points


def _check_order(indicator: Indicator, points: list[tuple[str, Fraction, str]]) -> None:
    for (a_name, a, a_from), (b_name, b, b_from) in pairwise(points):
        if not _better(indicator, a, b):
            raise PcontractError(
                f"{indicator.id}: criteria values are out of order once the guidelines' "
                f"defaults fill the gaps: {a_name} is {_show(a, indicator)} ({a_from}) "
                f"but {b_name} is {_show(b, indicator)} ({b_from}); "
                f"give the indicator's criteria_values explicitly"
            )


def named_criteria_points(
    indicator: Indicator, guidelines: Guidelines
) -> list[tuple[str, Fraction, Fraction]]:
    """(criterion, position, raw score) for each criteria value in use, best to
    worst, target included: the figures a card prints beside an indicator. The
    resolution is :func:`criteria_points`'s (explicit values, then defaults);
    milestone positions are ordinal day numbers. Binary indicators have none."""
    if indicator.kind == KIND_BINARY:
        return []
    axis = _Axis(indicator, guidelines)
    scores = axis.scale.scores
    return [(name, position, scores[name]) for name, position, _ in axis.named()]


def criteria_points(
    indicator: Indicator, guidelines: Guidelines
) -> list[tuple[Fraction, Fraction]]:
    """The (achievement, raw score) points, best to worst.

    Explicit ``criteria_values`` win; the guidelines' defaults fill the gaps. The
    target is always a point at the scale's target score. Milestone positions are
    ordinal day numbers (``date.toordinal()``). A binary indicator has two points:
    1 (done) and 0 (not done) with the guidelines' achieved/not_achieved scores.
    """
    return list(_Axis(indicator, guidelines).points())


def _interpolate(axis: _Axis, x: Fraction) -> Fraction:
    """The raw score at ``x`` on the line through the criteria points."""
    resolved = axis.resolved()
    terms = resolved.terms
    xn, xd = x.numerator, x.denominator
    sign = 1 if axis.indicator.higher_is_better else -1
    # Where x is against each point, as a number of its sign: below 0 where x is
    # better than the point, 0 on it, above 0 where worse (denominators are > 0).
    behind = [sign * (pn * xd - xn * pd) for pn, pd, _, _ in terms]
    # Beyond the best point (normally Excellent) is capped at best; beyond the worst
    # point (normally Poor) is floored at worst. Only when defaults collapsed (a zero
    # target) is the outermost point the target, and then the score jumps.
    if behind[0] < 0:
        return axis.scale.best
    if behind[-1] > 0:
        return axis.scale.worst
    if behind[0] == 0:
        return resolved.scores[0]
    # The points are in order (_check_order), so x lies between two neighbours.
    for i in range(len(terms) - 1):
        if behind[i + 1] <= 0 <= behind[i]:
            return _between(xn, xd, terms[i], terms[i + 1])
    raise AssertionError("unreachable: x lies between the first and the last point")


def _between(xn: int, xd: int, start: _Terms, end: _Terms) -> Fraction:
    """The score at x = xn / xd on the line from ``start`` to ``end``:
    s0 + (s1 - s0) × (x - x0) / (x1 - x0), as one Fraction."""
    u, v, a, b = start  # x0 = u / v, s0 = a / b
    w, z, c, d = end  # x1 = w / z, s1 = c / d
    run = w * v - u * z  # (x1 - x0) × v × z
    return Fraction(a * d * xd * run + (c * b - a * d) * (xn * v - u * xd) * z, b * d * xd * run)


def raw_score(indicator: Indicator, guidelines: Guidelines, actual: Value | Fraction) -> Fraction:
    """The five-point raw score of ``actual``: interpolated, capped at best and worst."""
    return _raw_score(_Axis(indicator, guidelines), actual)


def _raw_score(axis: _Axis, actual: Value | Fraction) -> Fraction:
    indicator = axis.indicator
    if indicator.kind == KIND_BINARY:
        binary = axis.scale.defaults[KIND_BINARY]
        return binary["achieved"] if _done(indicator, actual) else binary["not_achieved"]
    axis.resolved()  # first: an error in the criteria values comes before one in actual
    return _interpolate(axis, _position(indicator, actual, "actual"))


def _percent(indicator: Indicator, x: Fraction, target: Fraction) -> Fraction:
    """``x`` as a percentage of ``target`` (for decrease, ``target`` of ``x``)."""
    part, whole = (target, x) if indicator.kind == KIND_DECREASE else (x, target)
    if whole.numerator > 0:
        # A negative percentage means nothing to a reader; it is "nothing achieved".
        if part.numerator <= 0:
            return Fraction(0)
        return Fraction(
            100 * part.numerator * whole.denominator, part.denominator * whole.numerator
        )
    # No ratio can be formed (a zero target for increase, a zero actual for decrease).
    if _same(x, target):  # met
        return HUNDRED
    return BEATEN_WITHOUT_RATIO_PCT if _better(indicator, x, target) else Fraction(0)


def achievement_pct(indicator: Indicator, actual: Value | Fraction) -> Fraction:
    """The achievement as a percentage of the target, uncapped.

    - increase: actual / target × 100;
    - decrease: target / actual × 100;
    - milestone: 100 if completed on or before the target date, else 0;
    - binary: 100 if done, else 0.

    Where the denominator is zero (or negative) the ratio is meaningless: the result
    is 100 if the target is met exactly, 200 if it is beaten (say 0 incidents against
    a target of 5) and 0 if it is missed. A percentage is never below 0.
    """
    if indicator.kind == KIND_BINARY:
        return HUNDRED if _done(indicator, actual) else Fraction(0)
    x = _position(indicator, actual, "actual")
    return _pct_at(indicator, x, _position(indicator, indicator.target, "target"))


def _pct_at(indicator: Indicator, x: Fraction, target: Fraction) -> Fraction:
    """:func:`achievement_pct` of a figure at ``x`` (not binary)."""
    if indicator.kind == KIND_MILESTONE:
        return HUNDRED if not _lt(target, x) else Fraction(0)
    return _percent(indicator, x, target)


def gap(indicator: Indicator, actual: Value | Fraction | None) -> Fraction | None:
    """How far ``actual`` falls short of the target, in the indicator's unit.

    Positive when missed (days late for milestones); None when met, not reported,
    or not numeric (binary).
    """
    if actual is None or indicator.kind == KIND_BINARY:
        return None
    x = _position(indicator, actual, "actual")
    return _gap_at(indicator, x, _position(indicator, indicator.target, "target"))


def _gap_at(indicator: Indicator, x: Fraction, target: Fraction) -> Fraction | None:
    if indicator.higher_is_better:
        return target - x if _lt(x, target) else None
    return x - target if _lt(target, x) else None


def _capped_pct(pct: Fraction, guidelines: Guidelines) -> Fraction:
    cap = _scale(guidelines).cap
    return pct if cap is None else min(pct, cap)


def _method_score(axis: _Axis, actual: Value | Fraction) -> Fraction:
    """The indicator's score under the guidelines' method (raw, or capped percent)."""
    if axis.scale.percentage:
        return _capped_pct(achievement_pct(axis.indicator, actual), axis.guidelines)
    return _raw_score(axis, actual)


def _not_reported_score(guidelines: Guidelines) -> Fraction:
    scale = _scale(guidelines)
    return Fraction(0) if scale.percentage else scale.worst


def neutral_score(guidelines: Guidelines) -> Fraction:
    """The score of meeting the target exactly: the scale's target score, or 100%
    (capped) under the percentage method. Under ``exclude-without-rescale`` a
    not-applicable indicator keeps its weight and scores this, so the composite
    stays a weighted mean of scores on the scale."""
    scale = _scale(guidelines)
    if scale.percentage:
        return _capped_pct(HUNDRED, guidelines)
    return scale.target


def _lower_is_better(guidelines: Guidelines) -> bool:
    return guidelines.method != METHOD_PERCENTAGE and guidelines.best < guidelines.worst


# ---------------------------------------------------------------------------
# Grades


def grade_for(composite: Fraction | Decimal, guidelines: Guidelines) -> str | None:
    """The grade of a composite (a Fraction is first rounded to 4 places).

    five-point: the first band (best first) whose ``max`` is reached, i.e. the
    composite is at or better than it. percentage: the first band with ``above``
    set and the composite strictly above it, or ``min`` set and the composite at
    least that. None when no band holds the composite.
    """
    value = round4(composite) if isinstance(composite, Fraction) else composite
    if guidelines.method == METHOD_PERCENTAGE:
        for band in guidelines.grades:
            if (band.above is not None and value > band.above) or (
                band.min is not None and value >= band.min
            ):
                return band.grade
        return None
    ascending = guidelines.best < guidelines.worst
    for band in guidelines.grades:
        if band.max is not None and (value <= band.max if ascending else value >= band.max):
            return band.grade
    return None


# ---------------------------------------------------------------------------
# Quarterly progress


@dataclass(frozen=True, slots=True)
class QuarterTarget:
    """A quarter's cumulative target and the rule that produced it (``TARGET_*``)."""

    value: Fraction | None
    rule: str


def quarter_target_rule(indicator: Indicator, quarter: int) -> QuarterTarget:
    """The target for the end of ``quarter`` (1 to 4), and where it comes from.

    ``quarterly_targets`` when given; otherwise by what the indicator
    :attr:`~pcontract.model.Indicator.accumulates` as: the pro-rata share
    (target × quarter / 4) for cumulative, the annual target for level, and none
    when that is unknown. Milestones and binary indicators have none.
    """
    if indicator.kind not in NUMERIC_KINDS:
        return QuarterTarget(None, TARGET_NONE)
    if indicator.quarterly_targets is not None and len(indicator.quarterly_targets) >= quarter:
        value = _number(indicator, indicator.quarterly_targets[quarter - 1], "quarterly target")
        return QuarterTarget(value, TARGET_QUARTERLY)
    measure = indicator.accumulates
    if measure is None:
        return QuarterTarget(None, TARGET_NONE)
    target = _number(indicator, indicator.target, "target")
    if measure == MEASURE_CUMULATIVE:
        return QuarterTarget(target * quarter / 4, TARGET_PRO_RATA)
    return QuarterTarget(target, TARGET_ANNUAL_LEVEL)


def quarter_target(indicator: Indicator, quarter: int) -> Fraction | None:
    """The target for the end of ``quarter``, or None (see :func:`quarter_target_rule`)."""
    return quarter_target_rule(indicator, quarter).value


def progress_thresholds(guidelines: Guidelines) -> tuple[Fraction, Fraction]:
    """(on_track, at_risk): the largest score gaps still on track and at risk.

    A gap is how far a projected score is worse than the target score, in score
    points. Defaults: on_track 0; at_risk half-way from the target score to the
    worst (1.00 on the Kenyan 1-5 scale), or 20 points under percentage.
    """
    on_track = fraction(guidelines.progress_on_track or 0)
    if guidelines.progress_at_risk is not None:
        return on_track, fraction(guidelines.progress_at_risk)
    if guidelines.method == METHOD_PERCENTAGE:
        return on_track, DEFAULT_AT_RISK_PCT
    return on_track, abs(fraction(guidelines.worst) - fraction(guidelines.target)) / 2


def score_gap(guidelines: Guidelines, projected: Fraction) -> Fraction:
    """How far ``projected`` is worse than the target score (negative: better).

    Taken on the score as published (4 places), so a status agrees with the
    figure a reader sees."""
    shown = fraction(round4(projected))
    target = neutral_score(guidelines)
    return shown - target if _lower_is_better(guidelines) else target - shown


def _progress_status(guidelines: Guidelines, projected: Fraction) -> str:
    on_track, at_risk = progress_thresholds(guidelines)
    shortfall = score_gap(guidelines, projected)
    # on_track is never above 0 (the schema says so; min() makes sure): on track
    # never sits beside a projection worse than the target score.
    if shortfall <= min(on_track, Fraction(0)):
        return PROGRESS_ON_TRACK
    if shortfall <= max(at_risk, Fraction(0)):
        return PROGRESS_AT_RISK
    return PROGRESS_OFF_TRACK


def quarter_end(period_start: str, quarter: int) -> dt.date | None:
    """The last day of ``quarter`` of a contract period starting on ``period_start``
    (Q1 of a 1 July start ends on 30 September); None for a date it cannot read."""
    try:
        start = dt.date.fromisoformat(period_start)
    except ValueError:
        return None
    months = start.month - 1 + 3 * quarter
    year, month = start.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(start.day, 28)) - dt.timedelta(days=1)


def _due_after(indicator: Indicator, ends: dt.date | None, period_end: str) -> bool:
    """Whether a milestone or binary indicator is due only after the quarter ends:
    its ``due`` date, else a milestone's target date, else the period's end."""
    if ends is None:
        return False
    when = indicator.due
    if when is None:
        when = str(indicator.target) if indicator.kind == KIND_MILESTONE else period_end
    try:
        return dt.date.fromisoformat(when) > ends
    except ValueError:
        return False


def _projection(indicator: Indicator, x: Fraction, target: QuarterTarget, quarter: int) -> Fraction:
    """The year-end figure a quarter's ``x`` is heading for.

    Against ``quarterly_targets`` it keeps pace with the plan: x × target /
    quarter target (or target + x - quarter target where that is 0). Without them
    cumulative extrapolates the pace (x × 4 / quarter) and level stays (x); both
    are the same formula with the pro-rata and annual-level quarter targets.
    """
    annual = _number(indicator, indicator.target, "target")
    planned = target.value
    assert planned is not None  # the caller has a quarter target
    if target.rule == TARGET_PRO_RATA:
        return x * 4 / quarter
    if target.rule == TARGET_ANNUAL_LEVEL:
        return x
    if planned == 0:
        return annual + x - planned
    return x * annual / planned


def _not_yet(item: IndicatorScore, indicator: Indicator) -> bool:
    """Whether a milestone or binary indicator is not yet done."""
    if indicator.kind not in (KIND_MILESTONE, KIND_BINARY):
        return False
    if item.status in (STATUS_NOT_APPLICABLE,):
        return False
    return item.actual is None or item.actual is False


def _progress(
    item: IndicatorScore, axis: _Axis, quarter: int, when: _QuarterDates
) -> QuarterProgress:
    indicator, guidelines = axis.indicator, axis.guidelines
    target = quarter_target_rule(indicator, quarter)
    measure = indicator.accumulates

    def row(
        status: str, pct: Fraction | None = None, projected: Fraction | None = None
    ) -> QuarterProgress:
        return QuarterProgress(
            item.id,
            quarter,
            target.value,
            item.actual,
            pct,
            status,
            projected,
            measure,
            target.rule,
        )

    if _not_yet(item, indicator) and _due_after(indicator, when.ends, when.period_end):
        return row(PROGRESS_NOT_DUE)
    if item.status in (STATUS_NOT_APPLICABLE, STATUS_NOT_REPORTED) or item.actual is None:
        return QuarterProgress(
            item.id, quarter, target.value, None, None, item.status, None, measure, target.rule
        )
    actual = item.actual
    if indicator.kind not in NUMERIC_KINDS:
        # Milestones and binary indicators have no quarter target: they score the
        # figure itself (done on time or not) against the annual target.
        projected = _method_score(axis, actual)
        return row(_progress_status(guidelines, projected), projected=projected)
    if target.value is None:
        # Neither measure nor aggregation says how the figure accumulates: no guess.
        return row(PROGRESS_NO_QUARTER_TARGET)
    x = _number(indicator, actual, "actual")
    pct = _percent(indicator, x, target.value)
    projected = _method_score(axis, _projection(indicator, x, target, quarter))
    return row(_progress_status(guidelines, projected), pct, projected)


@dataclass(frozen=True, slots=True)
class _QuarterDates:
    """When a quarter ends (None if unknown) and the contract period's end."""

    ends: dt.date | None
    period_end: str


# ---------------------------------------------------------------------------
# A whole contract


def _scored_figures(axis: _Axis, actual: Value) -> tuple[Fraction, Fraction, Fraction | None]:
    """(achievement percentage, score, gap) of a reported figure: what
    :func:`achievement_pct`, :func:`_method_score` and :func:`gap` give, with the
    figure's and the target's positions each found once."""
    indicator = axis.indicator
    if indicator.kind == KIND_BINARY:
        pct = HUNDRED if _done(indicator, actual) else Fraction(0)
        return pct, _method_score(axis, actual), None
    x = _position(indicator, actual, "actual")
    target = axis.target()
    pct = _pct_at(indicator, x, target)
    if axis.scale.percentage:
        cap = axis.scale.cap
        method = pct if cap is None else min(pct, cap)
    else:
        method = _interpolate(axis, x)
    return pct, method, _gap_at(indicator, x, target)


def _indicator_score(
    axis: _Axis,
    achievement: Achievement | None,
    effective_weight: Fraction,
    weight_base: Fraction,
) -> IndicatorScore:
    """Score one indicator; weighted = score × effective weight / ``weight_base``.

    A not-applicable indicator with a weight in play (``exclude-without-rescale``)
    scores :func:`neutral_score`; with none (``rescale``) it has no score."""
    indicator, guidelines = axis.indicator, axis.guidelines
    actual: Value | None = None
    pct: Fraction | None = None
    raw: Fraction | None = None
    shortfall: Fraction | None = None
    if achievement is not None and achievement.not_applicable:
        status = STATUS_NOT_APPLICABLE
        if effective_weight:
            raw = neutral_score(guidelines)
    else:
        actual = achievement.effective if achievement is not None else None
        if actual is None:
            status = STATUS_NOT_REPORTED
            raw = _not_reported_score(guidelines)
        else:
            moderated = achievement is not None and achievement.moderation is not None
            status = STATUS_MODERATED if moderated else STATUS_SCORED
            pct, raw, shortfall = _scored_figures(axis, actual)
    weighted: Fraction | None = None
    if raw is not None:
        weighted = _scaled(raw, effective_weight, weight_base) if weight_base else Fraction(0)
    return IndicatorScore(
        id=indicator.id,
        name=indicator.name,
        category=indicator.category,
        kind=indicator.kind,
        unit=indicator.unit,
        weight=fraction(indicator.weight),
        effective_weight=effective_weight,
        target=indicator.target,
        actual=actual,
        reported=achievement.actual if achievement is not None else None,
        moderation=achievement.moderation if achievement is not None else None,
        evidence=achievement.evidence if achievement is not None else "",
        reason=achievement.reason if achievement is not None else "",
        status=status,
        achievement_pct=pct,
        raw_score=raw,
        weighted_score=weighted,
        gap=shortfall,
        verification=achievement.verification if achievement is not None else None,
        scored_from=achievement.scored_from if actual is not None and achievement else "",
        evidence_refs=achievement.evidence_refs if achievement is not None else (),
        goal=indicator.goal,
        notes=indicator.notes,
    )


def weighted_mean(pairs: Sequence[tuple[Fraction, Fraction | None]]) -> Fraction | None:
    """The mean of the scores in (weight, score) pairs, weighted, over the pairs
    with a score; None when none has one (or their weights add up to 0)."""
    scored = [(weight, value) for weight, value in pairs if value is not None]
    total = _total(weight for weight, _ in scored)
    if not total:
        return None
    return _total(weight * value for weight, value in scored) / total


def _goal_scores(
    contract: Contract,
    items: Sequence[IndicatorScore],
    progress: Sequence[QuarterProgress],
) -> tuple[GoalScore, ...]:
    by_id = {item.id: item for item in items}
    projected = {p.id: p.projected_raw_score for p in progress}
    goals = []
    for goal in contract.goals:
        members = [by_id[i.id] for i in goal.indicators]
        scored = [m for m in members if m.weighted_score is not None]
        goals.append(
            GoalScore(
                id=goal.id,
                name=goal.name,
                category=goal.category,
                weight=fraction(goal.weight),
                effective_weight=_total(m.effective_weight for m in members),
                indicators=tuple(m.id for m in members),
                raw_score=weighted_mean([(m.weight, m.raw_score) for m in members]),
                weighted_score=_total(m.weighted_score or Fraction(0) for m in scored)
                if scored
                else None,
                notes=goal.notes,
                projected_raw_score=weighted_mean(
                    [(m.weight, projected.get(m.id)) for m in members]
                )
                if progress
                else None,
            )
        )
    return tuple(goals)


def _warning(
    code: str, file: str, path: JsonPath, message: str, hint: str, at_key: bool = False
) -> Problem:
    """A scoring warning, unlocated: the caller that read the file looks up its line."""
    return Problem(file, 0, 0, code, Severity.WARNING, message, path, hint, at_key)


def _collapsed_warning(axis: _Axis, contract_file: str) -> Problem | None:
    """A warning when a zero target leaves no criteria values on one side of it.

    For a target of 0 only the side a count can reach is looked at: worse for a
    decrease indicator (the case PC324 reports when validating), better for an
    increase one."""
    indicator, guidelines = axis.indicator, axis.guidelines
    if indicator.kind == KIND_BINARY:
        return None
    names = axis.resolved().names
    first, last = names[0], names[-1]
    if first != "target" and last != "target":
        return None  # a point on either side of the target
    zero = zero_target(indicator.kind, indicator.target)
    reachable = ZERO_TARGET_POINTS.get(indicator.kind, ()) if zero else _POINT_NAMES
    missing = []
    if first == "target" and "excellent" in reachable:
        missing.append(f"beating it scores {plain(guidelines.best)}")
    if last == "target" and "poor" in reachable:
        missing.append(f"missing it scores {plain(guidelines.worst)}")
    if not missing:
        return None
    if zero:
        return _warning(
            CODE_COLLAPSED_CRITERIA,
            contract_file,
            indicator.path,
            f"{zero_target_problem(indicator.id, indicator.kind)}, so {' and '.join(missing)}",
            zero_target_hint(indicator.kind),
        )
    return _warning(
        CODE_COLLAPSED_CRITERIA,
        contract_file,
        indicator.path,
        f"{indicator.id}: the guidelines' default criteria values collapse onto the target "
        f"({indicator.target}), so {' and '.join(missing)}; give criteria_values",
        "give the indicator criteria_values on both sides of its target",
    )


@dataclass(frozen=True, slots=True)
class _Sources:
    """The files a contract and its results came from, for the warnings ("" unknown)."""

    contract: str
    results: str


def _not_reported_warning(
    indicator: Indicator, guidelines: Guidelines, results: Results, sources: _Sources
) -> Problem:
    """An indicator the results leave without a figure."""
    if results.period in QUARTERS:
        return _warning(
            CODE_NOT_REPORTED_IN_QUARTER,
            sources.contract,
            indicator.path,
            f"{indicator.id} not reported in {results.period}",
            "report its figure so far, or status: not-applicable with a reason",
        )
    percentage = guidelines.method == METHOD_PERCENTAGE
    scored = "0%" if percentage else f"{dp(guidelines.worst, 2)} (Poor)"
    return _warning(
        CODE_NOT_REPORTED,
        sources.contract,
        indicator.path,
        f"{indicator.id} not reported: scored {scored}",
        "report an actual, or status: not-applicable with a reason",
    )


def _input_warnings(
    contract: Contract, results: Results | None, sources: _Sources
) -> list[Problem]:
    """What is wrong with the results as a whole: none at all, or unknown indicators."""
    if results is None:
        return [
            _warning(
                CODE_NO_RESULTS,
                sources.contract,
                (),
                NO_RESULTS,
                "score it against its Results document: pcontract score CONTRACT -r RESULTS",
            )
        ]
    known = {indicator.id for indicator in contract.indicators}
    return [
        _warning(
            CODE_UNKNOWN_INDICATOR,
            sources.results,
            ("achievements", key),
            f"{key} is in the results but not in the contract: ignored",
            "correct the id to one of the contract's indicators, or remove the entry",
            at_key=True,
        )
        for key in sorted(results.achievements)
        if key not in known
    ]


def _indicator_warnings(
    axes: Sequence[_Axis],
    guidelines: Guidelines,
    results: Results | None,
    items: Sequence[IndicatorScore],
    sources: _Sources,
    not_due: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Each indicator's warnings, in the contract's order. A milestone or binary
    indicator whose quarterly progress is not-due (``not_due``, by id) is not
    expected in that quarter's results, so it is not warned of as not reported."""
    warnings: list[Problem] = []
    percentage = guidelines.method == METHOD_PERCENTAGE
    for axis, item in zip(axes, items, strict=True):
        indicator = axis.indicator
        note = None if percentage else _collapsed_warning(axis, sources.contract)
        if note is not None:
            warnings.append(note)
        unreported = item.status == STATUS_NOT_REPORTED and item.id not in not_due
        if unreported and results is not None:
            warnings.append(_not_reported_warning(indicator, guidelines, results, sources))
        if _unverified(guidelines, results, item):
            warnings.append(_not_verified_warning(item, sources))
    return warnings


def _unverified(guidelines: Guidelines, results: Results | None, item: IndicatorScore) -> bool:
    """Whether the guidelines require verification and this annual figure has none."""
    if not guidelines.require_verification or results is None or not results.is_annual:
        return False
    return item.scored_from != "" and item.verification is None


def _not_verified_warning(item: IndicatorScore, sources: _Sources) -> Problem:
    return _warning(
        CODE_NOT_VERIFIED,
        sources.results,
        ("achievements", item.id),
        f"{item.id}: the guidelines require verification, but the annual figure "
        f"{show(item.reported)} is not verified",
        "add verification: {actual, by, reason, method} from the independent verification",
        at_key=True,
    )


@dataclass(frozen=True, slots=True)
class _Weights:
    """The weights in play once not-applicable indicators are taken out."""

    effective: dict[str, Fraction]  # by indicator id
    # What a weighted score divides by: 100 under five-point (weights are out of
    # 100); the weights in play under percentage (the composite is a weighted mean).
    base: Fraction
    # Every indicator is not applicable in an annual result: nothing to score.
    all_excluded: bool


def _weights(
    indicators: Sequence[Indicator],
    guidelines: Guidelines,
    achievements: dict[str, Achievement],
    annual: bool,
) -> _Weights:
    excluded = {
        i.id for i in indicators if i.id in achievements and achievements[i.id].not_applicable
    }
    own = [(i.id, fraction(i.weight)) for i in indicators]
    remaining = _total(weight for key, weight in own if key not in excluded)
    all_excluded = remaining == 0 and annual
    # rescale: the applicable weights are scaled up to 100. exclude-without-rescale:
    # every weight stays, and a not-applicable one scores as if its target were met
    # exactly (neutral_score). Either way the composite is a weighted mean of scores
    # on the scale, so it lies between the best and the worst score.
    rescale = guidelines.not_applicable == NA_RESCALE or all_excluded

    def effective(key: str, weight: Fraction) -> Fraction:
        if key in excluded:
            return Fraction(0) if rescale else weight
        return weight * HUNDRED / remaining if rescale and remaining else weight

    weights = {key: effective(key, w) for key, w in own} if excluded else dict(own)
    percentage = guidelines.method == METHOD_PERCENTAGE
    base = _total(weights.values()) if percentage else HUNDRED
    return _Weights(weights, base, all_excluded)


def _categories(
    contract: Contract, items: Sequence[IndicatorScore], weights: _Weights
) -> tuple[CategoryScore, ...]:
    # The weighted scores of the items of each category (by the id they give).
    scores: dict[str, list[Fraction]] = {}
    for item in items:
        scores.setdefault(item.category, []).append(item.weighted_score or Fraction(0))
    return tuple(
        CategoryScore(
            id=category.id,
            name=category.name,
            weight=fraction(category.weight),
            effective_weight=_total(weights.effective[i.id] for i in category.indicators),
            weighted_score=_total(scores.get(category.id, ())),
        )
        for category in contract.criteria
    )


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the scores come to: a composite and grade, or progress, or nothing."""

    composite: Fraction | None = None
    grade: str | None = None
    progress: tuple[QuarterProgress, ...] = ()
    not_scored: str | None = None
    warnings: tuple[Problem, ...] = ()


def _annual_outcome(
    items: Sequence[IndicatorScore],
    guidelines: Guidelines,
    results: Results | None,
    sources: _Sources,
) -> _Outcome:
    composite = _total(item.weighted_score or Fraction(0) for item in items)
    if results is None:
        # Reporting nothing ranks with the poor performers whatever the figures.
        return _Outcome(composite, guidelines.grades[-1].grade)
    grade = grade_for(composite, guidelines)
    if grade is not None:
        return _Outcome(composite, grade)
    warning = _warning(
        CODE_NO_GRADE_BAND,
        sources.contract,
        (),
        f"composite {round4(composite)} falls in no grade band",
        "give the guidelines grade bands that cover the whole scale",
    )
    return _Outcome(composite, None, warnings=(warning,))


def _outcome(
    contract: Contract,
    guidelines: Guidelines,
    axes: Sequence[_Axis],
    results: Results | None,
    items: Sequence[IndicatorScore],
    weights: _Weights,
    sources: _Sources,
) -> _Outcome:
    quarter = QUARTERS.get(results.period) if results is not None else None
    if weights.all_excluded:
        # Nothing to score, and nothing to rank it on: reported as such.
        return _Outcome(not_scored=NOT_SCORED_ALL_NA)
    if quarter is not None:
        # No grade before the annual result: a quarter shows progress only.
        when = _QuarterDates(quarter_end(contract.period_start, quarter), contract.period_end)
        progress = tuple(
            _progress(item, axis, quarter, when) for item, axis in zip(items, axes, strict=True)
        )
        return _Outcome(progress=progress)
    return _annual_outcome(items, guidelines, results, sources)


def score(
    contract: Contract,
    guidelines: Guidelines,
    results: Results | None,
    *,
    contract_file: str = "",
    results_file: str = "",
) -> ContractScore:
    """Score ``contract`` against ``results`` (None: no results were submitted).

    The warnings are Problems in ``contract_file`` or ``results_file`` (where they
    are known), not yet located: their line and column are 0 until a caller that
    reads the files looks them up."""
    if results is not None and results.contract != contract.id:
        raise PcontractError(
            f"the results are for contract '{results.contract}', not '{contract.id}'"
        )
    sources = _Sources(contract_file, results_file)
    achievements = results.achievements if results is not None else {}
    annual = results is None or results.period not in QUARTERS
    indicators = contract.indicators
    weights = _weights(indicators, guidelines, achievements, annual)
    axes = [_Axis(indicator, guidelines) for indicator in indicators]
    items = tuple(
        _indicator_score(
            axis,
            achievements.get(axis.indicator.id),
            weights.effective[axis.indicator.id],
            weights.base,
        )
        for axis in axes
    )
    outcome = _outcome(contract, guidelines, axes, results, items, weights, sources)
    not_due = frozenset(p.id for p in outcome.progress if p.status == PROGRESS_NOT_DUE)
    warnings = (
        *_input_warnings(contract, results, sources),
        *_indicator_warnings(axes, guidelines, results, items, sources, not_due),
        *outcome.warnings,
    )
    return ContractScore(
        contract=contract.id,
        title=contract.title,
        institution=contract.institution,
        category=contract.category,
        financial_year=contract.financial_year,
        period=results.period if results is not None else None,
        method=guidelines.method,
        guidelines_id=guidelines.id,
        composite=outcome.composite,
        grade=outcome.grade,
        indicators=items,
        categories=_categories(contract, items, weights),
        warnings=warnings,
        progress=outcome.progress,
        lower_is_better=_lower_is_better(guidelines),
        not_scored=outcome.not_scored,
        institution_id=contract.institution_id,
        goals=_goal_scores(contract, items, outcome.progress),
    )
