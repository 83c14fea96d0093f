"""``pcontract export``: workbooks (and, later, other files) written from the documents.

One function per command, each registered on :data:`export_app`, which ``app.py``
adds as the ``export`` group. Every command writes through the atomic writer:
never over an existing file without ``--force``, never over a file it read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from pcontract.cli.app import EXIT_OK, OneGuidelines, _err, _reads_files, _run
from pcontract.files.reading import Limits

if TYPE_CHECKING:
    from openpyxl import Workbook

export_app = typer.Typer(
    name="export",
    help="Write documents out for other tools: the contract matrix and results templates "
    "as .xlsx workbooks.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Period = Literal["Q1", "Q2", "Q3", "Q4", "annual"]
Out = Annotated[str, typer.Option("--out", "-o", help="The .xlsx file to write.")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


def write_workbook(book: Workbook, out: str, force: bool, inputs: list[Any]) -> int:
    """Write ``book`` to ``out`` (never over one of ``inputs``, nor an existing
    file without ``force``) and say so on stderr."""
    from pcontract.files.writer import write_files
    from pcontract.render.xlsx import workbook_bytes

    target = Path(out)
    write_files([(target, workbook_bytes(book))], force=force, root=target.parent, inputs=inputs)
    _err(f"wrote {target}")
    return EXIT_OK


@export_app.command("contract")
@_reads_files
def contract_command(
    contract: Annotated[str, typer.Argument(help="The Contract file.")],
    out: Out,
    guidelines: OneGuidelines = None,
    force: Force = False,
    *,
    limits: Limits,
) -> None:
    """Write the contract's performance matrix as an .xlsx workbook.

    One sheet, printable on A4 landscape: the title and a title block of the
    contract's fields, a frozen header row, each criteria category as a section
    row, the indicators under it, and a signature block for the parties. It is
    the layout `pcontract import contract` reads.
    """

    def body() -> int:
        from pcontract.files.reading import recording_reads
        from pcontract.render.xlsx import contract_workbook
        from pcontract.scoring.evaluation import load_contract_document

        with recording_reads() as read:
            document = load_contract_document(contract, guidelines, limits)
        book = contract_workbook(document.contract, document.guidelines)
        named = [Path(p) for p in (contract, guidelines) if p is not None]
        return write_workbook(book, out, force, [*read, *named])

    _run(body)


@export_app.command("results-template")
@_reads_files
def results_template_command(
    contract: Annotated[str, typer.Argument(help="The Contract file.")],
    out: Out,
    period: Annotated[
        Period, typer.Option("--period", "-p", help="Q1, Q2, Q3, Q4 or annual.")
    ] = "annual",
    guidelines: OneGuidelines = None,
    force: Force = False,
    *,
    limits: Limits,
) -> None:
    """Write a reporting sheet for one period, for officers to fill in.

    Pre-filled with each indicator's id, name, unit, target and the period's
    target (its quarterly target, or the annual target); protected but for the
    Actual, Evidence, Notes, Not applicable and Reason cells, which carry data
    validation (a number, a date, Yes/No; Not applicable needs a reason).
    `pcontract import results` reads it back.
    """

    def body() -> int:
        from pcontract.files.reading import recording_reads
        from pcontract.render.xlsx import results_workbook
        from pcontract.scoring.evaluation import load_contract_document

        with recording_reads() as read:
            document = load_contract_document(contract, guidelines, limits)
        book = results_workbook(document.contract, period)
        named = [Path(p) for p in (contract, guidelines) if p is not None]
        return write_workbook(book, out, force, [*read, *named])

    _run(body)


def workbook_output(output_format: str, out: str | None) -> None:
    """Refuse ``--format xlsx`` without ``-o`` (a workbook is binary, never printed),
    and ``-o`` with a format that prints."""
    from pcontract.errors import UsageError
    from pcontract.render.xlsx import WORKBOOK_FORMATS

    if output_format in WORKBOOK_FORMATS and out is None:
        raise UsageError(f"--format {output_format} writes a workbook: give -o FILE.xlsx")
    if output_format not in WORKBOOK_FORMATS and out is not None:
        raise UsageError(
            f"-o is for --format {', '.join(WORKBOOK_FORMATS)}; --format {output_format} "
            "prints to stdout"
        )
