"""The open data database built as a stream, one contract at a time
(:class:`~pcontract.opendata.db.DatabaseWriter`): the same rows as
``database_bytes``, whether each contract's rows are computed or copied from an
earlier database, and an earlier database is used only when it is sound."""

from __future__ import annotations

import os
import pickle
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from pcontract.errors import PcontractError
from pcontract.opendata import db as opendata
from pcontract.opendata.db import (
    DatabaseWriter,
    InstitutionFacts,
    OpenData,
    category_name,
    category_names,
    contract_rows,
    database_bytes,
    institution_rows,
    old_database_usable,
)
from pcontract.scoring.evaluation import load_site
from tests.conftest import EXAMPLES

Tables = dict[str, list[tuple[object, ...]]]


@pytest.fixture(scope="module")
def data() -> OpenData:
    return OpenData.of_site(load_site([str(EXAMPLES)]))


@pytest.fixture(scope="module")
def fresh(data: OpenData) -> Tables:
    """Every table of ``database_bytes``, each in rowid order."""
    db = sqlite3.connect(":memory:")
    db.deserialize(database_bytes(data))
    return dump(db)


@pytest.fixture(scope="module")
def earlier(data: OpenData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("earlier") / "pcontract.sqlite", data)


def dump(db: sqlite3.Connection) -> Tables:
    tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    db.close()
    return found


def build(
    path: Path,
    data: OpenData,
    old: Path | None = None,
    copied: Callable[[int], bool] = lambda n: False,
) -> Path:
    """The database of ``data`` streamed into ``path``, the ``copied`` contracts
    (by their place in id order) taken from ``old``."""
    path.touch()
    names = category_names(data.rows)
    with DatabaseWriter(path, old) as writer:
        for n, entry in enumerate(sorted(data.entries, key=lambda e: e.contract.id)):
            if copied(n):
                assert writer.copy(entry.contract.id) == InstitutionFacts.of(entry.contract)
            else:
                rows = contract_rows(entry, category_name(names, entry.contract))
                writer.add(pickle.loads(pickle.dumps(rows)))  # as a worker sends them
        writer.finish(data.rows)
    return path


def test_the_streamed_database_holds_the_same_rows_in_the_same_order(
    earlier: Path, fresh: Tables
) -> None:
    streamed = dump(sqlite3.connect(earlier))
    assert list(streamed) == list(fresh)
    for table, rows in fresh.items():
        assert streamed[table] == rows, table
    assert all(fresh[t] for t in opendata.CONTRACT_TABLES)
    assert len(fresh["contracts"]) > 10


@pytest.mark.parametrize("which", ["all", "every other", "none"])
def test_copying_from_an_earlier_database_gives_the_same_rows(
    data: OpenData, earlier: Path, fresh: Tables, tmp_path: Path, which: str
) -> None:
    copied = {
        "all": lambda n: True,
        "every other": lambda n: n % 2 == 0,
        "none": lambda n: False,
    }[which]
    again = build(tmp_path / "again.sqlite", data, earlier, copied)
    assert dump(sqlite3.connect(again)) == fresh
    # the same inserts in the same order: the same file
    assert again.read_bytes() == earlier.read_bytes()


def _without(data: OpenData, dropped: Callable[[int], bool]) -> OpenData:
    """``data`` without the contracts ``dropped`` picks (by their place in id order),
    but for those a later year's row links to."""
    ids = sorted(e.contract.id for e in data.entries)
    linked = {r.previous.contract for r in data.rows if r.previous is not None}
    gone = {cid for n, cid in enumerate(ids) if dropped(n)} - linked
    return OpenData(
        [r for r in data.rows if r.contract not in gone],
        [e for e in data.entries if e.contract.id not in gone],
    )


@pytest.mark.parametrize("which", ["earlier lacks some", "earlier has more"])
def test_copying_around_contracts_added_and_gone_gives_the_fresh_file(
    data: OpenData, tmp_path: Path, which: str
) -> None:
    """Contracts new since the earlier database, and contracts it holds that are
    gone, break the runs copied from it: the file is still a fresh build's."""
    some = _without(data, lambda n: n % 3 == 1)
    before, after = (some, data) if which == "earlier lacks some" else (data, some)
    earlier = build(tmp_path / "earlier.sqlite", before)
    ids = sorted(e.contract.id for e in after.entries)
    held = {e.contract.id for e in before.entries}
    mixed = build(tmp_path / "mixed.sqlite", after, earlier, lambda n: ids[n] in held)
    fresh = build(tmp_path / "fresh.sqlite", after)
    assert len(ids) != len(held)
    assert mixed.read_bytes() == fresh.read_bytes()
    assert dump(sqlite3.connect(mixed))["contracts"] == dump(sqlite3.connect(fresh))["contracts"]


def test_a_contract_whose_earlier_rows_lie_apart_is_copied_whole(
    data: OpenData, earlier: Path, fresh: Tables, tmp_path: Path
) -> None:
    """An earlier database not laid out by this writer (a contract's rows apart)
    still gives each copied contract all of its rows."""
    apart = tmp_path / "apart.sqlite"
    apart.write_bytes(earlier.read_bytes())
    with sqlite3.connect(apart) as db:
        (first,) = db.execute("SELECT min(rowid) FROM indicators").fetchone()
        row = db.execute("SELECT * FROM indicators WHERE rowid = ?", (first,)).fetchone()
        db.execute("DELETE FROM indicators WHERE rowid = ?", (first,))
        db.execute(f"INSERT INTO indicators VALUES ({', '.join('?' * len(row))})", row)
    db.close()
    again = dump(sqlite3.connect(build(tmp_path / "again.sqlite", data, apart, lambda n: True)))
    assert sorted(again["indicators"], key=repr) == sorted(fresh["indicators"], key=repr)
    assert again["indicators"] != fresh["indicators"]  # the moved row comes last in its contract
    assert {t: r for t, r in again.items() if t != "indicators"} == {
        t: r for t, r in fresh.items() if t != "indicators"
    }


def test_the_scratch_rows_are_removed(data: OpenData, tmp_path: Path) -> None:
    """The rows waiting to be filed in go beside the database, and are gone after,
    whether the build finished or failed."""
    folder = tmp_path / "out"
    folder.mkdir()
    build(folder / "db.sqlite", data)
    assert [p.name for p in folder.iterdir()] == ["db.sqlite"]
    (folder / "failed.sqlite").touch()
    with pytest.raises(PcontractError), DatabaseWriter(folder / "failed.sqlite") as writer:
        writer.copy("x")  # no earlier database: refused
    assert sorted(p.name for p in folder.iterdir()) == ["db.sqlite", "failed.sqlite"]


def test_a_contract_the_earlier_database_lacks_is_not_copied(
    data: OpenData, earlier: Path, tmp_path: Path
) -> None:
    path = tmp_path / "new.sqlite"
    path.touch()
    first = min(e.contract.id for e in data.entries)
    with DatabaseWriter(path, earlier) as writer:
        assert writer.copy("~no such contract") is None
        # what was not there does not count towards the id order
        assert writer.copy(first) == InstitutionFacts.of(
            next(e.contract for e in data.entries if e.contract.id == first)
        )


def test_contracts_out_of_order_are_refused(data: OpenData, tmp_path: Path) -> None:
    names = category_names(data.rows)
    entries = sorted(data.entries, key=lambda e: e.contract.id)
    path = tmp_path / "db.sqlite"
    path.touch()
    with DatabaseWriter(path) as writer:
        writer.add(contract_rows(entries[1], category_name(names, entries[1].contract)))
        with pytest.raises(PcontractError, match="id order"):
            writer.add(contract_rows(entries[0], category_name(names, entries[0].contract)))


def test_a_database_is_not_built_over_another(earlier: Path, tmp_path: Path) -> None:
    target = tmp_path / "used.sqlite"
    target.write_bytes(earlier.read_bytes())
    with pytest.raises(PcontractError, match="not empty"), DatabaseWriter(target):
        pass
    assert target.read_bytes() == earlier.read_bytes()


def test_institutions_are_named_by_their_latest_contract() -> None:
    facts = [
        InstitutionFacts("c-2", "2024/25", "id:7", "7", "Old name"),
        InstitutionFacts("c-3", "2025/26", "id:7", "7", "New name"),
        InstitutionFacts("c-1", "2025/26", "id:7", "7", "Same year, lower id"),
        InstitutionFacts("c-4", "2023/24", "name:Moina", None, "Moina"),
    ]
    expected = [("id:7", "7", "Same year, lower id"), ("name:Moina", None, "Moina")]
    assert institution_rows(facts) == expected
    assert institution_rows(reversed(facts)) == expected


# -- the earlier database ---------------------------------------------------------


def test_the_earlier_database_is_usable(earlier: Path) -> None:
    assert old_database_usable(earlier)


def _text(path: Path, earlier: Path) -> None:
    path.write_text("not a database\n" * 20)


def _missing(path: Path, earlier: Path) -> None:
    pass


def _symlink(path: Path, earlier: Path) -> None:
    path.symlink_to(earlier)


def _truncated(path: Path, earlier: Path) -> None:
    path.write_bytes(earlier.read_bytes()[: earlier.stat().st_size // 2])


def _damaged(path: Path, earlier: Path) -> None:
    """A page in the middle overwritten: the same size, the header intact."""
    data = bytearray(earlier.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))


def _other_schema(path: Path, earlier: Path) -> None:
    path.write_bytes(earlier.read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")


def _other_version(path: Path, earlier: Path) -> None:
    path.write_bytes(earlier.read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0.0.0' WHERE key = 'pcontract_version'")


def _missing_table(path: Path, earlier: Path) -> None:
    path.write_bytes(earlier.read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE scores")


def _another_column(path: Path, earlier: Path) -> None:
    path.write_bytes(earlier.read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE results ADD COLUMN extra TEXT")


def _folder(path: Path, earlier: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize(
    "spoil",
    [
        _text,
        _missing,
        _symlink,
        _truncated,
        _damaged,
        _other_schema,
        _other_version,
        _missing_table,
        _another_column,
        _folder,
    ],
)
def test_an_unsound_earlier_file_is_not_usable(
    earlier: Path, tmp_path: Path, spoil: Callable[[Path, Path], None]
) -> None:
    path = tmp_path / "pcontract.sqlite"
    spoil(path, earlier)
    assert not old_database_usable(path)
    assert old_database_usable(earlier)  # the original is untouched


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "pcontract.sqlite"
    os.mkfifo(path)
    assert not old_database_usable(path)  # returns at once: never blocks on the pipe
