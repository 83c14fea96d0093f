"""Scoring: every expected number below is worked out by hand in the comments.

The Kenyan guidelines used throughout: scale best 1, target 3, worst 5; default
criteria values increase {excellent 1.2, poor 0.6} × target, decrease {excellent
0.8, poor 1.4} × target, milestone {excellent -30, poor +60} days, binary
{achieved 3, not_achieved 5}; bands Excellent ≤2.40, Very Good ≤3.00, Good ≤3.60,
Fair ≤4.00, Poor ≤5.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pcontract.errors import PcontractError
from pcontract.model import Contract, Guidelines, Moderation, Results
from pcontract.scoring.method import (
    ContractScore,
    IndicatorScore,
    QuarterProgress,
    achievement_pct,
    criteria_points,
    gap,
    grade_for,
    quarter_end,
    quarter_target,
    raw_score,
    round4,
    score,
)

CONTRACT_ID = "test-2024-25"

KENYA_RAW: dict[str, Any] = {
    "apiVersion": "pcontract/v1",
    "kind": "Guidelines",
    "id": "kenya-pc-fy2024-25",
    "financial_year": "2024/2025",
    "method": "five-point",
    "scale": {"best": 1.0, "target": 3.0, "worst": 5.0},
    "default_criteria_values": {
        "increase": {"excellent": 1.2, "poor": 0.6},
        "decrease": {"excellent": 0.8, "poor": 1.4},
        "milestone": {"excellent": -30, "poor": 60},
        "binary": {"achieved": 3.0, "not_achieved": 5.0},
    },
    "grades": [
        {"grade": "Excellent", "max": 2.40},
        {"grade": "Very Good", "max": 3.00},
        {"grade": "Good", "max": 3.60},
        {"grade": "Fair", "max": 4.00},
        {"grade": "Poor", "max": 5.00},
    ],
    "not_applicable": "rescale",
    "not_reported": "worst",
}
KENYA = Guidelines.from_raw(KENYA_RAW)

SPAS_RAW: dict[str, Any] = {
    "apiVersion": "pcontract/v1",
    "kind": "Guidelines",
    "id": "spas-fy2024-25",
    "financial_year": "2024/2025",
    "method": "percentage",
    "grades": [
        {"grade": "Excellent", "above": 100},
        {"grade": "Very Good", "min": 100},
        {"grade": "Good", "min": 80},
        {"grade": "Fair", "min": 60},
        {"grade": "Poor", "min": 0},
    ],
    "not_applicable": "rescale",
}
SPAS = Guidelines.from_raw(SPAS_RAW)


def guidelines(base: dict[str, Any], **changes: Any) -> Guidelines:
    return Guidelines.from_raw({**base, **changes})


def indicator(
    id: str, kind: str, target: object, weight: int | float, **extra: Any
) -> dict[str, Any]:
    base = {"id": id, "name": f"Indicator {id}", "weight": weight, "kind": kind, "target": target}
    return base | extra


def contract(*categories: tuple[str, list[dict[str, Any]]], id: str = CONTRACT_ID) -> Contract:
    """A contract whose category weights are the sums of their indicators' weights."""
    return Contract.from_raw(
        {
            "apiVersion": "pcontract/v1",
            "kind": "Contract",
            "id": id,
            "title": "Test contract",
            "financial_year": "2024/2025",
            "period": {"start": "2024-07-01", "end": "2025-06-30"},
            "institution": {"name": "Test Institution", "category": "ministry"},
            "criteria": [
                {
                    "id": name,
                    "name": name.replace("-", " ").title(),
                    "weight": sum(item["weight"] for item in items),
                    "indicators": items,
                }
                for name, items in categories
            ],
        }
    )


def results(
    achievements: dict[str, dict[str, Any]], period: str = "annual", id: str = CONTRACT_ID
) -> Results:
    return Results.from_raw(
        {
            "apiVersion": "pcontract/v1",
            "kind": "Results",
            "contract": id,
            "period": period,
            "as_of": "2025-06-30",
            "achievements": achievements,
        }
    )


def by_id(result: ContractScore) -> dict[str, IndicatorScore]:
    return {item.id: item for item in result.indicators}


def messages(result: ContractScore) -> tuple[str, ...]:
    return tuple(w.message for w in result.warnings)


def codes(result: ContractScore) -> tuple[str, ...]:
    return tuple(w.code for w in result.warnings)


# One increase indicator, weight 100, target 100, excellent 120, poor 60: the points
# are (120, 1), (100, 3), (60, 5).
SINGLE = contract(
    (
        "core-mandate",
        [indicator("CM01", "increase", 100, 100, criteria_values={"excellent": 120, "poor": 60})],
    )
)


# -- round4 and grades ---------------------------------------------------------------


def test_round4_rounds_half_up_to_four_places() -> None:
    assert str(round4(Fraction(3))) == "3.0000"
    assert round4(Fraction(1, 3)) == Decimal("0.3333")
    assert round4(Fraction(2, 3)) == Decimal("0.6667")
    # 0.00005 is exactly half way: up, and away from zero when negative.
    assert round4(Fraction(5, 100000)) == Decimal("0.0001")
    assert round4(Fraction(-5, 100000)) == Decimal("-0.0001")
    assert round4(Fraction(4999, 100000000)) == Decimal("0.0000")
    assert str(round4(Fraction(-1, 10**9))) == "0.0000"  # no "-0.0000"


@pytest.mark.parametrize(
    ("composite", "grade"),
    [
        # Published examples.
        ("2.2621", "Excellent"),
        ("1.929", "Excellent"),
        ("2.4085", "Very Good"),
        ("3.0209", "Good"),
        ("4.1629", "Poor"),
        # Upper bounds are inclusive.
        ("1.0000", "Excellent"),
        ("2.4000", "Excellent"),
        ("2.4001", "Very Good"),
        ("3.0000", "Very Good"),
        ("3.6000", "Good"),
        ("4.0000", "Fair"),
        ("4.0001", "Poor"),
        ("5.0000", "Poor"),
    ],
)
def test_grade_for_five_point_bands(composite: str, grade: str) -> None:
    assert grade_for(Decimal(composite), KENYA) == grade


def test_grade_for_rounds_a_fraction_first() -> None:
    # 2.40004 rounds to the published 2.4000: Excellent, though the exact value is
    # above the 2.40 bound.
    assert grade_for(Fraction(240004, 100000), KENYA) == "Excellent"
    # 2.40005 rounds up to 2.4001: Very Good.
    assert grade_for(Fraction(240005, 100000), KENYA) == "Very Good"


def test_grade_for_outside_every_band_is_none() -> None:
    assert grade_for(Decimal("5.0001"), KENYA) is None


@pytest.mark.parametrize(
    ("pct", "grade"),
    [
        ("100.0001", "Excellent"),  # > 100%
        ("100.0000", "Very Good"),  # exactly 100%
        ("99.9999", "Good"),
        ("80.0000", "Good"),
        ("79.9999", "Fair"),
        ("60.0000", "Fair"),
        ("59.9999", "Poor"),
        ("0.0000", "Poor"),
    ],
)
def test_grade_for_percentage_bands(pct: str, grade: str) -> None:
    assert grade_for(Decimal(pct), SPAS) == grade


def test_grade_for_a_reversed_scale() -> None:
    # Higher is better: bands best first, each holding composites at or above max.
    reversed_scale = guidelines(
        KENYA_RAW,
        scale={"best": 5.0, "target": 3.0, "worst": 1.0},
        grades=[
            {"grade": "Excellent", "max": 4.0},
            {"grade": "Good", "max": 3.0},
            {"grade": "Poor", "max": 1.0},
        ],
    )
    assert grade_for(Decimal("4.2"), reversed_scale) == "Excellent"
    assert grade_for(Decimal("3.0"), reversed_scale) == "Good"
    assert grade_for(Decimal("2.9999"), reversed_scale) == "Poor"


# -- one indicator -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "composite", "grade"),
    [
        # On target: the target score.
        (100, "3.0000", "Very Good"),
        # Between target (100, 3) and excellent (120, 1): 3 - 2 × (110 - 100) / 20 = 2.
        (110, "2.0000", "Excellent"),
        # Beyond excellent: capped at 1.
        (130, "1.0000", "Excellent"),
        # Between target (100, 3) and poor (60, 5): 3 + 2 × (100 - 80) / 40 = 4.
        (80, "4.0000", "Fair"),
        # Beyond poor: floored at 5.
        (0, "5.0000", "Poor"),
        # 3 + 2 × (100 - 90) / 40 = 3.5.
        (90, "3.5000", "Good"),
        # 3 - 2 × (100.5 - 100) / 20 = 2.95.
        (100.5, "2.9500", "Very Good"),
    ],
)
def test_single_indicator(actual: float, composite: str, grade: str) -> None:
    result = score(SINGLE, KENYA, results({"CM01": {"actual": actual}}))
    assert result.composite_display is not None
    assert str(result.composite_display) == composite
    assert result.grade == grade
    assert messages(result) == ()
    assert result.period == "annual"


def test_single_indicator_exact_thirds() -> None:
    # 3 - 2 × (101 - 100) / 20 = 3 - 1/10 = 29/10; and 3 + 2 × (100 - 99) / 40 =
    # 3 + 1/20 = 61/20: exact fractions, not floats.
    first = score(SINGLE, KENYA, results({"CM01": {"actual": 101}}))
    second = score(SINGLE, KENYA, results({"CM01": {"actual": 99}}))
    assert first.composite == Fraction(29, 10)
    assert second.composite == Fraction(61, 20)


# -- criteria points -----------------------------------------------------------------


def test_criteria_points_from_the_guidelines_defaults() -> None:
    item = contract(("core-mandate", [indicator("CM01", "increase", 1000, 100)])).indicators[0]
    # excellent 1.2 × 1000 = 1200, poor 0.6 × 1000 = 600.
    assert criteria_points(item, KENYA) == [
        (Fraction(1200), Fraction(1)),
        (Fraction(1000), Fraction(3)),
        (Fraction(600), Fraction(5)),
    ]


def test_criteria_points_very_good_and_fair_sit_half_way_on_the_scale() -> None:
    rich = guidelines(
        KENYA_RAW,
        default_criteria_values={
            **KENYA_RAW["default_criteria_values"],
            "decrease": {"excellent": 0.5, "very_good": 0.75, "fair": 1.25, "poor": 1.5},
        },
    )
    item = contract(("core-mandate", [indicator("CM01", "decrease", 20, 100)])).indicators[0]
    # 0.5 × 20 = 10 → 1; 0.75 × 20 = 15 → (1 + 3) / 2 = 2; the target 20 → 3;
    # 1.25 × 20 = 25 → (3 + 5) / 2 = 4; 1.5 × 20 = 30 → 5.
    assert criteria_points(item, rich) == [
        (Fraction(10), Fraction(1)),
        (Fraction(15), Fraction(2)),
        (Fraction(20), Fraction(3)),
        (Fraction(25), Fraction(4)),
        (Fraction(30), Fraction(5)),
    ]
    # Between very good (15, 2) and target (20, 3): 2 + (17 - 15) / 5 = 2.4.
    assert raw_score(item, rich, 17) == Fraction(12, 5)


def test_explicit_criteria_values_win_and_the_guidelines_fill_the_gaps() -> None:
    item = contract(
        (
            "core-mandate",
            [indicator("CM01", "increase", 100, 100, criteria_values={"excellent": 130})],
        )
    ).indicators[0]
    # excellent 130 given; poor from the guidelines: 0.6 × 100 = 60.
    assert criteria_points(item, KENYA) == [
        (Fraction(130), Fraction(1)),
        (Fraction(100), Fraction(3)),
        (Fraction(60), Fraction(5)),
    ]
    # 3 - 2 × (115 - 100) / 30 = 2.
    assert raw_score(item, KENYA, 115) == Fraction(2)


def test_criteria_points_for_a_milestone_are_day_numbers() -> None:
    item = contract(
        ("core-mandate", [indicator("CM01", "milestone", "2025-03-31", 100)])
    ).indicators[0]
    target = dt.date(2025, 3, 31).toordinal()
    assert criteria_points(item, KENYA) == [
        (Fraction(target - 30), Fraction(1)),
        (Fraction(target), Fraction(3)),
        (Fraction(target + 60), Fraction(5)),
    ]


def test_criteria_points_for_binary() -> None:
    item = contract(("core-mandate", [indicator("CC01", "binary", True, 100)])).indicators[0]
    assert criteria_points(item, KENYA) == [(Fraction(1), Fraction(3)), (Fraction(0), Fraction(5))]


def test_criteria_out_of_order_after_filling_in_defaults_is_an_error() -> None:
    item = contract(
        (
            "core-mandate",
            [indicator("CM01", "increase", 100, 100, criteria_values={"very_good": 130})],
        )
    ).indicators[0]
    # The default excellent, 1.2 × 100 = 120, falls below the given very good 130.
    with pytest.raises(PcontractError) as caught:
        criteria_points(item, KENYA)
    assert str(caught.value) == (
        "CM01: criteria values are out of order once the guidelines' defaults fill the "
        "gaps: excellent is 120 (guidelines) but very_good is 130 (given); give the "
        "indicator's criteria_values explicitly"
    )


# -- raw scores by kind --------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        # Points (8, 1), (10, 3), (14, 5): 0.8 × 10 and 1.4 × 10.
        (10, Fraction(3)),
        (8, Fraction(1)),
        (5, Fraction(1)),  # beyond excellent
        (9, Fraction(2)),  # 3 - 2 × (10 - 9) / 2
        (11, Fraction(7, 2)),  # 3 + 2 × (11 - 10) / 4
        (14, Fraction(5)),
        (20, Fraction(5)),  # beyond poor
    ],
)
def test_raw_score_decrease(actual: int, expected: Fraction) -> None:
    item = contract(("core-mandate", [indicator("CM01", "decrease", 10, 100)])).indicators[0]
    assert raw_score(item, KENYA, actual) == expected


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        # Target 2025-03-31: excellent 30 days earlier (1), poor 60 days later (5).
        ("2025-03-31", Fraction(3)),
        ("2025-03-21", Fraction(7, 3)),  # 10 days early: 3 - 2 × 10 / 30
        ("2025-03-01", Fraction(1)),  # 30 days early
        ("2024-12-01", Fraction(1)),  # beyond excellent
        ("2025-04-15", Fraction(7, 2)),  # 15 days late: 3 + 2 × 15 / 60
        ("2025-05-30", Fraction(5)),  # 60 days late
        ("2025-06-30", Fraction(5)),  # beyond poor
    ],
)
def test_raw_score_milestone(actual: str, expected: Fraction) -> None:
    item = contract(
        ("core-mandate", [indicator("CM01", "milestone", "2025-03-31", 100)])
    ).indicators[0]
    assert raw_score(item, KENYA, actual) == expected


def test_raw_score_binary() -> None:
    item = contract(("core-mandate", [indicator("CC01", "binary", True, 100)])).indicators[0]
    assert raw_score(item, KENYA, True) == Fraction(3)
    assert raw_score(item, KENYA, False) == Fraction(5)


def test_raw_score_on_a_reversed_scale() -> None:
    # best 5, target 3, worst 1 (higher is better): 110 lies half way from the
    # target (100, 3) to excellent (120, 5): 3 + 2 × 10 / 20 = 4.
    reversed_scale = guidelines(KENYA_RAW, scale={"best": 5.0, "target": 3.0, "worst": 1.0})
    item = SINGLE.indicators[0]
    assert raw_score(item, reversed_scale, 110) == Fraction(4)
    assert raw_score(item, reversed_scale, 200) == Fraction(5)
    assert raw_score(item, reversed_scale, 0) == Fraction(1)


def test_raw_score_rejects_an_actual_of_the_wrong_type() -> None:
    with pytest.raises(PcontractError, match=r"^CM01: actual must be a number, not 'lots'$"):
        raw_score(SINGLE.indicators[0], KENYA, "lots")
    milestone = contract(
        ("core-mandate", [indicator("CM02", "milestone", "2025-03-31", 100)])
    ).indicators[0]
    with pytest.raises(PcontractError, match=r"must be a date \(YYYY-MM-DD\), not 12"):
        raw_score(milestone, KENYA, 12)


def test_a_zero_decrease_target_scores_as_a_step_with_a_warning() -> None:
    # 0.8 × 0 and 1.4 × 0 collapse onto the target 0: only the target point is left.
    zero = contract(("core-mandate", [indicator("FS01", "decrease", 0, 100)]))
    item = zero.indicators[0]
    assert criteria_points(item, KENYA) == [(Fraction(0), Fraction(3))]
    assert raw_score(item, KENYA, 0) == Fraction(3)
    assert raw_score(item, KENYA, 2) == Fraction(5)
    result = score(zero, KENYA, results({"FS01": {"actual": 0}}))
    assert result.composite == Fraction(3)
    # A count cannot beat 0, so only the worse side is warned about (PC324 reports
    # the same indicator when validating).
    assert messages(result) == (
        "FS01: a decrease indicator with target 0 has no criteria value worse than 0 "
        "(fair or poor) in its criteria_values or the guidelines' "
        "zero_target_criteria_values.decrease, and the default criteria values, multiples "
        "of the target, all collapse onto 0, so missing it scores 5",
    )
    assert codes(result) == ("PC503",)
    assert result.warnings[0].path == ("criteria", 0, "indicators", 0)
    assert result.warnings[0].hint == (
        "give criteria_values: {poor: 3} (the count that scores Poor), or set the "
        "guidelines' zero_target_criteria_values.decrease"
    )


# -- achievement percentage and gap --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "target", "actual", "expected"),
    [
        ("increase", 1000, 1050, Fraction(105)),
        ("increase", 200, 150, Fraction(75)),
        ("decrease", 10, 11, Fraction(1000, 11)),  # 10 / 11 × 100
        ("decrease", 10, 8, Fraction(125)),
        ("milestone", "2025-03-31", "2025-03-31", Fraction(100)),
        ("milestone", "2025-03-31", "2025-04-01", Fraction(0)),
        ("binary", True, True, Fraction(100)),
        ("binary", True, False, Fraction(0)),
        # No ratio can be formed: met → 100, beaten → 200, missed → 0.
        ("decrease", 5, 0, Fraction(200)),
        ("decrease", 0, 0, Fraction(100)),
        ("decrease", 0, 3, Fraction(0)),  # 0 / 3 × 100
        ("increase", 0, 0, Fraction(100)),
        ("increase", 0, 4, Fraction(200)),
        # Never below 0.
        ("increase", 100, -5, Fraction(0)),
    ],
)
def test_achievement_pct(kind: str, target: object, actual: Any, expected: Fraction) -> None:
    item = contract(("core-mandate", [indicator("X1", kind, target, 100)])).indicators[0]
    assert achievement_pct(item, actual) == expected


@pytest.mark.parametrize(
    ("kind", "target", "actual", "expected"),
    [
        ("increase", 100, 80, Fraction(20)),
        ("increase", 100, 100, None),
        ("increase", 100, 120, None),
        ("decrease", 10, 12.5, Fraction(5, 2)),
        ("decrease", 10, 9, None),
        ("milestone", "2025-03-31", "2025-04-15", Fraction(15)),  # 15 days late
        ("milestone", "2025-03-31", "2025-03-01", None),
        ("binary", True, False, None),
        ("increase", 100, None, None),
    ],
)
def test_gap(kind: str, target: object, actual: Any, expected: Fraction | None) -> None:
    item = contract(("core-mandate", [indicator("X1", kind, target, 100)])).indicators[0]
    assert gap(item, actual) == expected


# -- a whole contract: all four kinds ------------------------------------------------

FOUR_KINDS = contract(
    (
        "core-mandate",
        [
            indicator("CM01", "increase", 1000, 30, unit="cards"),
            indicator("CM02", "decrease", 10, 20, unit="days"),
            indicator("CM03", "milestone", "2025-03-31", 10),
        ],
    ),
    (
        "cross-cutting",
        [
            indicator("CC01", "binary", True, 10),
            indicator("CC02", "increase", 50, 15),
            indicator("CC03", "increase", 20, 15),
        ],
    ),
)
FOUR_KINDS_RESULTS = results(
    {
        "CM01": {
            "actual": 1100,
            "evidence": "NRB annual report",
            "moderation": {"actual": 1050, "by": "Evaluation panel", "reason": "Unverified"},
        },
        "CM02": {"actual": 11},
        "CM03": {"actual": "2025-03-21"},
        "CC01": {"actual": True},
        "CC02": {"status": "not-applicable", "reason": "Funds not released by Treasury"},
        # CC03 is not reported.
    }
)


def test_all_four_kinds_with_rescaling() -> None:
    result = score(FOUR_KINDS, KENYA, FOUR_KINDS_RESULTS)
    items = by_id(result)
    # Raw scores:
    # CM01 (moderated to 1050; points 1200 → 1, 1000 → 3, 600 → 5):
    #      3 - 2 × (1050 - 1000) / 200 = 2.5
    # CM02 (points 8 → 1, 10 → 3, 14 → 5): 3 + 2 × (11 - 10) / 4 = 3.5
    # CM03 (10 days early; excellent 30 days early): 3 - 2 × 10 / 30 = 7/3
    # CC01 achieved: 3
    # CC02 not applicable: left out
    # CC03 not reported: 5
    assert items["CM01"].raw_score == Fraction(5, 2)
    assert items["CM02"].raw_score == Fraction(7, 2)
    assert items["CM03"].raw_score == Fraction(7, 3)
    assert items["CC01"].raw_score == Fraction(3)
    assert items["CC02"].raw_score is None
    assert items["CC03"].raw_score == Fraction(5)
    # The remaining weights total 30 + 20 + 10 + 10 + 15 = 85; each is rescaled by
    # 100 / 85 = 20/17.
    assert items["CM01"].effective_weight == Fraction(600, 17)
    assert items["CM02"].effective_weight == Fraction(400, 17)
    assert items["CM03"].effective_weight == Fraction(200, 17)
    assert items["CC01"].effective_weight == Fraction(200, 17)
    assert items["CC02"].effective_weight == Fraction(0)
    assert items["CC03"].effective_weight == Fraction(300, 17)
    # Weighted = raw × effective weight / 100:
    # CM01 2.5 × 600/17 / 100 = 15/17; CM02 3.5 × 400/17 / 100 = 14/17;
    # CM03 7/3 × 200/17 / 100 = 14/51; CC01 3 × 200/17 / 100 = 6/17;
    # CC03 5 × 300/17 / 100 = 15/17.
    assert items["CM01"].weighted_score == Fraction(15, 17)
    assert items["CM02"].weighted_score == Fraction(14, 17)
    assert items["CM03"].weighted_score == Fraction(14, 51)
    assert items["CC01"].weighted_score == Fraction(6, 17)
    assert items["CC02"].weighted_score is None
    assert items["CC03"].weighted_score == Fraction(15, 17)
    # Composite = 50/17 + 14/51 = 150/51 + 14/51 = 164/51 = 3.21568… → 3.2157: Good.
    # (Check: Σ raw × weight = 75 + 70 + 70/3 + 30 + 75 = 820/3; / 85 = 164/51.)
    assert result.composite == Fraction(164, 51)
    assert result.composite_display == Decimal("3.2157")
    assert result.grade == "Good"
    # Categories: core 15/17 + 14/17 + 14/51 = 101/51, effective 1200/17;
    # cross-cutting 6/17 + 15/17 = 21/17, effective 500/17.
    core, cross = result.categories
    assert (core.id, core.weight, core.effective_weight, core.weighted_score) == (
        "core-mandate",
        Fraction(60),
        Fraction(1200, 17),
        Fraction(101, 51),
    )
    assert (cross.id, cross.weight, cross.effective_weight, cross.weighted_score) == (
        "cross-cutting",
        Fraction(40),
        Fraction(500, 17),
        Fraction(21, 17),
    )
    assert messages(result) == ("CC03 not reported: scored 5.00 (Poor)",)
    assert codes(result) == ("PC504",)
    assert result.warnings[0].path == ("criteria", 1, "indicators", 2)
    assert result.progress == ()


def test_all_four_kinds_figures() -> None:
    items = by_id(score(FOUR_KINDS, KENYA, FOUR_KINDS_RESULTS))
    # Moderation: the moderated 1050 is scored, the reported 1100 is kept.
    assert items["CM01"] == IndicatorScore(
        id="CM01",
        name="Indicator CM01",
        category="core-mandate",
        kind="increase",
        unit="cards",
        weight=Fraction(30),
        effective_weight=Fraction(600, 17),
        target=1000,
        actual=1050,
        reported=1100,
        moderation=Moderation(1050, "Evaluation panel", "Unverified"),
        evidence="NRB annual report",
        reason="",
        status="moderated",
        achievement_pct=Fraction(105),  # 1050 / 1000 × 100
        raw_score=Fraction(5, 2),
        weighted_score=Fraction(15, 17),
        gap=None,  # met
        scored_from="moderation",
    )
    assert items["CM02"].status == "scored"
    assert items["CM02"].scored_from == "reported"
    assert items["CC03"].scored_from == ""  # nothing to score
    assert items["CM02"].achievement_pct == Fraction(1000, 11)  # 10 / 11 × 100
    assert items["CM02"].gap == Fraction(1)  # 11 days against 10
    assert items["CM03"].achievement_pct == Fraction(100)  # on time
    assert items["CM03"].gap is None
    assert items["CC02"].status == "not-applicable"
    assert items["CC02"].reason == "Funds not released by Treasury"
    assert items["CC02"].actual is None
    assert items["CC02"].achievement_pct is None
    assert items["CC03"].status == "not-reported"
    assert items["CC03"].actual is None
    assert items["CC03"].achievement_pct is None


def test_exclude_without_rescale_keeps_the_weights() -> None:
    keep = guidelines(KENYA_RAW, not_applicable="exclude-without-rescale")
    result = score(FOUR_KINDS, keep, FOUR_KINDS_RESULTS)
    # Same raw scores, weights as written, and CC02 (not applicable, weight 15)
    # scores the target score 3, as if met exactly: weighted 3 × 15 / 100 = 9/20.
    # Σ raw × weight / 100 = (820/3 + 45) / 100 = (955/3) / 100 = 191/60
    # = 3.18333…: Good.
    items = by_id(result)
    assert items["CM01"].effective_weight == Fraction(30)
    assert items["CC02"].effective_weight == Fraction(15)
    assert items["CC02"].status == "not-applicable"
    assert items["CC02"].raw_score == Fraction(3)
    assert items["CC02"].weighted_score == Fraction(9, 20)
    assert result.composite == Fraction(191, 60)
    assert result.composite_display == Decimal("3.1833")
    assert result.grade == "Good"


def test_exclude_without_rescale_one_poor_rest_not_applicable_stays_poor_side() -> None:
    # One Poor indicator (weight 10) and everything else not applicable: the old
    # reading (weights kept, N/A left out) gave 5 × 10 / 100 = 0.5, below the best
    # score 1. Now the N/A weight 90 scores 3: (5 × 10 + 3 × 90) / 100 = 320/100
    # = 3.2: Good, between best 1 and worst 5.
    keep = guidelines(KENYA_RAW, not_applicable="exclude-without-rescale")
    two = contract(
        (
            "core-mandate",
            [indicator("A", "increase", 100, 10), indicator("B", "increase", 100, 90)],
        )
    )
    result = score(
        two, keep, results({"A": {"actual": 0}, "B": {"status": "not-applicable", "reason": "x"}})
    )
    assert by_id(result)["A"].raw_score == Fraction(5)
    assert result.composite == Fraction(16, 5)
    assert result.grade == "Good"


def test_no_results_at_all_scores_worst() -> None:
    result = score(FOUR_KINDS, KENYA, None)
    # Every indicator scores 5: Σ 5 × weight / 100 = 5 × 100 / 100 = 5.
    assert result.period is None
    assert result.composite == Fraction(5)
    assert result.composite_display == Decimal("5.0000")
    assert result.grade == "Poor"
    assert messages(result) == ("no results submitted",)
    assert codes(result) == ("PC501",)
    assert {item.status for item in result.indicators} == {"not-reported"}


def test_results_for_another_contract_are_refused() -> None:
    with pytest.raises(PcontractError) as caught:
        score(SINGLE, KENYA, results({"CM01": {"actual": 100}}, id="other-2024-25"))
    assert str(caught.value) == ("the results are for contract 'other-2024-25', not 'test-2024-25'")


def test_unknown_result_ids_are_ignored_with_a_warning() -> None:
    result = score(SINGLE, KENYA, results({"CM01": {"actual": 100}, "ZZ9": {"actual": 1}}))
    assert result.composite == Fraction(3)
    assert messages(result) == ("ZZ9 is in the results but not in the contract: ignored",)
    assert codes(result) == ("PC502",)
    assert result.warnings[0].path == ("achievements", "ZZ9")
    assert result.warnings[0].at_key


@pytest.mark.parametrize("option", ["rescale", "exclude-without-rescale"])
@pytest.mark.parametrize("base", [KENYA_RAW, SPAS_RAW])
def test_nothing_applicable_is_not_scored(base: dict[str, Any], option: str) -> None:
    chosen = guidelines(base, not_applicable=option)
    result = score(
        FOUR_KINDS,
        chosen,
        results({i.id: {"status": "not-applicable", "reason": "x"} for i in FOUR_KINDS.indicators}),
    )
    assert result.not_scored == "not scored: every indicator not applicable"
    assert result.composite is None
    assert result.composite_display is None
    assert result.grade is None
    assert result.period == "annual"
    assert {item.status for item in result.indicators} == {"not-applicable"}
    assert all(item.weighted_score is None for item in result.indicators)
    assert messages(result) == ()


def test_a_scored_contract_has_no_not_scored_reason() -> None:
    assert score(FOUR_KINDS, KENYA, FOUR_KINDS_RESULTS).not_scored is None
    assert score(FOUR_KINDS, KENYA, None).not_scored is None


# -- percentage method (SPAS) --------------------------------------------------------

SPAS_CONTRACT = contract(
    (
        "duties",
        [
            indicator("I1", "increase", 200, 40),
            indicator("I2", "decrease", 5, 30),
            indicator("I3", "milestone", "2025-03-31", 20),
            indicator("I4", "binary", True, 10),
        ],
    )
)


def test_percentage_method() -> None:
    capped = guidelines(SPAS_RAW, percentage_cap=120)
    result = score(
        SPAS_CONTRACT,
        capped,
        results(
            {
                "I1": {"actual": 250},
                "I2": {"actual": 8},
                "I3": {"actual": "2025-03-31"},
                "I4": {"actual": False},
            }
        ),
    )
    items = by_id(result)
    # I1 250 / 200 = 125%, capped at 120; I2 5 / 8 = 62.5%; I3 on time 100%;
    # I4 not done 0%.
    assert items["I1"].achievement_pct == Fraction(125)
    assert items["I1"].raw_score == Fraction(120)
    assert items["I2"].raw_score == Fraction(125, 2)
    assert items["I3"].raw_score == Fraction(100)
    assert items["I4"].raw_score == Fraction(0)
    # Weighted mean: (120 × 40 + 62.5 × 30 + 100 × 20 + 0 × 10) / 100
    # = (4800 + 1875 + 2000) / 100 = 86.75: Good (80–99%).
    assert items["I1"].weighted_score == Fraction(48)
    assert items["I2"].weighted_score == Fraction(75, 4)
    assert result.composite == Fraction(8675, 100)
    assert result.composite_display == Decimal("86.7500")
    assert result.grade == "Good"
    assert result.lower_is_better is False


@pytest.mark.parametrize(
    ("actual", "grade"),
    [
        (101, "Excellent"),  # 101% > 100%
        (100, "Very Good"),  # exactly 100%
        # 100.00004% is published as 100.0000: Very Good.
        (100.00004, "Very Good"),
        # 100.00005% rounds half up to 100.0001: Excellent.
        (100.00005, "Excellent"),
        (99, "Good"),
    ],
)
def test_percentage_boundary_above_100(actual: float, grade: str) -> None:
    one = contract(("duties", [indicator("I1", "increase", 100, 100)]))
    result = score(one, SPAS, results({"I1": {"actual": actual}}))
    assert result.grade == grade


def test_percentage_exclude_without_rescale_scores_na_as_met() -> None:
    keep = guidelines(SPAS_RAW, not_applicable="exclude-without-rescale")
    three = contract(
        (
            "duties",
            [
                indicator("A", "increase", 100, 50),
                indicator("B", "increase", 100, 30),
                indicator("C", "increase", 100, 20),
            ],
        )
    )
    result = score(
        three,
        keep,
        results({"A": {"actual": 90}, "B": {"status": "not-applicable", "reason": "x"}}),
    )
    # A 90%, B not applicable keeps its weight 30 and scores 100% (target met),
    # C not reported 0%: (90 × 50 + 100 × 30 + 0 × 20) / 100 = 7500/100 = 75: Fair.
    assert by_id(result)["A"].weighted_score == Fraction(45)
    assert by_id(result)["B"].raw_score == Fraction(100)
    assert by_id(result)["B"].weighted_score == Fraction(30)
    assert by_id(result)["C"].raw_score == Fraction(0)
    assert result.composite == Fraction(75)
    assert result.composite_display == Decimal("75.0000")
    assert result.grade == "Fair"
    assert messages(result) == ("C not reported: scored 0%",)
    assert codes(result) == ("PC504",)


def test_percentage_exclude_without_rescale_na_scores_the_cap_when_below_100() -> None:
    keep = guidelines(SPAS_RAW, not_applicable="exclude-without-rescale", percentage_cap=90)
    two = contract(
        ("duties", [indicator("A", "increase", 100, 50), indicator("B", "increase", 100, 50)])
    )
    result = score(
        two, keep, results({"A": {"actual": 80}, "B": {"status": "not-applicable", "reason": "x"}})
    )
    # B scores 100% capped at 90: (80 × 50 + 90 × 50) / 100 = 85.
    assert by_id(result)["B"].raw_score == Fraction(90)
    assert result.composite == Fraction(85)


# -- quarterly progress --------------------------------------------------------------

QUARTERLY = contract(
    (
        "core-mandate",
        [
            indicator("CM01", "increase", 1000, 40, quarterly_targets=[200, 500, 750, 1000]),
            indicator("CM02", "increase", 400, 30, measure="cumulative"),
            indicator("CM03", "decrease", 10, 5, measure="level"),
            indicator("CM04", "increase", 300, 5),
        ],
    ),
    (
        "cross-cutting",
        [
            indicator("CC01", "binary", True, 5),
            indicator("CC02", "milestone", "2025-03-31", 10),
            indicator("CC03", "increase", 50, 5, aggregation="sum"),
        ],
    ),
)


def test_quarterly_progress() -> None:
    result = score(
        QUARTERLY,
        KENYA,
        results(
            {
                "CM01": {"actual": 500},
                "CM02": {"actual": 170},
                "CM03": {"actual": 14},
                "CM04": {"actual": 100},
                "CC02": {"actual": "2024-12-20"},
                "CC03": {"status": "not-applicable", "reason": "x"},
            },
            period="Q2",
        ),
    )
    assert result.period == "Q2"
    assert result.composite is None
    assert result.composite_display is None
    assert result.grade is None
    # CC01, the one indicator left out, is not yet due (see below): no PC505.
    assert codes(result) == ()
    progress = {p.id: p for p in result.progress}
    # CM01: the Q2 target is given, 500; 500 / 500 = 100%. Projected at the plan's
    # pace: 500 × 1000 / 500 = 1000 = the target: 3, no worse than 3: on track.
    assert progress["CM01"] == QuarterProgress(
        "CM01", 2, Fraction(500), 500, Fraction(100), "on-track", Fraction(3),
        None, "quarterly_targets",
    )  # fmt: skip
    # CM02 (cumulative): pro rata 400 × 2 / 4 = 200; 170 / 200 = 85%. Projected
    # 170 × 4 / 2 = 340, between the target (400, 3) and poor (0.6 × 400 = 240, 5):
    # 3 + 2 × (400 - 340) / 160 = 3.75; 0.75 worse than 3, within 1.00: at risk.
    assert progress["CM02"] == QuarterProgress(
        "CM02", 2, Fraction(200), 170, Fraction(85), "at-risk", Fraction(15, 4),
        "cumulative", "pro-rata",
    )  # fmt: skip
    # CM03 (level): the annual target 10 applies; 10 / 14 = 71.43%. Projected: the
    # current 14 = poor (1.4 × 10): 5, 2.00 worse than 3: off track.
    assert progress["CM03"] == QuarterProgress(
        "CM03", 2, Fraction(10), 14, Fraction(500, 7), "off-track", Fraction(5),
        "level", "annual-level",
    )  # fmt: skip
    # CM04: no measure, no aggregation, no quarterly_targets: no guess.
    assert progress["CM04"] == QuarterProgress(
        "CM04", 2, None, 100, None, "no-quarterly-target", None, None, "none"
    )
    # CC01 (binary, no due date): due at the period's end, 2025-06-30, after Q2
    # ends (2024-12-31), and not done: not yet due.
    assert progress["CC01"] == QuarterProgress("CC01", 2, None, None, None, "not-due", None)
    # CC02: done 101 days before 2025-03-31 (11 + 31 + 28 + 31), beyond excellent
    # (30 days early): projected 1, on track.
    assert progress["CC02"] == QuarterProgress(
        "CC02", 2, None, "2024-12-20", None, "on-track", Fraction(1)
    )
    # CC03: aggregation sum makes it cumulative: 50 × 2 / 4 = 25.
    assert progress["CC03"] == QuarterProgress(
        "CC03", 2, Fraction(25), None, None, "not-applicable", None, "cumulative", "pro-rata"
    )
    # Indicators still carry their figures against the annual target: CM01 at 500
    # is past poor (600): 5.
    assert by_id(result)["CM01"].raw_score == Fraction(5)


# Q2 of a period from 2024-07-01 ends on 2024-12-31; Q4 on 2025-06-30, the
# period's end.
UNREPORTED = contract(
    (
        "core-mandate",
        [
            indicator("CM01", "increase", 400, 40, measure="cumulative"),
            indicator("CC01", "binary", True, 15, due="2024-09-30"),
            indicator("CC02", "binary", True, 15),
            indicator("CC03", "milestone", "2025-03-31", 15),
            indicator("CC04", "milestone", "2024-11-30", 15),
        ],
    ),
)


def test_pc505_is_not_raised_for_what_is_not_yet_due() -> None:
    result = score(UNREPORTED, KENYA, results({}, period="Q2"))
    statuses = {p.id: p.status for p in result.progress}
    # CC01 was due 2024-09-30 and CC04's target date is 2024-11-30, both before Q2
    # ends: not reported. CC02 (no due date: the period's end, 2025-06-30) and CC03
    # (target date 2025-03-31) are due after it: not yet due, and not warned of.
    assert statuses == {
        "CM01": "not-reported",
        "CC01": "not-reported",
        "CC02": "not-due",
        "CC03": "not-due",
        "CC04": "not-reported",
    }
    assert messages(result) == (
        "CM01 not reported in Q2",
        "CC01 not reported in Q2",
        "CC04 not reported in Q2",
    )
    assert set(codes(result)) == {"PC505"}


def test_pc505_is_raised_once_the_due_date_has_come() -> None:
    # Q4 ends on the period's end, CC02's due date: due, so no longer not-due.
    result = score(UNREPORTED, KENYA, results({}, period="Q4"))
    assert all(p.status == "not-reported" for p in result.progress)
    assert messages(result) == tuple(
        f"{id} not reported in Q4" for id in ("CM01", "CC01", "CC02", "CC03", "CC04")
    )


def test_quarter_target() -> None:
    cm01, cm02, cm03, cm04, cc01, cc02, cc03 = QUARTERLY.indicators
    assert quarter_target(cm01, 3) == Fraction(750)  # given
    assert quarter_target(cm02, 1) == Fraction(100)  # cumulative: 400 × 1 / 4
    assert quarter_target(cm02, 3) == Fraction(300)  # 400 × 3 / 4
    assert quarter_target(cm03, 1) == Fraction(10)  # level: the annual target
    assert quarter_target(cm04, 2) is None  # measure unknown
    assert quarter_target(cc01, 2) is None
    assert quarter_target(cc02, 2) is None
    assert quarter_target(cc03, 2) == Fraction(25)  # aggregation sum: 50 × 2 / 4


@pytest.mark.parametrize(
    ("measure", "aggregation", "expected"),
    [
        ("level", "sum", "level"),  # a written measure wins
        (None, "sum", "cumulative"),
        (None, "mean", "level"),
        (None, "min", "level"),
        (None, "max", "level"),
        (None, "none", None),
        (None, None, None),
    ],
)
def test_measure_follows_aggregation_when_absent(
    measure: str | None, aggregation: str | None, expected: str | None
) -> None:
    extra = {k: v for k, v in (("measure", measure), ("aggregation", aggregation)) if v}
    one = contract(("core-mandate", [indicator("CM01", "increase", 400, 100, **extra)]))
    assert one.indicators[0].accumulates == expected


def test_milestone_and_binary_have_no_measure() -> None:
    one = contract(("core-mandate", [indicator("CM01", "binary", True, 100, aggregation="sum")]))
    assert one.indicators[0].accumulates is None


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (120, "on-track"),  # 480 = excellent (1.2 × 400): 1
        (100, "on-track"),  # 400 = the target: 3.00, gap 0
        (99.99, "at-risk"),  # 399.96: 3 + 2 × 0.04 / 160 = 3.0005, worse than 3
        (80, "at-risk"),  # 320: 3 + 2 × 80 / 160 = 4.00, gap 1.00 = at_risk
        (79.9, "off-track"),  # 319.6: 3 + 2 × 80.4 / 160 = 4.005
        (0, "off-track"),  # 0, past poor (240): 5
    ],
)
def test_quarterly_status_follows_the_projected_score(actual: float, status: str) -> None:
    # Q1, cumulative: projected actual × 4 / 1; the default at_risk is half-way
    # from 3 to 5: 1.00.
    one = contract(
        ("core-mandate", [indicator("CM01", "increase", 400, 100, measure="cumulative")])
    )
    result = score(one, KENYA, results({"CM01": {"actual": actual}}, period="Q1"))
    assert result.progress[0].status == status


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (110, "on-track"),  # 440: 3 - 2 × 40 / 80 = 2, gap -1.00 <= -0.5
        (100, "at-risk"),  # 400: 3.00, gap 0, not 0.5 better; within 0.2
        (95, "off-track"),  # 380: 3 + 2 × 20 / 160 = 3.25, gap 0.25 > 0.2
        (90, "off-track"),  # 360: 3 + 2 × 40 / 160 = 3.5, gap 0.5 > 0.2
    ],
)
def test_quarterly_thresholds_come_from_the_guidelines(actual: float, status: str) -> None:
    strict = guidelines(KENYA_RAW, progress={"on_track": -0.5, "at_risk": 0.2})
    one = contract(
        ("core-mandate", [indicator("CM01", "increase", 400, 100, measure="cumulative")])
    )
    result = score(one, strict, results({"CM01": {"actual": actual}}, period="Q1"))
    assert result.progress[0].status == status


def test_percentage_progress_counts_points_short_of_100() -> None:
    # SPAS: the target score is 100; the default at_risk is 20 points. Q2, level:
    # 85 / 90 = 94.44%, 5.56 points short: at risk; 70 / 90 = 77.78%: off track.
    one = contract(("duties", [indicator("I1", "increase", 90, 100, measure="level")]))
    at_risk = score(one, SPAS, results({"I1": {"actual": 85}}, period="Q2"))
    assert at_risk.progress[0].status == "at-risk"
    off = score(one, SPAS, results({"I1": {"actual": 70}}, period="Q2"))
    assert off.progress[0].status == "off-track"


def test_on_track_never_beside_a_projection_worse_than_target() -> None:
    # An on_track above 0 is refused by the schema; scoring caps it at 0 anyway.
    lax = guidelines(KENYA_RAW, progress={"on_track": 0.5})
    one = contract(
        ("core-mandate", [indicator("CM01", "increase", 400, 100, measure="cumulative")])
    )
    result = score(one, lax, results({"CM01": {"actual": 90}}, period="Q1"))
    # 360: 3 + 2 × 40 / 160 = 3.5, worse than 3: at risk, not on track.
    assert result.progress[0].projected_raw_score == Fraction(7, 2)
    assert result.progress[0].status == "at-risk"


def test_quarter_end() -> None:
    assert quarter_end("2024-07-01", 1) == dt.date(2024, 9, 30)
    assert quarter_end("2024-07-01", 2) == dt.date(2024, 12, 31)
    assert quarter_end("2024-07-01", 4) == dt.date(2025, 6, 30)
    assert quarter_end("not a date", 1) is None


# -- properties ----------------------------------------------------------------------

positive = st.integers(min_value=1, max_value=10**6)
figures = st.one_of(
    st.integers(min_value=-(10**6), max_value=3 * 10**6),
    st.floats(min_value=-1e6, max_value=3e6, allow_nan=False, allow_infinity=False),
)


@st.composite
def numeric_indicators(draw: st.DrawFn, kind: str | None = None) -> Contract:
    """One increase or decrease indicator, with or without explicit criteria values."""
    chosen = kind or draw(st.sampled_from(["increase", "decrease"]))
    target = draw(positive)
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        better, worse = draw(positive), draw(positive)
        sign = 1 if chosen == "increase" else -1
        extra["criteria_values"] = {
            "excellent": target + sign * better,
            "poor": target - sign * worse,
        }
    return contract(("core-mandate", [indicator("CM01", chosen, target, 100, **extra)]))


@given(numeric_indicators(), figures)
def test_raw_score_stays_on_the_scale(one: Contract, actual: float) -> None:
    raw = raw_score(one.indicators[0], KENYA, actual)
    assert 1 <= raw <= 5


@given(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    st.dates(min_value=dt.date(2024, 7, 1), max_value=dt.date(2025, 6, 30)),
)
def test_milestone_raw_score_stays_on_the_scale(actual: dt.date, target: dt.date) -> None:
    one = contract(("core-mandate", [indicator("CM01", "milestone", target.isoformat(), 100)]))
    raw = raw_score(one.indicators[0], KENYA, actual.isoformat())
    assert 1 <= raw <= 5


@given(numeric_indicators(kind="increase"), figures, figures)
def test_raw_score_is_monotonic_for_increase(one: Contract, a: float, b: float) -> None:
    low, high = sorted((a, b))
    item = one.indicators[0]
    # More is better, and lower raw scores are better.
    assert raw_score(item, KENYA, high) <= raw_score(item, KENYA, low)


@given(numeric_indicators(kind="decrease"), figures, figures)
def test_raw_score_is_monotonic_for_decrease(one: Contract, a: float, b: float) -> None:
    low, high = sorted((a, b))
    item = one.indicators[0]
    assert raw_score(item, KENYA, low) <= raw_score(item, KENYA, high)


@given(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
)
def test_raw_score_is_monotonic_for_milestones(a: dt.date, b: dt.date) -> None:
    early, late = sorted((a, b))
    item = contract(
        ("core-mandate", [indicator("CM01", "milestone", "2025-03-31", 100)])
    ).indicators[0]
    assert raw_score(item, KENYA, early.isoformat()) <= raw_score(item, KENYA, late.isoformat())


@st.composite
def scored_contracts(draw: st.DrawFn) -> tuple[Contract, Results]:
    """A contract with weights adding up to 100, and results mixing every case."""
    cuts = draw(st.lists(st.integers(1, 99), unique=True, max_size=6).map(sorted))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    items = []
    achievements: dict[str, dict[str, Any]] = {}
    for number, weight in enumerate(weights):
        key = f"K{number}"
        kind = draw(st.sampled_from(["increase", "decrease", "milestone", "binary"]))
        target: object = {
            "increase": draw(positive),
            "decrease": draw(positive),
            "milestone": "2025-03-31",
            "binary": True,
        }[kind]
        items.append(indicator(key, kind, target, weight))
        outcome = draw(st.sampled_from(["actual", "actual", "not-applicable", "missing"]))
        if outcome == "not-applicable":
            achievements[key] = {"status": "not-applicable", "reason": "exogenous"}
        elif outcome == "actual":
            actual: object
            if kind == "milestone":
                day = draw(st.dates(dt.date(2024, 7, 1), dt.date(2025, 6, 30)))
                actual = day.isoformat()
            elif kind == "binary":
                actual = draw(st.booleans())
            else:
                actual = draw(st.integers(0, 3 * 10**6))
            achievements[key] = {"actual": actual}
    half = len(items) // 2 or 1
    built = contract(("first", items[:half]), *([("second", items[half:])] if items[half:] else []))
    return built, results(achievements)


@given(scored_contracts(), st.sampled_from([KENYA_RAW, SPAS_RAW]), st.booleans())
def test_composite_is_the_sum_of_weighted_scores(
    case: tuple[Contract, Results], base: dict[str, Any], rescale: bool
) -> None:
    built, reported = case
    excluded = {key for key, item in reported.achievements.items() if item.not_applicable}
    assume(any(item.id not in excluded for item in built.indicators))
    chosen = guidelines(base, not_applicable="rescale" if rescale else "exclude-without-rescale")
    result = score(built, chosen, reported)
    weighted = [item.weighted_score or Fraction(0) for item in result.indicators]
    assert result.composite == sum(weighted, Fraction(0))
    assert result.composite == sum((c.weighted_score for c in result.categories), Fraction(0))
    if rescale:
        total = sum((item.effective_weight for item in result.indicators), Fraction(0))
        assert total == 100


@st.composite
def any_guidelines(draw: st.DrawFn) -> Guidelines:
    """Five-point guidelines on any scale (ascending or descending, binary scores on
    the scale, as PC230 requires) or percentage guidelines with or without a cap,
    under either not_applicable option."""
    option = draw(st.sampled_from(["rescale", "exclude-without-rescale"]))
    if draw(st.booleans()):
        cap = draw(st.none() | st.integers(50, 200))
        return guidelines(SPAS_RAW, not_applicable=option, percentage_cap=cap)
    low = draw(st.integers(-5, 5))
    high = low + draw(st.integers(2, 10))
    target = draw(st.integers(low + 1, high - 1))
    best, worst = (low, high) if draw(st.booleans()) else (high, low)
    achieved, not_achieved = sorted(draw(st.lists(st.integers(low, high), min_size=2, max_size=2)))
    if best > worst:
        achieved, not_achieved = not_achieved, achieved
    return guidelines(
        KENYA_RAW,
        not_applicable=option,
        scale={"best": best, "target": target, "worst": worst},
        default_criteria_values={
            **KENYA_RAW["default_criteria_values"],
            "binary": {"achieved": achieved, "not_achieved": not_achieved},
        },
    )


@given(scored_contracts(), any_guidelines())
def test_the_composite_lies_on_the_scale(
    case: tuple[Contract, Results], chosen: Guidelines
) -> None:
    built, reported = case
    result = score(built, chosen, reported)
    in_play = [i for i in result.indicators if i.effective_weight]
    if not in_play:
        # Every indicator not applicable: reported as not scored, never a number.
        assert result.not_scored is not None and result.composite is None
        assert result.grade is None
        return
    assert result.composite is not None and result.not_scored is None
    # A weighted mean: never beyond the scores that went into it ...
    raws = [i.raw_score for i in in_play]
    assert all(raw is not None for raw in raws)
    assert min(r for r in raws if r is not None) <= result.composite
    assert result.composite <= max(r for r in raws if r is not None)
    assert sum((i.effective_weight for i in result.indicators), Fraction(0)) == 100
    # ... so never beyond the scale.
    if chosen.method == "five-point":
        low, high = sorted((chosen.best, chosen.worst))
        assert Fraction(low) <= result.composite <= Fraction(high)
        assert result.composite_display is not None
        assert low <= result.composite_display <= high
    else:
        assert result.composite >= 0
        if chosen.percentage_cap is not None:
            assert result.composite <= Fraction(chosen.percentage_cap)


def test_a_not_reported_warning_rounds_the_worst_score_as_every_figure_is_rounded() -> None:
    # The worst score 5.125 shows as 5.13, halves away from zero as every other
    # figure; format(worst, ".2f") rounded the half to even (5.12).
    rules = guidelines(
        KENYA_RAW,
        scale={"best": 1.0, "target": 3.0, "worst": 5.125},
        grades=[*KENYA_RAW["grades"][:4], {"grade": "Poor", "max": 5.125}],
    )
    result = score(contract(("core", [indicator("A", "increase", 100, 100)])), rules, results({}))
    assert result.composite == Fraction(41, 8)
    assert messages(result) == ("A not reported: scored 5.13 (Poor)",)
    assert codes(result) == ("PC504",)


def test_the_good_direction_is_one_helper_on_the_indicator() -> None:
    """Indicator.better is scoring's direction: more for increase, less for
    decrease, earlier for milestones. The model's old higher_is_better said a later
    milestone was better; scoring's (and now the model's) says earlier is."""
    made = contract(
        (
            "core",
            [
                indicator("UP", "increase", 10, 40),
                indicator("DOWN", "decrease", 10, 30),
                indicator("DAY", "milestone", "2025-03-31", 30),
            ],
        )
    )
    up, down, day = made.indicators
    assert (up.higher_is_better, down.higher_is_better, day.higher_is_better) == (
        True,
        False,
        False,
    )
    assert up.better(Fraction(11), Fraction(10)) and not up.better(Fraction(10), Fraction(10))
    assert down.better(Decimal(9), Decimal(10)) and not down.better(Decimal(11), Decimal(10))
    assert day.better(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert not day.better(dt.date(2025, 4, 1).toordinal(), dt.date(2025, 3, 31).toordinal())
