"""The validation engine: find the files, check each one, then check across them.

Per file: load, recognise the kind, check the schema, build the model, run the
document's rules and keep a compact summary. Across files: run the tree rules on
the index of summaries, then look up the positions of their problems, composing
only the files that have one.
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pcontract.errors import UsageError
from pcontract.files.reading import (
    Limits,
    UnreadableFile,
    forget_folders,
    read_head,
    read_limited,
    real,
)
from pcontract.problems import Problem, Severity, count, ordered

# The loader, the schemas, the model and the rules are imported where they are
# used: a warm run whose files all come from the cache never needs them, and
# importing them would be a fifth of its time.
if TYPE_CHECKING:
    from pcontract.checking.cache import Cache
    from pcontract.checking.config import RuleConfig
    from pcontract.checking.index import Index, Summary
    from pcontract.files.loader import Loaded
    from pcontract.model import Document
    from pcontract.rules.registry import Finding

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Options:
    strict: bool = False
    limits: Limits = field(default_factory=Limits)
    jobs: int = 1
    cache_dir: Path | None = None  # None: no cache
    # pcontract.toml and --select/--ignore; applied to the finished run, after the
    # cache, so that every way of checking reports the same.
    rules: RuleConfig | None = None
    # validate --check-evidence: read the evidence files Results name (never cached).
    check_evidence: bool = False


# Below this many files to check, starting worker processes costs more than it saves.
PARALLEL_MIN = 64


@dataclass(slots=True)
class FileReport:
    file: str
    source: str
    kind: str | None = None
    problems: list[Problem] = field(default_factory=list)
    summary: Summary | None = None
    skipped: bool = False
    document: Document | None = None
    # Set when the document has a kind and an id but failed its schema.
    broken: tuple[str, str] | None = None

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


@dataclass(slots=True)
class Report:
    files: list[FileReport]
    problems: list[Problem]

    @property
    def checked(self) -> int:
        return sum(1 for f in self.files if not f.skipped)

    @property
    def skipped(self) -> list[str]:
        return [f.file for f in self.files if f.skipped]

    @property
    def counts(self) -> tuple[int, int]:
        return count(self.problems)

    @property
    def ok(self) -> bool:
        return self.counts[0] == 0

    def files_with_problems(self) -> int:
        return len({p.file for p in self.problems})


# -- discovery -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    path: Path
    display: str
    explicit: bool
    # The real path, where discovery already knows it: walking a folder resolves
    # each folder once instead of each file.
    source: str = ""
    # Set for a folder that could not be listed: why. It is reported as PC008
    # rather than skipped, so that a tree that cannot be read never passes.
    unreadable: str = ""
    # The folder given on the command line that this file was found in ("" for a
    # file named itself).
    root: str = ""

    @property
    def real(self) -> str:
        return self.source or real(self.display)


def discover(paths: Sequence[str]) -> list[Target]:
    """Expand files and folders into the YAML files to check, in a stable order.

    Folders are walked recursively, skipping hidden entries; a symlinked folder is
    entered once, so loops end. A file named on the command line is always checked
    as named, even where a folder given before it already reached it. A folder
    that cannot be listed becomes a target that reports why.
    """
    forget_folders()
    targets: list[Target] = []
    seen: set[str] = set()
    for given in paths:
        if not os.path.lexists(given):
            raise UsageError(f"path does not exist: {given}")
    named = {real(given) for given in paths if not os.path.isdir(given)}
    for given in paths:
        if os.path.isdir(given):
            _walk(given, seen, targets, named)
        else:
            key = real(given)
            if key not in seen:
                seen.add(key)
                targets.append(Target(Path(given), given, True, key))
    return targets


def _walk(root: str, seen: set[str], found: list[Target], named: Collection[str] = ()) -> None:
    """A folder's own YAML files, sorted, then each subfolder's, sorted: the order
    of ``os.walk``. One ``scandir`` per folder answers "file or folder?" and "a
    link?" for every entry without a system call of its own."""
    visited: set[tuple[int, int]] = set()
    # (folder, its real path): a subfolder that is not a link is its parent's real
    # path plus its name, so only links are resolved.
    stack = [(root, os.path.realpath(root))]
    while stack:
        folder, folder_real = stack.pop()
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in visited:
                continue  # a symlink loop, or a folder reached twice
            visited.add(key)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            display = os.path.normpath(folder)
            why = f"cannot read the folder: {error.strerror or error}"
            found.append(Target(Path(display), display, False, folder_real, why, root))
            continue
        subfolders: list[tuple[str, str]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                link = entry.is_symlink()
            except OSError:
                is_dir, link = False, True
            if is_dir:
                sub = entry.path
                subfolders.append(
                    (sub, os.path.realpath(sub) if link else os.path.join(folder_real, name))
                )
                continue
            if not name.endswith(YAML_SUFFIXES):
                continue
            full = os.path.normpath(entry.path)
            try:
                if not entry.is_file() and (not link or os.path.exists(full)):
                    continue  # a FIFO, a socket, a device: never read
            except OSError:
                link = True
            # A broken link stays in: it is reported as unreadable when loaded.
            real_path = os.path.realpath(full) if link else os.path.join(folder_real, name)
            if real_path in seen:
                continue
            seen.add(real_path)
            found.append(Target(Path(full), full, real_path in named, real_path, root=root))
        stack.extend(reversed(subfolders))  # popped in sorted order


# -- one file --------------------------------------------------------------------


def _problem(file: str, node: Any, finding: Finding, code: str, severity: Severity) -> Problem:
    from pcontract.files.loader import locate

    line, column = locate(node, finding.path, finding.at_key)
    return replace(finding, file=file, line=line, column=column, code=code, severity=severity)


def _kind_problem(file: str, loaded: Loaded) -> Problem | None:
    """PC010, when the document is not a mapping with a known ``kind``."""
    from pcontract.checking import schema
    from pcontract.files import loader

    data = loaded.data
    path: tuple[str, ...] = ()
    if not isinstance(data, dict):
        shape = "a list" if isinstance(data, list) else "a single value"
        message = f"the document is {shape}, not a mapping of fields"
        hint = "start the file with `apiVersion: pcontract/v1` and a `kind`"
    else:
        kind = data.get("kind")
        if isinstance(kind, str) and kind in schema.KINDS:
            return None
        expected = "expected one of " + ", ".join(schema.KINDS)
        if kind is None:
            message = "missing kind: " + expected
        else:
            message = f"unknown kind {kind!r}: " + expected
            path = ("kind",)
        close = difflib.get_close_matches(str(kind), list(schema.KINDS), n=1) if kind else []
        hint = f"did you mean '{close[0]}'?" if close else ""
    line, column = loader.locate(loaded.node, path)
    return Problem(file, line or 1, column or 1, "PC010", Severity.ERROR, message, path, hint)


def _guess_identity(path: Path, content: bytes | None = None) -> tuple[str, str] | None:
    """The kind and id of a file that failed to load, read off its top-level lines
    (of ``content``, when the bytes were given), so that other files referring to it
    do not report it missing as well."""
    from pcontract.model import IDENTITY_LINE

    # read_head never blocks on a FIFO
    head = content[: 64 * 1024] if content is not None else read_head(path, 64 * 1024)
    if head is None:
        return None
    found = {m.group(1).decode(): m.group(2).decode() for m in IDENTITY_LINE.finditer(head)}
    if "kind" in found and "id" in found:
        return found["kind"], found["id"]
    return None


def check_file(
    target: Target,
    options: Options | None = None,
    keep_document: bool = False,
    content: bytes | None = None,
) -> FileReport:
    """Check one file on its own (``content``: its bytes, when already read). Never
    raises for bad input."""
    from pcontract.checking import schema
    from pcontract.checking.index import summarize
    from pcontract.files import loader
    from pcontract.model import build
    from pcontract.rules.registry import rules_for

    options = options or Options()
    report = FileReport(target.display, target.real)
    if target.unreadable:
        report.problems.append(
            Problem(
                target.display,
                0,
                0,
                "PC008",
                Severity.ERROR,
                target.unreadable,
                hint="give pcontract permission to list the folder, or leave it out",
            )
        )
        return report
    if content is None:
        loaded = loader.load(target.path, target.display, options.limits)
    else:
        loaded = loader.load_bytes(content, target.display, options.limits)
    if loaded.problem is not None:
        report.problems.append(loaded.problem)
        report.broken = _guess_identity(target.path, content)
        return report
    # The node tree (for positions) is composed only when a problem needs one:
    # data read by the fast path comes without it.
    data = loaded.data
    if (
        not target.explicit
        and isinstance(data, dict)
        and "apiVersion" not in data
        and "kind" not in data
    ):
        report.skipped = True  # some other YAML file in the tree
        return report
    kind_problem = _kind_problem(target.display, loaded)
    if kind_problem is not None:
        report.problems.append(kind_problem)
        return report
    kind = str(data["kind"])
    report.kind = kind
    findings = schema.check(kind, data)
    if findings:
        for item in findings:
            report.problems.append(
                _problem(target.display, loaded.node, item, item.code, item.severity)
            )
        ident = data.get("id") if kind != "Results" else None
        if isinstance(ident, str):
            report.broken = (kind, ident)
        elif kind == "Guidelines":
            report.broken = (kind, report.source)
        return report
    document = build(kind, data)
    for rule in rules_for(kind):
        assert rule.check is not None
        for found in rule.check(document):
            report.problems.append(
                _problem(target.display, loaded.node, found, rule.code, rule.severity)
            )
    report.summary = summarize(document, target.display, report.source)
    if keep_document:
        report.document = document
    return report


def check_bytes(
    data: bytes, display: str, source: str, options: Options, explicit: bool = True
) -> FileReport:
    """Check one document given as bytes (a file already read, or a blob of a git
    revision), as :func:`check_file` does, keeping the document when it builds."""
    target = Target(Path(display), display, explicit, source)
    return check_file(target, options, keep_document=True, content=data)


# -- across files ----------------------------------------------------------------


def build_index(
    reports: Iterable[FileReport],
    options: Options,
    check: Callable[[Target], FileReport] | None = None,
) -> Index:
    """The index of ``reports``' summaries, with the Guidelines their contracts name
    read as context (through ``check``: a pipeline that checks each file once)."""
    from pcontract.checking.index import Index

    index = Index(limits=options.limits)
    for report in reports:
        if report.summary is not None:
            index.add(report.summary)
        if report.broken is not None:
            kind, ident = report.broken
            index.broken_ids[kind].add(ident)
            if kind == "Guidelines":
                index.broken_ids[kind].add(report.source)
    index.finish()
    _load_context_guidelines(index, check or (lambda target: check_file(target, options)))
    return index


def _load_context_guidelines(index: Index, check: Callable[[Target], FileReport]) -> None:
    """Read Guidelines that contracts refer to but that were not among the paths."""
    from pcontract.checking.index import GuidelinesSummary

    for contract in index.contracts:
        source = contract.guidelines_source
        if source is None or index.guidelines_at(source) is not None:
            continue
        if source in index.context_guidelines or index.is_broken("Guidelines", source):
            continue
        summary: GuidelinesSummary | None = None
        if os.path.isfile(source):
            context = check(Target(Path(source), source, True))
            if isinstance(context.summary, GuidelinesSummary) and not context.has_errors:
                summary = context.summary
        index.context_guidelines[source] = summary


def check_tree(index: Index, limits: Limits | None = None) -> list[Problem]:
    """Run the cross-file rules; positions are looked up afterwards, lazily."""
    from pcontract.rules.registry import tree_rules

    problems: list[Problem] = []
    for rule in tree_rules():
        assert rule.check is not None
        pairs: Iterable[tuple[Summary, Finding]] = rule.check(index)
        for summary, found in pairs:
            problems.append(
                replace(found, file=summary.file, code=rule.code, severity=rule.severity)
            )
    return locate_all(problems, limits or Limits())


def locate_all(problems: list[Problem], limits: Limits | None = None) -> list[Problem]:
    """Fill in line and column by composing each file that has a problem, once."""
    from pcontract.files import loader

    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    located: list[Problem] = []
    for file, items in by_file.items():
        node = None
        try:
            node = loader.compose(read_limited(Path(file), limits or Limits()))
        except Exception:
            node = None
        for problem in items:
            line, column = loader.locate(node, problem.path, problem.at_key)
            located.append(problem.located(line, column))
    return located


def finish(files: list[FileReport], tree_problems: list[Problem], options: Options) -> Report:
    problems = [p for f in files for p in f.problems] + tree_problems
    if options.rules is not None:
        problems = options.rules.apply(problems)
    if options.strict:
        problems = [p.escalated() for p in problems]
    problems = ordered(problems)
    return Report(files, problems)


def check_paths(paths: Sequence[str], options: Options | None = None) -> Report:
    """Validate files and folders: the whole of ``pcontract validate``."""
    options = options or Options()
    targets = discover(paths)
    if options.cache_dir is None:
        files = check_files(targets, options)
        tree = check_tree(build_index(files, options), options.limits)
    else:
        from pcontract.checking.cache import Cache, salt_for

        store = Cache(options.cache_dir, salt_for(options.limits))
        try:
            files, tree = _check_paths_cached(targets, options, store)
        finally:
            store.close()
    tree = tree + empty_folders(paths, targets, files)
    return finish(files, tree + evidence_problems(targets, files, options), options)


def evidence_problems(
    targets: Sequence[Target], files: Sequence[FileReport], options: Options
) -> list[Problem]:
    """With ``check_evidence``, the problems of the evidence files Results name;
    found afresh on every run, outside the cache (see checking/evidence.py)."""
    if not options.check_evidence:
        return []
    from pcontract.checking.evidence import check_evidence

    return check_evidence(targets, files, options.limits)


def empty_folders(
    paths: Sequence[str], targets: Sequence[Target], files: Sequence[FileReport]
) -> list[Problem]:
    """PC011 for each folder given that holds no pcontract document: a CI job
    pointed at an empty or a wrong folder must not pass as "0 files valid"."""
    checked = [t for t, f in zip(targets, files, strict=True) if not f.skipped]
    roots = {t.root for t in checked}
    problems: list[Problem] = []
    for given in dict.fromkeys(paths):
        if not os.path.isdir(given) or given in roots:
            continue
        inside = os.path.join(os.path.realpath(given), "")
        if any(t.real.startswith(inside) for t in checked):
            continue  # reached through another folder given before it
        yaml_files = sum(1 for t in targets if t.root == given)
        message = "no pcontract documents found in the folder" + (
            f": its {yaml_files} YAML file(s) have neither apiVersion nor kind"
            if yaml_files
            else ": it holds no .yaml or .yml files"
        )
        problems.append(
            Problem(
                given,
                0,
                0,
                "PC011",
                Severity.ERROR,
                message,
                hint="check the path; documents start with apiVersion: pcontract/v1 and a kind",
            )
        )
    return problems


def _check_one(item: tuple[Target, Options, bytes | None]) -> tuple[FileReport, str | None]:
    """Check one file; given the cache's salt, also the entry key of the very bytes
    checked, so that an edit made meanwhile is never stored under the old key."""
    target, options, salt = item
    if salt is None:
        return check_file(target, options), None
    try:
        data = read_limited(target.path, options.limits)
    except UnreadableFile:
        return check_file(target, options), None  # the loader reports why
    from pcontract.checking.cache import entry_key

    return check_file(target, options, content=data), entry_key(salt, data, suffix(target))


def warm() -> None:
    """Import and compile what checking a file needs (see workers.pool)."""
    import importlib

    from pcontract.checking import schema
    from pcontract.rules import registry

    # yaml_rs is the fast path's parser, imported where it is used.
    for module in (
        "yaml_rs",
        "pcontract.checking.index",
        "pcontract.files.fastyaml",
        "pcontract.files.loader",
    ):
        importlib.import_module(module)

    for kind in schema.KINDS:
        schema.fast_validator(kind)
        registry.rules_for(kind)


def _check_many(
    targets: list[Target], options: Options, salt: bytes | None = None
) -> list[tuple[FileReport, str | None]]:
    items = [(target, options, salt) for target in targets]
    jobs = min(options.jobs, len(items) // (PARALLEL_MIN // 2) or 1)
    if jobs <= 1 or len(items) < PARALLEL_MIN:
        return [_check_one(item) for item in items]
    from pcontract.checking import workers

    # Summaries come back with their columns shared (index._rebuilt).
    with workers.pool(jobs, warm) as pool:
        return list(pool.map(_check_one, items, chunksize=max(1, len(items) // (jobs * 16))))


# -- the cache ---------------------------------------------------------------------
# Per file, an entry keyed by the file's bytes holds its verdict and summary. Per
# run, an entry keyed by every file's key and path holds the whole result, with
# what the cross-file rules read besides the files themselves (see cache.py).


@dataclass(frozen=True, slots=True)
class Read:
    """A target's entry key; or, when it cannot be read, what stands for it in a
    run's key: why, and the head that its identity is guessed from. The bytes are
    not kept: a national tree's would not fit in memory."""

    key: str | None
    unreadable: str = ""


# The end of a file's cache key: a file found in a folder without apiVersion or
# kind is skipped, one named is not, so the two are checked apart.
EXPLICIT_SUFFIX: Final = b"\0explicit"
FOUND_SUFFIX: Final = b"\0found"


def suffix(target: Target) -> bytes:
    return EXPLICIT_SUFFIX if target.explicit else FOUND_SUFFIX


def through_cache(
    store: Cache | None,
    key: str,
    entry: str | None,
    target: Target,
    check: Callable[[], FileReport],
) -> tuple[FileReport, bool]:
    """``target``'s report from its cache ``entry`` (True: read back, without a
    document), else ``check()``, stored under ``key`` when there is a store."""
    from pcontract.checking.cache import decode, encode

    fields = decode(entry, target.display, target.real) if entry is not None else None
    if fields is not None:
        return FileReport(target.display, target.real, **fields), True
    report = check()
    if store is not None and key:
        store.put(key, encode(report))
    return report, False


def read_all(
    targets: list[Target],
    limits: Limits,
    store: Cache,
) -> list[Read]:
    """Each target's entry key, reading each file once (its bytes are not kept)."""
    read: list[Read] = []
    for target in targets:
        try:
            data = read_limited(target.path, limits)  # regular files, within the limit
        except UnreadableFile as error:
            head = read_head(target.path, 64 * 1024)  # see _guess_identity
            state = f"{error.message}\0{store.key(head) if head is not None else ''}"
            read.append(Read(None, state))  # the loader reports it, afresh each time
            continue
        read.append(Read(store.key(data, suffix(target))))
    return read


def check_files(targets: list[Target], options: Options) -> list[FileReport]:
    """Check each file on its own, from the cache where it can, in worker processes
    where there are enough to be worth it. The order of ``targets`` is kept."""
    if options.cache_dir is None:
        return [report for report, _ in _check_many(targets, options)]
    from pcontract.checking.cache import Cache, salt_for

    store = Cache(options.cache_dir, salt_for(options.limits))
    try:
        read = read_all(targets, options.limits, store)
        return _check_cached(targets, read, options, store)[0]
    finally:
        store.close()


def _check_cached(
    targets: list[Target], read: list[Read], options: Options, store: Cache
) -> tuple[list[FileReport], bool]:
    """The reports, and whether every file checked was still as it was hashed."""
    from pcontract.checking.cache import encode

    reports = stored_reports(targets, read, store)
    misses = [position for position, report in enumerate(reports) if report is None]
    unchanged = True
    checked = _check_many([targets[p] for p in misses], options, store.salt)
    for position, (report, key) in zip(misses, checked, strict=True):
        reports[position] = report
        if key is not None:
            store.put(key, encode(report))
        unchanged = unchanged and key == read[position].key
    return [r for r in reports if r is not None], unchanged


def stored_reports(
    targets: list[Target], read: list[Read], store: Cache
) -> list[FileReport | None]:
    """Each target's report as its cache entry holds it (None: no entry, or a
    damaged one). Entries are decoded as they are fetched, a query's worth at a
    time, so their text is never all held at once."""
    from pcontract.checking.cache import decode

    reports: list[FileReport | None] = [None] * len(targets)
    for position, entry in store.entries_at([item.key for item in read]):
        target = targets[position]
        fields = decode(entry, target.display, target.real)
        if fields is not None:
            reports[position] = FileReport(target.display, target.real, **fields)
    return reports


def run_key(targets: list[Target], read: list[Read], store: Cache) -> str:
    def parts() -> Iterable[str]:
        yield os.getcwd()  # messages name files relative to one another
        for target, item in zip(targets, read, strict=True):
            yield f"{target.display}\0{target.real}\0{item.key}\0{item.unreadable}"

    return store.run_key(parts())


def _check_paths_cached(
    targets: list[Target], options: Options, store: Cache
) -> tuple[list[FileReport], list[Problem]]:
    """The file reports and the cross-file problems, reusing a whole run if it can."""
    from pcontract.checking.cache import decode_run, encode_run

    read = read_all(targets, options.limits, store)
    key = run_key(targets, read, store)
    run = store.get_run(key, [r.key for r in read if r.key is not None])
    if run is not None:
        reused = decode_run(run, targets, store, options.limits)
        if reused is not None:
            files = [
                FileReport(t.display, t.real, **fields)
                for t, fields in zip(targets, reused[0], strict=True)
            ]
            return files, reused[1]
    files, unchanged = _check_cached(targets, read, options, store)
    index = build_index(files, options)
    tree = check_tree(index, options.limits)
    if unchanged:  # else a file was edited while it was checked: not this run's key
        store.put_run(key, encode_run(files, tree, index, store, options.limits))
    return files, tree
