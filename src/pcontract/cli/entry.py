"""The console script. ``--version`` is answered before typer and rich are imported,
so that scripts and hooks asking for it do not pay their import time."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from pcontract import __version__

        sys.stdout.write(f"pcontract {__version__}\n")
        return
    from pcontract.cli.app import main as cli_main

    cli_main()
