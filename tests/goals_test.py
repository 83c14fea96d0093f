"""Goals: indicators holding weighted sub-indicators. A goal's raw score is the
weighted mean of its sub-indicators' raw scores; the composite is the weighted sum
over the sub-indicators, the same as the contract written flat."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from pcontract.scoring.method import score
from tests.conftest import run
from tests.scoring_test import KENYA, SPAS, contract, indicator, results


def goal(id: str, members: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    weight = sum(member["weight"] for member in members)
    return {"id": id, "name": f"Goal {id}", "weight": weight, "sub_indicators": members} | extra


MEMBERS = [
    indicator("G1a", "increase", 10, 2),
    indicator("G1b", "decrease", 5, 2),
    indicator("G1c", "increase", 30, 2, unit="%"),
    indicator("G1d", "binary", True, 2),
]
ACTUALS: dict[str, dict[str, Any]] = {
    "G1a": {"actual": 12},  # 1.2 × target = the default excellent: 1.0
    "G1b": {"actual": 5},  # the target: 3.0
    "G1c": {"actual": 24},  # half-way from the target 30 to poor (0.6 × 30 = 18): 4.0
    "G1d": {"actual": True},  # achieved: 3.0
    "X1": {"actual": 10},  # the target: 3.0
}


def test_a_goals_raw_score_is_the_weighted_mean_of_its_sub_indicators() -> None:
    nested = contract(("core", [goal("G1", MEMBERS), indicator("X1", "increase", 10, 92)]))
    result = score(nested, KENYA, results(ACTUALS))
    (g1,) = result.goals
    assert g1.id == "G1"
    assert g1.weight == 8
    assert g1.indicators == ("G1a", "G1b", "G1c", "G1d")
    # (2 × 1 + 2 × 3 + 2 × 4 + 2 × 3) / 8 = 22 / 8
    assert g1.raw_score == Fraction(22, 8)
    # Weighted: (2 × 1 + 2 × 3 + 2 × 4 + 2 × 3) / 100 = 0.22
    assert g1.weighted_score == Fraction(22, 100)
    # 0.22 + 92 × 3 / 100 = 2.98
    assert result.composite == Fraction(298, 100)
    assert [i.goal for i in result.indicators] == ["G1", "G1", "G1", "G1", None]


def test_the_composite_equals_the_same_contract_written_flat() -> None:
    nested = contract(("core", [goal("G1", MEMBERS), indicator("X1", "increase", 10, 92)]))
    flat = contract(("core", [*MEMBERS, indicator("X1", "increase", 10, 92)]))
    assert score(nested, KENYA, results(ACTUALS)).composite == (
        score(flat, KENYA, results(ACTUALS)).composite
    )


def test_a_not_applicable_sub_indicator_leaves_the_goals_mean() -> None:
    nested = contract(("core", [goal("G1", MEMBERS), indicator("X1", "increase", 10, 92)]))
    actuals = {**ACTUALS, "G1c": {"status": "not-applicable", "reason": "No funds"}}
    (g1,) = score(nested, KENYA, results(actuals)).goals
    # (2 × 1 + 2 × 3 + 2 × 3) / 6: G1c is out.
    assert g1.raw_score == Fraction(14, 6)


def test_a_goal_with_nothing_scored_has_no_raw_score() -> None:
    members = [indicator("G1a", "increase", 10, 5), indicator("G1b", "increase", 10, 5)]
    nested = contract(("core", [goal("G1", members), indicator("X1", "increase", 10, 90)]))
    na = {"status": "not-applicable", "reason": "No funds"}
    (g1,) = score(nested, KENYA, results({"G1a": na, "G1b": na, "X1": {"actual": 10}})).goals
    assert g1.raw_score is None
    assert g1.weighted_score is None


def test_under_the_percentage_method_a_goal_averages_percentages() -> None:
    members = [indicator("G1a", "increase", 10, 30), indicator("G1b", "increase", 10, 10)]
    nested = contract(("core", [goal("G1", members), indicator("X1", "increase", 10, 60)]))
    actuals = {"G1a": {"actual": 8}, "G1b": {"actual": 12}, "X1": {"actual": 10}}
    (g1,) = score(nested, SPAS, results(actuals)).goals
    # (30 × 80 + 10 × 120) / 40 = 90
    assert g1.raw_score == 90


@given(
    weights=st.lists(st.integers(min_value=1, max_value=20), min_size=2, max_size=6),
    actuals=st.lists(st.integers(min_value=0, max_value=30), min_size=6, max_size=6),
    start=st.integers(min_value=0, max_value=4),
    size=st.integers(min_value=1, max_value=6),
)
def test_grouping_any_run_of_indicators_into_a_goal_keeps_the_composite(
    weights: list[int], actuals: list[int], start: int, size: int
) -> None:
    items = [indicator(f"I{n}", "increase", 10, w) for n, w in enumerate(weights)]
    rest = 100 - sum(weights)
    filler = indicator("Z", "decrease", 5, rest) if rest > 0 else None
    start = min(start, len(items) - 1)
    run = items[start : start + size]
    nested_items = [*items[:start], goal("G", run), *items[start + size :]]
    flat_items = list(items)
    if filler is not None:
        nested_items.append(filler)
        flat_items.append(filler)
    reported = {f"I{n}": {"actual": a} for n, a in zip(range(len(weights)), actuals, strict=False)}
    reported["Z"] = {"actual": actuals[-1]}
    flat = score(contract(("core", flat_items)), KENYA, results(reported))
    nested = score(contract(("core", nested_items)), KENYA, results(reported))
    assert nested.composite == flat.composite
    (g,) = nested.goals
    members = [i for i in flat.indicators if i.id in g.indicators]
    assert [i.id for i in members] == [item["id"] for item in run]
    total = sum((i.weight for i in members), Fraction(0))
    assert g.raw_score == sum((i.weight * i.raw_score for i in members if i.raw_score), 0) / total


def test_a_goal_inside_a_goal_is_refused_with_a_hint(tmp_path: Path) -> None:
    raw = contract(("core", [indicator("G1", "binary", True, 100)])).raw
    inner = goal("G1a", [indicator("G1b", "binary", True, 100)])
    raw["criteria"][0]["indicators"] = [goal("G1", [inner])]
    file = tmp_path / "contract.yaml"
    file.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    code, out = run("validate", str(file), "--format", "json")
    assert code == 1
    (problem,) = [p for p in json.loads(out)["problems"] if p["code"] == "PC101"]
    assert problem["path"] == "$.criteria[0].indicators[0].sub_indicators[0].sub_indicators"
    assert problem["hint"].startswith("goals are one level deep")
