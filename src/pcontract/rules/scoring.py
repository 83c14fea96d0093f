"""Warnings that only scoring and roll-up find (``pcontract score`` and ``rank``):
they need a contract, its guidelines and its results together. Their messages are
made in scoring.py and rollup.py, which use these codes."""

from __future__ import annotations

from pcontract.problems import Severity
from pcontract.rules.base import declare
from pcontract.scoring.method import (
    CODE_COLLAPSED_CRITERIA,
    CODE_NO_GRADE_BAND,
    CODE_NO_RESULTS,
    CODE_NOT_REPORTED,
    CODE_NOT_REPORTED_IN_QUARTER,
    CODE_NOT_VERIFIED,
    CODE_UNKNOWN_INDICATOR,
)
from pcontract.scoring.rollup import (
    CODE_CANNOT_AGGREGATE,
    CODE_CHILD_NOT_REPORTED,
    CODE_PARTIAL_ROLLUP,
    CODE_REPORTED_DIFFERS,
)

STAGE_SCORE = "score"

declare(
    CODE_NO_RESULTS,
    "no-results",
    Severity.WARNING,
    """\
    A contract is scored against results.

    ## What it does

    Scoring a contract without a Results document (`pcontract score` without `--results`, or
    `pcontract rank` over a tree that has no annual results for it) counts every indicator as not
    reported, gives the contract the worst grade and ranks it last, flagged `no results submitted`.

    ## Why is this bad?

    An institution that submits nothing cannot be told apart from one that did everything and
    forgot to file it. The score is the worst on purpose, and the warning says why.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 50}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_UNKNOWN_INDICATOR,
    "unknown-indicator-result",
    Severity.WARNING,
    """\
    Results report only the contract's indicators.

    ## What it does

    When scoring, an entry under `achievements` whose id is not one of the contract's indicators
    is ignored, with this warning at its key. `pcontract validate` refuses such results outright
    (PC306), and so do `score` and `rank`; this warning is what a program calling the scoring
    library directly sees, so nothing makes it fire from the command line, and the page has no
    failing example.

    ## Why is this bad?

    A figure filed under a mistyped or retired id scores nothing: the indicator it was meant for
    counts as not reported.

    ## Example

    `pcontract validate` refuses results that name an indicator the contract does not have
    (PC306), and `score` and `rank` validate first, so this warning has no failing example from
    the command line.

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 50}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_COLLAPSED_CRITERIA,
    "collapsed-criteria",
    Severity.WARNING,
    """\
    The guidelines' default criteria values do not collapse onto a zero target.

    ## What it does

    Under the five-point method, an indicator without its own `criteria_values` takes the
    guidelines' defaults, which are multiples of the target. A target of 0 makes every multiple 0,
    so for it they are not used: its own `criteria_values` and the guidelines'
    `zero_target_criteria_values` give the points instead. Where neither gives one on the side of
    0 a count can reach (worse than 0 for decrease, better than 0 for increase), any figure
    there scores the worst (or the best). The warning is at the indicator; for a decrease
    indicator `validate` reports the same as an error (PC324).

    ## Why is this bad?

    A step from the best score to the worst at the target is rarely what was negotiated: a small
    miss scores as badly as a large one.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 0}
            target: 0
            measure: cumulative
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 0}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 0}
            target: 0
            measure: cumulative
            criteria_values: {excellent: 4, very_good: 2, fair: -1, poor: -2}
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 0}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_NOT_REPORTED,
    "not-reported",
    Severity.WARNING,
    """\
    Annual results report every indicator.

    ## What it does

    When annual results give no figure for an indicator (and do not mark it not applicable), the
    indicator scores the worst on the scale (0% under the percentage method). The warning is at
    the indicator in the contract.

    ## Why is this bad?

    A missing figure scores as the worst performance, which pulls the composite down; it is
    usually a figure that was forgotten, or an indicator that should have been marked
    `status: not-applicable` with a reason.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 60
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
          - id: CM02
            name: Nurses trained
            weight: 40
            kind: increase
            baseline: {2023/2024: 200}
            target: 250
            measure: cumulative
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 50}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 60
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
          - id: CM02
            name: Nurses trained
            weight: 40
            kind: increase
            baseline: {2023/2024: 200}
            target: 250
            measure: cumulative
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 50}
      CM02: {status: not-applicable, reason: Training college closed for repairs}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_NOT_REPORTED_IN_QUARTER,
    "not-reported-in-quarter",
    Severity.WARNING,
    """\
    Quarterly results report every indicator.

    ## What it does

    When quarterly results (Q1 to Q4) give no figure for an indicator, its progress is
    `not-reported`. The warning is at the indicator in the contract. A milestone or binary
    indicator that is not done and not yet due (its `due` date, else a milestone's target
    date, else the period's end, comes after the quarter) is `not-due` instead, and is not
    warned of.

    ## Why is this bad?

    Quarterly reports are how an indicator at risk is caught in time; one that is not reported
    cannot be tracked until the year is over.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 60
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
          - id: CM02
            name: Nurses trained
            weight: 40
            kind: increase
            baseline: {2023/2024: 200}
            target: 250
            measure: cumulative
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25
    period: Q2
    as_of: 2024-12-31
    achievements:
      CM01: {actual: 20}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 60
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
          - id: CM02
            name: Nurses trained
            weight: 40
            kind: increase
            baseline: {2023/2024: 200}
            target: 250
            measure: cumulative
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25
    period: Q2
    as_of: 2024-12-31
    achievements:
      CM01: {actual: 20}
      CM02: {actual: 110}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_NO_GRADE_BAND,
    "no-grade-band",
    Severity.WARNING,
    """\
    Every composite falls in a grade band.

    ## What it does

    When a contract's composite score falls in none of the guidelines' grade bands, it gets no
    grade. Five-point bands must cover the whole scale (PC231); percentage bands need not reach
    0%, and a composite below the lowest band's bound has no grade.

    ## Why is this bad?

    A contract without a grade cannot be published or compared with the others: the bands
    should say what every composite is.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: percentage
    grades:
      - {grade: Good, min: 80}
      - {grade: Fair, min: 50}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 20}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: percentage
    grades:
      - {grade: Good, min: 80}
      - {grade: Fair, min: 0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 20}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_CHILD_NOT_REPORTED,
    "child-not-reported",
    Severity.WARNING,
    """\
    Every child reports the indicator it carries.

    ## What it does

    When rolling up (`pcontract score --rollup`, `pcontract rank --rollup`), a child contract
    whose annual results give no figure for the indicator that carries the parent's is left out
    of the parent's figure. The warning is at the child's indicator.

    ## Why is this bad?

    The parent's rolled-up figure then covers only part of the organisation: a sum comes out
    short, and a mean or a minimum speaks for fewer units than it seems to.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 30}
    ```

    ```yaml
    # children/b.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-b
    title: Region B Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region B Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 30}
    ```

    ```yaml
    # children/b.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-b
    title: Region B Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region B Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/b-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-b
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 20}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_CANNOT_AGGREGATE,
    "cannot-aggregate",
    Severity.WARNING,
    """\
    An indicator's aggregation suits its kind.

    ## What it does

    When rolling up, the children's figures are combined with the parent indicator's
    `aggregation`. Some combinations have no meaning: the sum or mean of binary (done or not)
    results, or of milestone dates. Then nothing is rolled up, and the parent keeps its own
    figure. The warning is at the parent's `aggregation`.

    ## Why is this bad?

    The roll-up the contract asks for does not happen, so the parent's figure is not the
    children's, whatever the contract says.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics accredited
            weight: 100
            kind: binary
            target: true
            aggregation: mean
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics accredited
            weight: 100
            kind: binary
            target: true
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: true}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics accredited
            weight: 100
            kind: binary
            target: true
            aggregation: min
    ```

    ```yaml
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics accredited
            weight: 100
            kind: binary
            target: true
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: true}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_PARTIAL_ROLLUP,
    "partial-rollup",
    Severity.WARNING,
    """\
    A rolled-up figure comes from every child that carries the indicator.

    ## What it does

    When rolling up, a parent's figure that is combined from fewer children than carry the
    indicator is flagged at the parent's indicator: it says how many of them reported.

    ## Why is this bad?

    A figure rolled up from some of the children reads as the whole organisation's; the reader
    needs to know it is not.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 30}
    ```

    ```yaml
    # children/b.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-b
    title: Region B Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region B Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 30}
    ```

    ```yaml
    # children/b.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-b
    title: Region B Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region B Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/b-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-b
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 20}
    ```
    """,
    STAGE_SCORE,
)
declare(
    CODE_REPORTED_DIFFERS,
    "reported-differs",
    Severity.WARNING,
    """\
    A parent's reported figure agrees with its children's.

    ## What it does

    When rolling up, a parent whose own results report a figure for an indicator its children
    carry is scored on the rolled-up figure instead; when the two differ, the warning is at the
    parent's reported figure.

    ## Why is this bad?

    Two figures for one achievement cannot both be right: either the parent's report or a
    child's needs correcting before the scores are published.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 45}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 30}
    ```

    ```yaml
    # children/b.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-b
    title: Region B Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region B Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/b-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-b
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 20}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 50}
    ```

    ```yaml
    # children/a.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-a
    title: Region A Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region A Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 30
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/a-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-a
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 30}
    ```

    ```yaml
    # children/b.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-b
    title: Region B Health Office
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Region B Health Office, category: department}
    parties: {principal: {title: Cabinet Secretary}, agent: {title: Regional Director}}
    status: draft
    parent: moh-2024-25
    guidelines: ../guidelines.yaml
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 20}
            target: 20
            measure: cumulative
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```

    ```yaml
    # children/b-results.yaml
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25-b
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 20}
    ```
    """,
    STAGE_SCORE,
)

declare(
    CODE_NOT_VERIFIED,
    "not-verified",
    Severity.WARNING,
    """\
    Where the guidelines require verification, each annual figure is verified.

    ## What it does

    With `require_verification: true` in the Guidelines, scoring warns about each indicator of an
    annual Results document that reports a figure but has no `verification` (the independent
    verifier's figure, with who verified it, how and why). Quarterly results are not verified and
    are not warned about.

    ## Why is this bad?

    Kenya's evaluation cycle runs self-evaluation, then independent verification, then
    moderation. A self-reported figure that skipped verification is scored as reported, and the
    ranking treats it as if it had been checked.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    require_verification: true
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 52}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
    guidelines: guidelines.yaml
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
    # guidelines.yaml
    # (the example Guidelines header)
    method: five-point
    require_verification: true
    scale: {best: 1.0, target: 3.0, worst: 5.0}
    default_criteria_values:
      increase: {excellent: 1.2, poor: 0.6}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        verification:
          actual: 52
          by: Independent verification team
          reason: Confirmed by a site visit to each clinic
          method: physical-check
    ```
    """,
    STAGE_SCORE,
)
