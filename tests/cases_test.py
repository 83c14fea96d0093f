"""Example trees under tests/cases/{valid,invalid}/<case>/, each with the expected
diagnostics beside it in ``expected.txt``: one line per problem,
``file:line:column: severity CODE``, with paths relative to the case folder. A
case holding a file ``check-evidence`` is validated with ``--check-evidence``.

A valid case may list warnings but no errors, and names the rules it shows
passing in ``rule.txt``; an invalid case must list at least one error. Each rule
has a case where it passes and one where it fires (warning-only rules fire in
valid cases).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pcontract.checking.checker import Options, check_paths
from pcontract.rules.diff import STAGE_DIFF
from pcontract.rules.registry import RULES
from pcontract.rules.scoring import STAGE_SCORE
from tests.conftest import TESTS

CASES = TESTS / "cases"


def _cases(group: str) -> list[Path]:
    return sorted(p for p in (CASES / group).iterdir() if p.is_dir())


def _actual(case: Path) -> list[str]:
    cwd = Path.cwd()
    os.chdir(case)
    try:
        options = Options(check_evidence=(case / "check-evidence").exists())
        report = check_paths(["."], options)
    finally:
        os.chdir(cwd)
    return [f"{p.file}:{p.line}:{p.column}: {p.severity.value} {p.code}" for p in report.problems]


def _expected(case: Path) -> list[str]:
    file = case / "expected.txt"
    if not file.exists():
        return []
    lines = file.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_valid_case(case: Path) -> None:
    actual = _actual(case)
    assert actual == _expected(case)
    assert not any(" error " in line for line in actual)


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case(case: Path) -> None:
    actual = _actual(case)
    assert actual == _expected(case)
    assert any(" error " in line for line in actual)


def _flagged() -> set[str]:
    """Rules shown failing: any code in an invalid case, and warnings in valid ones
    (a warning-only rule cannot make a case invalid)."""
    codes: set[str] = set()
    for case in _cases("invalid"):
        codes.update(line.split()[-1] for line in _expected(case))
    for case in _cases("valid"):
        codes.update(line.split()[-1] for line in _expected(case) if " warning " in line)
    return codes


def _passing() -> set[str]:
    """Rules shown passing: each valid case names them in rule.txt."""
    codes: set[str] = set()
    for case in _cases("valid"):
        marker = case / "rule.txt"
        if marker.exists():
            codes.update(marker.read_text(encoding="utf-8").split())
    return codes


# The rules that compare two versions have no case of one file: tests/diff_test.py
# runs them. Nor have the scoring and roll-up warnings, which validate never
# reports: their pages' examples run through pcontract score
# (tests/rule_pages_test.py), and tests/score_warnings_test.py checks their output.
_DIFF_RULES = {code for code, rule in RULES.items() if rule.stage in (STAGE_DIFF, STAGE_SCORE)}


def test_every_rule_has_a_failing_case() -> None:
    assert sorted(set(RULES) - _flagged() - {"PC100"} - _DIFF_RULES) == []


def test_every_rule_has_a_valid_case() -> None:
    assert sorted(set(RULES) - _passing() - {"PC100"} - _DIFF_RULES) == []
