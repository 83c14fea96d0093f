"""Versions of contracts to compare, read from the file system or a git revision.

Every file goes through the one loader and its kind's JSON Schema, but not the
semantic rules: a version that breaks them is still compared (``pcontract diff``
reports what it breaks). The guidelines a contract names are read from the same
source, so an old version is scored and checked with the guidelines of its time.
"""

from __future__ import annotations

import os
import posixpath
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from pcontract import files, gitrev, loader, schema
from pcontract.errors import InputError, UsageError
from pcontract.files import Limits
from pcontract.model import IDENTITY_LINE, Contract, Document, Guidelines, Results, build
from pcontract.problems import Problem, Severity
from pcontract.rules import rules_for

_DEFAULT_LIMITS: Final = Limits()

# Per-file rules whose errors make a score meaningless; such a version is not scored.
_SCORE_BLOCKING: Final = frozenset({"PC203", "PC204", "PC207"})


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a contract: where it was read from, and its guidelines when
    they resolve (from the same revision)."""

    file: str
    contract: Contract
    guidelines: Guidelines | None = None
    scoreable: bool = True
    # Where the file is in the work tree, to tell a moved file from one edited in
    # place when the two versions come from different sources.
    location: str = ""


class Source(ABC):
    """Where a version's files are read from: the file system or a git revision."""

    label: str

    @abstractmethod
    def read(self, path: str, limits: Limits) -> bytes | Problem | None:
        """The file's bytes; a problem when it cannot be read; None when absent."""

    @abstractmethod
    def display(self, path: str) -> str: ...

    @abstractmethod
    def join(self, base: str, relative: str) -> str | None:
        """``relative`` seen from the folder of ``base``; None when it leaves the tree."""

    @abstractmethod
    def locate(self, path: str) -> str:
        """The absolute path of ``path`` in the work tree."""


def _too_big(file: str, size: int, limits: Limits) -> Problem:
    return loader.unreadable(file, files.too_big(f"{size:,}", limits))


class FileSource(Source):
    def __init__(self, label: str = "") -> None:
        self.label = label

    def read(self, path: str, limits: Limits) -> bytes | Problem | None:
        # The reader validate uses: its limits, and no waiting on a pipe or device.
        if not os.path.lexists(path):
            return None
        try:
            return files.read_limited(Path(path), limits)
        except files.UnreadableFile as error:
            return loader.unreadable(path, error)

    def display(self, path: str) -> str:
        return path

    def join(self, base: str, relative: str) -> str | None:
        return os.path.normpath(os.path.join(os.path.dirname(base), relative))

    def locate(self, path: str) -> str:
        return os.path.realpath(path)


class GitSource(Source):
    def __init__(self, commit: str, top: str, label: str) -> None:
        self.commit, self.top, self.label = commit, top, label

    def read(self, path: str, limits: Limits) -> bytes | Problem | None:
        size = gitrev.blob_size(self.commit, self.top, path)
        if size is None:
            return None
        if size > limits.max_bytes:
            return _too_big(self.display(path), size, limits)
        return gitrev.show(self.commit, self.top, path)

    def display(self, path: str) -> str:
        return f"{self.label}:{path}"

    def join(self, base: str, relative: str) -> str | None:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), relative))
        if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
            return None
        return joined

    def locate(self, path: str) -> str:
        return os.path.join(self.top, *path.split("/"))


@dataclass(slots=True)
class Parsed:
    """A document read on its own: built when it passed its schema, else problems."""

    document: Document | None = None
    problems: list[Problem] = field(default_factory=list)
    foreign: bool = False
    contract_id: str | None = None  # of a broken Contract, when it can be told


def _broken_contract_id(data: bytes) -> str | None:
    found = {m.group(1): m.group(2) for m in IDENTITY_LINE.finditer(data[: 64 * 1024])}
    if found.get(b"kind") == b"Contract" and b"id" in found:
        return found[b"id"].decode()
    return None


def parse(
    data: bytes, file: str, limits: Limits = _DEFAULT_LIMITS, explicit: bool = True
) -> Parsed:
    """Load one document and check it against its schema (not its rules).

    A YAML file found in a folder that is not a pcontract document is ``foreign``.
    """
    loaded = loader.load_bytes(data, file, limits)
    if loaded.problem is not None:
        return Parsed(problems=[loaded.problem], contract_id=_broken_contract_id(data))
    value, node = loaded.data, loaded.node
    foreign = not isinstance(value, dict) or ("apiVersion" not in value and "kind" not in value)
    if foreign and not explicit:
        return Parsed(foreign=True)
    kind = value.get("kind") if isinstance(value, dict) else None
    if not isinstance(kind, str) or kind not in schema.KINDS:
        line, column = loader.locate(node, ())
        return Parsed(
            problems=[
                Problem(
                    file,
                    line or 1,
                    column or 1,
                    "PC010",
                    Severity.ERROR,
                    "not a pcontract document: expected a kind of " + ", ".join(schema.KINDS),
                )
            ]
        )
    findings = schema.check(kind, value)
    if findings:
        problems = []
        for item in findings:
            line, column = loader.locate(node, item.path, item.at_key)
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    item.code,
                    Severity.ERROR,
                    item.message,
                    item.path,
                    item.hint,
                    item.at_key,
                )
            )
        ident = value.get("id")
        return Parsed(
            problems=problems,
            contract_id=ident if kind == "Contract" and isinstance(ident, str) else None,
        )
    return Parsed(build(kind, value))


def _rule_errors(document: Document) -> set[str]:
    return {
        rule.code
        for rule in rules_for(document.kind)
        if rule.severity is Severity.ERROR
        and rule.check is not None
        and any(True for _ in rule.check(document))
    }


class Reader:
    """Reads contracts and the guidelines they name, once each."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._guidelines: dict[tuple[int, str], Guidelines | None] = {}

    def guidelines(
        self, source: Source, contract_file: str, contract: Contract
    ) -> Guidelines | None:
        if not contract.guidelines:
            return None
        path = source.join(contract_file, contract.guidelines)
        if path is None:
            return None
        key = (id(source), path)
        if key not in self._guidelines:
            found = None
            data = source.read(path, self.limits)
            if isinstance(data, bytes):
                parsed = parse(data, source.display(path), self.limits)
                document = parsed.document
                if isinstance(document, Guidelines) and not _rule_errors(document):
                    found = document
            self._guidelines[key] = found
        return self._guidelines[key]

    def version(self, source: Source, path: str, contract: Contract) -> Version:
        blocking = _rule_errors(contract) & _SCORE_BLOCKING
        return Version(
            source.display(path),
            contract,
            self.guidelines(source, path, contract),
            scoreable=not blocking,
            location=source.locate(path),
        )

    def one(self, source: Source, path: str) -> Version:
        """An explicitly named file that must be a valid Contract."""
        data = source.read(path, self.limits)
        if data is None:
            raise UsageError(f"not a file: {source.display(path)}")
        if isinstance(data, Problem):
            raise InputError(f"cannot read {source.display(path)}", [data])
        parsed = parse(data, source.display(path), self.limits)
        if parsed.problems:
            raise InputError(
                f"{len(parsed.problems)} problem(s) in {source.display(path)}; fix them first "
                "(see pcontract validate)",
                list(parsed.problems),
            )
        if not isinstance(parsed.document, Contract):
            raise UsageError(f"{source.display(path)} is not a Contract document")
        return self.version(source, path, parsed.document)

    def many(
        self, source: Source, paths: Iterable[str], side: str
    ) -> tuple[list[Version], list[Problem], set[str]]:
        """Every Contract among ``paths``, the problems of those that cannot be read,
        and what names the broken ones (so they are not reported as removed): the
        contract id where it could be read, and the file's location always."""
        versions: list[Version] = []
        problems: list[Problem] = []
        broken: set[str] = set()
        for path in paths:
            data = source.read(path, self.limits)
            if data is None:
                continue
            if isinstance(data, Problem):
                problems.append(data)
                broken.add(source.locate(path))
                continue
            parsed = parse(data, source.display(path), self.limits, explicit=False)
            if parsed.problems:
                problems.extend(parsed.problems)
                broken.add(source.locate(path))
                if parsed.contract_id:
                    broken.add(parsed.contract_id)
            elif isinstance(parsed.document, Contract):
                versions.append(self.version(source, path, parsed.document))
        if side == "old":
            # The old side is history: it cannot be fixed in this change, so its
            # problems do not fail the diff.
            problems = [replace(p, severity=Severity.WARNING) for p in problems]
        return versions, problems, broken


def load_results(
    paths: Sequence[str], limits: Limits = _DEFAULT_LIMITS
) -> dict[str, tuple[str, Results]]:
    """Results files by the contract they report on; each must be valid on its own."""
    found: dict[str, tuple[str, Results]] = {}
    for path in paths:
        data = FileSource().read(path, limits)
        if data is None:
            raise UsageError(f"not a file: {path}")
        if isinstance(data, Problem):
            raise InputError(f"cannot read {path}", [data])
        parsed = parse(data, path, limits)
        if parsed.problems:
            raise InputError(
                f"{len(parsed.problems)} problem(s) in {path}; fix them first "
                "(see pcontract validate)",
                list(parsed.problems),
            )
        results = parsed.document
        if not isinstance(results, Results):
            raise UsageError(f"{path} is not a Results document")
        if _rule_errors(results):
            raise InputError(f"{path} has errors; run pcontract validate on it")
        if results.contract in found:
            raise UsageError(
                f"{found[results.contract][0]} and {path} both report on '{results.contract}'"
            )
        found[results.contract] = (path, results)
    return found
