"""``pcontract export db``: the scored and ranked tree as a SQLite database.

Registered on the ``export`` sub-app of :mod:`pcontract.cli.exports`."""

from __future__ import annotations

from typing import Annotated

import typer

from pcontract.cli.app import EveryGuidelines, _err, _reads_files, _run
from pcontract.cli.exports import export_app
from pcontract.files.reading import Limits


@export_app.command("db")
@_reads_files
def export_db(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders holding contracts and annual results.")
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="The database file to write.")],
    guidelines: EveryGuidelines = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    *,
    limits: Limits,
) -> None:
    """Write a SQLite database of institutions, contracts, indicators, results,
    scores and ranks (schema: docs/opendata.md), for datasette, DB Browser or
    Power BI. Scores and ranks are those of rank on the same paths."""

    def body() -> int:
        from pathlib import Path

        from pcontract.checking.checker import Options
        from pcontract.files.reading import recording_reads
        from pcontract.files.writer import write_files
        from pcontract.opendata.db import OpenData, database_bytes
        from pcontract.render.reporters import with_progress
        from pcontract.scoring.evaluation import rank_paths

        with recording_reads() as read:
            ranked = with_progress(
                lambda tick: rank_paths(
                    paths,
                    guidelines,
                    Options(limits=limits),
                    tick,
                    locate_warnings=False,
                    detail=True,
                )
            )
        data = database_bytes(OpenData.of_ranked(ranked))
        target = Path(out)
        inputs = [*read, *([Path(guidelines)] if guidelines else [])]
        write_files([(target, data)], force=force, root=target.parent, inputs=inputs)
        _err(f"wrote {target}")
        return 0

    _run(body)
