"""The summaries' rows (NamedTuples) survive the cache's JSON as the same rows."""

from __future__ import annotations

import json
import pickle

from pcontract.checking.checker import Options, check_files, discover
from pcontract.checking.index import (
    TEXT,
    CategoryWeight,
    ContractSummary,
    GuidelinesCategory,
    GuidelinesSummary,
    Period,
    ReportedAchievement,
    ResultsSummary,
    Summary,
    summary_from_json,
    summary_to_json,
)
from tests.conftest import TESTS


def summaries() -> list[Summary]:
    reports = check_files(discover([str(TESTS / "cases" / "valid")]), Options(jobs=1))
    return [r.summary for r in reports if r.summary is not None]


def test_a_cached_summary_reads_back_equal_with_its_rows_named() -> None:
    found = summaries()
    assert {type(s) for s in found} >= {ContractSummary, ResultsSummary, GuidelinesSummary}
    for summary in found:
        stored = json.loads(json.dumps(summary_to_json(summary)))
        back = summary_from_json(stored, summary.file, summary.source)
        assert back == summary
        if isinstance(back, ContractSummary):
            assert type(back.period) is Period
            assert all(type(c) is CategoryWeight for c in back.category_weights)
        if isinstance(back, GuidelinesSummary):
            assert all(type(c) is GuidelinesCategory for c in back.categories)


def test_achievements_are_read_by_name() -> None:
    results = [s for s in summaries() if isinstance(s, ResultsSummary)]
    rows = [row for r in results for row in r.achievements]
    assert rows and all(type(row) is ReportedAchievement for row in rows)
    assert any(row.moderated for row in rows)
    assert any(row.not_applicable for row in rows)
    assert all((row.text is not None) == (row.value_type == "s") for row in rows)


def test_a_summary_from_a_worker_reads_back_equal_and_of_its_class() -> None:
    # Workers send summaries back pickled (by their fields, see _pickled_by_fields).
    found = summaries()
    assert {type(s) for s in found} >= {ContractSummary, ResultsSummary, GuidelinesSummary}
    for summary in found:
        back = pickle.loads(pickle.dumps(summary))
        assert back == summary
        assert type(back) is type(summary)


def test_summaries_from_workers_share_their_columns() -> None:
    """Two contracts' summaries pickled apart (as two workers send them) read back
    with one tuple for each column they have equal, not a copy each."""
    contract = next(s for s in summaries() if isinstance(s, ContractSummary))
    first, second = (pickle.loads(pickle.dumps(contract)) for _ in range(2))
    assert first == second == contract
    for column in ("ids", "kinds", "aggregations", "cascaded", "paths", "category_weights"):
        assert getattr(first, column) is getattr(second, column), column
    assert first.targets == second.targets


def test_the_text_rows_are_the_rows_whose_figure_is_text() -> None:
    found = [s for s in summaries() if isinstance(s, ResultsSummary)]
    assert any(s.texts for s in found)
    for summary in found:
        texts = [row for row in summary.achievements if row.value_type == TEXT]
        assert list(summary.text_achievements) == texts
