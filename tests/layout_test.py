"""The package's layout holds: the import direction, empty package __init__s, and
functions small enough to read (radon ranks none D or worse)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "pcontract"


def _tool(name: str) -> str:
    """A command installed beside this Python (the test extras install both)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extras (pip install '.[test]')")
    return found


def test_import_linter_contracts_are_kept() -> None:
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert result.stdout.count(" KEPT") == 3, result.stdout


def test_no_function_ranks_d_or_worse() -> None:
    result = subprocess.run(
        [_tool("radon"), "cc", "-n", "D", "-s", "src"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "", result.stdout


def test_every_package_init_is_empty() -> None:
    """Lazy imports keep start-up fast: importing a subpackage runs nothing."""
    inits = sorted(p for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE)
    assert {p.parent.name for p in inits} >= {
        "files",
        "checking",
        "rules",
        "scoring",
        "negotiation",
        "cascade",
        "render",
        "cli",
        "scaffold",
    }
    assert [p for p in inits if p.read_text().strip()] == []


def test_no_module_is_left_at_the_top_but_the_shared_ones() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == [
        "__init__.py",
        "__main__.py",
        "errors.py",
        "formatting.py",
        "model.py",
        "problems.py",
    ]
