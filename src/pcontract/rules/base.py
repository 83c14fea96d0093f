"""The rule registry: each rule is data (code, name, severity, its page) plus, for
the semantic and cross-file rules, a small check function whose docstring is the page."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pcontract.problems import JsonPath, Problem, Severity

# Stages, in the order the checker runs them.
STAGE_LOAD = "load"
STAGE_SCHEMA = "schema"
STAGE_FILE = "file"
STAGE_TREE = "tree"
# validate --check-evidence: the evidence files Results name (checking/evidence.py).
STAGE_EVIDENCE = "evidence"


# What a check function yields: a Problem that the checker places (file, line and
# column) and stamps with the rule's code and severity.
Finding = Problem


def finding(path: JsonPath, message: str, hint: str = "", at_key: bool = False) -> Problem:
    """A problem found by a rule, not yet placed: no file, position, code or severity."""
    return Problem("", 0, 0, "", Severity.ERROR, message, path, hint, at_key)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule and its page. ``doc`` is the page in Markdown (the check function's
    docstring, or the text given to :func:`declare`): its first paragraph is
    the one-line ``summary``, then ``## What it does``, ``## Why is this bad?`` and
    ``## Example`` with a failing example and, after ``Use instead:``, a passing one."""

    code: str
    name: str
    severity: Severity
    doc: str
    stage: str
    kinds: tuple[str, ...] = ()
    # A document rule yields Findings; a tree rule yields (summary, Finding) pairs.
    check: Callable[[Any], Iterable[Any]] | None = None
    vetting: bool = False

    @property
    def summary(self) -> str:
        """The page's first paragraph, on one line: what the rule checks."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    @property
    def configurable(self) -> bool:
        """Whether pcontract.toml and --select/--ignore can change it: not the load and
        schema rules, since a file that does not load or match its schema is not checked."""
        return self.stage in (STAGE_FILE, STAGE_TREE, STAGE_EVIDENCE)


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in RULES:
        raise ValueError(f"rule code {rule.code} registered twice")
    if not rule.doc.strip():
        raise ValueError(f"rule {rule.code} has no page")
    RULES[rule.code] = rule
    return rule


def _page(check: Callable[..., Any]) -> str:
    return inspect.cleandoc(check.__doc__ or "")


def declare(code: str, name: str, severity: Severity, doc: str, stage: str) -> Rule:
    """A rule applied by the loader or the schema stage, which has no check function;
    ``doc`` is its page, written as a docstring would be."""
    return register(Rule(code, name, severity, inspect.cleandoc(doc), stage))


def rule(
    code: str,
    name: str,
    *,
    kinds: tuple[str, ...],
    severity: Severity = Severity.ERROR,
    vetting: bool = False,
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register a per-document check: ``check(document) -> findings``; its docstring
    is the rule's page."""

    def wrap(check: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        register(Rule(code, name, severity, _page(check), STAGE_FILE, kinds, check, vetting))
        return check

    return wrap


def tree_rule(
    code: str,
    name: str,
    *,
    severity: Severity = Severity.ERROR,
    vetting: bool = False,
) -> Callable[[Callable[[Any], Iterable[Any]]], Callable[[Any], Iterable[Any]]]:
    """Register a cross-file check: ``check(index) -> (file, finding) pairs``; its
    docstring is the rule's page."""

    def wrap(check: Callable[[Any], Iterable[Any]]) -> Callable[[Any], Iterable[Any]]:
        register(Rule(code, name, severity, _page(check), STAGE_TREE, (), check, vetting))
        return check

    return wrap


def rules_for(kind: str) -> list[Rule]:
    return [r for r in RULES.values() if r.stage == STAGE_FILE and kind in r.kinds]


def tree_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.stage == STAGE_TREE]


E = Severity.ERROR

declare(
    "PC001",
    "yaml-syntax",
    E,
    """\
    The file is valid YAML text with one document.

    ## What it does

    Checks that the file is YAML that parses, holding exactly one document (no `---` starting a
    second one).

    ## Why is this bad?

    A file that does not parse cannot be checked at all, and a second document in the same file
    would be silently ignored by other tools.

    ## Example

    ```yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: "Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC002",
    "duplicate-key",
    E,
    """\
    A mapping does not repeat a key.

    ## What it does

    Checks that no mapping gives the same key twice.

    ## Why is this bad?

    YAML parsers keep one of the two values without a word, so a reviewer reading the first
    `target:` may approve a figure that is not the one scored.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            target: 45
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC003",
    "alias",
    E,
    """\
    No YAML aliases (*name), or no more than --max-aliases.

    ## What it does

    Checks that the file uses no YAML aliases (`*name`), or no more than `--max-aliases` allows
    (none by default).

    ## Why is this bad?

    Aliases let a small file expand into a huge one (a "billion laughs"), and a value copied by
    alias is easy to miss in review: write each value where it is used.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: &clinics Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
            notes: *clinics
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC004",
    "finite-number",
    E,
    """\
    Numbers are finite: no .inf, .nan or 1e400.

    ## What it does

    Checks that every number is finite: no `.inf`, `.nan`, or a literal such as `1e400` that
    overflows to infinity.

    ## Why is this bad?

    Infinity and NaN make weights, scores and sums meaningless, and JSON cannot carry them.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: .inf
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC005",
    "plain-yaml",
    E,
    """\
    Keys are plain text; no tags, merge keys (<<) or complex keys.

    ## What it does

    Checks that the YAML is plain: keys are text, and there are no merge keys (`<<`), complex
    keys, or tags other than YAML's own (such as `!include` or `!!python/object`).

    ## Why is this bad?

    Tags and merge keys change what a value means in ways a reviewer cannot see, and some tags
    run code in other YAML readers. Plain YAML reads the same everywhere.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: !include targets.yaml
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC006",
    "nesting-depth",
    E,
    """\
    Nesting stays within --max-depth levels.

    ## What it does

    Checks that the document nests no deeper than `--max-depth` levels (100 by default).

    ## Why is this bad?

    Contracts are only a few levels deep; very deep nesting is a mistake or an attempt to
    exhaust the reader.

    ## Example

    Checked with `pcontract validate --max-depth 6`:

    ```yaml
    # (the example Contract header)
    x-notes: [[[[[[deep]]]]]]
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC007",
    "empty-file",
    E,
    """\
    The file holds a document, not only comments.

    ## What it does

    Checks that the file holds a document, not nothing or only comments.

    ## Why is this bad?

    An empty file in a contracts folder is usually a draft that was never written; reporting it
    keeps it from passing as checked.

    ## Example

    ```yaml
    # Ministry of Health: contract to be drafted
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC008",
    "readable-file",
    E,
    """\
    The file, or the folder walked, can be read, and the file is within --max-bytes.

    ## What it does

    Checks that the file, or a folder being walked, can be read, and that the file is no larger
    than `--max-bytes` (50 MB by default).

    ## Why is this bad?

    A file pcontract cannot read is a file it has not checked; it must not pass silently. The
    size limit keeps a huge file from exhausting memory.

    ## Example

    Checked with `pcontract validate --max-bytes 700`:

    ```yaml
    # (the example Contract header)
    x-notes: >-
      The ministry opens clinics in every county, with staff and medicines for the year.
      The ministry opens clinics in every county, with staff and medicines for the year.
      The ministry opens clinics in every county, with staff and medicines for the year.

    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC009",
    "number-range",
    E,
    """\
    Numbers lie within ±10^15, with at most 6 decimal places, exactly as written.

    ## What it does

    Checks that numbers lie within ±10^15 and have at most 6 decimal places, so that they are
    exact as written.

    ## Why is this bad?

    Larger or finer numbers cannot be held exactly by the float that YAML readers use, so the
    figure scored would not be the figure written.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 10000000000000000
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC010",
    "document-kind",
    E,
    """\
    The document is a mapping with a known kind (the schema checks apiVersion).

    ## What it does

    Checks that the document is a mapping whose `kind` is one of Contract, Results, Guidelines
    or CascadePlan (the schema then checks `apiVersion`).

    ## Why is this bad?

    The kind decides which schema and which rules apply; without a known kind, nothing else can
    be checked.

    ## Example

    ```yaml
    apiVersion: pcontract/v1
    kind: Contrat
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC011",
    "no-documents",
    E,
    """\
    A folder given to validate holds at least one pcontract document.

    ## What it does

    Checks that a folder given to `pcontract validate` holds at least one pcontract document.

    ## Why is this bad?

    A CI job pointed at an empty or a wrong folder would otherwise pass as "0 files valid".

    ## Example

    ```yaml
    # settings.yaml
    owner: Planning Unit
    ```

    Use instead:

    ```yaml
    # settings.yaml
    owner: Planning Unit
    ```

    ```yaml
    # contract.yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_LOAD,
)
declare(
    "PC100",
    "schema",
    E,
    """\
    The document matches its JSON Schema.

    ## What it does

    Reports a way the document fails its JSON Schema that none of PC101 to PC104 describes more
    exactly.

    ## Why is this bad?

    Every document is checked against its kind's schema (`pcontract schema KIND` prints it)
    before any rule runs; a document that does not fit is not checked further.

    ## Example

    Today's schemas make no check that falls outside PC101 to PC104, so this catch-all has no
    failing example.

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_SCHEMA,
)
declare(
    "PC101",
    "unknown-field",
    E,
    """\
    No unknown fields (custom data goes under x- keys).

    ## What it does

    Checks that every field is one the schema knows. Custom data goes under keys starting with
    `x-`.

    ## Why is this bad?

    A misspelt field (`titel`, `baselines`) is otherwise ignored, and the value the author meant
    is lost without a word.

    ## Example

    ```yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    titel: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    x-owner: Planning Unit
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_SCHEMA,
)
declare(
    "PC102",
    "required-field",
    E,
    """\
    Required fields are present.

    ## What it does

    Checks that every required field is present.

    ## Why is this bad?

    A contract without its period, parties or targets cannot be scored or vetted.

    ## Example

    ```yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: draft
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_SCHEMA,
)
declare(
    "PC103",
    "field-type",
    E,
    """\
    Each field has the right type.

    ## What it does

    Checks that each field has the type its schema gives: a number, text, a date, a list or a
    mapping.

    ## Why is this bad?

    A weight written as text cannot be added up, and a mistyped value would fail far from where
    it was written.

    ## Example

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: one hundred
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_SCHEMA,
)
declare(
    "PC104",
    "field-value",
    E,
    """\
    Each value is allowed: enums, ids, dates, financial years and ranges.

    ## What it does

    Checks that each value is one the schema allows: enums such as `status` and `kind`, ids,
    dates, financial years and number ranges.

    ## Why is this bad?

    A status or kind that pcontract does not know would be scored or reported wrongly.

    ## Example

    ```yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: approved
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # (the example Contract header)
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```
    """,
    STAGE_SCHEMA,
)
