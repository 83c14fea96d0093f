"""The site's open data: ``data/`` beside index.html.

The league tables as rank's CSV (its injection-safe cells) and rank's JSON, and
the SQLite database of ``export db`` (docs/opendata.md), all from the site's one
evaluation. The league pages link to them (:data:`DATA_LINKS`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pcontract.files.reading import Limits
from pcontract.scoring.evaluation import SiteInputs
from pcontract.scoring.ranking import RankRow

CSV_FILE: Final = "data/league.csv"
JSON_FILE: Final = "data/league.json"
DB_FILE: Final = "data/pcontract.sqlite"

# What the league pages link to, in the order they name them (relative links:
# every league page sits beside data/).
DATA_LINKS: Final = (
    {"href": CSV_FILE, "label": "CSV", "kind": "league-csv"},
    {"href": JSON_FILE, "label": "JSON", "kind": "league-json"},
    {"href": DB_FILE, "label": "SQLite database", "kind": "database"},
)


def site_data(site: SiteInputs, limits: Limits = Limits()) -> list[tuple[str, bytes]]:
    """The files of ``data/`` as (relative path, bytes). The JSON locates each
    scoring warning as ``rank --format json`` does (the site's cards do not)."""
    from pcontract.checking.checker import Options
    from pcontract.opendata.db import OpenData, database_bytes
    from pcontract.render.tables import rank_csv, rank_json
    from pcontract.scoring.evaluation import locate_rows

    located = locate_rows(site.rows, Options(limits=limits))
    return [
        (CSV_FILE, rank_csv(site.rows).encode("utf-8")),
        (JSON_FILE, rank_json(located).encode("utf-8")),
        (DB_FILE, database_bytes(OpenData.of_site(site))),
    ]


def league_data(rows: Sequence[RankRow], limits: Limits = Limits()) -> list[tuple[str, bytes]]:
    """The league tables of ``data/`` as (relative path, bytes): rank's CSV, and
    its JSON with each scoring warning located as ``rank --format json`` does."""
    from pcontract.checking.checker import Options
    from pcontract.render.tables import rank_csv, rank_json
    from pcontract.scoring.evaluation import locate_rows

    located = locate_rows(rows, Options(limits=limits))
    return [
        (CSV_FILE, rank_csv(rows).encode("utf-8")),
        (JSON_FILE, rank_json(located).encode("utf-8")),
    ]
