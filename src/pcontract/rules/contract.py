"""Rules checked within one Contract."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise

from pcontract.formatting import plain as fmt
from pcontract.formatting import with_article
from pcontract.model import (
    CRITERIA_ORDER,
    FIGURE_FIELDS,
    KIND_BINARY,
    KIND_DECREASE,
    KIND_MILESTONE,
    MEASURE_BY_AGGREGATION,
    MEASURE_LEVEL,
    NUMERIC_KINDS,
    TARGET_TYPES,
    Category,
    Contract,
    Goal,
    Indicator,
    Value,
    dec,
    fits_target,
    in_percent_range,
    is_number,
    parse_date,
)
from pcontract.problems import Severity
from pcontract.rules.base import Finding, finding, rule

HUNDRED = Decimal(100)


def _item_weights(category: Category) -> Decimal:
    """The sum of a category's weights as written: a goal counts with its own
    weight (PC210 checks that it equals its sub-indicators')."""
    return sum((item.weight for item in category.items), Decimal(0))


@rule("PC201", "weights-total", kinds=("Contract",))
def weights_total(contract: Contract) -> Iterator[Finding]:
    """Indicator weights add up to 100.

    ## What it does

    Checks that a contract's indicator weights add up to exactly 100.

    ## Why is this bad?

    The composite score is the weighted sum of the indicators' scores; weights that do not make
    100 scale every contract's composite differently, so contracts could no longer be compared
    or ranked.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 90
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 90
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
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
    """
    total = sum((_item_weights(c) for c in contract.criteria), Decimal(0))
    if total != HUNDRED:
        yield finding(
            ("criteria",),
            f"indicator weights add up to {fmt(total)}, not 100",
            f"change the weights by {fmt(HUNDRED - total)} in total",
            at_key=True,
        )


@rule(
    "PC202",
    "category-weight",
    kinds=("Contract",),
)
def category_weight(contract: Contract) -> Iterator[Finding]:
    """Each category's weight equals the sum of its indicators' weights.

    ## What it does

    Checks that each criteria category's weight equals the sum of its indicators' weights.

    ## Why is this bad?

    Category subtotals are reported and vetted against the guidelines' ranges; a category weight
    that disagrees with its indicators says one thing and scores another.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 80
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 90
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
      - id: service
        name: Service Delivery
        weight: 20
        indicators:
          - {id: SD01, name: Service charter published, weight: 10, kind: binary, target: true}
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 90
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 90
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
      - id: service
        name: Service Delivery
        weight: 10
        indicators:
          - {id: SD01, name: Service charter published, weight: 10, kind: binary, target: true}
    ```
    """
    for category in contract.criteria:
        total = _item_weights(category)
        if total != category.weight:
            yield finding(
                (*category.path, "weight"),
                f"category '{category.id}' has weight {fmt(category.weight)} but its "
                f"indicators' weights add up to {fmt(total)}",
                f"set the category weight to {fmt(total)}, or change its indicators",
            )


@rule(
    "PC203",
    "unique-ids",
    kinds=("Contract",),
)
def unique_ids(contract: Contract) -> Iterator[Finding]:
    """Category and indicator ids are unique in a contract.

    ## What it does

    Checks that category ids, and indicator ids, are each unique within a contract.

    ## Why is this bad?

    Results, cascades and diffs find an indicator by its id; two with one id make a result or a
    child contract ambiguous.

    ## Example

    ```yaml
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
          - {id: CM01, name: Clinics staffed, weight: 50, kind: binary, target: true}
    ```

    Use instead:

    ```yaml
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
    """
    categories = Counter(c.id for c in contract.criteria)
    seen: set[str] = set()
    for category in contract.criteria:
        if categories[category.id] > 1 and category.id in seen:
            yield finding((*category.path, "id"), f"category id '{category.id}' is used twice")
        seen.add(category.id)
    entries: list[Indicator | Goal] = [*contract.goals, *contract.indicators]
    entries.sort(key=lambda entry: entry.path)
    indicators = Counter(entry.id for entry in entries)
    seen = set()
    for entry in entries:
        if indicators[entry.id] > 1 and entry.id in seen:
            yield finding(
                (*entry.path, "id"),
                f"indicator id '{entry.id}' is used {indicators[entry.id]} times",
                "give each indicator its own id (goals and sub-indicators included)",
            )
        seen.add(entry.id)


@rule(
    "PC204",
    "target-type",
    kinds=("Contract",),
)
def target_type(contract: Contract) -> Iterator[Finding]:
    """Targets and criteria values have the type the indicator kind needs.

    ## What it does

    Checks that targets and criteria values have the type the indicator's kind needs: numbers
    for increase and decrease, a date for milestone, `true` for binary (which takes no criteria
    values).

    ## Why is this bad?

    A target of the wrong type cannot be scored against the achievement.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: milestone
            target: 50
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
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
    ```
    """
    for indicator in contract.indicators:
        if not fits_target(indicator.kind, indicator.target):
            yield finding(
                (*indicator.path, "target"),
                f"{indicator.id} is {with_article(indicator.kind)} indicator, so its target "
                f"must be {TARGET_TYPES[indicator.kind]}, not {indicator.target!r}",
                "milestone targets are dates, binary targets are true, others are numbers",
            )
        if indicator.kind == KIND_BINARY:
            if indicator.criteria_values:
                yield finding(
                    (*indicator.path, "criteria_values"),
                    f"{indicator.id} is binary and takes no criteria values",
                    "the guidelines' default_criteria_values.binary sets its scores",
                    at_key=True,
                )
            continue
        for name, value in indicator.criteria_values.items():
            if name in CRITERIA_ORDER and not fits_target(indicator.kind, value):
                yield finding(
                    (*indicator.path, "criteria_values", name),
                    f"{indicator.id}: criteria value '{name}' must be "
                    f"{TARGET_TYPES[indicator.kind]}, not {value!r}",
                )


@rule("PC210", "goal-weight", kinds=("Contract",))
def goal_weight(contract: Contract) -> Iterator[Finding]:
    """A goal's weight equals the sum of its sub-indicators' weights.

    ## What it does

    Checks that an indicator holding `sub_indicators` (a goal) has a weight equal to the sum of
    its sub-indicators' weights.

    ## Why is this bad?

    The goal is rated with the summed weight of its indicators, and the composite is their
    weighted sum; a goal weight that disagrees with them says one thing in the matrix and
    scores another.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: finance
        name: Financial Stewardship
        weight: 100
        indicators:
          - id: FS01
            name: Annual gross profit of KES 3.0 bn generated
            weight: 100
            sub_indicators:
              - id: FS01a
                name: Revenue collected
                unit: KES bn
                weight: 60
                kind: increase
                baseline: {2023/2024: 4.2}
                target: 5
                measure: cumulative
              - id: FS01b
                name: Operating costs
                unit: KES bn
                weight: 30
                kind: decrease
                baseline: {2023/2024: 2.4}
                target: 2
                measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: finance
        name: Financial Stewardship
        weight: 100
        indicators:
          - id: FS01
            name: Annual gross profit of KES 3.0 bn generated
            weight: 100
            sub_indicators:
              - id: FS01a
                name: Revenue collected
                unit: KES bn
                weight: 60
                kind: increase
                baseline: {2023/2024: 4.2}
                target: 5
                measure: cumulative
              - id: FS01b
                name: Operating costs
                unit: KES bn
                weight: 40
                kind: decrease
                baseline: {2023/2024: 2.4}
                target: 2
                measure: cumulative
    ```
    """
    for goal in contract.goals:
        total = goal.members_weight
        if total != goal.weight:
            yield finding(
                (*goal.path, "weight"),
                f"goal {goal.id} has weight {fmt(goal.weight)} but its sub-indicators' "
                f"weights add up to {fmt(total)}",
                f"set the goal's weight to {fmt(total)}, or change its sub-indicators' weights",
            )


@rule("PC211", "goal-fields", kinds=("Contract",))
def goal_fields(contract: Contract) -> Iterator[Finding]:
    """A goal has no kind, target or other figure of its own.

    ## What it does

    Checks that an indicator holding `sub_indicators` (a goal) has none of the fields that give
    a figure to score: `kind`, `target`, `baseline`, `criteria_values`, `quarterly_targets`,
    `measure` and `aggregation`. Its sub-indicators carry them.

    ## Why is this bad?

    A goal is scored from its sub-indicators; a target written on the goal itself is never
    scored, so a reader of the matrix would be misled about what is measured.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: service
        name: Service Delivery
        weight: 100
        indicators:
          - id: SD01
            name: Gender balance in new appointments
            weight: 100
            kind: increase
            target: 100
            sub_indicators:
              - id: SD01a
                name: Male appointees
                unit: "%"
                weight: 50
                kind: increase
                baseline: {2023/2024: 40}
                target: 43
                measure: level
              - id: SD01b
                name: Female appointees
                unit: "%"
                weight: 50
                kind: increase
                baseline: {2023/2024: 50}
                target: 57
                measure: level
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: service
        name: Service Delivery
        weight: 100
        indicators:
          - id: SD01
            name: Gender balance in new appointments
            weight: 100
            sub_indicators:
              - id: SD01a
                name: Male appointees
                unit: "%"
                weight: 50
                kind: increase
                baseline: {2023/2024: 40}
                target: 43
                measure: level
              - id: SD01b
                name: Female appointees
                unit: "%"
                weight: 50
                kind: increase
                baseline: {2023/2024: 50}
                target: 57
                measure: level
    ```
    """
    for goal in contract.goals:
        for name in FIGURE_FIELDS:
            if name in goal.raw:
                yield finding(
                    (*goal.path, name),
                    f"goal {goal.id} holds sub_indicators, so it has no {name} of its own",
                    f"move {name} to the sub-indicators that measure it, or delete it",
                    at_key=True,
                )


@rule("PC205", "dates-in-period", kinds=("Contract",))
def dates_in_period(contract: Contract) -> Iterator[Finding]:
    """Every date lies inside the contract period.

    ## What it does

    Checks that every date in a contract (due dates, milestone targets) lies inside its period,
    and that the period does not end before it starts.

    ## Why is this bad?

    A date outside the period cannot be achieved or evaluated within the contract year.

    ## Example

    ```yaml
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
            due: 2025-09-30
    ```

    Use instead:

    ```yaml
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
            due: 2025-06-30
    ```
    """
    start = parse_date(contract.period_start)
    end = parse_date(contract.period_end)
    if start is None or end is None:
        return
    if start > end:
        yield finding(
            ("period", "end"),
            f"the period ends ({contract.period_end}) before it starts ({contract.period_start})",
        )
        return
    for indicator in contract.indicators:
        dated = [("due", indicator.due)]
        if indicator.kind == KIND_MILESTONE:
            dated.append(("target", indicator.target))  # type: ignore[arg-type]
        for name, value in dated:
            day = parse_date(value)
            if day is not None and not start <= day <= end:
                yield finding(
                    (*indicator.path, name),
                    f"{indicator.id}: {name} {value} is outside the contract period "
                    f"{contract.period_start} to {contract.period_end}",
                    "move the date into the period, or correct the period",
                )


@rule(
    "PC206",
    "financial-year",
    kinds=("Contract", "Guidelines"),
)
def financial_year(document: object) -> Iterator[Finding]:
    """The financial year is two consecutive years, such as 2024/2025.

    ## What it does

    Checks that the financial year is two consecutive years, such as 2024/2025.

    ## Why is this bad?

    A financial year such as 2024/2026 is a typing mistake, and it decides which guidelines and
    baselines apply.

    ## Example

    ```yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2026
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
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
    ```

    Use instead:

    ```yaml
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
    """
    year = str(getattr(document, "financial_year", ""))
    first, _, second = year.partition("/")
    if first.isdigit() and second.isdigit() and int(second) != int(first) + 1:
        yield finding(
            ("financial_year",),
            f"financial year {year} should span two consecutive years",
            f"did you mean {first}/{int(first) + 1}?",
        )


def _ordered_points(indicator: Indicator) -> tuple[list[tuple[str, Value]], str | None]:
    """The given criteria points, best to worst, with the target in its place."""
    values = dict(indicator.criteria_values)
    conflict = None
    if "target" in values and values["target"] != indicator.target:
        conflict = (
            f"{indicator.id}: criteria value 'target' ({values['target']}) differs from the "
            f"indicator's target ({indicator.target})"
        )
    values["target"] = indicator.target
    if "good" in values and values["good"] != values["target"]:
        conflict = conflict or (
            f"{indicator.id}: criteria value 'good' ({values['good']}) and the target "
            f"({indicator.target}) both score Good and must be equal"
        )
        del values["good"]
    elif "good" in values:
        del values["good"]
    return [(name, values[name]) for name in CRITERIA_ORDER if name in values], conflict


def _sort_key(kind: str, value: Value) -> Decimal | int | None:
    if kind == KIND_MILESTONE:
        day = parse_date(value)
        return day.toordinal() if day else None
    return dec(value) if is_number(value) else None  # type: ignore[arg-type]


@rule(
    "PC207",
    "criteria-monotonic",
    kinds=("Contract",),
)
def criteria_monotonic(contract: Contract) -> Iterator[Finding]:
    """Criteria values run strictly from Excellent to Poor in the indicator's good direction.

    ## What it does

    Checks that an indicator's criteria values run strictly from Excellent to Poor in its good
    direction: falling for increase, rising for decrease, later for milestones; the target sits
    between them.

    ## Why is this bad?

    Criteria values set the scoring scale; out of order, a better achievement would score worse.

    ## Example

    ```yaml
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
            criteria_values: {excellent: 45, poor: 30}
    ```

    Use instead:

    ```yaml
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
            criteria_values: {excellent: 60, poor: 30}
    ```
    """
    for indicator in contract.indicators:
        if indicator.kind == KIND_BINARY or not indicator.criteria_values:
            continue
        points, conflict = _ordered_points(indicator)
        path = (*indicator.path, "criteria_values")
        if conflict:
            yield finding(path, conflict, at_key=True)
        keyed = [(name, _sort_key(indicator.kind, value), value) for name, value in points]
        if any(key is None for _, key, _ in keyed):
            continue  # PC204 reports the wrong type
        # Going from Excellent to Poor, values fall for increase, rise for decrease and
        # get later for milestones.
        falling = indicator.higher_is_better
        for (a_name, a_key, a_value), (b_name, b_key, b_value) in pairwise(keyed):
            assert a_key is not None and b_key is not None
            if not indicator.better(a_key, b_key):
                direction = (
                    "decrease"
                    if falling
                    else ("get later" if indicator.kind == KIND_MILESTONE else "increase")
                )
                yield finding(
                    path,
                    f"{indicator.id}: criteria values must strictly {direction} from "
                    f"excellent to poor, but {a_name} is {a_value} and {b_name} is {b_value}",
                    f"for {with_article(indicator.kind)} indicator, excellent is the best "
                    "achievement",
                    at_key=True,
                )
                break


@rule(
    "PC208",
    "quarterly-targets",
    kinds=("Contract",),
)
def quarterly_targets(contract: Contract) -> Iterator[Finding]:
    """Quarterly targets are cumulative (monotonic) and end at the target.

    ## What it does

    Checks that quarterly targets are cumulative, never falling back (never rising, for
    decrease), that the fourth equals the annual target, and that only increase and decrease
    indicators have them.

    ## Why is this bad?

    Quarterly progress is reported against these figures; targets that go backwards, or end
    elsewhere than the annual target, make the progress reports contradict the annual
    evaluation.

    ## Example

    ```yaml
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
            quarterly_targets: [10, 25, 40, 45]
    ```

    Use instead:

    ```yaml
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
            quarterly_targets: [10, 25, 40, 50]
    ```
    """
    for indicator in contract.indicators:
        quarters = indicator.quarterly_targets
        if quarters is None:
            continue
        path = (*indicator.path, "quarterly_targets")
        if indicator.kind not in NUMERIC_KINDS:
            yield finding(
                path,
                f"{indicator.id}: quarterly targets apply to increase and decrease "
                f"indicators, not {indicator.kind}",
                at_key=True,
            )
            continue
        if not is_number(indicator.target):
            continue
        values = [dec(q) for q in quarters]  # type: ignore[arg-type]
        rising = indicator.higher_is_better
        for index, (a, b) in enumerate(pairwise(values)):
            if indicator.better(a, b):
                yield finding(
                    (*path, index + 1),
                    f"{indicator.id}: quarterly targets are cumulative, so Q{index + 2} "
                    f"({fmt(b)}) cannot be {'below' if rising else 'above'} "
                    f"Q{index + 1} ({fmt(a)})",
                )
                break
        target = dec(indicator.target)  # type: ignore[arg-type]
        if values[-1] != target:
            yield finding(
                (*path, len(values) - 1),
                f"{indicator.id}: the Q4 target ({fmt(values[-1])}) must equal the annual "
                f"target ({fmt(target)})",
            )


@rule(
    "PC250",
    "measure-unknown",
    kinds=("Contract",),
    severity=Severity.WARNING,
)
def measure_unknown(contract: Contract) -> Iterator[Finding]:
    """An increase or decrease indicator without quarterly targets says how it accumulates.

    ## What it does

    Checks that each increase and decrease indicator without `quarterly_targets` gives a
    `measure` (cumulative or level), or an `aggregation` that implies one (sum is cumulative;
    mean, min and max are level). A warning.

    ## Why is this bad?

    A quarter's target depends on it: a cumulative count is due pro rata (half the target by
    Q2), a level such as a rate or a turnaround time is due in full all year. Without either,
    quarterly progress cannot tell, and reports the indicator as having no quarterly target.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Share of births registered
            unit: '%'
            weight: 100
            kind: increase
            baseline: {2023/2024: 85}
            target: 90
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Share of births registered
            unit: '%'
            weight: 100
            kind: increase
            baseline: {2023/2024: 85}
            target: 90
            measure: level
    ```
    """
    for indicator in contract.indicators:
        if indicator.kind not in NUMERIC_KINDS or indicator.quarterly_targets is not None:
            continue
        if indicator.accumulates is None:
            yield finding(
                (*indicator.path, "id"),
                f"{indicator.id}: how the figure accumulates is unknown, so no quarter has a "
                f"target",
                "add measure: cumulative (a count that adds up over the year) or measure: "
                "level (a rate, percentage, average or turnaround time)",
            )


@rule(
    "PC251",
    "measure-aggregation",
    kinds=("Contract",),
    severity=Severity.WARNING,
)
def measure_aggregation(contract: Contract) -> Iterator[Finding]:
    """An indicator's `measure` and its `aggregation` agree.

    ## What it does

    Checks that an increase or decrease indicator that gives both a `measure` and an
    `aggregation` (other than none) gives ones that agree: a cumulative count rolls up by
    sum, a level by mean, min or max. `measure: level` with `aggregation: sum`, or
    `measure: cumulative` with mean, min or max, is flagged. A warning.

    ## Why is this bad?

    The two say opposite things about the same figure. `measure` sets the quarter's target
    and the year-end projection (a level is due in full all year, a count pro rata), while
    `aggregation` decides how the children's results roll up and whether their targets must
    add up to the parent's (PC310). A turnaround time summed over the units, or a count of
    cards averaged, gives a roll-up that means nothing, whichever of the two is right.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: SD01
            name: Average days to issue a passport
            unit: days
            weight: 100
            kind: decrease
            baseline: {2023/2024: 14}
            target: 10
            measure: level
            aggregation: sum
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: SD01
            name: Average days to issue a passport
            unit: days
            weight: 100
            kind: decrease
            baseline: {2023/2024: 14}
            target: 10
            measure: level
            aggregation: max
    ```
    """
    for indicator in contract.indicators:
        if indicator.kind not in NUMERIC_KINDS or indicator.measure is None:
            continue
        implied = MEASURE_BY_AGGREGATION.get(indicator.aggregation)
        if implied is None or implied == indicator.measure:
            continue
        if indicator.measure == MEASURE_LEVEL:
            why = "a level such as a rate or a turnaround time is not added up"
            hint = (
                "a level rolls up by mean, min or max: set one of them, or measure: "
                "cumulative if the figure is a count that adds up"
            )
        else:
            why = f"a count that adds up is not rolled up by {indicator.aggregation}"
            hint = (
                "a count rolls up by sum: set aggregation: sum, or measure: level if the "
                "figure is a rate, percentage, average or turnaround time"
            )
        yield finding(
            (*indicator.path, "aggregation"),
            f"{indicator.id}: measure: {indicator.measure} contradicts aggregation: "
            f"{indicator.aggregation}: {why}",
            hint,
            at_key=True,
        )


@rule(
    "PC209",
    "percent-range",
    kinds=("Contract",),
    severity=Severity.WARNING,
)
def percent_range(contract: Contract) -> Iterator[Finding]:
    """A percentage's target, quarterly targets and baselines lie between 0 and 100.

    ## What it does

    For an indicator whose unit is a percentage (`%`, `% of households`, `percent`), checks
    that its target, its quarterly targets and its baselines lie between 0 and 100. A warning.

    ## Why is this bad?

    A rate above 100% or below 0% is almost always a slip: a count typed where the rate
    belongs, or a rate written as a fraction of 1 in the wrong place. A growth rate can pass
    100%; ignore the rule for it in `pcontract.toml`.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Customer satisfaction
            weight: 100
            kind: increase
            unit: "%"
            measure: level
            baseline: {2023/2024: 72}
            target: 740
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Customer satisfaction
            weight: 100
            kind: increase
            unit: "%"
            measure: level
            baseline: {2023/2024: 72}
            target: 74
    ```
    """
    for indicator in contract.indicators:
        if not indicator.is_percent or indicator.kind not in NUMERIC_KINDS:
            continue
        figures: list[tuple[tuple[str | int, ...], str, Value]] = [
            (("target",), "target", indicator.target)
        ]
        figures += [
            (("quarterly_targets", at), f"Q{at + 1} target", value)
            for at, value in enumerate(indicator.quarterly_targets or ())
        ]
        figures += [
            (("baseline", year), f"{year} baseline", value)
            for year, value in indicator.baseline.items()
        ]
        for where, name, value in figures:
            if not in_percent_range(value):
                yield finding(
                    (*indicator.path, *where),
                    f"{indicator.id}: the {name} {fmt(dec(value))}% is outside 0 to 100%",  # type: ignore[arg-type]
                    f"a percentage lies between 0 and 100; check the figure, or the unit "
                    f"'{indicator.unit}'",
                )


@rule(
    "PC401",
    "growth-oriented",
    kinds=("Contract",),
    severity=Severity.WARNING,
    vetting=True,
)
def growth_oriented(contract: Contract) -> Iterator[Finding]:
    """A target is not below the latest baseline (not above it, for decrease).

    ## What it does

    Checks that each increase indicator's target is not below its latest baseline, and each
    decrease indicator's target not above it. A vetting warning.

    ## Why is this bad?

    Vetting expects targets to be growth oriented: at least as good as what was already
    achieved. A target below last year's achievement earns a good score for doing worse.

    ## Example

    ```yaml
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
            target: 35
            measure: cumulative
    ```

    Use instead:

    ```yaml
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
    """
    for indicator in contract.indicators:
        latest = indicator.latest_baseline
        if indicator.kind not in NUMERIC_KINDS or latest is None:
            continue
        year, value = latest
        if not (is_number(value) and is_number(indicator.target)):
            continue
        if (
            value.__class__ is int
            and indicator.target.__class__ is int
            and not indicator.better(value, indicator.target)  # exact, without Decimals
        ):
            continue
        target = dec(indicator.target)  # type: ignore[arg-type]
        baseline = dec(value)  # type: ignore[arg-type]
        if indicator.better(baseline, target):
            word = "above" if indicator.kind == KIND_DECREASE else "below"
            yield finding(
                (*indicator.path, "target"),
                f"{indicator.id}: target {fmt(target)} is {word} the {year} achievement "
                f"of {fmt(baseline)} (not growth oriented)",
                "vetting expects targets at least as good as the latest achievement; "
                "document the reason if this is intended",
            )


@rule(
    "PC402",
    "baseline-present",
    kinds=("Contract",),
    severity=Severity.WARNING,
    vetting=True,
)
def baseline_present(contract: Contract) -> Iterator[Finding]:
    """Increase and decrease indicators give a baseline.

    ## What it does

    Checks that increase and decrease indicators give a baseline: the achievements of previous
    years. A vetting warning.

    ## Why is this bad?

    Without a baseline, vetting cannot tell whether a target is growth oriented (PC401).

    ## Example

    ```yaml
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
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
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
    """
    for indicator in contract.indicators:
        if indicator.kind in NUMERIC_KINDS and not indicator.baseline:
            yield finding(
                (*indicator.path, "id"),
                f"{indicator.id}: no baseline is given",
                "add the previous years' achievements under baseline, e.g. 2023/2024: 900000",
            )
