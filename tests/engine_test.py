"""The evaluation engine: rank and site on validate's cache and worker processes.

Every fast path is checked against the plain one: the documents loaded in one
process, each contract scored as ``score`` scores it (``detail=True``)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from pcontract.checking.checker import Options
from pcontract.errors import InputError
from pcontract.scoring import engine
from pcontract.scoring.evaluation import rank_paths
from tests.conftest import EXAMPLES, run
from tests.league_site import big_league, two_year_site


def _rows(paths: list[str], **options: object) -> list[object]:
    return list(rank_paths(paths, options=Options(**options)).rows)  # type: ignore[arg-type]


def _plain(paths: list[str]) -> list[object]:
    return list(rank_paths(paths, detail=True).rows)


@pytest.mark.parametrize("jobs", [1, 2])
def test_rank_rows_equal_the_plain_path_on_the_examples(jobs: int, tmp_path: Path) -> None:
    plain = _plain([str(EXAMPLES)])
    assert _rows([str(EXAMPLES)], jobs=jobs) == plain
    cache = tmp_path / "cache"
    assert _rows([str(EXAMPLES)], jobs=jobs, cache_dir=cache) == plain  # cold
    assert _rows([str(EXAMPLES)], jobs=jobs, cache_dir=cache) == plain  # the whole run
    assert (cache / "validate-v4.sqlite").exists()


def test_a_big_league_in_worker_processes_equals_one_process(tmp_path: Path) -> None:
    tree = big_league(tmp_path / "tree", 80)
    plain = _plain([str(tree)])
    assert len(plain) == 80
    assert _rows([str(tree)], jobs=2) == plain
    assert _rows([str(tree)], jobs=2, cache_dir=tmp_path / "c") == plain


def _flow_results(path: Path) -> None:
    """``path``'s Results rewritten in flow style: its top lines no longer say
    which contract it is for, so the guess before parsing misses."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data, default_flow_style=True, sort_keys=False))


def test_results_the_guess_misses_are_still_scored_with_their_contract(tmp_path: Path) -> None:
    tree = two_year_site(tmp_path / "tree")
    plain = _plain([str(tree)])
    for results in sorted(tree.glob("*-r.yaml"))[:3]:
        _flow_results(results)
    assert "contract:" not in sorted(tree.glob("*-r.yaml"))[0].read_text().splitlines()[1]
    assert _plain([str(tree)]) == plain
    assert _rows([str(tree)]) == plain
    assert _rows([str(tree)], cache_dir=tmp_path / "c") == plain


def test_results_in_another_folder_are_paired_with_their_contract(tmp_path: Path) -> None:
    tree = two_year_site(tmp_path / "tree")
    before = [(r.contract, r.composite) for r in rank_paths([str(tree)], detail=True).rows]
    (tree / "sub").mkdir()
    for results in sorted(tree.glob("*-r.yaml"))[::2]:
        results.rename(tree / "sub" / results.name)
    plain = _plain([str(tree)])
    assert [(r.contract, r.composite) for r in rank_paths([str(tree)]).rows] == before
    assert _rows([str(tree)]) == plain
    assert _rows([str(tree)], jobs=2, cache_dir=tmp_path / "c") == plain


def test_an_edit_to_results_guidelines_or_contract_is_scored_afresh(tmp_path: Path) -> None:
    tree = two_year_site(tmp_path / "tree")
    cache = tmp_path / "c"
    assert _rows([str(tree)], cache_dir=cache) == _plain([str(tree)])
    results = sorted(tree.glob("*2024-25-r.yaml"))[0]
    results.write_text(results.read_text().replace("actual: ", "actual: 2"), encoding="utf-8")
    assert _rows([str(tree)], cache_dir=cache) == _plain([str(tree)])
    guidelines = tree / "g-2024-25.yaml"
    guidelines.write_text(
        guidelines.read_text().replace("max: 2.40", "max: 2.90"), encoding="utf-8"
    )
    changed = _plain([str(tree)])
    assert _rows([str(tree)], cache_dir=cache) == changed
    assert _rows([str(tree)], cache_dir=cache) == changed


def test_an_invalid_file_stops_the_rank_with_validates_problems(tmp_path: Path) -> None:
    tree = two_year_site(tmp_path / "tree")
    results = sorted(tree.glob("*-r.yaml"))[0]
    results.write_text(results.read_text().replace("period: annual", "period: yearly"))
    for cache in (None, tmp_path / "c"):
        with pytest.raises(InputError) as raised:
            rank_paths([str(tree)], options=Options(cache_dir=cache, jobs=2))
        assert any(getattr(p, "file", "") == str(results) for p in raised.value.problems)


def test_the_guess_reads_only_the_top_lines() -> None:
    found = engine.guess(b"apiVersion: pcontract/v1\nkind: Results\ncontract: 'moe-1'  # x\n")
    assert (found.kind, found.contract, found.period) == ("Results", "moe-1", "")
    assert engine.guess(b"{kind: Contract, id: a}") == engine.Guess()
    assert engine.guess(b"kind: Contract\n" + b"#\n" * 5000 + b"id: late\n").id == ""


def test_rank_on_the_command_line_is_the_same_cold_warm_and_in_one_process(
    tmp_path: Path,
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    tree = str(tmp_path / "examples")
    cache = str(tmp_path / "cache")
    code, plain = run("rank", tree, "--format", "json", "--no-cache", "--jobs", "1")
    assert code == 0
    for _ in range(2):
        code, cached = run("rank", tree, "--format", "json", "--cache-dir", cache)
        assert (code, cached) == (0, plain)


def test_a_warm_rank_decodes_its_entries_as_they_come_and_skips_damaged_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files' entries and the scores are fetched a query at a time, never all
    at once (get_many); an entry whose value is NULL is a miss, checked or
    scored again."""
    import sqlite3

    from pcontract.checking.cache import FORMAT, Cache

    tree = big_league(tmp_path / "tree", 40)
    plain = _plain([str(tree)])
    cache = tmp_path / "cache"
    assert _rows([str(tree)], jobs=1, cache_dir=cache) == plain
    with sqlite3.connect(cache / f"validate-v{FORMAT}.sqlite") as db:
        db.execute("DELETE FROM runs")  # so the per-file entries and scores must serve
        scores = db.execute("SELECT count(*) FROM files WHERE value LIKE '{\"fields\"%'")
        assert scores.fetchone()[0] == 40  # a score per contract
        # half the scores, and some files' entries
        db.execute(
            "UPDATE files SET value = NULL WHERE rowid % 5 = 0 "
            "OR (rowid % 2 = 0 AND value LIKE '{\"fields\"%')"
        )

    real_get_many = Cache.get_many

    def refuse(self: Cache, keys: Sequence[str]) -> dict[str, str]:
        # a single file's entry (the guidelines', read whole) may be
        assert len(keys) <= 1, "every entry fetched at once"
        return real_get_many(self, keys)

    monkeypatch.setattr(Cache, "get_many", refuse)
    assert _rows([str(tree)], jobs=1, cache_dir=cache) == plain
    with sqlite3.connect(cache / f"validate-v{FORMAT}.sqlite") as db:
        left = db.execute("SELECT count(*) FROM files WHERE value IS NULL").fetchone()[0]
    assert left == 0  # each damaged entry made again
