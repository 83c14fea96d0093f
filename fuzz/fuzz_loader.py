"""A coverage-guided fuzzing campaign for the loader and the per-file checks.

Not run in CI (see docs/security.md). Needs atheris (``pip install atheris``,
Linux or macOS, CPython 3.8 to 3.11)::

    mkdir -p /tmp/pcontract-corpus
    python fuzz/fuzz_loader.py /tmp/pcontract-corpus tests/hostile examples/moina \\
        -max_total_time=3600 -rss_limit_mb=1024 -timeout=5

libFuzzer writes new interesting inputs to the first folder and reads the others
as seeds. A crash (any exception: bad input must become a reported problem), a run over 5
seconds or one over 1 GB is saved as ``crash-*``/``timeout-*``/``oom-*``; replay
it with ``python fuzz/fuzz_loader.py crash-...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from pcontract.checking.checker import Options, Target, check_file
    from pcontract.files.loader import Limits, load_bytes

# The defaults, and limits raised the way a user can raise them, so that the
# alias-expansion and depth guards are exercised too.
LIMITS = (Limits(), Limits(max_aliases=50, max_depth=400))
TARGET = Target(Path("fuzz.yaml"), "fuzz.yaml", True)


def test_one_input(data: bytes) -> None:
    for limits in LIMITS:
        loaded = load_bytes(data, "fuzz.yaml", limits)
        if (loaded.problem is None) != (loaded.node is not None):
            raise AssertionError("a load must give either a problem or a document")
    # validate's per-file stage reports problems; it never raises.
    check_file(TARGET, Options(limits=LIMITS[1]), content=data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
