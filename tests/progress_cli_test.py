"""Quarterly progress through the CLI: measure, quarter targets and statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run

GUIDELINES = EXAMPLES / "guidelines" / "kenya-pc-fy2024-25.yaml"

CONTRACT = """\
apiVersion: pcontract/v1
kind: Contract
id: prog-2024-25
title: Progress test
financial_year: 2024/2025
period: {{start: 2024-07-01, end: 2025-06-30}}
institution: {{name: Progress Test, category: ministry}}
parties:
  principal: {{title: President}}
  agent: {{title: Cabinet Secretary}}
status: draft
guidelines: {guidelines}
criteria:
  - id: core
    name: Core Mandate
    weight: 100
    indicators:
      - id: RATE
        name: Share of births registered
        unit: '%'
        weight: 40
        kind: increase
        baseline: {{2023/2024: 85}}
        target: 90
        measure: level
      - id: CARDS
        name: Cards issued
        unit: cards
        weight: 40
        kind: increase
        baseline: {{2023/2024: 450000}}
        target: 500000
        measure: cumulative
      - id: SYSTEM
        name: Registration system live
        weight: 20
        kind: milestone
        target: 2025-03-31
"""

RESULTS = """\
apiVersion: pcontract/v1
kind: Results
contract: prog-2024-25
period: Q2
as_of: 2024-12-31
achievements:
  RATE: {actual: 85}
  CARDS: {actual: 260000}
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    contract = tmp_path / "contract.yaml"
    contract.write_text(CONTRACT.format(guidelines=GUIDELINES), encoding="utf-8")
    results = tmp_path / "results-q2.yaml"
    results.write_text(RESULTS, encoding="utf-8")
    return contract, results


def test_level_cumulative_and_milestone_progress(tmp_path: Path) -> None:
    contract, results = _files(tmp_path)
    code, output = run("validate", "--no-cache", str(tmp_path))
    assert code == 0, output
    assert "PC250" not in output
    code, output = run("score", str(contract), "-r", str(results), "-f", "json")
    assert code == 0, output
    rows = {p["id"]: p for p in json.loads(output)["progress"]}
    # RATE (level): the Q2 target is the annual 90; projected: 85 itself, between
    # the target (90, 3) and poor (0.6 × 90 = 54, 5): 3 + 2 × 5 / 36 = 3.2778,
    # worse than 3.00 (within the default 1.00): at risk, not on track.
    assert rows["RATE"]["quarter_target"] == 90
    assert rows["RATE"]["measure"] == "level"
    assert rows["RATE"]["target_rule"] == "annual-level"
    assert rows["RATE"]["projected_raw_score"] == 3.2778
    assert rows["RATE"]["status"] == "at-risk"
    # CARDS (cumulative): 500000 × 2 / 4 = 250000; projected 260000 × 4 / 2 =
    # 520000, between the target (3) and excellent (1.2 × 500000 = 600000, 1):
    # 3 - 2 × 20000 / 100000 = 2.6: on track.
    assert rows["CARDS"]["quarter_target"] == 250000
    assert rows["CARDS"]["target_rule"] == "pro-rata"
    assert rows["CARDS"]["pct_of_quarter_target"] == 104  # 260000 / 250000
    assert rows["CARDS"]["projected_raw_score"] == 2.6
    assert rows["CARDS"]["status"] == "on-track"
    # SYSTEM: due 2025-03-31, in Q3, after Q2 ends; not done: not yet due.
    assert rows["SYSTEM"]["status"] == "not-due"
    assert rows["SYSTEM"]["measure"] is None
    assert rows["SYSTEM"]["target_rule"] == "none"
    # Not yet due, so its absence from the Q2 results is no PC505.
    assert "PC505" not in [w["code"] for w in json.loads(output)["warnings"]]


def test_without_a_measure_there_is_no_quarter_target(tmp_path: Path) -> None:
    contract, results = _files(tmp_path)
    contract.write_text(
        contract.read_text(encoding="utf-8").replace("        measure: level\n", ""),
        encoding="utf-8",
    )
    code, output = run("validate", "--no-cache", str(contract))
    assert code == 0, output
    assert "PC250" in output and "add measure" in output
    code, output = run("score", str(contract), "-r", str(results), "-f", "json")
    rows = {p["id"]: p for p in json.loads(output)["progress"]}
    assert rows["RATE"]["status"] == "no-quarterly-target"
    assert rows["RATE"]["quarter_target"] is None
    assert rows["RATE"]["projected_raw_score"] is None


def test_the_card_labels_the_new_statuses(tmp_path: Path) -> None:
    contract, results = _files(tmp_path)
    annual = tmp_path / "results-annual.yaml"
    annual.write_text(
        RESULTS.replace("period: Q2", "period: annual").replace("2024-12-31", "2025-06-30"),
        encoding="utf-8",
    )
    code, output = run(
        "report", str(contract), "-r", str(annual), "--quarterly", str(results), "-f", "md"
    )
    assert code == 0, output
    assert "| not yet due |" in output
    assert "1 on track; 1 at risk; 1 not yet due." in output


LEVEL_SUMMED = "a level such as a rate or a turnaround time is not added up"


@pytest.mark.parametrize(
    ("measure", "aggregation", "why"),
    [
        ("level", "sum", LEVEL_SUMMED),
        ("level", "mean", None),
        ("level", "min", None),
        ("level", "max", None),
        ("level", "none", None),
        ("cumulative", "sum", None),
        ("cumulative", "mean", "a count that adds up is not rolled up by mean"),
        ("cumulative", "min", "a count that adds up is not rolled up by min"),
        ("cumulative", "max", "a count that adds up is not rolled up by max"),
        ("cumulative", "none", None),
    ],
)
def test_pc251_measure_against_aggregation(
    tmp_path: Path, measure: str, aggregation: str, why: str | None
) -> None:
    contract, _ = _files(tmp_path)
    contract.write_text(
        contract.read_text(encoding="utf-8").replace(
            "        measure: level\n",
            f"        measure: {measure}\n        aggregation: {aggregation}\n",
        ),
        encoding="utf-8",
    )
    code, output = run("validate", "--no-cache", "--format", "json", str(contract))
    assert code == 0, output  # a warning
    found = [p["message"] for p in json.loads(output)["problems"] if p["code"] == "PC251"]
    expected = f"RATE: measure: {measure} contradicts aggregation: {aggregation}: {why}"
    assert found == ([expected] if why else [])
