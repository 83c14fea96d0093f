"""League tables per financial year, and year on year; numbers worked out by hand.

Every contract here has one increase indicator, weight 100, target 100, with
criteria values excellent 120 and poor 60, so its composite is its raw score:
actual 110 → 3 - 2 × 10 / 20 = 2; 100 → 3; 90 → 3 + 2 × 10 / 40 = 3.5.
Grades (five-point, upper bounds): Excellent ≤ 2.40, Very Good ≤ 3.00, Good ≤ 3.60.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run

YEARS = {"2023/2024": "2023-24", "2024/2025": "2024-25"}


def guidelines(year: str, names: dict[str, str] | None = None) -> str:
    short = YEARS[year]
    text = f"""apiVersion: pcontract/v1
kind: Guidelines
id: g-{short}
title: Guidelines {year}
financial_year: {year}
method: five-point
grades:
  - {{grade: Excellent, max: 2.40}}
  - {{grade: Very Good, max: 3.00}}
  - {{grade: Good, max: 3.60}}
  - {{grade: Fair, max: 4.00}}
  - {{grade: Poor, max: 5.00}}
"""
    if names:
        text += "institution_categories:\n" + "".join(f"  {k}: {v}\n" for k, v in names.items())
    return text


def contract(
    cid: str,
    year: str,
    name: str,
    institution_id: str | None = None,
    category: str = "county",
    baseline: str = "",
) -> str:
    first, second = year.split("/")
    ident = f"\n  id: {institution_id}" if institution_id else ""
    return f"""apiVersion: pcontract/v1
kind: Contract
id: {cid}
title: Contract {cid}
financial_year: {year}
period: {{start: {first}-07-01, end: {second}-06-30}}
institution:
  name: {name}{ident}
  category: {category}
parties:
  principal: {{title: Governor}}
  agent: {{title: Chief Officer}}
status: signed
guidelines: g-{YEARS[year]}.yaml
criteria:
  - id: core-mandate
    name: Core Mandate
    weight: 100
    indicators:
      - id: CM01
        name: Output
        weight: 100
        kind: increase
        unit: visits
        target: 100{baseline}
        criteria_values: {{excellent: 120, poor: 60}}
"""


def results(cid: str, year: str, actual: int) -> str:
    second = year.split("/")[1]
    return f"""apiVersion: pcontract/v1
kind: Results
contract: {cid}
period: annual
as_of: {second}-06-30
achievements:
  CM01: {{actual: {actual}}}
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def two_years(folder: Path) -> Path:
    """Alpha (linked by its institution id, renamed in 2024/2025) and Beta
    (linked by its name) in two years: 2023/2024 Beta 2.0000 first, Alpha 3.5000
    second; 2024/2025 Alpha 2.0000 first, Beta 3.0000 second."""
    return write(
        folder,
        {
            "g-2023-24.yaml": guidelines("2023/2024"),
            "g-2024-25.yaml": guidelines("2024/2025", {"county": "County Governments"}),
            "alpha-2023-24.yaml": contract("alpha-2023-24", "2023/2024", "Alpha County", "alpha"),
            "alpha-r-2023-24.yaml": results("alpha-2023-24", "2023/2024", 90),
            "beta-2023-24.yaml": contract("beta-2023-24", "2023/2024", "Beta County"),
            "beta-r-2023-24.yaml": results("beta-2023-24", "2023/2024", 110),
            "alpha-2024-25.yaml": contract(
                "alpha-2024-25", "2024/2025", "County Government of Alpha", "alpha"
            ),
            "alpha-r-2024-25.yaml": results("alpha-2024-25", "2024/2025", 110),
            "beta-2024-25.yaml": contract("beta-2024-25", "2024/2025", "Beta County"),
            "beta-r-2024-25.yaml": results("beta-2024-25", "2024/2025", 100),
        },
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return two_years(tmp_path / "tree")


@pytest.fixture
def one_institution(tmp_path: Path) -> Path:
    """The same institution in two financial years, alone in its category."""
    return write(
        tmp_path / "one",
        {
            "g-2023-24.yaml": guidelines("2023/2024"),
            "g-2024-25.yaml": guidelines("2024/2025"),
            "gamma-2023-24.yaml": contract("gamma-2023-24", "2023/2024", "Gamma County"),
            "gamma-r-2023-24.yaml": results("gamma-2023-24", "2023/2024", 100),
            "gamma-2024-25.yaml": contract("gamma-2024-25", "2024/2025", "Gamma County"),
            "gamma-r-2024-25.yaml": results("gamma-2024-25", "2024/2025", 110),
        },
    )


def rank_json(*args: str) -> list[dict[str, Any]]:
    code, output = run("rank", *args, "--format", "json")
    assert code == 0, output
    rows: list[dict[str, Any]] = json.loads(output)
    return rows


def test_the_fixtures_validate(tree: Path, one_institution: Path) -> None:
    for folder in (tree, one_institution):
        code, output = run("validate", str(folder))
        assert code == 0, output


def test_one_institution_in_two_years_is_first_in_two_leagues(one_institution: Path) -> None:
    rows = rank_json(str(one_institution))
    assert [(r["financial_year"], r["rank"], r["contract"], r["composite"]) for r in rows] == [
        ("2024/2025", 1, "gamma-2024-25", 2.0),
        ("2023/2024", 1, "gamma-2023-24", 3.0),
    ]
    code, text = run("rank", str(one_institution), "--format", "csv")
    assert code == 0, text
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["financial_year"], r["rank"], r["contract"]) for r in table] == [
        ("2024/2025", "1", "gamma-2024-25"),
        ("2023/2024", "1", "gamma-2023-24"),
    ]
    code, text = run("rank", str(one_institution))
    assert code == 0, text
    # One table per year, the latest first; a category with no name shows its id
    # as a word.
    assert text.index("2024/2025 · County") < text.index("2023/2024 · County")


def test_rank_json_carries_last_year_and_the_movement(tree: Path) -> None:
    rows = {r["contract"]: r for r in rank_json(str(tree))}
    alpha = rows["alpha-2024-25"]
    assert (alpha["financial_year"], alpha["rank"], alpha["composite"]) == ("2024/2025", 1, 2.0)
    # Linked by institution id although the name changed.
    assert alpha["previous"] == {
        "financial_year": "2023/2024",
        "contract": "alpha-2023-24",
        "rank": 2,
        "composite": 3.5,
        "grade": "Good",
    }
    # Up from 2nd to 1st; 2.0000 - 3.5000 = -1.5000, lower is better: better.
    assert alpha["movement"] == {"places": 1, "composite_change": -1.5, "composite": "better"}
    beta = rows["beta-2024-25"]
    assert beta["previous"]["rank"] == 1 and beta["previous"]["composite"] == 2.0
    assert beta["previous"]["grade"] == "Excellent"
    # Down from 1st to 2nd; 3.0000 - 2.0000 = +1.0000: worse.
    assert beta["movement"] == {"places": -1, "composite_change": 1.0, "composite": "worse"}
    # The earliest year has no previous year in the tree.
    assert rows["alpha-2023-24"]["previous"] is None
    assert rows["alpha-2023-24"]["movement"] is None


def test_category_names_come_from_the_guidelines(tree: Path) -> None:
    rows = rank_json(str(tree))
    names = {(r["financial_year"], r["category"]): r["category_name"] for r in rows}
    assert names == {
        ("2024/2025", "county"): "County Governments",
        ("2023/2024", "county"): "county",
    }
    code, md = run("rank", str(tree), "--format", "md")
    assert code == 0, md
    assert "### 2024/2025 · County Governments" in md
    assert "### 2023/2024 · County" in md  # no name in the guidelines: the id as a word
    assert "| 2023/2024: rank 2, 3.5000 Good | up 1, -1.5000 better |" in md
    assert "| 2023/2024: rank 1, 2.0000 Excellent | down 1, \\+1.0000 worse |" in md


def test_rank_text_shows_last_year(tree: Path) -> None:
    code, text = run("rank", str(tree))
    assert code == 0, text
    line = next(line for line in text.splitlines() if "County Government of Alpha" in line)
    assert "2023/2024: rank 2, 3.5000 Good" in line and "up 1, -1.5000 better" in line


def test_rank_one_financial_year(tree: Path) -> None:
    rows = rank_json(str(tree), "--financial-year", "2023/2024")
    assert [(r["rank"], r["contract"]) for r in rows] == [(1, "beta-2023-24"), (2, "alpha-2023-24")]
    # The selected year still links to the one before it.
    rows = rank_json(str(tree), "--financial-year", "2024/2025")
    assert [r["previous"]["rank"] for r in rows] == [2, 1]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2022/2023", "no contracts for financial year 2022/2023 (found: 2024/2025, 2023/2024)"),
        ("2024-25", "write a financial year as 2024/2025"),
    ],
)
def test_rank_a_year_with_no_contracts_is_a_usage_error(
    tree: Path, year: str, message: str
) -> None:
    code, output = run("rank", str(tree), "--financial-year", year)
    assert code == 2
    assert message in " ".join(output.split())


def test_site_has_a_league_page_per_year_with_last_year(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run("site", str(tree), "-o", str(out))
    assert code == 0, output
    latest = (out / "index.html").read_text(encoding="utf-8")
    older = (out / "league-2023-24.html").read_text(encoding="utf-8")
    assert '<h2 id="category-county-h">County Governments <span' in latest
    assert '<h2 id="category-county-h">County <span' in older
    # Each year's grades alone, worse to better: 2024/2025 Very Good 1 and
    # Excellent 1; 2023/2024 Good 1 and Excellent 1.
    counts = "2 institutions by grade, worse to better: Poor 0, Fair 0, Good "
    assert f"{counts}0, Very Good 1, Excellent 1." in latest
    assert f"{counts}1, Very Good 0, Excellent 1." in older
    row = latest.split('data-contract="alpha-2024-25"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="c-extra">2023/2024: rank 2, 3.5000 Good</td>' in row
    assert '<td class="c-extra move-better">up 1, -1.5000 better</td>' in row
    assert "Last year" not in older.split("<main>", 1)[1]  # no year before it
    card = (out / "cards" / "alpha-2024-25.html").read_text(encoding="utf-8")
    assert "Last year (2023/2024): rank 2, composite 3.5000, Good." in card
    assert 'href="../index.html"' in card
    old_card = (out / "cards" / "alpha-2023-24.html").read_text(encoding="utf-8")
    assert 'href="../league-2023-24.html"' in old_card
