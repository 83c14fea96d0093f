"""score() gives exactly what it gave before it was made faster.

tests/golden/scores.json holds, for each example contract scored against its
results, the composite and grade; and for generated contracts of every kind
scored by several guidelines (five-point, a reversed scale with
exclude-without-rescale, zero-target figures with required verification, the
percentage method with and without a cap), in the annual result, a quarter and
with no results, every indicator's figures, the categories, goals, progress and
warnings, written out to be read. Each case also has a digest of the whole
ContractScore's repr, which catches any other change. The file was written by
the scoring code before the speed-up; regenerate it (PCONTRACT_UPDATE_GOLDEN=1)
only for a change that is meant to change scores.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import pickletools
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcontract.checking.checker import discover
from pcontract.checking.pipeline import Pipeline, contract_guidelines
from pcontract.errors import PcontractError
from pcontract.model import Contract, Guidelines, Results
from pcontract.scoring import method
from pcontract.scoring.method import ContractScore, score

from .conftest import EXAMPLES, ROOT, TESTS

GOLDEN = TESTS / "golden" / "scores.json"
# What is kept of the examples' scores (the generated ones are written out in full).
BRIEF = ("composite", "grade", "error", "repr_sha256")

KENYA: dict[str, Any] = {
    "apiVersion": "pcontract/v1",
    "kind": "Guidelines",
    "id": "kenya",
    "financial_year": "2024/2025",
    "method": "five-point",
    "scale": {"best": 1.0, "target": 3.0, "worst": 5.0},
    "grades": [
        {"grade": "Excellent", "max": 2.40},
        {"grade": "Very Good", "max": 3.00},
        {"grade": "Good", "max": 3.60},
        {"grade": "Fair", "max": 4.00},
        {"grade": "Poor", "max": 5.00},
    ],
}
SPAS: dict[str, Any] = {
    "apiVersion": "pcontract/v1",
    "kind": "Guidelines",
    "id": "spas",
    "financial_year": "2024/2025",
    "method": "percentage",
    "grades": [
        {"grade": "Excellent", "above": 100},
        {"grade": "Very Good", "min": 100},
        {"grade": "Good", "min": 80},
        {"grade": "Fair", "min": 60},
        {"grade": "Poor", "min": 0},
    ],
}
GUIDELINES: dict[str, dict[str, Any]] = {
    "kenya": KENYA,
    # Best 5, worst 1; odd defaults; not-applicable weights kept.
    "reversed-keep": KENYA
    | {
        "id": "reversed",
        "scale": {"best": 5, "target": 3, "worst": 1},
        "grades": [{"grade": "Good", "max": 3}, {"grade": "Poor", "max": 1}],
        "not_applicable": "exclude-without-rescale",
        "default_criteria_values": {
            "increase": {"excellent": 1.3, "very_good": 1.1, "fair": 0.9, "poor": 0.7},
            "decrease": {"excellent": 0.7, "poor": 1.3},
            "milestone": {"excellent": -15, "fair": 10, "poor": 45},
            "binary": {"achieved": 4, "not_achieved": 1.5},
        },
    },
    "zero-verify": KENYA
    | {
        "id": "zero-verify",
        "require_verification": True,
        "zero_target_criteria_values": {
            "increase": {"excellent": 3},
            "decrease": {"fair": 2, "poor": 5},
        },
        "progress": {"on_track": 0, "at_risk": 0.5},
    },
    "spas": SPAS,
    "spas-capped": SPAS | {"id": "spas-capped", "percentage_cap": 120},
}

KINDS = ("increase", "increase", "decrease", "milestone", "binary")


def _target(kind: str, rng: random.Random) -> object:
    if kind == "milestone":
        return f"2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"
    if kind == "binary":
        return True
    if rng.random() < 0.15:
        return 0
    return rng.choice([rng.randint(1, 500), round(rng.uniform(0.5, 99), 1)])


def _actual(kind: str, target: object, rng: random.Random) -> object:
    if kind == "milestone":
        return f"2025-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}"
    if kind == "binary":
        return rng.random() < 0.6
    assert isinstance(target, int | float)
    return rng.choice([target, round(target * rng.uniform(0, 1.6), 2), rng.randint(0, 9)])


def _indicator(ident: str, kind: str, weight: int, rng: random.Random) -> dict[str, Any]:
    # I01 (an increase indicator) has a target of 0 in every contract.
    target = 0 if ident == "I01" else _target(kind, rng)
    raw: dict[str, Any] = {
        "id": ident,
        "name": f"Indicator {ident}",
        "kind": kind,
        "weight": weight,
        "target": target,
        "unit": "%" if kind == "increase" and rng.random() < 0.3 else "",
    }
    if kind in ("increase", "decrease") and target and rng.random() < 0.3:
        assert isinstance(target, int | float)
        far, near = target * 2, target / 4
        best, worst = (far, near) if kind == "increase" else (near, far)
        raw["criteria_values"] = {"excellent": best, "poor": worst}
    if kind in ("increase", "decrease"):
        choice = rng.randrange(3)
        if choice == 0:
            raw["measure"] = "cumulative"
        elif choice == 1 and isinstance(target, int | float):
            raw["quarterly_targets"] = [target / 4, target / 2, target * 3 / 4, target]
    return raw


def _contract(cid: str, title: str, institution: str, criteria: list[dict[str, Any]]) -> Contract:
    """A FY 2024/2025 ministry contract ``cid`` of these criteria."""
    return Contract.from_raw(
        {
            "apiVersion": "pcontract/v1",
            "kind": "Contract",
            "id": cid,
            "title": title,
            "financial_year": "2024/2025",
            "period": {"start": "2024-07-01", "end": "2025-06-30"},
            "institution": {"name": institution, "category": "ministry"},
            "criteria": criteria,
        }
    )


def _generated(seed: int, count: int) -> tuple[Contract, list[Results]]:
    rng = random.Random(seed)
    cid = f"gen-{seed}"
    weights = [100 // count + (1 if i < 100 % count else 0) for i in range(count)]
    items = [_indicator(f"I{i:02d}", KINDS[i % len(KINDS)], w, rng) for i, w in enumerate(weights)]
    half = count // 2
    goal = {"id": "G1", "name": "A goal", "weight": sum(weights[half:]), "sub_indicators": []}
    goal["sub_indicators"] = items[half:]
    contract = _contract(
        cid,
        f"Generated {seed}",
        f"Institution {seed}",
        [
            {"id": "a", "name": "A", "weight": sum(weights[:half]), "indicators": items[:half]},
            {"id": "b", "name": "B", "weight": sum(weights[half:]), "indicators": [goal]},
        ],
    )
    documents = []
    for period in ("annual", "Q2"):
        achievements: dict[str, Any] = {}
        for item in items:
            roll = rng.random()
            if roll < 0.1 or (period == "Q2" and item is items[0]):
                continue  # not reported
            if roll < 0.2:
                achievements[item["id"]] = {"status": "not-applicable", "reason": "n/a"}
                continue
            entry: dict[str, Any] = {"actual": _actual(item["kind"], item["target"], rng)}
            if roll > 0.9:
                entry["moderation"] = {"actual": _actual(item["kind"], item["target"], rng)}
            elif roll > 0.75:
                entry["verification"] = {"actual": entry["actual"], "by": "auditor"}
            achievements[item["id"]] = entry
        achievements["X99"] = {"actual": 1}  # not in the contract
        documents.append(
            Results.from_raw(
                {
                    "apiVersion": "pcontract/v1",
                    "kind": "Results",
                    "contract": cid,
                    "period": period,
                    "as_of": "2025-06-30",
                    "achievements": achievements,
                }
            )
        )
    return contract, documents


def _text(value: object) -> str:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value)
    if isinstance(value, Decimal):
        return f"d{value}"
    return repr(value)


def _figures(row: object, names: tuple[str, ...]) -> str:
    return " ".join(f"{name}={_text(getattr(row, name))}" for name in names)


def _plain(result: ContractScore) -> dict[str, Any]:
    """What a reader checks of a score, and a digest of all of it."""
    return {
        "composite": _text(result.composite),
        "grade": result.grade,
        "not_scored": result.not_scored,
        "lower_is_better": result.lower_is_better,
        "indicators": [
            f"{item.id} {item.status} "
            + _figures(
                item,
                (
                    "actual",
                    "achievement_pct",
                    "raw_score",
                    "weight",
                    "effective_weight",
                    "weighted_score",
                    "gap",
                    "scored_from",
                ),
            )
            for item in result.indicators
        ],
        "categories": [
            f"{c.id} " + _figures(c, ("weight", "effective_weight", "weighted_score"))
            for c in result.categories
        ],
        "goals": [
            f"{g.id} "
            + _figures(g, ("weight", "effective_weight", "raw_score", "weighted_score"))
            + f" projected={_text(g.projected_raw_score)}"
            for g in result.goals
        ],
        "progress": [
            f"{p.id} Q{p.quarter} {p.status} "
            + _figures(p, ("quarter_target", "pct_of_quarter_target", "projected_raw_score"))
            + f" {p.measure} {p.target_rule}"
            for p in result.progress
        ],
        "warnings": [
            f"{w.code} {w.file} {list(w.path)} {w.message} | {w.hint}" for w in result.warnings
        ],
        "repr_sha256": hashlib.sha256(repr(result).encode()).hexdigest(),
    }


def _scored(
    contract: Contract, guidelines: Guidelines, results: Results | None, files: tuple[str, str]
) -> dict[str, Any]:
    try:
        found = score(contract, guidelines, results, contract_file=files[0], results_file=files[1])
    except PcontractError as error:
        return {"error": str(error)}
    return _plain(found)


def _examples() -> dict[str, Any]:
    loaded = Pipeline().load(discover([str(EXAMPLES)]))
    cases: dict[str, Any] = {}
    for file, contract in loaded.contracts:
        source = contract_guidelines(file.source, contract)
        guidelines = loaded.guidelines.get(source) if source is not None else None
        if guidelines is None:
            continue
        name = os.path.relpath(file.source, ROOT)
        for results_file, results in loaded.results:
            if results.contract == contract.id:
                other = os.path.relpath(results_file.source, ROOT)
                key = f"{name} + {other}"
                found = _scored(contract, guidelines, results, (name, other))
                cases[key] = {k: found.get(k) for k in BRIEF}
    return dict(sorted(cases.items()))


def _generated_cases() -> dict[str, Any]:
    cases: dict[str, Any] = {}
    for seed, count in ((1, 8), (2, 8), (3, 6)):
        contract, documents = _generated(seed, count)
        for name, raw in GUIDELINES.items():
            guidelines = Guidelines.from_raw(raw)
            unscored = (None,) if name in ("kenya", "spas") else ()
            for results in (*unscored, *documents):
                period = results.period if results is not None else "none"
                files = ("gen.yaml", "gen-results.yaml")
                cases[f"{contract.id} {name} {period}"] = _scored(
                    contract, guidelines, results, files
                )
    return cases


def _cases() -> dict[str, Any]:
    return {"examples": _examples(), "generated": _generated_cases()}


def test_scores_are_those_of_the_golden_file() -> None:
    found = _cases()
    if os.environ.get("PCONTRACT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found.keys() == expected.keys()
    for part, cases in found.items():
        assert cases.keys() == expected[part].keys()
        for name, case in cases.items():
            assert case == expected[part][name], name


def test_the_cases_cover_every_kind_status_and_method() -> None:
    # The golden file would prove little if the generated cases missed a branch.
    cases = _generated_cases()
    rows = [row for case in cases.values() for row in case.get("indicators", [])]
    for status in ("scored", "moderated", "not-applicable", "not-reported"):
        assert any(f" {status} " in row for row in rows), status
    progress = [row for case in cases.values() for row in case.get("progress", [])]
    for rule in ("quarterly_targets", "pro-rata", "none"):
        assert any(row.endswith(rule) for row in progress), rule
    codes = {w.split()[0] for case in cases.values() for w in case.get("warnings", [])}
    assert {"PC502", "PC503", "PC504", "PC505", "PC520"} <= codes


def test_a_score_pickles_whole_without_the_documents_it_was_made_from() -> None:
    # Scores are sent back from worker processes: they must come back equal, and
    # carry no copy of the guidelines, contract or results.
    contract, documents = _generated(1, 8)
    found = score(contract, Guidelines.from_raw(GUIDELINES["zero-verify"]), documents[0])
    data = pickle.dumps(found)
    assert pickle.loads(data) == found
    names = {str(arg) for op, arg, _ in pickletools.genops(data) if isinstance(arg, str)}
    assert {"ContractScore", "IndicatorScore", "Verification"} <= names
    assert not names & {"Guidelines", "Contract", "Results", "Achievement", "Indicator"}


_FIGURE = st.one_of(
    st.integers(-50, 50),
    st.decimals(-50, 50, places=2, allow_nan=False, allow_infinity=False),
)


@given(
    kind=st.sampled_from(("increase", "decrease", "milestone")),
    target=_FIGURE,
    day=st.integers(1, 28),
    defaults=st.dictionaries(
        st.sampled_from(("excellent", "very_good", "fair", "poor")), _FIGURE, max_size=4
    ),
    zero=st.dictionaries(st.sampled_from(("excellent", "very_good", "fair", "poor")), _FIGURE),
)
def test_criteria_points_on_integers_are_the_fraction_points(
    kind: str, target: object, day: int, defaults: dict[str, Any], zero: dict[str, Any]
) -> None:
    """The criteria points scoring works out on integers (no criteria_values) are
    the points, in the order, of the Fraction path a card prints; and out of order
    they raise its error."""
    raw = KENYA | {
        "default_criteria_values": {kind: {k: float(v) for k, v in defaults.items()}},
        "zero_target_criteria_values": {kind: {k: float(v) for k, v in zero.items()}},
    }
    guidelines = Guidelines.from_raw(raw)
    figure = f"2025-03-{day:02d}" if kind == "milestone" else target
    only = {"id": "I1", "name": "I", "kind": kind, "weight": 100, "target": figure}
    indicator = _contract(
        "c", "C", "I", [{"id": "a", "name": "A", "weight": 100, "indicators": [only]}]
    ).indicators[0]
    axis = method._Axis(indicator, guidelines)
    try:
        named = method._named_points(axis)
    except PcontractError as error:
        with pytest.raises(PcontractError) as raised:
            method._Axis(indicator, guidelines).resolved()
        assert str(raised.value) == str(error)
        return
    resolved = method._Axis(indicator, guidelines).resolved()
    assert resolved.names == tuple(name for name, _, _ in named)
    positions = [Fraction(pn, pd) for pn, pd, _, _ in resolved.terms]
    assert positions == [position for _, position, _ in named]
    scores = axis.scale.scores
    assert resolved.scores == [scores[name] for name, _, _ in named]
    assert [Fraction(sn, sd) for _, _, sn, sd in resolved.terms] == resolved.scores
