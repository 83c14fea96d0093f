"""Output safety: text from YAML files is shown, never interpreted.

- terminal output: rich markup and ANSI escapes in names print literally, and
  every value prints on one line (line breaks, tabs, invisible marks and the
  starts of workflow commands escaped) in validate, score, rank, tree, diff,
  cascade and init;
- GitHub annotations: GitHub's escapes, one line per problem, no other command;
- Markdown: no table breaks, no HTML, no formatting, no link, mention or block
  from names;
- HTML: autoescaped;
- CSV: one record per row, spreadsheet formulas neutralised on every line;
- JSON and SARIF: always strict, valid JSON and valid UTF-8, even with control
  characters in the input, a file name that is not UTF-8, or a figure beyond any
  float.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from pcontract.checking.checker import Report
from pcontract.cli.app import app
from pcontract.problems import Problem, Severity
from pcontract.render import tables
from pcontract.render.reporters import REPORTERS, safe_text
from tests.conftest import TESTS

HAS_REPORTS = importlib.util.find_spec("pcontract.render.reports") is not None
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
    from pcontract.render import reports
    from pcontract.scoring import evaluation

    inputs = evaluation.load_card(
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
    from pcontract.render import reports
    from pcontract.scoring import evaluation

    files = reports.render_site(evaluation.load_site([str(hostile_tree)]))
    assert [name for name, _ in files] == ["cards/moina-2024-25.html", "index.html"]
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
        ("\r=1", "'\r'=1"),
        ("a\n=1\r\n-2\r@x", "a\n'=1\r\n-2\r'@x"),
        ("-inf", "'-inf"),
        ("+1_000", "'+1_000"),
        ("::error::x", "'::error::x"),
        ("a\n::warning file=x::y", "a\n'::warning file=x::y"),
        ("-1.5e3", "-1.5e3"),
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


@given(st.text(st.sampled_from("ab1-+=@:\t\r\n. e"), max_size=12))
def test_csv_cell_of_one_line_is_the_line_by_line_form(text: str) -> None:
    """The shortcut for a cell without a line break gives what splitting the cell
    at its line breaks gives."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    parts[::2] = [tables._csv_line(line) for line in parts[::2]]
    cell = "".join(parts)
    assert tables.csv_cell(text) == ("'" + cell if cell[:1] in ("\r", "\n") else cell)


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
    see pcontract.files.numbers): JSON never holds Infinity."""
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
    from pcontract.render.reporters import sarif_uri

    assert sarif_uri("dir/a\\b.yaml") == ("dir/a%5Cb.yaml" if os.sep == "/" else "dir/a/b.yaml")
    assert sarif_uri("caf\u00e9 x.yaml") == "caf%C3%A9%20x.yaml"
    assert sarif_uri("\ud800.yaml") == "%ED%A0%80.yaml"


# -- one line per value in every text output -------------------------------------------

# A value that, printed as it is, would forge a summary line, run GitHub workflow
# commands (``::error`` at the start of a line, ``##[warning]`` anywhere), and hide
# or reorder text with zero-width and direction marks.
FORGED = "✔ 12 files valid"
LINES = (
    f"Ministry\n{FORGED}\r\n::error file=x.yaml,line=1::forged\t"
    "tab\u000bvt\u0085nel\u2028ls\u2029ps ##[warning]old-style"
)
INVISIBLE = "a\u200bb\u200cc\u200dd\u200ee\u200ff\u061cg\u2060h\u2064i\ufeffj\u180ek\u202al\u2066m"
HOSTILE_LINES = f"{LINES} {INVISIBLE}"
# What safe_text must never let through as itself: line breaks of any kind, tabs,
# and every control, format, separator or surrogate character.
_RAW = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _raw_characters(text: str) -> list[str]:
    import unicodedata

    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def assert_one_line_each(output: str) -> None:
    """``output`` shows HOSTILE_LINES (or the part of it given) only escaped: no
    forged line, no workflow command, no raw invisible character."""
    assert [c for c in output if c != "\n" and c in _raw_characters(output)] == []
    for line in output.split("\n"):
        assert not line.strip().startswith(FORGED), line
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line
    assert "\\n" in output


def _write(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def lines_tree(tmp_path: Path) -> Path:
    """The small valid tree, with the institution and an indicator named with line
    breaks, workflow commands and invisible characters."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    _write(
        contract,
        "  name: Ministry of Interior and National Administration\n",
        f"  name: {yaml_string(HOSTILE_LINES)}\n",
    )
    _write(
        contract,
        "        name: National identity cards issued\n",
        f"        name: {yaml_string(LINES)}\n",
    )
    _write(
        root / "guidelines" / "fy2024-25.yaml",
        "{grade: Good, max: 3.60}",
        f"{{grade: {yaml_string('Good' + LINES)}, max: 3.60}}",
    )
    return root


def test_safe_text_escapes_line_breaks_tabs_and_invisible_marks() -> None:
    assert safe_text("a\nb\tc\r\n") == "a\\nb\\tc\\r\\n"
    assert safe_text("\u200b\u200f\u061c\u2060\u2064\ufeff\u180e\u202a\u2069\xad") == (
        "\\u200b\\u200f\\u061c\\u2060\\u2064\\ufeff\\u180e\\u202a\\u2069\\xad"
    )
    assert safe_text("::error file=x::y") == ":\\x3aerror file=x:\\x3ay"
    assert safe_text("a ##[warning]b") == "a #\\x23[warning]b"
    # Printable text, however foreign, is left alone.
    printable = "Wizara ya Usalama — café 部 :x # [y]"
    assert safe_text(printable) == printable


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(texts)
def test_a_value_always_prints_on_one_line(text: str) -> None:
    """For any text, the text renderer prints a value on one line, whether rich
    styles it or not, and it can start no workflow command."""
    from rich.console import Console
    from rich.text import Text

    shown = safe_text(text)
    assert len(shown.splitlines()) <= 1
    assert _raw_characters(shown) == []
    assert "::" not in shown and "##[" not in shown
    out = io.StringIO()
    Console(file=out, width=10_000, force_terminal=True, highlight=False).print(Text(shown))
    assert out.getvalue().count("\n") == 1


def test_validate_text_keeps_keys_and_messages_on_one_line(tmp_path: Path) -> None:
    """A duplicate key, a `guidelines:` path and a plan's id_pattern, each with line
    breaks: the problem messages that quote them print on one line each."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    twice = f"{yaml_string(LINES)}: 1\n{yaml_string(LINES)}: 2\n"
    _write(contract, "status: draft\n", "status: draft\n" + twice)
    results = root / "contracts" / "results.yaml"
    other = shutil.copy(contract, root / "contracts" / "other.yaml")
    _write(Path(other), "id: moina-2024-25\n", "id: other-2024-25\n")
    _write(Path(other), f"status: draft\n{twice}", "status: draft\n")
    _write(
        Path(other),
        "guidelines: ../guidelines/fy2024-25.yaml\n",
        f"guidelines: {yaml_string('../' + LINES + '.yaml')}\n",
    )
    plan = root / "contracts" / "plan.yaml"
    plan.write_text(
        "apiVersion: pcontract/v1\nkind: CascadePlan\nparent: moina-2024-25\n"
        f"id_pattern: {yaml_string(LINES)}\n"
        "units:\n  - id: a\n    name: Unit A\n    indicators: {CM01: {copy: true}}\n",
        encoding="utf-8",
    )
    assert results.is_file()
    code, output = invoke("validate", str(root))
    assert code == 1, output
    assert output.count("\\n✔ 12 files valid\\r\\n:\\x3aerror") >= 3, output
    assert_one_line_each(output)
    assert output.rstrip("\n").split("\n")[-1].startswith("✖ ")


def test_validate_text_keeps_a_file_name_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name starts the line that heads its problems: it can neither start a
    workflow command there nor add lines."""
    folder = tmp_path / "tree"
    folder.mkdir()
    name = f"::error file=a::b\n{FORGED}\n::warning::c\t\u200b.yaml"
    (folder / name).write_text("kind: [\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    for path in (".", name):
        for fmt in ("text", "github"):
            code, output = invoke("validate", "--format", fmt, path)
            assert code == 1
            assert "b\\n✔ 12 files valid\\n" in output, output
            commands = [line for line in output.split("\n") if line.lstrip().startswith("::")]
            assert len(commands) == (1 if fmt == "github" else 0), output
            if fmt == "text":
                assert_one_line_each(output)


def test_score_text_keeps_values_on_one_line(lines_tree: Path) -> None:
    output = score(lines_tree, "--format", "text")
    assert "Ministry\\n✔ 12 files valid" in output
    assert "Composite score 3.3200: GoodMinistry\\n✔ 12 files valid" in output
    assert_one_line_each(output)


def test_rank_text_keeps_values_on_one_line(lines_tree: Path) -> None:
    code, output = invoke("rank", str(lines_tree))
    assert code == 0, output
    assert "Ministry\\n✔ 12 files valid" in output
    assert_one_line_each(output)


def test_tree_keeps_values_on_one_line(lines_tree: Path) -> None:
    code, output = invoke("tree", str(lines_tree))
    assert code == 0, output
    assert "Ministry\\n✔ 12 files valid" in output
    assert_one_line_each(output)


def test_diff_text_keeps_values_on_one_line(lines_tree: Path) -> None:
    old = lines_tree / "contracts" / "moina.yaml"
    new = lines_tree / "contracts" / "new.yaml"
    new.write_text(
        old.read_text(encoding="utf-8")
        .replace("target: 1000000", "target: 1100000")
        # the Q4 target moves with the annual one (PC208)
        .replace("750000, 1000000]", "750000, 1100000]"),
        encoding="utf-8",
    )
    code, output = invoke("diff", str(old), str(new))
    assert code == 0, output
    assert "Ministry\\n✔ 12 files valid" in output
    assert_one_line_each(output)


def test_cascade_and_init_keep_paths_on_one_line(tmp_path: Path) -> None:
    """The paths cascade and init print come from the command line: a folder name
    with line breaks prints on one line too."""
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    root = tmp_path / "c"
    out = root / f"d\n{FORGED}\n::error file=a::b\t"
    args = ["cascade", str(root / "contract.yaml"), "--plan", str(root / "plan.yaml")]
    for extra in (["--dry-run"], []):
        # Wide, so that the dry run's table does not wrap the path.
        result = runner.invoke(app, [*args, "--out", str(out), *extra], env={"COLUMNS": "1000"})
        code, output = result.exit_code, result.output
        assert code == 0, output
        assert "d\\n✔ 12 files valid\\n:\\x3aerror file=a:\\x3ab\\t" in output
        assert_one_line_each(output)
    code, output = invoke("init", str(tmp_path / f"i\n{FORGED}\n::error::x"))
    assert code == 0, output
    assert "i\\n✔ 12 files valid\\n:\\x3aerror:\\x3ax" in output
    assert_one_line_each(output)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(file=texts, message=texts, hint=texts)
def test_no_output_line_but_an_annotation_starts_a_workflow_command(
    file: str, message: str, hint: str
) -> None:
    """In text output no line starts a workflow command; with --format github only
    the annotations do, one per problem, with GitHub's escapes in data and
    properties."""
    problems = [Problem(file or "f", 3, 4, "PC001", Severity.ERROR, message, ("a", 0), hint)]
    report = Report([], problems)
    for name in ("text", "github"):
        out = io.StringIO()
        REPORTERS[name]().report(report, out)
        lines = out.getvalue().split("\n")
        commands = [line for line in lines if line.lstrip().startswith("::")]
        assert commands == ([lines[0]] if name == "github" else []), lines
        assert not any("##[" in line for line in lines)
        if name == "github":
            head, sep, data = lines[0].partition("::")[2].partition("::")
            assert sep and "\r" not in data
            properties = head.partition(" ")[2]
            for prop in properties.split(","):
                key, _, value = prop.partition("=")
                assert key in ("file", "line", "col", "title")
                assert ":" not in value and "," not in value
            assert re.fullmatch(r"(?:[^%]|%(?:25|0D|0A|3A|2C))*", head)
            assert re.fullmatch(r"(?:[^%]|%(?:25|0D|0A))*", data)


def test_github_annotation_escapes_data_and_properties() -> None:
    problem = Problem("a,b::c%d.yaml", 3, 4, "PC001", Severity.ERROR, "50%\r\nx", ("a",), "")
    out = io.StringIO()
    REPORTERS["github"]().report(Report([], [problem]), out)
    first = out.getvalue().split("\n")[0]
    # The file name exactly, percent-encoded as GitHub decodes it.
    assert first == (
        "::error file=a%2Cb%3A%3Ac%25d.yaml,line=3,col=4,title=PC001 yaml-syntax::50%25\\r\\nx"
    )


def test_a_long_value_is_never_wrapped_onto_a_line_of_its_own(tmp_path: Path) -> None:
    """rich would wrap a long line at the console's width, so that any part of a
    value, such as a forged summary, could start a line: text output soft-wraps."""
    from pcontract.render.reporters import text_console

    long = "padding " * 40 + FORGED
    out = io.StringIO()
    text_console(out, 80).print(long, markup=False)
    assert out.getvalue() == long + "\n"

    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    _write(
        contract,
        "  name: Ministry of Interior and National Administration\n",
        f"  name: {yaml_string(long)}\n",
    )
    new = root / "contracts" / "new.yaml"
    new.write_text(
        contract.read_text(encoding="utf-8")
        .replace("target: 1000000", "target: 1100000")
        # the Q4 target moves with the annual one (PC208)
        .replace("750000, 1000000]", "750000, 1100000]"),
        encoding="utf-8",
    )
    for args in (("tree", str(contract)), ("diff", str(contract), str(new))):
        code, output = invoke(*args)
        assert code == 0, output
        assert long in output, output
    folder = tmp_path / ("folder " * 20)
    code, output = invoke("init", str(folder))
    assert code == 0, output
    assert f"wrote {folder / 'README.md'}\n" in output


# -- Markdown: no link, mention or block from a value -----------------------------------

# What GitHub would turn into a link or a notification, looked for in the text a
# reader sees (entities decoded): bare URLs and www. autolinks, e-mail links and
# mentions, issue references; and in the Markdown itself, workflow commands.
_GFM_LINK = re.compile(r"(?i:(?:https?|ftp)://|www\.)|@[A-Za-z0-9]|#\d|::")
_COMMAND_START = re.compile(r"::|##\[")
MD_HOSTILE = [
    "- @alice see https://evil.example/x and www.evil.example",
    "1. [x](https://e.com) mail planning@ministry.example",
    "    # not code ::error::x",
    "> quote #12 HTTPS://E.COM WWW.E.COM",
    "---",
    "===",
    "\t+ item",
    "2) step &#64;bob &#58;// www&#46;e.com",
    "* * *",
    "```fence",
    "<https://e.com> [y]: https://e.com",
]


def _tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)


def _shown_text(tokens: list[Token]) -> str:
    """The text of every inline token, entities decoded, as a reader sees it."""
    return "\n".join(
        child.content
        for token in tokens
        for child in token.children or []
        if child.type in ("text", "code_inline")
    )


def _inline_types(tokens: list[Token]) -> set[str]:
    return {
        child.type
        for token in tokens
        for child in token.children or []
        if child.type not in ("text", "softbreak")
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://e.com", "https:\u200d//e.com"),
        ("www.e.com and WWW.E.COM", "www\u200d.e.com and WWW\u200d.E.COM"),
        ("@alice and a@b.org", "@\u200dalice and a@\u200db.org"),
        ("#12", "\\#\u200d12"),
        ("::error::x", ":\u200d:error:\u200d:x"),
        ("- item", "\\- item"),
        ("---", "\\---"),
        ("=== x", "\\=== x"),
        ("1. item", "1\\. item"),
        ("    code", " code"),
        ("\t- item", " \\- item"),
        ("-2.5", "-2.5"),
        ("3.0209", "3.0209"),
        (" was", " was"),
        ("a\u202eb\u200bc", "a\\\\u202eb\\\\u200bc"),
    ],
)
def test_md_breaks_links_mentions_and_block_starts(text: str, expected: str) -> None:
    assert tables.md(text) == expected


_md_pieces = st.sampled_from(
    [
        "https://", "http://", "HTTPS://", "ftp://", "www.", "WWW.", "@", "a@b", "#1",
        "- ", "-", "1. ", "2) ", "    ", "\t", "> ", "#", "##[", "::", "[x]", "(", ")",
        "!", "a", "w", " ", "\n", "\r", "&#64;", "&#58;", "&", ";", "---", "===", "*",
        "_", "`", "~", "<", "|", "\\", "e.com", "9", ".",
    ]
)  # fmt: skip
md_texts = st.one_of(st.lists(_md_pieces, max_size=12).map("".join), st.text(max_size=30))


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(md_texts)
def test_md_never_yields_a_link_a_mention_or_a_block(text: str) -> None:
    """Wherever a value lands, a paragraph, a heading, a list item or a table cell,
    it is inline text only, with nothing GitHub would link or notify."""
    cell = tables.md(text)
    assert not _COMMAND_START.search(cell), cell
    for context, blocks in (
        ("{}", ["paragraph_open", "inline", "paragraph_close"]),
        ("## {}", ["heading_open", "inline", "heading_close"]),
        (
            "- {}",
            [
                *("bullet_list_open", "list_item_open", "paragraph_open", "inline"),
                *("paragraph_close", "list_item_close", "bullet_list_close"),
            ],
        ),
    ):
        tokens = _tokens(context.format(cell))
        shape = [t.type for t in tokens]
        if context == "{}" and not cell.strip(" \t"):
            assert shape == [], cell
        elif context == "- {}" and not cell.strip(" \t"):
            continue  # an empty list item
        else:
            assert shape == blocks, (context, cell)
        assert _inline_types(tokens) == set(), cell
        assert not _GFM_LINK.search(_shown_text(tokens)), (context, cell)
    table = _tokens(f"| a |\n| --- |\n| {cell} |\n")
    assert [t.type for t in table].count("td_open") == 1


def _md_tree(tmp_path: Path, value: str) -> Path:
    """The small tree with the institution, the title and an indicator named
    ``value``, and a new version of the contract with one target changed."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    for old, indent in (
        ("  name: Ministry of Interior and National Administration\n", "  "),
        ("        name: National identity cards issued\n", "        "),
    ):
        _write(contract, old, f"{indent}name: {yaml_string(value)}\n")
    _write(
        contract,
        "title: Performance Contract — Ministry of Interior and National Administration\n",
        f"title: {yaml_string(value)}\n",
    )
    new = root / "contracts" / "new.yaml.txt"
    new.write_text(
        contract.read_text(encoding="utf-8")
        .replace("target: 1000000", "target: 1100000")
        # the Q4 target moves with the annual one (PC208)
        .replace("750000, 1000000]", "750000, 1100000]"),
        encoding="utf-8",
    )
    return root


def _md_outputs(root: Path) -> dict[str, str]:
    contract = str(root / "contracts" / "moina.yaml")
    results = str(root / "contracts" / "results.yaml")
    outputs = {}
    for name, args in {
        "report": ("report", contract, "--results", results, "--format", "md"),
        "score": ("score", contract, "--results", results, "--format", "md"),
        "rank": ("rank", str(root), "--format", "md"),
        "diff": ("diff", contract, str(root / "contracts" / "new.yaml.txt"), "--format", "md"),
    }.items():
        code, output = invoke(*args)
        assert code == 0, output
        outputs[name] = output
    return outputs


@pytest.mark.parametrize("value", MD_HOSTILE)
def test_markdown_outputs_keep_a_value_inline(tmp_path: Path, value: str) -> None:
    """report, score, rank and diff in Markdown: with a hostile name the document
    has the same blocks as with a plain one, no link and nothing GitHub links."""
    plain = _md_outputs(_md_tree(tmp_path / "plain", "Ministry"))
    hostile = _md_outputs(_md_tree(tmp_path / "hostile", value))
    for name, output in hostile.items():
        tokens = _tokens(output)
        assert [t.type for t in tokens] == [t.type for t in _tokens(plain[name])], name
        assert "link_open" not in _inline_types(tokens), name
        assert not _GFM_LINK.search(_shown_text(tokens)), (name, _shown_text(tokens))
        assert not _COMMAND_START.search(output), name


# -- CSV: one record per contract, no formula -------------------------------------------

CSV_NAMES = [
    "Ministry\r=1+1",
    "County\n=2+2",
    "Agency\r\n@SUM(A1)",
    "-1+2",
    '+cmd|" /C calc"!A0',
    'Board, "quoted"\r-3\r\n\t=4',
]


def _assert_no_formula(cell: str) -> None:
    for line in re.split(r"\r\n|\r|\n", cell):
        if line[:1] in ("=", "+", "-", "@", "\t"):
            assert re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", line), cell


def test_rank_csv_gives_one_record_per_contract(tmp_path: Path) -> None:
    """Six contracts named with carriage returns, line feeds, quotes, commas and
    formulas: seven records (the header and six), each name whole and inert."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    contract = root / "contracts" / "moina.yaml"
    text = contract.read_text(encoding="utf-8")
    contract.unlink()
    for number, name in enumerate(CSV_NAMES):
        other = text.replace("id: moina-2024-25\n", f"id: c{number}-2024-25\n").replace(
            "  name: Ministry of Interior and National Administration\n",
            f"  name: {yaml_string(name)}\n",
        )
        (root / "contracts" / f"c{number}.yaml").write_text(other, encoding="utf-8")
    (root / "contracts" / "results.yaml").unlink()
    result = runner.invoke(app, ["rank", "--format", "csv", str(root)])
    assert result.exit_code == 0, result.output
    output = result.stdout_bytes.decode("utf-8")  # .output would turn CRLF into LF
    records = list(csv.reader(io.StringIO(output, newline="")))
    assert len(records) == 1 + len(CSV_NAMES), records
    assert records[0] == [
        "category",
        "rank",
        "contract",
        "institution",
        "composite",
        "grade",
        "flags",
        "financial_year",
        "category_name",
        "previous_financial_year",
        "previous_rank",
        "previous_composite",
        "previous_grade",
        "places_moved",
        "composite_change",
        "composite_movement",
    ]
    assert {r[3] for r in records[1:]} == {tables.csv_cell(name) for name in CSV_NAMES}
    for record in records:
        assert len(record) == 16
        for cell in record:
            _assert_no_formula(cell)
    assert "Ministry\r'=1+1" in {r[3] for r in records}


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(texts, texts, texts, texts), min_size=1, max_size=5))
def test_rank_csv_is_one_record_per_row_for_any_text(
    rows: list[tuple[str, str, str, str]],
) -> None:
    from decimal import Decimal

    from pcontract.scoring.ranking import RankRow

    ranked = [
        RankRow(n + 1, contract, institution, category, None, Decimal("2.5"), grade, (grade,))
        for n, (contract, institution, category, grade) in enumerate(rows)
    ]
    text = tables.rank_csv(ranked)
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert len(records) == 1 + len(rows)
    for record, row in zip(records[1:], ranked, strict=True):
        assert record[2:4] == [tables.csv_cell(row.contract), tables.csv_cell(row.institution)]
        for cell in record:
            _assert_no_formula(cell)


# -- JSON: strict everywhere -------------------------------------------------------------


def _strict(text: str) -> object:
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def test_json_text_writes_null_for_what_is_not_finite() -> None:
    from pcontract.render.reporters import json_text

    text = json_text({"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": "\ud800"})
    assert _strict(text) == {"a": None, "b": [None, None, 1.5], "c": "\\ud800"}


_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=6)
)
_JSON_KEYS = (
    st.text(max_size=4)
    | st.sampled_from(["\ud800x", "\udfff"])
    | st.floats()
    | st.integers()
    | st.booleans()
    | st.none()
)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        _JSON_LEAVES,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(_JSON_KEYS, inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_json_text_writes_what_the_payload_made_safe_writes(payload: object) -> None:
    """Written as it is where that is safe, else made safe first: the same text."""
    from pcontract.render.reporters import json_safe, json_text

    safe = json.dumps(json_safe(payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    assert json_text(payload) == safe
    safe.encode("utf-8")  # valid UTF-8: no lone surrogate is left


def test_diff_json_is_strict_for_a_change_beyond_any_float(tmp_path: Path) -> None:
    """A target changed from 1 to 10^400 is refused where it is written (the numeric
    policy, PC009), never printed as Infinity; a change from 0, whose percentage is
    undefined, is null in strict JSON."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    old = root / "contracts" / "moina.yaml"
    text = old.read_text(encoding="utf-8")
    criteria = "          excellent: 1200000\n          poor: 600000\n"

    def write(path: Path, target: int, excellent: int) -> None:
        path.write_text(
            text.replace("        target: 1000000\n", f"        target: {target}\n")
            .replace(criteria, f"          excellent: {excellent}\n          poor: 0\n")
            .replace("quarterly_targets: [250000, 500000, 750000, 1000000]", "")
            .replace("aggregation: sum", ""),
            encoding="utf-8",
        )

    new = root / "contracts" / "new.yaml.txt"
    write(old, 1, 2)
    write(new, 10**400, 2)
    code, output = invoke("diff", "--format", "json", str(old), str(new))
    assert code == 1 and "Infinity" not in output and "NaN" not in output
    assert "PC009" in output and "larger than pcontract can compute with" in output
    write(old, 0, 10**15)
    write(new, 10**15 - 1, 10**15)
    code, output = invoke("diff", "--format", "json", str(old), str(new))
    assert "Infinity" not in output and "NaN" not in output
    payload = _strict(output)
    assert isinstance(payload, dict)
    [contract] = payload["contracts"]
    [change] = [c for c in contract["changes"] if c["field"] == "target"]
    assert change["new"] == 10**15 - 1
    assert change["change_pct"] is None
    assert code in (0, 1)


def test_every_json_writer_is_strict(tmp_path: Path) -> None:
    """validate, score, rank, rules and diff: huge figures never give NaN or Infinity."""
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    results = root / "contracts" / "results.yaml"
    _write(results, "actual: 1020000", "actual: 999999999999999")  # the policy's largest
    contract = str(root / "contracts" / "moina.yaml")
    for args in (
        ("validate", "--format", "json", str(root)),
        ("validate", "--format", "sarif", str(root)),
        ("score", contract, "--results", str(results), "--format", "json"),
        ("rank", str(root), "--format", "json"),
        ("rules", "--format", "json"),
        ("diff", "--format", "json", contract, contract),
    ):
        code, output = invoke(*args)
        assert code == 0, (args, output)
        assert _strict(output), args


def test_diff_json_values_that_are_not_finite_are_null() -> None:
    from decimal import Decimal

    from pcontract.render.diff_render import _json_value

    assert _json_value([Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN")]) == [None] * 3
    assert _json_value(Decimal(10) ** 400) == 10**400
