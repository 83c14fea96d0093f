"""Ranking: league tables per institution category; numbers worked out by hand.

Every contract here has one increase indicator, weight 100, target 100, with
criteria values excellent 120 and poor 60, so its composite is its raw score:
actual 110 → 3 - 2 × 10 / 20 = 2; 100 → 3; 90 → 3 + 2 × 10 / 40 = 3.5.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcontract.errors import PcontractError
from pcontract.model import Contract, Guidelines, Results
from pcontract.scoring.method import ContractScore, score
from pcontract.scoring.ranking import RankRow, rank
from tests.conftest import EXAMPLES, run
from tests.scoring_test import KENYA, SPAS_RAW


def contract(id: str, category: str) -> Contract:
    return Contract.from_raw(
        {
            "id": id,
            "title": f"Contract {id}",
            "financial_year": "2024/2025",
            "period": {"start": "2024-07-01", "end": "2025-06-30"},
            "institution": {"name": f"Institution {id}", "category": category},
            "criteria": [
                {
                    "id": "core-mandate",
                    "name": "Core Mandate",
                    "weight": 100,
                    "indicators": [
                        {
                            "id": "CM01",
                            "name": "Output",
                            "weight": 100,
                            "kind": "increase",
                            "target": 100,
                            "criteria_values": {"excellent": 120, "poor": 60},
                        }
                    ],
                }
            ],
        }
    )


NA = "not-applicable"


def scored(
    id: str,
    actual: float | str | None,
    category: str = "ministry",
    guidelines: Guidelines = KENYA,
    period: str = "annual",
) -> ContractScore:
    """The contract's score; ``actual=None`` means no results were submitted, and
    ``actual=NA`` that its one indicator is not applicable."""
    results = None
    if actual is not None:
        entry = {"status": NA, "reason": "exogenous"} if actual == NA else {"actual": actual}
        raw: dict[str, Any] = {
            "contract": id,
            "period": period,
            "as_of": "2025-06-30",
            "achievements": {"CM01": entry},
        }
        results = Results.from_raw(raw)
    return score(contract(id, category), guidelines, results)


def table(rows: list[RankRow]) -> list[tuple[str, int | None, str, str | None, str | None]]:
    """Rows as (category, rank, contract, composite, grade) for compact asserts."""
    return [
        (
            row.category,
            row.rank,
            row.contract,
            str(row.composite_display) if row.composite_display is not None else None,
            row.grade,
        )
        for row in rows
    ]


def test_ties_share_a_rank_and_no_results_rank_last() -> None:
    scores = [
        scored("delta", None),
        scored("charlie", 100),  # 3.0000
        scored("bravo", 110),  # 2.0000
        scored("alpha", 110),  # 2.0000
    ]
    rows = rank(scores)
    # Two at 2.0000 share rank 1, ordered by id; 3.0000 is third ("1, 1, 3"); the
    # contract without results is last, scored 5 (worst) and graded Poor.
    assert table(rows) == [
        ("ministry", 1, "alpha", "2.0000", "Excellent"),
        ("ministry", 1, "bravo", "2.0000", "Excellent"),
        ("ministry", 3, "charlie", "3.0000", "Very Good"),
        ("ministry", 4, "delta", "5.0000", "Poor"),
    ]
    assert [row.flags for row in rows] == [(), (), (), ("no results submitted",)]
    assert rows[0] == RankRow(
        rank=1,
        contract="alpha",
        institution="Institution alpha",
        category="ministry",
        composite=Fraction(2),
        composite_display=Decimal("2.0000"),
        grade="Excellent",
        flags=(),
        financial_year="2024/2025",
        institution_key="name:Institution alpha",
    )


def test_contracts_without_results_share_the_last_rank() -> None:
    rows = rank([scored("zulu", None), scored("mike", 90), scored("kilo", None)])
    assert [(row.rank, row.contract, row.flags) for row in rows] == [
        (1, "mike", ()),
        (2, "kilo", ("no results submitted",)),
        (2, "zulu", ("no results submitted",)),
    ]


def test_a_contract_without_results_ranks_below_one_that_scored_worst() -> None:
    # actual 0 is beyond poor: 5.0000, the same composite as no results at all,
    # but reporting ranks ahead of not reporting.
    rows = rank([scored("alpha", None), scored("bravo", 0)])
    assert table(rows) == [
        ("ministry", 1, "bravo", "5.0000", "Poor"),
        ("ministry", 2, "alpha", "5.0000", "Poor"),
    ]


def test_ties_are_decided_on_the_published_four_decimals() -> None:
    # 3 + 2 × (100 - 99.9992) / 40 = 3 + 0.0016 / 40 = 3.00004, published 3.0000,
    # so it ties with an exact 3 although the exact composites differ.
    rows = rank([scored("bravo", 99.9992), scored("alpha", 100), scored("charlie", 90)])
    assert table(rows) == [
        ("ministry", 1, "alpha", "3.0000", "Very Good"),
        ("ministry", 1, "bravo", "3.0000", "Very Good"),
        ("ministry", 3, "charlie", "3.5000", "Good"),
    ]
    assert rows[1].composite == Fraction(300004, 100000)


def test_each_category_is_ranked_on_its_own_in_name_order() -> None:
    rows = rank(
        [
            scored("m1", 100, "ministry"),
            scored("c1", 90, "county"),
            scored("m2", 110, "ministry"),
            scored("c2", 100, "county"),
        ]
    )
    assert table(rows) == [
        ("county", 1, "c2", "3.0000", "Very Good"),
        ("county", 2, "c1", "3.5000", "Good"),
        ("ministry", 1, "m2", "2.0000", "Excellent"),
        ("ministry", 2, "m1", "3.0000", "Very Good"),
    ]


def test_percentages_rank_highest_first() -> None:
    spas = Guidelines.from_raw(SPAS_RAW)
    rows = rank(
        [
            scored("alpha", 90, "individual", spas),  # 90%
            scored("bravo", 110, "individual", spas),  # 110%
            scored("charlie", None, "individual", spas),  # no results: 0%
        ]
    )
    assert table(rows) == [
        ("individual", 1, "bravo", "110.0000", "Excellent"),
        ("individual", 2, "alpha", "90.0000", "Good"),
        ("individual", 3, "charlie", "0.0000", "Poor"),
    ]


def test_quarterly_scores_cannot_be_ranked() -> None:
    with pytest.raises(PcontractError) as caught:
        rank([scored("alpha", 100), scored("bravo", 50, period="Q2")])
    assert str(caught.value) == (
        "cannot rank bravo: its results are for Q2, and only annual results have a composite score"
    )


def test_a_category_mixing_methods_cannot_be_ranked() -> None:
    spas = Guidelines.from_raw(SPAS_RAW)
    with pytest.raises(PcontractError, match="mixes five-point and percentage scores"):
        rank([scored("alpha", 100), scored("bravo", 100, guidelines=spas)])


def test_a_contract_scored_twice_is_an_error() -> None:
    with pytest.raises(PcontractError, match=r"^contract alpha is scored more than once$"):
        rank([scored("alpha", 100), scored("alpha", 110)])


def test_an_all_not_applicable_contract_is_listed_unranked_and_the_others_ranked() -> None:
    rows = rank(
        [scored("alpha", NA), scored("bravo", 90), scored("charlie", None), scored("delta", 110)]
    )
    # delta 2.0000 first, bravo 3.5000 second, charlie (no results) last at 3;
    # alpha has nothing to score: no rank, no composite, no grade, flagged.
    assert table(rows) == [
        ("ministry", 1, "delta", "2.0000", "Excellent"),
        ("ministry", 2, "bravo", "3.5000", "Good"),
        ("ministry", 3, "charlie", "5.0000", "Poor"),
        ("ministry", None, "alpha", None, None),
    ]
    assert rows[-1].flags == ("not scored: every indicator not applicable",)
    assert rows[-1].composite is None


def test_a_category_of_only_unscored_contracts_has_no_ranks() -> None:
    rows = rank([scored("bravo", NA), scored("alpha", NA), scored("zulu", 100, "county")])
    assert table(rows) == [
        ("county", 1, "zulu", "3.0000", "Very Good"),
        ("ministry", None, "alpha", None, None),
        ("ministry", None, "bravo", None, None),
    ]


def test_no_scores_no_rows() -> None:
    assert rank([]) == []


# Scoring is the slow part, so each (actual, category) is scored once and shared.
_CACHE: dict[tuple[str, float | str | None, str], ContractScore] = {}


def _cached(id: str, actual: float | str | None, category: str) -> ContractScore:
    key = (id, actual, category)
    if key not in _CACHE:
        _CACHE[key] = scored(id, actual, category)
    return _CACHE[key]


@st.composite
def score_lists(draw: st.DrawFn) -> list[ContractScore]:
    # Few distinct actuals and categories, so ties and no-results are common.
    entries = draw(
        st.lists(
            st.tuples(
                st.sampled_from([None, NA, 0, 60, 90, 99.9992, 100, 110, 130]),
                st.sampled_from(["county", "ministry", "tertiary"]),
            ),
            max_size=12,
        )
    )
    return [
        _cached(f"c{index:02d}", actual, category)
        for index, (actual, category) in enumerate(entries)
    ]


@given(score_lists(), st.randoms(use_true_random=False))
def test_rank_ignores_input_order(scores: list[ContractScore], rng: Random) -> None:
    shuffled = list(scores)
    rng.shuffle(shuffled)
    assert rank(shuffled) == rank(scores)
    assert rank(reversed(scores)) == rank(scores)


@given(score_lists())
def test_ranks_follow_standard_competition_ranking(scores: list[ContractScore]) -> None:
    rows = rank(scores)
    for row in rows:
        peers = [other for other in rows if other.category == row.category]
        if row.composite is None:
            # Not scored: no rank, after every ranked contract of its category.
            assert row.rank is None and row.grade is None
            assert all(other.rank is None for other in peers[peers.index(row) :])
            continue
        assert row.rank is not None
        if row.flags:
            # Last, after every contract that reported.
            assert row.rank == 1 + sum(
                1 for other in peers if not other.flags and other.composite is not None
            )
        else:
            assert row.composite_display is not None
            better = [
                other
                for other in peers
                if not other.flags
                and other.composite_display is not None
                and other.composite_display < row.composite_display
            ]
            assert row.rank == 1 + len(better)


# -- an all-not-applicable institution on the command line ----------------------------


@pytest.fixture
def with_unscored(tmp_path: Path) -> Path:
    """The examples, plus a second county contract whose results mark every
    indicator not applicable."""
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree)
    bomet = tree / "bomet"
    text = (bomet / "county-health-2023-24.yaml").read_text(encoding="utf-8")
    text = text.replace("id: bomet-health-2023-24", "id: other-health-2023-24", 1)
    text = text.replace("name: County Government of Bomet", "name: County Government of Other")
    (bomet / "other-health-2023-24.yaml").write_text(text, encoding="utf-8")
    ids = re.findall(r"^      - id: (\S+)$", text, flags=re.MULTILINE)
    assert len(ids) == 12
    lines = [
        "apiVersion: pcontract/v1",
        "kind: Results",
        "contract: other-health-2023-24",
        "period: annual",
        "as_of: 2024-06-30",
        "achievements:",
        *(f"  {key}: {{status: not-applicable, reason: County offices closed}}" for key in ids),
    ]
    (bomet / "other-results-2023-24.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tree


UNSCORED = "not scored: every indicator not applicable"


def test_rank_lists_an_unscored_institution_and_ranks_the_others(with_unscored: Path) -> None:
    code, output = run("rank", str(with_unscored), "--format", "json")
    assert code == 0, output
    rows = {row["contract"]: row for row in json.loads(output)}
    # The 2023/2024 county league: Makueni 2.3609, Nakuru 2.6109, Bomet 3.0562,
    # Kisumu 3.1612; Other is listed but not ranked, and moves no one down.
    assert rows["bomet-health-2023-24"]["rank"] == 3
    assert rows["bomet-health-2023-24"]["composite"] == 3.0562
    assert rows["kisumu-health-2023-24"]["rank"] == 4
    assert rows["moina-2024-25"]["rank"] == 2
    assert rows["other-health-2023-24"] == {
        "rank": None,
        "contract": "other-health-2023-24",
        "institution": "County Government of Other — Department of Health Services",
        "category": "county",
        "composite": None,
        "grade": None,
        "flags": [UNSCORED],
        "warnings": [],
        "financial_year": "2023/2024",
        "category_name": "County Governments",
        "previous": None,
        "movement": None,
    }


def test_rank_text_md_and_csv_say_not_scored(with_unscored: Path) -> None:
    code, text = run("rank", str(with_unscored))
    assert code == 0, text
    line = next(line for line in text.splitlines() if "Other" in line)
    assert line.split("│")[1].strip() == "—"  # no rank
    assert UNSCORED in line and "None" not in line
    bomet_ranks = {line.split("│")[1].strip() for line in text.splitlines() if "Bomet" in line}
    assert bomet_ranks == {"3", "2"}  # 2023/2024 and 2024/2025
    code, md = run("rank", str(with_unscored), "--format", "md")
    assert code == 0, md
    assert (
        "| — | County Government of Other — Department of Health Services "
        "| other-health-2023-24 | — | — | not scored: every indicator not applicable |"
    ) in md
    bomet_name = "County Government of Bomet — Department of Health Services"
    assert f"| 3 | {bomet_name} | bomet-health-2023-24 |" in md
    code, csv_text = run("rank", str(with_unscored), "--format", "csv")
    assert code == 0, csv_text
    rows = list(csv.reader(io.StringIO(csv_text)))
    bomet = next(row for row in rows if row[2] == "bomet-health-2023-24")
    assert bomet[:3] == ["county", "3", "bomet-health-2023-24"]
    other = next(row for row in rows if row[2] == "other-health-2023-24")
    assert other[1] == "" and other[4] == "" and other[5] == "" and other[6] == UNSCORED


def test_score_reports_an_all_not_applicable_contract_as_not_scored(with_unscored: Path) -> None:
    contract = str(with_unscored / "bomet" / "other-health-2023-24.yaml")
    results = str(with_unscored / "bomet" / "other-results-2023-24.yaml")
    code, output = run("score", contract, "--results", results, "--format", "json")
    assert code == 0, output
    payload = json.loads(output)
    assert payload["composite"] is None and payload["grade"] is None
    assert payload["not_scored"] == UNSCORED
    code, text = run("score", contract, "--results", results)
    assert code == 0, text
    assert "Not scored: every indicator not applicable: no composite, no grade" in text
    core = next(line for line in text.splitlines() if "Core Mandate" in line)
    assert core.split("│")[-2].strip() == "—"  # no weighted score, not 0.0000
    code, md = run("score", contract, "--results", results, "--format", "md")
    assert code == 0, md
    assert "**Not scored: every indicator not applicable**" in md
    # A scored contract says nothing of the kind.
    bomet = str(with_unscored / "bomet" / "county-health-2023-24.yaml")
    bomet_results = str(with_unscored / "bomet" / "results-2023-24.yaml")
    code, output = run("score", bomet, "--results", bomet_results, "--format", "json")
    assert code == 0 and json.loads(output)["not_scored"] is None


def test_site_and_report_show_an_unscored_institution(with_unscored: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run("site", str(with_unscored), "-o", str(out))
    assert code == 0, output
    # The county contracts are of 2023/2024: the league page of that year.
    index = (out / "league-2023-24.html").read_text(encoding="utf-8")
    county = index.split('<h2 id="category-county-h">County Governments', 1)[1]
    assert county.index("bomet-health-2023-24") < county.index("other-health-2023-24")
    row = county.split('data-contract="other-health-2023-24"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num c-rank">—</td>' in row
    assert f'<span class="flag">{UNSCORED}</span>' in row
    page = (out / "cards" / "other-health-2023-24.html").read_text(encoding="utf-8")
    assert '<span class="flag">Not scored</span> Not scored: every indicator not applicable' in page
    assert "not ranked: not scored" in page
    # Bomet is third of the four ranked counties, not of five.
    bomet_page = (out / "cards" / "bomet-health-2023-24.html").read_text(encoding="utf-8")
    assert '<span class="stat-value">3 <small>of 4</small></span>' in bomet_page
    contract = str(with_unscored / "bomet" / "other-health-2023-24.yaml")
    results = str(with_unscored / "bomet" / "other-results-2023-24.yaml")
    code, card = run("report", contract, "--results", results, "--format", "md")
    assert code == 0, card
    assert "> **Not scored.** Not scored: every indicator not applicable" in card


def test_leagues_follow_the_order_the_guidelines_list_their_categories() -> None:
    """Ministries first, as the Kenyan guidelines list them, and the SPAS officers
    (guidelines that score fewer contracts) after the Kenyan guidelines' leagues."""
    code, output = run("rank", str(EXAMPLES), "--format", "json", "-y", "2024/2025")
    assert code == 0, output
    order = list(dict.fromkeys(row["category"] for row in json.loads(output)))
    assert order == [
        "ministry",
        "state-corporation",
        "county",
        "university",
        "department",
        "individual",
    ]
