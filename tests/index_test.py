"""The summaries' rows (NamedTuples) survive the cache's JSON as the same rows."""

from __future__ import annotations

import functools
import json
import pickle
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pcontract.checking.checker import Options, check_files, discover
from pcontract.checking.index import (
    FALSE,
    NONE,
    NUMBER,
    TEXT,
    TRUE,
    CategoryWeight,
    ContractSummary,
    GuidelinesCategory,
    GuidelinesSummary,
    Index,
    Period,
    ReportedAchievement,
    ResultsSummary,
    Summary,
    summary_from_json,
    summary_to_json,
)
from pcontract.problems import JsonPath
from pcontract.rules.tree import results_actual_type, wrong_actual_type
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


def test_a_row_read_at_its_position_is_the_row_in_order() -> None:
    found = [s for s in summaries() if isinstance(s, ResultsSummary)]
    assert any(s.texts for s in found)
    for summary in found:
        rows = list(summary.achievements)
        assert list(summary.achievements_at(range(len(rows)))) == rows
        every_other = range(1, len(rows), 2)
        assert list(summary.achievements_at(every_other)) == rows[1::2]
        assert summary.not_numbers() == [
            n for n, row in enumerate(rows) if row.value_type in (TRUE, FALSE, TEXT)
        ]


KINDS = ("increase", "decrease", "milestone", "binary")


@functools.cache
def _a_contract() -> ContractSummary:
    return next(s for s in summaries() if isinstance(s, ContractSummary))


def _every_row_checked(index: Index) -> list[tuple[str, JsonPath, str]]:
    """PC307 as it read every achievement: the plain path the rule must match."""
    found = []
    for results in index.results:
        contract = index.contract(results.contract)
        assert contract is not None
        kinds = dict(zip(contract.ids, contract.kinds, strict=True))
        for reported in results.achievements:
            wrong = wrong_actual_type(reported, kinds.get(reported.indicator_id))
            if wrong is not None:
                found.append((results.file, wrong.path, wrong.message))
    return found


@settings(max_examples=300, deadline=None)
@given(
    contract_kinds=st.dictionaries(
        st.sampled_from(["A", "B", "C", "D", "E", "F"]), st.sampled_from(KINDS), max_size=6
    ),
    reported=st.dictionaries(
        st.sampled_from(["A", "B", "C", "D", "G"]),
        st.tuples(
            st.sampled_from([NUMBER, TRUE, FALSE, TEXT, NONE]),
            st.sampled_from(["2025-03-01", "soon", "12", "2024-07-01", "later", "2026-01-31"]),
            st.sampled_from(["a", "m", "-"]),
        ),
        max_size=5,
    ),
)
def test_pc307_finds_what_reading_every_row_finds(
    contract_kinds: dict[str, str], reported: dict[str, tuple[str, str, str]]
) -> None:
    ids = tuple(contract_kinds)
    contract = replace(
        _a_contract(),
        id="c1",
        ids=ids,
        kinds=tuple(contract_kinds.values()),
        targets=(0,) * len(ids),
        aggregations=("",) * len(ids),
        cascaded=(None,) * len(ids),
        paths=tuple(("criteria", 0, "indicators", n) for n in range(len(ids))),
        percent="-" * len(ids),
    )
    types = "".join(type_ for type_, _, _ in reported.values())
    results = ResultsSummary(
        "r.yaml",
        "/r.yaml",
        "c1",
        "annual",
        tuple(reported),
        types,
        tuple(text for type_, text, _ in reported.values() if type_ == TEXT),
        "".join(flag for _, _, flag in reported.values()),
    )
    index = Index(contracts=[contract], results=[results]).finish()
    found = [(summary.file, f.path, f.message) for summary, f in results_actual_type(index)]
    assert found == _every_row_checked(index)


def test_the_figures_beyond_0_to_100_are_kept_with_their_indicators() -> None:
    from pcontract.checking.index import summarize
    from pcontract.files.loader import load_bytes
    from pcontract.model import build

    text = (
        "apiVersion: pcontract/v1\nkind: Results\ncontract: c1\nperiod: annual\nas_of: 2025-06-30\n"
        "achievements:\n"
        "  A: {actual: 100}\n"  # within
        "  B: {actual: 1020000}\n"
        "  C: {actual: 2025-03-15}\n"  # a date: not a number
        "  D: {actual: -0.5}\n"
        "  E: {actual: 50, moderation: {actual: 100.25, by: Panel, reason: Sample}}\n"
        "  F: {status: not-applicable, reason: Not funded}\n"
        "  G: {actual: true}\n"  # a yes/no figure: not a number
    )
    document = build("Results", load_bytes(text.encode(), "r.yaml").data)
    summary = summarize(document, "r.yaml", "/r.yaml")
    assert isinstance(summary, ResultsSummary)
    expected = [("B", "1020000"), ("D", "-0.5"), ("E", "100.25")]
    assert list(summary.beyond()) == expected
    # and as the cache keeps it
    again = summary_from_json(json.loads(json.dumps(summary_to_json(summary))), "r.yaml", "/r.yaml")
    assert isinstance(again, ResultsSummary)
    assert list(again.beyond()) == expected
