"""Roll-up of children's results into the parent, with hand-computed figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from pcontract.cli.app import app
from pcontract.model import Contract, Results
from pcontract.scoring.rollup import aggregate, families, rollup
from tests.conftest import TESTS

runner = CliRunner()


def contract(cid: str, parent: str | None, indicators: list[dict[str, Any]]) -> Contract:
    total = sum(i["weight"] for i in indicators)
    return Contract.from_raw(
        {
            "id": cid,
            "financial_year": "2024/2025",
            "period": {"start": "2024-07-01", "end": "2025-06-30"},
            "institution": {"name": cid, "category": "department"},
            "parent": parent,
            "criteria": [{"id": "c", "name": "C", "weight": total, "indicators": indicators}],
        }
    )


def ind(
    iid: str, target: Any, kind: str = "increase", agg: str = "sum", **extra: Any
) -> dict[str, Any]:
    return {
        "id": iid,
        "name": iid,
        "weight": 50,
        "kind": kind,
        "target": target,
        "aggregation": agg,
        **extra,
    }


def results(cid: str, actuals: dict[str, Any]) -> Results:
    return Results.from_raw(
        {
            "contract": cid,
            "period": "annual",
            "as_of": "2025-06-30",
            "achievements": {k: {"actual": v} for k, v in actuals.items()},
        }
    )


def carried(
    iid: str, parent: str, target: Any, kind: str = "increase", agg: str = "sum"
) -> dict[str, Any]:
    return ind(iid, target, kind, agg, cascaded_from={"contract": parent, "indicator": iid})


def test_aggregations_by_hand() -> None:
    assert aggregate("increase", "sum", [100, 250.5, 49.5]) == 400
    assert aggregate("increase", "mean", [10, 20, 30, 41]) == 25.25
    assert aggregate("decrease", "min", [9, 7.5, 12]) == 7.5
    assert aggregate("milestone", "max", ["2025-03-01", "2025-04-15"]) == "2025-04-15"
    assert aggregate("binary", "min", [True, False]) is False
    assert aggregate("binary", "max", [True, False]) is True
    assert aggregate("milestone", "mean", ["2025-03-01"]) is None
    assert aggregate("increase", "none", [1]) is None


def test_three_levels_roll_up_and_report_gaps_and_disagreements() -> None:
    ministry = contract("m", None, [ind("CM01", 1000), ind("SD01", 10, "decrease", "mean")])
    dept_a = contract(
        "a", "m", [carried("CM01", "m", 600), carried("SD01", "m", 10, "decrease", "mean")]
    )
    dept_b = contract(
        "b", "m", [carried("CM01", "m", 400), carried("SD01", "m", 10, "decrease", "mean")]
    )
    officer_1 = contract("a1", "a", [carried("CM01", "a", 350)])
    officer_2 = contract("a2", "a", [carried("CM01", "a", 250)])
    annual = {
        # a's own CM01 figure (500) disagrees with its officers' 330 + 290 = 620.
        "a": results("a", {"CM01": 500, "SD01": 8}),
        "a1": results("a1", {"CM01": 330}),
        "a2": results("a2", {"CM01": 290}),
        "b": results("b", {"CM01": 410}),  # b reports no SD01
        "m": results("m", {"CM01": 1000, "SD01": 9}),
    }
    tree = families([ministry, dept_a, dept_b, officer_1, officer_2], annual)
    rolled = rollup(tree["m"])
    assert rolled.results is not None
    # CM01 = a (620, itself rolled up from a1 and a2) + b (410) = 1030.
    assert rolled.figures["CM01"] == (1030, {"a": 620, "b": 410})
    assert rolled.results.achievements["CM01"].actual == 1030
    # SD01 mean over the children that reported: only a (8).
    assert rolled.figures["SD01"] == (8, {"a": 8})
    assert [(n.code, n.message) for n in rolled.notes] == [
        ("PC514", "CM01: the reported figure 1000 differs from the rolled-up 1030"),
        ("PC511", "SD01: b has no result for SD01"),
        ("PC513", "SD01: rolled up from 1 of 2 children"),
        ("PC514", "SD01: the reported figure 9 differs from the rolled-up 8"),
    ]
    # Each points at what it concerns: the parent's reported figure, the child's
    # indicator that has no result, the parent's indicator rolled up short.
    assert [n.path for n in rolled.notes] == [
        ("achievements", "CM01"),
        ("criteria", 0, "indicators", 1),  # b's SD01
        ("criteria", 0, "indicators", 1),  # m's SD01
        ("achievements", "SD01"),
    ]
    assert [n.message for n in rollup(tree["a"]).notes] == [
        "CM01: the reported figure 500 differs from the rolled-up 620",
    ]


def test_score_with_rollup_from_cascaded_drafts(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(TESTS / "data" / "cascade", root)
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / "plan.yaml")]
    assert runner.invoke(app, [*args, "--out", str(root / "drafts")]).exit_code == 0
    header = "apiVersion: pcontract/v1\nkind: Results\nperiod: annual\nas_of: 2025-06-30\n"
    (root / "drafts" / "a-results.yaml").write_text(
        header
        + "contract: min-2024-25-a\nachievements:\n  CM01: {actual: 330000}\n  SD01: {actual: 9}\n"
    )
    (root / "drafts" / "b-results.yaml").write_text(
        header
        + "contract: min-2024-25-b\nachievements:\n"
        + "  CM01: {actual: 180000}\n  CC01: {actual: true}\n"
    )
    parent_results = root / "results.yaml"
    parent_results.write_text(
        header
        + "contract: min-2024-25\nachievements:\n  CM01: {actual: 500000}\n"
        + "  SD01: {actual: 11}\n  CC01: {actual: true}\n"
    )
    base = ["score", str(root / "contract.yaml"), "-r", str(parent_results), "-f", "json"]
    # Without roll-up: CM01 500,000 is on target (3.0); SD01 11 days against a
    # target of 10 with poor at 14 is 3 + 1/4 * 2 = 3.5; CC01 done is 3.0.
    # composite = 3.0 * 0.4 + 3.5 * 0.3 + 3.0 * 0.3 = 1.2 + 1.05 + 0.9 = 3.15
    plain = json.loads(runner.invoke(app, base).output)
    assert plain["composite"] == 3.15
    # With roll-up: CM01 = 330,000 + 180,000 = 510,000, with excellent at
    # 600,000: 3 - (10,000 / 100,000) * 2 = 2.8; SD01 and CC01 are aggregated
    # "none", so the parent's own figures stay.
    # composite = 2.8 * 0.4 + 1.05 + 0.9 = 3.07
    result = runner.invoke(app, [*base, "--rollup", str(root)])
    assert result.exit_code == 0, result.output
    rolled = json.loads(result.output)
    assert rolled["composite"] == 3.07
    cm01 = next(i for i in rolled["indicators"] if i["id"] == "CM01")
    assert cm01["actual"] == 510000
    assert cm01["raw_score"] == 2.8
    differs = [w for w in rolled["warnings"] if w["code"] == "PC514"]
    assert [w["message"] for w in differs] == [
        "CM01: the reported figure 500000 differs from the rolled-up 510000"
    ]
    # Located in the parent's results, on CM01's entry.
    assert differs[0]["file"] == str(parent_results)
    assert differs[0]["path"] == "$.achievements.CM01"
    assert differs[0]["line"] == 7 and differs[0]["severity"] == "warning"


def _level_family(parent_indicator: dict[str, Any]) -> Any:
    parent = contract("p", None, [parent_indicator])
    kids = [contract(cid, "p", [carried("R1", "p", 90, agg="none")]) for cid in ("a", "b", "c")]
    annual = {"a": results("a", {"R1": 80}), "b": results("b", {"R1": 90})}
    annual["c"] = results("c", {"R1": 97})
    return rollup(families([parent, *kids], annual)["p"])


def test_a_level_rolls_up_by_its_mean_and_a_count_by_its_sum() -> None:
    # measure: level with no aggregation: (80 + 90 + 97) / 3 = 89.
    level = _level_family(
        {k: v for k, v in ind("R1", 90, measure="level").items() if k != "aggregation"}
    )
    assert level.figures["R1"][0] == 89
    # Even under aggregation: sum, a level is never added up: the mean again.
    assert _level_family(ind("R1", 90, agg="sum", measure="level")).figures["R1"][0] == 89
    # min still applies to a level: 80.
    assert _level_family(ind("R1", 90, agg="min", measure="level")).figures["R1"][0] == 80
    # cumulative with no aggregation: 80 + 90 + 97 = 267.
    cumulative = {
        k: v for k, v in ind("R1", 90, measure="cumulative").items() if k != "aggregation"
    }
    assert _level_family(cumulative).figures["R1"][0] == 267
    # aggregation: none written is not rolled up, whatever the measure.
    assert _level_family(ind("R1", 90, agg="none", measure="level")).figures == {}
