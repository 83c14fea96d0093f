"""Rules checked within one Results, Guidelines or CascadePlan document."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise

from pcontract.files import numbers
from pcontract.formatting import plain as fmt
from pcontract.model import ID_RE, CascadePlan, Guidelines, PlanEntry, PlanUnit, Results
from pcontract.rules.base import Finding, finding, rule

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@rule(
    "PC220",
    "result-entry",
    kinds=("Results",),
)
def result_entry(results: Results) -> Iterator[Finding]:
    """Each achievement gives an actual, or status not-applicable with a reason.

    ## What it does

    Checks that each achievement in a Results document gives an `actual`, or `status: not-
    applicable` with a `reason` (and then no actual).

    ## Why is this bad?

    An entry with neither is a result nobody reported; not applicable without a reason cannot be
    verified, and one with an actual as well is contradictory.

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
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {status: not-applicable}
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
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {status: not-applicable, reason: Funds not released by Treasury}
    ```
    """
    for achievement in results.achievements.values():
        if achievement.not_applicable:
            if not achievement.reason:
                yield finding(
                    (*achievement.path, "status"),
                    f"{achievement.id} is not applicable but gives no reason",
                    "add reason: naming the exogenous factor, e.g. funds not released",
                )
            if achievement.actual is not None or achievement.moderation is not None:
                yield finding(
                    (*achievement.path, "status"),
                    f"{achievement.id} is not applicable but also gives an actual",
                    "remove the actual, or remove status: not-applicable",
                )
        elif achievement.actual is None:
            yield finding(
                achievement.path,
                f"{achievement.id} gives no actual",
                "add actual: with the achievement, or status: not-applicable with a reason",
                at_key=True,
            )


@rule(
    "PC221",
    "moderation-accountable",
    kinds=("Results",),
)
def moderation_accountable(results: Results) -> Iterator[Finding]:
    """A moderation says who moderated the figure (by) and why (reason).

    ## What it does

    Checks that a moderation of an achievement says who moderated the figure (`by`) and why
    (`reason`).

    ## Why is this bad?

    The moderated figure is the one scored: a change nobody owns or explains cannot be verified.

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
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        moderation: {actual: 48}
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
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        moderation: {actual: 48, by: Evaluation panel, reason: Two clinics not staffed}
    ```
    """
    for achievement in results.achievements.values():
        moderation = achievement.moderation
        if moderation is None:
            continue
        missing = _missing(
            ("who moderated (by:)", moderation.by), ("why (reason:)", moderation.reason)
        )
        if missing:
            yield finding(
                (*achievement.path, "moderation"),
                f"{achievement.id}: the moderation does not say {' or '.join(missing)}",
                "add by: (who moderated, e.g. Evaluation panel) and reason: (why the "
                "figure changed)",
                at_key=True,
            )


@rule(
    "PC255",
    "verification-accountable",
    kinds=("Results",),
)
def verification_accountable(results: Results) -> Iterator[Finding]:
    """A verification says who verified the figure (by) and what they found (reason).

    ## What it does

    Checks that an independent verification of an achievement says who verified the figure
    (`by`) and what they found or why it differs from the reported one (`reason`).

    ## Why is this bad?

    Unless moderated, the verified figure is the one scored: a verification nobody owns or
    explains cannot itself be checked, and the parties cannot agree a moderation on it.

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
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        verification: {actual: 50, method: physical-check}
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
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        verification:
          actual: 50
          by: Independent verification team
          reason: Two clinics had no staff on the day of the visit
          method: physical-check
    ```
    """
    for achievement in results.achievements.values():
        verification = achievement.verification
        if verification is None:
            continue
        missing = _missing(
            ("who verified (by:)", verification.by), ("why (reason:)", verification.reason)
        )
        if missing:
            yield finding(
                (*achievement.path, "verification"),
                f"{achievement.id}: the verification does not say {' or '.join(missing)}",
                "add by: (who verified, e.g. Independent verification team) and reason: "
                "(what the verification found)",
                at_key=True,
            )


def _missing(*parts: tuple[str, object]) -> list[str]:
    """The names of the ``(name, given)`` parts left empty."""
    return [what for what, given in parts if not str(given).strip()]


@rule(
    "PC230",
    "scale-order",
    kinds=("Guidelines",),
)
def scale_order(guidelines: Guidelines) -> Iterator[Finding]:
    """The target score lies strictly between the best and the worst score, and binary scores lie
    on the scale.

    ## What it does

    Checks that the scale's target score lies strictly between its best and worst scores, and
    that the binary scores lie on the scale.

    ## Why is this bad?

    Raw scores are interpolated between best, target and worst; a target at an end of the scale
    leaves no room for doing better or worse.

    ## Example

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 5.0, worst: 5.0}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    Use instead:

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```
    """
    low, high = sorted((guidelines.best, guidelines.worst))
    if not low < guidelines.target < high:
        yield finding(
            ("scale",),
            f"scale target {fmt(guidelines.target)} must lie strictly between best "
            f"{fmt(guidelines.best)} and worst {fmt(guidelines.worst)}",
            at_key=True,
        )
    if guidelines.method != "five-point":
        return
    # Every raw score lies on the scale, so the composite (a weighted mean) does too.
    binary = guidelines.default_criteria_values.get("binary", {})
    for name in ("achieved", "not_achieved"):
        value = binary.get(name)
        if value is not None and not low <= value <= high:
            yield finding(
                ("default_criteria_values", "binary", name),
                f"binary {name} score {fmt(value)} lies off the scale "
                f"(best {fmt(guidelines.best)}, worst {fmt(guidelines.worst)})",
                f"give a raw score from {fmt(low)} to {fmt(high)}",
            )


@rule(
    "PC231",
    "grade-bands",
    kinds=("Guidelines",),
)
def grade_bands(guidelines: Guidelines) -> Iterator[Finding]:
    """Grade bands are ordered best to worst and cover the whole scale.

    ## What it does

    Checks that grade bands are listed best first, in order, and that together they cover the
    whole scale.

    ## Why is this bad?

    A composite score that falls outside every band, or between bands listed out of order, gets
    no grade or the wrong one.

    ## Example

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 4.5}
    ```

    Use instead:

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```
    """
    if guidelines.method == "five-point":
        ascending = guidelines.best < guidelines.worst
        previous: Decimal | None = None
        for index, band in enumerate(guidelines.grades):
            path = ("grades", index)
            if band.max is None:
                yield finding(path, f"grade '{band.grade}' needs max: its upper bound", at_key=True)
                return
            if previous is not None and (
                band.max <= previous if ascending else band.max >= previous
            ):
                yield finding(
                    (*path, "max"),
                    f"grade '{band.grade}' max {fmt(band.max)} does not follow the band "
                    f"before it ({fmt(previous)}); list bands best first",
                )
                return
            previous = band.max
        if previous is not None and (
            previous < guidelines.worst if ascending else previous > guidelines.worst
        ):
            yield finding(
                ("grades", len(guidelines.grades) - 1, "max"),
                f"the last grade band ends at {fmt(previous)}, short of the worst score "
                f"{fmt(guidelines.worst)}",
            )
        return
    previous = None
    previous_exclusive = False
    for index, band in enumerate(guidelines.grades):
        path = ("grades", index)
        bound = band.min if band.min is not None else band.above
        if bound is None:
            yield finding(
                path,
                f"grade '{band.grade}' needs min: (or above:), its lower percentage bound",
                at_key=True,
            )
            return
        # "above: 100" then "min: 100" splits the scale at 100 exactly: >100, then 100.
        touching = previous_exclusive and band.min is not None and bound == previous
        if previous is not None and bound >= previous and not touching:
            yield finding(
                path,
                f"grade '{band.grade}' bound {fmt(bound)} does not fall below the band "
                f"before it ({fmt(previous)}); list bands best first",
                at_key=True,
            )
            return
        previous = bound
        previous_exclusive = band.min is None


@rule(
    "PC232",
    "default-criteria",
    kinds=("Guidelines",),
)
def default_criteria(guidelines: Guidelines) -> Iterator[Finding]:
    """Default criteria values run from Excellent to Poor in each kind's good direction.

    ## What it does

    Checks that the guidelines' default criteria values run from Excellent to Poor in each
    kind's good direction: for increase, excellent above 1 (the target) and poor below; for
    decrease and milestone, the other way round.

    ## Why is this bad?

    Indicators without their own criteria values are scored on these defaults; reversed, every
    such indicator would score backwards.

    ## Example

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 0.8, poor: 1.2}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    Use instead:

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.8}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```
    """
    order = ("excellent", "very_good", "good", "fair", "poor")
    # Relative to the target: multiples (1 is the target) or day offsets (0).
    for kind, pivot, falling in (
        ("increase", Decimal(1), True),
        ("decrease", Decimal(1), False),
        ("milestone", Decimal(0), False),
    ):
        given = guidelines.default_criteria_values.get(kind, {})
        points = [(name, given[name]) for name in order if name in given]
        better = [(n, v) for n, v in points if n in ("excellent", "very_good")]
        worse = [(n, v) for n, v in points if n in ("fair", "poor")]
        sequence = [*better, ("target", pivot), *worse]
        if "good" in given and given["good"] != pivot:
            yield finding(
                ("default_criteria_values", kind, "good"),
                f"{kind}: good must be {fmt(pivot)}, the target itself",
            )
        for (a_name, a), (b_name, b) in pairwise(sequence):
            if not (a > b if falling else a < b):
                yield finding(
                    ("default_criteria_values", kind),
                    f"{kind}: {a_name} ({fmt(a)}) and {b_name} ({fmt(b)}) are out of order",
                    "for increase, excellent is above 1 and poor below; for decrease and "
                    "milestone, the other way round",
                    at_key=True,
                )
                break


@rule(
    "PC240",
    "plan-units",
    kinds=("CascadePlan",),
)
def plan_units(plan: CascadePlan) -> Iterator[Finding]:
    """Plan unit ids are unique, even ignoring case (each names a file).

    ## What it does

    Checks that the unit ids of a cascade plan are unique, even ignoring case.

    ## Why is this bad?

    Each unit's id names its draft file; two ids that differ only in case would share one file
    on macOS and Windows.

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
      - id: Nairobi
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
    first: dict[str, str] = {}
    for unit in plan.units:
        folded = unit.id.casefold()
        if folded not in first:
            first[folded] = unit.id
        elif first[folded] == unit.id:
            yield finding((*unit.path, "id"), f"unit id '{unit.id}' is used twice")
        else:
            yield finding(
                (*unit.path, "id"),
                f"unit ids '{first[folded]}' and '{unit.id}' differ only in case",
                "their drafts would share one file on macOS and Windows; rename one",
            )


def target_ways(entry: PlanEntry) -> list[str]:
    """How a plan entry sets its target: share, amount or copy, as many as it
    gives (PC241 asks for exactly one)."""
    return [
        name
        for name, given in (
            ("share", entry.share is not None),
            ("amount", entry.amount is not None),
            ("copy", entry.copy),
        )
        if given
    ]


def entry_findings(unit: PlanUnit, entry: PlanEntry) -> Iterator[Finding]:
    """What is wrong with one carried indicator on its own: how its target is set.
    ``pcontract cascade`` refuses the same entries (see :mod:`pcontract.cascade.drafts`)."""
    where = f"unit '{unit.id}', indicator {entry.indicator}"
    ways = target_ways(entry)
    if entry.share is not None and not Decimal(0) < entry.share <= HUNDRED:
        yield finding(
            (*entry.path, "share"),
            f"{where}: share {fmt(entry.share)}% must be more than 0% and at most 100%",
        )
    if len(ways) != 1:
        yield finding(
            entry.path,
            f"{where}: give exactly one of share, amount or copy"
            + (f" (got {', '.join(ways)})" if ways else ""),
            at_key=True,
        )


@rule(
    "PC241",
    "plan-entry",
    kinds=("CascadePlan",),
)
def plan_entry(plan: CascadePlan) -> Iterator[Finding]:
    """Each carried indicator sets its target by one of share (0–100%), amount or copy.

    ## What it does

    Checks that each indicator a plan unit carries sets its target in exactly one way: `share`
    (more than 0% and at most 100%), `amount`, or `copy`.

    ## Why is this bad?

    With none, or two, `pcontract cascade` cannot tell what the child's target is.

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
          CM01: {share: 40%, amount: 20}
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
    for unit in plan.units:
        for entry in unit.entries:
            yield from entry_findings(unit, entry)


def weight_findings(unit: PlanUnit) -> Iterator[Finding]:
    """What is wrong with the weights a unit sets in the plan, whatever the parent:
    cents only, and room left for the weights that are rescaled. The plan sets
    every weight when every carried entry has one; the own indicators' weights are
    then taken as given too, and all of them must make 100. Otherwise the own
    indicators are rescaled with the carried ones that set no weight."""
    given = Decimal(0)
    for entry in unit.entries:
        if entry.weight is None:
            continue
        if entry.weight != entry.weight.quantize(CENT):
            yield finding(
                (*entry.path, "weight"),
                f"unit '{unit.id}', indicator {entry.indicator}: weight {fmt(entry.weight)} "
                "has more than 2 decimal places",
                "weights are in percent, to 0.01",
            )
            return
        given += entry.weight
    others = [e.indicator for e in unit.entries if e.weight is None]
    if given > HUNDRED:
        yield finding(
            (*unit.path, "indicators"),
            f"unit '{unit.id}': the weights set in the plan add up to {fmt(given)}, over 100",
            at_key=True,
        )
    elif not others:
        yield from _given_weights(unit, given)
    elif given == HUNDRED:
        rescaled = [*others, *(own.id for own in unit.own)]
        yield finding(
            (*unit.path, "indicators"),
            f"unit '{unit.id}': the weights set in the plan add up to 100, leaving nothing "
            f"for {', '.join(rescaled)}; lower them, or set weights for those too",
            at_key=True,
        )


def _given_weights(unit: PlanUnit, carried: Decimal) -> Iterator[Finding]:
    """The plan sets every carried weight: those and the own indicators' weights
    are the draft's, so they are in cents and make 100."""
    total = carried
    for own in unit.own:
        if own.weight != own.weight.quantize(CENT):
            yield finding(
                (*own.path, "weight"),
                f"unit '{unit.id}', own indicator {own.id}: weight {fmt(own.weight)} has more "
                "than 2 decimal places, and the plan sets every weight, so it is taken as given",
                "weights are in percent, to 0.01",
            )
            return
        total += own.weight
    if total != HUNDRED:
        counted = f" ({fmt(carried)} carried, {fmt(total - carried)} own)" if unit.own else ""
        yield finding(
            (*unit.path, "indicators"),
            f"unit '{unit.id}': the plan sets every weight, and they add up to "
            f"{fmt(total)}{counted}, not 100",
            "leave out a carried indicator's weight to have the weights rescaled to 100"
            if unit.own
            else "",
            at_key=True,
        )


@rule(
    "PC243",
    "plan-weights",
    kinds=("CascadePlan",),
)
def plan_weights(plan: CascadePlan) -> Iterator[Finding]:
    """Weights set in a plan have at most 2 decimals and, with the rescaled rest, make 100.

    ## What it does

    Checks that the weights a plan sets have at most 2 decimal places and leave room for the
    weights that are rescaled, so that each draft's weights make 100. When a unit sets the
    weight of every indicator it carries, its own indicators' (`own:`) weights are taken as
    given too, and all of them must add up to 100; otherwise the own indicators are rescaled
    with the carried indicators that set no weight.

    ## Why is this bad?

    Weights are percentages to 0.01; weights set in a plan that make more than 100 cannot be
    completed by rescaling the others.

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
          CM01: {share: 40%, weight: 99.995}
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
          CM01: {share: 40%, weight: 100}
    ```
    """
    for unit in plan.units:
        yield from weight_findings(unit)


@rule(
    "PC242",
    "plan-id-pattern",
    kinds=("CascadePlan",),
)
def plan_id_pattern(plan: CascadePlan) -> Iterator[Finding]:
    """The plan's id_pattern includes {unit} and makes valid ids.

    ## What it does

    Checks that the plan's `id_pattern` contains `{unit}` and makes valid contract ids.

    ## Why is this bad?

    Without `{unit}`, every unit's draft gets the same id; an id with spaces or slashes is
    refused by the schema of the drafts.

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
    parent: moh-2024-25
    id_pattern: "{parent}-region"
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
    if "{unit}" not in plan.id_pattern:
        yield finding(
            ("id_pattern",),
            f"id_pattern '{plan.id_pattern}' must contain {{unit}}, or every unit gets the same id",
        )
        return
    try:
        plan.id_pattern.format(parent=plan.parent, unit="x")
    except (KeyError, IndexError, ValueError):
        yield finding(
            ("id_pattern",),
            f"id_pattern '{plan.id_pattern}' may use only {{parent}} and {{unit}}",
        )
        return
    for unit in plan.units:
        child = plan.id_pattern.format(parent=plan.parent, unit=unit.id)
        if not ID_RE.match(child):
            yield finding(
                (*unit.path, "id"),
                f"unit '{unit.id}' would get the contract id '{child}', which is not a valid id",
                "ids are up to 64 letters, digits, '.', '_' or '-', starting with a letter "
                "or digit",
            )
        elif child == plan.parent:
            yield finding(
                (*unit.path, "id"),
                f"unit '{unit.id}': the child contract id equals the parent's",
                "the id_pattern must give each unit an id of its own, e.g. {parent}-{unit}",
            )


@rule(
    "PC246",
    "plan-share-number",
    kinds=("CascadePlan",),
)
def plan_share_number(plan: CascadePlan) -> Iterator[Finding]:
    """A share written as a percentage such as 60% is a number pcontract can use (see PC009).

    ## What it does

    Checks that a share written as a percentage, such as `60%`, is a number pcontract can use
    exactly: within the bounds of PC009.

    ## Why is this bad?

    A share such as `33.3333333%` is text in YAML, so the loader's number checks do not see it;
    pcontract checks it here instead, so that the shares it splits are exact.

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
          CM01: {share: 60.0000001%}
      - id: coast
        name: Coast Region
        indicators:
          CM01: {share: 39.9999999%}
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
    for unit in plan.units:
        for entry in unit.entries:
            written = entry.share_text
            if entry.share is None or written is None:
                continue
            refused = numbers.refusal(written, entry.share)
            if refused is not None:
                yield finding(
                    (*entry.path, "share"),
                    f"unit '{unit.id}', indicator {entry.indicator}: share {refused[0]}",
                    refused[1],
                )


@rule(
    "PC247",
    "plan-own-ids",
    kinds=("CascadePlan",),
)
def plan_own_ids(plan: CascadePlan) -> Iterator[Finding]:
    """A unit's own indicators have ids of their own, not a carried indicator's.

    ## What it does

    Checks that the indicators a plan unit adds of its own (`own:`), and their sub-indicators,
    have ids that no indicator the unit carries has, and that no other own indicator of the unit
    has.

    ## Why is this bad?

    Ids are unique within a contract: a draft holding two indicators of one id cannot be scored,
    and results could not say which of the two they report.

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
        own:
          - {id: CM01, name: Division meetings, weight: 10, kind: increase, target: 12,
             category: core}
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
        own:
          - {id: NR01, name: Division meetings, weight: 10, kind: increase, target: 12,
             category: core}
      - id: coast
        name: Coast Region
        indicators:
          CM01: {share: 40%}
    ```
    """
    for unit in plan.units:
        carried = {entry.indicator for entry in unit.entries}
        seen: set[str] = set()
        for own in unit.own:
            members = own.raw.get("sub_indicators") or ()
            paths = [(*own.path, "id")] + [
                (*own.path, "sub_indicators", j, "id") for j in range(len(members))
            ]
            ids = [own.id, *(str(member["id"]) for member in members)]
            for own_id, path in zip(ids, paths, strict=True):
                where = f"unit '{unit.id}', own indicator {own_id}"
                if own_id in carried:
                    yield finding(
                        path,
                        f"{where}: the unit carries the parent's {own_id} already",
                        "give the unit's own indicator an id of its own",
                    )
                elif own_id in seen:
                    yield finding(path, f"{where}: the id is used twice in the unit's own")
                seen.add(own_id)
