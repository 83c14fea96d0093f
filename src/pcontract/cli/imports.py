"""``pcontract import``: a matrix as a Contract draft, a filled reporting sheet as Results.

Problems print one a line as ``FILE.xlsx:Sheet!F12: error PC620 message`` on
stderr; the command exits 1 when any is an error. Nothing is written over an
existing file without ``--force``, nor ever over an input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from pcontract.problems import Problem

import_app = typer.Typer(
    help="Import a matrix (.xlsx, .xlsm, .csv) as a Contract, or a filled sheet as Results.",
    no_args_is_help=True,
)

Output = Annotated[str, typer.Option("--output", "-o", help="The file to write.")]
SheetName = Annotated[
    str | None, typer.Option("--sheet", help="The sheet to read (default: the first visible).")
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite the output if it exists.")]


def print_problems(problems: list[Problem]) -> None:
    """Each problem on one line: ``file:Sheet!F12: error CODE message (hint: …)``."""
    from pcontract.problems import ordered
    from pcontract.render.reporters import safe_text

    for found in ordered(problems):
        where = f"{found.file}:{found.where}" if found.where else found.file
        hint = f" (hint: {found.hint})" if found.hint else ""
        line = f"{where}: {found.severity.value} {found.code} {found.message}{hint}"
        typer.echo(safe_text(line), err=True)


def _yaml_file(path: str | None, what: str) -> Any:
    if path is None:
        return None
    from pcontract.errors import InputError
    from pcontract.files import loader

    loaded = loader.load(Path(path), path)
    if loaded.problem is not None:
        raise InputError(f"cannot read the {what} {path}", [loaded.problem])
    if not isinstance(loaded.data, dict):
        from pcontract.errors import UsageError

        raise UsageError(f"the {what} {path} is not a mapping")
    return loaded.data


def _refused(work: Any) -> int | None:
    """Run ``work``; a workbook refused prints its one problem, as every problem
    prints, and gives exit 1."""
    from pcontract.files.workbook import WorkbookError

    try:
        return int(work())
    except WorkbookError as error:
        print_problems([error.problem])
        return 1


def _write(out: str, text: str, force: bool, inputs: list[str]) -> None:
    from pcontract.files.writer import write_files
    from pcontract.render.reporters import wrote_lines

    written = write_files([(Path(out), text.encode("utf-8"))], force=force, inputs=inputs)
    wrote_lines(written, sys.stdout)


@import_app.command("contract")
def contract_command(
    matrix: Annotated[str, typer.Argument(help="The matrix: .xlsx, .xlsm or .csv.")],
    output: Output,
    sheet: SheetName = None,
    mapping: Annotated[
        str | None,
        typer.Option("--map", help="A YAML file naming the columns (columns:) and kinds (kinds:)."),
    ] = None,
    header: Annotated[
        str | None,
        typer.Option(
            "--header", help="A YAML file with the contract's fields other than criteria."
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Import a performance matrix as a Contract YAML draft, and validate it.

    Every problem is located at its cell (FILE.xlsx:Sheet!F12). Nothing is written
    while a cell cannot be read; a draft the validator finds fault with is written,
    and its problems are shown at the cells they came from.
    """
    from pcontract.cli.app import EXIT_OK, EXIT_PROBLEMS, _run

    def body() -> int:
        return _refused(work) or EXIT_OK

    def work() -> int:
        from pcontract.importing.contract import import_contract
        from pcontract.importing.matrix import MatrixMap

        raw_map = _yaml_file(mapping, "mapping") or {}
        matrix_map = MatrixMap(
            {str(k): str(v) for k, v in (raw_map.get("columns") or {}).items()},
            {str(k): str(v) for k, v in (raw_map.get("kinds") or {}).items()},
        )
        imported = import_contract(
            Path(matrix), matrix, sheet, matrix_map, _yaml_file(header, "header"), output
        )
        print_problems(imported.problems)
        if imported.text is None:
            typer.echo("pcontract: nothing written: fix the cells above", err=True)
            return EXIT_PROBLEMS
        inputs = [matrix, *(p for p in (mapping, header) if p)]
        _write(output, imported.text, force, inputs)
        return EXIT_OK if imported.ok else EXIT_PROBLEMS

    _run(body)


@import_app.command("results")
def results_command(
    sheet_file: Annotated[str, typer.Argument(help="The filled reporting sheet: .xlsx or .csv.")],
    contract: Annotated[str, typer.Option("--contract", "-c", help="The Contract reported on.")],
    output: Output,
    sheet: SheetName = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The date the figures are as of (default: the sheet's 'As of:', else today).",
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Import a filled quarterly or annual reporting sheet as a Results file.

    Each bad cell is a located problem (FILE.xlsx:Sheet!F12), and nothing is
    written while any cell is bad.
    """
    from pcontract.cli.app import EXIT_OK, EXIT_PROBLEMS, _run

    def body() -> int:
        return _refused(work) or EXIT_OK

    def work() -> int:
        from pcontract.importing.results import import_results

        imported = import_results(Path(sheet_file), sheet_file, contract, sheet, as_of)
        print_problems(imported.problems)
        if imported.text is None:
            typer.echo("pcontract: nothing written: fix the cells above", err=True)
            return EXIT_PROBLEMS
        _write(output, imported.text, force, [sheet_file, contract])
        return EXIT_OK

    _run(body)
