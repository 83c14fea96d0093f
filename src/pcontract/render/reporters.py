"""Reporters for ``validate`` (text, json, github and sarif), and what every
command's output shares.

Each reporter turns a :class:`~pcontract.checking.checker.Report` into output; they sit in
a registry keyed by ``--format``, as every command's renderers do (see
``tables.SCORE_FORMATS``, ``tables.RANK_FORMATS``, ``diff_render.DIFF_FORMATS``
and ``reports.CARD_TEMPLATES``). Text from YAML files is never interpreted: rich
markup is not parsed (:func:`literal`), and control characters are shown as
escapes (:func:`safe_text`).
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, ClassVar, TypeVar
from urllib.parse import quote

from pcontract import __version__
from pcontract.problems import Problem, Severity

# The rules registry (for rule names) is imported by the reporters that use it:
# the text reporter does not, and a warm validate need not import every rule.

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from pcontract.checking.checker import Report

T = TypeVar("T")

JSON_FORMAT_VERSION = 1
# What a value from a file or a path may not print as itself, because it would
# change how the output reads: control characters (line breaks, tabs and ANSI
# escapes included: Cc), invisible format characters (zero-width spaces and
# joiners, direction marks and overrides, the BOM: Cf), line and paragraph
# separators (Zl, Zp), and lone surrogates (Cs), which stand for the bytes of a
# file name that is not UTF-8 and cannot be written as UTF-8.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# The starts of GitHub Actions workflow commands: ``::command::`` at the start
# of a line, and the older ``##[command]`` anywhere in one. Escaping the second
# character of each in every value means no value, wherever a line is wrapped,
# can make a step's log run a command.
_COMMAND = re.compile(r"(?<=:):|(?<=#)#(?=\[)")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def _escape_char(char: str) -> str:
    if unicodedata.category(char) in _ESCAPED_CATEGORIES:
        return repr(char)[1:-1]  # \n, \t, \x1b, \u200b, \u202e, \udcff
    return char


def _escape_command(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def safe_text(text: str) -> str:
    """``text`` (a value from a file, or a path) as it may be printed: on one line,
    laid out as written.

    Line breaks, tabs and other control characters (ANSI escapes included),
    zero-width and direction marks, line separators and lone surrogates are shown
    as visible escapes (``\\n``, ``\\x1b``, ``\\u200b``, ``\\udcff``); so are the
    starts of GitHub workflow commands (``:\\x3a``, ``#\\x23[``). Every text output
    passes each value from input through here; the layout's own line breaks are
    added around the values, never taken from them.
    """
    text = visible_text(text)
    if "::" in text or "##[" in text:
        text = _COMMAND.sub(_escape_command, text)
    return text


def visible_text(text: str) -> str:
    """:func:`safe_text` without the workflow-command escapes, for where the
    format itself escapes every ``:`` (a GitHub annotation's properties)."""
    if text.isprintable():  # the common case costs one scan
        return text
    return "".join(map(_escape_char, text))


def literal(text: str, style: str = "") -> Text:
    """Text from input (a value from a file, or a path) as rich prints it: never
    read as markup, and shown through :func:`safe_text`. Every rich output puts
    such text through here."""
    from rich.text import Text

    return Text(safe_text(text), style=style)


def text_console(out: IO[str] | None = None, width: int | None = None) -> Console:
    """The rich console every text output prints through: no highlighting, and no
    line breaks of its own in text (soft wrap: the terminal wraps a long line),
    so a value can never be wrapped into a line of its own. Tables still fit
    their cells to ``width``, inside their borders."""
    from rich.console import Console

    return Console(file=out, width=width, highlight=False, soft_wrap=True)


def written(render: Callable[[T], str]) -> Callable[[T, IO[str]], None]:
    """A renderer that returns its text, as a registry's renderers are called:
    with the value and the stream to write it to."""

    def write(value: T, out: IO[str]) -> None:
        out.write(render(value))

    return write


def wrote_lines(paths: Iterable[Path], out: IO[str], next_step: str | None = None) -> None:
    """``wrote <path>`` for each file written; then the next step.

    Printed as one text: a line printed on its own costs rich a tenth of a
    millisecond, a second for a cascade of 10,000 drafts."""
    from rich.text import Text

    lines = [literal(f"wrote {path}") for path in paths]
    if next_step is not None:
        lines.append(literal(f"next: {next_step}"))
    if lines:
        text_console(out).print(Text("\n").join(lines))


def with_progress(work: Callable[[Callable[[int, int], None]], T]) -> T:
    """Run ``work`` with a progress bar on stderr when stderr is a terminal."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return work(lambda done, total: None)
    from rich.progress import Progress  # a sixtieth of a second, for a terminal only

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("scoring", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return work(tick)


def json_safe(value: object) -> object:
    """``value`` as strict JSON can hold it: every lone surrogate in its strings
    shown as an escape, so that the JSON is valid UTF-8 (json escapes control
    characters itself), and every float that is not finite (NaN, an overflow to
    infinity) as None: JSON has no such numbers, and a figure that cannot be
    written is undefined."""
    if isinstance(value, str):
        return _SURROGATE.sub(_escape, value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def json_text(payload: object) -> str:
    """The one JSON writer for every command's output: strict JSON (``allow_nan``
    off, so a stray NaN or Infinity is a bug, not a file other tools refuse),
    valid UTF-8, indented, ending with a newline. The payload is written as it is
    first, and made safe (:func:`json_safe`) and written again only when that
    fails or holds a lone surrogate: most payloads need nothing made safe."""
    try:
        text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a float that is not finite, as a value or a key
        text = None
    if text is None or _SURROGATE.search(text):
        text = json.dumps(json_safe(payload), indent=2, ensure_ascii=False, allow_nan=False)
    return text + "\n"


def sarif_uri(file: str) -> str:
    """A file's path as the relative URI reference SARIF expects: forward slashes,
    and anything else percent-encoded from the file name's bytes. A backslash
    separates folders only on Windows; elsewhere it is part of a name (``%5C``)."""
    if os.sep == "\\":
        file = file.replace("\\", "/")
    try:
        raw = os.fsencode(file)
    except UnicodeEncodeError:  # a lone surrogate no file system would have given
        raw = file.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


class Reporter(ABC):
    name: ClassVar[str]

    @abstractmethod
    def report(self, report: Report, out: IO[str]) -> None: ...


def _summary(report: Report) -> str:
    errors, warnings = report.counts
    files = report.checked
    noun = "file" if files == 1 else "files"
    if errors:
        where = f" in {report.files_with_problems()} of {files} {noun}" if files else ""
        return (
            f"{errors} error{'s' if errors != 1 else ''}"
            + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")
            + where
        )
    text = f"{files} {noun} valid"
    if warnings:
        text += f", {warnings} warning{'s' if warnings != 1 else ''}"
    return text


Segment = tuple[str, str]  # (text, rich style)


def _styled(out: IO[str]) -> bool:
    """Whether rich would style the output: a terminal, or one forced by the
    environment as rich allows. Elsewhere (CI logs, pipes, pre-commit) the text is
    written directly, without importing rich: the same characters, sooner."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


class TextReporter(Reporter):
    name = "text"

    def report(self, report: Report, out: IO[str]) -> None:
        lines = self.lines(report)
        if not _styled(out):
            # What rich writes unstyled: each line as it is, tabs expanded to 8.
            out.write("".join("".join(t for t, _ in line).expandtabs(8) + "\n" for line in lines))
            return
        from rich.text import Text

        console = text_console(out)
        for line in lines:
            text = Text()
            for part, style in line:
                text.append(part, style=style or None)
            console.print(text)

    @staticmethod
    def lines(report: Report) -> list[list[Segment]]:
        lines: list[list[Segment]] = []
        current = None
        for problem in report.problems:
            if problem.file != current:
                if current is not None:
                    lines.append([])
                lines.append([(safe_text(problem.file), "bold underline")])
                current = problem.file
            where = problem.where or "-"
            lines.append(
                [
                    ("  ", ""),
                    (f"{where:<8} ", "dim"),
                    (f"{problem.severity.value:<8}", "red" if problem.is_error else "yellow"),
                    (f"{problem.code}  ", "cyan"),
                    (safe_text(problem.message), ""),
                ]
            )
            if problem.hint:
                lines.append([(" " * 25 + "hint: " + safe_text(problem.hint), "dim")])
        if report.problems:
            lines.append([])
        errors, _ = report.counts
        mark, style = ("✖", "bold red") if errors else ("✔", "bold green")
        summary = [(f"{mark} {_summary(report)}", style)]
        if report.skipped:
            skipped = f" ({len(report.skipped)} YAML file(s) without apiVersion/kind skipped)"
            summary.append((skipped, "dim"))
        lines.append(summary)
        return lines


class JsonReporter(Reporter):
    """The stable JSON shape, documented in the README:

    ``{"version": 1, "tool": {...}, "summary": {...}, "problems": [...]}``.
    """

    name = "json"

    def report(self, report: Report, out: IO[str]) -> None:
        from pcontract.rules.registry import RULES

        errors, warnings = report.counts
        payload = {
            "version": JSON_FORMAT_VERSION,
            "tool": {"name": "pcontract", "version": __version__},
            "summary": {
                "files": report.checked,
                "skipped": len(report.skipped),
                "errors": errors,
                "warnings": warnings,
                "valid": errors == 0,
            },
            "problems": [
                {**p.as_dict(), "rule": RULES[p.code].name if p.code in RULES else None}
                for p in report.problems
            ],
        }
        out.write(json_text(payload))


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: one annotation per problem."""

    name = "github"

    def report(self, report: Report, out: IO[str]) -> None:
        from pcontract.rules.registry import RULES

        for problem in report.problems:
            level = "error" if problem.is_error else "warning"
            # The file name exactly, so that GitHub can attach the annotation to it:
            # the property escapes ':' and ',', so '::' in a name starts nothing.
            props = [f"file={_gh_property(visible_text(problem.file))}"]
            if problem.line:
                props.append(f"line={problem.line}")
                props.append(f"col={problem.column}")
            rule = RULES.get(problem.code)
            title = f"{problem.code} {rule.name}" if rule else problem.code
            props.append(f"title={_gh_property(title)}")
            message = problem.message + (f" (hint: {problem.hint})" if problem.hint else "")
            out.write(f"::{level} {','.join(props)}::{_gh_data(safe_text(message))}\n")
        out.write(_summary(report) + "\n")


class SarifReporter(Reporter):
    """SARIF 2.1.0, for code scanning."""

    name = "sarif"

    def report(self, report: Report, out: IO[str]) -> None:
        from pcontract.rules.registry import RULES

        used = sorted({p.code for p in report.problems})
        rules = [
            {
                "id": code,
                "name": RULES[code].name,
                "shortDescription": {"text": RULES[code].summary},
                "defaultConfiguration": {
                    "level": "error" if RULES[code].severity is Severity.ERROR else "warning"
                },
            }
            for code in used
            if code in RULES
        ]
        payload = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "pcontract",
                            "version": __version__,
                            "informationUri": "https://github.com/pcontract/pcontract",
                            "rules": rules,
                        }
                    },
                    "results": [_sarif_result(p) for p in report.problems],
                }
            ],
        }
        out.write(json_text(payload))


def _sarif_result(problem: Problem) -> dict[str, object]:
    region: dict[str, int] = {}
    if problem.line:
        region = {"startLine": problem.line, "startColumn": max(problem.column, 1)}
    location: dict[str, object] = {
        "physicalLocation": {
            "artifactLocation": {"uri": sarif_uri(problem.file)},
            **({"region": region} if region else {}),
        },
        "logicalLocations": [{"fullyQualifiedName": problem.cell or problem.json_path}],
    }
    text = problem.message + (f" (hint: {problem.hint})" if problem.hint else "")
    return {
        "ruleId": problem.code,
        "level": "error" if problem.is_error else "warning",
        "message": {"text": text},
        "locations": [location],
    }


REPORTERS: dict[str, type[Reporter]] = {
    r.name: r for r in (TextReporter, JsonReporter, GithubReporter, SarifReporter)
}
