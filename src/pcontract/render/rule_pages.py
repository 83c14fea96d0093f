"""Rule pages: each rule's docstring, read as its sections and examples, and
rendered as text, Markdown or JSON (``pcontract rules [CODE]``, docs/rules.md and
the README's rules table).

A page is Markdown. Its first paragraph is the rule's one-line summary; then come
``## What it does``, ``## Why is this bad?`` and ``## Example``. The example holds
one or more ``yaml`` blocks that the rule fires on, then a line ``Use instead:``
and the blocks that pass it. A block whose first line is a comment naming a file
(``# guidelines.yaml``) is that file; a block without one is ``example.yaml``.
A line ``# (the example Contract header)`` stands for the lines every example
Contract starts with (see :data:`HEADERS`), so that a page shows what matters;
the rendered pages write them out. An example that needs a loader limit says so
as the command it runs (```pcontract validate --max-bytes 300```). The tests run
every example, so they stay true.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pcontract.errors import UsageError
from pcontract.render.reporters import json_text

if TYPE_CHECKING:
    from pcontract.rules.base import Rule

SECTIONS = ("What it does", "Why is this bad?", "Example")
USE_INSTEAD = "Use instead:"
DEFAULT_FILE = "example.yaml"
_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.S | re.M)
_FILE_NAME = re.compile(r"^# ([\w.-]+(?:/[\w.-]+)*\.ya?ml)$")
_HEADER = re.compile(r"^# \(the example (\w+) header\)\n", re.M)
_LIMIT = re.compile(r"--max-(bytes|depth|aliases|values) (\d+)")

ExampleFiles = tuple[tuple[str, str], ...]  # (file name, text)

# The first lines of every example document of each kind, written once.
HEADERS = {
    "Contract": """\
apiVersion: pcontract/v1
kind: Contract
id: moh-2024-25
title: Ministry of Health
financial_year: 2024/2025
period: {start: 2024-07-01, end: 2025-06-30}
institution: {name: Ministry of Health, category: ministry}
parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
status: draft
""",
    "Guidelines": """\
apiVersion: pcontract/v1
kind: Guidelines
id: pc-2024-25
financial_year: 2024/2025
""",
    "Results": """\
apiVersion: pcontract/v1
kind: Results
contract: moh-2024-25
period: annual
as_of: 2025-06-30
""",
    "CascadePlan": """\
apiVersion: pcontract/v1
kind: CascadePlan
parent: moh-2024-25
id_pattern: "{parent}-{unit}"
""",
}


@dataclass(frozen=True, slots=True)
class Examples:
    failing: ExampleFiles
    passing: ExampleFiles
    limits: tuple[tuple[str, int], ...] = ()  # (limit, value): ("depth", 8)


def _rules() -> dict[str, Rule]:
    from pcontract.rules.registry import RULES

    return RULES


def find(code: str) -> Rule:
    """The rule with ``code`` (any case); an unknown code is a usage error."""
    rules = _rules()
    rule = rules.get(code.strip().upper())
    if rule is None:
        raise UsageError(f"unknown rule code '{code}': `pcontract rules` lists them")
    return rule


def page(rule: Rule) -> str:
    """The rule's page: its docstring with the example headers written out."""
    return _HEADER.sub(lambda match: HEADERS[match.group(1)], rule.doc)


def sections(rule: Rule) -> dict[str, str]:
    """The page's ``## `` sections by title, each without its heading."""
    parts = re.split(r"^## (.+)$", page(rule), flags=re.M)
    return {
        title.strip(): body.strip() for title, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def _files(text: str) -> ExampleFiles:
    files: list[tuple[str, str]] = []
    for block in _BLOCK.findall(text):
        first = block.split("\n", 1)[0]
        match = _FILE_NAME.match(first)
        files.append((match.group(1) if match else DEFAULT_FILE, block))
    return tuple(files)


def examples(rule: Rule) -> Examples:
    """The failing and the passing files of the page's example."""
    text = sections(rule).get("Example", "")
    failing, _, passing = text.partition(USE_INSTEAD)
    limits = tuple((name, int(value)) for name, value in _LIMIT.findall(text))
    return Examples(_files(failing), _files(passing), limits)


def _label(rule: Rule) -> str:
    return rule.severity.value + (", vetting" if rule.vetting else "")


def _body(rule: Rule) -> str:
    """The page after its summary."""
    text = page(rule)
    return text.split("\n\n", 1)[1].strip() if "\n\n" in text else ""


def page_markdown(rule: Rule, level: int = 1) -> str:
    """The page as Markdown with its title at heading ``level``."""
    sub = "#" * (level + 1)
    body = re.sub(r"^## ", sub + " ", _body(rule), flags=re.M)
    return f"{'#' * level} {rule.code} {rule.name}\n\n*{_label(rule)}* · {rule.summary}\n\n{body}\n"


def page_text(rule: Rule) -> str:
    """The page for a terminal: headings plain, code indented, fences dropped."""
    lines = [f"{rule.code}  {rule.name}  ({_label(rule)})", "", rule.summary, ""]
    in_code = False
    for line in _body(rule).splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            lines.append("    " + line if line else "")
        elif line.startswith("## "):
            lines.append(line[3:].upper())
        else:
            lines.append(line)
    return "\n".join(lines).rstrip() + "\n"


def _record(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "vetting": rule.vetting,
        "summary": rule.summary,
    }


def page_json(rule: Rule) -> str:
    record = _record(rule) | {"stage": rule.stage, "configurable": rule.configurable}
    return json_text(record | {"doc": page(rule)})


def _sorted() -> list[Rule]:
    return sorted(_rules().values(), key=lambda r: r.code)


def rules_text() -> str:
    """One line per rule: code, name, severity and summary."""
    return "".join(f"{r.code}  {r.name:<22} {r.severity.value:<8} {r.summary}\n" for r in _sorted())


def rules_json() -> str:
    return json_text([_record(r) for r in _sorted()])


def rules_table() -> str:
    """The Markdown rules table, as it appears in the README and docs/rules.md."""
    lines = ["| code | name | severity | checks |", "| --- | --- | --- | --- |"]
    for rule in _sorted():
        severity = rule.severity.value + (" (vetting)" if rule.vetting else "")
        lines.append(f"| {rule.code} | {rule.name} | {severity} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def all_pages() -> str:
    """Every rule's page, for docs/rules.md: a table linking to them, then the pages."""
    lines = ["| code | name | severity | checks |", "| --- | --- | --- | --- |"]
    for rule in _sorted():
        anchor = f"{rule.code}-{rule.name}".lower()
        lines.append(
            f"| [{rule.code}](#{anchor}) | {rule.name} | {_label(rule)} | {rule.summary} |"
        )
    pages = [page_markdown(rule, level=2) for rule in _sorted()]
    return "\n".join(lines) + "\n\n" + "\n".join(pages)


# ``pcontract rules [CODE] --format``: the list renderer and the page renderer of each.
RULE_FORMATS: dict[str, tuple[Callable[[], str], Callable[[Rule], str]]] = {
    "text": (rules_text, page_text),
    "md": (rules_table, page_markdown),
    "json": (rules_json, page_json),
}


def render_page(code: str, output_format: str) -> str:
    """``pcontract rules CODE``: the page as text, md or json."""
    return RULE_FORMATS[output_format][1](find(code))


def render_list(output_format: str) -> str:
    """``pcontract rules``: every rule as text, a Markdown table or json."""
    return RULE_FORMATS[output_format][0]()
