"""The pre-commit hooks: `validate --context` checks the staged files with the rest
of the repository as context, and the published hooks run it through pre-commit."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pcontract.cli.app import app
from tests.conftest import ROOT, TESTS

runner = CliRunner()
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A parent contract, its guidelines and plan, and two cascaded drafts."""
    root = tmp_path / "repo"
    shutil.copytree(TESTS / "data" / "cascade", root)
    monkeypatch.chdir(root)
    code, out = run("cascade", "contract.yaml", "--plan", "plan.yaml", "--out", "drafts")
    assert code == 0, out
    return root


CHILD = "drafts/min-2024-25-a.yaml"


def test_the_hooks_are_published() -> None:
    hooks: list[dict[str, Any]] = yaml.safe_load(HOOKS.read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    assert by_id["pcontract-validate"]["entry"] == "pcontract validate --context ."
    assert by_id["pcontract-validate-strict"]["entry"] == "pcontract validate --strict --context ."
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["files"] == r"\.ya?ml$"
        assert hook["require_serial"] is True
    if importlib.util.find_spec("pre_commit") is not None:
        check = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_context_lets_references_resolve(tree: Path) -> None:
    code, out = run("validate", CHILD)
    assert code == 1 and "parent contract 'min-2024-25' was not found" in out
    code, out = run("validate", "--context", ".", CHILD)
    assert code == 0, out
    assert "1 file valid" in out


def test_context_files_own_problems_are_not_reported(tree: Path) -> None:
    edit(tree / "plan.yaml", "name: Unit B", "nmae: Unit B")
    (tree / "results.yaml").write_text("apiVersion: pcontract/v1\nkind: Results\ncontract: nope\n")
    code, out = run("validate", "--context", ".", CHILD)
    assert code == 0, out
    code, out = run("validate", "--context", ".", "plan.yaml")
    assert code == 1 and "PC101" in out


def test_problems_the_staged_files_cause_elsewhere_are_reported(tree: Path) -> None:
    edit(tree / CHILD, "target: 300000", "target: 350000")
    code, out = run("validate", "--context", ".", CHILD)
    assert code == 1
    assert "contract.yaml" in out
    assert "CM01: children's targets add up to 550000, not the parent's target 500000" in out
    # The same problem, already there before this change, is not the child's to report.
    code, out = run("validate", "--context", ".", "guidelines.yaml")
    assert code == 0, out


def test_staged_yaml_that_is_not_a_pcontract_document_is_skipped(tree: Path) -> None:
    workflow = tree / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: ci\non: [push]\njobs: {}\n")
    code, out = run("validate", "--context", ".", ".github/workflows/ci.yml", CHILD)
    assert code == 0, out
    assert "skipped" in out


def test_strict_hook_entry_fails_on_vetting_warnings(tree: Path) -> None:
    edit(tree / "contract.yaml", "target: 500000", "target: 440000")
    edit(tree / "drafts" / "min-2024-25-a.yaml", "target: 300000", "target: 240000")
    # The plan must still fit the parent (PC244): 60% of 440000 and 200000 would not.
    edit(tree / "plan.yaml", "CM01: {share: 60%}", "CM01: {amount: 240000}")
    code, out = run("validate", "--context", ".", "contract.yaml", CHILD)
    assert code == 0, out
    assert "not growth oriented" in out
    code, out = run("validate", "--strict", "--context", ".", "contract.yaml", CHILD)
    assert code == 1


# -- through pre-commit itself ---------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=test@example.org", "-c", "user.name=Test", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _project_files() -> list[str]:
    """The files of this project as git would commit them now: tracked, plus new
    files that are not ignored, so that uncommitted work is tested too."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    return [name for name in listed.decode().split("\0") if name]


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this repository for pre-commit to install the hooks from.

    pre-commit try-repo takes only committed and staged changes of a local
    repository, so a copy of the working tree is committed; this works the same
    in a developer's checkout and in a fresh CI clone.
    """
    # git and pre-commit are part of the test set-up; the hooks repo is this checkout.
    assert shutil.which("git"), "git is needed to run pre-commit try-repo"
    assert importlib.util.find_spec("pre_commit"), "pre-commit is a test extra"
    assert (ROOT / ".git").exists(), "run the tests from the project's git checkout"
    target = tmp_path_factory.mktemp("hooks") / "pcontract"
    for name in _project_files():
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    _git(target, "init", "--quiet")
    _git(target, "add", "-A")
    _git(target, "commit", "--quiet", "-m", "hooks under test")
    return target


def _try_repo(hooks: Path, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("PCONTRACT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "pcontract-validate"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_hook_through_pre_commit_try_repo(hooks_repo: Path, tmp_path: Path) -> None:
    """pre-commit installs pcontract from the hooks repository (needs PyPI for its
    dependencies) and runs it on the staged files only."""
    contracts = tmp_path / "contracts"
    shutil.copytree(TESTS / "data" / "cascade", contracts)
    _git(contracts, "init", "--quiet")
    _git(contracts, "add", "-A")
    _git(contracts, "commit", "--quiet", "-m", "FY 2024/25")
    # A child whose parent and guidelines are only in the rest of the repository.
    code, out = run(
        "cascade",
        str(contracts / "contract.yaml"),
        "--plan",
        str(contracts / "plan.yaml"),
        "--out",
        str(contracts / "drafts"),
    )
    assert code == 0, out
    _git(contracts, "add", "drafts")
    home = tmp_path / "pre-commit-home"

    good = _try_repo(hooks_repo, contracts, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "pcontract validate" in good.stdout and "Passed" in good.stdout

    edit(contracts / "drafts" / "min-2024-25-a.yaml", "weight: 57.14", "weight: 50")
    _git(contracts, "add", "drafts")
    bad = _try_repo(hooks_repo, contracts, home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "indicator weights add up to 92.86, not 100" in bad.stdout
