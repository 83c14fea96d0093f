"""Fuzzing: mutated contracts and arbitrary YAML never make pcontract raise.

Valid documents (the Moina example's contract and annual results) are mutated:
fields deleted, duplicated, renamed, retyped and swapped, hostile strings and
numbers injected, lines of the text shuffled. Each mutant goes through every
stage a user can reach: the loader, ``validate`` (which must report problems,
never raise), ``score`` and ``rank`` (which may refuse with a ``PcontractError``
and nothing else) and every renderer of their results.

Example counts are bounded and the examples derandomized, so CI stays fast and
repeatable; ``PCONTRACT_FUZZ_EXAMPLES=5000`` runs a longer campaign locally
(docs/security.md; fuzz/fuzz_loader.py runs one with atheris).
"""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcontract.checking.checker import check_paths
from pcontract.errors import PcontractError
from pcontract.files.loader import load_bytes
from pcontract.files.reading import Limits
from pcontract.render import tables
from pcontract.render.reporters import REPORTERS
from pcontract.scoring.evaluation import rank_paths, score_files
from tests.conftest import EXAMPLES

HAS_REPORTS = importlib.util.find_spec("pcontract.render.reports") is not None
SCALE = int(os.environ.get("PCONTRACT_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=SCALE or examples,
        deadline=None,
        derandomize=not SCALE,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


CONTRACT_TEXT = (EXAMPLES / "moina" / "contract.yaml").read_text(encoding="utf-8")
RESULTS_TEXT = (EXAMPLES / "moina" / "results-fy2024-25.yaml").read_text(encoding="utf-8")


def _data(text: str) -> Any:
    loaded = load_bytes(text.encode("utf-8"), "base.yaml")
    assert loaded.problem is None, loaded.problem
    return loaded.data


CONTRACT = _data(CONTRACT_TEXT)
RESULTS = _data(RESULTS_TEXT)

# -- what gets injected ------------------------------------------------------------

HOSTILE_STRINGS = [
    "",
    " ",
    "no",
    "null",
    "~",
    "0x1F",
    "1e400",
    ".inf",
    "-",
    "2025-02-30",
    "9999-12-31",
    "0000-00-00",
    "2024/2025",
    "2025/2024",
    "moina-2024-25",
    "CM01",
    "core-mandate",
    "not-applicable",
    "excellent",
    '=HYPERLINK("http://x")',
    "@SUM(A1:A9)",
    "[bold red]X[/]",
    "\x1b[2J\x1b[31m",
    "\x00\x07\x7f\x85",
    "<script>alert(1)</script>",
    "| a | b |\n|---|",
    "{{ 7*7 }}{% raw %}",
    "../../../etc/passwd",
    "\u202edesrever\u202c",
    "\ufeffbom",
    "\ud800 lone surrogate",
    "🇰🇪 Wizara",
    "a\r\nb\u2028c",
    "x" * 5000,
]
HOSTILE_NUMBERS: list[int | float] = [
    0,
    -1,
    1,
    3,
    5,
    99,
    100,
    101,
    -100,
    10**18,
    10**30,
    -(10**30),
    1e308,
    -1e308,
    5e-324,
    0.1,
    2.5,
    1e-10,
    99.99,
]
scalars = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(HOSTILE_NUMBERS),
    st.booleans(),
    st.none(),
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=8), scalars, max_size=3),
    st.just([]),
    st.just({}),
)

# -- mutating data -----------------------------------------------------------------

Path_ = tuple[str | int, ...]


def _paths(node: Any, here: Path_ = ()) -> Iterator[Path_]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


def _mutate(draw: st.DrawFn, document: Any) -> Any:
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _get(document, path[:-1]), path[-1]
        operation = draw(st.sampled_from(["delete", "retype", "swap", "duplicate", "rename"]))
        if operation == "delete":
            del parent[last]
        elif operation == "retype":
            parent[last] = draw(values)
        elif operation == "swap":
            other = draw(st.sampled_from(paths))
            if other[: len(path)] != path and path[: len(other)] != other:
                other_parent = _get(document, other[:-1])
                parent[last], other_parent[other[-1]] = other_parent[other[-1]], parent[last]
        elif operation == "duplicate":
            if isinstance(parent, list) and isinstance(last, int):
                parent.insert(last, copy.deepcopy(parent[last]))
            else:
                sibling = draw(st.sampled_from(sorted(parent, key=str)))
                parent[sibling] = copy.deepcopy(parent[last])
        elif isinstance(parent, dict):
            new = draw(st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=10)))
            parent[new] = parent.pop(last)
    return document


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    return _mutate(draw, document)


# Fields whose values can be any text or number without breaking the document.
FREE_FIELDS = frozenset(
    [
        "name",
        "title",
        "unit",
        "owner",
        "evidence",
        "reason",
        "notes",
        "vision",
        "mission",
        "strategic_objectives",
        "place",
        "by",
        "target",
        "actual",
        "baseline",
        "criteria_values",
        "quarterly_targets",
    ]
)


@st.composite
def injected(draw: st.DrawFn, document: Any) -> Any:
    """Hostile values of the same type in place of text and numbers: documents
    that often stay valid, so that scoring and rendering see them."""
    document = copy.deepcopy(document)
    leaves = [
        p
        for p in _paths(document)
        if p and isinstance(_get(document, p), str | int | float) and _get(document, p) is not True
    ]
    free = [p for p in leaves if FREE_FIELDS & {str(part) for part in p}]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(free if draw(st.integers(0, 4)) else leaves))
        parent, last = _get(document, path[:-1]), path[-1]
        if isinstance(parent[last], str):
            parent[last] = draw(st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=20)))
        elif isinstance(parent[last], int | float) and not isinstance(parent[last], bool):
            parent[last] = draw(
                st.one_of(
                    st.sampled_from(HOSTILE_NUMBERS),
                    st.integers(),
                    st.floats(allow_nan=False, allow_infinity=False),
                )
            )
    return document


extreme_numbers = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False, allow_infinity=False),
)


@st.composite
def extreme_results(draw: st.DrawFn, document: Any) -> Any:
    """Results whose numeric actuals are drawn from the extremes: tiny, huge,
    negative, integers beyond any float. They stay valid, so they are scored."""
    document = copy.deepcopy(document)
    for achievement in document["achievements"].values():
        actual = achievement.get("actual")
        numeric = isinstance(actual, int | float) and not isinstance(actual, bool)
        if numeric and draw(st.booleans()):
            achievement["actual"] = draw(extreme_numbers)
    return document


def dump(document: Any) -> bytes:
    """YAML as a person might write it; lone surrogates become the bytes an editor
    with the wrong encoding would write."""
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8", errors="surrogatepass")


# -- mutating text -----------------------------------------------------------------


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        operation = draw(
            st.sampled_from(["duplicate", "delete", "insert", "swap", "indent", "cut", "splice"])
        )
        if operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "delete" and len(lines) > 1:
            del lines[index]
        elif operation == "insert":
            lines.insert(index, draw(yaml_lines))
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "indent":
            lines[index] = draw(st.sampled_from(["", " ", "  ", "\t", "    "])) + lines[index]
        elif operation == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            position = draw(st.integers(0, len(lines[index])))
            piece = draw(st.sampled_from([*HOSTILE_STRINGS, "'", '"', "&a ", "*a", "!!str ", "? "]))
            lines[index] = lines[index][:position] + piece + lines[index][position:]
    return "".join(lines).encode("utf-8", errors="surrogatepass")


YAML_ALPHABET = st.sampled_from(
    [*" \t\n-:?,[]{}#&*!|>'\"%@`~.0123456789aeknoruxyz", "\r\n", "\ufeff", "\x85", "é"]
)
yaml_lines = st.builds(
    lambda parts: "".join(parts) + "\n", st.lists(YAML_ALPHABET, min_size=0, max_size=30)
)
yaml_text = st.lists(YAML_ALPHABET, max_size=300).map("".join)

# -- running every stage -----------------------------------------------------------


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Moina layout, guidelines beside the folder the mutants are written to."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "moina").mkdir()
    shutil.copytree(EXAMPLES / "guidelines", root / "guidelines")
    return root


def put(root: Path, contract: bytes, results: bytes) -> Path:
    (root / "moina" / "contract.yaml").write_bytes(contract)
    (root / "moina" / "results.yaml").write_bytes(results)
    return root


def everything(root: Path) -> None:
    """Run validate, score, rank and every renderer of their results: validate
    must report, never raise; score and rank may refuse with a ``PcontractError``,
    and nothing else."""
    report = check_paths([str(root)])
    assert report.files, "validate checked nothing"
    for name, reporter in REPORTERS.items():
        out = io.StringIO()
        reporter().report(report, out)
        if name in ("json", "sarif"):
            json.loads(out.getvalue())
    contract = str(root / "moina" / "contract.yaml")
    results = str(root / "moina" / "results.yaml")
    try:
        scored = score_files(contract, results)
    except PcontractError:
        pass  # refusing is fine; raising anything else is not
    else:
        json.loads(tables.score_json(scored.score, scored.warnings))
        tables.score_md(scored.score)
        tables.score_text(scored.score, scored.warnings, io.StringIO())
        if HAS_REPORTS:
            _render_card(contract, results)
    try:
        ranked = rank_paths([str(root)])
    except PcontractError:
        pass
    else:
        json.loads(tables.rank_json(ranked.rows))
        tables.rank_md(ranked.rows)
        tables.rank_csv(ranked.rows)
        tables.rank_text(ranked.rows, io.StringIO())


_TEMPLATES: list[Any] = []


def _render_card(contract: str, results: str) -> None:
    from pcontract.render import reports
    from pcontract.scoring import evaluation

    if not _TEMPLATES:
        _TEMPLATES.append(reports.Templates())
    try:
        card = evaluation.load_card(contract, results)
    except PcontractError:
        return
    for fmt in ("md", "html"):
        reports.render_card(card, fmt, _TEMPLATES[0])


# -- the tests ---------------------------------------------------------------------


@fuzz_settings(40)
@given(document=mutated(CONTRACT))
def test_mutated_contract(space: Path, document: Any) -> None:
    everything(put(space, dump(document), RESULTS_TEXT.encode()))


@fuzz_settings(40)
@given(document=mutated(RESULTS))
def test_mutated_results(space: Path, document: Any) -> None:
    everything(put(space, CONTRACT_TEXT.encode(), dump(document)))


@fuzz_settings(40)
@given(contract=injected(CONTRACT), results=injected(RESULTS))
def test_injected_values(space: Path, contract: Any, results: Any) -> None:
    everything(put(space, dump(contract), dump(results)))


@fuzz_settings(30)
@given(results=extreme_results(RESULTS))
def test_extreme_actuals(space: Path, results: Any) -> None:
    everything(put(space, CONTRACT_TEXT.encode(), dump(results)))


@fuzz_settings(40)
@given(text=mutated_text(CONTRACT_TEXT))
def test_mutated_contract_text(space: Path, text: bytes) -> None:
    everything(put(space, text, RESULTS_TEXT.encode()))


@fuzz_settings(300)
@given(st.one_of(yaml_text.map(lambda t: t.encode("utf-8")), st.binary(max_size=300)))
def test_arbitrary_text_loads_or_is_reported(data: bytes) -> None:
    for limits in (Limits(), Limits(max_aliases=20, max_depth=10)):
        loaded = load_bytes(data, "fuzz.yaml", limits)
        assert (loaded.problem is None) == (loaded.node is not None)
        if loaded.problem is not None:
            assert loaded.problem.code.startswith("PC")
            assert loaded.problem.line >= 0 and loaded.problem.column >= 0


@fuzz_settings(100)
@given(text=yaml_text)
def test_arbitrary_text_validates_to_problems(space: Path, text: str) -> None:
    contract = "apiVersion: pcontract/v1\nkind: Contract\n" + text
    results = "apiVersion: pcontract/v1\nkind: Results\n" + text
    report = check_paths([str(put(space, contract.encode(), results.encode()))])
    assert report.files
