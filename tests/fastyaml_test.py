"""The fast YAML path gives exactly what the strict loader gives, or nothing.

Differential: every YAML file of the test corpus and generated documents full of
tricky scalars are read both ways. Where the fast path gives data, it must equal
the strict loader's with the same types (True is not 1) and the same key order,
and the strict loader must find no problem; ``check_file`` must report the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pcontract.checking.checker import FileReport, Options, Target, check_file
from pcontract.files import fastyaml
from pcontract.files.loader import load_bytes
from pcontract.files.reading import Limits
from tests.conftest import EXAMPLES, ROOT, TESTS


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down and mappings in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)  # -0.0 is not 0.0
    return bool(a == b)


@pytest.fixture
def strict_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastyaml, "enabled", False)


def strict(data: bytes, limits: Limits = Limits()) -> Any:
    """The strict loader's result, whatever the fast path's switch says."""
    was, fastyaml.enabled = fastyaml.enabled, False
    try:
        return load_bytes(data, "f.yaml", limits)
    finally:
        fastyaml.enabled = was


def agrees(data: bytes, limits: Limits = Limits()) -> bool:
    """Assert the fast path gives the strict data or nothing; say which."""
    fast = fastyaml.fast_data(data, limits)
    if fast is None:
        return False
    loaded = strict(data, limits)
    assert loaded.problem is None, (data, fast, loaded.problem)
    assert same(fast, loaded.data), (data, fast, loaded.data)
    return True


def corpus() -> Iterator[Path]:
    for folder in (TESTS / "cases", EXAMPLES, TESTS / "hostile", TESTS / "data"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file() and not path.is_symlink():
                yield path


CORPUS = list(corpus())


def fields(report: FileReport) -> tuple[object, ...]:
    return (report.problems, report.summary, report.kind, report.broken, report.skipped)


def test_the_corpus_is_read_the_same_both_ways() -> None:
    assert len(CORPUS) > 300
    fast = 0
    for path in CORPUS:
        data = path.read_bytes()
        fast += agrees(data)
        target = Target(path, str(path.relative_to(ROOT)), explicit=False)
        on = check_file(target, Options(), content=data)
        was, fastyaml.enabled = fastyaml.enabled, False
        try:
            off = check_file(target, Options(), content=data)
        finally:
            fastyaml.enabled = was
        assert fields(on) == fields(off), path
    # Most of the corpus is ordinary contracts: the fast path must take them.
    assert fast > len(CORPUS) // 3


def test_the_switch_turns_the_fast_path_off(strict_only: None) -> None:
    assert fastyaml.fast_data(b"a: 1\n", Limits()) is None


def test_positions_come_from_the_bytes_when_asked_for() -> None:
    loaded = load_bytes(b"a:\n  b: [1, 2]\n", "f.yaml")
    assert loaded.data == {"a": {"b": [1, 2]}}
    assert loaded.node is not None
    assert (loaded.node.value[0][1].start_mark.line, loaded.node.value[0][1].start_mark.column) == (
        1,
        2,
    )


@pytest.mark.parametrize(
    "text",
    [
        "a: 1_000\n",
        "a: _1\n",
        "a: 1e_3\n",
        "a: 0xA_B\n",
        "a: 0X1F\n",
        "a: +0x1F\n",
        "a: 0b101\n",
        "a: 0O17\n",
        "a: .iNf\n",
        "a: .inf\n",
        "a: .NaN\n",
        "a: 1e400\n",
        "a: 1.0000001\n",
        "a: 0.1000000000000000055\n",
        "a: 123456789012345.123456\n",
        "a: 99999999999999999\n",
        "a: 1e-7\n",
        "1: a\n",
        "true: a\n",
        "~: a\n",
        "[a]: b\n",
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !foo x\n",
        "<<: {a: 1}\n",
        "{a\n b: c}\n",
        "a: [1,\n 2]\n",
        "a: x\u2028y\n",
        "a: x\x85y\n",
        "\ufeffa: 1\n",
        "a:\tb\n",
        "a: b\rc: d\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: |\n  x\n",
        "k" * 1100 + ": v\n",
        "a: '1'\n",
        "a: {:a: }\n",  # libyaml refuses text that starts with ':' in flow
        "a: [:a]\n",
        "a: [x,   :y]\n",
        "a: {b: :c}\n",
        "",
        "# only a comment\n",
        "~\n",
    ],
)
def test_what_the_parsers_read_differently_takes_the_strict_path(text: str) -> None:
    assert fastyaml.fast_data(text.encode(), Limits()) is None


def test_ordinary_files_take_the_fast_path() -> None:
    text = b"apiVersion: pcontract/v1\nkind: Results\nid: x_1\nas_of: 2025-06-30\n"
    text += b"achievements:\n  I001: {actual: 12, evidence: Report}\n  I002: [1.5, true, null]\n"
    assert agrees(text)


def test_limits_are_the_strict_loaders() -> None:
    deep = b"a:\n  b:\n    c: [[1]]\n"  # five lists and mappings deep
    assert agrees(deep, Limits(max_depth=5))
    assert fastyaml.fast_data(deep, Limits(max_depth=4)) is None
    assert strict(deep, Limits(max_depth=4)).problem is not None
    assert fastyaml.fast_data(b"a: 1\n" * 100, Limits(max_values=100)) is None


def test_a_file_that_may_hold_more_values_than_its_limit_is_counted() -> None:
    """Where the bound on its values passes the limit, the fast path counts them as
    the strict loader does (each scalar, key, list and mapping), and leaves a file
    over the limit to the strict path, which says so."""
    text = b"units:\n" + b"".join(b"  - {id: u%d, copy: true}\n" % n for n in range(50))
    # the mapping, its key, the list, and 50 mappings of two keys and two values
    assert fastyaml._values(strict(text).data) == 3 + 50 * 5
    assert fastyaml._most_values(text) > 253  # too many to be let through uncounted
    assert agrees(text, Limits(max_values=253))
    assert fastyaml.fast_data(text, Limits(max_values=252)) is None
    refused = strict(text, Limits(max_values=252)).problem
    assert refused is not None and refused.code == "PC008"


@pytest.mark.parametrize(
    "text",
    [
        b"a: 1\n" * 13,
        b"- {" + b",".join(b"k%d" % n for n in range(40)) + b"}\n",  # bare keys: two values each
        b"[" + b", ".join(b"[]" for _ in range(40)) + b"]\n",
    ],
)
def test_a_file_that_may_hold_far_more_values_than_its_limit_is_not_parsed_fast(
    monkeypatch: pytest.MonkeyPatch, text: bytes
) -> None:
    """Its parse could take more memory than the strict loader's limit allows: the
    strict loader reads it, and stops at the limit."""
    import yaml_rs

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("parsed")

    limits = Limits(max_values=10)
    assert fastyaml._most_values(text) > fastyaml._PARSED_PER_ALLOWED * limits.max_values
    monkeypatch.setattr(yaml_rs, "loads", refuse)
    assert fastyaml.fast_data(text, limits) is None
    refused = strict(text, limits).problem
    assert refused is not None and refused.code == "PC008"


def test_many_flow_mappings_of_one_line_each_take_the_fast_path() -> None:
    """More brackets than the depth bound allows, each closing on its line: flow
    nesting is then at most 2 * _FLOW_PASSES deep, and block nesting is bounded by
    the line length, so the bound holds."""
    from pcontract.files.loader import depth_bound

    deepest = 2 * fastyaml._FLOW_PASSES
    assert depth_bound(b"[" * deepest, fastyaml._LONG_LINE - 1) <= fastyaml._SAFE_DEPTH_BOUND
    text = b"units:\n" + b"".join(b"  - {id: u%d, to: [a, {b: [c]}]}\n" % n for n in range(1500))
    assert text.count(b"{") + text.count(b"[") > fastyaml._SAFE_DEPTH_BOUND
    assert agrees(text)
    spans = text.replace(b"to: [a,", b"to: [a,\n     ", 1)
    assert fastyaml.fast_data(spans, Limits()) is None
    five = text.replace(b"[c]", b"[[c]]", 1)  # past what the passes take out
    assert fastyaml.fast_data(five, Limits()) is None


def test_deep_nesting_never_reaches_the_rust_parser() -> None:
    # yaml_rs recurses per level and crashes the process past about 8,000.
    deep = b"".join(b" " * (2 * i) + b"a:\n" for i in range(20_000))
    assert fastyaml.fast_data(deep, Limits(max_depth=400)) is None


# -- generated documents ------------------------------------------------------------

SCALARS = [
    "yes", "no", "on", "off", "y", "n", "Y", "N", "True", "TRUE", "tRue", "false", "FALSE",
    "~", "null", "Null", "NULL", "", "0x1F", "0X1F", "0o17", "0O17", "017", "08", "1_000",
    "+1", "-0", ".5", "1.", "1e3", "1E3", "1e+3", "1.e3", "1e400", "-.inf", ".Inf", ".NaN",
    "2024-02-30", "2025-06-30T10:00:00", "12:30", "1:2", "1,5", "0.000001", "0.0000001",
    "1234567890123456789", "999999999999999", "1000000000000000", "1000000000000001",
    "2.40", "-2.5", "3.14159", "1e15", "1e16", "4.9e-324", "1.7976931348623157e308",
    "Annual report", "x y", "é", "日本", "a#b", "a # b", "a: b", "-", "?", "[x]", "{x}",
    "x,y", "'", '"', "\\", "\\n", "2022/2023", "vision2030:political", "sdg:16.9",
]  # fmt: skip
KEYS = ["a", "id", "kind", "1", "01", "true", "True", "null", "~", "1.5", "yes", "<<", "a b",
        "2022/2023", "é", "-1", "0x1"]  # fmt: skip


@st.composite
def scalar_text(draw: st.DrawFn, in_flow: bool) -> str:
    """A scalar as written: plain, quoted, or with a property (anchor, tag)."""
    value = draw(st.sampled_from(SCALARS) | st.text(max_size=6) | st.integers().map(str))
    style = draw(st.sampled_from(["plain"] * 12 + ["single", "double", "tag", "anchor"]))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(value, ensure_ascii=draw(st.booleans()))
    if style == "tag":
        return draw(st.sampled_from(["!!str ", "!!int ", "!foo ", "!!float "])) + value
    if style == "anchor":
        return "&a " + value
    if in_flow and any(c in value for c in ",[]{}"):
        return json.dumps(value)
    return value


def block(draw: st.DrawFn, depth: int, indent: int) -> str:
    kind = draw(st.sampled_from(["map", "seq", "flowmap", "flowseq"] if depth < 3 else ["map"]))
    pad = " " * indent
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        value = draw(node(depth + 1, indent + 2))
        if kind == "map":
            key = draw(st.sampled_from(KEYS) | st.text("abcxyz_019", min_size=1, max_size=5))
            lines.append(f"{pad}{key}:{value}")
        elif kind == "seq":
            lines.append(f"{pad}-{value}")
        else:
            items = ", ".join(draw(st.lists(scalar_text(True), max_size=3)))
            opened, closed = ("{", "}") if kind == "flowmap" else ("[", "]")
            if kind == "flowmap":
                items = ", ".join(
                    f"{k}: {v}"
                    for k, v in zip(
                        draw(st.lists(st.sampled_from(KEYS), max_size=3)),
                        items.split(", "),
                        strict=False,
                    )
                )
            key = draw(st.sampled_from(KEYS))
            lines.append(f"{pad}{key}: {opened}{items}{closed}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(f"{pad}# a comment")
    return "\n".join(lines)


def node(depth: int, indent: int) -> st.SearchStrategy[str]:
    @st.composite
    def make(draw: st.DrawFn) -> str:
        if depth >= 3 or draw(st.booleans()):
            return " " + draw(scalar_text(False)) + draw(st.sampled_from(["", "", " # c"]))
        return "\n" + block(draw, depth, indent)

    return make()


@st.composite
def document(draw: st.DrawFn) -> bytes:
    text = block(draw, 0, 0) + "\n"
    if draw(st.integers(0, 9)) == 0:  # a mutation: what a hand edit might leave
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([" ", "\n", ":", "-", "'", "*a", "\t"])) + text[at:]
    if draw(st.integers(0, 9)) == 0:
        text = "---\n" + text
    return text.encode("utf-8")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document())
@example(b"a: 1\nb: [x, {c: 2.40}]\n")
@example(b"---\na: {:a: }\n# a comment\n")
def test_generated_documents_agree(data: bytes) -> None:
    if agrees(data):  # read fast: the bound on its values holds
        assert fastyaml._values(strict(data).data) <= fastyaml._most_values(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document(), st.integers(min_value=1, max_value=400))
def test_generated_documents_agree_under_any_value_limit(data: bytes, most: int) -> None:
    limits = Limits(max_values=most)
    if fastyaml.fast_data(data, limits) is None:
        return
    assert agrees(data, limits)  # within the limit: the strict loader says so too


@given(
    st.lists(st.integers(min_value=0, max_value=1200), min_size=0, max_size=8),
    st.booleans(),
)
@example([999], False)
@example([1000], False)
@example([999, 1000], True)
def test_a_long_line_is_found_as_splitting_finds_it(lengths: list[int], newline_last: bool) -> None:
    data = b"\n".join(b"x" * n for n in lengths) + (b"\n" if newline_last else b"")
    longest = max(map(len, data.split(b"\n")), default=0)
    assert fastyaml._has_long_line(data) is (longest >= 1000)


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("a: 1\n---\nb: 2\n", True),
        ("a: 1\n...\n", True),
        ("a: 1\n---", True),
        ("a: 1\n--- b\n", True),
        ("a: 1\n----\n", False),
        ("a: '1\n  ---x'\n", False),
        ("a: 1\n  ---\n", False),
    ],
)
def test_a_document_marker_after_the_first_line_is_screened(text: str, marked: bool) -> None:
    assert (fastyaml._MARKER.search(text.encode()) is not None) is marked
