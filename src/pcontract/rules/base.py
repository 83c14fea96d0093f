"""The rule registry: each rule is data (code, name, severity, one-line doc) plus,
for the semantic and cross-file rules, a small check function."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pcontract.problems import JsonPath, Problem, Severity

# Stages, in the order the checker runs them.
STAGE_LOAD = "load"
STAGE_SCHEMA = "schema"
STAGE_FILE = "file"
STAGE_TREE = "tree"


# What a check function yields: a Problem that the checker places (file, line and
# column) and stamps with the rule's code and severity.
Finding = Problem


def finding(path: JsonPath, message: str, hint: str = "", at_key: bool = False) -> Problem:
    """A problem found by a rule, not yet placed: no file, position, code or severity."""
    return Problem("", 0, 0, "", Severity.ERROR, message, path, hint, at_key)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    stage: str
    kinds: tuple[str, ...] = ()
    # A document rule yields Findings; a tree rule yields (summary, Finding) pairs.
    check: Callable[[Any], Iterable[Any]] | None = None
    vetting: bool = False


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in RULES:
        raise ValueError(f"rule code {rule.code} registered twice")
    RULES[rule.code] = rule
    return rule


def declare(code: str, name: str, severity: Severity, summary: str, stage: str) -> Rule:
    """A rule applied by the loader or the schema stage, which has no check function."""
    return register(Rule(code, name, severity, summary, stage))


def rule(
    code: str,
    name: str,
    summary: str,
    *,
    kinds: tuple[str, ...],
    severity: Severity = Severity.ERROR,
    vetting: bool = False,
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register a per-document check: ``check(document) -> findings``."""

    def wrap(check: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        register(Rule(code, name, severity, summary, STAGE_FILE, kinds, check, vetting))
        return check

    return wrap


def tree_rule(
    code: str,
    name: str,
    summary: str,
    *,
    severity: Severity = Severity.ERROR,
    vetting: bool = False,
) -> Callable[[Callable[[Any], Iterable[Any]]], Callable[[Any], Iterable[Any]]]:
    """Register a cross-file check: ``check(index) -> (file, finding) pairs``."""

    def wrap(check: Callable[[Any], Iterable[Any]]) -> Callable[[Any], Iterable[Any]]:
        register(Rule(code, name, severity, summary, STAGE_TREE, (), check, vetting))
        return check

    return wrap


def rules_for(kind: str) -> list[Rule]:
    return [r for r in RULES.values() if r.stage == STAGE_FILE and kind in r.kinds]


def tree_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.stage == STAGE_TREE]


E = Severity.ERROR
declare("PC001", "yaml-syntax", E, "The file is valid YAML text with one document.", STAGE_LOAD)
declare("PC002", "duplicate-key", E, "A mapping does not repeat a key.", STAGE_LOAD)
declare("PC003", "alias", E, "No YAML aliases (*name), or no more than --max-aliases.", STAGE_LOAD)
declare("PC004", "finite-number", E, "Numbers are finite: no .inf, .nan or 1e400.", STAGE_LOAD)
declare(
    "PC005",
    "plain-yaml",
    E,
    "Keys are plain text; no tags, merge keys (<<) or complex keys.",
    STAGE_LOAD,
)
declare("PC006", "nesting-depth", E, "Nesting stays within --max-depth levels.", STAGE_LOAD)
declare("PC007", "empty-file", E, "The file holds a document, not only comments.", STAGE_LOAD)
declare(
    "PC008",
    "readable-file",
    E,
    "The file, or the folder walked, can be read, and the file is within --max-bytes.",
    STAGE_LOAD,
)
declare(
    "PC011",
    "no-documents",
    E,
    "A folder given to validate holds at least one pcontract document.",
    STAGE_LOAD,
)
declare(
    "PC009",
    "number-range",
    E,
    "Numbers lie within ±10^15, with at most 6 decimal places, exactly as written.",
    STAGE_LOAD,
)
declare(
    "PC010",
    "document-kind",
    E,
    "The document is a mapping with a known kind (the schema checks apiVersion).",
    STAGE_LOAD,
)
declare("PC100", "schema", E, "The document matches its JSON Schema.", STAGE_SCHEMA)
declare(
    "PC101", "unknown-field", E, "No unknown fields (custom data goes under x- keys).", STAGE_SCHEMA
)
declare("PC102", "required-field", E, "Required fields are present.", STAGE_SCHEMA)
declare("PC103", "field-type", E, "Each field has the right type.", STAGE_SCHEMA)
declare(
    "PC104",
    "field-value",
    E,
    "Each value is allowed: enums, ids, dates, financial years and ranges.",
    STAGE_SCHEMA,
)
