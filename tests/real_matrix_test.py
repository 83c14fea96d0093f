"""A real matrix, transcribed by hand: the Kenyan Office of the Attorney General
and Department of Justice's FY 2025/26 performance contract (see the README in
tests/data/real/kenya-oag-2025-26 for the source and every deviation). It is
checked twice: flat (36 indicators), and with its 18 composite indicators written
as goals holding 65 sub-indicators (83 scored indicators)."""

from __future__ import annotations

import json

import yaml

from tests.conftest import TESTS, run

REAL = TESTS / "data" / "real" / "kenya-oag-2025-26"


def _score(contract: str, results: str) -> dict[str, object]:
    code, out = run(
        "score", str(REAL / contract), "--results", str(REAL / results), "--format", "json"
    )
    assert code == 0, out
    data: dict[str, object] = json.loads(out)
    return data


def test_the_real_matrix_validates_without_errors() -> None:
    code, out = run("validate", str(REAL), "--format", "json")
    assert code == 0, out
    problems = json.loads(out)["problems"]
    assert [p for p in problems if p["severity"] == "error"] == []


def test_the_matrix_names_its_source_and_holds_at_least_50_indicators() -> None:
    raw = yaml.safe_load((REAL / "contract-goals.yaml").read_text(encoding="utf-8"))
    assert raw["x-source"]["title"].startswith("FY 2025-26 Performance Contract")
    leaves = [
        leaf
        for category in raw["criteria"]
        for item in category["indicators"]
        for leaf in item.get("sub_indicators", [item])
    ]
    assert len(leaves) == 83
    goals = [i for c in raw["criteria"] for i in c["indicators"] if "sub_indicators" in i]
    assert len(goals) == 18


def test_goals_score_like_the_flat_matrix() -> None:
    flat = _score("contract.yaml", "results.yaml")
    goals = _score("contract-goals.yaml", "results-goals.yaml")
    assert len(flat["indicators"]) == 36  # type: ignore[arg-type]
    assert len(goals["indicators"]) == 83  # type: ignore[arg-type]
    # Each sub-indicator's illustrative actual is its goal's target share times
    # the goal's factor, so each goal's raw score is its flat indicator's, and the
    # composites agree.
    assert flat["composite"] == goals["composite"] == 3.2108
    assert flat["grade"] == goals["grade"] == "Good"
