"""The command line, through typer's CliRunner: exit codes and output formats."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pcontract import __version__
from pcontract.cli.app import app
from tests.conftest import TESTS, TREE, run, runner


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "tree"
    shutil.copytree(TREE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_version() -> None:
    assert run("--version") == (0, f"pcontract {__version__}\n")


def test_valid_tree_exits_0(tree: Path) -> None:
    code, output = run("validate", str(tree))
    assert code == 0, output
    assert "3 files valid" in output


def test_problem_exits_1_and_names_file_line_and_fix(tree: Path) -> None:
    contract = tree / "contracts" / "moina.yaml"
    edit(contract, "        weight: 30\n", "        weight: 25\n")
    code, output = run("validate", str(tree))
    assert code == 1
    assert "moina.yaml" in output
    assert "indicator weights add up to 95, not 100" in output
    assert "hint: change the weights by 5 in total" in output


def test_warning_exits_0_and_strict_exits_1(tree: Path) -> None:
    contract = tree / "contracts" / "moina.yaml"
    edit(contract, "        target: 1000000\n", "        target: 850000\n")
    edit(contract, "[250000, 500000, 750000, 1000000]", "[200000, 400000, 600000, 850000]")
    code, output = run("validate", str(tree))
    assert code == 0, output
    assert "CM01: target 850000 is below the 2023/2024 achievement of 900000" in output
    code, output = run("validate", "--strict", str(tree))
    assert code == 1
    assert "error" in output


def test_json_format_parses(tree: Path) -> None:
    edit(tree / "contracts" / "moina.yaml", "status: draft", "status: no")
    code, output = run("validate", "--format", "json", str(tree))
    assert code == 1
    payload = json.loads(output)
    assert payload["summary"]["errors"] == 1
    [problem] = payload["problems"]
    assert problem["code"] == "PC104"
    assert problem["line"] == 14
    assert problem["path"] == "$.status"
    assert "reads only true and false as booleans" in problem["hint"]


def test_github_format_prints_annotations(tree: Path) -> None:
    edit(tree / "contracts" / "moina.yaml", "        weight: 30\n", "        weight: twenty\n")
    code, output = run("validate", "--format", "github", str(tree))
    assert code == 1
    line = next(x for x in output.splitlines() if x.startswith("::error "))
    assert "file=" in line and "moina.yaml" in line
    assert ",line=24,col=17," in line
    assert "weight must be a number, not 'twenty'" in line


def test_sarif_format(tree: Path) -> None:
    edit(tree / "contracts" / "moina.yaml", "status: draft", "statuss: draft")
    code, output = run("validate", "--format", "sarif", str(tree))
    assert code == 1
    sarif = json.loads(output)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"PC101", "PC102"}
    unknown = next(r for r in results if r["ruleId"] == "PC101")
    assert unknown["locations"][0]["physicalLocation"]["region"]["startLine"] == 14
    assert "did you mean 'status'?" in unknown["message"]["text"]


def test_missing_path_exits_2(tmp_path: Path) -> None:
    code, output = run("validate", str(tmp_path / "nowhere"))
    assert code == 2
    assert "path does not exist" in output


def test_unknown_format_is_a_usage_error(tree: Path) -> None:
    assert run("validate", "--format", "xml", str(tree))[0] == 2


def test_other_yaml_in_a_folder_is_skipped_but_named_files_are_checked(tree: Path) -> None:
    other = tree / "mkdocs.yml"
    other.write_text("site_name: Contracts\n", encoding="utf-8")
    code, output = run("validate", str(tree))
    assert code == 0
    assert "1 YAML file(s) without apiVersion/kind skipped" in output
    code, output = run("validate", str(other))
    assert code == 1
    assert "missing kind" in output


def test_hidden_folders_are_skipped(tree: Path) -> None:
    hidden = tree / ".github"
    hidden.mkdir()
    (hidden / "bad.yaml").write_text("kind: [", encoding="utf-8")
    assert run("validate", str(tree))[0] == 0


def test_symlink_loop_terminates(tree: Path) -> None:
    (tree / "contracts" / "loop").symlink_to(tree, target_is_directory=True)
    code, output = run("validate", str(tree))
    assert code == 0, output
    assert "3 files valid" in output


def test_a_file_that_fails_to_load_does_not_stop_the_others(tree: Path) -> None:
    (tree / "contracts" / "broken.yaml").write_text("a: 'x\n", encoding="utf-8")
    edit(tree / "contracts" / "moina.yaml", "        weight: 30\n", "        weight: 25\n")
    code, output = run("validate", "--format", "json", str(tree))
    assert code == 1
    codes = {p["code"] for p in json.loads(output)["problems"]}
    assert {"PC001", "PC201"} <= codes


def test_rich_markup_and_escapes_in_names_print_literally(tree: Path) -> None:
    bad = tree / "contracts" / "moina.yaml"
    edit(bad, "status: draft", 'status: "[bold red]X[/] \\e[2J"')
    code, output = run("validate", str(tree))
    assert code == 1
    assert "[bold red]X[/]" in output
    assert "\x1b" not in output
    assert "\\x1b[2J" in output


def test_no_input_in_tests_produces_a_traceback() -> None:
    for folder in (TESTS / "cases").glob("*/*"):
        result = runner.invoke(app, ["validate", str(folder)])
        assert result.exit_code in (0, 1), (folder, result.output)
        assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["Contract", "results", "guidelines", "CascadePlan"])
def test_schema_prints_json_schema(kind: str) -> None:
    code, output = run("schema", kind)
    assert code == 0
    schema = json.loads(output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(".schema.json")


def test_schema_unknown_kind_exits_2() -> None:
    code, output = run("schema", "Budget")
    assert code == 2
    assert "unknown kind 'Budget'" in output


def test_internal_error_exits_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("pcontract.checking.checker.check_paths", boom)
    code, output = run("validate", str(TREE))
    assert code == 3
    assert "internal error: RuntimeError: kaboom" in output
    assert "Traceback" not in output


# -- tree: every contract appears ------------------------------------------------------


def _chain_contract(id: str, parent: str | None) -> str:
    return (
        "apiVersion: pcontract/v1\n"
        "kind: Contract\n"
        f"id: {id}\n"
        f"title: Contract {id}\n"
        "financial_year: 2024/2025\n"
        "period: {start: 2024-07-01, end: 2025-06-30}\n"
        f"institution: {{name: Unit {id}, category: department}}\n"
        "parties:\n"
        "  principal: {title: Director, name: A. Principal}\n"
        "  agent: {title: Head, name: An Agent}\n"
        f"parent: {parent if parent else 'null'}\n"
        "status: draft\n"
        "criteria:\n"
        "  - id: core-mandate\n"
        "    name: Core Mandate\n"
        "    weight: 100\n"
        "    indicators:\n"
        "      - {id: CM01, name: Output, weight: 100, kind: increase, target: 10}\n"
    )


def _write_chain(folder: Path, depth: int) -> list[str]:
    """A cascade ``depth`` levels deep: l0000 signs with nobody, each next level
    with the one before."""
    folder.mkdir()
    ids = [f"l{level:04d}" for level in range(depth)]
    for level, key in enumerate(ids):
        parent = ids[level - 1] if level else None
        (folder / f"{key}.yaml").write_text(_chain_contract(key, parent), encoding="utf-8")
    return ids


def _tree_ids(output: str) -> list[str]:
    """The contract id on each line of ``pcontract tree`` output, in order."""
    found = []
    for line in output.splitlines():
        words = line.replace("│", " ").replace("├──", " ").replace("└──", " ").split()
        if words and words[0] != "↻":
            found.append(words[0])
        elif len(words) > 1:
            found.append("↻" + words[1])
    return found


@pytest.mark.parametrize("width", [None, 40, 80, 200])
def test_tree_shows_every_level_of_a_deep_cascade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int | None
) -> None:
    ids = _write_chain(tmp_path / "deep", 50)
    if width is not None:  # a terminal that wide; None: piped (not a terminal)
        monkeypatch.setattr("pcontract.render.tables.wide", lambda out: width)
    code, output = run("tree", str(tmp_path / "deep"))
    assert code == 0, output
    lines = output.splitlines()
    assert _tree_ids(output) == ids  # one line each, in order, none cut or folded
    assert (
        lines[0] == "l0000  Unit l0000 — Head, An Agent  [draft]  carried 0/1 (not carried: CM01)"
    )
    # Level 49 sits under 48 levels of guides, and its line is whole.
    assert lines[49] == " " * 4 * 48 + "└── l0049  Unit l0049 — Head, An Agent  [draft]"


def test_tree_at_depth_1000_needs_no_recursion(tmp_path: Path) -> None:
    ids = _write_chain(tmp_path / "deeper", 1000)
    code, output = run("tree", str(tmp_path / "deeper"))
    assert code == 0, output
    assert _tree_ids(output) == ids


def test_tree_shows_contracts_in_a_parent_cycle_once_and_marked(tmp_path: Path) -> None:
    folder = tmp_path / "cycle"
    folder.mkdir()
    (folder / "b.yaml").write_text(_chain_contract("b", "a"), encoding="utf-8")
    (folder / "a.yaml").write_text(_chain_contract("a", "b"), encoding="utf-8")
    code, output = run("tree", str(folder))
    assert code == 0, output
    assert "no contracts found" not in output
    assert _tree_ids(output) == ["a", "b", "↻a"]
    lines = output.splitlines()
    assert lines[0].startswith("a  Unit a — Head, An Agent  [draft]")
    assert lines[0].endswith("↻ parent cycle: a → b → a")
    assert lines[1].startswith("└── b  Unit b — Head, An Agent  [draft]")
    assert lines[2] == "    └── ↻ a  (cycle)"


def test_tree_shows_a_cycle_beside_a_normal_cascade_and_its_children(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    contracts = {
        "root": None,
        "root-a": "root",
        "x": "z",  # x → z → y → x, and w hangs off the cycle
        "y": "x",
        "z": "y",
        "w": "y",
        "self": "self",
    }
    for key, parent in contracts.items():
        (folder / f"{key}.yaml").write_text(_chain_contract(key, parent), encoding="utf-8")
    code, output = run("tree", str(folder))
    assert code == 0, output
    shown = _tree_ids(output)
    assert sorted(i for i in shown if not i.startswith("↻")) == sorted(contracts)
    assert shown == ["root", "root-a", "self", "↻self", "x", "y", "w", "z", "↻x"]
    assert "↻ parent cycle: self → self" in output
    assert "↻ parent cycle: x → z → y → x" in output


def test_tree_draws_a_child_of_a_duplicated_id_once(tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "p1.yaml").write_text(_chain_contract("p", None), encoding="utf-8")
    (folder / "p2.yaml").write_text(_chain_contract("p", None), encoding="utf-8")
    (folder / "c.yaml").write_text(_chain_contract("c", "p"), encoding="utf-8")
    code, output = run("tree", str(folder))
    assert code == 0, output
    lines = output.splitlines()
    assert _tree_ids(output) == ["p", "c", "p", "c"]
    assert lines[1].startswith("└── c  Unit c")
    assert lines[3] == "└── c  (shown above)"


def test_an_unreadable_folder_fails_the_run(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_scandir = os.scandir
    refused = tree / "contracts"

    def scandir(path: str) -> object:
        if Path(path).resolve() == refused.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, output = run("validate", "--no-cache", str(tree))
    assert code == 1
    assert str(refused) in output
    assert "PC008  cannot read the folder: Permission denied" in output
    assert "files valid" not in output


def test_an_empty_folder_fails_the_run(tmp_path: Path) -> None:
    code, output = run("validate", "--no-cache", "--format", "github", str(tmp_path))
    assert code == 1
    assert "PC011" in output and "no pcontract documents found in the folder" in output


def test_a_named_file_is_checked_after_its_folder(tree: Path) -> None:
    other = tree / "a.yaml"
    other.write_text("site_name: Contracts\n", encoding="utf-8")
    code, output = run("validate", "--no-cache", str(tree), str(other))
    assert code == 1
    assert "missing kind" in output


# -- the loader's limits, on every command that reads files ----------------------------

LOADING_COMMANDS = ("validate", "score", "rank", "report", "site", "cascade", "tree", "diff")


def test_every_command_that_loads_files_takes_the_loader_limits() -> None:
    import typer.main

    from pcontract.files import reading as files

    group = typer.main.get_command(app)
    defaults = {
        "max_bytes": files.DEFAULT_MAX_BYTES,
        "max_depth": files.DEFAULT_MAX_DEPTH,
        "max_aliases": files.DEFAULT_MAX_ALIASES,
        "max_values": files.DEFAULT_MAX_VALUES,
    }
    for name in LOADING_COMMANDS:
        command = group.commands[name]  # type: ignore[attr-defined]
        options = {p.name: p for p in command.params}
        for option, default in defaults.items():
            assert option in options, (name, option)
            assert options[option].opts == [f"--{option.replace('_', '-')}"]
            assert options[option].default == default, (name, option)


def _command(name: str, tree: Path, out: Path) -> list[str]:
    contract = str(tree / "contracts" / "moina.yaml")
    results = str(tree / "contracts" / "results.yaml")
    data = TESTS / "data" / "cascade"
    return {
        "validate": ["validate", "--no-cache", str(tree)],
        "score": ["score", contract, "-r", results],
        "rank": ["rank", str(tree)],
        "report": ["report", contract, "-r", results],
        "site": ["site", str(tree), "-o", str(out / "site")],
        "cascade": [
            "cascade",
            str(data / "contract.yaml"),
            "--plan",
            str(data / "plan.yaml"),
            "--out",
            str(out / "drafts"),
            "--dry-run",
        ],
        "tree": ["tree", str(tree)],
        "diff": ["diff", contract, contract],
    }[name]


@pytest.mark.parametrize("name", LOADING_COMMANDS)
@pytest.mark.parametrize(
    ("option", "value"), [("--max-bytes", "200"), ("--max-values", "20"), ("--max-depth", "2")]
)
def test_a_limit_hint_names_an_option_the_command_takes(
    tree: Path, tmp_path: Path, name: str, option: str, value: str
) -> None:
    args = _command(name, tree, tmp_path)
    code, output = run(*args)
    assert code == 0, output
    code, output = run(*args, option, value)
    assert code == 1, output
    if name != "tree":  # tree leaves files with problems out, and says so
        assert f"raise {option}" in output


@pytest.mark.parametrize("name", [n for n in LOADING_COMMANDS if n != "cascade"])
def test_a_raised_limit_holds_for_every_read_of_the_command(
    tree: Path, tmp_path: Path, name: str
) -> None:
    """A contract with one alias: refused by default, read throughout with
    --max-aliases 1 (report and site read the documents again after scoring)."""
    edit(
        tree / "contracts" / "moina.yaml",
        "kind: Contract\n",
        "kind: Contract\nx-a: &a 1\nx-b: *a\n",
    )
    args = _command(name, tree, tmp_path)
    code, output = run(*args)
    assert code == 1, output
    code, output = run(*args, "--max-aliases", "1")
    assert code == 0, output


def test_every_format_option_offers_exactly_its_registry_keys() -> None:
    from typing import get_args

    from pcontract.cli import app as cli
    from pcontract.render import diff_render, reporters, reports, rule_pages, tables, xlsx

    assert get_args(cli.ValidateFormat) == tuple(reporters.REPORTERS)
    # score and rank also write a workbook (-o FILE): the formats that print, then it
    assert get_args(cli.ScoreFormat) == (*tables.SCORE_FORMATS, *xlsx.WORKBOOK_FORMATS)
    assert get_args(cli.RankFormat) == (*tables.RANK_FORMATS, *xlsx.WORKBOOK_FORMATS)
    assert get_args(cli.DiffFormat) == tuple(diff_render.DIFF_FORMATS)
    assert get_args(cli.ReportFormat) == tuple(reports.CARD_TEMPLATES)
    assert get_args(cli.RulesFormat) == tuple(rule_pages.RULE_FORMATS)
    assert set(tables.RANK_FORMATS) >= tables.RANK_LOCATES_WARNINGS


def test_an_input_error_prints_its_problems_then_one_error_line(tmp_path: Path) -> None:
    contract = tmp_path / "c.yaml"
    contract.write_text("apiVersion: pcontract/v1\nkind: Contract\nid: [\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(contract)])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[-1].startswith("pcontract: error: ")
    assert any("PC00" in line for line in errors[:-1]), result.stderr
