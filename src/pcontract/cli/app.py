"""The command line: parse options, call the core, pick a renderer.

Each command's ``--format`` offers the keys of its render registry (validate's
``reporters.REPORTERS``, ``tables.SCORE_FORMATS`` and ``RANK_FORMATS``,
``diff_render.DIFF_FORMATS``, ``reports.CARD_TEMPLATES``); the CLI draws nothing
itself. One error boundary (:func:`_run`) turns exceptions into exit codes: 1
for problems in the input (an :class:`InputError` prints its problems first), 2
for usage errors, 3 for a bug (one line, no traceback unless ``--debug``), 130
for Ctrl-C.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal

import typer

from pcontract import __version__
from pcontract.cli.imports import import_app
from pcontract.errors import InputError, PcontractError
from pcontract.files.reading import Limits

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
    from pcontract.render.reporters import safe_text

    typer.echo(f"pcontract: {safe_text(message)}", err=True)


def _print_input_problems(error: InputError) -> None:
    from pcontract.checking.checker import Report
    from pcontract.problems import Problem, ordered
    from pcontract.render.reporters import TextReporter

    problems = [p for p in error.problems if isinstance(p, Problem)]
    TextReporter().report(Report([], ordered(problems)), sys.stderr)


def _run(body: Callable[[], int]) -> None:
    """Run a command body inside the error boundary and exit with its code."""
    try:
        code = body()
    except PcontractError as error:
        if isinstance(error, InputError):
            _print_input_problems(error)
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
_LIMIT_OPTIONS: Final = {
    "max_bytes": typer.Option("--max-bytes", help="Largest file to read, in bytes.", min=1),
    "max_depth": typer.Option("--max-depth", help="Deepest nesting allowed.", min=1),
    "max_aliases": typer.Option(
        "--max-aliases", help="YAML aliases allowed per file (0 refuses them).", min=0
    ),
    "max_values": typer.Option(
        "--max-values", help="Values (scalars, lists, mappings) allowed per file.", min=1
    ),
}


def _reads_files(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the loader's limits as options (``--max-bytes`` …), with
    the defaults of :class:`~pcontract.files.reading.Limits`, and pass them to it as one
    ``limits``."""
    signature = inspect.signature(command, eval_str=True)
    defaults = Limits()
    options = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[int, option],
            default=getattr(defaults, name),
        )
        for name, option in _LIMIT_OPTIONS.items()
    ]
    params = list(signature.parameters.values())
    at = [p.name for p in params].index("limits")  # the options go where it stands

    @functools.wraps(command)
    def run(**values: Any) -> None:
        limits = Limits(**{name: values.pop(name) for name in _LIMIT_OPTIONS})
        command(**values, limits=limits)

    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*params[:at], *options, *params[at + 1 :]]
    )
    return run


class Checking:
    """``--jobs``, ``--cache-dir`` and ``--no-cache``, as validate takes them, for
    every command that checks a tree through the same cached pipeline."""

    def __init__(self, jobs: int, cache_dir: str | None, no_cache: bool) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self.cache_dir = cache_dir
        self.no_cache = no_cache

    def options(self, limits: Limits) -> Any:
        from pathlib import Path

        from pcontract.checking.cache import default_dir
        from pcontract.checking.checker import Options

        folder = (
            None if self.no_cache else (Path(self.cache_dir) if self.cache_dir else default_dir())
        )
        if folder is not None and not self.cache_dir and not (folder.parent / ".git").exists():
            folder = None  # outside a repository, only where asked: no folder left behind
        return Options(limits=limits, jobs=self.jobs, cache_dir=folder)


# Validate's cache, as every command that checks files through it takes it.
_CACHE_DIR: Final = typer.Option(
    help="Where to keep the cache (default: .pcontract-cache at the repo root)."
)
_NO_CACHE: Final = typer.Option("--no-cache", help="Do not use the cache.")
CacheDir = Annotated[str | None, _CACHE_DIR]
NoCache = Annotated[bool, _NO_CACHE]

_CHECKING_OPTIONS: Final = {
    "jobs": (
        int,
        typer.Option(
            "--jobs", "-j", help="Worker processes (default: the number of cores).", min=0
        ),
        0,
    ),
    "cache_dir": (str | None, _CACHE_DIR, None),
    "no_cache": (bool, _NO_CACHE, False),
}


def _checks_files(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` validate's ``--jobs``, ``--cache-dir`` and ``--no-cache``,
    passed to it as one ``checking``."""
    signature = inspect.signature(command, eval_str=True)
    options = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[kind, option],
            default=default,
        )
        for name, (kind, option, default) in _CHECKING_OPTIONS.items()
    ]
    params = [p for p in signature.parameters.values() if p.name != "checking"]

    @functools.wraps(command)
    def run(**values: Any) -> None:
        checking = Checking(*(values.pop(name) for name in _CHECKING_OPTIONS))
        command(**values, checking=checking)

    run.__signature__ = signature.replace(parameters=[*params, *options])  # type: ignore[attr-defined]
    return run


# Each command's --format choices: the keys of its render registry, in order
# (tests/cli_test.py keeps them equal). The registries are not imported here, so
# that start-up stays fast.
# Options that several commands share, declared once.
OneGuidelines = Annotated[
    str | None, typer.Option(help="A Guidelines file to use instead of the contract's own.")
]
EveryGuidelines = Annotated[
    str | None,
    typer.Option(help="A Guidelines file to use for every contract instead of their own."),
]
History = Annotated[
    list[str] | None,
    typer.Option(
        "--history",
        metavar="DIR",
        help="A folder of earlier years' contracts and annual results (and their "
        "guidelines), ranked as rank ranks them, to show last year's rank, composite, "
        "grade and the movement (repeatable; the contract's own folder is not searched).",
    ),
]
TemplateFolder = Annotated[
    str | None,
    typer.Option("--template", help="A folder of templates that override the defaults."),
]

ValidateFormat = Literal["text", "json", "github", "sarif"]
ScoreFormat = Literal["text", "json", "md", "xlsx"]
RankFormat = Literal["text", "json", "md", "csv", "xlsx"]
# -o for score and rank: where --format xlsx writes its workbook.
WorkbookOut = Annotated[
    str | None,
    typer.Option("--out", "-o", help="The .xlsx file that --format xlsx writes (needed for it)."),
]
WorkbookForce = Annotated[
    bool, typer.Option("--force", help="Overwrite an existing file (with -o).")
]
DiffFormat = Literal["text", "md", "json"]
ReportFormat = Literal["md", "html"]
RulesFormat = Literal["text", "md", "json"]


@app.command()
@_reads_files
def validate(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders to check; folders are walked.")
    ],
    output_format: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", help="Output: text, json, github annotations or sarif."),
    ] = "text",
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
    *,
    limits: Limits,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", help="Worker processes (default: the number of cores).", min=0
        ),
    ] = 0,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    check_evidence: Annotated[
        bool,
        typer.Option(
            "--check-evidence",
            help="Check that each evidence file Results name exists inside the repository "
            "and matches its sha256 (URLs are not fetched).",
        ),
    ] = False,
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

        from pcontract.checking.cache import default_dir
        from pcontract.checking.checker import Options, check_paths
        from pcontract.checking.config import resolve, split_codes
        from pcontract.render.reporters import REPORTERS

        options = Options(
            strict=strict,
            rules=resolve(split_codes(select), split_codes(ignore)),
            limits=limits,
            jobs=jobs or os.cpu_count() or 1,
            cache_dir=None if no_cache else (Path(cache_dir) if cache_dir else default_dir()),
            check_evidence=check_evidence,
        )
        from pcontract.cli.collector import paused

        with paused():  # a run keeps every file's summary
            if context:
                from pcontract.checking.context import check_with_context

                report = check_with_context(paths, context, options)
            else:
                report = check_paths(paths, options)
        REPORTERS[output_format]().report(report, sys.stdout)
        return EXIT_OK if report.ok else EXIT_PROBLEMS

    _run(body)


@app.command("schema")
def schema_command(
    kind: Annotated[str, typer.Argument(help="Contract, Results, Guidelines or CascadePlan.")],
) -> None:
    """Print the JSON Schema for one document kind."""

    def body() -> int:
        from pcontract.checking import schema

        sys.stdout.write(schema.schema_text(kind))
        return EXIT_OK

    _run(body)


@app.command("rules")
def rules_command(
    code: Annotated[
        str | None, typer.Argument(help="A rule code, such as PC401: print its page.")
    ] = None,
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output: text, md or json.")
    ] = "text",
) -> None:
    """List every rule: its code, name, severity and what it checks; or, given a
    code, print that rule's page: what it checks, why, and an example."""

    def body() -> int:
        from pcontract.render.rule_pages import render_list, render_page

        if code is None:
            sys.stdout.write(render_list(output_format))
        else:
            sys.stdout.write(render_page(code, output_format))
        return EXIT_OK

    _run(body)


@app.command()
@_reads_files
@_checks_files
def score(
    contract: Annotated[str, typer.Argument(help="The Contract file to score.")],
    results: Annotated[
        str | None,
        typer.Option("--results", "-r", help="The Results file (annual or quarterly)."),
    ] = None,
    guidelines: OneGuidelines = None,
    output_format: Annotated[
        ScoreFormat,
        typer.Option("--format", "-f", help="Output: text, json, md or xlsx (with -o)."),
    ] = "text",
    rollup: Annotated[
        list[str] | None,
        typer.Option(
            "--rollup",
            help="Roll up carried indicators from the child contracts and annual results "
            "found under this folder (repeatable).",
        ),
    ] = None,
    history: History = None,
    out: WorkbookOut = None,
    force: WorkbookForce = False,
    *,
    limits: Limits,
    checking: Checking,
) -> None:
    """Score a contract against its results: raw, weighted and composite scores, grade.

    Without --results, every indicator counts as not reported. With --history,
    last year's rank, composite and grade and the movement since, where the
    institution (its institution.id, else its name) has a contract there in the
    previous financial year.
    """

    def body() -> int:
        from pcontract.cli.exports import workbook_output
        from pcontract.files.reading import recording_reads
        from pcontract.render.tables import SCORE_FORMATS
        from pcontract.scoring.evaluation import score_files

        workbook_output(output_format, out)
        options = checking.options(limits)
        with recording_reads() as read:
            scored = score_files(
                contract, results, guidelines, options, rollup_paths=rollup, history_paths=history
            )
        if out is not None:
            return _score_workbook(scored, out, force, [*read, contract, results, guidelines])
        SCORE_FORMATS[output_format](scored, sys.stdout)
        return EXIT_OK

    _run(body)


@app.command()
@_reads_files
@_checks_files
def rank(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders holding contracts and annual results.")
    ],
    guidelines: EveryGuidelines = None,
    output_format: Annotated[
        RankFormat,
        typer.Option("--format", "-f", help="Output: text, json, md, csv or xlsx (with -o)."),
    ] = "text",
    rollup: Annotated[
        bool,
        typer.Option("--rollup", help="Roll up carried indicators from child contracts' results."),
    ] = False,
    financial_year: Annotated[
        str | None,
        typer.Option(
            "--financial-year",
            "-y",
            help="Show only this financial year's league tables, e.g. 2024/2025 "
            "(default: every year, each ranked on its own, the latest first).",
        ),
    ] = None,
    out: WorkbookOut = None,
    force: WorkbookForce = False,
    *,
    limits: Limits,
    checking: Checking,
) -> None:
    """Rank institutions within each financial year and category, from number 1 to last.

    Each financial year is ranked on its own, the latest first. Where the same
    institution (its institution.id, else its name) has a contract in the previous
    financial year, its row shows last year's rank, composite and grade and the
    movement.

    Lower composites rank first; equal composites share a rank; a contract with no
    annual results ranks last, flagged "no results submitted"; one whose results
    mark every indicator not applicable is listed without a rank, flagged "not
    scored: every indicator not applicable".
    """

    def body() -> int:
        from pcontract.cli.collector import paused
        from pcontract.cli.exports import workbook_output
        from pcontract.files.reading import recording_reads
        from pcontract.render.reporters import with_progress
        from pcontract.render.tables import RANK_FORMATS, RANK_LOCATES_WARNINGS
        from pcontract.scoring.evaluation import one_year, rank_paths

        workbook_output(output_format, out)
        options = checking.options(limits)
        with recording_reads() as read, paused():  # every contract's summary and score
            ranked = with_progress(
                lambda tick: rank_paths(
                    paths,
                    guidelines,
                    options,
                    on_progress=tick,
                    with_rollup=rollup,
                    locate_warnings=output_format in RANK_LOCATES_WARNINGS,
                    detail=out is not None,
                )
            )
        rows = one_year(ranked.rows, financial_year)
        if out is not None:
            return _rank_workbook(rows, ranked.scores, out, force, [*read, guidelines])
        RANK_FORMATS[output_format](rows, sys.stdout)
        return EXIT_OK

    _run(body)


def _score_workbook(scored: Any, out: str, force: bool, inputs: list[Any]) -> int:
    from pcontract.cli.exports import write_workbook
    from pcontract.render.xlsx import score_workbook

    return write_workbook(score_workbook(scored), out, force, [p for p in inputs if p])


def _rank_workbook(rows: Any, scores: Any, out: str, force: bool, inputs: list[Any]) -> int:
    from pcontract.cli.exports import write_workbook
    from pcontract.render.xlsx import rank_workbook

    return write_workbook(rank_workbook(rows, scores), out, force, [p for p in inputs if p])


@app.command()
@_reads_files
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
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    *,
    limits: Limits,
) -> None:
    """Draft one child Contract per unit of a cascade plan.

    Targets are split by share or amount, or copied; weights are rescaled to add up
    to exactly 100. Existing files are never overwritten without --force.
    """

    def body() -> int:
        from pathlib import Path

        from pcontract.cascade.drafts import cascade_inputs, write_drafts
        from pcontract.cli.collector import paused
        from pcontract.files.reading import recording_reads
        from pcontract.render.reporters import wrote_lines
        from pcontract.scoring.evaluation import cascade_drafts

        # The parent and the plan are checked through validate's cache; a dry run
        # writes nothing, the cache included.
        options = Checking(1, cache_dir, no_cache or dry_run).options(limits)
        with paused(), recording_reads() as read:
            parent, drafts = cascade_drafts(contract, plan, Path(out), options)
        inputs = [*read, *cascade_inputs(parent, Path(contract), Path(plan))]
        if dry_run:
            from pcontract.render.tables import cascade_dry_run

            cascade_dry_run(drafts, force, sys.stdout)
            return EXIT_OK
        wrote_lines(write_drafts(drafts, force=force, inputs=inputs), sys.stdout)
        return EXIT_OK

    _run(body)


@app.command()
@_reads_files
@_checks_files
def tree(
    paths: Annotated[list[str], typer.Argument(help="Files and folders holding contracts.")],
    *,
    limits: Limits,
    checking: Checking,
) -> None:
    """Show the cascade hierarchy: each contract, who signs for it, and which of its
    indicators its children carry."""

    def body() -> int:
        from pcontract.checking import hierarchy
        from pcontract.checking.checker import build_index, check_files, discover
        from pcontract.render.tables import tree_text

        options = checking.options(limits)
        files = check_files(discover(paths), options)
        found = hierarchy.lines(build_index(files, options))
        tree_text(found, sum(1 for f in files if f.has_errors), sys.stdout)
        return EXIT_OK if found else EXIT_PROBLEMS

    _run(body)


@app.command()
@_reads_files
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
    ] = "text",
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warning flags as errors.")
    ] = False,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    *,
    limits: Limits,
) -> None:
    """Show what changed between two versions of contracts, flagged against vetting rules.

    Exit codes: 0 no error flags, 1 error flags (or unreadable files), 2 usage error.
    """

    def body() -> int:
        from pcontract.cli.collector import paused
        from pcontract.errors import UsageError
        from pcontract.negotiation.diff import diff_git, diff_paths
        from pcontract.render.diff_render import DIFF_FORMATS

        given = paths or []
        if git is None and len(given) != 2:
            raise UsageError("give OLD and NEW (two files or two folders), or --git REV")
        # Files are checked through validate's cache, as validate keeps it.
        folder = Checking(1, cache_dir, no_cache).options(limits).cache_dir
        with paused():
            if git is not None:
                report = diff_git(git, given, results or (), strict, limits, folder)
            else:
                report = diff_paths(given[0], given[1], results or (), strict, limits, folder)
        DIFF_FORMATS[output_format](report, sys.stdout)
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

        from pcontract.render.reporters import wrote_lines
        from pcontract.scaffold.repo import scaffold

        written = scaffold(Path(directory), financial_year, force=force)
        wrote_lines(written, sys.stdout, next_step=f"pcontract validate {directory}")
        return EXIT_OK

    _run(body)


def _generated(timestamp: bool) -> str | None:
    """The time to print on reports, only when asked: output is otherwise reproducible."""
    if not timestamp:
        return None
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _report_format(out: str | None, output_format: str | None) -> tuple[bool, str]:
    """Whether ``-o`` names a folder, and the format: as given, else from the
    ``-o`` file's suffix (.html, .htm), else md."""
    from pathlib import Path

    from pcontract.render import reports

    folder = out is not None and reports.names_a_folder(out)
    if output_format is not None:
        return folder, output_format
    suffix = Path(out).suffix.lower() if out and not folder else ""
    return folder, "html" if suffix in (".html", ".htm") else "md"


def _without_results(quarterly: str | None, history: Any, tree: Any) -> None:
    """Refuse the card's options when no --results asks for the contract document."""
    from pcontract.errors import UsageError

    given = [
        name
        for name, value in (("--quarterly", quarterly), ("--history", history), ("--tree", tree))
        if value
    ]
    if given:
        raise UsageError(
            f"{', '.join(given)} needs --results: without it, report writes the "
            "contract document, which has no results"
        )


def _write_report(
    text: str, out: str | None, name: str | None, force: bool, inputs: list[Any]
) -> int:
    """Print ``text``, or write it to ``out`` (to ``out/name`` when ``name`` is
    given: ``out`` is a folder), never over one of ``inputs``."""
    from pathlib import Path

    from pcontract.files.writer import write_files

    if out is None:
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(out) / name if name is not None else Path(out)
    write_files([(target, text.encode("utf-8"))], force=force, root=target.parent, inputs=inputs)
    _err(f"wrote {target}")
    return EXIT_OK


@app.command()
@_reads_files
@_checks_files
def report(
    contract: Annotated[str, typer.Argument(help="The Contract file.")],
    results: Annotated[
        str | None,
        typer.Option(
            "--results",
            "-r",
            help="The annual Results file, for a report card; without it, the contract document.",
        ),
    ] = None,
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
            "<contract-id>.md or .html (the contract document: "
            "<contract-id>-contract.md or .html); stdout without it.",
        ),
    ] = None,
    template: TemplateFolder = None,
    guidelines: OneGuidelines = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    timestamp: Annotated[
        bool,
        typer.Option(
            "--timestamp", help="Print the time of generation on the card or the contract document."
        ),
    ] = False,
    history: History = None,
    tree: Annotated[
        list[str] | None,
        typer.Option(
            "--tree",
            metavar="DIR",
            help="A folder of the contracts (and annual results) the contract belongs "
            "to: the card names its parent's institution and lists its child contracts "
            "with their composites and grades (repeatable).",
        ),
    ] = None,
    *,
    limits: Limits,
    checking: Checking,
) -> None:
    """Write a report card, or without --results the contract document.

    With --results: the card (composite, grade, categories, indicators, gaps,
    methodology). Without it: the signed contract itself (parties, vision, mission
    and objectives, the performance matrix by category, signatures), printable on
    A4 landscape. Markdown suits a pull-request comment or a wiki; HTML is one
    self-contained, printable file. With --history, the card shows last year's
    rank, composite and grade and the movement, as score does. With --tree, it
    names its parent contract's institution and lists its children.
    """

    def body() -> int:
        from pathlib import Path

        from pcontract.files.reading import recording_reads
        from pcontract.render import contract_doc, reports
        from pcontract.scoring import evaluation

        folder, fmt = _report_format(out, output_format)
        if results is None:
            _without_results(quarterly, history, tree)
        with recording_reads() as read:
            templates = reports.Templates(template)
            if results is None:
                document = evaluation.load_contract_document(
                    contract, guidelines, options=checking.options(limits)
                )
                text = contract_doc.render_contract(document, fmt, templates, _generated(timestamp))
                name = contract_doc.file_name(document.contract.id, fmt)
            else:
                inputs = evaluation.load_card(
                    contract,
                    results,
                    quarterly,
                    guidelines,
                    history_paths=history,
                    tree_paths=tree,
                    options=checking.options(limits),
                )
                text = reports.render_card(inputs, fmt, templates, _generated(timestamp))
                name = reports.card_file_name(inputs.contract.id, fmt)
        named = [contract, results, quarterly, guidelines]
        inputs_read = [*read, *(Path(p) for p in named if p is not None)]
        return _write_report(text, out, name if folder else None, force, inputs_read)

    _run(body)


@app.command()
@_reads_files
@_checks_files
def site(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders holding contracts and annual results.")
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="The folder to write the site into.")],
    template: TemplateFolder = None,
    guidelines: EveryGuidelines = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="Print the time of generation on each page.")
    ] = False,
    *,
    limits: Limits,
    checking: Checking,
) -> None:
    """Write a static site: league tables per category and a report card per contract.

    index.html links to cards/<contract-id>.html with relative links, so the folder
    works from file:// with no server. data/ holds the open data: the league
    tables as CSV and JSON, and the export db database (pcontract.sqlite). A card
    or league page whose inputs have not changed since the last site written to
    the folder is not drawn again, and a file whose bytes would not change is not
    rewritten.
    """

    def body() -> int:
        from pathlib import Path

        from pcontract.files.reading import recording_reads
        from pcontract.render import reports
        from pcontract.render.open_data import league_data
        from pcontract.render.reporters import with_progress
        from pcontract.render.site import write_site
        from pcontract.scoring.cards import plan_site

        options = checking.options(limits)
        with recording_reads() as read:
            templates = reports.Templates(template)
            templates.note_inputs()
            plan = with_progress(
                lambda tick: plan_site(paths, guidelines, options, on_progress=tick)
            )
            data = league_data(plan.rows, limits)
        root = Path(out)
        site = write_site(
            plan,
            root,
            templates=templates,
            generated=_generated(timestamp),
            force=force,
            inputs=[*read, *([Path(guidelines)] if guidelines else [])],
            options=options,
            data=data,
        )
        kept = f" ({site.kept} unchanged)" if site.kept else ""
        _err(f"wrote {len(site.written)} files to {out}{kept}")
        index = root / "index.html"
        if index.exists():
            _err(f"open {index} in a browser (it works from file://, no server needed)")
        return EXIT_OK

    _run(body)


app.add_typer(import_app, name="import")

from pcontract.cli import export_db as _export_db  # noqa: E402, F401 (registers export db)
from pcontract.cli.exports import export_app  # noqa: E402 (it uses this module's helpers)

app.add_typer(export_app)


def main() -> None:
    app(prog_name="pcontract")
