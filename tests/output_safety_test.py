"""Output safety: text from YAML files is shown, never interpreted.

- terminal output: rich markup and ANSI escapes in names print literally;
- Markdown: no table breaks, no HTML, no formatting from names;
- HTML: autoescaped;
- CSV: spreadsheet formulas neutralised;
- JSON and SARIF: always valid JSON and valid UTF-8, even with control characters
  in the input or a file name that is not UTF-8.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pcontract import tables
from pcontract.checker import Report
from pcontract.cli import app
from pcontract.problems import Problem, Severity
from pcontract.reporters import REPORTERS, safe_text
from tests.conftest import TESTS

HAS_REPORTS = importlib.util.find_spec("pcontract.reports") is not None
TREE = TESTS / "data" / "tree"
runner = CliRunner()

MARKUP = "[bold red]X[/]"
ANSI = "\x1b[2J"
OSC_LINK = "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'
MARKDOWN = "| **bold** `code` [link](javascript:alert(1)) ![img](x) # h"
FORMULA = '=HYPERLINK("http://x")'
HOSTILE_NAME = f"{MARKUP} {ANSI} {OSC_LINK} {SCRIPT} {ATTRIBUTE} {MARKDOWN}"


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's too)."""
    return json.dumps(text)


@pytest.fixture
def hostile_tree(tmp_path: Path) -> Path:
    """The small valid tree, with the institution, a category and an indicator
    named with markup, escapes, HTML and Markdown."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    text = contract.read_text(encoding="utf-8")
    for old in (
        "  name: Ministry of Interior and National Administration\n",
        "    name: Core Mandate\n",
        "        name: National identity cards issued\n",
    ):
        assert old in text
        indent = old[: len(old) - len(old.lstrip())]
        text = text.replace(old, f"{indent}name: {yaml_string(HOSTILE_NAME)}\n", 1)
    contract.write_text(text, encoding="utf-8")
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def score(root: Path, *options: str) -> str:
    code, output = invoke(
        "score",
        str(root / "contracts" / "moina.yaml"),
        "--results",
        str(root / "contracts" / "results.yaml"),
        *options,
    )
    assert code == 0, output
    return output


def assert_shown_literally(output: str) -> None:
    assert MARKUP in output
    assert "\x1b" not in output
    assert "\\x1b[2J" in output
    assert "\\x1b]8;;http://evil.example" in output


# -- the terminal --------------------------------------------------------------------


def test_score_text_shows_markup_and_escapes_literally(hostile_tree: Path) -> None:
    assert_shown_literally(score(hostile_tree, "--format", "text"))


def test_rank_text_shows_markup_and_escapes_literally(hostile_tree: Path) -> None:
    code, output = invoke("rank", str(hostile_tree))
    assert code == 0, output
    assert_shown_literally(output)


def test_validate_text_shows_file_names_and_values_literally(tmp_path: Path) -> None:
    name = f"[red]X[blink] {ANSI}.yaml"  # a name cannot hold the / of [/]
    (tmp_path / name).write_text(
        f"apiVersion: pcontract/v1\nkind: {yaml_string(MARKUP + ' ' + OSC_LINK)}\n",
        encoding="utf-8",
    )
    code, output = invoke("validate", str(tmp_path))
    assert code == 1
    assert "[red]X[blink] \\x1b[2J.yaml" in output
    assert "unknown kind '[bold red]X[/] \\x1b]8;;http://evil.example" in output
    assert "\x1b" not in output


def test_bidirectional_overrides_and_line_separators_are_shown_as_escapes() -> None:
    assert safe_text("abc\u202edcb\u2066\u2028") == "abc\\u202edcb\\u2066\\u2028"


# -- Markdown --------------------------------------------------------------------------

_SPECIAL = set("\\`*_{}[]()#+!|~>")


def _unescaped(text: str) -> list[str]:
    """The Markdown special characters in ``text`` not escaped by a backslash."""
    found = []
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _SPECIAL:
            found.append(char)
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a|b", "a\\|b"),
        ("line\nbreak\r\n", "line break  "),
        (SCRIPT, "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        ("&lt; already", "&amp;lt; already"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_escapes(text: str, expected: str) -> None:
    assert tables.md(text) == expected


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text())
def test_md_never_leaves_markup(text: str) -> None:
    cell = tables.md(text)
    assert "\n" not in cell and "\r" not in cell
    assert "<" not in cell and ">" not in cell
    assert _unescaped(cell) == []


def test_score_md_keeps_the_table_whole(hostile_tree: Path) -> None:
    output = score(hostile_tree, "--format", "md")
    assert SCRIPT not in output
    assert "&lt;script&gt;" in output
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    header = rows[0]
    columns = len(re.findall(r"(?<!\\)\|", header))
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == columns, row
    assert any("\\*\\*bold\\*\\*" in row for row in rows)


# -- HTML ------------------------------------------------------------------------------


def _card(root: Path, fmt: str) -> str:
    from pcontract import reports

    inputs = reports.load_card(
        str(root / "contracts" / "moina.yaml"), str(root / "contracts" / "results.yaml")
    )
    return reports.render_card(inputs, fmt)


def test_html_card_escapes_names(hostile_tree: Path) -> None:
    if not HAS_REPORTS:
        return
    html = _card(hostile_tree, "html")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onmouseover="alert(1)' not in html


def test_html_site_escapes_names(hostile_tree: Path) -> None:
    if not HAS_REPORTS:
        return
    from pcontract import reports

    files = reports.render_site(reports.load_site([str(hostile_tree)]))
    assert [name for name, _ in files] == ["index.html", "cards/moina-2024-25.html"]
    for name, html in files:
        assert SCRIPT not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
        assert 'onmouseover="alert(1)' not in html, name


def test_markdown_card_escapes_names(hostile_tree: Path) -> None:
    if not HAS_REPORTS:
        return
    text = _card(hostile_tree, "md")
    assert SCRIPT not in text
    assert "&lt;script&gt;" in text
    assert "**bold**" not in text


# -- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (FORMULA, "'" + FORMULA),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-2", "-2"),
        ("+1.5", "+1.5"),
        ("3.0209", "3.0209"),
        ("Ministry", "Ministry"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cell(value: object, cell: str) -> None:
    assert tables.csv_cell(value) == cell


def test_rank_csv_neutralises_a_formula_in_a_name(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    text = contract.read_text(encoding="utf-8")
    old = "  name: Ministry of Interior and National Administration\n"
    contract.write_text(text.replace(old, f"  name: {yaml_string(FORMULA)}\n"), encoding="utf-8")
    code, output = invoke("rank", "--format", "csv", str(root))
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["institution"] for row in rows] == ["'" + FORMULA]
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "@", "\t", "\r"), row


# -- JSON and SARIF --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_control_characters_in_values_give_valid_json(tmp_path: Path, fmt: str) -> None:
    """A duplicate key's message quotes the key as written: JSON must carry it
    exactly, escaped, and SARIF too."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    key = 'x-\x00\x1b[2J\x7f\x85\u2028\u202e"\\'
    text = contract.read_text(encoding="utf-8")
    twice = f"{yaml_string(key)}: 1\n{yaml_string(key)}: 2\n"
    contract.write_text(
        text.replace("status: draft\n", "status: draft\n" + twice), encoding="utf-8"
    )
    code, output = invoke("validate", "--format", fmt, str(root))
    assert code == 1
    assert "\x1b" not in output  # JSON writes it as \u001b
    payload = json.loads(output)
    if fmt == "json":
        [problem] = payload["problems"]
        message = problem["message"]
    else:
        [result] = payload["runs"][0]["results"]
        message = result["message"]["text"]
    assert f"duplicate key '{key}'" in message


def test_score_json_is_valid_with_a_huge_achievement(tmp_path: Path) -> None:
    """An achievement of 10^11 %, from the largest actual validate accepts (10^15,
    see pcontract.numbers): JSON never holds Infinity."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    results = root / "contracts" / "results.yaml"
    text = results.read_text(encoding="utf-8")
    results.write_text(text.replace("actual: 1020000", "actual: 1e15"), encoding="utf-8")
    output = score(root, "--format", "json")
    payload = json.loads(output, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    [cm01] = [i for i in payload["indicators"] if i["id"] == "CM01"]
    assert cm01["actual"] == 1e15
    assert cm01["raw_score"] == 1.0


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_file_name_that_is_not_utf8_gives_valid_output(tmp_path: Path, fmt: str) -> None:
    """Python reads such a name with lone surrogates, which cannot be written as
    UTF-8: a strict stdout would raise, a lenient one would write invalid UTF-8."""
    folder = tmp_path / "tree"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xff.yaml"), "wb") as handle:
        handle.write(b"kind: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "pcontract", "validate", "--format", fmt, "tree"],
        cwd=tmp_path,
        capture_output=True,
        timeout=20,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
        check=False,
    )
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode("utf-8")  # strict: valid UTF-8
    assert "Traceback" not in result.stderr.decode("utf-8", "replace")
    if fmt in ("json", "sarif"):
        payload = json.loads(text)
        shown = json.dumps(payload)
        assert "bad\\\\udcff.yaml" in shown or "bad%FF.yaml" in shown
    else:
        assert "bad\\udcff.yaml" in text


texts = st.text(
    st.one_of(
        st.characters(),
        st.characters(min_codepoint=0, max_codepoint=0x9F),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(file=texts, message=texts, hint=texts)
def test_reporters_always_write_valid_output(file: str, message: str, hint: str) -> None:
    problems = [Problem(file or "f", 3, 4, "PC001", Severity.ERROR, message, ("a", 0), hint)]
    report = Report([], problems)
    for name, reporter in REPORTERS.items():
        out = io.StringIO()
        reporter().report(report, out)
        output = out.getvalue()
        output.encode("utf-8")  # no lone surrogates
        if name in ("json", "sarif"):
            json.loads(output)
        elif name == "github":
            assert len(output.splitlines()) == 2  # one annotation, one summary
            assert "\x1b" not in output
        else:
            assert "\x1b" not in output


def test_sarif_keeps_a_backslash_in_a_file_name() -> None:
    """On POSIX a backslash is part of the name, not a folder separator."""
    from pcontract.reporters import sarif_uri

    assert sarif_uri("dir/a\\b.yaml") == ("dir/a%5Cb.yaml" if os.sep == "/" else "dir/a/b.yaml")
    assert sarif_uri("caf\u00e9 x.yaml") == "caf%C3%A9%20x.yaml"
    assert sarif_uri("\ud800.yaml") == "%ED%A0%80.yaml"
