"""The league page's view data, checked by hand against tests/league_site.py.

A composite c sits on the chart at (5 − c) / 4 of the way from worse (5.00, left)
to better (1.00, right); the 3.00 target at (5 − 3) / 4 = 50 %.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pcontract.render.league import category_anchor, index_view
from pcontract.render.reports import css_string, render_site
from pcontract.render.tables import category_title, rank_md
from pcontract.scoring.evaluation import load_site
from pcontract.scoring.ranking import RankRow
from tests.league_site import OFFICE, one_row_categories, two_year_site


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tree = two_year_site(tmp_path_factory.mktemp("league") / "tree")
    return index_view(load_site([str(tree)]))


def table(view: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in view["tables"] if t["category"] == name)
    return found


def test_title_and_heading_name_the_year_and_the_office(view: dict[str, Any]) -> None:
    assert view["title"] == f"League tables, FY 2024/2025 — {OFFICE}"
    assert view["heading"] == "League tables, FY 2024/2025"
    assert view["office"] == OFFICE
    assert view["total_text"] == "9 institutions"
    assert view["category_count"] == "3 categories"


def test_categories_by_name_with_jump_links(view: dict[str, Any]) -> None:
    names = [t["category"] for t in view["tables"]]
    assert names == ["Ministries", "State Corporations", "County Governments"]
    assert view["nav"] == [
        {"href": "#category-ministry", "name": "Ministries", "count": "3 institutions"},
        {
            "href": "#category-state-corporation",
            "name": "State Corporations",
            "count": "2 institutions",
        },
        {"href": "#category-county", "name": "County Governments", "count": "4 institutions"},
    ]
    assert [t["anchor"] for t in view["tables"]] == [
        "category-ministry",
        "category-state-corporation",
        "category-county",
    ]


def test_ministries_rows_dots_and_movement(view: dict[str, Any]) -> None:
    ministries = table(view, "Ministries")
    picked = [
        (r["rank"], r["institution"], r["composite"], r["grade"], r["dot"]["left"])
        for r in ministries["rows"]
    ]
    # 1.8 → (5 − 1.8) / 4 = 80 %; 2.6 → 60 %; 3.2 → 45 %.
    assert picked == [
        (1, "Ministry of Alpha Affairs", "1.8000", "Excellent", "80%"),
        (2, "Ministry of Beta Services", "2.6000", "Very Good", "60%"),
        (3, "Ministry of Gamma Works", "3.2000", "Good", "45%"),
    ]
    assert ministries["axis"] == {
        "worse": "5.00",
        "better": "1.00",
        "target": "3.00",
        "target_left": "50%",
    }
    # Last year: Beta 2.0000 first, Alpha 3.0000 second, Gamma 3.2000 third.
    moves = [(r["last_year"], r["movement"], r["movement_kind"]) for r in ministries["rows"]]
    assert moves == [
        ("2023/2024: rank 2, 3.0000 Very Good", "up 1, -1.2000 better", "better"),
        ("2023/2024: rank 1, 2.0000 Excellent", "down 1, +0.6000 worse", "worse"),
        ("2023/2024: rank 3, 3.2000 Good", "same rank, +0.0000 same", "same"),
    ]
    assert ministries["show_last_year"] and ministries["show_movement"]
    assert not ministries["show_flags"]  # no notes: the column is left out


def test_state_corporations_have_no_history_columns(view: dict[str, Any]) -> None:
    corporations = table(view, "State Corporations")
    assert [r["last_year"] for r in corporations["rows"]] == ["", ""]
    assert not corporations["show_last_year"]
    assert not corporations["show_movement"]
    assert not corporations["show_flags"]


def test_counties_flag_the_missing_results_and_count_grades_worse_first(
    view: dict[str, Any],
) -> None:
    counties = table(view, "County Governments")
    assert [(r["rank"], r["composite"], r["grade"]) for r in counties["rows"]] == [
        (1, "2.2000", "Excellent"),
        (2, "3.5000", "Good"),
        (3, "4.5000", "Poor"),
        (4, "5.0000", "Poor"),
    ]
    assert counties["rows"][3]["flags"] == ["no results submitted"]
    assert counties["show_flags"]
    # Worse to better, left to right; bar heights against the largest count (2).
    grades = [(d["grade"], d["count"], d["width"]) for d in counties["distribution"]["grades"]]
    assert grades == [
        ("Poor", 2, "100%"),
        ("Fair", 0, "0%"),
        ("Good", 1, "50%"),
        ("Very Good", 0, "0%"),
        ("Excellent", 1, "50%"),
    ]
    assert counties["distribution"]["summary"] == (
        "4 institutions by grade, worse to better: "
        "Poor 2, Fair 0, Good 1, Very Good 0, Excellent 1."
    )
    # 2.2 → 70 %; 5.0 (no results: the worst score) → 0 %.
    assert [r["dot"]["left"] for r in counties["rows"]] == ["70%", "37.5%", "12.5%", "0%"]


def test_the_whole_year_distribution(view: dict[str, Any]) -> None:
    # Poor: Theta, Iota; Fair: Epsilon; Good: Gamma, Eta; Very Good: Beta, Delta;
    # Excellent: Alpha, Zeta.
    assert view["distribution"]["summary"] == (
        "9 institutions by grade, worse to better: "
        "Poor 2, Fair 1, Good 2, Very Good 2, Excellent 2."
    )


def test_the_older_year_has_its_own_page(tmp_path: Path) -> None:
    site = load_site([str(two_year_site(tmp_path / "tree"))])
    older = index_view(site, year="2023/2024")
    assert older["title"] == f"League tables, FY 2023/2024 — {OFFICE}"
    assert [t["category"] for t in older["tables"]] == ["Ministries", "County Governments"]
    assert not any(t["show_last_year"] or t["show_movement"] for t in older["tables"])
    assert [y["current"] for y in older["years"]] == [False, True]


def test_the_office_falls_back_to_the_guidelines_title(tmp_path: Path) -> None:
    tree = one_row_categories(tmp_path / "tree", 2)
    for path in tree.glob("g-*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"issued_by: {OFFICE}\n", ""), encoding="utf-8")
    view = index_view(load_site([str(tree)]))
    assert view["title"] == "League tables, FY 2024/2025 — Guidelines 2024/2025"
    # Categories the guidelines do not name read as words, not ids.
    assert [t["category"] for t in view["tables"]] == ["Group 0", "Group 1"]


def test_a_category_without_a_name_reads_as_words() -> None:
    row = RankRow(None, "c", "I", "state-corporation", None, None, None)
    assert category_title(row) == "State corporation"
    ranked = replace(row, rank=1, financial_year="2024/2025")
    assert "### 2024/2025 · State corporation" in rank_md([ranked])
    assert category_anchor("a b<c") == "category-a_b_c"


def test_the_page_footer_is_an_escaped_css_string(tmp_path: Path) -> None:
    assert css_string('FY 2024/2025 — "A" </style>') == (
        '"FY 2024/2025 \\2014  \\22 A\\22  \\3c /style\\3e "'
    )
    files = dict(render_site(load_site([str(two_year_site(tmp_path / "tree"))])))
    index = files["index.html"]
    assert '@page { @bottom-left { content: "League tables, FY 2024/2025 \\2014  ' in index
    assert "<title>League tables, FY 2024/2025 — Performance Management" in index


def test_a_hostile_office_stays_text(tmp_path: Path) -> None:
    tree = one_row_categories(tmp_path / "tree", 2)
    hostile = 'Office </style><script>alert(1)</script> "x"'
    for path in tree.glob("g-*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(OFFICE, f"'{hostile}'"), encoding="utf-8")
    index = dict(render_site(load_site([str(tree)])))["index.html"]
    assert "<script>" not in index
    assert "</style><" not in index
    assert "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in index  # title and h1
    # The print footer holds it as a CSS string, every markup character escaped.
    assert '\\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e  \\22 x\\22 "' in index


def test_a_percentage_league_draws_on_its_own_scale(tmp_path: Path) -> None:
    """SPAS-style: higher is better, from 0 % (worse) to the 120 % cap (better),
    the target at 100 %. Actual 90 of target 100 is 90 %: at 90 / 120 = 75 %;
    108 is 108 %: at 90 %."""
    tree = one_row_categories(tmp_path / "tree", 1)
    spas = (
        Path(__file__).parents[1] / "examples" / "guidelines" / "spas-fy2024-25.yaml"
    ).read_text(encoding="utf-8")
    spas = spas.replace("id: spas-fy2024-25", "id: g-2024-25")
    (tree / "g-2024-25.yaml").write_text(spas, encoding="utf-8")
    results = tree / "solo-0-2024-25-r.yaml"
    second = tree / "solo-9-2024-25.yaml"
    text = (tree / "solo-0-2024-25.yaml").read_text(encoding="utf-8")
    text = text.replace("solo-0", "solo-9").replace("Institution 1", "Institution 9")
    second.write_text(text, encoding="utf-8")
    answer = results.read_text(encoding="utf-8").replace("solo-0", "solo-9").replace("90}", "108}")
    (tree / "solo-9-2024-25-r.yaml").write_text(answer, encoding="utf-8")
    view = index_view(load_site([str(tree)]))
    (only,) = view["tables"]
    assert only["axis"] == {
        "worse": "0%",
        "better": "120%",
        "target": "100%",
        "target_left": "83.33%",
    }
    picked = [
        (r["institution"], r["composite"], r["grade"], r["dot"]["left"]) for r in only["rows"]
    ]
    assert picked == [
        ("Institution 9", "108.0000", "Excellent", "90%"),
        ("Institution 1", "90.0000", "Good", "75%"),
    ]
    assert view["office"] == "Public Service Commission"
