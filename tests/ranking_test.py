"""Ranking: league tables per institution category; numbers worked out by hand.

Every contract here has one increase indicator, weight 100, target 100, with
criteria values excellent 120 and poor 60, so its composite is its raw score:
actual 110 → 3 - 2 × 10 / 20 = 2; 100 → 3; 90 → 3 + 2 × 10 / 40 = 3.5.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcontract.errors import PcontractError
from pcontract.model import Contract, Guidelines, Results
from pcontract.ranking import RankRow, rank
from pcontract.scoring import ContractScore, score
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


def scored(
    id: str,
    actual: float | None,
    category: str = "ministry",
    guidelines: Guidelines = KENYA,
    period: str = "annual",
) -> ContractScore:
    """The contract's score; ``actual=None`` means no results were submitted."""
    results = None
    if actual is not None:
        raw: dict[str, Any] = {
            "contract": id,
            "period": period,
            "as_of": "2025-06-30",
            "achievements": {"CM01": {"actual": actual}},
        }
        results = Results.from_raw(raw)
    return score(contract(id, category), guidelines, results)


def table(rows: list[RankRow]) -> list[tuple[str, int, str, str | None, str | None]]:
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


def test_no_scores_no_rows() -> None:
    assert rank([]) == []


# Scoring is the slow part, so each (actual, category) is scored once and shared.
_CACHE: dict[tuple[str, float | None, str], ContractScore] = {}


def _cached(id: str, actual: float | None, category: str) -> ContractScore:
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
                st.sampled_from([None, 0, 60, 90, 99.9992, 100, 110, 130]),
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
        if row.flags:
            # Last, after every contract that reported.
            assert row.rank == 1 + sum(1 for other in peers if not other.flags)
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
