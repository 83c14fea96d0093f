"""The README and docs/rules.md stay true: the rules table and the rule pages are
generated from the rules' docstrings, and every command is in the README."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import typer

from pcontract.cli.app import app
from pcontract.render.rule_pages import all_pages, page, rules_table
from pcontract.rules.registry import RULES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def _generated(text: str) -> str:
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", text, re.S)
    assert match is not None
    return match.group(1)


def test_rules_table_matches_the_rules() -> None:
    assert _generated(README) == rules_table(), "run: python tools/sync_readme.py"


def test_docs_rules_holds_every_rule_page() -> None:
    assert _generated(RULES_DOC) == all_pages(), "run: python tools/sync_readme.py"
    for code, rule in RULES.items():
        assert f"\n## {code} {rule.name}\n" in RULES_DOC
        assert page(rule).split("\n\n", 1)[1].replace("## ", "### ") in RULES_DOC


def test_sync_check_says_whether_the_docs_are_out_of_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("sync_readme", ROOT / "tools" / "sync_readme.py")
    assert spec is not None and spec.loader is not None
    sync_readme = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync_readme)
    assert sync_readme.main(["--check"]) == 0
    stale = tmp_path / "rules.md"
    stale.write_text("# Rules\n<!-- rules:start -->\nold\n<!-- rules:end -->\n", encoding="utf-8")
    monkeypatch.setattr(sync_readme, "ROOT", tmp_path)
    monkeypatch.setattr(sync_readme, "targets", lambda: [(stale, "new\n")])
    assert sync_readme.main(["--check"]) == 1
    assert "rules.md" in capsys.readouterr().out
    assert "old" in stale.read_text(encoding="utf-8")
    assert sync_readme.main([]) == 0
    assert stale.read_text(encoding="utf-8") == (
        "# Rules\n<!-- rules:start -->\nnew\n<!-- rules:end -->\n"
    )


def test_every_rule_has_a_unique_name_and_a_summary() -> None:
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))
    assert all(rule.summary.endswith(".") for rule in RULES.values())


def test_every_command_has_help_and_is_in_the_readme() -> None:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    for name, sub in command.commands.items():
        assert sub.help, f"command {name} has no help text"
        assert f"`pcontract {name}" in README, f"command {name} is missing from the README"


def _main_command() -> str:
    """The README's main command: the first sh block of the Set-up section."""
    setup = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)\n```", setup, re.S)
    assert match is not None
    return match.group(1)


def test_ci_runs_the_readme_main_command_as_it_is() -> None:
    steps = _main_command().split(" && ")
    assert steps[:2] == ["python3 -m venv .venv", ".venv/bin/pip install ."]
    pcontract = " && ".join(step.removeprefix(".venv/bin/") for step in steps[2:])
    assert pcontract == (
        "pcontract validate examples && pcontract rank examples"
        " && pcontract site examples -o site --force"
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n{pcontract}\n" in ci
    assert "/site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
