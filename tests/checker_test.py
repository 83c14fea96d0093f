"""The parallel and cached paths give exactly the diagnostics of the plain one, and
the cache never hides a change."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from pcontract.checking import checker
from pcontract.checking.cache import FORMAT
from pcontract.checking.checker import PARALLEL_MIN, Options, check_paths
from pcontract.problems import Problem
from tests.conftest import TESTS

DB = f"validate-v{FORMAT}.sqlite"


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
    with sqlite3.connect(cache / DB) as db:
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
    with sqlite3.connect(cache / DB) as db:
        db.execute("UPDATE files SET value = 'not json'")
        db.execute("UPDATE runs SET value = 'not json'")
    assert problems(tree, cache_dir=cache) == expected
    with sqlite3.connect(cache / DB) as db:  # JSON, but not the shape written
        db.execute("""UPDATE files SET value = '{"problems": 1}'""")
        db.execute("""UPDATE runs SET value = '{"files": [], "context": 3}'""")
    assert problems(tree, cache_dir=cache) == expected
    with sqlite3.connect(cache / DB) as db:
        db.execute("""UPDATE runs SET value = '{"files": 7}'""")
    assert problems(tree, cache_dir=cache) == expected
    (cache / DB).write_bytes(b"garbage, not a database")
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
    from pcontract.checking import cache as cache_module

    cache_module._secret.cache_clear()
    assert problems(clean, cache_dir=shared) == []
    with sqlite3.connect(shared / DB) as db:
        value = db.execute("SELECT value FROM files LIMIT 1").fetchone()[0]
        store = cache_module.Cache(shared, cache_module.salt_for(Options().limits))
        broken = (case / "contract.yaml").read_bytes() + b"\0found"
        db.execute(
            "INSERT OR REPLACE INTO files (key, value) VALUES (?, ?)", (store.key(broken), value)
        )
    # The victim's run has its own key: the planted entry is never looked up.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "victim-home"))
    cache_module._secret.cache_clear()
    try:
        assert {p.code for p in problems(case, cache_dir=shared)} == {"PC201"}
    finally:
        cache_module._secret.cache_clear()


def test_processes_starting_at_once_agree_on_the_per_user_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a fresh machine two runs may make the key at once: the one that links
    its key into place second takes the first one's, whole, and both store."""
    from pcontract.checking import cache as cache_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    key_file = tmp_path / "home" / "pcontract" / "cache-key"
    first = "f" * 64
    link = os.link

    def beaten(source: str, target: str) -> None:
        key_file.write_text(first + "\n")  # the other process, a moment earlier
        link(source, target)

    monkeypatch.setattr(os, "link", beaten)
    cache_module._secret.cache_clear()
    try:
        assert cache_module._secret() == first
        assert [p.name for p in key_file.parent.iterdir()] == ["cache-key"]  # no temporary left
        monkeypatch.setattr(os, "link", link)
        cache_module._secret.cache_clear()
        assert cache_module._secret() == first  # read back as it is
        key_file.unlink()
        cache_module._secret.cache_clear()
        made = cache_module._secret()  # alone: its own key, kept for the next run
        assert made is not None and len(made) == 64 and key_file.read_text().strip() == made
    finally:
        cache_module._secret.cache_clear()


def test_the_cache_never_writes_through_a_link(tree: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite"
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / DB).symlink_to(elsewhere)
    assert problems(tree, cache_dir=cache) == problems(tree)
    assert not elsewhere.exists()


# -- whole runs ----------------------------------------------------------------------


def _forbid(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"{name} ran")

    monkeypatch.setattr(checker, name, fail)


def test_an_unchanged_run_is_reused_whole(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    expected = problems(tree, cache_dir=cache)
    assert {p.code for p in expected} >= {"PC201", "PC301"}  # a file's, a tree's
    report = check_paths([str(tree)], Options(cache_dir=cache))
    with monkeypatch.context() as patch:
        # Nothing changed: neither the files nor the cross-file rules are checked.
        _forbid(patch, "check_file")
        _forbid(patch, "check_tree")
        warm = check_paths([str(tree)], Options(cache_dir=cache))
    assert warm.problems == expected
    assert (warm.checked, warm.skipped) == (report.checked, report.skipped)
    assert warm.files_with_problems() == report.files_with_problems()
    # --strict is applied to the reused run as well.
    strict = problems(tree, cache_dir=cache, strict=True)
    assert strict == problems(tree, strict=True)
    assert {p.severity.value for p in strict} == {"error"}


def test_one_edited_file_reruns_the_cross_file_rules_only(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    case = tree / "invalid" / "pc310-children-over-target"
    assert [p.code for p in problems(case, cache_dir=cache)] == ["PC310"]
    # The children split 500000 as 250000 + 300000: raise the parent's target.
    parent = case / "contract.yaml"
    parent.write_text(parent.read_text().replace("target: 500000", "target: 550000", 1))
    checked: list[str] = []
    real_check_file = checker.check_file

    def counting(target: checker.Target, *args: object, **kwargs: object) -> object:
        checked.append(target.display)
        return real_check_file(target, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(checker, "check_file", counting)
        after = problems(case, cache_dir=cache)
    assert checked == [str(parent)]  # the other files came from the cache
    assert after == [] == problems(case)


def _guidelines_outside(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A contract whose guidelines sit outside the folder validated, reached
    through a link: the run depends on files it was not given."""
    case = TESTS / "cases" / "valid" / "minimal-contract"
    text = (case / "guidelines.yaml").read_text()
    (tmp_path / "shared-a").mkdir()
    (tmp_path / "shared-b").mkdir()
    (tmp_path / "shared-a" / "guidelines.yaml").write_text(text)
    narrow = text.replace("weight: {min: 40, max: 60}", "weight: {min: 40, max: 50}")
    assert narrow != text
    (tmp_path / "shared-b" / "guidelines.yaml").write_text(narrow)
    (tmp_path / "shared").symlink_to(tmp_path / "shared-a")
    repo = tmp_path / "repo"
    repo.mkdir()
    contract = (case / "contract.yaml").read_text()
    (repo / "contract.yaml").write_text(
        contract.replace("guidelines: guidelines.yaml", "guidelines: ../shared/guidelines.yaml")
    )
    return repo, tmp_path / "shared-a" / "guidelines.yaml", tmp_path / "shared"


def test_a_run_sees_changes_to_the_files_it_reads_as_context(tmp_path: Path) -> None:
    repo, guidelines, _ = _guidelines_outside(tmp_path)
    cache = tmp_path / "cache"
    assert problems(repo, cache_dir=cache) == []
    original = guidelines.read_text()
    guidelines.write_text(original.replace("max: 60}", "max: 50}", 1))
    assert [p.code for p in problems(repo, cache_dir=cache)] == ["PC403"]
    guidelines.write_text(original)
    assert problems(repo, cache_dir=cache) == []
    guidelines.unlink()
    gone = problems(repo, cache_dir=cache)
    assert [(p.code, "does not exist" in p.message) for p in gone] == [("PC302", True)]
    guidelines.mkdir()  # a folder where the file was
    assert [p.code for p in problems(repo, cache_dir=cache)] == ["PC302"]


def test_a_run_sees_a_link_pointed_elsewhere(tmp_path: Path) -> None:
    repo, _, link = _guidelines_outside(tmp_path)
    cache = tmp_path / "cache"
    assert problems(repo, cache_dir=cache) == []
    link.unlink()
    link.symlink_to(tmp_path / "shared-b")  # the same path now leads to other guidelines
    assert [p.code for p in problems(repo, cache_dir=cache)] == ["PC403"]
    assert [p.code for p in problems(repo)] == ["PC403"]


def test_a_run_is_keyed_by_paths_not_only_bytes(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    case = tree / "invalid" / "pc310-children-over-target"
    assert [p.file for p in problems(case, cache_dir=cache)] == [str(case / "contract.yaml")]
    moved = tmp_path / "moved"
    shutil.copytree(case, moved)
    assert [p.file for p in problems(moved, cache_dir=cache)] == [str(moved / "contract.yaml")]
    with sqlite3.connect(cache / DB) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_old_runs_are_dropped_and_runs_in_use_are_kept(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking import cache as cache_module

    monkeypatch.setattr(cache_module, "RUNS_KEPT", 2)
    cache = tmp_path / "cache"
    a, b, c = (
        tree / "valid" / name
        for name in ("minimal-contract", "pc31-cascade-tree", "results-annual-and-q2")
    )
    problems(a, cache_dir=cache)
    problems(b, cache_dir=cache)
    with sqlite3.connect(cache / DB) as db:  # both last used long ago, a first
        db.execute("UPDATE runs SET at = 1")
        runs = [key for (key,) in db.execute("SELECT key FROM runs ORDER BY rowid")]
        db.execute("UPDATE runs SET at = 0 WHERE key = ?", (runs[0],))
    problems(a, cache_dir=cache)  # reused: marked as in use again
    problems(c, cache_dir=cache)  # a third run: the least recently used one goes
    with monkeypatch.context() as patch:
        _forbid(patch, "check_tree")
        problems(a, cache_dir=cache)
        problems(c, cache_dir=cache)
        with pytest.raises(AssertionError, match="check_tree ran"):
            problems(b, cache_dir=cache)
    with sqlite3.connect(cache / DB) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_summaries_from_workers_share_equal_columns(tree: Path) -> None:
    from pcontract.checking.checker import check_files, discover
    from pcontract.checking.index import ContractSummary

    reports = check_files(discover([str(tree)]), Options(jobs=2))
    contracts = [r.summary for r in reports if isinstance(r.summary, ContractSummary)]
    for column in ("ids", "kinds", "paths"):
        groups: dict[object, set[int]] = {}
        for contract in contracts:
            value = getattr(contract, column)
            groups.setdefault(value, set()).add(id(value))
        assert len(groups) < len(contracts) / 2  # many cases copy the same contract
        # One tuple for all equal columns, though each was pickled from a worker.
        assert all(len(objects) == 1 for objects in groups.values()), column


def test_a_file_edited_while_it_is_checked_is_not_cached_under_its_old_bytes(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    case = tree / "invalid" / "pc310-children-over-target"
    parent = case / "contract.yaml"
    original = parent.read_text()
    real_read_all = checker.read_all

    def edit_after_hashing(*args: object, **kwargs: object) -> object:
        read = real_read_all(*args, **kwargs)  # type: ignore[arg-type]
        # The children add up to 550000: the edit fixes PC310.
        parent.write_text(original.replace("target: 500000", "target: 550000", 1))
        return read

    with monkeypatch.context() as patch:
        patch.setattr(checker, "read_all", edit_after_hashing)
        assert problems(case, cache_dir=cache) == []  # what was checked: the edit
    with sqlite3.connect(cache / DB) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    parent.write_text(original)  # back to the bytes that were hashed
    assert [p.code for p in problems(case, cache_dir=cache)] == ["PC310"]
    assert [p.code for p in problems(case, cache_dir=cache)] == ["PC310"]


# -- the cache stays bounded -----------------------------------------------------------


def _count(cache: Path) -> int:
    with sqlite3.connect(cache / DB) as db:
        count: int = db.execute("SELECT count(*) FROM files").fetchone()[0]
    return count


def test_without_a_per_user_key_nothing_is_stored(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking import cache as cache_module

    # A home where no key can be kept: its cache folder is a file.
    home = tmp_path / "home-unwritable"
    home.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    cache_module._secret.cache_clear()
    try:
        assert cache_module.salt_for(Options().limits) is None
        cache = tmp_path / "cache"
        expected = problems(tree)
        for _ in range(3):  # every run would miss; none may add entries
            assert problems(tree, cache_dir=cache) == expected
        assert not cache.exists()
    finally:
        cache_module._secret.cache_clear()


def test_file_entries_are_bounded_least_recently_used_first(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking import cache as cache_module

    cases = sorted((tree / "valid").iterdir())[:6]
    sizes = [sum(1 for p in case.rglob("*.yaml")) for case in cases]
    monkeypatch.setattr(cache_module, "FILES_KEPT", max(sizes))
    cache = tmp_path / "cache"
    for case in cases:
        problems(case, cache_dir=cache)
        assert _count(cache) <= max(sizes)
    # The entries of the last run are the ones kept.
    last = cases[-1]
    expected = problems(last)
    with sqlite3.connect(cache / DB) as db:
        db.execute("DELETE FROM runs")  # so the per-file entries must serve
    with monkeypatch.context() as patch:
        _forbid(patch, "check_file")  # every file of the last case is a hit
        assert problems(last, cache_dir=cache) == expected


def test_entries_are_set_aside_in_batches_as_the_run_goes(tmp_path: Path) -> None:
    """A run does not hold every entry until it ends: past ``FLUSH_CHARS`` of
    text, the entries made so far wait on disk, in SQLite's temporary table,
    and join the cache when it closes, none lost and the last put kept."""
    from pcontract.checking import cache as cache_module

    folder = tmp_path / "cache"
    store = cache_module.Cache(folder, "a per-user secret")
    entry = {"kind": "Contract", "text": "x" * 1000}
    batch = cache_module.FLUSH_CHARS // len(json.dumps(entry)) + 1

    def held() -> int:  # the entries' text held in memory
        return sum(len(text) for _, text, _ in store._pending)

    try:
        for number in range(batch - 1):
            store.put(f"key{number}", entry)
        assert held() > cache_module.FLUSH_CHARS - 2 * len(json.dumps(entry))
        store.put("last", entry)
        assert held() == 0  # past the bound: set aside
        assert store._db is not None
        (aside,) = store._db.execute("SELECT count(*) FROM temp.pending").fetchone()
        assert aside == batch
        assert _count(folder) == 0  # the cache itself is written once, at the end
        store.put("after", entry)
        store.put("key0", {"kind": "Results"})  # put again: the later one is kept
    finally:
        store.close()
    assert _count(folder) == batch + 1
    with sqlite3.connect(folder / DB) as db:
        (value,) = db.execute("SELECT value FROM files WHERE key = 'last'").fetchone()
        (again,) = db.execute("SELECT value FROM files WHERE key = 'key0'").fetchone()
    assert json.loads(value) == entry
    assert json.loads(again) == {"kind": "Results"}


def test_entries_stay_in_memory_when_they_cannot_be_set_aside(tmp_path: Path) -> None:
    """No temporary file for SQLite (a full temporary folder, say): the entries
    wait in memory, as they did before, and none is lost."""
    from pcontract.checking import cache as cache_module

    class NoTemporary:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if "TEMP" in sql.upper():
                raise sqlite3.OperationalError("unable to open database file")
            return self.db.execute(sql, *args)  # type: ignore[arg-type]

    folder = tmp_path / "cache"
    store = cache_module.Cache(folder, "a per-user secret")
    assert store._db is not None
    real = store._db
    store._db = NoTemporary(real)  # type: ignore[assignment]
    entry = {"kind": "Contract", "text": "x" * 1000}
    batch = cache_module.FLUSH_CHARS // len(json.dumps(entry)) + 1
    try:
        for number in range(2 * batch):
            store.put(f"key{number}", entry)
        assert len(store._pending) == 2 * batch  # held, tried once
    finally:
        store._db = real
        store.close()
    assert _count(folder) == 2 * batch


def test_entries_are_fetched_a_query_at_a_time(tmp_path: Path) -> None:
    """A warm run decodes each entry as it comes: the text of a national tree's
    entries is never all held at once."""
    from pcontract.checking.cache import Cache

    folder = tmp_path / "cache"
    store = Cache(folder, "a per-user secret")
    for number in range(1200):
        store.put(f"key{number}", {"n": number})
    store.close()

    class Counting:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db, self.queries = db, 0

        def execute(self, *args: object) -> sqlite3.Cursor:
            self.queries += 1
            return self.db.execute(*args)  # type: ignore[arg-type]

    store = Cache(folder, "a per-user secret")
    assert store._db is not None
    counting = Counting(store._db)
    store._db = counting  # type: ignore[assignment]
    try:
        keys = [f"key{number}" for number in range(1300)]  # the last 100 are not stored
        entries = store.get_each(keys)
        first = next(entries)
        assert counting.queries == 1  # only the first 500 keys asked for yet
        rest = dict([first, *entries])
        assert counting.queries == 3
        assert len(rest) == 1200
        assert json.loads(rest["key1199"]) == {"n": 1199}
        assert store.get_many(keys) == rest
    finally:
        store._db = counting.db
        store.close()


def test_entries_written_in_batches_serve_the_next_run(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking import cache as cache_module

    tree = tree / "valid"  # every file readable, so every one has an entry
    expected = problems(tree)
    whole = tmp_path / "whole"
    assert problems(tree, cache_dir=whole) == expected  # written at the end
    monkeypatch.setattr(cache_module, "FLUSH_CHARS", 1)  # each entry as it is made
    cache = tmp_path / "cache"
    assert problems(tree, cache_dir=cache) == expected
    assert _count(cache) == _count(whole) > 20
    with sqlite3.connect(cache / DB) as db:
        db.execute("DELETE FROM runs")  # so the per-file entries must serve
    with monkeypatch.context() as patch:
        _forbid(patch, "check_file")
        assert problems(tree, cache_dir=cache) == expected


def test_a_run_whose_entries_were_all_set_aside_is_still_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking import cache as cache_module

    monkeypatch.setattr(cache_module, "FLUSH_CHARS", 1)  # nothing left in memory at close
    monkeypatch.setattr(cache_module, "FILES_KEPT", 10)
    folder = tmp_path / "cache"
    store = cache_module.Cache(folder, "a per-user secret")
    try:
        for number in range(25):
            store.put(f"key{number}", {"n": number})
        assert store._pending == []  # every one set aside
    finally:
        store.close()
    assert _count(folder) == 10


def test_a_warm_validate_decodes_entries_as_they_come_and_skips_damaged_ones(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking.cache import Cache

    expected = problems(tree)
    cache = tmp_path / "cache"
    assert problems(tree, cache_dir=cache) == expected
    with sqlite3.connect(cache / DB) as db:
        db.execute("DELETE FROM runs")  # so the per-file entries must serve
        db.execute("UPDATE files SET value = NULL WHERE rowid % 5 = 0")

    real_get_many = Cache.get_many

    def refuse(self: Cache, keys: Sequence[str]) -> dict[str, str]:
        # a single file's entry (the guidelines', read whole) may be
        assert len(keys) <= 1, "every entry fetched at once"
        return real_get_many(self, keys)

    monkeypatch.setattr(Cache, "get_many", refuse)
    assert problems(tree, cache_dir=cache) == expected
    with sqlite3.connect(cache / DB) as db:
        assert db.execute("SELECT count(*) FROM files WHERE value IS NULL").fetchone()[0] == 0


def test_the_database_is_bounded_in_bytes(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcontract.checking import cache as cache_module

    cache = tmp_path / "cache"
    problems(tree, cache_dir=cache)
    full = _count(cache)
    assert full > 50
    # Past the byte bound, old entries go until the values fit in 3/4 of it.
    monkeypatch.setattr(cache_module, "CACHE_BYTES", 16 * 1024)
    with sqlite3.connect(cache / DB) as db:
        db.execute("UPDATE files SET at = 1")
    case = tree / "invalid" / "pc201-weights-off-by-5"
    (case / "contract.yaml").write_text(
        (case / "contract.yaml").read_text() + "# edited\n", encoding="utf-8"
    )
    problems(case, cache_dir=cache)  # one new entry: the cache is pruned
    with sqlite3.connect(cache / DB) as db:
        used = db.execute(
            "SELECT sum(length(key) + length(CAST(value AS BLOB)) + 64) FROM files"
        ).fetchone()[0]
        newest = db.execute("SELECT count(*) FROM files WHERE at > 1").fetchone()[0]
        runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    assert used <= 12 * 1024
    assert 0 < _count(cache) < full
    assert newest >= 1  # the entry just made is kept
    assert runs == 1  # two runs would not fit: the older goes, the newest stays


def test_a_run_that_writes_within_the_bounds_leaves_recent_entries_alone(
    tree: Path, tmp_path: Path
) -> None:
    """Marking every entry used is for a run that may prune; under the bounds a
    run writes only its new entries (a site run after one edit: one entry, not
    twenty thousand updates)."""
    cache = tmp_path / "cache"
    problems(tree, cache_dir=cache)
    recent = time.time() - 60  # used a minute ago: not due for a refresh
    with sqlite3.connect(cache / DB) as db:
        db.execute("UPDATE files SET at = ?", (recent,))
    case = tree / "invalid" / "pc201-weights-off-by-5"
    (case / "contract.yaml").write_text(
        (case / "contract.yaml").read_text() + "# edited\n", encoding="utf-8"
    )
    problems(tree, cache_dir=cache)
    with sqlite3.connect(cache / DB) as db:
        left = db.execute("SELECT count(*) FROM files WHERE at = ?", (recent,)).fetchone()[0]
    assert left == _count(cache) - 1  # all but the new entry


def test_a_reused_run_marks_its_file_entries_as_in_use(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    case = tree / "valid" / "minimal-contract"
    problems(case, cache_dir=cache)
    with sqlite3.connect(cache / DB) as db:
        db.execute("UPDATE files SET at = 1")
        db.execute("UPDATE runs SET at = 1")
    problems(case, cache_dir=cache)  # the whole run is reused, long after its use
    with sqlite3.connect(cache / DB) as db:
        stale = db.execute("SELECT count(*) FROM files WHERE at = 1").fetchone()[0]
    assert stale == 0


# -- folders that cannot be read, folders with nothing in them, named files ---------


def _refuse_listing(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """As if ``refused`` were chmod 000: root can list anything, so os.scandir is
    made to raise for that one folder."""
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if Path(path).resolve() == refused.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize("cached", [False, True])
def test_an_unreadable_subfolder_is_reported_not_skipped(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    case = tree / "valid" / "minimal-contract"
    (case / "units").mkdir()
    _refuse_listing(monkeypatch, case / "units")
    cache = tmp_path / "cache" if cached else None
    report = check_paths([str(case)], Options(cache_dir=cache))
    assert not report.ok
    assert [(p.file, p.line, p.code, p.message) for p in report.problems] == [
        (str(case / "units"), 0, "PC008", "cannot read the folder: Permission denied")
    ]


def test_an_unreadable_folder_given_is_reported(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tree / "valid" / "minimal-contract"
    _refuse_listing(monkeypatch, case)
    report = check_paths([str(case)])
    assert [(p.file, p.code) for p in report.problems] == [(str(case), "PC008")]
    assert not report.ok


def test_a_folder_with_no_documents_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    report = check_paths([str(empty), str(other)])
    assert [(p.file, p.code, p.message) for p in report.problems] == [
        (
            str(empty),
            "PC011",
            "no pcontract documents found in the folder: it holds no .yaml or .yml files",
        ),
        (
            str(other),
            "PC011",
            "no pcontract documents found in the folder: its 1 YAML "
            "file(s) have neither apiVersion nor kind",
        ),
    ]
    assert not report.ok


def test_a_folder_inside_another_given_is_not_empty(tree: Path) -> None:
    case = tree / "valid" / "minimal-contract"
    assert (
        check_paths([str(tree / "valid"), str(case)]).problems
        == check_paths([str(tree / "valid")]).problems
    )


def test_a_named_file_is_checked_even_when_a_folder_reached_it_first(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("site_name: not a document\n", encoding="utf-8")
    for paths in ([str(tmp_path), str(tmp_path / "a.yaml")], [str(tmp_path / "a.yaml")]):
        report = check_paths(paths)
        assert [(p.file, p.code) for p in report.problems] == [
            (str(tmp_path / "a.yaml"), "PC010")
        ], paths
        assert report.skipped == []


# -- results sanity: quarters, as_of, milestones ----------------------------------------


@pytest.mark.parametrize(
    ("start", "period", "first", "last"),
    [
        ("2024-07-01", "Q1", "2024-07-01", "2024-09-30"),
        ("2024-07-01", "Q2", "2024-10-01", "2024-12-31"),
        ("2024-07-01", "Q3", "2025-01-01", "2025-03-31"),
        ("2024-07-01", "Q4", "2025-04-01", "2025-06-30"),
        ("2024-01-31", "Q1", "2024-01-31", "2024-04-29"),
        ("2024-01-01", "Q4", "2024-10-01", "2024-12-31"),
    ],
)
def test_quarters_run_from_the_contract_period_start(
    start: str, period: str, first: str, last: str
) -> None:
    import datetime as dt

    from pcontract.rules.tree import quarter_dates

    got = quarter_dates(dt.date.fromisoformat(start), period)
    assert (got[0].isoformat(), got[1].isoformat()) == (first, last)


@pytest.mark.parametrize(
    ("as_of", "warned"),
    [("2024-10-01", False), ("2024-12-31", False), ("2024-09-30", True), ("2025-01-01", True)],
)
def test_a_quarter_s_results_are_as_of_a_day_in_that_quarter(
    tree: Path, as_of: str, warned: bool
) -> None:
    case = tree / "valid" / "results-annual-and-q2"
    q2 = case / "results-q2.yaml"
    q2.write_text(q2.read_text().replace("as_of: 2024-12-31", f"as_of: {as_of}"))
    found = [(p.file, p.code) for p in problems(case)]
    assert found == ([(str(q2), "PC321")] if warned else [])


def test_evidence_checks_are_the_same_with_jobs_and_the_cache(tree: Path, tmp_path: Path) -> None:
    alone = problems(tree, jobs=1, check_evidence=True)
    found = sorted({p.code for p in alone if p.code.startswith("PC33")})
    assert found == ["PC330", "PC331", "PC332"]
    assert problems(tree, jobs=2, check_evidence=True) == alone
    cache = tmp_path / "cache"
    assert problems(tree, jobs=2, cache_dir=cache, check_evidence=True) == alone  # cold
    assert problems(tree, jobs=1, cache_dir=cache, check_evidence=True) == alone  # warm
    # Without --check-evidence, the same cache reports none of them.
    plain = problems(tree, jobs=1, cache_dir=cache)
    assert not any(p.code.startswith("PC33") for p in plain)


def test_the_cache_never_hides_a_changed_evidence_file(tree: Path, tmp_path: Path) -> None:
    case = tree / "valid" / "evidence-checked"
    cache = tmp_path / "cache"
    assert problems(case, cache_dir=cache, check_evidence=True) == []
    (case / "evidence" / "register.txt").write_text("Register, edited: 1100000\n")
    changed = problems(case, cache_dir=cache, check_evidence=True)
    # Only the entry with a sha256 is compared; the other only has to exist.
    assert [(p.file, p.line, p.code) for p in changed] == [
        (str(case / "results.yaml"), 10, "PC331")
    ]
