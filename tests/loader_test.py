"""The loader's YAML hazards, one test each, asserting exact codes and positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcontract.files.loader import load, load_bytes, locate
from pcontract.files.reading import Limits


def problem(data: bytes, limits: Limits | None = None) -> tuple[str, int, int, str]:
    loaded = load_bytes(data, "f.yaml", limits or Limits())
    assert loaded.problem is not None, f"expected a problem, got {loaded.data!r}"
    p = loaded.problem
    return p.code, p.line, p.column, p.message


def data(text: bytes) -> object:
    loaded = load_bytes(text, "f.yaml")
    assert loaded.problem is None, loaded.problem
    return loaded.data


def test_only_true_and_false_are_booleans() -> None:
    assert data(b"a: no\nb: on\nc: off\nd: yes\ne: true\nf: False\n") == {
        "a": "no",
        "b": "on",
        "c": "off",
        "d": "yes",
        "e": True,
        "f": False,
    }


def test_dates_stay_strings() -> None:
    assert data(b"due: 2025-06-30\nfy: 2024/2025\n") == {"due": "2025-06-30", "fy": "2024/2025"}


def test_numbers_follow_yaml_1_2() -> None:
    # 010 is ten (not octal eight), 1e3 is a float, 12:30 is text (not sexagesimal).
    assert data(b"a: 010\nb: 1e3\nc: 12:30\nd: 0x10\ne: -2.5\n") == {
        "a": 10,
        "b": 1000.0,
        "c": "12:30",
        "d": 16,
        "e": -2.5,
    }


def test_keys_are_always_text() -> None:
    assert data(b"101: a\ntrue: b\n2024/2025: c\n") == {"101": "a", "true": "b", "2024/2025": "c"}


def test_duplicate_key_names_both_positions() -> None:
    code, line, column, message = problem(b"id: a\nweight: 1\nweight: 2\n")
    assert (code, line, column) == ("PC002", 3, 1)
    assert "duplicate key 'weight'" in message
    assert "line 2, column 1" in message


def test_python_tag_is_refused_and_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f"a: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    code, line, column, message = problem(payload)
    assert (code, line, column) == ("PC005", 1, 4)
    assert "python/object/apply" in message
    assert not marker.exists()


def test_alias_is_refused_at_its_use() -> None:
    assert problem(b"a: &x [1, 2]\nb: *x\n")[:3] == ("PC003", 2, 4)


def test_alias_cap_can_be_raised() -> None:
    loaded = load_bytes(b"a: &x [1, 2]\nb: *x\n", "f.yaml", Limits(max_aliases=1))
    assert loaded.problem is None
    assert loaded.data == {"a": [1, 2], "b": [1, 2]}


def test_billion_laughs_fails_fast() -> None:
    rows = [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        refs = ",".join([f"*{prev}"] * 9)
        rows.append(f"{name}: &{name} [{refs}]".encode())
    assert problem(b"\n".join(rows))[:3] == ("PC003", 2, 8)


def test_merge_key_is_refused() -> None:
    assert problem(b"b:\n  <<: {k: 1}\n")[:3] == ("PC005", 2, 3)


def test_complex_key_is_refused() -> None:
    assert problem(b"? [a, b]\n: 1\n")[:3] == ("PC005", 1, 3)


@pytest.mark.parametrize(
    "text", [b"w: .nan\n", b"w: .inf\n", b"w: -.Inf\n", b"w: 1e400\n"], ids=str
)
def test_non_finite_numbers_are_refused(text: bytes) -> None:
    code, line, column, message = problem(text)
    assert (code, line, column) == ("PC004", 1, 4)
    assert "not a finite number" in message


def test_bom_and_crlf_are_accepted() -> None:
    assert data(b"\xef\xbb\xbfa: 1\r\nb: x\r\n") == {"a": 1, "b": "x"}


def test_one_document_per_file() -> None:
    code, line, _, message = problem(b"a: 1\n---\nb: 2\n")
    assert (code, line) == ("PC001", 2)
    assert "more than one YAML document" in message


@pytest.mark.parametrize("text", [b"", b"# only a comment\n", b"\n\n"], ids=repr)
def test_empty_file(text: bytes) -> None:
    assert problem(text)[:3] == ("PC007", 0, 0)


def test_tab_indentation_has_a_position() -> None:
    assert problem(b"a:\n\tb: 1\n")[:3] == ("PC001", 2, 1)


def test_unclosed_quote_points_where_it_opened() -> None:
    code, line, column, message = problem(b"x: 1\na: 'unclosed\nb: 2\n")
    assert (code, line, column) == ("PC001", 2, 4)
    assert "quoted scalar" in message


def test_invalid_utf8_has_a_position() -> None:
    code, line, column, message = problem(b"a: ok\nb: \xff\n")
    assert (code, line, column) == ("PC001", 2, 4)
    # Columns count characters, not bytes: the em dash is three bytes.
    assert problem("t: a — \xff".encode()[:-2] + b"\xff")[1:3] == (1, 8)
    assert "UTF-8" in message or "utf-8" in message


def _flow_sequence(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def _flow_mapping(levels: int) -> bytes:
    return b"{a: " * levels + b"1" + b"}" * levels


def _block_sequence(levels: int) -> bytes:
    return b"- " * levels + b"x"


def _block_mapping(levels: int) -> bytes:
    inner = levels - 1
    return b"".join(b" " * level + b"a:\n" for level in range(inner)) + b" " * inner + b"b: 1\n"


# Where level 101, the first past the default --max-depth of 100, opens.
_SHAPES = {
    "flow-sequence": (_flow_sequence, (1, 101)),
    "flow-mapping": (_flow_mapping, (1, 401)),
    "block-sequence": (_block_sequence, (1, 201)),
    "block-mapping": (_block_mapping, (101, 101)),
}


@pytest.mark.parametrize("levels", [101, 1_001, 100_000])
@pytest.mark.parametrize("shape", sorted(_SHAPES))
def test_deep_nesting_is_pcontracts_own_limit(shape: str, levels: int) -> None:
    """PC006 at the first level past --max-depth, whatever libyaml's own nesting
    limit (1,000 levels in libyaml 0.2.6, none in 0.2.5) says first."""
    build, where = _SHAPES[shape]
    if shape == "block-mapping" and levels > 1_001:
        levels = 3_000  # indentation grows with depth: 100k levels would be 5 GB
    code, line, column, message = problem(build(levels))
    assert (code, (line, column)) == ("PC006", where)
    assert message == "the document is nested more than 100 levels deep"


@pytest.mark.parametrize("shape", sorted(_SHAPES))
def test_depth_ceiling_is_pcontracts_past_libyamls_limit(shape: str) -> None:
    build, _ = _SHAPES[shape]
    levels = 3_000 if shape == "block-mapping" else 100_000
    code, _, _, message = problem(build(levels), Limits(max_depth=1_000_000))
    assert code == "PC006"
    assert "more than 500 levels deep, the most pcontract can read" in message


def test_shallow_nesting_under_the_limit_loads() -> None:
    for build, _ in _SHAPES.values():
        assert load_bytes(build(100), "f.yaml").problem is None


def test_depth_limit_can_be_raised() -> None:
    text = b"[" * 150 + b"]" * 150
    assert load_bytes(text, "f.yaml", Limits(max_depth=200)).problem is None


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 100 + b"\n")
    loaded = load(path, "big.yaml", Limits(max_bytes=50))
    assert loaded.problem is not None
    assert loaded.problem.code == "PC008"
    assert "over the limit of 50" in loaded.problem.message


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    loaded = load(tmp_path / "missing.yaml")
    assert loaded.problem is not None
    assert loaded.problem.code == "PC008"


def test_locate_finds_values_keys_and_falls_back_to_ancestors() -> None:
    loaded = load_bytes(b"a:\n  b: [10, 20]\n  c: x\n", "f.yaml")
    assert locate(loaded.node, ("a", "b", 1)) == (2, 11)
    assert locate(loaded.node, ("a", "c"), at_key=True) == (3, 3)
    assert locate(loaded.node, ("a", "missing")) == (2, 3)
