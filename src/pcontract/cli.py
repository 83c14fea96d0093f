"""The command line: parse options, call the core, pick a reporter.

One error boundary (:func:`_run`) turns exceptions into exit codes: 1 for problems
in the input, 2 for usage errors, 3 for a bug (one line, no traceback unless
``--debug``), 130 for Ctrl-C.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, TypeVar

import typer

from pcontract import __version__
from pcontract.errors import InputError, PcontractError
from pcontract.files import (
    DEFAULT_MAX_ALIASES,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_VALUES,
    Limits,
)

T = TypeVar("T")

app = typer.Typer(
    name="pcontract",
    help="Performance contracts kept as code: validate, cascade, score, rank and report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130

_state = {"debug": False}


def _err(message: str) -> None:
    from pcontract.reporters import safe_text

    typer.echo(f"pcontract: {safe_text(message)}", err=True)


def _run(body: Callable[[], int]) -> None:
    """Run a command body inside the error boundary and exit with its code."""
    try:
        code = body()
    except PcontractError as error:
        _err(f"error: {error}")
        code = error.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_PROBLEMS
    except typer.Exit:
        raise
    except Exception as error:
        if _state["debug"] or os.environ.get("PCONTRACT_DEBUG"):
            raise
        _err(
            f"internal error: {type(error).__name__}: {error} "
            "(this is a bug in pcontract; rerun with --debug for details)"
        )
        code = EXIT_BUG
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pcontract {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for internal errors.")
    ] = False,
) -> None:
    """Performance contracts kept as code."""
    _state["debug"] = debug


# The loader's limits, defined once for every command that reads files: the
# hints of PC003, PC006 and PC008 name these options, so each command takes them.
MaxBytes = Annotated[
    int, typer.Option("--max-bytes", help="Largest file to read, in bytes.", min=1)
]
MaxDepth = Annotated[int, typer.Option("--max-depth", help="Deepest nesting allowed.", min=1)]
MaxAliases = Annotated[
    int,
    typer.Option("--max-aliases", help="YAML aliases allowed per file (0 refuses them).", min=0),
]
MaxValues = Annotated[
    int,
    typer.Option("--max-values", help="Values (scalars, lists, mappings) allowed per file.", min=1),
]


def _limits(max_bytes: int, max_depth: int, max_aliases: int, max_values: int) -> Limits:
    return Limits(max_bytes, max_depth, max_aliases, max_values)


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command()
def validate(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders to check; folders are walked.")
    ],
    output_format: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", help="Output: text, json, github annotations or sarif."),
    ] = ValidateFormat.text,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Treat every warning as an error, after pcontract.toml, --select and "
            "--ignore are applied.",
        ),
    ] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="CODES",
            help="Report only these rules: codes or prefixes (PC4), repeated or "
            "comma-separated; wins over pcontract.toml.",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="CODES",
            help="Do not report these rules: codes or prefixes, repeated or comma-separated.",
        ),
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", help="Worker processes (default: the number of cores).", min=0
        ),
    ] = 0,
    cache_dir: Annotated[
        str | None,
        typer.Option(help="Where to keep the cache (default: .pcontract-cache at the repo root)."),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the cache.")] = False,
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            metavar="DIR",
            help="Read the documents under DIR so that references resolve, without "
            "reporting their own problems (pre-commit passes only the staged files).",
        ),
    ] = None,
) -> None:
    """Check contracts, results, guidelines and cascade plans.

    Exit codes: 0 valid (warnings allowed), 1 problems found, 2 usage error.
    """

    def body() -> int:
        from pathlib import Path

        from pcontract.cache import default_dir
        from pcontract.checker import Options, check_paths
        from pcontract.config import resolve, split_codes
        from pcontract.reporters import REPORTERS

        options = Options(
            strict=strict,
            rules=resolve(split_codes(select), split_codes(ignore)),
            limits=_limits(max_bytes, max_depth, max_aliases, max_values),
            jobs=jobs or os.cpu_count() or 1,
            cache_dir=None if no_cache else (Path(cache_dir) if cache_dir else default_dir()),
        )
        if context:
            from pcontract.context import check_with_context

            report = check_with_context(paths, context, options)
        else:
            report = check_paths(paths, options)
        REPORTERS[output_format.value]().report(report, sys.stdout)
        return EXIT_OK if report.ok else EXIT_PROBLEMS

    _run(body)


@app.command("schema")
def schema_command(
    kind: Annotated[str, typer.Argument(help="Contract, Results, Guidelines or CascadePlan.")],
) -> None:
    """Print the JSON Schema for one document kind."""

    def body() -> int:
        from pcontract import schema

        sys.stdout.write(schema.schema_text(kind))
        return EXIT_OK

    _run(body)


class RulesFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


@app.command("rules")
def rules_command(
    code: Annotated[
        str | None, typer.Argument(help="A rule code, such as PC401: print its page.")
    ] = None,
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output: text, md or json.")
    ] = RulesFormat.text,
) -> None:
    """List every rule: its code, name, severity and what it checks; or, given a
    code, print that rule's page: what it checks, why, and an example."""

    def body() -> int:
        from pcontract.rule_pages import render_list, render_page

        if code is None:
            sys.stdout.write(render_list(output_format.value))
        else:
            sys.stdout.write(render_page(code, output_format.value))
        return EXIT_OK

    _run(body)


def _print_input_problems(error: InputError) -> None:
    from pcontract.checker import Report
    from pcontract.problems import Problem
    from pcontract.reporters import TextReporter

    problems = [p for p in error.problems if isinstance(p, Problem)]
    TextReporter().report(Report([], sorted(problems)), sys.stderr)


class ScoreFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


@app.command()
def score(
    contract: Annotated[str, typer.Argument(help="The Contract file to score.")],
    results: Annotated[
        str | None,
        typer.Option("--results", "-r", help="The Results file (annual or quarterly)."),
    ] = None,
    guidelines: Annotated[
        str | None,
        typer.Option(help="A Guidelines file to use instead of the contract's own."),
    ] = None,
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="Output: text, json or md.")
    ] = ScoreFormat.text,
    rollup: Annotated[
        list[str] | None,
        typer.Option(
            "--rollup",
            help="Roll up carried indicators from the child contracts and annual results "
            "found under this folder (repeatable).",
        ),
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Score a contract against its results: raw, weighted and composite scores, grade.

    Without --results, every indicator counts as not reported.
    """

    def body() -> int:
        from pcontract import tables
        from pcontract.checker import Options
        from pcontract.evaluation import score_files

        options = Options(limits=_limits(max_bytes, max_depth, max_aliases, max_values))
        try:
            scored = score_files(contract, results, guidelines, options, rollup_paths=rollup)
        except InputError as error:
            _print_input_problems(error)
            raise
        if output_format is ScoreFormat.json:
            sys.stdout.write(tables.score_json(scored.score, scored.warnings))
        elif output_format is ScoreFormat.md:
            sys.stdout.write(tables.score_md(scored.score))
        else:
            tables.score_text(scored.score, scored.warnings, sys.stdout)
        return EXIT_OK

    _run(body)


class RankFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"
    csv = "csv"


@app.command()
def rank(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders holding contracts and annual results.")
    ],
    guidelines: Annotated[
        str | None,
        typer.Option(help="A Guidelines file to use for every contract instead of their own."),
    ] = None,
    output_format: Annotated[
        RankFormat, typer.Option("--format", "-f", help="Output: text, json, md or csv.")
    ] = RankFormat.text,
    rollup: Annotated[
        bool,
        typer.Option("--rollup", help="Roll up carried indicators from child contracts' results."),
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Rank institutions within each category, from number 1 to last.

    Lower composites rank first; equal composites share a rank; a contract with no
    annual results ranks last, flagged "no results submitted"; one whose results
    mark every indicator not applicable is listed without a rank, flagged "not
    scored: every indicator not applicable".
    """

    def body() -> int:
        from pcontract import tables
        from pcontract.checker import Options
        from pcontract.evaluation import rank_paths

        options = Options(limits=_limits(max_bytes, max_depth, max_aliases, max_values))
        try:
            ranked = _with_progress(
                lambda tick: rank_paths(
                    paths, guidelines, options, on_progress=tick, with_rollup=rollup
                )
            )
        except InputError as error:
            _print_input_problems(error)
            raise
        rows = ranked.rows
        if output_format is RankFormat.json:
            sys.stdout.write(tables.rank_json(rows))
        elif output_format is RankFormat.md:
            sys.stdout.write(tables.rank_md(rows))
        elif output_format is RankFormat.csv:
            sys.stdout.write(tables.rank_csv(rows))
        else:
            tables.rank_text(rows, sys.stdout)
        return EXIT_OK

    _run(body)


@app.command()
def cascade(
    contract: Annotated[str, typer.Argument(help="The parent Contract file.")],
    plan: Annotated[str, typer.Option("--plan", "-p", help="The CascadePlan file.")],
    out: Annotated[str, typer.Option("--out", "-o", help="The folder to write drafts into.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite drafts that already exist.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Draft one child Contract per unit of a cascade plan.

    Targets are split by share or amount, or copied; weights are rescaled to add up
    to exactly 100. Existing files are never overwritten without --force.
    """

    def body() -> int:
        from pathlib import Path

        from rich.table import Table
        from rich.text import Text

        from pcontract.cascade import cascade_inputs, plan_cascade, write_drafts
        from pcontract.checker import Options
        from pcontract.evaluation import load_for_cascade
        from pcontract.files import recording_reads
        from pcontract.reporters import safe_text, text_console
        from pcontract.tables import show

        options = Options(limits=_limits(max_bytes, max_depth, max_aliases, max_values))
        try:
            with recording_reads() as read:
                parent, cascade_plan = load_for_cascade(contract, plan, options)
        except InputError as error:
            _print_input_problems(error)
            raise
        drafts = plan_cascade(parent, Path(contract), cascade_plan, Path(out), plan_file=Path(plan))
        inputs = [*read, *cascade_inputs(parent, Path(contract), Path(plan))]
        console = text_console()
        if dry_run:
            table = Table(title="Drafts that would be written (dry run)", title_justify="left")
            for header in ("file", "contract", "indicator", "target", "weight", "note"):
                table.add_column(header)
            for draft in drafts:
                note = "exists: needs --force" if draft.exists and not force else ""
                for indicator_id, target, weight in draft.indicators:
                    table.add_row(
                        Text(safe_text(str(draft.path))),
                        Text(safe_text(draft.contract_id)),
                        Text(safe_text(indicator_id)),
                        Text(safe_text(show(target))),
                        str(weight),
                        note,
                    )
                    note = ""
            console.print(table)
            return EXIT_OK
        for path in write_drafts(drafts, force=force, inputs=inputs):
            console.print(Text(f"wrote {safe_text(str(path))}"))
        return EXIT_OK

    _run(body)


@app.command()
def tree(
    paths: Annotated[list[str], typer.Argument(help="Files and folders holding contracts.")],
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Show the cascade hierarchy: each contract, who signs for it, and which of its
    indicators its children carry."""

    def body() -> int:
        from rich.text import Text

        from pcontract import hierarchy
        from pcontract.checker import Options, build_index, check_file, discover
        from pcontract.reporters import safe_text, text_console
        from pcontract.tables import wide

        options = Options(limits=_limits(max_bytes, max_depth, max_aliases, max_values))
        files = [check_file(t, options) for t in discover(paths)]
        found = hierarchy.lines(build_index(files, options))
        console = text_console(width=wide(sys.stdout))
        if not found:
            console.print("no contracts found")
            return EXIT_PROBLEMS

        def label(line: hierarchy.Line) -> Text:
            c = line.contract
            text = Text(line.guides(), style="dim")
            if line.repeat is not None:
                mark = "↻ " if line.repeat == hierarchy.REPEAT_CYCLE else ""
                text.append(f"{mark}{safe_text(c.id)}", style="bold")
                text.append(f"  ({line.repeat})", style="yellow")
                return text
            text.append(safe_text(c.id), style="bold")
            text.append(f"  {safe_text(c.institution)}")
            if c.agent:
                text.append(f" — {safe_text(c.agent)}", style="dim")
            text.append(f"  [{safe_text(c.status)}]", style="cyan")
            if line.covered is not None and line.uncovered is not None:
                total = len(line.covered) + len(line.uncovered)
                style = "green" if not line.uncovered else "yellow"
                text.append(f"  carried {len(line.covered)}/{total}", style=style)
                if line.uncovered:
                    missing = ", ".join(safe_text(i) for i in line.uncovered)
                    text.append(f" (not carried: {missing})", style=style)
            if line.cycle is not None:
                loop = " → ".join(safe_text(i) for i in line.cycle)
                text.append(f"  ↻ parent cycle: {loop}", style="yellow")
            return text

        # One contract a line, never cut or folded by the console: a deep cascade
        # is as wide as it is deep, and a pipe or a narrow terminal still gets all.
        for line in found:
            console.print(label(line), soft_wrap=True)
        broken = sum(1 for f in files if f.has_errors)
        if broken:
            console.print(
                Text(f"{broken} file(s) have errors; run pcontract validate", style="yellow")
            )
        return EXIT_OK

    _run(body)


class DiffFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


@app.command()
def diff(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="OLD NEW: two contract files, or two folders whose contracts are matched by "
            "id. With --git: the files and folders to compare (default: the current folder).",
            show_default=False,
            metavar="OLD NEW | PATH",
        ),
    ] = None,
    git: Annotated[
        str | None,
        typer.Option(
            "--git",
            metavar="REV",
            help="Compare git revision REV with the working tree, or REV1..REV2 "
            "(REV1...REV2: from their merge base).",
        ),
    ] = None,
    results: Annotated[
        list[str] | None,
        typer.Option(
            "--results",
            "-r",
            metavar="FILE",
            help="A Results file: show the composite under the old and the new targets "
            "(repeat for several contracts).",
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="Output: text, md (a PR comment) or json."),
    ] = DiffFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warning flags as errors.")
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Show what changed between two versions of contracts, flagged against vetting rules.

    Exit codes: 0 no error flags, 1 error flags (or unreadable files), 2 usage error.
    """

    def body() -> int:
        from pcontract.diff import diff_git, diff_paths
        from pcontract.diff_render import render_json, render_md, render_text
        from pcontract.errors import UsageError

        given = paths or []
        try:
            limits = _limits(max_bytes, max_depth, max_aliases, max_values)
            if git is not None:
                report = diff_git(git, given, results or (), strict, limits)
            elif len(given) != 2:
                raise UsageError("give OLD and NEW (two files or two folders), or --git REV")
            else:
                report = diff_paths(given[0], given[1], results or (), strict, limits)
        except InputError as error:
            _print_input_problems(error)
            raise
        if output_format is DiffFormat.md:
            sys.stdout.write(render_md(report))
        elif output_format is DiffFormat.json:
            sys.stdout.write(render_json(report))
        else:
            render_text(report, sys.stdout)
        return EXIT_OK if report.ok else EXIT_PROBLEMS

    _run(body)


@app.command()
def init(
    directory: Annotated[str, typer.Argument(help="The folder to create the repository in.")],
    financial_year: Annotated[
        str | None,
        typer.Option(
            "--financial-year",
            metavar="YYYY/YYYY",
            help="The financial year (default: the current one; July to June).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a non-empty folder, overwriting scaffold files."),
    ] = False,
) -> None:
    """Scaffold a contracts repository: guidelines, an example contract and cascade plan,
    a README, a CI workflow, pre-commit hooks and CODEOWNERS."""

    def body() -> int:
        from pathlib import Path

        from rich.text import Text

        from pcontract.reporters import safe_text, text_console
        from pcontract.scaffold import scaffold

        written = scaffold(Path(directory), financial_year, force=force)
        console = text_console()
        for path in written:
            console.print(Text(f"wrote {safe_text(str(path))}"))
        console.print(Text(f"next: pcontract validate {safe_text(directory)}"))
        return EXIT_OK

    _run(body)


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


def _generated(timestamp: bool) -> str | None:
    """The time to print on reports, only when asked: output is otherwise reproducible."""
    if not timestamp:
        return None
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@app.command()
def report(
    contract: Annotated[str, typer.Argument(help="The Contract file.")],
    results: Annotated[str, typer.Option("--results", "-r", help="The annual Results file.")],
    quarterly: Annotated[
        str | None,
        typer.Option("--quarterly", "-q", help="A quarter's Results, for a progress section."),
    ] = None,
    output_format: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help="md or html (default: from the -o suffix, else md)."),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help="The file to write; a folder (ending in /, or existing) gets "
            "<contract-id>.md or .html; stdout without it.",
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", help="A folder of templates that override the defaults."),
    ] = None,
    guidelines: Annotated[
        str | None,
        typer.Option(help="A Guidelines file to use instead of the contract's own."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="Print the time of generation on the card.")
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Write a report card: composite, grade, categories, indicators, gaps, methodology.

    Markdown suits a pull-request comment or a wiki; HTML is one self-contained,
    printable file.
    """

    def body() -> int:
        from pathlib import Path

        from pcontract import reports
        from pcontract.files import recording_reads
        from pcontract.writer import write_files

        folder = out is not None and reports.names_a_folder(out)
        fmt = output_format.value if output_format is not None else None
        if fmt is None:
            suffix = Path(out).suffix.lower() if out and not folder else ""
            fmt = "html" if suffix in (".html", ".htm") else "md"
        with recording_reads() as read:
            templates = reports.Templates(template)
            try:
                inputs = reports.load_card(
                    contract,
                    results,
                    quarterly,
                    guidelines,
                    _limits(max_bytes, max_depth, max_aliases, max_values),
                )
            except InputError as error:
                _print_input_problems(error)
                raise
            text = reports.render_card(inputs, fmt, templates, _generated(timestamp))
        if out is None:
            sys.stdout.write(text)
            return EXIT_OK
        target = Path(out)
        if folder:
            target = target / reports.card_file_name(inputs.contract.id, fmt)
        named = [contract, results, quarterly, guidelines]
        write_files(
            [(target, text.encode("utf-8"))],
            force=force,
            root=target.parent,
            inputs=[*read, *(Path(p) for p in named if p is not None)],
        )
        _err(f"wrote {target}")
        return EXIT_OK

    _run(body)


@app.command()
def site(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders holding contracts and annual results.")
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="The folder to write the site into.")],
    template: Annotated[
        str | None,
        typer.Option("--template", help="A folder of templates that override the defaults."),
    ] = None,
    guidelines: Annotated[
        str | None,
        typer.Option(help="A Guidelines file to use for every contract instead of their own."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="Print the time of generation on each page.")
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH,
    max_aliases: MaxAliases = DEFAULT_MAX_ALIASES,
    max_values: MaxValues = DEFAULT_MAX_VALUES,
) -> None:
    """Write a static site: league tables per category and a report card per contract.

    index.html links to cards/<contract-id>.html with relative links, so the folder
    works from file:// with no server.
    """

    def body() -> int:
        from pathlib import Path

        from pcontract import reports
        from pcontract.files import recording_reads
        from pcontract.writer import write_files

        with recording_reads() as read:
            templates = reports.Templates(template)
            try:
                inputs = _with_progress(
                    lambda tick: reports.load_site(
                        paths,
                        guidelines,
                        on_progress=tick,
                        limits=_limits(max_bytes, max_depth, max_aliases, max_values),
                    )
                )
            except InputError as error:
                _print_input_problems(error)
                raise
            files = reports.render_site(inputs, templates, _generated(timestamp))
        root = Path(out)
        written = write_files(
            [(root / name, text.encode("utf-8")) for name, text in files],
            force=force,
            root=root,
            inputs=[*read, *([Path(guidelines)] if guidelines else [])],
        )
        _err(f"wrote {len(written)} files to {out}")
        return EXIT_OK

    _run(body)


def _with_progress(work: Callable[[Callable[[int, int], None]], T]) -> T:
    """Run ``work`` with a progress bar on stderr when stderr is a terminal."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if not console.is_terminal:
        return work(lambda done, total: None)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("scoring", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return work(tick)


def main() -> None:
    app(prog_name="pcontract")
