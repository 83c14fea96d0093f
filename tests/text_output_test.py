"""The text reporter writes the same characters whether rich styles them (on a
terminal) or not (CI logs, pipes, pre-commit), where it skips importing rich."""

from __future__ import annotations

import io
import re

import pytest

from pcontract.checking.checker import FileReport, Report
from pcontract.problems import Problem, Severity
from pcontract.render.reporters import TextReporter

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _report() -> Report:
    problems = [
        Problem("a/contract.yaml", 3, 5, "PC201", Severity.ERROR, "weights add up to 95"),
        Problem(
            "a/contract.yaml",
            9,
            1,
            "PC402",
            Severity.WARNING,
            "id 'x\ty' has\ta tab, ünïcode and a \x1b[31mcolour\x1b[0m escape",
            hint="tabs\tare escaped",
        ),
        Problem("b/results.yaml", 0, 0, "PC008", Severity.ERROR, "cannot read the file"),
    ]
    files = [
        FileReport("a/contract.yaml", "/r/a/contract.yaml", problems=problems[:2]),
        FileReport("b/results.yaml", "/r/b/results.yaml", problems=problems[2:]),
        FileReport("c/workflow.yaml", "/r/c/workflow.yaml", skipped=True),
    ]
    return Report(files, problems)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_text_is_what_rich_writes_without_styles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for report in (_report(), Report([FileReport("ok.yaml", "/r/ok.yaml")], [])):
        plain = io.StringIO()
        TextReporter().report(report, plain)
        styled = Terminal()
        TextReporter().report(report, styled)
        assert "\x1b[" in styled.getvalue()  # rich did style it
        assert ANSI.sub("", styled.getvalue()) == plain.getvalue()


def test_plain_text_by_hand() -> None:
    out = io.StringIO()
    TextReporter().report(_report(), out)
    assert out.getvalue().splitlines() == [
        "a/contract.yaml",
        "  3:5      error   PC201  weights add up to 95",
        # A tab from input is shown as an escape, like every control character:
        # expanded, it would lay the line out as the input says.
        "  9:1      warning PC402  id 'x\\ty' has\\ta tab, ünïcode and a "
        "\\x1b[31mcolour\\x1b[0m escape",
        "                         hint: tabs\\tare escaped",
        "",
        "b/results.yaml",
        "  -        error   PC008  cannot read the file",
        "",
        "✖ 2 errors, 1 warning in 2 of 2 files (1 YAML file(s) without apiVersion/kind skipped)",
    ]


def test_color_can_be_forced_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = io.StringIO()
    TextReporter().report(_report(), out)
    assert "\x1b[" in out.getvalue()


def test_literal_text_is_never_read_as_markup_and_shows_invisible_marks() -> None:
    from pcontract.render.reporters import literal, text_console

    out = io.StringIO()
    text = literal("[bold]Ministry[/bold] ::warning::\u200b\x1b[31m", "yellow")
    assert text.style == "yellow"
    text_console(out, width=200).print(text)
    assert out.getvalue() == "[bold]Ministry[/bold] :\\x3awarning:\\x3a\\u200b\\x1b[31m\n"
