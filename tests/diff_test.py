"""`pcontract diff`: what changed between contract versions, flagged against the
vetting rules, from files, folders and git revisions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pcontract.cli.app import app
from pcontract.errors import InputError
from pcontract.files.reading import Limits
from pcontract.model import Contract
from pcontract.negotiation.diff import (
    LOWERED_AFTER_SIGNING,
    SIGNED_CHANGED,
    compare,
    diff_versions,
)
from pcontract.negotiation.versions import FileSource, Reader, parse
from pcontract.problems import Severity
from tests.conftest import EXAMPLES

runner = CliRunner()

# Diff's flags are the rules' problems: the codes and messages are validate's.
WEIGHTS_TOTAL = "PC201"
CATEGORY_WEIGHT = "PC202"
GROWTH_ORIENTED = "PC401"
CATEGORY_WEIGHTS = "PC403"

CONTRACT = """\
apiVersion: pcontract/v1
kind: Contract
id: min-2024-25
title: Ministry contract
financial_year: 2024/2025
period: {start: 2024-07-01, end: 2025-06-30}
institution: {name: Ministry of Testing, category: ministry}
parties:
  principal: {title: President}
  agent: {title: Cabinet Secretary}
status: negotiated
guidelines: guidelines.yaml
criteria:
  - id: core-mandate
    name: Core Mandate
    weight: 50
    indicators:
      - id: CM01
        name: Cards issued
        unit: cards
        weight: 30
        kind: increase
        baseline: {2022/2023: 350000, 2023/2024: 400000}
        target: 500000
        measure: cumulative
      - id: CM02
        name: Registry digitised
        weight: 20
        kind: milestone
        target: 2025-03-31
  - id: service-delivery
    name: Service Delivery
    weight: 20
    indicators:
      - id: SD01
        name: Turnaround days
        unit: days
        weight: 20
        kind: decrease
        baseline: {2023/2024: 12}
        target: 10
        measure: level
  - id: cross-cutting
    name: Cross-cutting Issues
    weight: 30
    indicators:
      - {id: CC01, name: Audit done, weight: 30, kind: binary, target: true}
"""

GUIDELINES = """\
apiVersion: pcontract/v1
kind: Guidelines
id: kenya-pc-fy2024-25
financial_year: 2024/2025
method: five-point
grades:
  - {grade: Excellent, max: 2.40}
  - {grade: Very Good, max: 3.00}
  - {grade: Good, max: 3.60}
  - {grade: Fair, max: 4.00}
  - {grade: Poor, max: 5.00}
categories:
  - {id: core-mandate, name: Core Mandate, weight: {min: 40, max: 60}}
  - {id: service-delivery, name: Service Delivery, weight: {min: 5, max: 30}}
  - {id: cross-cutting, name: Cross-cutting Issues, weight: {min: 5, max: 30}}
"""

RESULTS = """\
apiVersion: pcontract/v1
kind: Results
contract: min-2024-25
period: annual
as_of: 2025-06-30
achievements:
  CM01: {actual: 450000}
  CM02: {actual: 2025-03-31}
  SD01: {actual: 10}
  CC01: {actual: true}
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def edited(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, f"{old!r} not in the text"
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """old.yaml and new.yaml (a copy to edit), beside their guidelines."""
    (tmp_path / "guidelines.yaml").write_text(GUIDELINES)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(CONTRACT)
    new.write_text(CONTRACT)
    return old, new


TARGET_DOWN = ("target: 500000", "target: 380000")
RENAME_SD01 = ("name: Turnaround days", "name: Average turnaround time")


def row(markdown: str, first_cell: str, containing: str = "") -> str:
    """The table row that starts with ``first_cell`` (and contains ``containing``)."""
    rows = [
        line
        for line in markdown.splitlines()
        if line.startswith(f"| {first_cell} |") and containing in line
    ]
    assert len(rows) == 1, f"{first_cell!r} rows: {rows}\n{markdown}"
    return rows[0]


# -- acceptance ----------------------------------------------------------------------


def test_md_shows_the_target_change_below_baseline_and_the_rename(
    pair: tuple[Path, Path],
) -> None:
    old, new = pair
    new.write_text(edited(CONTRACT, TARGET_DOWN, RENAME_SD01))
    code, out = run("diff", str(old), str(new), "--format", "md")
    assert code == 0, out  # only warnings
    assert "| where | indicator | field | old | new | change | direction | flags |" in out
    cm01 = row(out, "CM01")
    assert "| 500,000 | 380,000 | -120,000 \\(-24.0%\\) | worse |" in cm01
    # The flag is PC401's problem, with validate's message (diff used to word it
    # its own way: "below last year's achievement (400,000 in 2023/2024)").
    assert "⚠️ PC401 growth-oriented" in cm01
    sd01 = row(out, "SD01")
    assert "name \\(renamed\\) | Turnaround days | Average turnaround time |" in sd01
    assert (
        "CM01: target 380000 is below the 2023/2024 achievement of 400000 "
        "\\(not growth oriented\\)" in out
    )
    assert "1 contract changed, 0 errors, 1 warning" in out


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=test@example.org", "-c", "user.name=Test", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit holding a contract and its guidelines."""
    assert shutil.which("git"), "git is needed for diff --git (it is part of the test set-up)"
    root = tmp_path / "contracts-repo"
    (root / "ministry").mkdir(parents=True)
    (root / "ministry" / "contract.yaml").write_text(CONTRACT)
    (root / "ministry" / "guidelines.yaml").write_text(GUIDELINES)
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "FY 2024/25 contract")
    monkeypatch.chdir(root)
    return root


def test_git_head_against_the_working_tree(repo: Path) -> None:
    contract = repo / "ministry" / "contract.yaml"
    contract.write_text(edited(CONTRACT, ("target: 10\n", "target: 9\n")))
    code, out = run("diff", "--git", "HEAD", "--format", "md")
    assert code == 0, out
    assert "HEAD → working tree" in out
    sd01 = row(out, "SD01")
    assert "| target | 10 | 9 | -1 \\(-10.0%\\) | better |" in sd01
    assert "File: ministry/contract.yaml · status: negotiated" in out


def test_git_working_tree_pipe_is_refused_not_waited_on(repo: Path) -> None:
    """A named pipe in place of a contract is PC008, as validate says, not a removal."""
    contract = repo / "ministry" / "contract.yaml"
    contract.unlink()
    os.mkfifo(contract)
    code, out = run("diff", "--git", "HEAD", "ministry/contract.yaml", "--format", "json")
    assert code == 1, out
    report = json.loads(out)
    assert [(p["code"], p["message"]) for p in report["problems"]] == [
        ("PC008", "not a regular file: it is a named pipe")
    ]
    assert [c["state"] for c in report["contracts"]] == []


# -- git -----------------------------------------------------------------------------


def test_git_range_between_commits_and_moved_files(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "ministry" / "contract.yaml").rename(repo / "ministry" / "moved.yaml")
    (repo / "ministry" / "moved.yaml").write_text(edited(CONTRACT, TARGET_DOWN))
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "lower CM01")
    code, out = run("diff", "--git", f"{first}..HEAD", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["new"] == "HEAD" and report["summary"]["changed"] == 1
    (contract,) = report["contracts"]
    assert contract["old_file"] == f"{first}:ministry/contract.yaml"
    assert contract["new_file"] == "HEAD:ministry/moved.yaml"
    assert [c["field"] for c in contract["changes"]] == ["target"]
    # Nothing changed in the working tree since HEAD.
    code, out = run("diff", "--git", "HEAD", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["unchanged"] == 1


def test_git_paths_limit_the_comparison(repo: Path) -> None:
    (repo / "other").mkdir()
    (repo / "ministry" / "contract.yaml").write_text(edited(CONTRACT, TARGET_DOWN))
    code, out = run("diff", "--git", "HEAD", "other", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["contracts"] == []
    code, out = run("diff", "--git", "HEAD", "ministry/contract.yaml", "--format", "json")
    assert [c["id"] for c in json.loads(out)["contracts"]] == ["min-2024-25"]
    code, out = run("diff", "--git", "HEAD", "nowhere")
    assert code == 2 and "path does not exist" in out


def test_git_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "ministry" / "contract.yaml").write_text(edited(CONTRACT, TARGET_DOWN))
    monkeypatch.chdir(repo / "ministry")
    code, out = run("diff", "--git", "HEAD", "--format", "json")
    assert code == 0, out
    (contract,) = json.loads(out)["contracts"]
    assert (contract["old_file"], contract["new_file"]) == (
        "HEAD:ministry/contract.yaml",
        "contract.yaml",
    )
    assert [f["code"] for f in contract["flags"]] == [GROWTH_ORIENTED]


def test_git_errors_exit_2(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run("diff", "--git", "no-such-branch")
    assert code == 2 and "unknown git revision 'no-such-branch'" in out
    code, out = run("diff", "--git", "--output=/tmp/x")
    assert code == 2 and "not a git revision" in out
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out = run("diff", "--git", "HEAD")
    assert code == 2 and "not in a git repository" in out


def test_git_added_and_deleted_contracts(repo: Path) -> None:
    (repo / "ministry" / "contract.yaml").unlink()
    (repo / "county").mkdir()
    (repo / "county" / "guidelines.yaml").write_text(GUIDELINES)
    (repo / "county" / "contract.yaml").write_text(
        edited(CONTRACT, ("id: min-2024-25", "id: county-2024-25"), TARGET_DOWN)
    )
    code, out = run("diff", "--git", "HEAD", "--format", "json")
    report = json.loads(out)
    assert code == 0, out
    states = {c["id"]: c["state"] for c in report["contracts"]}
    assert states == {"county-2024-25": "added", "min-2024-25": "removed"}
    added = next(c for c in report["contracts"] if c["state"] == "added")
    assert [f["code"] for f in added["flags"]] == [GROWTH_ORIENTED]
    assert any(c["field"] == "indicator" and c["new"] == 380000 for c in added["changes"])


def test_a_broken_new_version_is_a_problem_not_a_removal(repo: Path) -> None:
    (repo / "ministry" / "contract.yaml").write_text(CONTRACT + "  - {broken\n")
    code, out = run("diff", "--git", "HEAD", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["contracts"] == []
    assert report["problems"][0]["code"] == "PC001"


# -- flags ---------------------------------------------------------------------------


def flags_of(out: str) -> dict[str, str]:
    (contract,) = json.loads(out)["contracts"]
    return {f["code"]: f["severity"] for f in contract["flags"]}


def test_a_signed_contract_that_changes_must_go_back_to_negotiated(
    pair: tuple[Path, Path],
) -> None:
    old, new = pair
    signed = edited(CONTRACT, ("status: negotiated", "status: signed"))
    old.write_text(signed)
    new.write_text(edited(signed, TARGET_DOWN))
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 1
    assert flags_of(out) == {
        SIGNED_CHANGED: "error",
        GROWTH_ORIENTED: "warning",
        LOWERED_AFTER_SIGNING: "warning",
    }
    new.write_text(edited(CONTRACT, TARGET_DOWN))  # status back to negotiated
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0
    assert flags_of(out) == {GROWTH_ORIENTED: "warning", LOWERED_AFTER_SIGNING: "warning"}
    code, out = run("diff", str(old), str(new), "--format", "json", "--strict")
    assert code == 1
    assert set(flags_of(out).values()) == {"error"}
    # Raising a target after signing is not "lowered".
    new.write_text(edited(CONTRACT, ("target: 500000", "target: 520000")))
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0 and flags_of(out) == {}


def test_weights_that_no_longer_add_up_are_errors(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(
        edited(
            CONTRACT, ("weight: 30\n        kind: increase", "weight: 25\n        kind: increase")
        )
    )
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 1
    assert flags_of(out) == {WEIGHTS_TOTAL: "error", CATEGORY_WEIGHT: "error"}
    (contract,) = json.loads(out)["contracts"]
    (change,) = contract["changes"]
    assert (change["field"], change["old"], change["new"], change["change"]) == (
        "weight",
        30,
        25,
        -5,
    )


def test_category_weight_outside_the_guidelines_range(pair: tuple[Path, Path]) -> None:
    old, new = pair
    moved = edited(
        CONTRACT,
        ("    weight: 50\n", "    weight: 70\n"),
        ("weight: 30\n        kind: increase", "weight: 50\n        kind: increase"),
        (
            "    weight: 30\n    indicators:\n      - {id: CC01, name: Audit done, weight: 30",
            "    weight: 10\n    indicators:\n      - {id: CC01, name: Audit done, weight: 10",
        ),
    )
    new.write_text(moved)
    code, out = run("diff", str(old), str(new), "--format", "md")
    assert code == 0, out
    category = row(out, "category core-mandate")
    assert "category weight | 50 | 70 | \\+20 \\(\\+40.0%\\)" in category
    # PC403's message, not diff's old "outside the guidelines' 40–60".
    assert "⚠️ PC403 category-weights" in category
    assert "category 'core-mandate' has weight 70, outside the guidelines' range 40 to 60" in out
    # Without guidelines that resolve, the range is not checked.
    (old.parent / "guidelines.yaml").unlink()
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0 and CATEGORY_WEIGHTS not in flags_of(out)


def test_decrease_targets_are_reversed(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(CONTRACT, ("target: 10\n", "target: 13\n")))
    code, out = run("diff", str(old), str(new), "--format", "md")
    assert code == 0
    sd01 = row(out, "SD01")
    assert "| 10 | 13 | \\+3 \\(\\+30.0%\\) | worse |" in sd01
    assert "PC401 growth-oriented" in sd01
    assert "SD01: target 13 is above the 2023/2024 achievement of 12" in out  # PC401's words


def test_kind_unit_and_criteria_value_changes(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(
        edited(
            CONTRACT,
            (
                "unit: cards\n",
                "unit: identity cards\n        criteria_values: {excellent: 600000}\n",
            ),
            (
                "kind: milestone\n        target: 2025-03-31",
                "kind: milestone\n        target: 2025-04-30",
            ),
        )
    )
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0, out
    (contract,) = json.loads(out)["contracts"]
    changes = {(c["indicator"], c["field"]): c for c in contract["changes"]}
    assert changes["CM01", "unit"]["new"] == "identity cards"
    assert changes["CM01", "criteria_values.excellent"]["action"] == "added"
    milestone = changes["CM02", "target"]
    assert (milestone["change"], milestone["change_unit"], milestone["direction"]) == (
        30,
        "days",
        "worse",
    )


def test_a_change_of_measure_is_reported(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(CONTRACT, ("measure: level\n", "measure: cumulative\n")))
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0, out
    (contract,) = json.loads(out)["contracts"]
    assert [
        (c["indicator"], c["field"], c["action"], c["old"], c["new"], c["direction"], c["flags"])
        for c in contract["changes"]
    ] == [("SD01", "measure", "changed", "level", "cumulative", None, [])]
    code, out = run("diff", str(old), str(new), "--format", "md")
    assert code == 0, out
    assert "| measure | level | cumulative |  |  |  |" in row(out, "SD01")


def test_a_measure_taken_away_is_flagged_by_pc250(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(CONTRACT, ("        measure: cumulative\n", "")))
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0, out  # PC250 is a warning
    (contract,) = json.loads(out)["contracts"]
    (change,) = contract["changes"]
    assert (change["indicator"], change["field"], change["action"], change["old"]) == (
        "CM01",
        "measure",
        "removed",
        "cumulative",
    )
    assert change["flags"] == ["PC250"]


def test_folders_are_matched_by_contract_id(tmp_path: Path) -> None:
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "guidelines.yaml").write_text(GUIDELINES)
        (tmp_path / side / "mkdocs.yml").write_text("site_name: not a contract\n")
    (tmp_path / "old" / "a.yaml").write_text(CONTRACT)
    (tmp_path / "new" / "renamed.yaml").write_text(edited(CONTRACT, RENAME_SD01))
    (tmp_path / "old" / "gone.yaml").write_text(edited(CONTRACT, ("id: min-2024-25", "id: gone")))
    (tmp_path / "new" / "fresh.yaml").write_text(edited(CONTRACT, ("id: min-2024-25", "id: fresh")))
    code, out = run("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    states = {c["id"]: c["state"] for c in report["contracts"]}
    assert states == {"fresh": "added", "gone": "removed", "min-2024-25": "changed"}
    assert report["summary"] == {
        "changed": 1,
        "added": 1,
        "removed": 1,
        "unchanged": 0,
        "errors": 0,
        "warnings": 0,
        "ok": True,
    }


def test_a_folder_against_itself_with_an_unreadable_file(tmp_path: Path) -> None:
    """`diff d d`: the same unreadable file is a warning on the old side and an
    error on the new; sorting the two must not compare severities (it crashed)."""
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "guidelines.yaml").write_text(GUIDELINES)
    (folder / "a.yaml").write_text(CONTRACT)
    (folder / "self.yaml").symlink_to("self.yaml")  # unreadable: a link to itself
    with (folder / "big.yaml").open("wb") as big:
        big.truncate(51 * 1024 * 1024)
    code, out = run("diff", str(folder), str(folder), "--format", "json")
    assert code == 1, out
    found = sorted((Path(p["file"]).name, p["severity"]) for p in json.loads(out)["problems"])
    assert found == [
        ("big.yaml", "error"),
        ("big.yaml", "warning"),
        ("self.yaml", "error"),
        ("self.yaml", "warning"),
    ]


def test_diff_reads_files_as_validate_does(tmp_path: Path) -> None:
    """One reader: an oversize file is refused by the size limit, with validate's
    code and message."""
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "guidelines.yaml").write_text(GUIDELINES)
        (tmp_path / side / "a.yaml").write_text(CONTRACT)
    with (tmp_path / "new" / "big.yaml").open("wb") as big:
        big.truncate(51 * 1024 * 1024)  # sparse: over the 50 MiB default, no disk used
    code, out = run("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert code == 1, out
    problems = [
        (Path(p["file"]).name, p["code"], p["message"]) for p in json.loads(out)["problems"]
    ]
    message = "the file is 53,477,376 bytes, over the limit of 52,428,800"
    assert problems == [("big.yaml", "PC008", message)]
    _, validated = run("validate", "--no-cache", str(tmp_path / "new"))
    assert "PC008  " + message in validated


def test_projected_composite_with_results(pair: tuple[Path, Path]) -> None:
    old, new = pair
    results = old.parent / "results.yaml"
    results.write_text(RESULTS)
    new.write_text(edited(CONTRACT, ("target: 500000", "target: 450000")))
    code, out = run("diff", str(old), str(new), "--results", str(results), "--format", "json")
    assert code == 0, out
    (contract,) = json.loads(out)["contracts"]
    projection = contract["projection"]
    # CM01 (weight 30): 450,000 against 500,000 scores 3.5, against 450,000 exactly 3.
    assert projection["old"] == {"composite": 3.15, "grade": "Good"}
    assert projection["new"] == {"composite": 3.0, "grade": "Very Good"}
    code, out = run("diff", str(old), str(new), "--results", str(results), "--format", "md")
    assert "3.1500 (Good) under the old targets → 3.0000 (Very Good) under the new" in out.replace(
        "\\", ""
    )
    assert "-0.1500, better" in out


def test_projection_of_all_not_applicable_results_says_not_scored(
    pair: tuple[Path, Path],
) -> None:
    old, new = pair
    results = old.parent / "results.yaml"
    na = "{status: not-applicable, reason: Funds not released}"
    results.write_text(
        RESULTS.split("achievements:")[0]
        + "achievements:\n"
        + "".join(f"  {key}: {na}\n" for key in ("CM01", "CM02", "SD01", "CC01"))
    )
    new.write_text(edited(CONTRACT, ("target: 500000", "target: 450000")))
    code, out = run("diff", str(old), str(new), "--results", str(results), "--format", "json")
    assert code == 0, out
    (contract,) = json.loads(out)["contracts"]
    projection = contract["projection"]
    assert projection["old"] == {"composite": None, "grade": None}
    assert projection["new"] == {"composite": None, "grade": None}
    assert projection["note"] == (
        "the old version is not scored: every indicator not applicable; "
        "the new version is not scored: every indicator not applicable"
    )


def test_results_for_another_contract_are_a_usage_error(pair: tuple[Path, Path]) -> None:
    old, new = pair
    results = old.parent / "results.yaml"
    results.write_text(edited(RESULTS, ("contract: min-2024-25", "contract: other")))
    code, out = run("diff", str(old), str(new), "--results", str(results))
    assert code == 2 and "not among the contracts compared" in out


def test_text_output_escapes_yaml_text(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(
        edited(CONTRACT, ("name: Turnaround days", 'name: "[bold]x[/bold] | \\e[31mred"'))
    )
    code, out = run("diff", str(old), str(new))
    assert code == 0, out
    assert "[bold]x[/bold]" in out and "\\x1b[31mred" in out and "\x1b" not in out
    code, out = run("diff", str(old), str(new), "--format", "md")
    assert "\\[bold\\]x\\[/bold\\] \\| " in row(out, "SD01")


def test_usage_errors(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = pair
    assert run("diff", str(old))[0] == 2
    code, out = run("diff", str(old), str(tmp_path))
    assert code == 2 and "two files or two folders" in out
    code, out = run("diff", str(old), str(tmp_path / "missing.yaml"))
    assert code == 2 and "does not exist" in out
    code, out = run("diff", str(old), str(tmp_path / "guidelines.yaml"))
    assert code == 2 and "is not a Contract document" in out
    (tmp_path / "bad.yaml").write_text(CONTRACT.replace("weight: 20\n", "weight: twenty\n", 1))
    code, out = run("diff", str(old), str(tmp_path / "bad.yaml"))
    assert code == 1 and "PC103" in out


def test_identical_versions_have_no_changes(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(CONTRACT.replace("weight: 20\n", "weight: 20.0\n") + "# a comment\n")
    code, out = run("diff", str(old), str(new), "--format", "md")
    assert code == 0
    assert "no contract changed, 0 errors, 0 warnings, 1 unchanged" in out


# -- the core, directly ------------------------------------------------------------------


def contract(text: str) -> Contract:
    parsed = parse(text.encode(), "x.yaml")
    assert isinstance(parsed.document, Contract), parsed.problems
    return parsed.document


def test_compare_orders_fields_and_computes_changes() -> None:
    old = contract(CONTRACT)
    new = contract(edited(CONTRACT, TARGET_DOWN, ("unit: cards", "unit: ids"), RENAME_SD01))
    changes = compare(old, new)
    assert [(c.where, c.field) for c in changes] == [
        ("CM01", "unit"),
        ("CM01", "target"),
        ("SD01", "name"),
    ]
    target = changes[1]
    assert (target.delta, target.pct, target.direction) == (
        Decimal(-120000),
        Decimal(-24),
        "worse",
    )


def test_diff_versions_on_the_example_contract(tmp_path: Path) -> None:
    path = EXAMPLES / "moina" / "contract.yaml"
    lowered_file = tmp_path / "contract.yaml"
    lowered_file.write_text(
        path.read_text(encoding="utf-8").replace("target: 2300000", "target: 2000000")
    )
    reader, source = Reader(Limits()), FileSource()
    diff = diff_versions(reader.one(source, str(path)), reader.one(source, str(lowered_file)))
    codes = sorted((f.code, f.severity) for f in diff.flags)
    # The rules run on the new version: lowering the annual target leaves its Q4
    # target behind, which PC208 reports as validate does (diff's own copy of the
    # rules did not check it).
    assert codes == [
        ("PC208", Severity.ERROR),
        (GROWTH_ORIENTED, Severity.WARNING),
        (SIGNED_CHANGED, Severity.ERROR),
        (LOWERED_AFTER_SIGNING, Severity.WARNING),
    ]
    assert diff.counts == (2, 2)
    (quarterly,) = (f for f in diff.flags if f.code == "PC208")
    assert quarterly.message.endswith("must equal the annual target (2000000)")
    assert quarterly.line > 0 and quarterly.file == str(lowered_file)


def test_the_json_shape_is_stable(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(CONTRACT, TARGET_DOWN))
    out = run("diff", str(old), str(new), "--format", "json")[1]
    report: dict[str, Any] = json.loads(out)
    assert list(report) == [
        "version",
        "tool",
        "old",
        "new",
        "summary",
        "problems",
        "contracts",
    ]
    (entry,) = report["contracts"]
    assert list(entry) == [
        "id",
        "state",
        "institution",
        "old_file",
        "new_file",
        "old_status",
        "new_status",
        "changes",
        "flags",
        "projection",
    ]
    assert list(entry["changes"][0]) == [
        "where",
        "indicator",
        "goal",
        "category",
        "action",
        "field",
        "old",
        "new",
        "change",
        "change_unit",
        "change_pct",
        "direction",
        "flags",
    ]
    # A flag is the rule's problem, whole, as validate --format json gives it.
    flag = entry["flags"][0]
    assert os.path.basename(flag.pop("file")) == "new.yaml"
    assert flag == {
        "line": 24,
        "column": 17,
        "path": "$.criteria[0].indicators[0].target",
        "code": GROWTH_ORIENTED,
        "severity": "warning",
        "message": "CM01: target 380000 is below the 2023/2024 achievement of 400000 "
        "(not growth oriented)",
        "hint": "vetting expects targets at least as good as the latest achievement; "
        "document the reason if this is intended",
    }
    assert entry["changes"][0]["flags"] == [GROWTH_ORIENTED]
    assert os.path.basename(entry["new_file"]) == "new.yaml"


def test_a_baseline_change_is_flagged_by_the_rule_on_its_row(pair: tuple[Path, Path]) -> None:
    """A change touches what the rules find in its indicator: a higher baseline puts
    PC401 on the baseline row, though the rule reports the target; a rename of an
    indicator that breaks no rule flags nothing."""
    old, new = pair
    new.write_text(edited(CONTRACT, ("2023/2024: 400000}", "2023/2024: 600000}"), RENAME_SD01))
    code, out = run("diff", str(old), str(new), "--format", "json")
    assert code == 0, out
    (contract,) = json.loads(out)["contracts"]
    rows = {(c["indicator"], c["field"]): c["flags"] for c in contract["changes"]}
    assert rows == {("CM01", "baseline.2023/2024"): [GROWTH_ORIENTED], ("SD01", "name"): []}
    (flag,) = contract["flags"]
    assert flag["path"] == "$.criteria[0].indicators[0].target"
    assert flag["message"] == (
        "CM01: target 500000 is below the 2023/2024 achievement of 600000 (not growth oriented)"
    )


# -- the same bytes on both sides ------------------------------------------------------

BROKEN = CONTRACT.replace("title: Ministry contract\n", "")  # a Contract without its title


def test_a_file_unchanged_between_folders_is_checked_once_and_reported_as_each(
    tmp_path: Path,
) -> None:
    """A file with the same bytes in both folders is checked once; what it breaks is
    reported against each side's own file, as checking both would."""
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "guidelines.yaml").write_text(GUIDELINES)
        (tmp_path / side / "a.yaml").write_text(CONTRACT)
        (tmp_path / side / "broken.yaml").write_text(BROKEN)
    reader, source = Reader(Limits()), FileSource()
    paths = {side: str(tmp_path / side / "broken.yaml") for side in ("old", "new")}
    old = reader.parse(source, paths["old"], BROKEN.encode())
    new = reader.parse(source, paths["new"], BROKEN.encode())
    assert old.problems and [p.file for p in new.problems] == [paths["new"]] * len(old.problems)
    fresh = parse(BROKEN.encode(), paths["new"])
    assert new.problems == fresh.problems
    first = reader.parse(source, str(tmp_path / "old" / "a.yaml"), CONTRACT.encode())
    again = reader.parse(source, str(tmp_path / "new" / "a.yaml"), CONTRACT.encode())
    assert again.document is first.document  # checked once
    code, out = run("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert code == 1, out
    report = json.loads(out)
    assert report["summary"]["unchanged"] == 1
    found = sorted((p["file"], p["severity"]) for p in report["problems"])
    assert found == [(paths["new"], "error"), (paths["old"], "warning")]


def test_a_problem_that_names_its_file_is_found_afresh_for_the_other(tmp_path: Path) -> None:
    from pcontract.negotiation.versions import Parsed, _relabel
    from pcontract.problems import Problem

    named = Problem("old/a.yaml", 1, 1, "PC001", Severity.ERROR, "a.yaml is odd")
    plain = Problem("old/a.yaml", 1, 1, "PC001", Severity.ERROR, "odd")
    assert _relabel(Parsed(problems=[named]), ("old/a.yaml", "/r/old/a.yaml"), ("n", "/n")) is None
    moved = _relabel(Parsed(problems=[plain]), ("old/a.yaml", "/r/old/a.yaml"), ("n", "/n"))
    assert moved is not None and [p.file for p in moved.problems] == ["n"]
    assert plain.file == "old/a.yaml"  # the first file's problems are left as they were


def test_an_unchanged_contract_beside_a_changed_one_in_folders(tmp_path: Path) -> None:
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "guidelines.yaml").write_text(GUIDELINES)
        (tmp_path / side / "same.yaml").write_text(
            edited(CONTRACT, ("id: min-2024-25", "id: same"))
        )
    (tmp_path / "old" / "a.yaml").write_text(CONTRACT)
    (tmp_path / "new" / "a.yaml").write_text(edited(CONTRACT, TARGET_DOWN))
    _, out = run("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    report = json.loads(out)
    assert [(c["id"], c["state"]) for c in report["contracts"]] == [("min-2024-25", "changed")]
    assert report["summary"]["unchanged"] == 1 and report["summary"]["changed"] == 1


def one_changed(tmp_path: Path) -> None:
    """Folders old/ and new/ with the guidelines, three contracts the same on both
    sides, and a.yaml, whose target is lowered in new/."""
    for side in ("old", "new"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "guidelines.yaml").write_text(GUIDELINES)
        for n in range(3):
            (tmp_path / side / f"same{n}.yaml").write_text(
                edited(CONTRACT, ("id: min-2024-25", f"id: same{n}"))
            )
    (tmp_path / "old" / "a.yaml").write_text(CONTRACT)
    (tmp_path / "new" / "a.yaml").write_text(edited(CONTRACT, TARGET_DOWN))


def test_only_the_contracts_that_changed_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders are paired by what their first reading keeps (id, file, digest); a
    contract is read again, whole, only when its bytes differ, so memory grows with
    the changes and not with the folders."""
    one_changed(tmp_path)
    (tmp_path / "old" / "gone.yaml").write_text(edited(CONTRACT, ("id: min-2024-25", "id: gone")))
    whole: list[str] = []
    version_of = Reader.version_of

    def recorded(self: Reader, found: Any) -> Any:
        whole.append(os.path.relpath(found.file, tmp_path))
        return version_of(self, found)

    monkeypatch.setattr(Reader, "version_of", recorded)
    _, out = run("diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    report = json.loads(out)
    assert sorted(whole) == ["new/a.yaml", "old/a.yaml", "old/gone.yaml"]
    assert [(c["id"], c["state"]) for c in report["contracts"]] == [
        ("gone", "removed"),
        ("min-2024-25", "changed"),
    ]
    assert report["summary"]["unchanged"] == 3


def test_a_file_that_changes_while_it_is_compared_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(CONTRACT)
    reader, source = Reader(Limits()), FileSource()
    (found,), problems, _ = reader.many(source, [str(path)], "new")
    assert not problems and found.id == "min-2024-25"
    path.write_text(edited(CONTRACT, TARGET_DOWN))
    with pytest.raises(InputError, match="changed while it was compared"):
        reader.version_of(found)


def test_folders_are_checked_through_validates_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file validate checked before is taken from its cache, not checked again;
    what diff says is the same with the cache, without it, and from a cache diff
    filled itself."""
    from pcontract.checking.checker import check_bytes
    from pcontract.negotiation import versions

    one_changed(tmp_path)
    for side in ("old", "new"):
        (tmp_path / side / "broken.yaml").write_text(BROKEN)
    cache = str(tmp_path / "cache")
    folders = [str(tmp_path / "old"), str(tmp_path / "new")]
    assert run("validate", *folders, "--cache-dir", cache)[0] == 1  # broken.yaml
    checked: list[str] = []

    def recorded(data: bytes, display: str, *args: Any) -> Any:
        checked.append(os.path.relpath(display, tmp_path))
        return check_bytes(data, display, *args)

    monkeypatch.setattr(versions, "check_bytes", recorded)
    plain = run("diff", *folders, "--format", "json", "--no-cache")
    assert "old/same0.yaml" in checked and "old/broken.yaml" in checked
    checked.clear()
    cached = run("diff", *folders, "--format", "json", "--cache-dir", cache)
    assert cached == plain
    # Only the contract that changed is read again, to compare it; the guidelines
    # are read whole for its scores and rules.
    assert sorted(set(checked)) == ["new/a.yaml", "old/a.yaml", "old/guidelines.yaml"]
    checked.clear()
    fresh = str(tmp_path / "fresh")
    assert run("diff", *folders, "--format", "json", "--cache-dir", fresh) == plain
    assert "old/same0.yaml" in checked
    checked.clear()
    assert run("diff", *folders, "--format", "json", "--cache-dir", fresh) == plain
    assert "old/same0.yaml" not in checked and "old/broken.yaml" not in checked
    # Two files are read whole: no cache is opened for them.
    unused = tmp_path / "unused"
    pair = [str(tmp_path / side / "a.yaml") for side in ("old", "new")]
    assert run("diff", *pair, "--cache-dir", str(unused))[0] == 0  # warnings only
    assert not unused.exists()
