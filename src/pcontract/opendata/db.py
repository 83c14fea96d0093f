"""Open data: the scored and ranked tree as one SQLite database.

Standard library only (``sqlite3``). The database is built in memory from what
``rank`` computed once (:func:`pcontract.scoring.evaluation.rank_paths`, or the
site's :class:`~pcontract.scoring.evaluation.SiteInputs`): nothing is scored
again. :func:`database_bytes` returns the file's bytes, which the CLI hands to
the atomic writer, so the usual rules hold (no overwrite without --force, never
over an input, never outside the output folder). The same tree gives the same
bytes.

A site of many contracts builds the same database as a stream instead
(:class:`DatabaseWriter`): one contract's rows at a time (:func:`contract_rows`,
small picklable tuples a worker process can compute), each table's rows in the
same rowid order as :func:`database_bytes`, into a temporary file that the
writer's :func:`~pcontract.files.writer.write_built` renames into place; an
unchanged contract's rows are copied from the earlier database when
:func:`old_database_usable` accepts it, a run of contracts per statement. The
same contracts give the same file, whether built afresh or copied (not the
bytes of :func:`database_bytes`, which fills its tables in another order).

The schema is documented in docs/opendata.md; :data:`SCHEMA_VERSION` changes
when a table or a column changes meaning or goes away (adding one does not).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, NamedTuple, Protocol

from pcontract import __version__
from pcontract.errors import PcontractError
from pcontract.model import Contract, Guidelines, Results, Value
from pcontract.scoring.evaluation import Ranked, SiteInputs
from pcontract.scoring.method import ContractScore, IndicatorScore
from pcontract.scoring.ranking import RankRow

SCHEMA_VERSION: Final = 1

SCHEMA: Final = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE institutions (
    institution_key TEXT PRIMARY KEY,
    institution_id TEXT,
    name TEXT NOT NULL
);
CREATE TABLE contracts (
    contract_id TEXT PRIMARY KEY,
    institution_key TEXT NOT NULL REFERENCES institutions (institution_key),
    institution_name TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    institution_category TEXT NOT NULL,
    institution_category_name TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    parent_contract_id TEXT,
    guidelines_id TEXT NOT NULL,
    method TEXT NOT NULL,
    results_period TEXT,
    results_as_of TEXT
);
CREATE INDEX contracts_institution ON contracts (institution_key);
CREATE INDEX contracts_league ON contracts (financial_year, institution_category);
CREATE TABLE categories (
    contract_id TEXT NOT NULL REFERENCES contracts (contract_id),
    category_id TEXT NOT NULL,
    name TEXT NOT NULL,
    weight REAL NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (contract_id, category_id)
);
CREATE TABLE indicators (
    contract_id TEXT NOT NULL REFERENCES contracts (contract_id),
    indicator_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    goal_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    weight REAL NOT NULL,
    target,
    position INTEGER NOT NULL,
    PRIMARY KEY (contract_id, indicator_id),
    FOREIGN KEY (contract_id, category_id) REFERENCES categories (contract_id, category_id)
);
CREATE INDEX indicators_category ON indicators (contract_id, category_id);
CREATE TABLE results (
    contract_id TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    reported,
    not_applicable INTEGER NOT NULL,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    verified_actual,
    verified_by TEXT,
    verification_method TEXT,
    verification_date TEXT,
    verification_reason TEXT,
    moderated_actual,
    moderated_by TEXT,
    moderation_reason TEXT,
    scored_from TEXT NOT NULL,
    PRIMARY KEY (contract_id, indicator_id),
    FOREIGN KEY (contract_id, indicator_id) REFERENCES indicators (contract_id, indicator_id)
);
CREATE TABLE scores (
    contract_id TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    status TEXT NOT NULL,
    actual,
    achievement_pct REAL,
    raw_score REAL,
    effective_weight REAL NOT NULL,
    weighted_score REAL,
    PRIMARY KEY (contract_id, indicator_id),
    FOREIGN KEY (contract_id, indicator_id) REFERENCES indicators (contract_id, indicator_id)
);
CREATE TABLE contract_scores (
    contract_id TEXT PRIMARY KEY REFERENCES contracts (contract_id),
    period TEXT,
    composite_exact REAL,
    composite REAL,
    grade TEXT,
    lower_is_better INTEGER NOT NULL,
    not_scored TEXT
);
CREATE TABLE ranks (
    contract_id TEXT PRIMARY KEY REFERENCES contracts (contract_id),
    position INTEGER NOT NULL UNIQUE,
    financial_year TEXT NOT NULL,
    institution_category TEXT NOT NULL,
    category_name TEXT NOT NULL,
    rank INTEGER,
    composite REAL,
    grade TEXT,
    flags TEXT NOT NULL,
    previous_contract_id TEXT REFERENCES contracts (contract_id),
    previous_financial_year TEXT,
    previous_rank INTEGER,
    previous_composite REAL,
    previous_grade TEXT,
    places_moved INTEGER,
    composite_change REAL,
    composite_movement TEXT
);
CREATE INDEX ranks_league ON ranks (financial_year, institution_category, rank);
CREATE VIEW league_table AS
SELECT r.financial_year, r.institution_category, r.category_name, r.rank,
       r.contract_id, c.institution_name AS institution, r.composite, r.grade, r.flags,
       r.previous_financial_year, r.previous_rank, r.previous_composite, r.previous_grade,
       r.places_moved, r.composite_change, r.composite_movement
FROM ranks AS r JOIN contracts AS c ON c.contract_id = r.contract_id
ORDER BY r.position;
"""

# The separator of ``ranks.flags``, as the rank CSV joins them.
FLAG_SEPARATOR: Final = "; "


class Entry(Protocol):
    """One scored contract: what the database holds of it (a site's
    :class:`~pcontract.scoring.evaluation.CardInputs` is one)."""

    @property
    def score(self) -> ContractScore: ...

    @property
    def contract(self) -> Contract: ...

    @property
    def guidelines(self) -> Guidelines: ...

    @property
    def results(self) -> Results | None: ...


@dataclass(frozen=True, slots=True)
class Scored:
    score: ContractScore
    contract: Contract
    guidelines: Guidelines
    results: Results | None


@dataclass(frozen=True, slots=True)
class OpenData:
    """The league table rows, in league-table order, and each contract in them."""

    rows: Sequence[RankRow]
    entries: Sequence[Entry]

    @classmethod
    def of_ranked(cls, ranked: Ranked) -> OpenData:
        contracts = {contract.id: contract for _, contract in ranked.documents.contracts}
        annual = {r.contract: r for _, r in ranked.documents.results if r.is_annual}
        entries = [
            Scored(s, contracts[s.contract], ranked.guidelines[s.contract], annual.get(s.contract))
            for s in ranked.scores
        ]
        return cls(ranked.rows, entries)

    @classmethod
    def of_site(cls, site: SiteInputs) -> OpenData:
        return cls(site.rows, site.cards)


def _real(value: Fraction | Decimal | None) -> float | None:
    return None if value is None else float(value)


def _value(value: Value | None) -> Value | None:
    """A figure as SQLite stores it: numbers as numbers, dates as text, yes/no as 1/0."""
    if isinstance(value, bool):
        return int(value)
    return value


# One cell of the database: what a row is made of (picklable, small).
Cell = str | int | float | None
Row = tuple[Cell, ...]

# The tables that hold one row or more per contract, in the order a contract
# fills them, each keyed by ``contract_id``.
CONTRACT_TABLES: Final = (
    "contracts",
    "categories",
    "indicators",
    "results",
    "scores",
    "contract_scores",
)


@dataclass(frozen=True, slots=True)
class InstitutionFacts:
    """What one contract tells of its institution: enough to choose the name the
    institutions table gives it, without the contract's documents."""

    contract_id: str
    financial_year: str
    institution_key: str
    institution_id: str | None
    name: str

    @classmethod
    def of(cls, contract: Contract) -> InstitutionFacts:
        return cls(
            contract.id,
            contract.financial_year,
            contract.institution_key,
            contract.institution_id,
            contract.institution,
        )


@dataclass(frozen=True, slots=True)
class ContractRows:
    """Everything one contract puts in the database, as plain tuples."""

    contract_id: str
    contract: Row
    categories: tuple[Row, ...]
    indicators: tuple[Row, ...]
    results: tuple[Row, ...]
    scores: tuple[Row, ...]
    contract_score: Row
    institution: InstitutionFacts

    def tables(self) -> tuple[tuple[str, Sequence[Row]], ...]:
        """(table, rows) in :data:`CONTRACT_TABLES` order."""
        return (
            ("contracts", (self.contract,)),
            ("categories", self.categories),
            ("indicators", self.indicators),
            ("results", self.results),
            ("scores", self.scores),
            ("contract_scores", (self.contract_score,)),
        )


def _choose(chosen: dict[str, InstitutionFacts], fact: InstitutionFacts) -> None:
    """Keep in ``chosen`` the fact that names its institution: its latest
    contract's (the lowest contract id among those of the same year)."""
    held = chosen.get(fact.institution_key)
    if held is None or (fact.financial_year, held.contract_id) > (
        held.financial_year,
        fact.contract_id,
    ):
        chosen[fact.institution_key] = fact


def _institution_table(chosen: dict[str, InstitutionFacts]) -> list[Row]:
    return [(key, f.institution_id, f.name) for key, f in sorted(chosen.items())]


def institution_rows(facts: Iterable[InstitutionFacts]) -> list[Row]:
    """The institutions table: one row per institution, its name as its latest
    contract writes it."""
    chosen: dict[str, InstitutionFacts] = {}
    for fact in facts:
        _choose(chosen, fact)
    return _institution_table(chosen)


def category_names(rank_rows: Iterable[RankRow]) -> dict[tuple[str, str], str]:
    """Each league's readable category name, by (financial year, category)."""
    return {(r.financial_year, r.category): r.category_label for r in rank_rows}


def category_name(names: dict[tuple[str, str], str], contract: Contract) -> str:
    """The name ``contracts.institution_category_name`` gives ``contract``."""
    return names.get((contract.financial_year, contract.category), "")


def _contract_row(entry: Entry, category_name: str) -> Row:
    c, s, results = entry.contract, entry.score, entry.results
    return (
        c.id,
        c.institution_key,
        c.institution,
        c.financial_year,
        c.category,
        category_name,
        c.title,
        c.status,
        c.period_start,
        c.period_end,
        c.parent,
        entry.guidelines.id,
        s.method,
        results.period if results is not None else None,
        results.as_of if results is not None else None,
    )


def _indicators(contract: Contract) -> tuple[Row, ...]:
    c = contract.id
    return tuple(
        (c, i.id, i.category, i.goal, i.name, i.kind, i.unit, float(i.weight), _value(i.target), n)
        for n, i in enumerate(contract.indicators)
    )


def _result_rows(contract: Contract, results: Results) -> tuple[Row, ...]:
    known = {i.id for i in contract.indicators}
    rows: list[Row] = []
    for key in sorted(results.achievements):
        if key not in known:
            continue
        a = results.achievements[key]
        v, m = a.verification, a.moderation
        rows.append(
            (contract.id, key, results.period, results.as_of, _value(a.actual))
            + (int(a.not_applicable), a.reason, a.evidence)
            + (
                (_value(v.actual), v.by, v.method, v.date, v.reason)
                if v
                else (None, None, None, None, None)
            )
            + ((_value(m.actual), m.by, m.reason) if m else (None, None, None))
            + (a.scored_from,)
        )
    return tuple(rows)


def _score_row(contract_id: str, i: IndicatorScore) -> Row:
    return (
        contract_id,
        i.id,
        i.status,
        _value(i.actual),
        _real(i.achievement_pct),
        _real(i.raw_score),
        float(i.effective_weight),
        _real(i.weighted_score),
    )


def _contract_score(s: ContractScore) -> Row:
    return (
        s.contract,
        s.period,
        _real(s.composite),
        _real(s.composite_display),
        s.grade,
        int(s.lower_is_better),
        s.not_scored,
    )


def contract_rows(entry: Entry, category_name: str) -> ContractRows:
    """Everything ``entry`` puts in the database; ``category_name`` is its
    league's readable category name (:func:`category_name`)."""
    c = entry.contract
    return ContractRows(
        contract_id=c.id,
        contract=_contract_row(entry, category_name),
        categories=tuple(
            (c.id, k.id, k.name, float(k.weight), n) for n, k in enumerate(c.criteria)
        ),
        indicators=_indicators(c),
        results=() if entry.results is None else _result_rows(c, entry.results),
        scores=tuple(_score_row(c.id, i) for i in entry.score.indicators),
        contract_score=_contract_score(entry.score),
        institution=InstitutionFacts.of(c),
    )


def _rank_row(position: int, row: RankRow) -> Row:
    before, moved = row.previous, row.movement
    return (
        row.contract,
        position,
        row.financial_year,
        row.category,
        row.category_label,
        row.rank,
        _real(row.composite_display),
        row.grade,
        FLAG_SEPARATOR.join(row.flags),
        before.contract if before else None,
        before.financial_year if before else None,
        before.rank if before else None,
        _real(before.composite_display) if before else None,
        before.grade if before else None,
        moved.places if moved else None,
        _real(moved.composite_change) if moved else None,
        moved.composite if moved else None,
    )


def _meta() -> list[tuple[str, str]]:
    return [("schema_version", str(SCHEMA_VERSION)), ("pcontract_version", __version__)]


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[Row]) -> None:
    rows = list(rows)
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _fill(db: sqlite3.Connection, data: OpenData) -> None:
    names = category_names(data.rows)
    entries = sorted(data.entries, key=lambda e: e.contract.id)
    each = [contract_rows(e, category_name(names, e.contract)) for e in entries]
    _insert(db, "meta", _meta())
    _insert(db, "institutions", institution_rows(r.institution for r in each))
    _insert(db, "contracts", (r.contract for r in each))
    for r in each:
        _insert(db, "categories", r.categories)
        _insert(db, "indicators", r.indicators)
        _insert(db, "results", r.results)
        _insert(db, "scores", r.scores)
    _insert(db, "contract_scores", (r.contract_score for r in each))
    _insert(db, "ranks", (_rank_row(n, r) for n, r in enumerate(data.rows, 1)))


def _check_keys(db: sqlite3.Connection) -> None:
    broken = db.execute("PRAGMA main.foreign_key_check").fetchall()
    if broken:
        raise PcontractError(f"the open data would break its own foreign keys: {broken[:3]}")


def database_bytes(data: OpenData) -> bytes:
    """The SQLite database of ``data``, as the bytes of its file."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        with db:
            _fill(db, data)
        _check_keys(db)
        return db.serialize()
    except sqlite3.IntegrityError as error:
        raise PcontractError(f"cannot build the open data database: {error}") from error
    finally:
        db.close()


# -- streaming ----------------------------------------------------------------------

_OLD: Final = "old"
# The scratch database the rows added wait in (see DatabaseWriter).
_ADDED: Final = "added"
# Bulk inserts into a temporary that is renamed into place only once complete:
# no journal (an interrupted build is thrown away, never repaired) and no sync
# per transaction (the writer syncs the finished file before renaming it).
_BULK_PRAGMAS: Final = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -16000",
)


def _uri(path: Path, mode: str) -> str:
    """``path`` as a SQLite URI (not resolved: a link is not followed here)."""
    return f"{Path(os.path.abspath(path)).as_uri()}?mode={mode}"


class DatabaseWriter:
    """The database of :func:`database_bytes`, built one contract at a time into
    the file ``path`` (a new, empty temporary of the caller's).

    Add the contracts in contract-id order, each with :meth:`add` (its
    :func:`contract_rows`) or :meth:`copy` (its rows in ``old``, an earlier
    database that :func:`old_database_usable` accepted), then :meth:`finish`.
    Each table then holds the same rows, in the same rowid order, as
    :func:`database_bytes` of the same data. Only one contract's rows are held in
    memory at a time: the rows added wait in a scratch database beside ``path``
    (removed on exit), and :meth:`finish` fills each table in turn, a run of
    contracts at a time, from there or from ``old``. Built afresh or mostly
    copied, the same contracts give the same file, byte for byte: the same rows
    go into each table in the same order."""

    def __init__(self, path: Path, old: Path | None = None) -> None:
        self._path = path
        self._old = old
        self._chosen: dict[str, InstitutionFacts] = {}
        self._last: str | None = None
        self._db: sqlite3.Connection | None = None
        self._scratch: Path | None = None
        # Each contract in id order, with its place among those added (-1: copied),
        # and for each table, how many rows the contracts added so far gave it.
        self._plan: list[tuple[str, int]] = []
        self._ends: dict[str, list[int]] = {table: [] for table in CONTRACT_TABLES}
        # Each contract of the earlier database, with its institution's facts.
        self._old_facts: dict[str, tuple[Any, ...]] | None = None

    def __enter__(self) -> DatabaseWriter:
        db = sqlite3.connect(_uri(self._path, "rw"), isolation_level=None, uri=True)
        try:
            if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise PcontractError(
                    f"cannot build the open data database in {self._path}: it is not empty"
                )
            for pragma in _BULK_PRAGMAS:
                db.execute(pragma)
            db.executescript(SCHEMA)
            fd, name = tempfile.mkstemp(prefix=".pcontract-rows-", dir=self._path.parent)
            os.close(fd)
            self._scratch = Path(name)
            db.execute(f"ATTACH DATABASE ? AS {_ADDED}", (_uri(self._scratch, "rw"),))
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16000"):
                db.execute(f"PRAGMA {_ADDED}.{pragma}")
            for table in CONTRACT_TABLES:  # the columns and their affinities, no keys
                db.execute(f"CREATE TABLE {_ADDED}.{table} AS SELECT * FROM main.{table} WHERE 0")
            if self._old is not None:
                db.execute(f"ATTACH DATABASE ? AS {_OLD}", (_uri(self._old, "ro"),))
            db.execute("BEGIN")
        except BaseException:
            db.close()
            self._remove_scratch()
            raise
        self._db = db
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._remove_scratch()

    def _remove_scratch(self) -> None:
        if self._scratch is not None:
            with contextlib.suppress(FileNotFoundError):
                self._scratch.unlink()
            self._scratch = None

    def _open(self, contract_id: str) -> sqlite3.Connection:
        if self._db is None:
            raise PcontractError("the open data database is not open")
        if self._last is not None and contract_id <= self._last:
            raise PcontractError(
                f"the open data database takes contracts in id order: {contract_id} "
                f"after {self._last}"
            )
        self._last = contract_id
        return self._db

    def add(self, rows: ContractRows) -> None:
        """Insert one contract's rows."""
        db = self._open(rows.contract_id)
        try:
            for table, table_rows in rows.tables():
                _insert(db, f"{_ADDED}.{table}", table_rows)
                ends = self._ends[table]
                ends.append((ends[-1] if ends else 0) + len(table_rows))
        except sqlite3.Error as error:
            raise PcontractError(f"cannot build the open data database: {error}") from error
        self._plan.append((rows.contract_id, len(self._ends[CONTRACT_TABLES[0]]) - 1))
        _choose(self._chosen, rows.institution)

    def copy(self, contract_id: str) -> InstitutionFacts | None:
        """Take one contract's rows from the earlier database, as they are (when
        :meth:`finish` fills the tables); the facts of its institution, or None
        (nothing taken) when it holds no such contract."""
        before = self._last
        db = self._open(contract_id)
        if self._old is None:
            raise PcontractError("the open data database was given no earlier database")
        if self._old_facts is None:  # read once, for every contract copied
            try:
                self._old_facts = {
                    row[0]: row[1:]
                    for row in db.execute(
                        f"SELECT c.contract_id, c.financial_year, c.institution_key, "
                        f"i.institution_id, c.institution_name FROM {_OLD}.contracts AS c "
                        f"LEFT JOIN {_OLD}.institutions AS i "
                        "ON i.institution_key = c.institution_key"
                    )
                }
            except sqlite3.Error as error:
                raise PcontractError(
                    f"cannot copy {contract_id} from the earlier database {self._old}: {error}"
                ) from error
        found = self._old_facts.get(contract_id)
        if found is None:
            self._last = before
            return None
        self._plan.append((contract_id, -1))
        fact = InstitutionFacts(contract_id, found[0], found[1], found[2], found[3])
        _choose(self._chosen, fact)
        return fact

    def _old_spans(self, db: sqlite3.Connection, table: str) -> dict[str, tuple[int, int]]:
        """Where each contract's rows lie in the earlier database's ``table``, by
        rowid, for each contract whose rows lie together there (all do, in a
        database this writer built)."""
        if self._old is None or all(n >= 0 for _, n in self._plan):
            return {}
        query = (
            f"SELECT contract_id, min(rowid), max(rowid), count(*) FROM {_OLD}.{table} "
            "GROUP BY contract_id"
        )
        return {c: (lo, hi) for c, lo, hi, n in db.execute(query) if hi - lo + 1 == n}

    def _runs(self, table: str, old: dict[str, tuple[int, int]]) -> Iterator[_Run]:
        """The rows of ``table`` in contract-id order, as runs of rowids that lie
        together in one source; a copied contract whose rows do not lie together
        is a run of its own, by its id."""
        ends = self._ends[table]
        run: list[Any] | None = None
        for contract_id, added in self._plan:
            if added >= 0:
                source, lo, hi = _ADDED, (ends[added - 1] if added else 0) + 1, ends[added]
            elif contract_id in old:
                source, (lo, hi) = _OLD, old[contract_id]
            else:
                if run is not None:
                    yield _Run(*run)
                    run = None
                yield _Run(_OLD, 0, 0, contract_id)
                continue
            if hi < lo:
                continue  # no rows in this table
            if run is not None and run[0] == source and run[2] + 1 == lo:
                run[2] = hi
                continue
            if run is not None:
                yield _Run(*run)
            run = [source, lo, hi]
        if run is not None:
            yield _Run(*run)

    def _fill(self, db: sqlite3.Connection) -> None:
        """Each table in turn, its rows from the contracts added and copied."""
        for table in CONTRACT_TABLES:
            for run in self._runs(table, self._old_spans(db, table)):
                if run.contract_id is not None:
                    db.execute(
                        f"INSERT INTO main.{table} SELECT * FROM {run.source}.{table} "
                        "WHERE contract_id = ? ORDER BY rowid",
                        (run.contract_id,),
                    )
                else:
                    db.execute(
                        f"INSERT INTO main.{table} SELECT * FROM {run.source}.{table} "
                        "WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                        (run.first, run.last),
                    )

    def finish(
        self, rank_rows: Sequence[RankRow], institutions: Iterable[Row] | None = None
    ) -> None:
        """Fill the contracts' tables, insert what comes of every contract (meta,
        the institutions, the ranks), check the foreign keys and commit.
        ``institutions``: the rows of :func:`institution_rows`; by default, those
        of the contracts added and copied."""
        if self._db is None:
            raise PcontractError("the open data database is not open")
        db = self._db
        rows = _institution_table(self._chosen) if institutions is None else institutions
        try:
            self._fill(db)
            _insert(db, "meta", _meta())
            _insert(db, "institutions", rows)
            _insert(db, "ranks", (_rank_row(n, r) for n, r in enumerate(rank_rows, 1)))
            _check_keys(db)
            db.execute("COMMIT")
            if self._old is not None:
                db.execute(f"DETACH DATABASE {_OLD}")
            db.execute(f"DETACH DATABASE {_ADDED}")
        except sqlite3.Error as error:
            raise PcontractError(f"cannot build the open data database: {error}") from error
        finally:
            self.__exit__()


class _Run(NamedTuple):
    """Rows of one table to copy in one statement: rowids ``first`` to ``last`` of
    ``source``, or (``contract_id`` set) that contract's rows."""

    source: str
    first: int
    last: int
    contract_id: str | None = None


def _header_says_complete(path: Path) -> bool:
    """Whether the file at ``path`` (not followed if a link) starts as a SQLite
    database and is as long as its header says."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        header = os.read(fd, 100)
    finally:
        os.close(fd)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change, pages, valid_for = (int.from_bytes(header[n : n + 4], "big") for n in (24, 28, 92))
    return change == valid_for and pages > 0 and info.st_size == pages * page_size


@functools.cache
def _schema_objects() -> tuple[tuple[str, str, str | None], ...]:
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        return tuple(db.execute(_SCHEMA_QUERY.format(schema="main")).fetchall())
    finally:
        db.close()


_SCHEMA_QUERY: Final = "SELECT type, name, sql FROM {schema}.sqlite_master ORDER BY type, name"


def old_database_usable(path: Path) -> bool:
    """Whether ``path`` is an earlier database whose rows :meth:`DatabaseWriter.copy`
    may take: a regular file (not a link), complete, of this :data:`SCHEMA_VERSION`
    and this pcontract's version, with every table and index as this schema makes
    them, that passes SQLite's ``quick_check``. Anything else (missing, damaged,
    another version) is not usable."""
    try:
        if not _header_says_complete(path):
            return False
        db = sqlite3.connect(_uri(path, "ro"), uri=True)
        try:
            if tuple(db.execute(_SCHEMA_QUERY.format(schema="main")).fetchall()) != (
                _schema_objects()
            ):
                return False
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            # every page readable and every index matching its table: fast enough
            # (some 30 ms of CPU for 1,000 contracts of 40 indicators, 15 MB)
            sound = db.execute("PRAGMA quick_check(1)").fetchone() == ("ok",)
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False
    return sound and meta == dict(_meta())
