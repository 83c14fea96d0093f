"""score and rank from the command line, on the shipped examples and small trees.

The composites asserted here are hand-computed in tests/scoring_test.py for the
scoring core; these tests check the wiring: validation first, formats, exit codes.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from pcontract.cli.app import app
from tests.conftest import EXAMPLES, TREE, run, runner


def test_score_json_shape_on_a_hand_checked_tree() -> None:
    # CM01 increase: target 1,000,000, excellent 1,200,000 -> actual 1,020,000 is
    #   3 - (20,000 / 200,000) * 2 = 2.8 (two score points between target and excellent)
    # CM02 milestone: target 2025-03-31, default excellent -30 days (2025-03-01);
    #   done 2025-05-15 is 45 days late, poor is +60 days: 3 + 45/60 * 2 = 4.5
    # CC01 binary, done: 3.0.  CC02 not applicable -> weights 30, 20, 25 rescaled
    #   to 40, 26.667, 33.333 of 100.
    # composite = (2.8 * 30 + 4.5 * 20 + 3 * 25) / 75 = (84 + 90 + 75) / 75 = 3.32
    code, output = run(
        "score",
        str(TREE / "contracts" / "moina.yaml"),
        "--results",
        str(TREE / "contracts" / "results.yaml"),
        "--format",
        "json",
    )
    assert code == 0, output
    payload = json.loads(output)
    assert payload["composite"] == 3.32
    assert payload["grade"] == "Good"
    statuses = {i["id"]: (i["status"], i["raw_score"]) for i in payload["indicators"]}
    assert statuses == {
        "CM01": ("scored", 2.8),
        "CM02": ("scored", 4.5),
        "CC01": ("scored", 3.0),
        "CC02": ("not-applicable", None),
    }


def test_score_refuses_invalid_input_with_diagnostics(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    contract = tree / "contracts" / "moina.yaml"
    contract.write_text(
        contract.read_text().replace("        weight: 30\n", "        weight: 25\n"), "utf-8"
    )
    result = runner.invoke(
        app, ["score", str(contract), "--results", str(tree / "contracts" / "results.yaml")]
    )
    assert result.exit_code == 1
    assert "indicator weights add up to 95, not 100" in result.output


def test_score_markdown_escapes_table_breakers(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    contract = tree / "contracts" / "moina.yaml"
    text = contract.read_text().replace(
        "name: National identity cards issued", "name: 'Cards | <script>alert(1)</script>'"
    )
    contract.write_text(text, "utf-8")
    code, output = run(
        "score", str(contract), "-r", str(tree / "contracts" / "results.yaml"), "-f", "md"
    )
    assert code == 0, output
    assert "<script>" not in output
    assert "Cards \\| &lt;script&gt;alert\\(1\\)&lt;/script&gt;" in output


def test_score_quarterly_gives_no_grade() -> None:
    code, output = run(
        "score",
        str(EXAMPLES / "moina" / "contract.yaml"),
        "-r",
        str(EXAMPLES / "moina" / "results-fy2024-25-q2.yaml"),
        "-f",
        "json",
    )
    assert code == 0, output
    payload = json.loads(output)
    assert payload["composite"] is None and payload["grade"] is None
    assert {p["status"] for p in payload["progress"]} <= {
        "on-track",
        "at-risk",
        "off-track",
        "not-due",
        "not-applicable",
        "not-reported",
    }


def test_rank_examples_json() -> None:
    code, output = run("rank", str(EXAMPLES), "--format", "json")
    assert code == 0, output
    rows = json.loads(output)
    # 15 institutions, two years each, and the Ministry of Interior's three
    # departments and three officers in 2024/2025.
    assert len(rows) == 36
    assert {"moina-2024-25", "bomet-health-2023-24", "moina-2024-25-ics-nrb"} <= {
        r["contract"] for r in rows
    }
    leagues = ("Ministries", "State Corporations", "County Governments", "Public Universities")
    tables = {(r["financial_year"], r["category_name"]) for r in rows}
    assert tables == {(year, name) for year in ("2023/2024", "2024/2025") for name in leagues} | {
        ("2024/2025", "Departments and Directorates"),
        ("2024/2025", "Officers (SPAS)"),
    }
    # Each league ranks from number 1 to last.
    for table in tables:
        ranks = [r["rank"] for r in rows if (r["financial_year"], r["category_name"]) == table]
        assert ranks == list(range(1, len(ranks) + 1)), table
    moina = next(r for r in rows if r["contract"] == "moina-2024-25")
    assert (moina["rank"], moina["composite"], moina["grade"]) == (2, 2.8522, "Very Good")
    # Last year (examples/moina-fy2023-24/) it was third of four with 3.0951, Good:
    # up one place, 2.8522 - 3.0951 = -0.2429, better.
    assert moina["previous"] == {
        "financial_year": "2023/2024",
        "contract": "moina-2023-24",
        "rank": 3,
        "composite": 3.0951,
        "grade": "Good",
    }
    assert moina["movement"] == {"places": 1, "composite_change": -0.2429, "composite": "better"}
    assert set(rows[0]) == {
        "rank",
        "contract",
        "institution",
        "category",
        "composite",
        "grade",
        "flags",
        "warnings",
        "financial_year",
        "category_name",
        "previous",
        "movement",
    }


def test_rank_contract_without_results_is_last_and_flagged(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    second = tree / "contracts" / "second.yaml"
    text = (tree / "contracts" / "moina.yaml").read_text()
    second.write_text(text.replace("id: moina-2024-25", "id: second-2024-25"), "utf-8")
    code, output = run("rank", str(tree), "--format", "csv")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [(r["rank"], r["contract"], r["grade"]) for r in rows] == [
        ("1", "moina-2024-25", "Good"),
        ("2", "second-2024-25", "Poor"),
    ]
    assert rows[1]["flags"] == "no results submitted"
