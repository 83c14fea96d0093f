"""`pcontract cascade` end to end: write, validate, refuse to overwrite, refuse escapes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pcontract.cli.app import app
from tests.conftest import TESTS

runner = CliRunner()


def test_cascade_writes_valid_drafts_and_protects_edits(tmp_path: Path) -> None:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / "plan.yaml")]
    out = root / "drafts"
    result = runner.invoke(app, [*args, "--out", str(out), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert not out.exists()

    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    a = out / "min-2024-25-a.yaml"
    b = out / "min-2024-25-b.yaml"
    # 60% of 500,000 and the amount 200,000; weights 40 and 30 of the parent
    # rescale to 57.14 and 42.86 (largest remainder), adding up to 100.
    assert "        target: 300000\n" in a.read_text()
    assert "        target: 200000\n" in b.read_text()
    for draft in (a, b):
        text = draft.read_text()
        assert "parent: min-2024-25\n" in text and "status: draft\n" in text
        assert "weight: 57.14" in text and "weight: 42.86" in text
    assert runner.invoke(app, ["validate", str(root)]).exit_code == 0

    a.write_text(a.read_text().replace("target: 300000", "target: 350000"))
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert "CM01: children's targets add up to 550000" in result.output

    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 1
    assert "use --force" in result.output
    assert "target: 350000" in a.read_text()

    result = runner.invoke(app, [*args, "--out", str(out), "--force"])
    assert result.exit_code == 0
    assert "target: 300000" in a.read_text()


def test_unit_id_that_escapes_is_refused(tmp_path: Path) -> None:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    plan = tmp_path / "c" / "plan.yaml"
    plan.write_text(plan.read_text().replace("  - id: b\n", "  - id: ../../../escaped\n"))
    out = tmp_path / "c" / "drafts"
    result = runner.invoke(
        app,
        ["cascade", str(tmp_path / "c" / "contract.yaml"), "--plan", str(plan), "--out", str(out)],
    )
    assert result.exit_code == 1
    assert "escaped" in result.output
    assert not out.exists()
    assert not list(tmp_path.rglob("*escaped*"))


def test_tree_shows_hierarchy_and_coverage(tmp_path: Path) -> None:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    plan = root / "plan.yaml"
    # Unit B no longer carries CC01, so the parent's CC01 is carried by nobody.
    plan.write_text(plan.read_text().replace("      CC01: {copy: true}\n", ""))
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(plan), "--out", str(root / "d")]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, ["tree", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("min-2024-25  Ministry — Cabinet Secretary  [signed]")
    assert "carried 2/3 (not carried: CC01)" in lines[0]
    assert "min-2024-25-a  Unit A — Head, Unit A  [draft]" in lines[1]
    assert "min-2024-25-b  Unit B — Head, Unit B  [draft]" in lines[2]


def test_a_plan_that_does_not_fit_is_refused_as_validate_reports_it(tmp_path: Path) -> None:
    shutil.copytree(TESTS / "cases" / "invalid" / "pc244-shares-over-the-target", tmp_path / "c")
    root = tmp_path / "c"
    validated = runner.invoke(app, ["validate", "--no-cache", str(root)])
    assert validated.exit_code == 1
    out = root / "drafts"
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / "plan.yaml")]
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(app, [*args, "--out", str(out), *extra])
        assert result.exit_code == 1, result.output
        assert (
            f"{root / 'plan.yaml'}\n  12:7     error   PC244  CM01: the units' targets add up to"
            in (result.output)
        )
        assert not out.exists()
    assert "12:7     error   PC244  CM01: the units' targets add up to 1400000" in validated.output


def test_drafts_carry_the_measure(tmp_path: Path) -> None:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    out = root / "drafts"
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / "plan.yaml")]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    # Unit A copies SD01 (measure: level) and splits CM01, which has no measure of
    # its own (its aggregation, sum, makes it cumulative): only what is written
    # is carried.
    a = (out / "min-2024-25-a.yaml").read_text(encoding="utf-8")
    sd01 = a[a.index("id: SD01") :]
    assert "        measure: level\n" in sd01
    assert a.count("measure:") == 1
    assert "measure:" not in (out / "min-2024-25-b.yaml").read_text(encoding="utf-8")


def test_a_share_of_a_level_is_refused_with_copy_as_the_way(tmp_path: Path) -> None:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    plan = root / "plan.yaml"
    plan.write_text(plan.read_text().replace("SD01: {copy: true}", "SD01: {share: 50%}"))
    out = root / "drafts"
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(plan), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert (
        "  9:7      error   PC244  unit 'a', indicator SD01: a share splits an additive target, "
        "but SD01 is a level (measure: level): carry it with copy: true, the same target\n"
    ) in result.output
    assert not out.exists()


def test_the_parent_and_the_plan_are_checked_through_validates_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second cascade with the same cache reads its parent and plan from it,
    checking neither again, and drafts the same bytes."""
    from pcontract.checking import pipeline
    from pcontract.checking.checker import check_file

    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / "plan.yaml")]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = runner.invoke(app, [*args, "--out", str(root / "one"), *cache])
    assert first.exit_code == 0, first.output
    checked: list[str] = []

    def recorded(target: Any, *rest: Any, **options: Any) -> Any:
        checked.append(target.display)
        return check_file(target, *rest, **options)

    monkeypatch.setattr(pipeline, "check_file", recorded)
    again = runner.invoke(app, [*args, "--out", str(root / "two"), *cache])
    assert again.exit_code == 0, again.output
    assert checked == []
    for one in sorted((root / "one").iterdir()):
        assert (root / "two" / one.name).read_bytes() == one.read_bytes()
    fresh = runner.invoke(app, [*args, "--out", str(root / "three"), "--no-cache"])
    assert fresh.exit_code == 0, fresh.output
    assert sorted(checked) == sorted([str(root / "contract.yaml"), str(root / "plan.yaml")])
    elsewhere = tmp_path / "dry-run-cache"
    dry = runner.invoke(
        app, [*args, "--out", str(root / "four"), "--dry-run", "--cache-dir", str(elsewhere)]
    )
    assert dry.exit_code == 0, dry.output
    assert not elsewhere.exists() and not (root / "four").exists()  # a dry run writes nothing
