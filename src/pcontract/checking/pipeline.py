"""The document pipeline of one run: each input checked once.

:func:`pcontract.checking.checker.check_file` is the one function that turns a file's bytes
into a checked document and its problems. A :class:`Pipeline` remembers what it
checked, by real path, so that a command reading the same contract or guidelines
more than once (``report --quarterly`` scores a contract against two results
files) checks each input once. ``validate`` checks each file once by construction
and uses :func:`pcontract.checking.checker.check_paths` directly; ``diff`` checks the bytes
of each version with :func:`pcontract.checking.checker.check_bytes`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pcontract.checking.checker import (
    FileReport,
    Options,
    Target,
    build_index,
    check_file,
    check_tree,
    finish,
)
from pcontract.checking.index import guidelines_file
from pcontract.errors import InputError, UsageError
from pcontract.files.reading import real
from pcontract.model import Contract, Document, Guidelines, Results
from pcontract.problems import Problem


@dataclass(frozen=True, slots=True)
class Loaded:
    """Validated documents, with the files they came from."""

    contracts: list[tuple[FileReport, Contract]]
    results: list[tuple[FileReport, Results]]
    guidelines: dict[str, Guidelines]  # by real path
    warnings: list[Problem]


class Pipeline:
    """Checks files for one run, each once, keeping the documents they hold."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self._checked: dict[str, FileReport] = {}

    def check(self, target: Target) -> FileReport:
        """``target`` checked on its own, as ``validate`` checks it."""
        key = target.real
        report = self._checked.get(key)
        # A file skipped in a folder (not a pcontract document) is checked again
        # when it is named on its own.
        if report is None or (report.skipped and target.explicit):
            report = self._check_cached([target])[0]
            self._checked[key] = report
        return report

    def _check_cached(self, targets: Sequence[Target]) -> list[FileReport]:
        """Each target checked with its document, through validate's cache: a file
        whose entry is there is only parsed and built, not checked again."""
        if self.options.cache_dir is None:
            return [check_file(t, self.options, keep_document=True) for t in targets]
        from pcontract.checking.cache import Cache, salt_for
        from pcontract.checking.checker import suffix, through_cache
        from pcontract.files.reading import UnreadableFile, read_limited

        store = Cache(self.options.cache_dir, salt_for(self.options.limits))
        try:
            read: list[tuple[bytes, str] | None] = []
            for target in targets:
                try:
                    data = read_limited(target.path, self.options.limits)
                except UnreadableFile:
                    read.append(None)
                    continue
                read.append((data, store.key(data, suffix(target))))
            stored = store.get_many([item[1] for item in read if item is not None])
            reports: list[FileReport] = []
            for target, item in zip(targets, read, strict=True):
                if item is None:  # the loader says why
                    reports.append(check_file(target, self.options, keep_document=True))
                    continue
                data, key = item
                report, hit = through_cache(
                    store,
                    key,
                    stored.get(key),
                    target,
                    functools.partial(
                        check_file, target, self.options, keep_document=True, content=data
                    ),
                )
                if hit and report.summary is not None:  # its schema holds: build the document
                    report.document = document_of(target, data, self.options)
                reports.append(report)
            return reports
        finally:
            store.close()

    def check_path(self, path: str) -> FileReport:
        return self.check(Target(Path(path), path, True))

    def load(self, targets: Sequence[Target], ignore: frozenset[str] = frozenset()) -> Loaded:
        """Check ``targets`` and the rules across them, then return their documents;
        refuse, with every problem, when any is an error (other than ``ignore``)."""
        fresh = [t for t in targets if t.real not in self._checked]
        for target, checked in zip(fresh, self._check_cached(fresh), strict=True):
            self._checked[target.real] = checked
        files = [self.check(t) for t in targets]
        index = build_index(files, self.options, check=self.check)
        report = finish(files, check_tree(index, self.options.limits), self.options)
        problems = [p for p in report.problems if p.code not in ignore]
        errors = [p for p in problems if p.is_error]
        if errors:
            raise InputError(
                f"{len(errors)} problem(s) in the input; fix them first (see pcontract validate)",
                list(problems),
            )
        contracts, results = [], []
        guidelines: dict[str, Guidelines] = {}
        for file in files:
            document = file.document
            if isinstance(document, Contract):
                contracts.append((file, document))
            elif isinstance(document, Results):
                results.append((file, document))
            elif isinstance(document, Guidelines):
                guidelines[file.source] = document
        for file, contract in contracts:
            source = contract_guidelines(file.source, contract)
            if source is not None and source not in guidelines:
                # Checked already, as context for the rules across files.
                found = self.check_path(source).document
                if isinstance(found, Guidelines):
                    guidelines[source] = found
        return Loaded(contracts, results, guidelines, [p for p in problems if not p.is_error])

    def override(self, path: str | None) -> Guidelines | None:
        """The guidelines of ``--guidelines FILE``, validated; None without one."""
        if path is None:
            return None
        loaded = self.load(explicit([path]))
        found = loaded.guidelines.get(real(path))
        if found is None:
            raise UsageError(f"{path} is not a Guidelines document")
        return found


def contract_guidelines(source: str, contract: Contract) -> str | None:
    """The real path of the guidelines ``contract`` (read from real path ``source``)
    names, or None when it names none."""
    return guidelines_file(source, contract.guidelines) if contract.guidelines else None


def explicit(paths: Sequence[str]) -> list[Target]:
    """Files named on the command line, each of which must be a file."""
    for path in paths:
        if not os.path.isfile(path):
            raise UsageError(f"not a file: {path}")
    return [Target(Path(p), p, True) for p in paths]


def document_of(target: Target, data: bytes, options: Options) -> Document | None:
    """The document in ``data``, whose bytes are known to pass their schema (their
    cache entry says so): parsed and built, not checked again."""
    from pcontract.files import loader
    from pcontract.model import build

    loaded = loader.load_bytes(data, target.display, options.limits)
    if loaded.problem is not None or not isinstance(loaded.data, dict):
        return check_file(target, options, keep_document=True, content=data).document
    return build(str(loaded.data["kind"]), loaded.data)
