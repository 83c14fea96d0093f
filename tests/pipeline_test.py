"""The document pipeline: every command checks each of its inputs once per run."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pcontract.files import loader
from pcontract.scoring.engine import guess
from tests.conftest import EXAMPLES, TESTS, run

MOINA = EXAMPLES / "moina"
GUIDELINES = EXAMPLES / "guidelines" / "kenya-pc-fy2024-25.yaml"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each file (by real path) is loaded and checked."""
    counts: Counter[str] = Counter()
    load_bytes = loader.load_bytes  # every check of a file's bytes goes through it

    def counting_load_bytes(content: bytes, display: str, *args: Any, **kwargs: Any) -> Any:
        counts[os.path.realpath(display)] += 1
        return load_bytes(content, display, *args, **kwargs)

    monkeypatch.setattr(loader, "load_bytes", counting_load_bytes)
    return counts


def _real(*paths: Path) -> set[str]:
    return {os.path.realpath(p) for p in paths}


def test_a_quarterly_report_card_checks_each_input_once(
    loads: Counter[str], tmp_path: Path
) -> None:
    code, output = run(
        "report",
        str(MOINA / "contract.yaml"),
        "--results",
        str(MOINA / "results-fy2024-25.yaml"),
        "--quarterly",
        str(MOINA / "results-fy2024-25-q2.yaml"),
        "-o",
        str(tmp_path / "card.md"),
    )
    assert code == 0, output
    inputs = _real(
        MOINA / "contract.yaml",
        MOINA / "results-fy2024-25.yaml",
        MOINA / "results-fy2024-25-q2.yaml",
        GUIDELINES,
    )
    assert set(loads) == inputs
    assert set(loads.values()) == {1}, loads


def test_score_with_explicit_guidelines_checks_them_once(loads: Counter[str]) -> None:
    code, output = run(
        "score",
        str(MOINA / "contract.yaml"),
        "--results",
        str(MOINA / "results-fy2024-25.yaml"),
        "--guidelines",
        str(GUIDELINES),
    )
    assert code == 0, output
    assert loads[os.path.realpath(GUIDELINES)] == 1
    assert set(loads.values()) == {1}, loads


@pytest.mark.parametrize("command", ["rank", "site"])
def test_rank_and_site_check_each_file_of_the_tree_once(
    command: str, loads: Counter[str], tmp_path: Path
) -> None:
    # In one process and without the cache, so that every load is counted here.
    args = [command, str(EXAMPLES), "--no-cache", "--jobs", "1"]
    args += ["-o", str(tmp_path / "site")] if command == "site" else []
    code, output = run(*args)
    assert code == 0, output
    # Every contract, results, guidelines and cascade plan file in the examples; the
    # drafts the two cascade plans would write are checked as data, never parsed.
    drafts = {path for path in loads if not os.path.exists(path)}
    assert drafts == set()
    assert set(loads) - drafts == _real(*EXAMPLES.rglob("*.yaml"))
    # Each once, but for what PC244 (plan-fits-parent) checks again from the file: each
    # plan and its parent contract, and so the plan's drafts, a second time.
    plans = _real(
        EXAMPLES / "moina-departments" / "plan.yaml",
        EXAMPLES / "moina" / "contract.yaml",
        EXAMPLES / "moina-officers" / "plan.yaml",
        EXAMPLES / "moina-departments" / "moina-2024-25-ics.yaml",
    )
    expected = dict.fromkeys(_real(*EXAMPLES.rglob("*.yaml")) | drafts, 1)
    for path in plans | drafts:
        expected[path] = 2
    if command == "site":
        # Each card reads its contract and annual results again when it is drawn,
        # so that no card's documents are held while the others are drawn; the
        # guidelines are read once per process.
        for path in _real(*EXAMPLES.rglob("*.yaml")):
            found = guess(Path(path).read_bytes())
            if found.kind == "Contract" or (found.kind == "Results" and found.period == "annual"):
                expected[path] += 1
    assert dict(loads) == expected


def test_cascade_checks_the_contract_and_the_plan_once(loads: Counter[str], tmp_path: Path) -> None:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    code, output = run(
        "cascade",
        str(root / "contract.yaml"),
        "--plan",
        str(root / "plan.yaml"),
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 0, output
    assert loads[os.path.realpath(root / "contract.yaml")] == 1
    assert loads[os.path.realpath(root / "plan.yaml")] == 1


def test_a_file_named_twice_in_one_run_is_checked_once(loads: Counter[str]) -> None:
    from pcontract.checking.checker import Options
    from pcontract.checking.pipeline import Pipeline, explicit

    pipeline = Pipeline(Options())
    contract = str(MOINA / "contract.yaml")
    first = pipeline.load(explicit([contract]))
    second = pipeline.load(explicit([contract, str(MOINA / "results-fy2024-25.yaml")]))
    assert first.contracts[0][1] is second.contracts[0][1]
    assert loads[os.path.realpath(contract)] == 1


def test_guidelines_option_naming_a_contract_is_refused() -> None:
    code, output = run(
        "score",
        str(MOINA / "contract.yaml"),
        "--results",
        str(MOINA / "results-fy2024-25.yaml"),
        "--guidelines",
        str(MOINA / "contract.yaml"),
    )
    assert code == 2, output
    assert "is not a Guidelines document" in output
