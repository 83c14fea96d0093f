"""The README stays true: the rules table is generated, and every command is there."""

from __future__ import annotations

import re

import typer

from pcontract.cli import app
from pcontract.rule_pages import rules_table
from pcontract.rules import RULES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rules_table_matches_the_rules() -> None:
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", README, re.S)
    assert match is not None
    assert match.group(1) == rules_table(), "run: python tools/sync_readme.py"


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
