"""``validate --check-evidence``: each evidence file a Results document names exists
inside the repository and still has the SHA-256 recorded for it.

It runs after the per-file checks and outside the cache: what it reads is not the
documents' bytes, so a cached verdict could not know that an evidence file
changed. Every way of checking (``--jobs``, the cache) therefore reports the same.
URLs are accepted as they are: nothing is fetched. Without ``--check-evidence``
nothing here runs and no evidence file is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pcontract.files.reading import Limits, UnreadableFile, sha256_of
from pcontract.problems import JsonPath, Problem, Severity

if TYPE_CHECKING:
    from pcontract.checking.checker import FileReport, Target
    from pcontract.model import EvidenceRef, Results

# The codes, declared with their pages in rules/evidence.py.
CODE_MISSING = "PC330"
CODE_CHANGED = "PC331"
CODE_OUTSIDE = "PC332"


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a Results file's evidence is resolved: its folder and the repository."""

    folder: str  # the real folder holding the Results file
    root: str  # the real repository root (or the validated folder)


def repository_root(folder: str, fallback: str) -> str:
    """The nearest folder at or above ``folder`` that holds ``.git``; else ``fallback``."""
    current = folder
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return fallback
        current = parent


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(os.path.join(root, ""))


def _problem(code: str, path: JsonPath, message: str, hint: str) -> Problem:
    return Problem("", 0, 0, code, Severity.ERROR, message, path, hint)


def _outside(path: JsonPath, ref: str, why: str) -> Problem:
    return _problem(
        CODE_OUTSIDE,
        path,
        f"evidence {ref!r} is outside the repository ({why})",
        "keep evidence files inside the repository and name them by a relative path",
    )


def _resolve(ref: str, place: _Place, path: JsonPath) -> tuple[str | None, Problem | None]:
    """The real path that ``ref`` names, or the problem that stops it being read."""
    if os.path.isabs(ref) or ref.startswith(("/", "\\")) or os.path.splitdrive(ref)[0]:
        return None, _outside(path, ref, "an absolute path")
    named = os.path.normpath(os.path.join(place.folder, ref))
    if not _inside(named, place.root):
        return None, _outside(path, ref, "it climbs out with ..")
    if not os.path.lexists(named):
        return None, _problem(
            CODE_MISSING,
            path,
            f"evidence file {ref!r} does not exist",
            "add the file, or correct the path (relative to the results file's folder)",
        )
    resolved = os.path.realpath(named)
    if not _inside(resolved, place.root):
        return None, _outside(path, ref, "a symbolic link leads out")
    return resolved, None


def _check_ref(item: EvidenceRef, place: _Place, path: JsonPath) -> Problem | None:
    resolved, problem = _resolve(item.ref, place, (*path, "ref"))
    if resolved is None or not item.sha256:
        return problem
    try:
        digest = sha256_of(Path(resolved))
    except UnreadableFile as error:
        return _problem(
            CODE_MISSING,
            (*path, "ref"),
            f"evidence file {item.ref!r} cannot be read: {error.message}",
            "name a regular file inside the repository",
        )
    if digest == item.sha256.lower():
        return None
    return _problem(
        CODE_CHANGED,
        (*path, "sha256"),
        f"evidence file {item.ref!r} has changed: its SHA-256 is {digest}, "
        f"not {item.sha256.lower()}",
        "if the new file is the evidence, record its hash (sha256sum FILE); else restore it",
    )


def _findings(results: Results, place: _Place) -> Iterator[Problem]:
    for achievement in results.achievements.values():
        for position, item in enumerate(achievement.evidence_refs):
            if item.is_url:
                continue  # never fetched
            found = _check_ref(item, place, (*achievement.path, "evidence", position))
            if found is not None:
                yield found


def _fallback_root(target: Target, source: str) -> str:
    """The validated root: the folder given on the command line, or the named file's folder."""
    return os.path.realpath(target.root) if target.root else os.path.dirname(source)


def _check_file(target: Target, report: FileReport, limits: Limits) -> list[Problem]:
    from dataclasses import replace

    from pcontract.files import loader
    from pcontract.model import Results

    loaded = loader.load(target.path, target.display, limits)
    if loaded.problem is not None or not isinstance(loaded.data, dict):
        return []  # reported by the per-file checks
    results = Results.from_raw(loaded.data)
    folder = os.path.dirname(report.source)
    place = _Place(folder, repository_root(folder, _fallback_root(target, report.source)))
    problems = []
    for found in _findings(results, place):
        line, column = loader.locate(loaded.node, found.path, found.at_key)
        problems.append(replace(found, file=report.file, line=line, column=column))
    return problems


def check_evidence(
    targets: Sequence[Target], files: Sequence[FileReport], limits: Limits
) -> list[Problem]:
    """The evidence problems of every Results file that loaded and passed its schema
    (a report from the cache keeps its problems but not always its summary)."""
    problems: list[Problem] = []
    for target, report in zip(targets, files, strict=True):
        if report.kind == "Results" and not any(_stops(p) for p in report.problems):
            problems.extend(_check_file(target, report, limits))
    return problems


def _stops(problem: Problem) -> bool:
    """Whether ``problem`` means the document was not built: a load or schema problem."""
    from pcontract.rules.base import STAGE_LOAD, STAGE_SCHEMA
    from pcontract.rules.registry import RULES

    rule = RULES.get(problem.code)
    return rule is None or rule.stage in (STAGE_LOAD, STAGE_SCHEMA)
