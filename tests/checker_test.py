"""The parallel and cached paths give exactly the diagnostics of the plain one, and
the cache never hides a change."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pcontract.checker import PARALLEL_MIN, Options, check_paths
from pcontract.problems import Problem
from tests.conftest import TESTS


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every case of tests/cases side by side: ~150 files, valid and broken,
    with cross-file problems between them, enough for worker processes."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(TESTS / "cases", tmp_path / "cases", symlinks=True)
    return Path("cases")


def problems(tree: Path, **options: object) -> list[Problem]:
    return check_paths([str(tree)], Options(**options)).problems  # type: ignore[arg-type]


def test_the_tree_is_big_enough_for_workers(tree: Path) -> None:
    assert sum(1 for _ in tree.rglob("*.yaml")) > 2 * PARALLEL_MIN


def test_jobs_give_the_same_diagnostics(tree: Path) -> None:
    alone = problems(tree, jobs=1)
    assert len(alone) > 50
    assert problems(tree, jobs=2) == alone


def test_cache_gives_the_same_diagnostics_cold_and_warm(tree: Path, tmp_path: Path) -> None:
    alone = problems(tree, jobs=1)
    cache = tmp_path / "cache"
    assert problems(tree, jobs=2, cache_dir=cache) == alone
    with sqlite3.connect(cache / "validate-v1.sqlite") as db:
        stored = db.execute("SELECT count(*) FROM files").fetchone()[0]
    # One entry per distinct content: byte-identical files (shared guidelines)
    # share an entry.
    distinct = {p.read_bytes() for p in tree.rglob("*.y*ml") if p.is_file()}
    assert stored == len(distinct) > PARALLEL_MIN
    assert problems(tree, jobs=1, cache_dir=cache) == alone
    assert (cache / ".gitignore").read_text().endswith("*\n")


def test_cache_never_hides_a_change(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    contract = tree / "valid" / "minimal-contract" / "contract.yaml"
    before = problems(tree / "valid" / "minimal-contract", cache_dir=cache)
    assert before == []
    text = contract.read_text()
    contract.write_text(text.replace("weight: 60", "weight: 65", 1))
    after = problems(tree / "valid" / "minimal-contract", cache_dir=cache)
    assert {p.code for p in after} == {"PC202", "PC403"}  # sum off; outside the range
    contract.write_text(text)
    assert problems(tree / "valid" / "minimal-contract", cache_dir=cache) == []


def test_same_bytes_elsewhere_report_their_own_path(tmp_path: Path, tree: Path) -> None:
    cache = tmp_path / "cache"
    case = tree / "invalid" / "pc201-weights-off-by-5"
    first = problems(case, cache_dir=cache)
    copy = tmp_path / "elsewhere"
    shutil.copytree(case, copy)
    second = problems(copy, cache_dir=cache)
    assert [p.file for p in second] == [str(copy / "contract.yaml")]
    assert [(p.line, p.column, p.code, p.message) for p in second] == [
        (p.line, p.column, p.code, p.message) for p in first
    ]


def test_a_damaged_cache_is_ignored(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = problems(tree, cache_dir=cache)
    with sqlite3.connect(cache / "validate-v1.sqlite") as db:
        db.execute("UPDATE files SET value = 'not json'")
    assert problems(tree, cache_dir=cache) == expected
    (cache / "validate-v1.sqlite").write_bytes(b"garbage, not a database")
    assert problems(tree, cache_dir=cache) == expected


def test_an_unwritable_cache_folder_only_costs_time(tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    assert problems(tree, cache_dir=blocker / "cache") == problems(tree)


def test_a_committed_cache_cannot_vouch_for_a_file(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An attacker builds a cache with their own per-user key, storing "no
    # problems" under the key of a broken file, and commits the cache folder.
    case = tree / "invalid" / "pc201-weights-off-by-5"
    clean = tree / "valid" / "minimal-contract"
    shared = tmp_path / "committed-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker-home"))
    from pcontract import cache as cache_module

    cache_module._secret.cache_clear()
    assert problems(clean, cache_dir=shared) == []
    with sqlite3.connect(shared / "validate-v1.sqlite") as db:
        value = db.execute("SELECT value FROM files LIMIT 1").fetchone()[0]
        store = cache_module.Cache(shared, cache_module.salt_for(Options().limits))
        broken = (case / "contract.yaml").read_bytes() + b"\0found"
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (store.key(broken), value))
    # The victim's run has its own key: the planted entry is never looked up.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "victim-home"))
    cache_module._secret.cache_clear()
    try:
        assert {p.code for p in problems(case, cache_dir=shared)} == {"PC201"}
    finally:
        cache_module._secret.cache_clear()


def test_the_cache_never_writes_through_a_link(tree: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite"
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "validate-v1.sqlite").symlink_to(elsewhere)
    assert problems(tree, cache_dir=cache) == problems(tree)
    assert not elsewhere.exists()
