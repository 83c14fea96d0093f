"""Zero targets: a count that should fall to none (target 0) scores against absolute
criteria values, its own or the guidelines' zero_target_criteria_values, never
against multiples of 0; validate reports one that has neither (PC324).

The Kenyan guidelines of tests/scoring_test.py: scale 1 / 3 / 5, so fair scores 4
and poor 5; decrease defaults {excellent 0.8, poor 1.4} × target.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from pcontract.model import Guidelines, Indicator
from pcontract.scoring.method import (
    achievement_pct,
    criteria_points,
    gap,
    quarter_target,
    raw_score,
    score,
)
from tests.conftest import TESTS, run
from tests.scoring_test import (
    KENYA,
    KENYA_RAW,
    SPAS,
    codes,
    contract,
    guidelines,
    indicator,
    messages,
    results,
)

# Zero-target defaults: one case scores Fair (4), three Poor (5).
ZERO_KENYA = guidelines(
    KENYA_RAW,
    zero_target_criteria_values={"decrease": {"fair": 1, "poor": 3}, "increase": {"excellent": 4}},
)


def _one(kind: str = "decrease", **extra: object) -> Indicator:
    return contract(("core-mandate", [indicator("CM01", kind, 0, 100, **extra)])).indicators[0]


def test_guidelines_read_zero_target_values_and_keep_only_the_reachable_points() -> None:
    read = guidelines(
        KENYA_RAW,
        zero_target_criteria_values={
            "decrease": {"poor": 3, "x-note": "from the 2024 circular"},
            "increase": {"excellent": 4.5},
            "x-source": "circular",
        },
    )
    assert {
        k: {n: str(v) for n, v in p.items()} for k, p in read.zero_target_criteria_values.items()
    } == {
        "decrease": {"poor": "3"},
        "increase": {"excellent": "4.5"},
    }
    assert KENYA.zero_target_criteria_values == {}


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (0, Fraction(3)),  # meets the target: the target score
        (1, Fraction(11, 3)),  # 3 + (5 - 3) × (1 - 0) / (3 - 0) = 3 + 2/3 = 3.6667
        (3, Fraction(5)),  # on the poor point
        (7, Fraction(5)),  # beyond poor: floored at the worst
    ],
)
def test_explicit_poor_on_a_zero_target(actual: int, expected: Fraction) -> None:
    item = _one(criteria_values={"poor": 3})
    # The ratio defaults (0.8 × 0, 1.4 × 0) are not used: target and poor only.
    assert criteria_points(item, KENYA) == [(Fraction(0), Fraction(3)), (Fraction(3), Fraction(5))]
    assert raw_score(item, KENYA, actual) == expected


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (0, Fraction(3)),
        (1, Fraction(4)),  # on fair
        (2, Fraction(9, 2)),  # 4 + (5 - 4) × (2 - 1) / (3 - 1) = 4.5
        (3, Fraction(5)),
    ],
)
def test_the_guidelines_zero_target_values_fill_in(actual: int, expected: Fraction) -> None:
    item = _one()
    assert criteria_points(item, ZERO_KENYA) == [
        (Fraction(0), Fraction(3)),
        (Fraction(1), Fraction(4)),
        (Fraction(3), Fraction(5)),
    ]
    assert raw_score(item, ZERO_KENYA, actual) == expected


def test_explicit_criteria_values_win_over_the_zero_target_values() -> None:
    # poor 6 is the contract's; fair 1 still comes from the guidelines.
    # actual 2: 4 + (5 - 4) × (2 - 1) / (6 - 1) = 4.2
    item = _one(criteria_values={"poor": 6})
    assert criteria_points(item, ZERO_KENYA)[-1] == (Fraction(6), Fraction(5))
    assert raw_score(item, ZERO_KENYA, 2) == Fraction(21, 5)


def test_a_zero_target_met_scores_the_target_with_100_percent_and_no_gap() -> None:
    zero = contract(
        ("core-mandate", [indicator("CM01", "decrease", 0, 100, criteria_values={"poor": 3})])
    )
    result = score(zero, KENYA, results({"CM01": {"actual": 0}}))
    item = result.indicators[0]
    assert (item.raw_score, item.achievement_pct, item.gap) == (Fraction(3), Fraction(100), None)
    assert result.composite == Fraction(3)
    assert result.warnings == ()  # a worse-than-target point: nothing collapsed


def test_a_zero_target_missed_has_its_gap_and_no_division() -> None:
    item = _one(criteria_values={"poor": 3})
    assert achievement_pct(item, 2) == Fraction(0)  # 0 / 2 × 100
    assert gap(item, 2) == Fraction(2)  # 2 cases over 0


def test_quarterly_progress_of_a_zero_target_divides_by_no_target() -> None:
    # Cumulative: the quarter's target is 0 × 2 / 4 = 0; 1 case by Q2 heads for
    # 1 × 4 / 2 = 2 by the year end: 3 + 2 × 2 / 3 = 4.3333 with poor 3.
    cumulative = contract(
        (
            "core-mandate",
            [
                indicator(
                    "CM01", "decrease", 0, 50, criteria_values={"poor": 3}, measure="cumulative"
                ),
                indicator(
                    "CM02",
                    "decrease",
                    0,
                    50,
                    criteria_values={"poor": 3},
                    quarterly_targets=[0, 0, 0, 0],
                ),
            ],
        )
    )
    assert quarter_target(cumulative.indicators[0], 2) == Fraction(0)
    result = score(cumulative, KENYA, results({"CM01": {"actual": 1}, "CM02": {"actual": 1}}, "Q2"))
    progress = {p.id: p for p in result.progress}
    assert progress["CM01"].projected_raw_score == Fraction(13, 3)
    assert progress["CM01"].pct_of_quarter_target == Fraction(0)  # 0 / 1 × 100
    # Against quarterly_targets of 0: annual + x - planned = 0 + 1 - 0 = 1, so
    # 3 + 2 × 1 / 3 = 3.6667.
    assert progress["CM02"].projected_raw_score == Fraction(11, 3)


def test_a_zero_target_under_the_percentage_method_needs_no_criteria_values() -> None:
    zero = contract(("core-mandate", [indicator("CM01", "decrease", 0, 100)]))
    met = score(zero, SPAS, results({"CM01": {"actual": 0}}))
    assert (met.indicators[0].raw_score, met.warnings) == (Fraction(100), ())
    missed = score(zero, SPAS, results({"CM01": {"actual": 4}}))
    assert missed.indicators[0].raw_score == Fraction(0)  # 0 / 4 × 100


def test_an_increase_zero_target_takes_the_better_zero_target_values() -> None:
    # excellent 4: actual 2 scores 3 - 2 × 2 / 4 = 2; nothing is below 0, so no
    # point worse than the target is needed or warned about.
    item = _one("increase")
    assert criteria_points(item, ZERO_KENYA) == [
        (Fraction(4), Fraction(1)),
        (Fraction(0), Fraction(3)),
    ]
    assert raw_score(item, ZERO_KENYA, 2) == Fraction(2)
    assert raw_score(item, ZERO_KENYA, 0) == Fraction(3)
    zero = contract(("core-mandate", [indicator("CM01", "increase", 0, 100)]))
    assert score(zero, ZERO_KENYA, results({"CM01": {"actual": 2}})).warnings == ()


def test_an_increase_zero_target_without_values_is_warned_of_on_its_better_side() -> None:
    zero = contract(("core-mandate", [indicator("CM01", "increase", 0, 100)]))
    result = score(zero, KENYA, results({"CM01": {"actual": 2}}))
    assert result.indicators[0].raw_score == Fraction(1)  # beaten: the best
    assert codes(result) == ("PC503",)
    assert messages(result) == (
        "CM01: an increase indicator with target 0 has no criteria value better than 0 "
        "(excellent or very_good) in its criteria_values or the guidelines' "
        "zero_target_criteria_values.increase, and the default criteria values, multiples "
        "of the target, all collapse onto 0, so beating it scores 1",
    )


def test_the_scoring_warning_and_validate_agree_on_a_covered_zero_target() -> None:
    # With the guidelines' zero-target values, scoring warns of nothing.
    zero = contract(("core-mandate", [indicator("CM01", "decrease", 0, 100)]))
    assert score(zero, ZERO_KENYA, results({"CM01": {"actual": 1}})).warnings == ()
    assert ZERO_KENYA.scores_zero_target_miss
    assert not KENYA.scores_zero_target_miss
    assert SPAS.scores_zero_target_miss


# -- through the installed command line ----------------------------------------------

CASES = TESTS / "cases"


def _problems(path: Path) -> list[dict[str, object]]:
    code, out = run("validate", "--no-cache", "--format", "json", str(path))
    problems: list[dict[str, object]] = json.loads(out)["problems"]
    assert code == (1 if any(p["severity"] == "error" for p in problems) else 0)
    return problems


def test_validate_reports_a_zero_target_without_criteria_values_at_its_target() -> None:
    problems = _problems(CASES / "invalid" / "pc324-zero-target-without-criteria")
    assert [(p["code"], p["line"], p["column"], p["path"]) for p in problems] == [
        ("PC324", 24, 17, "$.criteria[0].indicators[0].target"),
        ("PC324", 32, 17, "$.criteria[0].indicators[1].target"),
    ]
    assert problems[0]["message"] == (
        "CM01: a decrease indicator with target 0 has no criteria value worse than 0 "
        "(fair or poor) in its criteria_values or the guidelines' "
        "zero_target_criteria_values.decrease, and the default criteria values, multiples "
        "of the target, all collapse onto 0, so any count above 0 would score the worst"
    )
    assert problems[0]["hint"] == (
        "give criteria_values: {poor: 3} (the count that scores Poor), or set the "
        "guidelines' zero_target_criteria_values.decrease"
    )


def test_validate_reports_a_zero_target_of_a_contract_without_guidelines() -> None:
    problems = _problems(CASES / "invalid" / "pc324-zero-target-no-guidelines")
    assert {p["code"] for p in problems} == {"PC324"}
    assert "(the contract names no guidelines)" in str(problems[0]["message"])


def test_a_percentage_guidelines_file_needs_no_zero_target_values(in_tmp: Path) -> None:
    case = CASES / "invalid" / "pc324-zero-target-without-criteria"
    (in_tmp / "contract.yaml").write_bytes((case / "contract.yaml").read_bytes())
    spas = "\n".join(
        [
            "apiVersion: pcontract/v1",
            "kind: Guidelines",
            "id: spas-fy2024-25",
            "financial_year: 2024/2025",
            "method: percentage",
            "grades:",
            "  - {grade: Very Good, min: 100}",
            "  - {grade: Poor, min: 0}",
            "",
        ]
    )
    (in_tmp / "guidelines.yaml").write_text(spas, encoding="utf-8")
    assert [p["code"] for p in _problems(in_tmp) if p["code"] == "PC324"] == []


def test_validate_then_score_a_zero_target_with_guidelines_values() -> None:
    case = CASES / "valid" / "zero-target-criteria"
    assert _problems(case) == []
    code, out = run(
        "score", str(case / "contract.yaml"), "-r", str(case / "results.yaml"), "-f", "json"
    )
    assert code == 0, out
    raw = {i["id"]: i["raw_score"] for i in json.loads(out)["indicators"]}
    # CM01 0 cases: met, 3. CM02 2 thefts, poor 6 (its own), fair 1 (guidelines):
    # 4 + 1 × 1 / 5 = 4.2. CM03 1 file, poor 3 (its own), fair 1: 4.
    assert raw == {"CM01": 3.0, "CM02": 4.2, "CM03": 4.0}


def test_the_schema_refuses_a_zero_target_value_that_is_not_above_zero(in_tmp: Path) -> None:
    text = (CASES / "valid" / "zero-target-criteria" / "guidelines.yaml").read_text()
    (in_tmp / "guidelines.yaml").write_text(
        text.replace("decrease: {fair: 1, poor: 3}", "decrease: {fair: 0, excellent: 1}"),
        encoding="utf-8",
    )
    found = {(p["code"], p["path"], p["message"]) for p in _problems(in_tmp)}
    assert found == {
        ("PC104", "$.zero_target_criteria_values.decrease.fair", "fair must be more than 0, not 0"),
        # Better than 0 is out of a count's reach: not a decrease zero-target point.
        ("PC101", "$.zero_target_criteria_values.decrease.excellent", "unknown field 'excellent'"),
    }


def test_guidelines_from_raw_keeps_a_guidelines_without_the_field_unchanged() -> None:
    assert Guidelines.from_raw(KENYA_RAW).zero_target_criteria_values == {}
