"""Versions of contracts to compare, read from the file system or a git revision.

Every file is checked by the checker's one per-file path, as ``validate`` checks
it: a version that breaks the semantic rules is still compared, and
``pcontract diff`` reports what the change breaks. The guidelines a contract
names are read from the same source, so an old version is scored and checked
with the guidelines of its time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from pcontract.checking.cache import Cache, salt_for
from pcontract.checking.checker import (
    FOUND_SUFFIX,
    FileReport,
    Options,
    Target,
    check_bytes,
    through_cache,
)
from pcontract.checking.index import ContractSummary
from pcontract.errors import InputError, UsageError
from pcontract.files import gitrev, loader
from pcontract.files import reading as files
from pcontract.files.reading import Limits
from pcontract.model import Contract, Document, Guidelines, Results
from pcontract.problems import Problem, Severity

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
    # What the rules found in it, as validate reports them; and where it was read
    # from, to place problems found later.
    problems: tuple[Problem, ...] = ()
    source: Source | None = None
    path: str = ""
    # A digest of the file's bytes: two versions with the same digest are the same
    # contract, with nothing to compare.
    digest: bytes = b""


@dataclass(frozen=True, slots=True)
class Found:
    """A Contract file of one side, as first read: enough to pair it with the other
    side's by id, and to tell by its digest whether it changed."""

    id: str
    file: str
    location: str
    path: str
    digest: bytes
    source: Source
    # The version itself, when it was read whole already (a file named on its own).
    version: Version | None = None

    @classmethod
    def of(cls, version: Version) -> Found:
        assert version.source is not None
        return cls(
            version.contract.id,
            version.file,
            version.location,
            version.path,
            version.digest,
            version.source,
            version,
        )


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
    """A document read on its own by the checker: built when it passed its schema
    (``checked`` then holds what its rules found), else the problems that stopped it."""

    document: Document | None = None
    problems: list[Problem] = field(default_factory=list)
    foreign: bool = False
    contract_id: str | None = None  # of a Contract, when it can be told
    checked: list[Problem] = field(default_factory=list)
    kind: str = ""  # of a document that built

    def light(self) -> Parsed:
        """What pairing needs of it (kind, id and the problems that stop it), without
        the document and what its rules found: those are read again if it changed."""
        return Parsed(None, self.problems, self.foreign, self.contract_id, [], self.kind)

    def rule_errors(self) -> set[str]:
        return {p.code for p in self.checked if p.is_error}


def parse(
    data: bytes,
    file: str,
    limits: Limits = _DEFAULT_LIMITS,
    explicit: bool = True,
    source: str = "",
) -> Parsed:
    """Check one document as ``validate`` checks a file (``source``: its real path).

    A YAML file found in a folder that is not a pcontract document is ``foreign``.
    """
    return _parsed(check_bytes(data, file, source or file, Options(limits=limits), explicit))


def _parsed(report: FileReport) -> Parsed:
    """What a check of one document found, checked now (with its document) or
    read from validate's cache (without)."""
    if report.skipped:
        return Parsed(foreign=True)
    if report.summary is None:
        broken = report.broken
        contract_id = broken[1] if broken is not None and broken[0] == "Contract" else None
        return Parsed(problems=report.problems, contract_id=contract_id)
    summary = report.summary
    contract_id = summary.id if isinstance(summary, ContractSummary) else None
    return Parsed(report.document, [], False, contract_id, report.problems, report.kind or "")


# A file found in a folder: its path, its bytes or why they cannot be read, and
# its key and entry in validate's cache ("" and None without one).
_Read = tuple[str, "bytes | Problem", str, str | None]
# Files found in folders are looked up in the cache this many at a time, or
# fewer, to hold at most _BATCH_BYTES of them.
_BATCH: Final = 256
_BATCH_BYTES: Final = 16 * 1024 * 1024

# Parsed documents by digest and explicitness, with the file first parsed.
_Seen = dict[tuple[bytes, bool], tuple[tuple[str, str], Parsed]]


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _relabel(parsed: Parsed, was: tuple[str, str], now: tuple[str, str]) -> Parsed | None:
    """``parsed``, found in a file shown as ``was[0]`` (real path ``was[1]``), for
    another file with the very same bytes shown as ``now[0]``; None when a message
    names the first file, so that only checking the other can tell what it says."""
    found = (*parsed.problems, *parsed.checked)
    names = [name for name in (*was, os.path.basename(was[0])) if name]
    if any(name in f"{p.message}\0{p.hint}" for p in found for name in names):
        return None
    return Parsed(
        parsed.document,
        [replace(p, file=now[0]) for p in parsed.problems],
        parsed.foreign,
        parsed.contract_id,
        [replace(p, file=now[0]) for p in parsed.checked],
        parsed.kind,
    )


class Reader:
    """Reads contracts and the guidelines they name, once each; a file with the
    same bytes as one read already (an unchanged contract, in the other version)
    is checked once."""

    def __init__(self, limits: Limits, cache_dir: Path | None = None) -> None:
        """``cache_dir``: validate's cache, through which the files of folders and
        revisions are checked (a file checked before, anywhere, is not again)."""
        self.limits = limits
        self._guidelines: dict[tuple[int, str], Guidelines | None] = {}
        self._parsed: _Seen = {}
        self._scanned: _Seen = {}
        self._cache_dir = cache_dir
        self._opened: Cache | None = None  # on the first folder read

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *_: object) -> None:
        if self._opened is not None:
            self._opened.close()  # stores what this run checked
            self._opened = None

    @property
    def _store(self) -> Cache | None:
        if self._opened is None and self._cache_dir is not None:
            self._opened = Cache(self._cache_dir, salt_for(self.limits))
        return self._opened

    def parse(self, source: Source, path: str, data: bytes, explicit: bool = True) -> Parsed:
        """:func:`parse` of ``path``'s bytes ``data``, read from ``source``."""
        where = (source.display(path), source.locate(path))
        return self._parse(
            self._parsed,
            where,
            _digest(data),
            explicit,
            lambda: parse(data, where[0], self.limits, explicit, source=where[1]),
        )

    def _parse(
        self,
        seen: _Seen,
        where: tuple[str, str],
        digest: bytes,
        explicit: bool,
        check: Callable[[], Parsed],
    ) -> Parsed:
        """What ``check`` finds, once per digest in ``seen``, and relabelled for
        another file with the same bytes."""
        key = (digest, explicit)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier[0] == where:
                return earlier[1]
            reused = _relabel(earlier[1], earlier[0], where)
            if reused is not None:
                return reused
        parsed = check()
        seen.setdefault(key, (where, parsed))
        return parsed

    def _scan(self, where: tuple[str, str], data: bytes, key: str, entry: str | None) -> Parsed:
        """A file found in a folder, checked as validate checks it, or taken from
        its cache ``entry``, kept :meth:`Parsed.light`."""
        target = Target(Path(where[0]), where[0], False, where[1])
        report, _ = through_cache(
            self._store if key else None,
            key,
            entry,
            target,
            lambda: check_bytes(data, where[0], where[1], Options(limits=self.limits), False),
        )
        return _parsed(report).light()

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
                parsed = self.parse(source, path, data)
                document = parsed.document
                if isinstance(document, Guidelines) and not parsed.rule_errors():
                    found = document
            self._guidelines[key] = found
        return self._guidelines[key]

    def version(self, source: Source, path: str, parsed: Parsed, data: bytes) -> Version:
        contract = parsed.document
        assert isinstance(contract, Contract)
        return Version(
            source.display(path),
            contract,
            self.guidelines(source, path, contract),
            scoreable=not parsed.rule_errors() & _SCORE_BLOCKING,
            location=source.locate(path),
            problems=tuple(parsed.checked),
            source=source,
            path=path,
            digest=_digest(data),
        )

    def one(self, source: Source, path: str) -> Version:
        """An explicitly named file that must be a valid Contract."""
        data = source.read(path, self.limits)
        if data is None:
            raise UsageError(f"not a file: {source.display(path)}")
        if isinstance(data, Problem):
            raise InputError(f"cannot read {source.display(path)}", [data])
        parsed = self.parse(source, path, data)
        if parsed.problems:
            raise InputError(
                f"{len(parsed.problems)} problem(s) in {source.display(path)}; fix them first "
                "(see pcontract validate)",
                list(parsed.problems),
            )
        if not isinstance(parsed.document, Contract):
            raise UsageError(f"{source.display(path)} is not a Contract document")
        return self.version(source, path, parsed, data)

    def many(
        self, source: Source, paths: Iterable[str], side: str
    ) -> tuple[list[Found], list[Problem], set[str]]:
        """Every Contract among ``paths``, the problems of those that cannot be read,
        and what names the broken ones (so they are not reported as removed): the
        contract id where it could be read, and the file's location always.

        Only what pairs a contract is kept; :meth:`version_of` reads one again when
        it is compared, so memory grows with the contracts that changed."""
        found: list[Found] = []
        problems: list[Problem] = []
        broken: set[str] = set()
        for path, data, key, entry in self._read(source, paths):
            location = source.locate(path)
            if isinstance(data, Problem):
                problems.append(data)
                broken.add(location)
                continue
            digest = _digest(data)
            where = (source.display(path), location)
            parsed = self._parse(
                self._scanned,
                where,
                digest,
                False,
                functools.partial(self._scan, where, data, key, entry),
            )
            if parsed.problems:
                problems.extend(parsed.problems)
                broken.add(location)
                if parsed.contract_id:
                    broken.add(parsed.contract_id)
            elif parsed.kind == "Contract" and parsed.contract_id is not None:
                found.append(Found(parsed.contract_id, where[0], location, path, digest, source))
        if side == "old":
            # The old side is history: it cannot be fixed in this change, so its
            # problems do not fail the diff.
            problems = [replace(p, severity=Severity.WARNING) for p in problems]
        return found, problems, broken

    def _read(self, source: Source, paths: Iterable[str]) -> Iterator[_Read]:
        """Each path that exists, with its bytes (or why they cannot be read), its
        cache key and entry, looked up a batch at a time."""
        batch: list[tuple[str, bytes | Problem]] = []
        held = 0
        for path in paths:
            data = source.read(path, self.limits)
            if data is None:
                continue
            if self._cache_dir is None:
                yield path, data, "", None
                continue
            batch.append((path, data))
            held += len(data) if isinstance(data, bytes) else 0
            if len(batch) == _BATCH or held >= _BATCH_BYTES:
                yield from self._looked_up(batch)
                batch, held = [], 0
        yield from self._looked_up(batch)

    def _looked_up(self, batch: list[tuple[str, bytes | Problem]]) -> list[_Read]:
        store = self._store if batch else None
        if store is None:
            return [(path, data, "", None) for path, data in batch]
        keys = [
            store.key(data, FOUND_SUFFIX) if isinstance(data, bytes) else "" for _, data in batch
        ]
        stored = store.get_many([key for key in keys if key])
        return [
            (path, data, key, stored.get(key))
            for (path, data), key in zip(batch, keys, strict=True)
        ]

    def version_of(self, found: Found) -> Version:
        """The version ``found`` was read as, read and checked again to compare it."""
        if found.version is not None:
            return found.version
        source, path = found.source, found.path
        data = source.read(path, self.limits)
        if isinstance(data, bytes) and _digest(data) == found.digest:
            parsed = parse(data, found.file, self.limits, explicit=False, source=found.location)
            if not parsed.problems and isinstance(parsed.document, Contract):
                return self.version(source, path, parsed, data)
        raise InputError(f"{found.file} changed while it was compared; run pcontract diff again")


def place(version: Version, problems: list[Problem], limits: Limits) -> list[Problem]:
    """``problems`` found in ``version`` after it was read, with their lines and
    columns: the file is read again and composed once, as validate places the
    problems of its cross-file rules."""
    if not problems or version.source is None:
        return problems
    data = version.source.read(version.path, limits)
    node = loader.compose(data, limits) if isinstance(data, bytes) else None
    return [p.located(*loader.locate(node, p.path, p.at_key)) for p in problems]


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
        if parsed.rule_errors():
            raise InputError(f"{path} has errors; run pcontract validate on it")
        if results.contract in found:
            raise UsageError(
                f"{found[results.contract][0]} and {path} both report on '{results.contract}'"
            )
        found[results.contract] = (path, results)
    return found
