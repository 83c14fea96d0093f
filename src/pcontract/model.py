"""Typed, read-only views of the four document kinds.

They are built from data that has passed its schema, so the shapes are known; the
original mapping is kept as ``raw`` so that writers can preserve custom ``x-`` data.
Numbers that take part in arithmetic are ``Decimal``, so scores do not depend on
float noise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final, Protocol, TypeVar, dataclass_transform

from pcontract.formatting import with_article
from pcontract.problems import JsonPath

Value = int | float | str | bool

_Record = TypeVar("_Record")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_Record]) -> type[_Record]:
    """A read-only record made by the ten thousand (an indicator, an achievement):
    frozen to the type checker, and at run time a slotted dataclass whose
    ``__init__`` assigns its slots directly. A frozen dataclass's goes through
    ``object.__setattr__`` field by field, which took most of the time of building
    a contract. Like a frozen dataclass it compares by value; unlike one it has no
    hash (none of these is used as a key)."""
    return dataclass(slots=True)(cls)


# An id as every document writes it (contracts, indicators, categories, units):
# defined once here. tools/gen_schemas.py writes it into the JSON Schemas'
# ``$defs/id``, and a test keeps the committed schemas equal to it.
ID_START = "[A-Za-z0-9]"
ID_CHAR = "[A-Za-z0-9._-]"
ID_PATTERN = f"^{ID_START}{ID_CHAR}{{0,63}}$"
ID_RE = re.compile(ID_PATTERN)
# A top-level ``kind:`` or ``id:`` line, read off a file that failed to load, so
# that other files referring to it do not report it missing as well.
IDENTITY_LINE = re.compile(rf"^(kind|id):[ \t]*['\"]?({ID_START}{ID_CHAR}*)".encode(), re.MULTILINE)

KIND_INCREASE = "increase"
KIND_DECREASE = "decrease"
KIND_MILESTONE = "milestone"
KIND_BINARY = "binary"
NUMERIC_KINDS = (KIND_INCREASE, KIND_DECREASE)
# The guidelines' scoring methods (scoring.method scores by them).
METHOD_FIVE_POINT: Final = "five-point"
METHOD_PERCENTAGE: Final = "percentage"

MEASURE_CUMULATIVE = "cumulative"
MEASURE_LEVEL = "level"
# What an indicator with no ``measure`` but a written ``aggregation`` accumulates as.
MEASURE_BY_AGGREGATION = {
    "sum": MEASURE_CUMULATIVE,
    "mean": MEASURE_LEVEL,
    "min": MEASURE_LEVEL,
    "max": MEASURE_LEVEL,
}


class Ordered(Protocol):
    """A figure on an indicator's axis: a number, or a day (as a date or its number)."""

    def __lt__(self, other: Any, /) -> bool: ...

    def __gt__(self, other: Any, /) -> bool: ...


# The criteria points in order from best to worst; ``good`` and ``target`` share
# the target score.
CRITERIA_ORDER = ("excellent", "very_good", "good", "target", "fair", "poor")


def dec(value: int | float | Decimal) -> Decimal:
    """An exact Decimal for a YAML number: ``0.1`` becomes ``Decimal('0.1')``."""
    if value.__class__ is int:  # the usual weight, first
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value))


PERCENT_WORDS: Final = frozenset({"percent", "per cent", "percentage"})


@lru_cache(maxsize=1024)  # a tree has few units; asked of every indicator, often twice
def is_percent_unit(unit: str) -> bool:
    """Whether ``unit`` is a percentage: %, "% of households", percent."""
    text = unit.strip().lower()
    return text.startswith("%") or text in PERCENT_WORDS


def in_percent_range(value: object) -> bool:
    """Whether a figure lies between 0 and 100 (one that is not a number does:
    there is nothing to say of it here)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    # Exact without Decimals: Python compares an int or a float with 0 and 100 as
    # numbers, and a float's shortest decimal (what dec reads) lies on the same
    # side of either as the float itself.
    return 0 <= value <= 100


def is_number(value: object) -> bool:
    if value.__class__ is int or value.__class__ is float:  # the usual case, first
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# What a target, and what an actual, must be for each indicator kind.
TARGET_TYPES = {
    "increase": "a number",
    "decrease": "a number",
    "milestone": "a date (YYYY-MM-DD)",
    "binary": "true",
}
ACTUAL_TYPES = {
    "increase": "a number",
    "decrease": "a number",
    "milestone": "a completion date (YYYY-MM-DD)",
    "binary": "true or false",
}


def fits_actual(kind: str, value: object) -> bool:
    """Whether ``value`` can be an achievement of an indicator of ``kind``."""
    if kind in NUMERIC_KINDS:
        return is_number(value)
    if kind == KIND_MILESTONE:
        return parse_date(value) is not None
    return isinstance(value, bool)


def fits_target(kind: str, value: object) -> bool:
    """Whether ``value`` can be the target of an indicator of ``kind`` (binary: true)."""
    return fits_actual(kind, value) and (kind != KIND_BINARY or value is True)


@dataclass(frozen=True, slots=True)
class Person:
    title: str
    name: str = ""

    @classmethod
    def from_raw(cls, raw: dict[str, Any] | None) -> Person | None:
        if not raw:
            return None
        return cls(str(raw.get("title", "")), str(raw.get("name", "")))

    def __str__(self) -> str:
        return f"{self.title}, {self.name}" if self.name else self.title


@dataclass(frozen=True, slots=True)
class CascadeRef:
    contract: str
    indicator: str


@record
class Indicator:
    id: str
    name: str
    weight: Decimal
    kind: str
    target: Value
    category: str
    path: JsonPath
    unit: str = ""
    baseline: dict[str, Value] = field(default_factory=dict)
    criteria_values: dict[str, Value] = field(default_factory=dict)
    quarterly_targets: tuple[Value, ...] | None = None
    owner: str = ""
    due: str | None = None
    aggregation: str = "none"
    alignment: tuple[str, ...] = ()
    cascaded_from: CascadeRef | None = None
    # As written; :attr:`accumulates` is what it comes to.
    measure: str | None = None
    notes: str = ""
    # The id of the goal this indicator is a sub-indicator of; None at the top level.
    goal: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_percent(self) -> bool:
        """Whether the indicator is measured in percent (its unit is %, "% of ...",
        or "percent"): its figures then lie between 0 and 100."""
        return is_percent_unit(self.unit)

    @property
    def accumulates(self) -> str | None:
        """cumulative or level for increase and decrease: the written ``measure``,
        else what the ``aggregation`` implies (sum: cumulative; mean, min, max:
        level); None when neither says, and for milestone and binary."""
        if self.kind not in NUMERIC_KINDS:
            return None
        return self.measure or MEASURE_BY_AGGREGATION.get(self.aggregation)

    @property
    def latest_baseline(self) -> tuple[str, Value] | None:
        if not self.baseline:
            return None
        year = max(self.baseline)
        return year, self.baseline[year]

    @property
    def higher_is_better(self) -> bool:
        """Whether more is better. Only for increase: less is better for decrease,
        and milestones are compared as days, where earlier (smaller) is better."""
        return self.kind == KIND_INCREASE

    def better(self, a: Ordered, b: Ordered) -> bool:
        """Whether ``a`` is strictly better than ``b`` in the indicator's good
        direction (two numbers, or two days as dates or day numbers)."""
        return a > b if self.higher_is_better else a < b

    @classmethod
    def from_raw(
        cls, raw: dict[str, Any], category: str, path: JsonPath, goal: str | None = None
    ) -> Indicator:
        get = raw.get  # positional, and each field looked up once: built by the thousand
        cascaded = get("cascaded_from")
        quarterly = get("quarterly_targets")
        baseline = get("baseline")
        criteria_values = get("criteria_values")
        alignment = get("alignment")
        return cls(
            raw["id"],
            raw["name"],
            dec(raw["weight"]),
            raw["kind"],
            raw["target"],
            category,
            path,
            get("unit", ""),
            dict(baseline) if baseline else {},
            dict(criteria_values) if criteria_values else {},
            tuple(quarterly) if quarterly is not None else None,
            get("owner", ""),
            get("due"),
            get("aggregation", "none"),
            tuple(alignment) if alignment else (),
            CascadeRef(cascaded["contract"], cascaded["indicator"]) if cascaded else None,
            get("measure"),
            get("notes", ""),
            goal,
            raw,
        )


# The fields that give a figure to score; a goal has none of them: its
# sub-indicators do.
FIGURE_FIELDS: Final = (
    "kind",
    "target",
    "baseline",
    "criteria_values",
    "quarterly_targets",
    "measure",
    "aggregation",
)


@dataclass(frozen=True, slots=True)
class Goal:
    """An indicator that holds weighted sub-indicators (``sub_indicators``), one
    level deep: it has no kind or target of its own, its weight is the sum of
    theirs, and its raw score is the weighted mean of theirs."""

    id: str
    name: str
    weight: Decimal
    category: str
    path: JsonPath
    indicators: tuple[Indicator, ...]
    unit: str = ""
    owner: str = ""
    notes: str = ""
    alignment: tuple[str, ...] = ()
    cascaded_from: CascadeRef | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def members_weight(self) -> Decimal:
        """The sum of the sub-indicators' weights (what the goal's weight must equal)."""
        return sum((i.weight for i in self.indicators), Decimal(0))

    @classmethod
    def from_raw(cls, raw: dict[str, Any], category: str, path: JsonPath) -> Goal:
        members = tuple(
            Indicator.from_raw(item, category, (*path, "sub_indicators", index), raw["id"])
            for index, item in enumerate(raw["sub_indicators"])
        )
        cascaded = raw.get("cascaded_from")
        return cls(
            id=raw["id"],
            name=raw["name"],
            weight=dec(raw["weight"]),
            category=category,
            path=path,
            indicators=members,
            unit=raw.get("unit", ""),
            owner=raw.get("owner", ""),
            notes=raw.get("notes", ""),
            alignment=tuple(raw.get("alignment") or ()),
            cascaded_from=CascadeRef(cascaded["contract"], cascaded["indicator"])
            if cascaded
            else None,
            raw=raw,
        )


def is_goal(raw: object) -> bool:
    """Whether an indicator's raw mapping is a goal (it holds sub_indicators)."""
    return isinstance(raw, dict) and "sub_indicators" in raw


@dataclass(frozen=True, slots=True)
class Category:
    """A criteria category. ``items`` are its entries as written, indicators and
    goals; ``indicators`` are the indicators that are scored, a goal's
    sub-indicators in place of the goal."""

    id: str
    name: str
    weight: Decimal
    indicators: tuple[Indicator, ...]
    path: JsonPath
    items: tuple[Indicator | Goal, ...] = ()

    @property
    def goals(self) -> tuple[Goal, ...]:
        return tuple(item for item in self.items if isinstance(item, Goal))


@dataclass(frozen=True, slots=True)
class Contract:
    id: str
    title: str
    financial_year: str
    period_start: str
    period_end: str
    institution: str
    category: str
    status: str
    criteria: tuple[Category, ...]
    principal: Person | None = None
    agent: Person | None = None
    parent: str | None = None
    guidelines: str | None = None
    # A stable id for the institution, linking its contracts across financial
    # years; None: they are linked by the institution's name.
    institution_id: str | None = None
    # The statement part of the contract, as written (empty when not given).
    vision: str = ""
    mission: str = ""
    strategic_objectives: tuple[str, ...] = ()
    # The date the parties signed (YYYY-MM-DD); None when the contract does not say.
    signed_on: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    kind = "Contract"

    @property
    def institution_key(self) -> str:
        """What links this institution's contracts across years: its id, else its name."""
        return institution_key(self.institution_id, self.institution)

    @property
    def indicators(self) -> list[Indicator]:
        """The scored indicators: a goal's sub-indicators in place of the goal."""
        return [indicator for category in self.criteria for indicator in category.indicators]

    @property
    def goals(self) -> list[Goal]:
        return [goal for category in self.criteria for goal in category.goals]

    def indicator(self, indicator_id: str) -> Indicator | None:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        return None

    def goal(self, goal_id: str) -> Goal | None:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        return None

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Contract:
        categories = []
        for c_index, category in enumerate(raw["criteria"]):
            path: JsonPath = ("criteria", c_index)
            items: list[Indicator | Goal] = []
            for i_index, item in enumerate(category["indicators"]):
                item_path: JsonPath = (*path, "indicators", i_index)
                if is_goal(item):
                    items.append(Goal.from_raw(item, category["id"], item_path))
                else:
                    items.append(Indicator.from_raw(item, category["id"], item_path))
            indicators = tuple(
                leaf
                for item in items
                for leaf in (item.indicators if isinstance(item, Goal) else (item,))
            )
            categories.append(
                Category(
                    category["id"],
                    category["name"],
                    dec(category["weight"]),
                    indicators,
                    path,
                    tuple(items),
                )
            )
        parties = raw.get("parties") or {}
        return cls(
            id=raw["id"],
            title=raw.get("title", ""),
            financial_year=raw["financial_year"],
            period_start=raw["period"]["start"],
            period_end=raw["period"]["end"],
            institution=raw["institution"]["name"],
            category=raw["institution"]["category"],
            status=raw.get("status", "draft"),
            criteria=tuple(categories),
            principal=Person.from_raw(parties.get("principal")),
            agent=Person.from_raw(parties.get("agent")),
            parent=raw.get("parent"),
            guidelines=raw.get("guidelines"),
            institution_id=raw["institution"].get("id"),
            vision=raw.get("vision", ""),
            mission=raw.get("mission", ""),
            strategic_objectives=tuple(raw.get("strategic_objectives") or ()),
            signed_on=raw.get("signed_on"),
            raw=raw,
        )


def institution_key(institution_id: str | None, name: str) -> str:
    """The one link between an institution's contracts across years."""
    return f"id:{institution_id}" if institution_id else f"name:{name}"


FINANCIAL_YEAR_RE = re.compile(r"^([0-9]{4})/([0-9]{4})$")


def previous_financial_year(year: str) -> str | None:
    """The financial year before ``year`` (2023/2024 before 2024/2025), or None
    for a year not written as two four-digit years."""
    match = FINANCIAL_YEAR_RE.match(year)
    if match is None:
        return None
    first, second = (int(part) for part in match.groups())
    if first < 1 or second < 1:
        return None
    return f"{first - 1:04d}/{second - 1:04d}"


@dataclass(frozen=True, slots=True)
class Moderation:
    actual: Value
    by: str = ""
    reason: str = ""


# How a verifier checked a reported figure (the schema's enum for verification.method).
VERIFICATION_METHODS = ("document-review", "physical-check", "data-audit")


@dataclass(frozen=True, slots=True)
class Verification:
    """An independent verifier's figure for an achievement (before moderation)."""

    actual: Value
    by: str = ""
    reason: str = ""
    date: str = ""
    method: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """One piece of evidence: a relative path in the repository or a URL, with the
    SHA-256 of the file it names (hex) and a note."""

    ref: str
    sha256: str = ""
    note: str = ""

    @property
    def is_url(self) -> bool:
        return URL_RE.match(self.ref) is not None


URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# Which figure an achievement's score comes from (``scored_from`` in score's JSON).
FROM_REPORTED = "reported"
FROM_VERIFICATION = "verification"
FROM_MODERATION = "moderation"


@record
class Achievement:
    id: str
    path: JsonPath
    actual: Value | None = None
    # The evidence as text: the string given, or a list's refs joined by "; ".
    evidence: str = ""
    not_applicable: bool = False
    reason: str = ""
    moderation: Moderation | None = None
    verification: Verification | None = None
    # The evidence given as a list of {ref, sha256, note} (empty for a string).
    evidence_refs: tuple[EvidenceRef, ...] = ()

    @property
    def scored_from(self) -> str:
        """Which figure is scored: the moderated one, else the verified, else the reported."""
        if self.moderation is not None:
            return FROM_MODERATION
        if self.verification is not None:
            return FROM_VERIFICATION
        return FROM_REPORTED

    @property
    def effective(self) -> Value | None:
        """The figure that is scored: the moderated one, else the verified, else the reported."""
        if self.moderation is not None:
            return self.moderation.actual
        if self.verification is not None:
            return self.verification.actual
        return self.actual


def _moderation(raw: Any) -> Moderation | None:
    if not raw:
        return None
    return Moderation(raw["actual"], raw.get("by", ""), raw.get("reason", ""))


def _verification(raw: Any) -> Verification | None:
    if not raw:
        return None
    return Verification(
        raw["actual"],
        raw.get("by", ""),
        raw.get("reason", ""),
        str(raw.get("date", "")),
        raw.get("method", ""),
    )


def _evidence(raw: Any) -> tuple[str, tuple[EvidenceRef, ...]]:
    if not isinstance(raw, list):
        return (raw if isinstance(raw, str) else ""), ()
    refs = tuple(
        EvidenceRef(item["ref"], item.get("sha256", ""), item.get("note", "")) for item in raw
    )
    return "; ".join(ref.ref for ref in refs), refs


@dataclass(frozen=True, slots=True)
class Results:
    contract: str
    period: str
    as_of: str
    achievements: dict[str, Achievement]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    kind = "Results"

    @property
    def is_annual(self) -> bool:
        return self.period == "annual"

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Results:
        achievements = {}
        for key, item in raw["achievements"].items():
            get = item.get
            evidence, refs = _evidence(get("evidence"))
            achievements[key] = Achievement(
                key,
                ("achievements", key),
                get("actual"),
                evidence,
                get("status") == "not-applicable",
                get("reason", ""),
                _moderation(get("moderation")),
                _verification(get("verification")),
                refs,
            )
        return cls(raw["contract"], raw["period"], raw["as_of"], achievements, raw)


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str
    max: Decimal | None = None
    min: Decimal | None = None
    above: Decimal | None = None
    action: str = ""
    # A one-line meaning for a reader ("Met the targets overall"); "" for the default.
    meaning: str = ""
    # good, warn or bad; "" for the default (see pcontract.render.wording).
    tone: str = ""


@dataclass(frozen=True, slots=True)
class CategoryRange:
    id: str
    name: str
    min: Decimal | None
    max: Decimal | None
    required: bool


# The recent Kenyan cycle's defaults, used where a Guidelines document leaves a
# field out.
DEFAULT_SCALE = {"best": 1.0, "target": 3.0, "worst": 5.0}
DEFAULT_CRITERIA_VALUES: dict[str, dict[str, float]] = {
    "increase": {"excellent": 1.2, "poor": 0.6},
    "decrease": {"excellent": 0.8, "poor": 1.4},
    "milestone": {"excellent": -30, "poor": 60},
    "binary": {"achieved": 3.0, "not_achieved": 5.0},
}


# The criteria points beyond a target of 0, by kind: the points a count cannot
# reach on the other side of 0 are left out (nothing is fewer than none).
# A decrease indicator's target of 0 is met or missed, so it needs points worse
# than the target; an increase indicator's target of 0 is met or beaten.
ZERO_TARGET_POINTS: dict[str, tuple[str, ...]] = {
    KIND_DECREASE: ("fair", "poor"),
    KIND_INCREASE: ("excellent", "very_good"),
}


def zero_target(kind: str, target: object) -> bool:
    """Whether an increase or decrease indicator's target is 0: the guidelines'
    default criteria values, multiples of the target, all collapse onto it."""
    return kind in ZERO_TARGET_POINTS and is_number(target) and target == 0


def needs_zero_target_defaults(indicator: Indicator) -> bool:
    """Whether a decrease indicator with target 0 gives no criteria value worse
    than its target (fair or poor) of its own: it then takes them from the
    guidelines' ``zero_target_criteria_values.decrease`` (PC324 checks there are
    some)."""
    if indicator.kind != KIND_DECREASE or not zero_target(indicator.kind, indicator.target):
        return False
    return not any(name in indicator.criteria_values for name in ZERO_TARGET_POINTS[KIND_DECREASE])


def zero_target_problem(indicator_id: str, kind: str) -> str:
    """What is wrong with a target of 0 that has no criteria value on the side a
    count can reach (PC324 when validating, PC503 when scoring say it alike)."""
    side = "worse" if kind == KIND_DECREASE else "better"
    names = " or ".join(ZERO_TARGET_POINTS[kind])
    return (
        f"{indicator_id}: {with_article(kind)} indicator with target 0 has no criteria value "
        f"{side} than 0 ({names}) in its criteria_values or the guidelines' "
        f"zero_target_criteria_values.{kind}, and the default criteria values, multiples of "
        f"the target, all collapse onto 0"
    )


def zero_target_hint(kind: str) -> str:
    """How to fix :func:`zero_target_problem`, literally."""
    if kind == KIND_DECREASE:
        example = "{poor: 3} (the count that scores Poor)"
    else:
        example = "{excellent: 10} (the count that scores Excellent)"
    return (
        f"give criteria_values: {example}, "
        f"or set the guidelines' zero_target_criteria_values.{kind}"
    )


@dataclass(frozen=True, slots=True)
class Guidelines:
    id: str
    financial_year: str
    method: str
    best: Decimal
    target: Decimal
    worst: Decimal
    default_criteria_values: dict[str, dict[str, Decimal]]
    grades: tuple[GradeBand, ...]
    not_applicable: str = "rescale"
    not_reported: str = "worst"
    percentage_cap: Decimal | None = None
    categories: tuple[CategoryRange, ...] = ()
    title: str = ""
    # The office that issues the guidelines and publishes the rankings; "" unless given.
    issued_by: str = ""
    # Whether an annual achievement without a verification is warned about (PC520).
    require_verification: bool = False
    # Readable names of the institution categories contracts rank in
    # (``county: County Governments``); a category not named shows its id.
    institution_categories: dict[str, str] = field(default_factory=dict)
    # progress.on_track and progress.at_risk: the largest score gaps (projected
    # year-end score worse than the target score) still on track and at risk; None
    # where not written (scoring.method.progress_thresholds gives the defaults).
    progress_on_track: Decimal | None = None
    progress_at_risk: Decimal | None = None
    # zero_target_criteria_values: by kind, absolute figures (not multiples) for an
    # indicator whose target is 0, in place of default_criteria_values (whose
    # multiples of 0 collapse onto it); only ZERO_TARGET_POINTS are kept.
    zero_target_criteria_values: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    kind = "Guidelines"

    def category_name(self, category: str) -> str:
        """An institution category as readers see it: its name from
        ``institution_categories`` (``County Governments``), else its id."""
        return self.institution_categories.get(category, category)

    @property
    def scores_zero_target_miss(self) -> bool:
        """Whether a decrease indicator with target 0 and no fair or poor of its
        own still has a point to score a miss against: the zero-target defaults
        give one, or the percentage method needs none (missing 0 is 0%)."""
        if self.method == METHOD_PERCENTAGE:
            return True
        return bool(self.zero_target_criteria_values.get(KIND_DECREASE))

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> Guidelines:
        scale = {**DEFAULT_SCALE, **(raw.get("scale") or {})}
        defaults: dict[str, dict[str, Decimal]] = {}
        given = raw.get("default_criteria_values") or {}
        for kind, values in DEFAULT_CRITERIA_VALUES.items():
            chosen = given.get(kind, values)
            defaults[kind] = {k: dec(v) for k, v in chosen.items() if not k.startswith("x-")}
        grades = tuple(
            GradeBand(
                grade=band["grade"],
                max=dec(band["max"]) if "max" in band else None,
                min=dec(band["min"]) if "min" in band else None,
                above=dec(band["above"]) if "above" in band else None,
                action=band.get("action", ""),
                meaning=band.get("meaning", ""),
                tone=band.get("tone", ""),
            )
            for band in raw["grades"]
        )
        categories = tuple(
            CategoryRange(
                id=item["id"],
                name=item.get("name", item["id"]),
                min=dec(item["weight"]["min"]) if "min" in item.get("weight", {}) else None,
                max=dec(item["weight"]["max"]) if "max" in item.get("weight", {}) else None,
                required=item.get("required", True),
            )
            for item in raw.get("categories") or ()
        )
        cap = raw.get("percentage_cap")
        progress = raw.get("progress") or {}
        return cls(
            id=raw["id"],
            financial_year=raw["financial_year"],
            method=raw["method"],
            best=dec(scale["best"]),
            target=dec(scale["target"]),
            worst=dec(scale["worst"]),
            default_criteria_values=defaults,
            grades=grades,
            not_applicable=raw.get("not_applicable", "rescale"),
            not_reported=raw.get("not_reported", "worst"),
            percentage_cap=dec(cap) if cap is not None else None,
            categories=categories,
            title=raw.get("title", ""),
            issued_by=raw.get("issued_by", ""),
            require_verification=raw.get("require_verification") is True,
            institution_categories={
                str(k): str(v)
                for k, v in (raw.get("institution_categories") or {}).items()
                if not str(k).startswith("x-")
            },
            progress_on_track=_optional_dec(progress.get("on_track")),
            progress_at_risk=_optional_dec(progress.get("at_risk")),
            zero_target_criteria_values=_zero_target_values(raw),
            raw=raw,
        )


def _zero_target_values(raw: dict[str, Any]) -> dict[str, dict[str, Decimal]]:
    """A Guidelines' zero_target_criteria_values, by kind, with only the points a
    count can reach (ZERO_TARGET_POINTS; x- keys are dropped)."""
    given = raw.get("zero_target_criteria_values") or {}
    return {
        kind: {name: dec(v) for name, v in (given.get(kind) or {}).items() if name in names}
        for kind, names in ZERO_TARGET_POINTS.items()
        if kind in given
    }


def _optional_dec(value: int | float | None) -> Decimal | None:
    return dec(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class PlanEntry:
    indicator: str
    path: JsonPath
    share: Decimal | None = None
    amount: Value | None = None
    copy: bool = False
    weight: Decimal | None = None
    owner: str = ""
    share_text: str | None = None  # a share written as text, such as "60%", without the %


@dataclass(frozen=True, slots=True)
class PlanOwn:
    """An indicator of the unit's own (``own:``), with no counterpart in the parent:
    written whole, goals allowed. ``raw`` is the indicator as the draft holds it
    (without ``category`` and ``category_name``, which say where it goes)."""

    id: str
    category: str
    weight: Decimal
    path: JsonPath
    category_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_raw(cls, raw: dict[str, Any], path: JsonPath) -> PlanOwn:
        return cls(
            id=raw["id"],
            category=raw["category"],
            weight=dec(raw["weight"]),
            path=path,
            category_name=raw.get("category_name"),
            raw={k: v for k, v in raw.items() if k not in ("category", "category_name")},
        )


@dataclass(frozen=True, slots=True)
class PlanUnit:
    id: str
    name: str
    category: str
    entries: tuple[PlanEntry, ...]
    path: JsonPath
    agent: Person | None = None
    principal: Person | None = None
    own: tuple[PlanOwn, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


_COPY: dict[str, Any] = {"copy": True}


def _plan_entry(key: str, path: JsonPath, entry: dict[str, Any]) -> PlanEntry:
    share = entry.get("share")
    return PlanEntry(
        indicator=key,
        path=path,
        share=parse_share(share) if "share" in entry else None,
        amount=entry.get("amount"),
        copy=bool(entry.get("copy", False)),
        weight=dec(entry["weight"]) if "weight" in entry else None,
        owner=entry.get("owner", ""),
        share_text=share.rstrip("%") if isinstance(share, str) else None,
    )


def parse_share(value: object) -> Decimal:
    """``"60%"`` and ``60`` both mean sixty percent."""
    if isinstance(value, str):
        return Decimal(value.rstrip("%"))
    assert isinstance(value, int | float)
    return dec(value)


@dataclass(frozen=True, slots=True)
class CascadePlan:
    parent: str
    id_pattern: str
    units: tuple[PlanUnit, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    kind = "CascadePlan"

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> CascadePlan:
        units = []
        for u_index, unit in enumerate(raw["units"]):
            path: JsonPath = ("units", u_index)
            entries = [
                PlanEntry(key, (*path, "indicators", key), copy=True)
                if entry == _COPY  # the usual entry, {copy: true}, made the short way
                else _plan_entry(key, (*path, "indicators", key), entry)
                for key, entry in unit["indicators"].items()
            ]
            units.append(
                PlanUnit(
                    id=unit["id"],
                    name=unit["name"],
                    category=unit.get("category", "department"),
                    entries=tuple(entries),
                    path=path,
                    agent=Person.from_raw(unit.get("agent")),
                    principal=Person.from_raw(unit.get("principal")),
                    own=tuple(
                        PlanOwn.from_raw(item, (*path, "own", o_index))
                        for o_index, item in enumerate(unit.get("own") or ())
                    ),
                    raw=unit,
                )
            )
        return cls(raw["parent"], raw.get("id_pattern", "{parent}-{unit}"), tuple(units), raw)


Document = Contract | Results | Guidelines | CascadePlan

BUILDERS: dict[str, Any] = {
    "Contract": Contract.from_raw,
    "Results": Results.from_raw,
    "Guidelines": Guidelines.from_raw,
    "CascadePlan": CascadePlan.from_raw,
}


def build(kind: str, raw: dict[str, Any]) -> Document:
    document: Document = BUILDERS[kind](raw)
    return document
