"""The README's "Transcribing a matrix" stays true: each of its YAML snippets, put in a
contract as written, validates without a problem and scores; and the guidelines'
zero_target_criteria_values snippet of the format section validates too."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from pcontract.scoring.evaluation import score_files
from tests.conftest import ROOT, run

README = (ROOT / "README.md").read_text(encoding="utf-8")

GUIDELINES = """\
apiVersion: pcontract/v1
kind: Guidelines
id: kenya-pc-fy2024-25
financial_year: 2024/2025
method: five-point
scale: {best: 1.0, target: 3.0, worst: 5.0}
default_criteria_values:
  increase: {excellent: 1.2, poor: 0.6}
  decrease: {excellent: 0.8, poor: 1.4}
  milestone: {excellent: -30, poor: 60}
  binary: {achieved: 3.0, not_achieved: 5.0}
grades:
  - {grade: Excellent, max: 2.40}
  - {grade: Very Good, max: 3.00}
  - {grade: Good, max: 3.60}
  - {grade: Fair, max: 4.00}
  - {grade: Poor, max: 5.00}
"""

# The rest of the contract's weight, met exactly (3.00) in the scores below.
FILLER = {
    "id": "CM99",
    "name": "Cards issued",
    "unit": "cards",
    "kind": "increase",
    "measure": "cumulative",
    "baseline": {"2023/2024": 90},
    "target": 100,
}


def _section(title: str) -> str:
    match = re.search(rf"\n### {re.escape(title)}\n(.*?)\n### ", README, re.S)
    assert match is not None, f"the README has no section '{title}'"
    return match.group(1)


def _snippets() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", _section("Transcribing a matrix"), re.S)


def _weight(item: dict[str, Any]) -> Fraction:
    return Fraction(str(item["weight"]))


def _contract(indicators: list[dict[str, Any]]) -> dict[str, Any]:
    filler = {**FILLER, "weight": int(100 - sum(map(_weight, indicators)))}
    return {
        "apiVersion": "pcontract/v1",
        "kind": "Contract",
        "id": "matrix-2024-25",
        "title": "Performance Contract — Example County",
        "financial_year": "2024/2025",
        "period": {"start": "2024-07-01", "end": "2025-06-30"},
        "institution": {"name": "Example County", "category": "county"},
        "parties": {"principal": {"title": "Governor"}, "agent": {"title": "CECM"}},
        "status": "draft",
        "guidelines": "guidelines.yaml",
        "criteria": [
            {
                "id": "core",
                "name": "Core Mandate",
                "weight": 100,
                "indicators": [*indicators, filler],
            }
        ],
    }


def _write(folder: Path, snippet: str) -> list[dict[str, Any]]:
    indicators = yaml.safe_load(snippet)
    assert isinstance(indicators, list) and indicators
    # Written as YAML text, so that the dates stay as the README writes them.
    contract = yaml.safe_dump(_contract(indicators), sort_keys=False, allow_unicode=True)
    (folder / "contract.yaml").write_text(contract, encoding="utf-8")
    (folder / "guidelines.yaml").write_text(GUIDELINES, encoding="utf-8")
    return indicators


def _results(folder: Path, achievements: dict[str, Any]) -> Path:
    lines = [
        "apiVersion: pcontract/v1",
        "kind: Results",
        "contract: matrix-2024-25",
        "period: annual",
        "as_of: 2025-06-30",
        "achievements:",
        *(f"  {key}: {{actual: {value}}}" for key, value in achievements.items()),
    ]
    path = folder / "results.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _validate(folder: Path) -> list[dict[str, Any]]:
    code, out = run("validate", "--no-cache", "--format", "json", str(folder))
    problems: list[dict[str, Any]] = json.loads(out)["problems"]
    assert code == (1 if problems and any(p["severity"] == "error" for p in problems) else 0)
    return problems


def _score(folder: Path, results: Path) -> dict[str, Any]:
    code, out = run("score", str(folder / "contract.yaml"), "-r", str(results), "-f", "json")
    assert code == 0, out
    scored: dict[str, Any] = json.loads(out)
    return scored


def test_the_section_has_the_four_snippets() -> None:
    names = [yaml.safe_load(s)[0]["name"] for s in _snippets()]
    assert len(names) == 4
    assert "Male 43% / Female 57%" in names[0]


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: str(yaml.safe_load(s)[0]["id"]))
def test_each_snippet_validates_without_a_problem(snippet: str, tmp_path: Path) -> None:
    _write(tmp_path, snippet)
    assert _validate(tmp_path) == []


def test_the_split_target_scores_as_a_goal(tmp_path: Path) -> None:
    _write(tmp_path, _snippets()[0])
    # CC03m meets 43: 3. CC03f 45.6 of 57: poor is 0.6 × 57 = 34.2, and 45.6 is half way
    # from 57 to 34.2: 3 + 2 × 11.4 / 22.8 = 4. The goal: (2 × 3 + 2 × 4) / 4 = 3.5.
    # Composite: 96 × 3 / 100 + 2 × 3 / 100 + 2 × 4 / 100 = 2.88 + 0.06 + 0.08 = 3.02.
    results = _results(tmp_path, {"CC03m": 43, "CC03f": 45.6, "CM99": 100})
    assert _validate(tmp_path) == []
    scored = _score(tmp_path, results)
    # The goal's own score, through the core (score's JSON lists the leaves).
    goals = score_files(str(tmp_path / "contract.yaml"), str(results)).score.goals
    assert [(g.id, g.raw_score) for g in goals] == [("CC03", Fraction(7, 2))]
    raw = {i["id"]: i["raw_score"] for i in scored["indicators"]}
    assert raw == {"CC03m": 3.0, "CC03f": 4.0, "CM99": 3.0}
    assert scored["composite"] == 3.02


def test_the_zero_target_meets_its_target_at_0(tmp_path: Path) -> None:
    _write(tmp_path, _snippets()[3])
    # 0 cases: the target, 3.00. 1 case: 3 + 2 × 1 / 3 = 3.6667.
    scored = _score(tmp_path, _results(tmp_path, {"CC04": 0, "CM99": 100}))
    assert {i["id"]: i["raw_score"] for i in scored["indicators"]}["CC04"] == 3.0
    scored = _score(tmp_path, _results(tmp_path, {"CC04": 1, "CM99": 100}))
    assert {i["id"]: i["raw_score"] for i in scored["indicators"]}["CC04"] == 3.6667


def test_the_guidelines_zero_target_snippet_validates(tmp_path: Path) -> None:
    found = re.search(
        r"```yaml\n(# guidelines.yaml \(beside default_criteria_values\)\n.*?)```", README, re.S
    )
    assert found is not None
    (tmp_path / "guidelines.yaml").write_text(GUIDELINES + found.group(1), encoding="utf-8")
    assert _validate(tmp_path) == []
