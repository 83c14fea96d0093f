"""Open data: the scored and ranked tree as one SQLite database.

Standard library only (``sqlite3``). The database is built in memory from what
``rank`` computed once (:func:`pcontract.scoring.evaluation.rank_paths`, or the
site's :class:`~pcontract.scoring.evaluation.SiteInputs`): nothing is scored
again. :func:`database_bytes` returns the file's bytes, which the CLI hands to
the atomic writer, so the usual rules hold (no overwrite without --force, never
over an input, never outside the output folder). The same tree gives the same
bytes. The schema is documented in docs/opendata.md; :data:`SCHEMA_VERSION`
changes when a table or a column changes meaning or goes away (adding one does
not).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final, Protocol

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


def _institutions(entries: Sequence[Entry]) -> list[tuple[object, ...]]:
    """One row per institution: its name as its latest contract writes it."""
    chosen: dict[str, Contract] = {}
    for entry in entries:
        contract = entry.contract
        held = chosen.get(contract.institution_key)
        if held is None or (contract.financial_year, held.id) > (held.financial_year, contract.id):
            chosen[contract.institution_key] = contract
    return [(key, c.institution_id, c.institution) for key, c in sorted(chosen.items())]


def _contract_row(entry: Entry, category_name: str) -> tuple[object, ...]:
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


def _indicators(contract: Contract) -> list[tuple[object, ...]]:
    c = contract.id
    return [
        (c, i.id, i.category, i.goal, i.name, i.kind, i.unit, float(i.weight), _value(i.target), n)
        for n, i in enumerate(contract.indicators)
    ]


def _result_rows(contract: Contract, results: Results) -> list[tuple[object, ...]]:
    known = {i.id for i in contract.indicators}
    rows: list[tuple[object, ...]] = []
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
    return rows


def _score_row(contract_id: str, i: IndicatorScore) -> tuple[object, ...]:
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


def _rank_row(position: int, row: RankRow) -> tuple[object, ...]:
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


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[tuple[object, ...]]) -> None:
    rows = list(rows)
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _fill(db: sqlite3.Connection, data: OpenData) -> None:
    entries = sorted(data.entries, key=lambda e: e.contract.id)
    names = {(r.financial_year, r.category): r.category_label for r in data.rows}
    meta = [("schema_version", str(SCHEMA_VERSION)), ("pcontract_version", __version__)]
    _insert(db, "meta", meta)
    _insert(db, "institutions", _institutions(entries))
    _insert(
        db,
        "contracts",
        (
            _contract_row(e, names.get((e.contract.financial_year, e.contract.category), ""))
            for e in entries
        ),
    )
    for e in entries:
        c = e.contract
        cats = [(c.id, k.id, k.name, float(k.weight), n) for n, k in enumerate(c.criteria)]
        _insert(db, "categories", cats)
        _insert(db, "indicators", _indicators(c))
        if e.results is not None:
            _insert(db, "results", _result_rows(c, e.results))
        _insert(db, "scores", (_score_row(c.id, i) for i in e.score.indicators))
    _insert(db, "contract_scores", (_contract_score(e.score) for e in entries))
    _insert(db, "ranks", (_rank_row(n, r) for n, r in enumerate(data.rows, 1)))


def _contract_score(s: ContractScore) -> tuple[object, ...]:
    return (
        s.contract,
        s.period,
        _real(s.composite),
        _real(s.composite_display),
        s.grade,
        int(s.lower_is_better),
        s.not_scored,
    )


def database_bytes(data: OpenData) -> bytes:
    """The SQLite database of ``data``, as the bytes of its file."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        with db:
            _fill(db, data)
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise PcontractError(f"the open data would break its own foreign keys: {broken[:3]}")
        return db.serialize()
    except sqlite3.IntegrityError as error:
        raise PcontractError(f"cannot build the open data database: {error}") from error
    finally:
        db.close()
