"""An incremental, streaming site: unchanged cards are neither drawn nor written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pcontract.render import reports, site
from tests.conftest import run
from tests.league_site import two_year_site


def _times(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()
    }


def _site(tree: Path, out: Path, cache: Path, *extra: str) -> str:
    code, output = run("site", str(tree), "-o", str(out), "--cache-dir", str(cache), *extra)
    assert code == 0, output
    return output


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    tree = two_year_site(tmp_path / "tree")
    out, cache = tmp_path / "site", tmp_path / "cache"
    _site(tree, out, cache)
    return tree, out, cache


def test_a_second_site_with_nothing_changed_writes_nothing(built: tuple[Path, Path, Path]) -> None:
    tree, out, cache = built
    before = _times(out)
    contents = {name: (out / name).read_bytes() for name in before}
    output = _site(tree, out, cache, "--force")
    assert "wrote 0 files" in output
    assert _times(out) == before  # every file's modification time kept
    assert {name: (out / name).read_bytes() for name in before} == contents


def test_one_results_file_changed_rewrites_only_what_shows_it(
    built: tuple[Path, Path, Path],
) -> None:
    tree, out, cache = built
    before = _times(out)
    # Alpha's 2023/2024 actual, 100 to 1100: Alpha passes Beta in that year's
    # ministries (tests/league_site.py), so both their 2023/2024 cards change, and
    # so do their 2024/2025 cards, which show last year's rank. Gamma stays third;
    # no other league changes.
    results = tree / "alpha-2023-24-r.yaml"
    text = results.read_text(encoding="utf-8")
    assert "actual: 100" in text
    results.write_text(text.replace("actual: 100", "actual: 1100", 1), encoding="utf-8")
    output = _site(tree, out, cache, "--force")
    after = _times(out)
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert {name for name in rewritten if name.startswith("cards/")} == {
        "cards/alpha-2023-24.html",
        "cards/beta-2023-24.html",
        "cards/alpha-2024-25.html",
        "cards/beta-2024-25.html",
    }
    # Both league pages show the 2023/2024 standing; the CSV and JSON the ranks.
    assert {"league-2023-24.html", "index.html", "data/league.csv"} <= rewritten
    assert "wrote" in output and "unchanged" in output


def test_a_card_drawn_again_but_the_same_is_not_written(built: tuple[Path, Path, Path]) -> None:
    tree, out, _cache = built
    before = _times(out)
    # Without the cache every card is drawn; none differs, so none is written
    # (only the database is built again: nothing says its rows are the same).
    code, output = run("site", str(tree), "-o", str(out), "--no-cache", "--force")
    assert code == 0, output
    assert "wrote 1 files" in output
    after = _times(out)
    assert {n for n in after if after[n] != before[n]} == {"data/pcontract.sqlite"}


def test_a_card_edited_by_hand_is_drawn_and_written_again(built: tuple[Path, Path, Path]) -> None:
    tree, out, cache = built
    card = sorted((out / "cards").glob("*.html"))[0]
    original = card.read_bytes()
    card.write_bytes(b"<p>edited</p>")
    _site(tree, out, cache, "--force")
    assert card.read_bytes() == original


def test_the_templates_are_compiled_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[bool] = []
    real_build = reports.Templates._build

    def counting(self: reports.Templates, markdown: bool) -> object:
        builds.append(markdown)
        return real_build(self, markdown)

    monkeypatch.setattr(reports.Templates, "_build", counting)
    site._TEMPLATES.clear()
    tree = two_year_site(tmp_path / "tree")
    code, output = run("site", str(tree), "-o", str(tmp_path / "s"), "--no-cache", "--jobs", "1")
    assert code == 0, output
    cards = len(list((tmp_path / "s" / "cards").glob("*.html")))
    assert cards > 10
    # One environment for the cards (drawn in this process) and one for the pages.
    assert builds == [False, False]
    assert os.path.exists(tmp_path / "s" / "index.html")


def _counting_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The league pages drawn from now on (in this process), by year shown."""
    drawn: list[str] = []
    real_render = reports.Templates.render

    def counting(self: reports.Templates, name: str, view: dict[str, object]) -> str:
        if name == reports.INDEX_TEMPLATE:
            drawn.append(str(view["financial_year"]))
        return real_render(self, name, view)

    monkeypatch.setattr(reports.Templates, "render", counting)
    return drawn


def test_a_league_page_showing_the_same_is_not_drawn_again(
    built: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, out, cache = built
    drawn = _counting_pages(monkeypatch)
    # A results file edited without changing a figure: its card is drawn again,
    # but what the league pages show is the same.
    results = tree / "alpha-2023-24-r.yaml"
    results.write_text(results.read_text(encoding="utf-8") + "# checked\n", encoding="utf-8")
    _site(tree, out, cache, "--force")
    assert drawn == []
    # Alpha passes Beta in 2023/2024: both pages show that year's standing.
    text = results.read_text(encoding="utf-8")
    results.write_text(text.replace("actual: 100", "actual: 1100", 1), encoding="utf-8")
    _site(tree, out, cache, "--force")
    assert sorted(drawn) == ["2023/2024", "2024/2025"]


def test_a_league_page_edited_by_hand_or_without_the_cache_is_drawn_again(
    built: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, out, cache = built
    index = out / "index.html"
    original = index.read_bytes()
    index.write_bytes(b"<p>edited</p>")
    drawn = _counting_pages(monkeypatch)
    _site(tree, out, cache, "--force")
    assert drawn == ["2024/2025"]  # only the page edited
    assert index.read_bytes() == original
    code, output = run("site", str(tree), "-o", str(out), "--no-cache", "--force")
    assert code == 0, output
    assert sorted(drawn) == ["2023/2024", "2024/2025", "2024/2025"]


def test_a_league_page_is_drawn_again_when_a_template_changes(
    built: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, out, cache = built
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "extra.css").write_text("body { color: black; }\n", encoding="utf-8")
    drawn = _counting_pages(monkeypatch)
    _site(tree, out, cache, "--force", "--template", str(templates))
    assert sorted(drawn) == ["2023/2024", "2024/2025"]
