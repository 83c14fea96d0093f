"""Every rule has a page, and its examples are true: the failing one makes the rule
fire, the passing one does not (and has no error at all)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pcontract.checking.checker import Options, Report, check_paths
from pcontract.files.reading import Limits
from pcontract.render.rule_pages import (
    SECTIONS,
    USE_INSTEAD,
    ExampleFiles,
    examples,
    render_page,
    sections,
)
from pcontract.render.rule_pages import page as rule_page
from pcontract.rules.base import STAGE_EVIDENCE
from pcontract.rules.diff import STAGE_DIFF
from pcontract.rules.registry import RULES
from pcontract.rules.scoring import STAGE_SCORE
from tests.conftest import run

CODES = sorted(RULES)
# PC100 is the schema stage's catch-all: every check today's schemas make has a
# code of its own (PC101 to PC104), so nothing makes it fire, and its page says so.
# PC502 (results naming an indicator the contract lacks) is refused by PC306 before
# any scoring, so only a program calling the scoring library sees it.
NEVER_FIRES = {"PC100", "PC502"}


def _write(tmp_path: Path, files: ExampleFiles) -> None:
    for name, text in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _diff_codes(tmp_path: Path, files: ExampleFiles) -> tuple[int, set[str]]:
    """A diff-stage rule compares two versions: its example is an old and a new
    file, run through ``pcontract diff OLD NEW``."""
    _write(tmp_path, files)
    (old, _), (new, _) = files
    code, output = run("diff", str(tmp_path / old), str(tmp_path / new), "--format", "json")
    flags = [flag for contract in json.loads(output)["contracts"] for flag in contract["flags"]]
    return code, {flag["code"] for flag in flags}


def _score_codes(tmp_path: Path, files: ExampleFiles) -> tuple[int, set[str]]:
    """A score-stage rule needs a contract, its guidelines and maybe results: its
    example is ``contract.yaml`` (scored), ``guidelines.yaml``, an optional
    ``results.yaml`` and, for the roll-up rules, children under ``children/``, run
    through ``pcontract score contract.yaml -r results.yaml --rollup FOLDER``."""
    _write(tmp_path, files)
    names = {name for name, _ in files}
    args = ["score", str(tmp_path / "contract.yaml"), "--format", "json"]
    if "results.yaml" in names:
        args += ["--results", str(tmp_path / "results.yaml")]
    if any(name.startswith("children/") for name in names):
        args += ["--rollup", str(tmp_path)]
    code, output = run(*args)
    assert code == 0, output
    return code, {warning["code"] for warning in json.loads(output)["warnings"]}


def _validate(
    tmp_path: Path, files: ExampleFiles, limits: tuple[tuple[str, int], ...], code: str = ""
) -> Report:
    """Validate the example; an evidence rule's with --check-evidence."""
    _write(tmp_path, files)
    options = Options(
        limits=Limits(**{f"max_{name}": value for name, value in limits}),
        check_evidence=bool(code) and RULES[code].stage == STAGE_EVIDENCE,
    )
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        return check_paths(["."], options)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_a_page_with_its_sections(code: str) -> None:
    rule = RULES[code]
    found = sections(rule)
    assert list(found) == list(SECTIONS), code
    assert all(body and "TODO" not in body for body in found.values()), code
    assert USE_INSTEAD in found["Example"], code
    example = examples(rule)
    assert bool(example.failing) is (code not in NEVER_FIRES), f"{code}: failing example"
    assert example.passing, f"{code} has no passing example"


@pytest.mark.parametrize("code", sorted(set(CODES) - NEVER_FIRES))
def test_the_failing_example_fires_the_rule(code: str, tmp_path: Path) -> None:
    example = examples(RULES[code])
    if RULES[code].stage == STAGE_DIFF:
        assert code in _diff_codes(tmp_path, example.failing)[1]
        return
    if RULES[code].stage == STAGE_SCORE:
        assert code in _score_codes(tmp_path, example.failing)[1]
        return
    report = _validate(tmp_path, example.failing, example.limits, code)
    assert code in {p.code for p in report.problems}, [str(p) for p in report.problems]


@pytest.mark.parametrize("code", CODES)
def test_the_passing_example_passes(code: str, tmp_path: Path) -> None:
    example = examples(RULES[code])
    if RULES[code].stage == STAGE_DIFF:
        exit_code, codes = _diff_codes(tmp_path, example.passing)
        assert code not in codes and exit_code == 0, codes
        return
    if RULES[code].stage == STAGE_SCORE:
        exit_code, codes = _score_codes(tmp_path, example.passing)
        assert code not in codes and exit_code == 0, codes
        return
    report = _validate(tmp_path, example.passing, example.limits, code)
    problems = [f"{p.file}:{p.line} {p.code} {p.message}" for p in report.problems]
    assert code not in {p.code for p in report.problems}, problems
    assert report.ok, problems


def test_rules_code_prints_the_page() -> None:
    code, out = run("rules", "PC401")
    assert code == 0
    assert out.startswith("PC401  growth-oriented  (warning, vetting)\n")
    assert "WHAT IT DOES" in out and "WHY IS THIS BAD?" in out and "USE INSTEAD:" not in out
    assert "    kind: increase" in out  # the examples, indented, without fences
    assert "```" not in out


def test_rules_code_as_markdown_and_json() -> None:
    code, out = run("rules", "pc401", "--format", "md")
    assert code == 0
    assert out.startswith("# PC401 growth-oriented\n\n*warning, vetting* · ")
    assert "\n## What it does\n" in out and "```yaml\n" in out
    code, out = run("rules", "PC401", "--format", "json")
    assert code == 0
    page = json.loads(out)
    assert page["code"] == "PC401" and page["severity"] == "warning" and page["vetting"]
    assert page["configurable"] is True and page["stage"] == "file"
    assert page["doc"] == rule_page(RULES["PC401"])
    assert "# (the example" in RULES["PC401"].doc and "# (the example" not in page["doc"]
    assert page["summary"] == page["doc"].splitlines()[0]


def test_an_unknown_rule_code_is_a_usage_error() -> None:
    code, out = run("rules", "PC999")
    assert code == 2
    assert "unknown rule code 'PC999'" in out


def test_rules_without_a_code_lists_them() -> None:
    code, out = run("rules")
    assert code == 0
    assert out.splitlines()[0].startswith("PC001  yaml-syntax")
    assert len(out.splitlines()) == len(RULES)
    code, out = run("rules", "--format", "json")
    assert [item["code"] for item in json.loads(out)] == CODES


@pytest.mark.parametrize("code", CODES)
def test_every_page_renders_in_every_format(code: str) -> None:
    rule = RULES[code]
    text = render_page(code.lower(), "text")
    assert text.startswith(f"{code}  {rule.name}  (") and rule.summary in text
    assert "```" not in text and "# (the example" not in text
    markdown = render_page(code, "md")
    assert markdown.startswith(f"# {code} {rule.name}\n")
    assert markdown.count("```yaml\n") == len(examples(rule).failing) + len(examples(rule).passing)
    assert json.loads(render_page(code, "json"))["summary"] == rule.summary
