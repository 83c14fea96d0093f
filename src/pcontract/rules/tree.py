"""Rules checked across files, on the index of per-file summaries."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from pcontract.checking.index import (
    FALSE,
    NONE,
    NUMBER,
    TEXT,
    TRUE,
    ContractSummary,
    Index,
    ReportedAchievement,
    ResultsSummary,
    Summary,
)
from pcontract.formatting import plain as fmt
from pcontract.formatting import with_article
from pcontract.model import (
    ACTUAL_TYPES,
    KIND_DECREASE,
    KIND_MILESTONE,
    NUMERIC_KINDS,
    fits_actual,
    parse_date,
    zero_target_hint,
    zero_target_problem,
)
from pcontract.problems import Severity
from pcontract.rules.base import Finding, finding, tree_rule

TreeFindings = Iterator[tuple[Summary, Finding]]


@tree_rule(
    "PC301",
    "unique-contract-ids",
)
def unique_contract_ids(index: Index) -> TreeFindings:
    """Contract ids are unique across the tree.

    ## What it does

    Checks that every contract id is used by one contract only, across all the files checked.

    ## Why is this bad?

    Parents, results and cascades refer to contracts by id; two contracts with one id make every
    such reference ambiguous.

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
    # copy.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health (copy)
    financial_year: 2024/2025
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
    """
    for contract_id, found in index.by_id.items():
        if len(found) > 1:
            files = ", ".join(c.file for c in found)
            for contract in found[1:]:
                yield (
                    contract,
                    finding(
                        ("id",),
                        f"contract id '{contract_id}' is also used by {found[0].file}",
                        f"every contract needs its own id; files using it: {files}",
                    ),
                )


@tree_rule(
    "PC302",
    "guidelines-resolves",
)
def guidelines_resolves(index: Index) -> TreeFindings:
    """A contract's guidelines path leads to a Guidelines document.

    ## What it does

    Checks that a contract's `guidelines` path leads to a Guidelines document.

    ## Why is this bad?

    The guidelines give the scale, the grades and the default criteria values a contract is
    scored by; without them it cannot be scored.

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
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```
    """
    for contract in index.contracts:
        if contract.guidelines_source is None or contract.guidelines is None:
            continue
        if index.guidelines_at(contract.guidelines_source) is not None:
            continue
        if index.is_broken("Guidelines", contract.guidelines_source):
            continue
        exists = os.path.isfile(contract.guidelines_source)
        yield (
            contract,
            finding(
                ("guidelines",),
                f"guidelines '{contract.guidelines}' "
                + ("is not a valid Guidelines document" if exists else "does not exist"),
                "the path is relative to this contract's folder"
                if not exists
                else "run pcontract validate on that file to see why",
            ),
        )


@tree_rule(
    "PC303",
    "parent-resolves",
)
def parent_resolves(index: Index) -> TreeFindings:
    """A contract's parent is a contract in the tree.

    ## What it does

    Checks that a contract's `parent` is a contract in the tree.

    ## Why is this bad?

    A cascaded contract is checked against its parent (PC310 to PC314); a parent that is missing
    leaves it unchecked.

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
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2023-24
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
            cascaded_from: {contract: moh-2023-24, indicator: CM01}
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
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
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
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    for contract in index.contracts:
        parent = contract.parent
        if parent and index.contract(parent) is None and not index.is_broken("Contract", parent):
            yield (
                contract,
                finding(
                    ("parent",),
                    f"parent contract '{parent}' was not found",
                    "validate the folder that holds the parent contract too, or fix the id",
                ),
            )


@tree_rule(
    "PC304",
    "parent-cycle",
)
def parent_cycle(index: Index) -> TreeFindings:
    """Parent links do not form a cycle.

    ## What it does

    Checks that following parent links never leads back to the contract it started from.

    ## Why is this bad?

    A cycle has no top: roll-up and the cascade tree would never end.

    ## Example

    ```yaml
    # contract.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25-nairobi
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

    ```yaml
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
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
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
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
    # nairobi.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25-nairobi
    title: Nairobi Region
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    parent: moh-2024-25
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
            cascaded_from: {contract: moh-2024-25, indicator: CM01}
    ```
    """
    reported: set[str] = set()
    for contract in index.contracts:
        chain = [contract.id]
        current = contract
        while current.parent:
            parent = index.contract(current.parent)
            if parent is None:
                break
            if parent.id in chain:
                cycle = chain[chain.index(parent.id) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    yield (
                        contract,
                        finding(
                            ("parent",),
                            "parent links form a cycle: " + " -> ".join([*cycle, parent.id]),
                            "a contract cannot be its own ancestor",
                        ),
                    )
                break
            chain.append(parent.id)
            current = parent


def _results_contract(index: Index, results: ResultsSummary) -> ContractSummary | None:
    return index.contract(results.contract)


@tree_rule(
    "PC305",
    "results-contract",
)
def results_contract(index: Index) -> TreeFindings:
    """Results point to a contract in the tree.

    ## What it does

    Checks that a Results document's `contract` is a contract in the tree.

    ## Why is this bad?

    Results for a contract that is not there cannot be scored, and usually carry a mistyped id.

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
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-52
    period: annual
    as_of: 2025-06-30
    achievements:
      CM01: {actual: 52}
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
      CM01: {actual: 52}
    ```
    """
    for results in index.results:
        if _results_contract(index, results) is None and not index.is_broken(
            "Contract", results.contract
        ):
            yield (
                results,
                finding(
                    ("contract",),
                    f"contract '{results.contract}' was not found",
                    "validate the folder that holds the contract too, or fix the id",
                ),
            )


@tree_rule(
    "PC306",
    "results-indicators",
)
def results_indicators(index: Index) -> TreeFindings:
    """Results name only indicators the contract has.

    ## What it does

    Checks that a Results document reports only indicators its contract has.

    ## Why is this bad?

    A result for an indicator the contract lacks is never scored: usually a typing mistake in
    the id, which leaves the real indicator unreported.

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
      CM01: {actual: 52}
      CM10: {actual: 3}
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
      CM01: {actual: 52}
    ```
    """
    for results in index.results:
        contract = _results_contract(index, results)
        if contract is None:
            continue
        known = set(contract.ids)
        for indicator_id in results.ids:
            if indicator_id not in known:
                yield results, _unknown_result(contract, indicator_id)


def _unknown_result(contract: ContractSummary, indicator_id: str) -> Finding:
    path = ("achievements", indicator_id)
    if indicator_id in contract.goals:
        members = contract.goal_members(indicator_id)
        return finding(
            path,
            f"'{indicator_id}' is a goal of contract '{contract.id}': results report "
            "its sub-indicators, not the goal",
            "report " + ", ".join(members) + " instead",
            at_key=True,
        )
    close = difflib.get_close_matches(indicator_id, contract.ids, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return finding(
        path,
        f"contract '{contract.id}' has no indicator '{indicator_id}'",
        hint + "indicators: " + ", ".join(sorted(contract.ids)),
        at_key=True,
    )


@tree_rule(
    "PC307",
    "results-actual-type",
)
def results_actual_type(index: Index) -> TreeFindings:
    """Each actual has the type its indicator's kind needs.

    ## What it does

    Checks that each actual has the type its indicator's kind needs: a number for increase and
    decrease, a date for milestone, true or false for binary.

    ## Why is this bad?

    An actual of the wrong type cannot be scored against the target.

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
      CM01: {actual: 2025-06-30}
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
      CM01: {actual: 52}
    ```
    """
    for results in index.results:
        contract = _results_contract(index, results)
        if contract is None:
            continue
        kinds = dict(zip(contract.ids, contract.kinds, strict=True))
        for reported in results.achievements_at(_type_checked(kinds, results)):
            found = wrong_actual_type(reported, kinds.get(reported.indicator_id))
            if found is not None:
                yield results, found


def wrong_actual_type(reported: ReportedAchievement, kind: str | None) -> Finding | None:
    """What PC307 says of one achievement, whose indicator is of ``kind`` (None:
    not in the contract); None when its figure fits."""
    type_, text = reported.value_type, reported.text
    if kind is None or reported.not_applicable or type_ == NONE:
        return None
    if type_ == NUMBER and kind in NUMERIC_KINDS:
        return None
    value: object = text if type_ == TEXT else {TRUE: True, FALSE: False}.get(type_, 0)
    if fits_actual(kind, value):
        return None
    given = repr(text) if type_ == TEXT else ACTUAL_GIVEN[type_]
    where = ("moderation", "actual") if reported.moderated else ("actual",)
    return finding(
        ("achievements", reported.indicator_id, *where),
        f"{reported.indicator_id} is {with_article(kind)} indicator, so its actual "
        f"must be {ACTUAL_TYPES[kind]}, not {given}",
    )


def _type_checked(kinds: dict[str, str], results: ResultsSummary) -> list[int]:
    """The positions of the achievements whose figure may not fit its kind, in
    order: every figure that is neither a number nor none, and those reported for
    an indicator that is not numeric. The rest, the usual rows (a number for an
    increase or a decrease), are passed over without being made."""
    found = results.not_numbers()
    if not _NUMERIC.issuperset(kinds.values()):
        other = {indicator_id for indicator_id, kind in kinds.items() if kind not in _NUMERIC}
        found.extend(n for n, indicator_id in enumerate(results.ids) if indicator_id in other)
        found = sorted(set(found))
    return found


_NUMERIC: Final = frozenset(NUMERIC_KINDS)


# How a figure that is not text is named in a message; the position says which.
ACTUAL_GIVEN = {NUMBER: "a number", TRUE: "true", FALSE: "false"}


@tree_rule(
    "PC308",
    "results-complete",
    severity=Severity.WARNING,
)
def results_complete(index: Index) -> TreeFindings:
    """Results report every indicator; one left out scores Poor.

    ## What it does

    Checks that a contract's Results report every one of its indicators. A warning.

    ## Why is this bad?

    An indicator left out of the results scores the worst (as the guidelines' `not_reported`
    says); usually that is an omission, not the intent.

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
            weight: 50
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
          - {id: CM02, name: Clinics staffed, weight: 50, kind: binary, target: true}
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

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 52}
      CM02: {actual: true}
    ```
    """
    for results in index.results:
        contract = _results_contract(index, results)
        if contract is None:
            continue
        reported = set(results.ids)
        missing = [i for i in contract.ids if i not in reported]
        if missing:
            yield (
                results,
                finding(
                    ("achievements",),
                    f"{len(missing)} indicator(s) not reported, which will score the worst: "
                    + ", ".join(missing),
                    "report an actual, or status: not-applicable with a reason",
                    at_key=True,
                ),
            )


@tree_rule(
    "PC309",
    "results-unique",
)
def results_unique(index: Index) -> TreeFindings:
    """There is one Results file per contract and period.

    ## What it does

    Checks that there is one Results document per contract and period.

    ## Why is this bad?

    With two, which figures are scored depends on the order files are read in.

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
      CM01: {actual: 52}
    ```

    ```yaml
    # results-final.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 54}
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
      CM01: {actual: 52}
    ```
    """
    seen: dict[tuple[str, str], ResultsSummary] = {}
    for results in index.results:
        key = (results.contract, results.period)
        if key in seen:
            yield (
                results,
                finding(
                    ("period",),
                    f"{seen[key].file} already reports {results.period} results for "
                    f"'{results.contract}'",
                    "keep one Results file per contract and period",
                ),
            )
        else:
            seen[key] = results


@tree_rule(
    "PC320",
    "guidelines-year",
    severity=Severity.WARNING,
)
def guidelines_year(index: Index) -> TreeFindings:
    """A contract's guidelines are for the same financial year.

    ## What it does

    Checks that a contract's guidelines are for the same financial year as the contract. A
    warning.

    ## Why is this bad?

    Guidelines change from year to year (scale, grades, category ranges); last year's would
    score this year's contract by the wrong rules.

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
    apiVersion: pcontract/v1
    kind: Guidelines
    id: pc-2024-25
    financial_year: 2023/2024
    method: five-point
    scale: {best: 1.0, target: 3.0, worst: 5.0}
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
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```
    """
    for contract in index.contracts:
        if contract.guidelines_source is None:
            continue
        guidelines = index.guidelines_at(contract.guidelines_source)
        if guidelines is not None and guidelines.financial_year != contract.financial_year:
            yield (
                contract,
                finding(
                    ("guidelines",),
                    f"the guidelines are for {guidelines.financial_year}, the contract for "
                    f"{contract.financial_year}",
                ),
            )


@tree_rule(
    "PC403",
    "category-weights",
    severity=Severity.WARNING,
    vetting=True,
)
def category_weights(index: Index) -> TreeFindings:
    """Criteria categories have the guidelines' weight ranges, and required ones are present.

    ## What it does

    Checks that a contract's criteria categories have the weights the guidelines allow, and that
    every category the guidelines require is present. A vetting warning.

    ## Why is this bad?

    The guidelines set how much of the score each kind of criteria may carry; a contract outside
    those ranges would not pass vetting.

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
    categories:
      - {id: core, name: Core Mandate, weight: {min: 40, max: 60}}
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
    categories:
      - {id: core, name: Core Mandate, weight: {min: 40, max: 100}}
    grades:
      - {grade: Excellent, max: 2.4}
      - {grade: Good, max: 3.6}
      - {grade: Poor, max: 5.0}
    ```
    """
    for contract in index.contracts:
        if contract.guidelines_source is None:
            continue
        guidelines = index.guidelines_at(contract.guidelines_source)
        if guidelines is None or not guidelines.categories:
            continue
        weights = {c.id: (Decimal(c.weight), c.path) for c in contract.category_weights}
        if contract.parent:
            continue  # cascaded contracts carry a subset of categories
        for category in guidelines.categories:
            if category.id not in weights:
                if category.required:
                    yield (
                        contract,
                        finding(
                            ("criteria",),
                            f"the guidelines require the category '{category.id}' "
                            f"({category.name})",
                            at_key=True,
                        ),
                    )
                continue
            weight, path = weights[category.id]
            low, high = category.min_weight, category.max_weight
            if (low is not None and weight < Decimal(low)) or (
                high is not None and weight > Decimal(high)
            ):
                yield (
                    contract,
                    finding(
                        (*path, "weight"),
                        f"category '{category.id}' has weight {fmt(weight)}, outside the "
                        f"guidelines' range {low or 0} to {high or 100}",
                    ),
                )


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved on by whole months, kept within the month (31 Jan + 1 = 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


QUARTERS = {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3}


def quarter_dates(start: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of quarter ``period`` of a contract period starting
    on ``start``: Q1 is its first three months."""
    first = _add_months(start, 3 * QUARTERS[period])
    return first, _add_months(start, 3 * (QUARTERS[period] + 1)) - dt.timedelta(days=1)


def _period(contract: ContractSummary) -> tuple[dt.date, dt.date] | None:
    start, end = parse_date(contract.period.start), parse_date(contract.period.end)
    if start is None or end is None or start > end:
        return None  # PC205 reports a period that ends before it starts
    return start, end


@tree_rule(
    "PC321",
    "results-as-of",
    severity=Severity.WARNING,
)
def results_as_of(index: Index) -> TreeFindings:
    """Results are as of a day inside the contract's period, and quarterly ones inside their
    quarter.

    ## What it does

    Checks that Results are as of a day inside the contract's period, and quarterly results
    inside their quarter (Q1 is the period's first three months). A warning.

    ## Why is this bad?

    A figure as of a day outside the period measures another year, or another quarter, than the
    one reported.

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
    apiVersion: pcontract/v1
    kind: Results
    contract: moh-2024-25
    period: annual
    as_of: 2025-08-31
    achievements:
      CM01: {actual: 52}
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
      CM01: {actual: 52}
    ```
    """
    for results in index.results:
        contract = _results_contract(index, results)
        day = parse_date(results.as_of)
        period = _period(contract) if contract is not None else None
        if period is None or day is None:
            continue
        start, end = period
        if not start <= day <= end:
            yield (
                results,
                finding(
                    ("as_of",),
                    f"as_of {results.as_of} is outside the contract period "
                    f"{start.isoformat()} to {end.isoformat()}",
                    "give the day the figures stand at, inside the contract's period",
                ),
            )
        elif results.period in QUARTERS:
            first, last = quarter_dates(start, results.period)
            if not first <= day <= last:
                yield (
                    results,
                    finding(
                        ("as_of",),
                        f"as_of {results.as_of} is outside {results.period}, "
                        f"{first.isoformat()} to {last.isoformat()}",
                        f"give a day inside {results.period}, or correct period:",
                    ),
                )


@tree_rule(
    "PC322",
    "milestone-in-period",
    severity=Severity.WARNING,
)
def milestone_in_period(index: Index) -> TreeFindings:
    """A milestone is not reported done before its contract's period starts.

    ## What it does

    Checks that no milestone is reported done before its contract's period starts. A warning.

    ## Why is this bad?

    Work finished before the contract began is not an achievement of this contract.

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
            kind: milestone
            target: 2025-03-31
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 2024-05-31}
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
            kind: milestone
            target: 2025-03-31
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 2025-02-28}
    ```
    """
    for results in index.results:
        contract = _results_contract(index, results)
        period = _period(contract) if contract is not None else None
        if contract is None or period is None or KIND_MILESTONE not in contract.kinds:
            continue
        kinds = dict(zip(contract.ids, contract.kinds, strict=True))
        for reported in results.text_achievements:  # a milestone's day is text
            text = reported.text
            if kinds.get(reported.indicator_id) != KIND_MILESTONE or reported.not_applicable:
                continue
            done = parse_date(text)
            if done is None or done >= period[0]:
                continue
            where = ("moderation", "actual") if reported.moderated else ("actual",)
            yield (
                results,
                finding(
                    ("achievements", reported.indicator_id, *where),
                    f"{reported.indicator_id} is reported done on {text}, before the contract "
                    f"period starts on {contract.period.start}",
                    "a milestone of this contract is done within its period; check the date",
                ),
            )


@tree_rule(
    "PC323",
    "results-percent-range",
    severity=Severity.WARNING,
)
def results_percent_range(index: Index) -> TreeFindings:
    """A percentage's reported figure lies between 0 and 100.

    ## What it does

    For an indicator whose unit is a percentage (`%`, `% of households`, `percent`), checks
    that the figure Results report for it (the moderated one, when there is one) lies between 0
    and 100. A warning.

    ## Why is this bad?

    A rate of 740% is a slip, usually a count typed where the rate belongs; scored as it stands
    it would earn the best score on the scale. A growth rate can pass 100%; ignore the rule
    for it in `pcontract.toml`.

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
            name: Customer satisfaction
            weight: 100
            kind: increase
            unit: "%"
            measure: level
            baseline: {2023/2024: 72}
            target: 74
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 760}
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
            name: Customer satisfaction
            weight: 100
            kind: increase
            unit: "%"
            measure: level
            baseline: {2023/2024: 72}
            target: 74
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01: {actual: 76}
    ```
    """
    for results in index.results:
        if not results.beyond_percent:
            continue
        contract = _results_contract(index, results)
        if contract is None or "%" not in contract.percent:
            continue
        percent = {i for i, unit in zip(contract.ids, contract.percent, strict=True) if unit == "%"}
        moderated = {r.indicator_id for r in results.achievements if r.moderated}
        for indicator_id, figure in results.beyond():
            if indicator_id not in percent:
                continue
            where = ("moderation", "actual") if indicator_id in moderated else ("actual",)
            yield (
                results,
                finding(
                    ("achievements", indicator_id, *where),
                    f"{indicator_id} is a percentage, but its figure {figure}% is outside "
                    "0 to 100%",
                    "a percentage lies between 0 and 100; check the figure against the "
                    "contract's unit",
                ),
            )


@tree_rule(
    "PC324",
    "zero-target-criteria",
)
def zero_target_criteria(index: Index) -> TreeFindings:
    """A decrease indicator with target 0 has a criteria value worse than its target.

    ## What it does

    For a decrease indicator whose target is 0 (new HIV cases, corruption cases, thefts), checks
    that a count above 0 has a point to score against: a `fair` or `poor` in the indicator's
    `criteria_values`, or the guidelines' `zero_target_criteria_values.decrease`. Guidelines
    under the percentage method need neither (a count above 0 is 0%). A contract that names no
    guidelines, or whose guidelines do not resolve, is reported too: the built-in defaults hold
    no zero-target values. The error is at the indicator's `target:`.

    ## Why is this bad?

    The guidelines' default criteria values are multiples of the target, and every multiple of
    0 is 0: they all collapse onto the target, so one case scores Poor (5.00), as a hundred
    would. A count cannot go below 0, so the points better than the target are not needed; the
    ones worse than it are.

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
            name: New corruption cases
            weight: 100
            kind: decrease
            baseline: {2023/2024: 2}
            target: 0
            measure: cumulative
    ```

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
            name: New corruption cases
            weight: 100
            kind: decrease
            baseline: {2023/2024: 2}
            target: 0
            criteria_values: {poor: 3}
            measure: cumulative
    ```

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
    for contract in index.contracts:
        if not contract.zero_targets:
            continue
        guidelines = None
        if contract.guidelines_source is not None:
            guidelines = index.guidelines_at(contract.guidelines_source)
        if guidelines is not None and guidelines.scores_zero_target_miss:
            continue
        if guidelines is not None:
            why = ""
        elif contract.guidelines is None:
            why = " (the contract names no guidelines)"
        else:
            why = " (its guidelines do not resolve)"
        for at in contract.zero_targets:
            yield (
                contract,
                finding(
                    (*contract.paths[at], "target"),
                    f"{zero_target_problem(contract.ids[at], KIND_DECREASE)}{why}, so any "
                    "count above 0 would score the worst",
                    zero_target_hint(KIND_DECREASE),
                ),
            )
