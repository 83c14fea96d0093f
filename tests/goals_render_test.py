"""Goals (indicators holding sub_indicators), notes and parent/child links in the
outputs: ``score`` in every format, the report card in Markdown and HTML, the
quarterly progress tables and the site.

The numbers are worked by hand from tests/cases/valid/goal-sub-indicators: the
guidelines' default criteria are increase excellent 1.2x / poor 0.6x and decrease
excellent 0.8x / poor 1.4x, on the 1 (best) to 5 (worst) scale, 3 at the target.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pcontract.render import reports
from tests.conftest import TESTS, run

CASE = TESTS / "cases" / "valid" / "goal-sub-indicators"
GOLDEN = TESTS / "golden"
# The console script of the environment running the tests (the installed CLI).
PCONTRACT = Path(sys.executable).parent / "pcontract"

# FS01a 12 vs target 10, excellent at 1.2 x 10 = 12: the best score, 1.
# FS01b 5 = its target 5: 3.
# FS01c 24 vs target 30, poor at 0.6 x 30 = 18: 24 is halfway from 30 to 18, so
#   halfway from 3 to 5: 4.
# FS01d true, achieved: 3.
# FS02 10 = its target: 3.
RAW = {"FS01a": 1.0, "FS01b": 3.0, "FS01c": 4.0, "FS01d": 3.0, "FS02": 3.0}
# The goal: (2·1 + 2·3 + 2·4 + 2·3) / (2+2+2+2) = 22 / 8 = 2.75.
GOAL_RAW = 2.75
# Its weighted score: 2·(1+3+4+3) / 100 = 0.22.
GOAL_WEIGHTED = 0.22
# The composite: (2·1 + 2·3 + 2·4 + 2·3 + 92·3) / 100 = (22 + 276) / 100 = 2.98.
COMPOSITE = 2.98

HOSTILE = "<script>alert(1)</script> | `tick` **bold**\nsecond line [x](javascript:alert(1))"

FLAT_INDICATORS = """\
      - {id: FS01a, name: Revenue collected, unit: KES bn, weight: 2, kind: increase, \
baseline: {2023/2024: 9}, target: 10, measure: cumulative}
      - {id: FS01b, name: Operating costs, unit: KES bn, weight: 2, kind: decrease, \
baseline: {2023/2024: 6}, target: 5, measure: cumulative}
      - {id: FS01c, name: Gross margin, unit: "%", weight: 2, kind: increase, \
baseline: {2023/2024: 28}, target: 30, measure: level}
      - {id: FS01d, name: Unqualified audit opinion, weight: 2, kind: binary, target: true}
"""

Q2 = """apiVersion: pcontract/v1
kind: Results
contract: kpa-2024-25
period: Q2
as_of: 2024-12-31
achievements:
  FS01a: {actual: 6}
  FS01b: {actual: 2.5}
  FS01c: {actual: 24}
  FS01d: {actual: true}
  FS02: {actual: 5}
"""

CHILD = """apiVersion: pcontract/v1
kind: Contract
id: kpa-2024-25-{unit}
title: Performance Contract — {name}
financial_year: 2024/2025
period: {{start: 2024-07-01, end: 2025-06-30}}
institution: {{name: {name}, category: state-corporation}}
parties:
  principal: {{title: Managing Director}}
  agent: {{title: Port Manager}}
status: draft
parent: kpa-2024-25
guidelines: guidelines.yaml
criteria:
  - id: financial
    name: Financial Stewardship
    weight: 100
    indicators:
      - {{id: N01, name: Debt collected, unit: KES bn, weight: 100, kind: increase, \
baseline: {{2023/2024: 4}}, target: 5, measure: cumulative}}
"""

CHILD_RESULTS = """apiVersion: pcontract/v1
kind: Results
contract: kpa-2024-25-north
period: annual
as_of: 2025-06-30
achievements:
  N01: {actual: 6}
"""


def case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    (folder / "q2.yaml").write_text(Q2, encoding="utf-8")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def flat(folder: Path) -> Path:
    """The same contract written flat: the four sub-indicators at the top level."""
    text = (folder / "contract.yaml").read_text(encoding="utf-8")
    start = text.index("      - id: FS01\n")
    end = text.index("      - {id: FS02")
    path = folder / "flat.yaml"
    path.write_text(text[:start] + FLAT_INDICATORS + text[end:], encoding="utf-8")
    return path


def hostile(folder: Path) -> Path:
    """The case with a hostile note on the goal and on a sub-indicator."""
    contract = folder / "contract.yaml"
    edit(
        contract,
        "notes: A goal rated with the summed weight of its four KPIs",
        f"notes: {json.dumps('goal ' + HOSTILE)}",
    )
    edit(
        contract,
        "target: 30, measure: level}",
        f"target: 30, measure: level, notes: {json.dumps('margin ' + HOSTILE)}}}",
    )
    return contract


def installed(*args: str) -> dict[str, Any]:
    """``pcontract ARGS --format json`` through the installed console script."""
    done = subprocess.run(
        [str(PCONTRACT), *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def cli(*args: str) -> str:
    code, output = run(*args)
    assert code == 0, output
    return output


# ---------------------------------------------------------------------------
# score --format json


def test_score_json_has_goals_and_matches_the_flat_contract(tmp_path: Path) -> None:
    folder = case(tmp_path)
    results = str(folder / "results.yaml")
    data = installed("score", str(folder / "contract.yaml"), "-r", results)
    items = {i["id"]: i for i in data["indicators"]}
    assert {key: items[key]["raw_score"] for key in RAW} == RAW
    (goal,) = data["goals"]
    assert goal == {
        "id": "FS01",
        "name": "Annual gross profit worth KES 3.0 bn generated by June 2025",
        "category": "financial",
        "weight": 8.0,
        "effective_weight": 8.0,
        "raw_score": GOAL_RAW,
        "weighted_score": GOAL_WEIGHTED,
        "indicators": ["FS01a", "FS01b", "FS01c", "FS01d"],
        "notes": "A goal rated with the summed weight of its four KPIs",
        "projected_raw_score": None,  # annual results: no projection
    }
    assert [items[k]["goal"] for k in RAW] == ["FS01", "FS01", "FS01", "FS01", None]
    assert all(items[k]["notes"] is None for k in RAW)
    assert data["composite"] == COMPOSITE

    written_flat = installed("score", str(flat(folder)), "-r", results)
    assert written_flat["composite"] == data["composite"]
    assert written_flat["goals"] == []
    assert all(i["goal"] is None for i in written_flat["indicators"])
    # Every key a flat contract's indicator had before goals, in the same order,
    # then the two new ones.
    keys = list(written_flat["indicators"][0])
    assert keys[-2:] == ["goal", "notes"]
    assert keys[:-2] == [
        "id",
        "name",
        "category",
        "kind",
        "unit",
        "weight",
        "effective_weight",
        "target",
        "actual",
        "reported",
        "moderation",
        "verified",
        "moderated",
        "verification",
        "scored_from",
        "achievement_pct",
        "raw_score",
        "weighted_score",
        "status",
        "evidence",
        "evidence_refs",
        "reason",
    ]


def test_score_json_gives_a_goals_projection_in_a_quarter(tmp_path: Path) -> None:
    folder = case(tmp_path)
    data = installed("score", str(folder / "contract.yaml"), "-r", str(folder / "q2.yaml"))
    # Q2, half the year: FS01a 6 heads for 12 (excellent, 1); FS01b 2.5 for 5
    # (target, 3); FS01c is a level, 24 (4); FS01d done (3).
    projected = {p["id"]: p["projected_raw_score"] for p in data["progress"]}
    assert [projected[k] for k in ("FS01a", "FS01b", "FS01c", "FS01d")] == [1.0, 3.0, 4.0, 3.0]
    # (2·1 + 2·3 + 2·4 + 2·3) / 8 = 2.75.
    assert data["goals"][0]["projected_raw_score"] == 2.75


# ---------------------------------------------------------------------------
# score, text and Markdown


def _row(output: str, start: str) -> str:
    found = [line for line in output.splitlines() if line.lstrip("│| ").startswith(start)]
    assert found, f"no row starting {start!r} in\n{output}"
    return found[0]


def test_score_text_shows_the_goal_row_over_its_sub_indicators(tmp_path: Path) -> None:
    folder = case(tmp_path)
    output = cli("score", str(folder / "contract.yaml"), "-r", str(folder / "results.yaml"))
    goal = _row(output, "FS01 ")
    assert "Annual gross profit" in goal
    assert re.search(r"│\s+8\.00\s+│", goal)  # the summed weight 2+2+2+2
    assert "2.7500" in goal and "0.2200" in goal
    lines = output.splitlines()
    at = lines.index(goal)
    members = [line for line in lines[at:] if "↳ " in line]
    assert [m.split("↳ ")[1].split()[0] for m in members] == ["FS01a", "FS01b", "FS01c", "FS01d"]
    assert "1.0000" in _row(output, "↳ FS01a") and "4.0000" in _row(output, "↳ FS01c")
    assert "↳" not in _row(output, "FS02")
    assert "note: A goal rated with the summed weight" in output


def test_score_text_quarterly_progress_has_the_goal_row(tmp_path: Path) -> None:
    folder = case(tmp_path)
    output = cli("score", str(folder / "contract.yaml"), "-r", str(folder / "q2.yaml"))
    progress = output[output.index("Quarterly progress") :]
    goal = _row(progress, "FS01 ")
    assert "goal" in goal and "2.7500" in goal  # the projected mean, worked above
    assert "↳ FS01a" in progress


def test_score_md_shows_the_goal_row_and_escapes_notes(tmp_path: Path) -> None:
    folder = case(tmp_path)
    contract = hostile(folder)
    output = cli("score", str(contract), "-r", str(folder / "results.yaml"), "-f", "md")
    goal = _row(output, "FS01 ")
    cells = [c.strip() for c in goal.strip().split("|")[1:-1]]
    assert cells[0] == "FS01"
    assert "weight 8.00" in cells[1]
    assert cells[6:] == ["2.7500", "0.2200", "goal"]
    assert _row(output, "↳ FS01a").startswith("| ↳ FS01a | Revenue collected |")
    notes = output[output.index("Notes:") :].splitlines()
    goal_note = next(line for line in notes if line.startswith("- FS01:"))
    margin = next(line for line in notes if line.startswith("- FS01c:"))
    for line in (goal_note, margin):
        assert "<script" not in line and "&lt;script&gt;" in line
        assert "\\|" in line and " | " not in line.replace("\\|", "")
        assert "\\`tick\\`" in line and "\\*\\*bold\\*\\*" in line
        assert "\\[x\\]\\(javascript:alert\\(1\\)\\)" in line
        assert "second line" in line  # the newline became a space: one list item
    assert "<script" not in output


def test_flat_contract_text_and_md_show_no_goal(tmp_path: Path) -> None:
    folder = case(tmp_path)
    contract, results = str(flat(folder)), str(folder / "results.yaml")
    for fmt in ("text", "md"):
        output = cli("score", contract, "-r", results, "-f", fmt)
        assert "↳" not in output and "goal" not in output
        assert "Notes" not in output and "note:" not in output


# ---------------------------------------------------------------------------
# The report card


def test_md_card_matches_its_golden_file(tmp_path: Path) -> None:
    folder = case(tmp_path)
    data = cli(
        "report",
        str(folder / "contract.yaml"),
        "-r",
        str(folder / "results.yaml"),
        "-q",
        str(folder / "q2.yaml"),
    ).encode("utf-8")
    golden = GOLDEN / "goal-card.md"
    if os.environ.get("PCONTRACT_UPDATE_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes(), "run with PCONTRACT_UPDATE_GOLDEN=1 to regenerate"


def test_md_card_groups_sub_indicators_under_the_goal(tmp_path: Path) -> None:
    folder = case(tmp_path)
    output = cli(
        "report",
        str(folder / "contract.yaml"),
        "-r",
        str(folder / "results.yaml"),
        "-q",
        str(folder / "q2.yaml"),
    )
    table = output[output.index("## Indicators") : output.index("## Performance gaps")]
    goal = _row(table, "FS01 ")
    cells = [c.strip() for c in goal.strip().split("|")[1:-1]]
    # id, indicator, 2023/2024, target, actual, achievement, result, weight, raw, weighted.
    assert cells[0] == "FS01" and cells[7] == "8.00" and cells[8:10] == ["2.7500", "0.2200"]
    lines = table.splitlines()
    at = lines.index(goal)
    assert lines[at + 1].startswith("| | *Note on FS01:* A goal rated")
    assert [line.split(" | ")[0] for line in lines[at + 2 : at + 6]] == [
        "| ↳ FS01a",
        "| ↳ FS01b",
        "| ↳ FS01c",
        "| ↳ FS01d",
    ]
    assert lines[at + 6].startswith("| FS02 |")
    # The category subtotal is the leaves' sum, as before: 2.98.
    assert "| | **Financial Stewardship** | | | | | | 100.00 | | 2.9800 | |" in table
    progress = output[output.index("## Quarterly progress") :]
    assert _row(progress, "FS01 ").rstrip().endswith("| 2.7500 |")
    assert "| ↳ FS01c | Gross margin |" in progress


def test_html_card_has_a_goal_row_and_escaped_notes_rows(tmp_path: Path) -> None:
    folder = case(tmp_path)
    contract = hostile(folder)
    html = cli(
        "report",
        str(contract),
        "-r",
        str(folder / "results.yaml"),
        "-q",
        str(folder / "q2.yaml"),
        "-f",
        "html",
    )
    assert "<script" not in html.lower()
    goal = re.search(r'<tr class="goal" data-goal="FS01">(.*?)</tr>', html, re.S)
    assert goal is not None
    assert "Annual gross profit" in goal[1] and "8.00" in goal[1] and "2.7500" in goal[1]
    assert re.search(r'class="indicator in-goal" data-indicator="FS01a" data-goal="FS01"', html)
    # A full-width row under the goal and under FS01c: 8 columns and the one
    # baseline year, 2023/2024.
    for ident, prefix in (("FS01", "goal "), ("FS01c", "margin ")):
        notes = rf'<tr class="notes" data-notes="{ident}">\s*<td colspan="9">(.*?)</td>'
        row = re.search(notes, html, re.S)
        assert row is not None, ident
        assert row[1].startswith(f"Note on {ident}: {prefix}&lt;script&gt;alert(1)&lt;/script&gt;")
        assert "[x](javascript:alert(1))" in row[1]  # plain text: HTML shows no link
    after = html[html.index('data-indicator="FS01c"') :]
    assert after.index('data-notes="FS01c"') < after.index("</tr>", after.index("</tr>") + 1)
    # The progress table: the goal's projected raw score, worked above.
    progress = html[html.index('id="progress-h"') :]
    goal_progress = re.search(r'<tr class="goal" data-goal="FS01">(.*?)</tr>', progress, re.S)
    assert goal_progress is not None and "2.7500" in goal_progress[1]


def test_flat_card_has_no_goal_or_notes_rows(tmp_path: Path) -> None:
    folder = case(tmp_path)
    html = cli("report", str(flat(folder)), "-r", str(folder / "results.yaml"), "-f", "html")
    assert 'class="goal"' not in html and 'class="notes"' not in html and "↳" not in html


# ---------------------------------------------------------------------------
# Parent and child cards


def tree(tmp_path: Path) -> Path:
    """The goal case as a parent with two children, North (annual results) and
    South (none)."""
    folder = case(tmp_path)
    for unit, name in (("north", "North Port"), ("south", "South Port")):
        (folder / f"{unit}.yaml").write_text(CHILD.format(unit=unit, name=name), "utf-8")
    (folder / "north-results.yaml").write_text(CHILD_RESULTS, "utf-8")
    return folder


def test_report_with_tree_lists_children_and_names_the_parent(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    parent = cli(
        "report",
        str(folder / "contract.yaml"),
        "-r",
        str(folder / "results.yaml"),
        "--tree",
        str(folder),
    )
    children = parent[parent.index("## Child contracts") : parent.index("## Indicators")]
    # North: 6 against target 5, excellent at 1.2 x 5 = 6: raw 1, composite 1.0000.
    assert "| kpa-2024-25-north | North Port | 1.0000 | Excellent |" in children
    assert "| kpa-2024-25-south | South Port | no annual results | — |" in children
    child = cli(
        "report",
        str(folder / "north.yaml"),
        "-r",
        str(folder / "north-results.yaml"),
        "--tree",
        str(folder),
    )
    assert "| Parent contract | kpa-2024-25, Example Ports Authority |" in child
    assert "## Child contracts" not in child


def test_report_without_tree_names_the_parent_id_only(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    child = cli("report", str(folder / "north.yaml"), "-r", str(folder / "north-results.yaml"))
    assert "| Parent contract | kpa-2024-25 |" in child
    parent = cli("report", str(folder / "contract.yaml"), "-r", str(folder / "results.yaml"))
    assert "Child contracts" not in parent


def test_site_cards_link_parent_and_children(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    out = tmp_path / "site"
    cli("site", str(folder), "-o", str(out))
    cards = out / reports.CARDS_FOLDER
    parent = (cards / "kpa-2024-25.html").read_text("utf-8")
    north = re.search(r'<tr data-child="kpa-2024-25-north">(.*?)</tr>', parent, re.S)
    assert north is not None
    assert '<a href="kpa-2024-25-north.html">' in north[1]
    assert "North Port" in north[1] and "1.0000" in north[1] and "Excellent" in north[1]
    south = re.search(r'<tr data-child="kpa-2024-25-south">(.*?)</tr>', parent, re.S)
    assert south is not None and "no annual results" in south[1]
    child = (cards / "kpa-2024-25-south.html").read_text("utf-8")
    assert (
        '<dt>Parent contract</dt><dd><a href="kpa-2024-25.html"><code>kpa-2024-25</code></a>, '
        "Example Ports Authority</dd>"
    ) in child


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_hostile_child_institution_is_escaped(tmp_path: Path, fmt: str) -> None:
    folder = tree(tmp_path)
    edit(folder / "north.yaml", "name: North Port,", f"name: {json.dumps(HOSTILE)},")
    output = cli(
        "report",
        str(folder / "contract.yaml"),
        "-r",
        str(folder / "results.yaml"),
        "--tree",
        str(folder),
        "-f",
        fmt,
    )
    assert "<script" not in output
    children = output[output.index("Child contracts") :]
    assert "&lt;script&gt;" in children


def test_md_card_escapes_hostile_notes(tmp_path: Path) -> None:
    folder = case(tmp_path)
    contract = hostile(folder)
    output = cli("report", str(contract), "-r", str(folder / "results.yaml"))
    assert "<script" not in output
    row = _row(output, "*Note on FS01c:*")
    # One table row: the newline is a space, the pipe and the link are escaped.
    assert row.endswith("second line \\[x\\]\\(javascript:alert\\(1\\)\\) |")
    assert row.count(" | ") == 1 and "\\|" in row and "\\`tick\\`" in row
