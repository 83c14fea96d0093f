"""Scoring and roll-up warnings are Problems: each keeps its code, file, line,
column, JSON path and hint in every output of ``score`` and ``rank``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pcontract.rules.registry import RULES
from pcontract.rules.scoring import STAGE_SCORE
from tests.conftest import TREE, run


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The hand-checked tree, with CC01 left out of the annual results."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    results = root / "contracts" / "results.yaml"
    text = results.read_text("utf-8")
    results.write_text(text.replace("  CC01: {actual: true}\n", ""), "utf-8")
    return root


def _score(tree: Path, *extra: str) -> tuple[int, str]:
    contracts = tree / "contracts"
    return run(
        "score", str(contracts / "moina.yaml"), "-r", str(contracts / "results.yaml"), *extra
    )


def test_a_not_reported_indicator_is_a_located_warning_in_score_json(tree: Path) -> None:
    code, output = _score(tree, "--format", "json")
    assert code == 0, output
    warnings = json.loads(output)["warnings"]
    # The scoring warning first, then validate's (PC308, on the results), alike.
    assert [w["code"] for w in warnings] == ["PC504", "PC308"]
    assert warnings[1]["file"] == str(tree / "contracts" / "results.yaml")
    assert warnings[:1] == [
        {
            "file": str(tree / "contracts" / "moina.yaml"),
            # moina.yaml's second criterion starts its indicators with "- id: CC01"
            # on line 46; the mapping starts after the dash.
            "line": 46,
            "column": 9,
            "path": "$.criteria[1].indicators[0]",
            "code": "PC504",
            "severity": "warning",
            "message": "CC01 not reported: scored 5.00 (Poor)",
            "hint": "report an actual, or status: not-applicable with a reason",
        }
    ]


def test_score_text_and_markdown_show_where_and_which_rule(tree: Path) -> None:
    contract = tree / "contracts" / "moina.yaml"
    code, output = _score(tree)
    assert code == 0, output
    assert f"warning: {contract}:46: PC504 CC01 not reported: scored 5.00 (Poor)" in output
    code, output = _score(tree, "--format", "md")
    assert code == 0, output
    assert "- " in output and ":46: PC504 CC01 not reported: scored 5.00 \\(Poor\\)" in output


def test_rank_json_keeps_each_contracts_warnings_whole(tree: Path) -> None:
    second = tree / "contracts" / "second.yaml"
    text = (tree / "contracts" / "moina.yaml").read_text("utf-8")
    second.write_text(text.replace("id: moina-2024-25", "id: second-2024-25"), "utf-8")
    code, output = run("rank", str(tree), "--format", "json")
    assert code == 0, output
    rows = {row["contract"]: row for row in json.loads(output)}
    moina = rows["moina-2024-25"]["warnings"]
    assert [(w["code"], w["line"], w["path"]) for w in moina] == [
        ("PC504", 46, "$.criteria[1].indicators[0]")
    ]
    # Without results the warning is the contract's as a whole: its first line.
    missing = rows["second-2024-25"]["warnings"]
    assert missing == [
        {
            "file": str(second),
            "line": 1,
            "column": 1,
            "path": "$",
            "code": "PC501",
            "severity": "warning",
            "message": "no results submitted",
            "hint": "score it against its Results document: pcontract score CONTRACT -r RESULTS",
        }
    ]


def test_every_scoring_code_is_a_declared_warning() -> None:
    from pcontract.scoring import method as scoring
    from pcontract.scoring import rollup

    codes = {
        value
        for module in (scoring, rollup)
        for name, value in vars(module).items()
        if name.startswith("CODE_")
    }
    assert codes == {code for code, rule in RULES.items() if rule.stage == STAGE_SCORE}
    assert all(RULES[code].severity.value == "warning" for code in codes)
    assert all("PC501" <= code <= "PC539" for code in codes)


def test_rules_prints_a_scoring_rules_page() -> None:
    code, out = run("rules", "PC504")
    assert code == 0
    assert out.startswith("PC504  not-reported  (warning)\n")
    assert "WHAT IT DOES" in out and "    # results.yaml" in out
