"""export db and the site's data/ folder: the open data (docs/opendata.md)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pcontract import __version__
from pcontract.opendata.db import SCHEMA_VERSION
from tests.conftest import EXAMPLES, run

HOSTILE = '\'); DROP TABLE contracts; -- =HYPERLINK("x") <b>'
TABLES = (
    "meta",
    "institutions",
    "contracts",
    "categories",
    "indicators",
    "results",
    "scores",
    "contract_scores",
    "ranks",
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("db") / "pc.sqlite"
    code, output = run("export", "db", str(EXAMPLES), "-o", str(target))
    assert code == 0, output
    return target


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def league(records: list[dict[str, Any]]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Each league table (financial year, category) as its rows in order."""
    tables: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in records:
        row = (r["rank"], r["contract"], r["composite"], r["grade"], r["flags"])
        tables.setdefault((r["financial_year"], r["category"]), []).append(row)
    return tables


def test_the_league_table_view_ranks_as_rank_json(exported: Path) -> None:
    code, output = run("rank", str(EXAMPLES), "--format", "json")
    assert code == 0
    expected = json.loads(output)
    with connect(exported) as db:
        rows = db.execute("SELECT * FROM league_table").fetchall()
    found = [
        {
            "rank": r["rank"],
            "contract": r["contract_id"],
            "composite": r["composite"],
            "grade": r["grade"],
            "flags": r["flags"].split("; ") if r["flags"] else [],
            "financial_year": r["financial_year"],
            "category": r["institution_category"],
        }
        for r in rows
    ]
    assert len(found) == len(expected) > 10
    assert league(found) == league(expected)
    # and in the same order, with the same names and last year's standing
    assert [r["contract_id"] for r in rows] == [r["contract"] for r in expected]
    assert [r["category_name"] for r in rows] == [r["category_name"] for r in expected]
    assert [r["previous_rank"] for r in rows] == [
        (r["previous"] or {}).get("rank") for r in expected
    ]


def test_every_table_is_filled_and_the_foreign_keys_hold(exported: Path) -> None:
    with connect(exported) as db:
        for table in TABLES:
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = db.execute("PRAGMA foreign_key_list(results)").fetchall()
        assert {(k["table"], k["from"]) for k in keys} == {
            ("indicators", "contract_id"),
            ("indicators", "indicator_id"),
        }
        indexes = {
            r["name"] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert {"contracts_institution", "indicators_category", "ranks_league"} <= indexes
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    assert meta == {"schema_version": str(SCHEMA_VERSION), "pcontract_version": __version__}


def test_results_keep_verification_and_moderation(exported: Path) -> None:
    with connect(exported) as db:
        row = db.execute(
            "SELECT * FROM results WHERE contract_id = 'bomet-health-2024-25' "
            "AND indicator_id = 'H02'"
        ).fetchone()
        score = db.execute(
            "SELECT * FROM scores WHERE contract_id = 'bomet-health-2024-25' "
            "AND indicator_id = 'H02'"
        ).fetchone()
        weights = db.execute(
            "SELECT sum(weighted_score), c.composite_exact FROM scores "
            "JOIN contract_scores AS c USING (contract_id) "
            "WHERE contract_id = 'bomet-health-2024-25'"
        ).fetchone()
        indicator = db.execute(
            "SELECT * FROM indicators WHERE contract_id = 'bomet-health-2024-25' "
            "AND indicator_id = 'H02'"
        ).fetchone()
    assert (row["reported"], row["moderated_actual"]) == (90.5, 88.7)
    assert row["moderated_by"] == "County performance management committee"
    assert row["scored_from"] == "moderation"
    assert score["actual"] == 88.7  # the moderated figure is the one scored
    assert (indicator["weight"], indicator["target"], indicator["kind"]) == (15.0, 95, "increase")
    # weighted = raw x weight / 100, and the composite is their sum
    assert score["weighted_score"] == pytest.approx(score["raw_score"] * 15 / 100)
    assert weights[0] == pytest.approx(weights[1])


def copy_examples(tmp_path: Path) -> Path:
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree)
    return tree


def test_hostile_names_are_stored_as_plain_text(tmp_path: Path) -> None:
    tree = copy_examples(tmp_path)
    contract = tree / "health" / "contract-fy2024-25.yaml"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(
        text.replace("  name: Ministry of Health\n", f"  name: {json.dumps(HOSTILE)}\n", 1),
        encoding="utf-8",
    )
    target = tmp_path / "out" / "pc.sqlite"
    code, output = run("export", "db", str(tree), "-o", str(target))
    assert code == 0, output
    with connect(target) as db:
        name = db.execute(
            "SELECT institution_name FROM contracts WHERE contract_id = 'health-2024-25'"
        ).fetchone()[0]
        shown = db.execute(
            "SELECT institution FROM league_table WHERE contract_id = 'health-2024-25'"
        ).fetchone()[0]
        assert db.execute("SELECT count(*) FROM contracts").fetchone()[0] > 10
    assert name == shown == HOSTILE


def test_refuses_to_overwrite_without_force_and_never_an_input(tmp_path: Path) -> None:
    tree = copy_examples(tmp_path)
    target = tmp_path / "pc.sqlite"
    target.write_bytes(b"mine")
    code, output = run("export", "db", str(tree), "-o", str(target))
    assert code != 0 and "--force" in output
    assert target.read_bytes() == b"mine"
    code, output = run("export", "db", str(tree), "-o", str(target), "--force")
    assert code == 0, output
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    an_input = tree / "health" / "results-fy2024-25.yaml"
    before = an_input.read_bytes()
    code, output = run("export", "db", str(tree), "-o", str(an_input), "--force")
    assert code != 0 and "never" in output
    assert an_input.read_bytes() == before


def test_the_same_tree_gives_the_same_bytes(exported: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite"
    code, _ = run("export", "db", str(EXAMPLES), "-o", str(again))
    assert code == 0
    assert again.read_bytes() == exported.read_bytes()


def test_site_writes_the_open_data_and_links_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run("site", str(EXAMPLES), "-o", str(out))
    assert code == 0, output
    data = out / "data"
    records = json.loads((data / "league.json").read_text(encoding="utf-8"))
    code, ranked = run("rank", str(EXAMPLES), "--format", "json")
    # rank's JSON to the byte, each warning's line and column with it
    assert (data / "league.json").read_text(encoding="utf-8") == ranked
    assert any(w["line"] for r in records for w in r["warnings"])
    code, ranked_csv = run("rank", str(EXAMPLES), "--format", "csv")
    # rank's CSV (the test runner's output loses the CSV's \r\n line ends)
    assert (data / "league.csv").read_text(encoding="utf-8") == ranked_csv.replace("\r\n", "\n")
    table = list(csv.reader(io.StringIO(ranked_csv)))
    assert table[0][:3] == ["category", "rank", "contract"] and len(table) == len(records) + 1
    with connect(data / "pcontract.sqlite") as db:
        ids = [r[0] for r in db.execute("SELECT contract_id FROM league_table")]
    assert ids == [r["contract"] for r in records]
    # the same database as export db writes
    code, _ = run("export", "db", str(EXAMPLES), "-o", str(tmp_path / "pc.sqlite"))
    # The same rows in every table, in the same order, as export db writes (the site
    # builds its database as its cards stream, so the file's header counts differ).
    with connect(tmp_path / "pc.sqlite") as exported, connect(data / "pcontract.sqlite") as built:
        assert list(exported.iterdump()) == list(built.iterdump())
    for page in ("index.html", "league-2023-24.html"):
        html = (out / page).read_text(encoding="utf-8")
        for href in ("data/league.csv", "data/league.json", "data/pcontract.sqlite"):
            assert f'href="{href}"' in html, (page, href)
    # a second run refuses to overwrite the data without --force, and --force rewrites it
    code, output = run("site", str(EXAMPLES), "-o", str(out))
    assert code != 0 and "--force" in output
    code, output = run("site", str(EXAMPLES), "-o", str(out), "--force")
    assert code == 0, output


def test_docs_describe_every_table_and_column(exported: Path) -> None:
    doc = (EXAMPLES.parent / "docs" / "opendata.md").read_text(encoding="utf-8")
    sections = {part.split("\n", 1)[0]: part for part in doc.split("\n### ")[1:]}
    with connect(exported) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
            )
        ]
        assert sorted(names) == sorted([*TABLES, "league_table"])
        for name in names:
            assert name in sections, f"docs/opendata.md has no section for {name}"
            for column in db.execute(f"PRAGMA table_info({name})").fetchall():
                assert f"`{column['name']}`" in sections[name], (name, column["name"])
