"""The words of a result (pcontract.render.wording) and the card keys built on them.

Every expected string is worked out by hand in the comments: the dates' day
counts, the sizes of misses and beats, the bars' cells and the grade tones.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pcontract.cli.app import app
from pcontract.model import Guidelines
from pcontract.render import reports, wording
from pcontract.render.wording import SummaryFacts, Verdict
from pcontract.scoring import evaluation
from tests.conftest import EXAMPLES

runner = CliRunner()
MOINA = EXAMPLES / "moina" / "contract.yaml"
MOINA_ANNUAL = EXAMPLES / "moina" / "results-fy2024-25.yaml"
GUIDELINES = EXAMPLES / "guidelines"

# The 1-5 scale: lower is better. Percentages: higher is better.
FIVE_POINT = reports._Scale(Fraction(1), Fraction(5), Fraction(3), True, False)
PERCENT = reports._Scale(Fraction(120), Fraction(0), Fraction(100), False, True)


def verdict(kind: str, unit: str, target: Any, actual: Any, status: str = "scored") -> Verdict:
    return wording.indicator_verdict(kind, unit, target, actual, status)


# ---------------------------------------------------------------------------
# Milestones and binaries


@pytest.mark.parametrize(
    ("actual", "outcome", "text"),
    [
        ("2025-04-28", "worse", "28 days late"),  # 31 March + 28 days = 28 April
        ("2025-04-01", "worse", "1 day late"),  # singular
        ("2025-03-26", "better", "5 days early"),
        ("2025-03-30", "better", "1 day early"),
        ("2025-03-31", "met", "on the due date"),
    ],
)
def test_a_milestone_is_late_early_or_on_the_due_date(actual: str, outcome: str, text: str) -> None:
    assert verdict("milestone", "date", "2025-03-31", actual) == Verdict(outcome, text)


def test_a_binary_is_done_or_not_done() -> None:
    assert verdict("binary", "done", True, True) == Verdict("met", "done")
    assert verdict("binary", "done", True, False) == Verdict("worse", "not done")


def test_no_achievement_percentage_for_a_milestone_or_a_binary() -> None:
    # A late milestone is not "0.0" achieved, nor an early one "100.0".
    assert wording.achievement_text("milestone", "0.0") == ""
    assert wording.achievement_text("binary", "100.0") == ""
    assert wording.achievement_text("increase", "104.8") == "104.8"
    assert wording.achievement_text("decrease", "98.8") == "98.8"


def test_not_reported_and_not_applicable_say_so() -> None:
    assert verdict("increase", "cards", 10, None, "not-reported") == Verdict(
        "not-reported", "not reported"
    )
    assert verdict("increase", "cards", 10, None, "not-applicable") == Verdict(
        "not-applicable", "not applicable"
    )


# ---------------------------------------------------------------------------
# Increase and decrease: met, and the size of every miss and beat


def test_met_only_when_the_actual_is_exactly_the_target() -> None:
    assert verdict("increase", "cards", 2_300_000, 2_300_000) == Verdict("met", "met")
    # 99.9% is not met: it is 1 card short.
    assert verdict("increase", "cards", 1000, 999) == Verdict("worse", "1 card short")


def test_an_increase_shows_the_size_of_its_miss_and_its_beat() -> None:
    # 2,300,000 - 2,288,000 = 12,000 short; 2,304,000 - 2,300,000 = 4,000 over.
    assert verdict("increase", "cards", 2_300_000, 2_288_000) == Verdict(
        "worse", "12,000 cards short"
    )
    assert verdict("increase", "cards", 2_300_000, 2_304_000) == Verdict(
        "better", "4,000 cards over target"
    )


def test_a_decrease_is_worse_over_target_and_better_under_it() -> None:
    # Lower is better: 171 against 170 is 1 case over (worse); 168 is 2 under (better).
    assert verdict("decrease", "cases", 170, 171) == Verdict("worse", "1 case over target")
    assert verdict("decrease", "cases", 170, 168) == Verdict("better", "2 cases under target")
    assert wording.direction_note("decrease") == "lower is better"
    assert wording.direction_note("increase") == ""


@pytest.mark.parametrize(
    ("target", "actual", "text"),
    [
        (50, 47, "3 percentage points short"),  # a 6% shortfall, but 3 points
        (74, 73, "1 percentage point short"),  # singular
        (32, 33.5, "1.5 percentage points over target"),
        (90, 86.4, "3.6 percentage points short"),
    ],
)
def test_a_percentage_misses_by_percentage_points(target: Any, actual: Any, text: str) -> None:
    assert verdict("increase", "%", target, actual).text == text
    assert verdict("increase", "% of procurement spend", target, actual).text == text
    assert verdict("increase", "percentage of households", target, actual).text == text


@pytest.mark.parametrize(
    ("unit", "one", "two"),
    [
        ("cases", "1 case", "2 cases"),
        ("facilities", "1 facility", "2 facilities"),
        ("working days", "1 working day", "2 working days"),
        ("benches", "1 bench", "2 benches"),
        ("km of road", "1 km of road", "2 km of road"),
        ("youth", "1 youth", "2 youth"),
        ("campus", "1 campus", "2 campus"),  # as written: not plural
        ("bags of cement", "1 bag of cement", "2 bags of cement"),
    ],
)
def test_a_unit_reads_singular_for_one_and_plural_otherwise(unit: str, one: str, two: str) -> None:
    assert wording.counted(Fraction(1), unit) == one
    assert wording.counted(Fraction(2), unit) == two


@pytest.mark.parametrize(
    "unit",
    [
        "number",
        "not stated in the source",  # more than 3 words
        "ratio",
        "KES",
        "KES million",
        "index",
        "score",
        "cases per 100000 population",  # digits
        "m3/day",  # a symbol
        "",
    ],
)
def test_a_unit_that_is_no_countable_noun_is_left_out_of_the_prose(unit: str) -> None:
    assert wording.unit_noun(unit) is None
    assert verdict("increase", unit, 100, 76).text == "24 short"
    assert verdict("decrease", unit, 100, 101).text == "1 over target"


# ---------------------------------------------------------------------------
# Direction of scores


def test_a_category_mean_is_better_or_worse_than_target_on_either_scale() -> None:
    # 2.81 on the 1-5 scale is better than 3.00: never "above target".
    worse = FIVE_POINT.worse
    assert wording.versus_target(Fraction(281, 100), Fraction(3), worse) == "better than target"
    assert wording.versus_target(Fraction(310, 100), Fraction(3), worse) == "worse than target"
    assert wording.versus_target(Fraction(3), Fraction(3), worse) == "on target"
    # Under the percentage method higher is better.
    assert wording.versus_target(Fraction(95), Fraction(100), PERCENT.worse) == "worse than target"
    assert wording.versus_target(Fraction(105), Fraction(100), PERCENT.worse) == (
        "better than target"
    )
    assert wording.versus_the_target(Fraction(2852, 1000), Fraction(3), "3.00", worse) == (
        "better than the 3.00 target"
    )
    assert wording.versus_the_target(Fraction(3), Fraction(3), "3.00", worse) == (
        "on the 3.00 target"
    )


def test_the_text_bar_is_centred_on_the_target_and_fills_toward_better_on_the_right() -> None:
    # 1.80 on 1-5: position (5 - 1.8) / 4 = 0.8; the target 3 at 0.5; the better
    # side has 0.5 of room: 0.3 / 0.5 = 0.6 of 10 cells = 6.
    assert wording.centred_bar(0.8, 0.5, 10) == "░" * 10 + "│" + "█" * 6 + "░" * 4
    # 3.30: position 0.425, 0.075 / 0.5 = 0.15 of 10 = 1.5, rounded to 2, on the left.
    assert wording.centred_bar(0.425, 0.5, 10) == "░" * 8 + "█" * 2 + "│" + "░" * 10
    # A near miss shows one cell, not an empty bar; on target none.
    assert wording.centred_bar(0.49, 0.5, 4) == "░░░█│░░░░"
    assert wording.centred_bar(0.5, 0.5, 4) == "░░░░│░░░░"
    assert wording.centred_bar(0.0, 0.5, 4) == "████│░░░░"


# ---------------------------------------------------------------------------
# The summary


def facts(**changes: Any) -> SummaryFacts:
    base: dict[str, Any] = {
        "grade": "Very Good",
        "composite": "2.8522",
        "composite_verdict": "better than the 3.00 target",
        "met": 12,
        "in_play": 21,
        "not_applicable": 0,
        "biggest_gap": ("Maisha Namba rollout", "28 days late"),
    }
    return SummaryFacts(**{**base, **changes})


def test_the_summary_names_the_grade_the_count_met_and_the_biggest_gap() -> None:
    assert wording.summary(facts()) == (
        "Very Good — 2.8522, better than the 3.00 target. 12 of 21 targets met. "
        "Biggest gap: Maisha Namba rollout, 28 days late."
    )
    assert wording.summary(facts(not_applicable=1)) == (
        "Very Good — 2.8522, better than the 3.00 target. 12 of 21 targets met "
        "(1 not applicable). Biggest gap: Maisha Namba rollout, 28 days late."
    )


def test_the_summary_when_every_target_is_met() -> None:
    assert wording.summary(facts(met=5, in_play=5, biggest_gap=None)) == (
        "Very Good — 2.8522, better than the 3.00 target. All 5 targets met or beaten."
    )
    assert wording.summary(facts(met=1, in_play=1, biggest_gap=None)) == (
        "Very Good — 2.8522, better than the 3.00 target. The target met or beaten."
    )


def test_the_summary_without_results_or_without_a_score() -> None:
    assert wording.summary(facts(no_results=True)) == (
        "No results submitted: there is no composite score, and the institution ranks "
        "with the poor performers."
    )
    unscored = facts(not_scored="not scored: every indicator not applicable")
    assert wording.summary(unscored) == (
        "Not scored: every indicator not applicable. There is no composite score, grade or rank."
    )


def test_targets_met_counts_met_and_better_among_those_in_play() -> None:
    outcomes = ["better", "met", "worse", "not-reported", "not-applicable"]
    assert wording.met_count(outcomes) == (2, 4)


# ---------------------------------------------------------------------------
# Grade tone and meaning


def guidelines(name: str) -> Guidelines:
    import yaml

    raw = yaml.safe_load((GUIDELINES / name).read_text(encoding="utf-8"))
    return Guidelines.from_raw(raw)


def test_default_tones_on_the_five_point_bands() -> None:
    # Excellent (to 2.40) and Very Good (to 3.00) are at or better than 3.00: good;
    # Good (to 3.60) is the first band worse: warn; Fair and Poor: bad.
    tones = reports.grade_tones(guidelines("kenya-pc-fy2024-25.yaml"), FIVE_POINT)
    assert tones == {
        "Excellent": "good",
        "Very Good": "good",
        "Good": "warn",
        "Fair": "bad",
        "Poor": "bad",
    }


def test_default_tones_on_legacy_bands_that_straddle_the_target() -> None:
    # Good runs 2.50-3.49: partly worse than 3.00, so not good; the first such: warn.
    tones = reports.grade_tones(guidelines("kenya-pc-legacy-bands.yaml"), FIVE_POINT)
    assert list(tones.values()) == ["good", "good", "warn", "bad", "bad"]


def test_default_tones_under_the_percentage_method() -> None:
    # Excellent above 100 and Very Good 100 are at or above the 100% target: good;
    # Good 80 to under 100: warn; Fair and Poor: bad.
    tones = reports.grade_tones(guidelines("spas-fy2024-25.yaml"), PERCENT)
    assert list(tones.values()) == ["good", "good", "warn", "bad", "bad"]


def test_default_meanings_by_name_and_by_tone() -> None:
    meanings = reports.grade_meanings(guidelines("kenya-pc-fy2024-25.yaml"), FIVE_POINT)
    assert meanings["Excellent"] == "Exceeded the targets overall"
    assert meanings["Very Good"] == "Met the targets overall"
    assert meanings["Good"] == "Fell short of some targets"
    assert meanings["Fair"] == "Fell well short of the targets"
    assert meanings["Poor"] == "Failed to meet most targets"
    # A name with no default takes its tone's.
    assert wording.grade_meaning("Outstanding", "", "good") == "Met or exceeded the targets overall"
    assert wording.grade_meaning("Below par", "", "warn") == "Fell short of some targets"
    assert wording.grade_meaning("Unacceptable", "", "bad") == "Fell well short of the targets"
    assert wording.grade_meaning("Good", "  Given text ", "warn") == "Given text"


def _bands(**very_good: str) -> Guidelines:
    bands: list[dict[str, Any]] = [
        {"grade": "Excellent", "max": 2.4},
        {"grade": "Very Good", "max": 3.0, **very_good},
        {"grade": "Good", "max": 3.6},
        {"grade": "Poor", "max": 5.0},
    ]
    raw = {"id": "g", "financial_year": "2024/2025", "method": "five-point", "grades": bands}
    return Guidelines.from_raw(raw)


def test_the_guidelines_tone_and_meaning_override_the_defaults() -> None:
    given = _bands(tone="warn", meaning="Met the targets, just")
    assert reports.grade_tones(given, FIVE_POINT)["Very Good"] == "warn"
    assert reports.grade_meanings(given, FIVE_POINT)["Very Good"] == "Met the targets, just"
    # The other bands keep their defaults: Good is still the first band worse.
    assert reports.grade_tones(given, FIVE_POINT)["Good"] == "warn"
    assert reports.grade_tones(given, FIVE_POINT)["Poor"] == "bad"


def _override(tmp_path: Path) -> Path:
    """The FY 2024/25 guidelines with a tone and a meaning on Very Good."""
    path = tmp_path / "guidelines.yaml"
    text = (GUIDELINES / "kenya-pc-fy2024-25.yaml").read_text(encoding="utf-8")
    old = "  - {grade: Very Good, max: 3.00, action: Commended; targets met}"
    assert old in text
    new = (
        "  - {grade: Very Good, max: 3.00, action: Commended; targets met, "
        "tone: warn, meaning: On target overall}"
    )
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_card_view_grade_and_action_agree_in_tone(tmp_path: Path) -> None:
    view = reports.card_view(evaluation.load_card(str(MOINA), str(MOINA_ANNUAL)))
    assert (view["grade"], view["grade_tone"], view["action_tone"]) == ("Very Good", "good", "good")
    assert view["grade_meaning"] == "Met the targets overall"
    bands = {b["grade"]: b for b in view["methodology"]["bands"]}
    assert (bands["Good"]["tone"], bands["Good"]["meaning"]) == (
        "warn",
        "Fell short of some targets",
    )
    given = str(_override(tmp_path))
    view = reports.card_view(evaluation.load_card(str(MOINA), str(MOINA_ANNUAL), None, given))
    assert (view["grade_tone"], view["action_tone"]) == ("warn", "warn")
    assert view["grade_meaning"] == "On target overall"


def test_a_tone_outside_good_warn_bad_is_refused(tmp_path: Path) -> None:
    path = _override(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("tone: warn", "tone: red"), "utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code != 0
    assert "red" in result.output


# ---------------------------------------------------------------------------
# The card: every key built from the one wording


def moina_view() -> dict[str, Any]:
    return reports.card_view(evaluation.load_card(str(MOINA), str(MOINA_ANNUAL)))


def test_card_view_summary_and_composite_verdict() -> None:
    view = moina_view()
    # 22 indicators, FS02 not applicable: 21 in play. Met or better: CM01 CM02
    # CM06 CM07 FS03 SD02 PD01 PD02 AG01 CC01 (beaten) and CC02 CC03 (done) = 12.
    # The largest cost to the composite is CM04, 28 days late.
    assert view["summary"] == (
        "Very Good — 2.8522, better than the 3.00 target. 12 of 21 targets met "
        "(1 not applicable). Biggest gap: National rollout of the digital ID (Maisha Namba) "
        "completed in all 47 counties, 28 days late."
    )
    assert view["composite_verdict"] == "better than the 3.00 target"
    assert view["targets_met"] == {"met": 12, "of": 21, "not_applicable": 1}
    assert view["biggest_gap"] == {
        "id": "CM04",
        "name": "National rollout of the digital ID (Maisha Namba) completed in all 47 counties",
        "gap": "28 days late",
    }
    # The gauge's grade segments carry the bands' tones, best first.
    tones = [segment["tone"] for segment in view["gauge"]["segments"]]
    assert tones == ["good", "good", "warn", "bad", "bad"]
    # 2.8522: position (5 - 2.8522) / 4 = 0.537; 0.037 / 0.5 of 10 cells rounds to
    # 1 (at least one for any distance), on the better side.
    assert view["composite_bar"] == "░" * 10 + "│█" + "░" * 9


def test_card_view_indicator_verdicts_outcomes_and_achievement() -> None:
    rows = {i["id"]: i for i in moina_view()["indicators"]}
    expected = {
        "CM01": ("better", "110,000 cards over target", "104.8"),  # 2,410,000 - 2,300,000
        "CM03": ("worse", "18,500 registrations short", "98.6"),  # 1,300,000 - 1,281,500
        "CM04": ("worse", "28 days late", ""),
        "CM05": ("worse", "2 over target", "98.8"),  # cases per 100000 population: left out
        "CM07": ("better", "1 working day under target", "111.1"),  # 10 - 9, lower is better
        "LC01": ("worse", "3 percentage points short", "94.0"),  # 50 - 47
        "PD02": ("better", "39 days early", ""),  # 22 November to 31 December
        "CC02": ("met", "done", ""),
        "CC05": ("worse", "not done", ""),
        "FS02": ("not-applicable", "not applicable", "—"),
    }
    for ident, (outcome, text, achievement) in expected.items():
        row = rows[ident]
        assert (row["outcome"], row["verdict"], row["achievement"]) == (outcome, text, achievement)
    assert rows["CM05"]["direction"] == "lower is better"
    assert rows["CM01"]["direction"] == ""
    assert rows["CM04"]["missed"] and not rows["CM01"]["missed"]


def test_gaps_say_what_the_indicator_row_says() -> None:
    view = moina_view()
    rows = {i["id"]: i for i in view["indicators"]}
    assert view["gaps"], "Moina misses some targets"
    for gap in view["gaps"]:
        assert gap["gap"] == rows[gap["id"]]["verdict"]
        assert gap["outcome"] == "worse"


def test_card_view_categories_are_better_or_worse_than_target() -> None:
    categories = {c["id"]: c for c in moina_view()["categories"]}
    verdicts = {
        key: (c["verdict"], c["outcome"], c["below_target"]) for key, c in categories.items()
    }
    # Core Mandate 2.81 < 3.00: better; Service Delivery 3.10 > 3.00: worse.
    core = next(c for c in categories.values() if c["name"] == "Core Mandate")
    service = next(c for c in categories.values() if c["name"] == "Service Delivery")
    assert (core["verdict"], core["outcome"], core["below_target"]) == (
        "better than target",
        "better",
        False,
    )
    assert (service["verdict"], service["outcome"], service["below_target"]) == (
        "worse than target",
        "worse",
        True,
    )
    assert all("above" not in v[0] and "below" not in v[0] for v in verdicts.values())


def test_the_markdown_card_has_no_header_less_table_and_folds_the_long_ones() -> None:
    result = runner.invoke(app, ["report", str(MOINA), "-r", str(MOINA_ANNUAL), "-f", "md"])
    assert result.exit_code == 0, result.output
    text = result.output
    lines = text.splitlines()
    for at, line in enumerate(lines):
        if line.startswith(("| ---", "| :--")):
            header = [cell.strip() for cell in lines[at - 1].strip("|").split("|")]
            assert all(header), f"a header-less table: {lines[at - 1]}"
    # The indicators and the gaps fold, with a blank line around each table.
    assert text.count("<details>") == text.count("</details>") == 2
    assert "<summary>22 indicators: target, actual, result and score</summary>\n\n| id |" in text
    assert "|\n\n</details>" in text
    assert "(cases per 100000 population; lower is better)" in text


def test_score_markdown_and_text_speak_the_same_words() -> None:
    args = ["score", str(MOINA), "-r", str(MOINA_ANNUAL)]
    md = runner.invoke(app, [*args, "-f", "md"]).output
    row = next(line for line in md.splitlines() if line.startswith("| CM04 |"))
    # No "0.0" achievement for a late milestone; the result in words.
    assert "| 2025-03-31 | 2025-04-28 |  | 28 days late | 3.6222 |" in row
    assert "| Reported crime rate \\(lower is better\\) |" in md  # parentheses escaped
    text = runner.invoke(app, args).output
    assert "28 days late" in text and "above target" not in text
