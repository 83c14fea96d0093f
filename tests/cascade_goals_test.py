"""Cascading goals and a unit's own indicators, end to end through the CLI: the
drafts validate with their parent, keep notes and x- fields, and roll up and diff
per sub-indicator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pcontract.cli.app import app
from pcontract.model import Contract, Results
from pcontract.negotiation.diff import compare
from pcontract.scoring.rollup import families, rollup
from tests.conftest import TESTS

runner = CliRunner()
DATA = TESTS / "data" / "cascade-goals"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "t")
    return tmp_path / "t"


def _cascade(root: Path, plan: str = "plan.yaml") -> Any:
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / plan)]
    return runner.invoke(app, [*args, "--out", str(root / "drafts")])


def _draft(root: Path, unit: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (root / "drafts" / f"kpa-2024-25-{unit}.yaml").read_text()
    )
    return data


def _items(draft: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The draft's indicators and goals, and their sub-indicators, by id."""
    out = {}
    for category in draft["criteria"]:
        for item in category["indicators"]:
            out[item["id"]] = item
            out.update({member["id"]: member for member in item.get("sub_indicators", ())})
    return out


def test_goal_carried_whole_and_own_indicator(tree: Path) -> None:
    result = _cascade(tree)
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", str(tree)]).exit_code == 0
    mombasa = _items(_draft(tree, "mombasa"))
    goal = mombasa["FS01"]
    # The goal keeps its own notes and x- field, and points at the parent's goal.
    assert goal["notes"] == "A goal rated with the summed weight of its sub-indicators"
    assert goal["x-matrix-row"] == 12
    assert goal["cascaded_from"] == {"contract": "kpa-2024-25", "indicator": "FS01"}
    assert [m["id"] for m in goal["sub_indicators"]] == ["FS01a", "FS01b"]
    for member in goal["sub_indicators"]:
        assert member["cascaded_from"] == {"contract": "kpa-2024-25", "indicator": member["id"]}
    # 60% of each sub-indicator's target: 60% of 10 and of 5.
    assert (mombasa["FS01a"]["target"], mombasa["FS01b"]["target"]) == (6, 3)
    assert mombasa["FS01b"]["notes"] == "From the Auditor-General"
    # A carried indicator keeps notes, alignment, measure and x- fields.
    assert mombasa["FS02"]["notes"] == "Agreed at negotiation"
    assert mombasa["FS02"]["x-source"] == "Treasury circular 3/2024"
    assert mombasa["FS02"]["alignment"] == ["sdg:16.6"]
    assert mombasa["FS02"]["measure"] == "cumulative"
    # The own indicator, in the parent's core category, with no cascaded_from.
    own = mombasa["MD01"]
    assert own["name"] == "Number of division meetings" and "cascaded_from" not in own
    assert "category" not in own and own["notes"] == "Held monthly"
    # Parent weights 30, 10, 20, 40 and own 10 make 110, rescaled to 100:
    # 27.2727, 9.0909, 18.1818, 36.3636, 9.0909 floor to 99.99; the cent left goes
    # to the largest remainder, 36.3636.
    weights = {i: mombasa[i]["weight"] for i in ("FS01a", "FS01b", "FS02", "CM01", "MD01")}
    assert weights == {"FS01a": 27.27, "FS01b": 9.09, "FS02": 18.18, "CM01": 36.37, "MD01": 9.09}
    assert goal["weight"] == 36.36  # 27.27 + 9.09: PC210 holds
    core = _draft(tree, "mombasa")["criteria"][1]
    assert (core["id"], core["weight"]) == ("core", 45.46)  # 36.37 + 9.09


def test_sub_indicators_carried_alone_and_an_own_goal_in_a_new_category(tree: Path) -> None:
    assert _cascade(tree).exit_code == 0
    lamu = _draft(tree, "lamu")
    items = _items(lamu)
    # FS01a and FS01b are carried one by one: top-level, cascaded from the parent's.
    financial = [i["id"] for i in lamu["criteria"][0]["indicators"]]
    assert financial == ["FS01a", "FS01b", "FS02"]
    assert items["FS01a"]["cascaded_from"]["indicator"] == "FS01a"
    welfare = lamu["criteria"][2]
    assert (welfare["id"], welfare["name"]) == ("welfare", "Staff Welfare")
    # Parent 30, 10, 20, 40 and own 10, 10 make 120: 25, 8.333, 16.667, 33.333,
    # 8.333, 8.333 floor to 99.98; the two cents go to the largest remainders,
    # FS02 (0.0067) and then the first of the ties at 0.0033, FS01b.
    assert [items[i]["weight"] for i in ("FS01a", "FS01b", "FS02", "CM01", "LD01a", "LD01b")] == [
        25,
        8.34,
        16.67,
        33.33,
        8.33,
        8.33,
    ]
    assert items["LD01"]["weight"] == 16.66 == welfare["weight"]


def test_the_drafts_goal_is_checked_and_sums_are_per_sub_indicator(tree: Path) -> None:
    assert _cascade(tree).exit_code == 0
    draft = tree / "drafts" / "kpa-2024-25-mombasa.yaml"
    text = draft.read_text()
    draft.write_text(text.replace("target: 6\n", "target: 7\n", 1))
    result = runner.invoke(app, ["validate", str(tree)])
    assert result.exit_code == 1
    # Mombasa's 7 and Lamu's 4 against the parent sub-indicator's 10.
    assert "FS01a: children's targets add up to 11, not the parent's target 10" in result.output
    draft.write_text(text.replace("weight: 36.36\n", "weight: 40\n", 1))
    result = runner.invoke(app, ["validate", str(draft), "--context", str(tree)])
    assert result.exit_code == 1
    assert "PC210" in result.output and "goal FS01 has weight 40" in result.output


def test_every_weight_set_takes_own_weights_as_given(tree: Path) -> None:
    plan = tree / "plan.yaml"
    plan.write_text(
        plan.read_text()
        .replace("FS01: {share: 60%}", "FS01: {share: 60%, weight: 40}")
        .replace("FS02: {share: 60%}", "FS02: {share: 60%, weight: 20}")
        .replace("CM01: {share: 60%}", "CM01: {share: 60%, weight: 30}")
    )
    assert _cascade(tree).exit_code == 0
    items = _items(_draft(tree, "mombasa"))
    # The goal's 40 splits as the parent's 30 and 10; the own 10 stays 10.
    assert [items[i]["weight"] for i in ("FS01", "FS01a", "FS01b", "FS02", "CM01", "MD01")] == [
        40,
        30,
        10,
        20,
        30,
        10,
    ]


def test_an_own_id_taken_by_a_carried_sub_indicator_is_located(tree: Path) -> None:
    plan = tree / "plan.yaml"
    plan.write_text(plan.read_text().replace("{id: MD01,", "{id: FS01b,"))
    result = runner.invoke(app, ["validate", str(tree), "--format", "json"])
    assert result.exit_code == 1
    (problem,) = json.loads(result.output)["problems"]
    assert (problem["code"], problem["path"]) == ("PC244", "$.units[0].own[0].id")
    assert "the id FS01b is the id of an indicator the unit carries" in problem["message"]
    assert _cascade(tree).exit_code == 1


def _contract(root: Path, name: str) -> Contract:
    return Contract.from_raw(yaml.safe_load((root / name).read_text()))


def test_rollup_works_per_sub_indicator(tree: Path) -> None:
    assert _cascade(tree).exit_code == 0
    parent = _contract(tree, "contract.yaml")
    children = [_contract(tree / "drafts", f"kpa-2024-25-{u}.yaml") for u in ("mombasa", "lamu")]

    def results(cid: str, actuals: dict[str, Any]) -> Results:
        achievements = {k: {"actual": v} for k, v in actuals.items()}
        raw = {"contract": cid, "period": "annual", "as_of": "2025-06-30"}
        return Results.from_raw({**raw, "achievements": achievements})

    annual = {
        "kpa-2024-25-mombasa": results("kpa-2024-25-mombasa", {"FS01a": 7, "FS01b": 2}),
        "kpa-2024-25-lamu": results("kpa-2024-25-lamu", {"FS01a": 4.5, "FS01b": 1}),
    }
    rolled = rollup(families([parent, *children], annual)["kpa-2024-25"])
    assert rolled.results is not None
    # Summed per sub-indicator: 7 + 4.5 and 2 + 1.
    assert rolled.results.achievements["FS01a"].actual == 11.5
    assert rolled.results.achievements["FS01b"].actual == 3
    assert "FS01" not in rolled.results.achievements  # the goal is not reported
    assert rolled.figures["FS01a"][1] == {"kpa-2024-25-mombasa": 7, "kpa-2024-25-lamu": 4.5}


GOAL_OLD = TESTS / "cases" / "valid" / "goal-sub-indicators" / "contract.yaml"


def _goal_new(tmp_path: Path) -> Path:
    """The goal renamed and re-weighted, FS01a's target raised, FS01d removed, FS02
    moved into the goal, and a new goal FS03."""
    raw = yaml.safe_load(GOAL_OLD.read_text())
    indicators = raw["criteria"][0]["indicators"]
    goal, fs02 = indicators
    goal["name"] = "Gross profit of KES 3.0 bn"
    goal["weight"] = 10
    goal["sub_indicators"][0]["target"] = 11
    del goal["sub_indicators"][3]
    goal["sub_indicators"].append({**fs02, "weight": 4})
    fs03 = {"id": "FS03a", "name": "Months of cover", "weight": 90, "kind": "increase"}
    goal3 = {"id": "FS03", "name": "Cash reserves", "weight": 90}
    goal3["sub_indicators"] = [{**fs03, "target": 3, "measure": "level"}]
    raw["criteria"][0]["indicators"] = [goal, goal3]
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(raw, sort_keys=False))
    shutil.copy(GOAL_OLD.parent / "guidelines.yaml", tmp_path / "guidelines.yaml")
    return new


def test_compare_reports_goals_by_id(tmp_path: Path) -> None:
    old = Contract.from_raw(yaml.safe_load(GOAL_OLD.read_text()))
    new = Contract.from_raw(yaml.safe_load(_goal_new(tmp_path).read_text()))
    rows = [(c.where, c.action, c.field, c.old, c.new, c.goal) for c in compare(old, new)]
    name = "Annual gross profit worth KES 3.0 bn generated by June 2025"
    assert rows == [
        ("goal FS01", "changed", "name", name, "Gross profit of KES 3.0 bn", "FS01"),
        ("goal FS01", "changed", "weight", 8, 10, "FS01"),
        ("FS01a", "changed", "target", 10, 11, "FS01"),
        ("FS02", "changed", "goal", None, "FS01", "FS01"),
        ("FS02", "changed", "weight", 92, 4, "FS01"),
        ("goal FS03", "added", "goal", None, 90, "FS03"),
        ("FS03a", "added", "indicator", None, 3, "FS03"),
        ("FS01d", "removed", "indicator", True, None, "FS01"),
    ]
    back = [(c.where, c.action, c.field, c.old, c.new) for c in compare(new, old)]
    assert ("FS02", "changed", "goal", "FS01", None) in back
    assert ("goal FS03", "removed", "goal", 90, None) in back


def test_diff_output_names_goals(tmp_path: Path) -> None:
    new = _goal_new(tmp_path)
    new.write_text(new.read_text().replace("weight: 10\n", "weight: 11\n", 1))
    args = ["diff", str(GOAL_OLD), str(new)]
    result = runner.invoke(app, [*args, "--format", "json"])
    changes = json.loads(result.output)["contracts"][0]["changes"]
    weight = next(c for c in changes if c["where"] == "goal FS01" and c["field"] == "weight")
    assert (weight["indicator"], weight["goal"], weight["old"], weight["new"]) == (
        None,
        "FS01",
        8,
        11,
    )
    # The goal's 11 is not its sub-indicators' 2 + 2 + 2 + 4 = 10.
    assert weight["flags"] == ["PC210"]
    md = runner.invoke(app, [*args, "--format", "md"]).output
    assert "| goal FS01 | Gross profit of KES 3.0 bn | goal weight | 8 | 11 |" in md
    assert "| FS01 › FS02 | Debt collected | goal \\(moved into FS01\\) | — | FS01 |" in md
    assert "| FS01 › FS01d | Unqualified audit opinion | indicator removed |" in md
    text = runner.invoke(app, args).output
    assert "goal added" in text and "FS03 › FS03a" in text
