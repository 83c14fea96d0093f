"""``score`` and ``report`` with ``--history DIR``: last year's standing and the
movement, and the card's baseline columns; numbers worked out by hand.

The fixtures are tests/league_test.py's (one increase indicator, weight 100,
target 100, excellent 120, poor 60): in 2023/2024 Beta scores 110 → 2.0000
(Excellent), rank 1, and Alpha 90 → 3 + 2 × 10 / 40 = 3.5000 (Good), rank 2; in
2024/2025 Alpha scores 110 → 2.0000 and Beta 100 → 3.0000 (Very Good).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, run
from tests.league_test import contract, guidelines, results, two_years, write

MOINA = EXAMPLES / "moina"


@pytest.fixture
def years(tmp_path: Path) -> tuple[Path, Path]:
    """This year's contracts in ``now``, last year's in ``past``, each with its
    guidelines; Alpha's and Beta's 2023/2024 files in two folders of ``past``."""
    tree = two_years(tmp_path / "tree")
    now, past = tmp_path / "now", tmp_path / "past"
    for file in tree.iterdir():
        if "2024-25" in file.name:
            folder = now
        else:
            folder = past / ("beta" if file.name.startswith("beta") else "alpha")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(file, folder / file.name)
    shutil.copy(tree / "g-2023-24.yaml", past / "beta" / "g-2023-24.yaml")
    return now, past


def score_json(*args: str) -> dict[str, Any]:
    code, output = run("score", *args, "--format", "json")
    assert code == 0, output
    payload: dict[str, Any] = json.loads(output)
    return payload


def alpha(now: Path) -> list[str]:
    return [str(now / "alpha-2024-25.yaml"), "-r", str(now / "alpha-r-2024-25.yaml")]


def beta(now: Path) -> list[str]:
    return [str(now / "beta-2024-25.yaml"), "-r", str(now / "beta-r-2024-25.yaml")]


def history(past: Path) -> list[str]:
    # Repeatable: the two folders are ranked together, as one league.
    return ["--history", str(past / "alpha"), "--history", str(past / "beta")]


def test_score_json_carries_last_year_and_the_movement(years: tuple[Path, Path]) -> None:
    now, past = years
    payload = score_json(*alpha(now), *history(past))
    assert payload["composite"] == 2.0
    # Linked by institution id, although Alpha was renamed.
    assert payload["previous"] == {
        "financial_year": "2023/2024",
        "contract": "alpha-2023-24",
        "rank": 2,
        "composite": 3.5,
        "grade": "Good",
    }
    # 2.0000 - 3.5000 = -1.5000, lower is better: better. This year is not
    # ranked by score, so no places.
    assert payload["movement"] == {"places": None, "composite_change": -1.5, "composite": "better"}
    payload = score_json(*beta(now), *history(past))
    assert payload["previous"]["rank"] == 1
    assert payload["previous"]["grade"] == "Excellent"
    # 3.0000 - 2.0000 = +1.0000: worse.
    assert payload["movement"] == {"places": None, "composite_change": 1.0, "composite": "worse"}


def test_score_text_and_md_show_last_year(years: tuple[Path, Path]) -> None:
    now, past = years
    code, text = run("score", *alpha(now), *history(past))
    assert code == 0, text
    assert "Last year 2023/2024: rank 2, 3.5000 Good; movement: -1.5000 better" in text
    code, md = run("score", *beta(now), *history(past), "--format", "md")
    assert code == 0, md
    assert "Last year 2023/2024: rank 1, 2.0000 Excellent; movement: \\+1.0000 worse" in md


def test_without_history_there_is_no_last_year(tmp_path: Path) -> None:
    # The contract's own folder holds last year's contracts, but it is not
    # searched without --history.
    tree = two_years(tmp_path / "tree")
    payload = score_json(*alpha(tree))
    assert payload["previous"] is None and payload["movement"] is None
    code, text = run("score", *alpha(tree))
    assert code == 0, text
    assert "Last year" not in text
    code, card = run("report", *alpha(tree))
    assert code == 0, card
    assert "Last year" not in card
    # Named as history, the same folder gives last year's standing.
    payload = score_json(*alpha(tree), "--history", str(tree))
    assert payload["previous"]["contract"] == "alpha-2023-24"


def test_history_without_last_year_shows_none(years: tuple[Path, Path]) -> None:
    now, _ = years
    # This year's folder holds no 2023/2024 contract.
    payload = score_json(*alpha(now), "--history", str(now))
    assert payload["previous"] is None and payload["movement"] is None


def test_report_card_shows_last_year(years: tuple[Path, Path]) -> None:
    now, past = years
    code, md = run("report", *alpha(now), *history(past))
    assert code == 0, md
    assert "| Last year | 2023/2024: rank 2, 3.5000 Good; movement: -1.5000 better |" in md
    code, html = run("report", *beta(now), *history(past), "--format", "html")
    assert code == 0, html
    assert (
        "Last year (2023/2024): rank 1, composite 2.0000, Excellent. "
        "Movement: +1.0000 worse." in html
    )
    # This year is not ranked by report: a standalone card has no rank box at all.
    assert "Rank in category" not in html and "not ranked" not in html


def test_card_shows_the_two_latest_baseline_years(tmp_path: Path) -> None:
    base = "\n        baseline: {2021/2022: 70, 2022/2023: 80, 2023/2024: 90}"
    folder = write(
        tmp_path / "b",
        {
            "g-2024-25.yaml": guidelines("2024/2025"),
            "c.yaml": contract("c-2024-25", "2024/2025", "Gamma County", baseline=base),
            "r.yaml": results("c-2024-25", "2024/2025", 110),
        },
    )
    args = [str(folder / "c.yaml"), "-r", str(folder / "r.yaml")]
    code, md = run("report", *args)
    assert code == 0, md
    # The baselines come before the target and the actual; the weight sits with the scores.
    assert "| id | indicator | 2022/2023 | 2023/2024 | target | actual |" in md
    assert "| CM01 | Output (visits) | 80 | 90 | 100 | 110 | 110.0 | 10 visits over target |" in md
    assert "2021/2022" not in md
    code, html = run("report", *args, "--format", "html")
    assert code == 0, html
    assert '<th scope="col" class="num">2023/2024</th>' in html
    assert '<td class="num baseline" data-label="2022/2023">80</td>' in html


def test_moina_card_shows_an_em_dash_for_a_missing_baseline() -> None:
    code, md = run(
        "report", str(MOINA / "contract.yaml"), "-r", str(MOINA / "results-fy2024-25.yaml")
    )
    assert code == 0, md
    row = next(line for line in md.splitlines() if line.startswith("| CM01 |"))
    assert "| 1,850,000 | 2,100,000 | 2,300,000 | 2,410,000 |" in row
    # CM04, a milestone, gives no baseline.
    row = next(line for line in md.splitlines() if line.startswith("| CM04 |"))
    assert "| — | — | 2025-03-31 | 2025-04-28 |" in row
