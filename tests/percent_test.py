"""Percentages outside 0 to 100: PC209 in a contract, PC323 in reported results."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcontract.model import dec, in_percent_range, is_percent_unit
from tests.conftest import TESTS, run

CASE = TESTS / "cases" / "valid" / "percent-in-range"


@pytest.mark.parametrize("unit", ["%", " % ", "% of households", "Percent", "per cent"])
def test_percent_units(unit: str) -> None:
    assert is_percent_unit(unit)


@pytest.mark.parametrize("unit", ["", "days", "KES million", "cards", "percentile"])
def test_other_units(unit: str) -> None:
    assert not is_percent_unit(unit)


@pytest.mark.parametrize(
    ("value", "inside"),
    [(0, True), (100, True), (99.5, True), (100.01, False), (-0.5, False), (740, False)],
)
def test_percent_range(value: float, inside: bool) -> None:
    assert in_percent_range(value) is inside


@pytest.mark.parametrize("value", [True, False, "2025-03-31", None])
def test_figures_that_are_not_numbers_have_nothing_to_say(value: object) -> None:
    assert in_percent_range(value)


def _problems(folder: Path) -> list[dict[str, object]]:
    code, output = run("validate", str(folder), "--format", "json")
    assert code == 0, output  # warnings only
    problems: list[dict[str, object]] = json.loads(output)["problems"]
    return problems


def test_a_quarterly_target_above_100_percent_is_located(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    contract = folder / "contract.yaml"
    text = contract.read_text()
    old = "        target: 80\n"
    assert old in text
    contract.write_text(text.replace(old, old + "        quarterly_targets: [-5, 40, 60, 80]\n"))
    found = [p for p in _problems(folder) if p["code"] == "PC209"]
    assert len(found) == 1
    assert found[0]["message"] == "SD01: the Q1 target -5% is outside 0 to 100%"
    assert found[0]["path"] == "$.criteria[1].indicators[0].quarterly_targets[0]"
    assert found[0]["severity"] == "warning"


def test_a_reported_rate_out_of_range_is_located_at_the_scored_figure(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(CASE, folder)
    results = folder / "results.yaml"
    results.write_text(results.read_text().replace("{actual: 78,", "{actual: 780,"))
    found = [p for p in _problems(folder) if p["code"] == "PC323"]
    assert [p["path"] for p in found] == ["$.achievements.SD01.moderation.actual"]
    assert found[0]["message"] == ("SD01 is a percentage, but its figure 780% is outside 0 to 100%")


def test_ignoring_the_rules_in_pcontract_toml_silences_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "case"
    shutil.copytree(TESTS / "cases" / "valid" / "pc209-pc323-warns-percent-out-of-range", folder)
    (folder / ".git").mkdir()
    monkeypatch.chdir(folder)
    code, output = run("validate", ".", "--strict")
    assert code == 1, output  # both warnings, made errors
    (folder / "pcontract.toml").write_text('[rules]\nignore = ["PC209", "PC323"]\n')
    code, output = run("validate", ".", "--strict")
    assert code == 0, output


@given(
    st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
)
def test_percent_range_agrees_with_exact_decimals(value: float) -> None:
    # in_percent_range compares the number itself; the Decimal that scoring reads
    # from it must fall on the same side of 0 and of 100.
    assert in_percent_range(value) is (Decimal(0) <= dec(value) <= Decimal(100))
