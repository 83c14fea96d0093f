"""Validating some files with the rest of a repository as context.

pre-commit passes only the staged files, but a staged child contract needs its
parent, and a staged Results file needs its contract. :func:`check_with_context`
checks the given files fully and reads the documents under the context folders
only so that references resolve: their own problems are not reported. A
cross-file problem that lands on a context file is reported only when the given
files caused it (it is not there when the context is checked without them), so
lowering a child's target still reports the parent's broken sum.

The given files are treated as if found by walking a folder: a YAML file that is
not a pcontract document (a workflow, ``.pre-commit-config.yaml``) is skipped,
since pre-commit passes every staged YAML file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pcontract.checking.checker import (
    Options,
    Report,
    build_index,
    check_files,
    check_tree,
    discover,
    evidence_problems,
    finish,
)
from pcontract.checking.index import real


def check_with_context(
    paths: Sequence[str], context: Sequence[str], options: Options | None = None
) -> Report:
    """Validate ``paths`` with the documents under ``context`` as context only."""
    options = options or Options()
    chosen = [replace(t, explicit=False) for t in discover(paths)]
    chosen_sources = {real(t.display) for t in chosen}
    around = [t for t in discover(context) if real(t.display) not in chosen_sources]
    files = check_files(chosen, options)
    context_files = check_files(around, options)
    names = {f.file for f in files}
    together = check_tree(build_index([*files, *context_files], options), options.limits)
    without = set(check_tree(build_index(context_files, options), options.limits))
    kept = [p for p in together if p.file in names or p not in without]
    return finish(files, kept + evidence_problems(chosen, files, options), options)
