"""`pcontract init`: a new contracts repository that validates at once."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pcontract.checking.config import load, resolve
from pcontract.cli.app import app
from pcontract.scaffold.repo import (
    FILES,
    financial_year_on,
    parse_financial_year,
    plan,
    scaffold,
    template,
)
from tests.conftest import ROOT

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_init_then_validate_passes(tmp_path: Path) -> None:
    repo = tmp_path / "contracts"
    code, out = run("init", str(repo), "--financial-year", "2026/2027")
    assert code == 0, out
    assert run("validate", str(repo))[0] == 0
    code, out = run("validate", "--strict", str(repo))
    assert code == 0, out
    assert "3 files valid" in out
    for path in (
        "README.md",
        "guidelines/kenya-pc-fy2026-27.yaml",
        "contracts/example-ministry/contract-2026-27.yaml",
        "contracts/example-ministry/cascade-plan-2026-27.yaml",
        ".github/workflows/pcontract.yml",
        ".github/CODEOWNERS",
        ".pre-commit-config.yaml",
        ".gitignore",
        "pcontract.toml",
    ):
        assert (repo / path).is_file(), path


def test_the_workflow_is_valid_yaml_that_validates_and_comments(tmp_path: Path) -> None:
    scaffold(tmp_path / "r", "2026/2027")
    workflow: dict[Any, Any] = yaml.safe_load(
        (tmp_path / "r" / ".github" / "workflows" / "pcontract.yml").read_text()
    )
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers: dict[str, Any] = workflow.get("on", workflow.get(True)) or {}
    assert "pull_request" in triggers
    steps = workflow["jobs"]["contracts"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "pcontract validate --format github ." in runs
    comment = next(r for r in runs if "pcontract diff" in r)
    assert 'pcontract diff --git "origin/${BASE_REF}" --format md .' in comment
    assert "gh pr comment" in comment and "--body-file pcontract-diff.md" in comment
    assert workflow["permissions"]["pull-requests"] == "write"
    assert any(step.get("with", {}).get("fetch-depth") == 0 for step in steps)


def test_the_pre_commit_config_and_codeowners(tmp_path: Path) -> None:
    scaffold(tmp_path / "r", "2026/2027")
    config: dict[str, Any] = yaml.safe_load(
        (tmp_path / "r" / ".pre-commit-config.yaml").read_text()
    )
    (hook,) = config["repos"][0]["hooks"]
    assert hook["id"] == "pcontract-validate"
    assert hook["entry"] == "pcontract validate --context ."
    if importlib.util.find_spec("pre_commit") is not None:
        check = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
            cwd=tmp_path / "r",
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    owners = (tmp_path / "r" / ".github" / "CODEOWNERS").read_text()
    assert "/contracts/example-ministry/   @example-org/example-ministry-planning" in owners


def test_the_example_cascades_into_valid_drafts(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    scaffold(repo, "2026/2027")
    folder = repo / "contracts" / "example-ministry"
    code, out = run(
        "cascade",
        str(folder / "contract-2026-27.yaml"),
        "--plan",
        str(folder / "cascade-plan-2026-27.yaml"),
        "--out",
        str(folder / "departments"),
    )
    assert code == 0, out
    code, out = run("validate", "--strict", str(repo))
    assert code == 0, out
    assert "5 files valid" in out


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 11, 22), "2026/2027"),
        (dt.date(2026, 7, 1), "2026/2027"),
        (dt.date(2026, 6, 30), "2025/2026"),
        (dt.date(2027, 3, 1), "2026/2027"),
        (dt.date(2027, 1, 1), "2026/2027"),
    ],
)
def test_the_financial_year_runs_from_july_to_june(day: dt.date, year: str) -> None:
    assert financial_year_on(day).label == year


def test_the_current_financial_year_is_the_default(tmp_path: Path) -> None:
    written = scaffold(tmp_path / "r", today=dt.date(2026, 11, 22))
    names = {p.relative_to(tmp_path / "r").as_posix() for p in written}
    assert "guidelines/kenya-pc-fy2026-27.yaml" in names
    contract = (tmp_path / "r" / "contracts/example-ministry/contract-2026-27.yaml").read_text()
    assert "financial_year: 2026/2027\n" in contract
    assert "period: {start: 2026-07-01, end: 2027-06-30}\n" in contract
    assert "baseline: {2024/2025: 42000, 2025/2026: 45000}" in contract
    this_year = financial_year_on(dt.date.today())
    code, _ = run("init", str(tmp_path / "today"))
    assert code == 0
    assert (tmp_path / "today" / "guidelines" / f"kenya-pc-fy{this_year.slug}.yaml").is_file()


def test_a_bad_financial_year_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path / "r"), "--financial-year", "2026/2028")
    assert code == 2 and "two consecutive years" in out
    assert not (tmp_path / "r").exists()
    assert parse_financial_year("2030/2031").slug == "2030-31"
    assert parse_financial_year("2099/2100").slug == "2099-00"


def test_a_non_empty_folder_needs_force(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "notes.txt").write_text("keep me")
    code, out = run("init", str(repo))
    assert code == 1 and "is not empty; use --force" in out
    assert sorted(p.name for p in repo.iterdir()) == ["notes.txt"]
    code, out = run("init", str(repo), "--force", "--financial-year", "2026/2027")
    assert code == 0, out
    readme = repo / "README.md"
    readme.write_text("edited")
    assert run("init", str(repo), "--force", "--financial-year", "2026/2027")[0] == 0
    assert readme.read_text() != "edited"
    assert (repo / "notes.txt").read_text() == "keep me"


def test_the_pcontract_toml_is_commented_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "r"
    assert run("init", str(repo), "--financial-year", "2026/2027")[0] == 0
    text = (repo / "pcontract.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"rules": {}}
    # Each setting is there, commented out, with a word on what it does.
    for setting in ('# select = ["PC"]', '# ignore = ["PC313"]', "# severity = {"):
        assert setting in text
    assert '"error", "warning" or "off"' in text and "--select" in text and "--strict" in text
    # Uncommented, each line is a valid configuration.
    for line in text.splitlines():
        if line.startswith(("# select", "# ignore", "# severity")):
            assert load_config_text(tmp_path, "[rules]\n" + line[2:] + "\n")
    monkeypatch.chdir(repo)
    rules = resolve()
    assert rules is not None and rules.source.endswith("pcontract.toml")
    assert rules.off == frozenset() and rules.severity == ()


def load_config_text(folder: Path, text: str) -> bool:
    path = folder / "try.toml"
    path.write_text(text, encoding="utf-8")
    load(path)
    return True


def test_init_never_overwrites_an_existing_pcontract_toml(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "pcontract.toml").write_text('[rules]\nignore = ["PC401"]\n')
    code, out = run("init", str(repo))
    assert code == 1 and "is not empty; use --force" in out
    assert (repo / "pcontract.toml").read_text() == '[rules]\nignore = ["PC401"]\n'
    assert sorted(p.name for p in repo.iterdir()) == ["pcontract.toml"]


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r").write_text("a file")
    code, out = run("init", str(tmp_path / "r"))
    assert code == 2 and "not a folder" in out


def test_every_placeholder_is_filled() -> None:
    for directory, year in ((Path("x"), parse_financial_year("2026/2027")),):
        for path, data in plan(directory, year):
            assert b"@@" not in data, path
            assert "@@" not in str(path)
    for name, _ in FILES:
        assert template(name)


def test_the_templates_ship_in_the_wheel(tmp_path: Path) -> None:
    # hatchling is a test extra, so that this builds the real wheel.
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name, _ in FILES:
        assert f"pcontract/scaffold/templates/{name}" in names


def test_a_financial_year_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path / "r"), "--financial-year", "0001/0002")
    assert code == 2
    assert "financial year '0001/0002' is out of range: give one from 1002/1003 to 9998/9999" in out
    assert not (tmp_path / "r").exists()


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.integers(min_value=0, max_value=9998),
        st.sampled_from([0, 1, 999, 1000, 1001, 1002, 9997, 9998]),
    )
)
def test_every_init_that_succeeds_validates(start: int) -> None:
    from pcontract.checking.checker import check_paths
    from pcontract.errors import UsageError

    year = f"{start:04d}/{start + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder) / "r"
        try:
            scaffold(repo, year)
        except UsageError as error:
            assert "out of range" in str(error)
            assert not repo.exists()
            return
        report = check_paths([str(repo)])
        assert report.problems == [], year  # not even a vetting warning
        assert report.checked == 3
