"""Scoring a whole tree at scale, for ``rank`` and ``site``.

The files are checked as ``validate`` checks them: the same cache entries, the
same worker processes, the same rules across files. A contract and its annual
results are checked in one task, so the worker that built both documents scores
them at once and nothing is parsed twice. Which results belong to which contract
is guessed from each file's top-level lines before anything is parsed, then
confirmed from the files' summaries: a contract whose guess was wrong (a Results
document written in flow style, say) is scored again, on its own.

Each contract's score is cached, keyed by the entry keys of the contract, its
results and its guidelines (which hold pcontract's code and version), so an
unchanged contract is never scored again. A whole run's scores are kept under
the key of its validate run, so a run with nothing changed reads one entry.

Only what ranking needs is kept of each score (:func:`compact`): a card's
indicators are scored again when the card is drawn (see :mod:`pcontract.scoring.cards`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcontract.checking.checker import (
    EXPLICIT_SUFFIX,
    FileReport,
    Options,
    Read,
    Target,
    build_index,
    check_file,
    check_tree,
    discover,
    finish,
    stored_reports,
    suffix,
)
from pcontract.errors import InputError, PcontractError, UsageError
from pcontract.files.reading import UnreadableFile, read_head, read_limited
from pcontract.problems import Problem

if TYPE_CHECKING:
    from pcontract.checking.cache import Cache
    from pcontract.model import Guidelines
    from pcontract.scoring.method import ContractScore


# Below this many contracts to score, worker processes cost more than they save.
PARALLEL_MIN = 32

# The top-level lines that tell which contract a file is or is for, read off the
# bytes before any parsing, to put a contract and its results in one task.
_KEYS = (b"kind:", b"id:", b"contract:", b"period:")
_VALUE = re.compile(rb"[ \t]*['\"]?([A-Za-z0-9][A-Za-z0-9_.-]*)['\"]?[ \t]*(?:#.*)?\r?")
# How much of a file is looked at: these lines come first in every file written
# as the format describes them; a guess that misses only costs a second task.
GUESS_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Guess:
    """What a file's top-level lines say it is (nothing is parsed yet)."""

    kind: str = ""
    id: str = ""
    contract: str = ""
    period: str = ""


def guess(data: bytes) -> Guess:
    """The kind and id of a Contract, or the kind, contract and period of a
    Results, from its top-level lines; reading stops as soon as they are known."""
    found: dict[bytes, str] = {}
    start, end = 0, min(len(data), GUESS_BYTES)
    while start < end:
        stop = data.find(b"\n", start, end)
        stop = end if stop < 0 else stop
        if data.startswith(_KEYS, start, stop):
            key, _, rest = data[start:stop].partition(b":")
            value = _VALUE.fullmatch(rest)
            if value is not None:
                found.setdefault(key, value.group(1).decode())
            kind = found.get(b"kind")
            if (kind == "Contract" and b"id" in found) or (
                kind == "Results" and b"contract" in found and b"period" in found
            ):
                break
        start = stop + 1
    return Guess(
        found.get(b"kind", ""),
        found.get(b"id", ""),
        found.get(b"contract", ""),
        found.get(b"period", ""),
    )


# -- the tasks ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Task:
    """Files to check (``check``) and, when ``contract`` is set, a contract to
    score against ``results`` (positions into ``files``)."""

    files: tuple[Target, ...]
    check: bool
    contract: int | None = None
    results: int | None = None
    override: str | None = None


@dataclass(frozen=True, slots=True)
class Done:
    """A task's reports (empty when it did not check), each file's entry key as
    read, and the score with the guidelines it was scored by (their real path and
    entry key); None when the contract could not be scored."""

    reports: tuple[FileReport, ...]
    keys: tuple[str | None, ...]
    score: ContractScore | None = None
    guidelines: str | None = None
    guidelines_key: str | None = None
    error: str = ""  # why scoring refused the contract


# The Guidelines checked in this process, by real path, with their entry keys:
# every contract a worker scores by them reuses them while their bytes stay the same.
_GUIDELINES: dict[str, tuple[bytes, FileReport]] = {}


def _remembered(target: Target, data: bytes, options: Options) -> FileReport:
    """``target`` checked in full, or as checked before in this process when it
    is a Guidelines with the same bytes (found in a folder or named: the same
    verdict, for a document with a kind)."""
    from pcontract.model import Guidelines

    held = _GUIDELINES.get(target.real)
    if held is not None and held[0] == data:
        report = held[1]
        return replace(
            report,
            file=target.display,
            problems=[replace(p, file=target.display) for p in report.problems],
        )
    report = check_file(target, options, keep_document=True, content=data)
    if isinstance(report.document, Guidelines):
        _GUIDELINES[target.real] = (data, report)
    return report


def remembered(target: Target, options: Options) -> FileReport:
    """A Guidelines file checked, or as checked before in this process."""
    try:
        data = read_limited(target.path, options.limits)
    except UnreadableFile:
        return check_file(target, options, keep_document=True)
    return _remembered(target, data, options)


def _guidelines(path: str, options: Options, salt: bytes) -> tuple[str | None, Guidelines | None]:
    """The guidelines at real path ``path`` (their document, None if they have a
    schema error or are not Guidelines), with their entry key."""
    from pcontract.checking.cache import entry_key
    from pcontract.model import Guidelines

    try:
        data = read_limited(Path(path), options.limits)
    except UnreadableFile:
        return None, None
    key = entry_key(salt, data, EXPLICIT_SUFFIX)
    document = _remembered(Target(Path(path), path, True, path), data, options).document
    return key, document if isinstance(document, Guidelines) else None


def _document(target: Target, data: bytes, options: Options, check: bool) -> FileReport:
    """The file's report with its document: checked in full, or only built, for a
    file whose bytes were checked before (its entry key matched)."""
    if check:
        return _remembered(target, data, options)
    from pcontract.checking.pipeline import document_of

    report = FileReport(target.display, target.real)
    report.document = document_of(target, data, options)
    report.kind = report.document.kind if report.document is not None else None
    return report


def _read_task(
    task: Task, options: Options, salt: bytes
) -> tuple[list[FileReport], list[str | None], list[Any]]:
    """A task's files read, keyed and checked (or only built); their documents."""
    from pcontract.checking.cache import entry_key
    from pcontract.model import Guidelines

    reports: list[FileReport] = []
    keys: list[str | None] = []
    for target in task.files:
        try:
            data = read_limited(target.path, options.limits)
        except UnreadableFile:
            reports.append(check_file(target, options))
            keys.append(None)
            continue
        keys.append(entry_key(salt, data, suffix(target)))
        reports.append(_document(target, data, options, task.check))
    documents = [r.document for r in reports]
    for report in reports:
        if not isinstance(report.document, Guidelines):
            report.document = None  # not sent back: a national tree's would not fit
    return reports, keys, documents


def run_task(item: tuple[Task, Options, bytes]) -> Done:
    """Check a task's files and score its contract (in a worker process)."""
    from pcontract.checking.pipeline import contract_guidelines
    from pcontract.model import Contract, Results
    from pcontract.scoring.method import score

    task, options, salt = item
    reports, keys, documents = _read_task(task, options, salt)
    shown = tuple(reports) if task.check else ()
    if task.contract is None:
        return Done(shown, tuple(keys))
    contract = documents[task.contract]
    results = documents[task.results] if task.results is not None else None
    if not isinstance(contract, Contract) or any(r.has_errors for r in reports):
        return Done(shown, tuple(keys))
    if results is not None and (not isinstance(results, Results) or not results.is_annual):
        return Done(shown, tuple(keys))
    source = task.override or contract_guidelines(reports[task.contract].source, contract)
    if source is None:
        return Done(shown, tuple(keys))
    guidelines_key, guidelines = _guidelines(source, options, salt)
    if guidelines is None:
        return Done(shown, tuple(keys), None, source, guidelines_key)
    try:
        scored = score(
            contract,
            guidelines,
            results,
            contract_file=task.files[task.contract].display,
            results_file=task.files[task.results].display if task.results is not None else "",
        )
    except PcontractError as error:  # said after validate's problems, if there are none
        return Done(shown, tuple(keys), None, source, guidelines_key, str(error))
    return Done(shown, tuple(keys), compact(scored), source, guidelines_key)


def compact(scored: ContractScore) -> ContractScore:
    """What ranking needs of a score: everything but the indicators, categories,
    quarterly progress and goals."""
    return replace(scored, indicators=(), categories=(), progress=(), goals=())


def run_tasks(tasks: Sequence[Task], options: Options, salt: bytes) -> Iterator[Done]:
    """Each task's outcome, in order: in worker processes when there are enough."""
    items = [(task, options, salt) for task in tasks]
    jobs = min(options.jobs, max(1, len(items) // (PARALLEL_MIN // 2)))
    if jobs <= 1 or len(items) < PARALLEL_MIN:
        for item in items:
            yield run_task(item)
        return
    from pcontract.checking import workers

    with workers.pool(jobs, _warm) as pool:
        yield from pool.map(run_task, items, chunksize=max(1, len(items) // (jobs * 16)))


def _warm() -> None:
    """What a task needs besides checking, imported before the workers fork."""
    import importlib

    from pcontract.checking import checker

    checker.warm()
    for module in ("pcontract.checking.pipeline", "pcontract.scoring.method"):
        importlib.import_module(module)


# -- the score cache -----------------------------------------------------------------


def _fraction(value: Fraction | None) -> list[int] | None:
    return None if value is None else [value.numerator, value.denominator]


def encode_score(scored: ContractScore, contract_file: str, results_file: str) -> dict[str, Any]:
    """A compact score as JSON; its warnings name their file as 0 (the contract)
    or 1 (the results), so the entry holds no file name."""
    from pcontract.checking.cache import problem_row

    files = {contract_file: 0, results_file: 1}
    return {
        "fields": [
            scored.contract,
            scored.title,
            scored.institution,
            scored.category,
            scored.financial_year,
            scored.period,
            scored.method,
            scored.guidelines_id,
            _fraction(scored.composite),
            scored.grade,
            scored.lower_is_better,
            scored.not_scored,
            scored.institution_id,
        ],
        "warnings": [[files.get(w.file, w.file), *problem_row(w)] for w in scored.warnings],
    }


def decode_score(value: Any, contract_file: str, results_file: str) -> ContractScore | None:
    """The compact score of an entry (None: damaged)."""
    from pcontract.checking.cache import DAMAGED, problem_from_row
    from pcontract.scoring.method import ContractScore

    try:
        (
            contract,
            title,
            institution,
            category,
            financial_year,
            period,
            method,
            guidelines_id,
            composite,
            grade,
            lower_is_better,
            not_scored,
            institution_id,
        ) = value["fields"]
        files = (contract_file, results_file)
        warnings = tuple(
            problem_from_row(files[f] if isinstance(f, int) else str(f), row)
            for f, *row in value["warnings"]
        )
        return ContractScore(
            contract=str(contract),
            title=str(title),
            institution=str(institution),
            category=str(category),
            financial_year=str(financial_year),
            period=period,
            method=str(method),
            guidelines_id=str(guidelines_id),
            composite=Fraction(*composite) if composite is not None else None,
            grade=grade,
            indicators=(),
            categories=(),
            warnings=warnings,
            lower_is_better=bool(lower_is_better),
            not_scored=not_scored,
            institution_id=institution_id,
        )
    except (*DAMAGED, ZeroDivisionError):
        return None


def score_key(store: Cache, keys: Sequence[str | None]) -> str | None:
    """The key of a score: the entry keys of the contract, its results (or none),
    its guidelines and the --guidelines override (or none)."""
    if keys[0] is None or keys[2] is None:
        return None
    return store.key(("\0".join(k or "-" for k in keys)).encode(), b"\0score")


# -- a whole tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One contract of the tree: its file, its annual results' file (None: none),
    the guidelines it is scored by (their real path) and its compact score."""

    contract: FileReport
    results: FileReport | None
    guidelines: str
    score: ContractScore
    key: str  # what the score was computed from (the entry keys of its files)
    parent: str | None


@dataclass(frozen=True, slots=True)
class Evaluated:
    entries: list[Entry]
    warnings: list[Problem]
    guidelines: dict[str, Guidelines]  # by real path
    reports: list[FileReport]


def _pairs(guesses: Sequence[Guess]) -> dict[int, int]:
    """Each contract's position and that of its annual results, as guessed: the
    last annual Results in the run naming it, as scoring picks them."""
    contracts: dict[str, int] = {}
    results: dict[str, int] = {}
    for position, found in enumerate(guesses):
        if found.kind == "Contract" and found.id:
            contracts.setdefault(found.id, position)
        elif found.kind == "Results" and found.contract and found.period == "annual":
            results[found.contract] = position
    return {c: results[i] for i, c in contracts.items() if i in results}


def _file_key(store: Cache, path: str, options: Options, held: dict[str, str | None]) -> str | None:
    """The entry key of the file at real path ``path`` as a file named on its
    own (as workers key the guidelines they score by); None: unreadable."""
    if path not in held:
        try:
            held[path] = store.key(read_limited(Path(path), options.limits), EXPLICIT_SUFFIX)
        except UnreadableFile:
            held[path] = None
    return held[path]


@dataclass(slots=True)
class _Candidate:
    """A contract's score as computed (or found in the cache), with what it was
    computed from, to be confirmed against the files' summaries."""

    results: int | None
    guidelines: str | None
    score: ContractScore | None
    keys: tuple[str | None, ...] = ()  # contract, results, guidelines, override
    error: str = ""


class _Run:
    """One evaluation: the targets, what is known of each, the tasks."""

    def __init__(
        self,
        targets: list[Target],
        read: list[Read],
        options: Options,
        store: Cache,
        override: str | None,
    ) -> None:
        self.targets, self.read, self.options, self.store = targets, read, options, store
        self.override = override
        self.held: dict[str, str | None] = {}
        self.override_key = _file_key(store, override, options, self.held) if override else None
        self.reports = stored_reports(targets, read, store)
        self.guesses = _guesses(targets, self.reports)
        self.candidates: dict[int, _Candidate] = {}
        self.unchanged = True

    def keys_of(
        self, contract: int, results: int | None, guidelines: str | None
    ) -> list[str | None]:
        gkey = _file_key(self.store, guidelines, self.options, self.held) if guidelines else None
        rkey = self.read[results].key if results is not None else None
        return [self.read[contract].key, rkey, gkey, self.override_key]

    def guidelines_of(self, position: int) -> str | None:
        from pcontract.checking.index import ContractSummary

        report = self.reports[position]
        summary = report.summary if report is not None else None
        if not isinstance(summary, ContractSummary):
            return None
        return self.override or summary.guidelines_source

    def plan(self) -> list[tuple[Task, list[int]]]:
        """The tasks to run (with the positions of their files), after taking
        every score the cache holds."""
        pairs = _pairs(self.guesses)
        in_pairs = set(pairs.values())
        tasks: list[tuple[Task, list[int]]] = []
        wanted: dict[int, tuple[str, list[int], int | None, str | None]] = {}
        for position, target in enumerate(self.targets):
            found = self.guesses[position]
            if found.kind == "Results" and position in in_pairs:
                continue  # checked in its contract's task
            paired = pairs.get(position)
            members = [position] if paired is None else [position, paired]
            known = all(self.reports[m] is not None for m in members)
            if found.kind != "Contract":
                if not known:
                    tasks.append((Task((target,), True), members))
                continue
            guidelines = self.guidelines_of(position) if known else None
            if known and guidelines is not None:
                key = score_key(self.store, self.keys_of(position, paired, guidelines))
                if key is not None:
                    wanted[position] = (key, members, paired, guidelines)
                    continue
            tasks.append((self._score_task(members, check=not known), members))
        order = list(wanted)
        keys = [wanted[position][0] for position in order]
        for at, entry in self.store.entries_at(keys):  # decoded as they come
            _, members, paired, guidelines = wanted[order[at]]
            scored = self._decode(entry, members)
            if scored is not None:
                self.candidates[order[at]] = _Candidate(paired, guidelines, scored)
        for position, (_, members, _, _) in wanted.items():
            if position not in self.candidates:
                tasks.append((self._score_task(members, check=False), members))
        return tasks

    def _decode(self, entry: str, members: list[int]) -> ContractScore | None:
        import json

        try:
            value = json.loads(entry)
        except ValueError:
            return None
        results = self.targets[members[1]].display if len(members) > 1 else ""
        return decode_score(value, self.targets[members[0]].display, results)

    def _score_task(self, members: list[int], check: bool) -> Task:
        return Task(
            tuple(self.targets[m] for m in members),
            check,
            0,
            1 if len(members) > 1 else None,
            self.override,
        )

    def take(self, task: Task, members: list[int], done: Done) -> None:
        """A task's outcome: its reports, and its score, to be confirmed."""
        from pcontract.checking.cache import encode

        for position, report, key in zip(members, done.reports, done.keys, strict=False):
            self.reports[position] = report
            if key is not None and key == self.read[position].key:
                self.store.put(key, encode(report))
            else:
                self.unchanged = False
        if task.contract is not None:
            results = members[1] if task.results is not None else None
            keys = (done.keys[0], done.keys[1] if results is not None else None)
            self.candidates[members[0]] = _Candidate(
                results,
                done.guidelines,
                done.score,
                (*keys, done.guidelines_key, self.override_key),
                done.error,
            )

    def confirm(self) -> list[tuple[Task, list[int]]]:
        """Tasks to score again: each contract whose annual results or guidelines,
        as its summary and the run's results say, are not what it was scored with.
        Which results a contract is scored against: the last annual Results in the
        run naming it, as :func:`pcontract.scoring.evaluation.rank_paths` picks them."""
        from pcontract.checking.index import ContractSummary, ResultsSummary

        annual: dict[str, int] = {}
        for position, report in enumerate(self.reports):
            summary = report.summary if report is not None else None
            if isinstance(summary, ResultsSummary) and summary.period == "annual":
                annual[summary.contract] = position
        redo: list[tuple[Task, list[int]]] = []
        for position, report in enumerate(self.reports):
            summary = report.summary if report is not None else None
            if not isinstance(summary, ContractSummary):
                self.candidates.pop(position, None)
                continue
            results = annual.get(summary.id)
            guidelines = self.override or summary.guidelines_source
            held = self.candidates.get(position)
            if held is not None and held.results == results and held.guidelines == guidelines:
                continue
            members = [position] if results is None else [position, results]
            redo.append((self._score_task(members, check=False), members))
        return redo

    def store_scores(self) -> None:
        for position, held in self.candidates.items():
            if held.score is None or not held.keys:
                continue
            members = [position] if held.results is None else [position, held.results]
            expected = [self.read[m].key for m in members]
            if list(held.keys[: len(members)]) != expected:
                self.unchanged = False  # edited while it was scored
                continue
            key = score_key(self.store, held.keys)
            if key is not None:
                results = self.targets[held.results].display if held.results is not None else ""
                entry = encode_score(held.score, self.targets[position].display, results)
                self.store.put(key, entry)


def _run_all(
    run: _Run, tasks: list[tuple[Task, list[int]]], on_progress: Callable[[int, int], None] | None
) -> None:
    outcomes = run_tasks([task for task, _ in tasks], run.options, run.store.salt)
    for count, ((task, members), done) in enumerate(zip(tasks, outcomes, strict=True), 1):
        run.take(task, members, done)
        if on_progress is not None:
            on_progress(count, len(tasks))


def evaluate(
    paths: Sequence[str],
    override_path: str | None,
    options: Options,
    on_progress: Callable[[int, int], None] | None = None,
) -> Evaluated:
    """Check every file under ``paths`` as validate does, and score every contract
    against its annual results; refuse, with every problem, when any is an error."""
    from pcontract.checking.cache import Cache, salt_for
    from pcontract.checking.checker import read_all
    from pcontract.checking.pipeline import Pipeline
    from pcontract.files.reading import real

    _GUIDELINES.clear()  # a run sees the guidelines as they are now
    pipeline = Pipeline(options)
    pipeline.override(override_path)  # checked first, as rank always did
    override = real(override_path) if override_path else None
    targets = discover(paths)
    salt = salt_for(options.limits) if options.cache_dir is not None else None
    store = Cache(options.cache_dir or Path(), salt)
    try:
        if salt is None:  # no cache: nothing to key
            read = [Read(None)] * len(targets)
        else:
            read = read_all(targets, options.limits, store)
        whole = _whole_key(targets, read, store, override, options)
        reused = _reuse(whole, targets, store, options)
        held: dict[str, str | None] = {}

        def key_of(entry: Scored) -> str:
            results = read[entry.results].key if entry.results is not None else None
            guidelines = _file_key(store, entry.guidelines, options, held)
            parts = [read[entry.position].key, results, guidelines, override]
            return store.key("\0".join(p or "-" for p in parts).encode(), b"\0card")

        if reused is not None:
            return _finish(pipeline, *reused, key_of)
        # Only a run that is not reused whole pairs its files (see _guesses), so
        # that a warm run reads each file once.
        run = _Run(targets, read, options, store, override)
        _run_all(run, run.plan(), on_progress)
        _run_all(run, run.confirm(), None)
        files = [
            r if r is not None else check_file(t, options)
            for r, t in zip(run.reports, targets, strict=True)
        ]
        index = build_index(files, options, check=pipeline.check)
        tree = check_tree(index, options.limits)
        report = finish(files, tree, options)
        _refuse(report.problems)
        run.store_scores()
        entries = _entries(run)
        if run.unchanged:
            _keep(whole, files, tree, index, entries, run)
        return _finish(pipeline, files, report.problems, entries, key_of)
    finally:
        store.close()


def _guesses(targets: list[Target], reports: Sequence[FileReport | None]) -> list[Guess]:
    """What each file is: as its summary from the cache says, for a Contract or a
    Results; else as its top lines say (see guess), read again for this."""
    from pcontract.checking.index import ContractSummary, ResultsSummary

    guesses: list[Guess] = []
    for target, report in zip(targets, reports, strict=True):
        summary = report.summary if report is not None else None
        if isinstance(summary, ContractSummary):
            guesses.append(Guess("Contract", summary.id))
        elif isinstance(summary, ResultsSummary):
            guesses.append(Guess("Results", "", summary.contract, summary.period))
        else:
            head = read_head(target.path, GUESS_BYTES)
            guesses.append(guess(head) if head is not None else Guess())
    return guesses


@dataclass(frozen=True, slots=True)
class Scored:
    """A contract's score, by the positions of its files among the targets."""

    position: int
    results: int | None
    guidelines: str
    score: ContractScore
    parent: str | None


def _refuse(problems: Sequence[Problem]) -> None:
    errors = [p for p in problems if p.is_error]
    if errors:
        raise InputError(
            f"{len(errors)} problem(s) in the input; fix them first (see pcontract validate)",
            list(problems),
        )


def _entries(run: _Run) -> list[Scored]:
    """Each contract's position, its results' position, its guidelines and its
    score, in the order of the files; a contract that names no usable guidelines
    stops the run, as scoring it alone would."""
    from pcontract.checking.index import ContractSummary

    found: list[Scored] = []
    for position in sorted(run.candidates):
        held = run.candidates[position]
        if held.error:
            raise PcontractError(held.error)
        if held.score is None or held.guidelines is None:
            raise UsageError(
                f"{run.targets[position].display}: the contract names no usable guidelines; "
                "add `guidelines:` to it or pass --guidelines FILE"
            )
        report = run.reports[position]
        summary = report.summary if report is not None else None
        parent = summary.parent if isinstance(summary, ContractSummary) else None
        found.append(Scored(position, held.results, held.guidelines, held.score, parent))
    return found


def _whole_key(
    targets: list[Target], read: list[Read], store: Cache, override: str | None, options: Options
) -> str:
    from pcontract.checking.checker import run_key

    held: dict[str, str | None] = {}
    extra = _file_key(store, override, options, held) if override else "-"
    return store.run_key([run_key(targets, read, store), "scores", override or "-", extra or "?"])


def _keep(
    whole: str,
    files: list[FileReport],
    tree: list[Problem],
    index: Any,
    entries: list[Scored],
    run: _Run,
) -> None:
    """Store the whole run: the files' verdicts as validate stores them, and the
    scores."""
    from pcontract.checking.cache import encode_run

    value = encode_run(files, tree, index, run.store, run.options.limits)
    value["scores"] = [
        [
            e.position,
            e.results,
            e.guidelines,
            e.parent,
            encode_score(
                e.score,
                run.targets[e.position].display,
                run.targets[e.results].display if e.results is not None else "",
            ),
        ]
        for e in entries
    ]
    run.store.put_run(whole, value)


def _reuse(
    whole: str, targets: list[Target], store: Cache, options: Options
) -> tuple[list[FileReport], list[Problem], list[Scored]] | None:
    from pcontract.checking.cache import DAMAGED, decode_run

    run = store.get_run(whole)
    if run is None:
        return None
    decoded = decode_run(run, targets, store, options.limits)
    if decoded is None:
        return None
    fields, tree = decoded
    files = [FileReport(t.display, t.real, **f) for t, f in zip(targets, fields, strict=True)]
    report = finish(files, tree, options)
    entries: list[Scored] = []
    try:
        for position, results, guidelines, parent, value in run["scores"]:
            shown = targets[results].display if results is not None else ""
            scored = decode_score(value, targets[position].display, shown)
            if scored is None:
                return None
            entries.append(Scored(int(position), results, str(guidelines), scored, parent))
    except DAMAGED:
        return None
    return files, report.problems, entries


def _finish(
    pipeline: Any,
    files: list[FileReport],
    problems: list[Problem],
    entries: list[Scored],
    key_of: Callable[[Scored], str],
) -> Evaluated:
    from pcontract.model import Guidelines

    _refuse(problems)
    guidelines = {
        f.source: f.document
        for f in files
        if isinstance(f.document, Guidelines) and f.document is not None
    }
    for entry in entries:
        source = entry.guidelines
        if source not in guidelines:
            found = pipeline.check_path(source).document
            if not isinstance(found, Guidelines):
                raise UsageError(f"{source}: not a usable Guidelines document")
            guidelines[source] = found
    return Evaluated(
        [
            Entry(
                files[e.position],
                files[e.results] if e.results is not None else None,
                e.guidelines,
                e.score,
                key_of(e),
                e.parent,
            )
            for e in entries
        ],
        [p for p in problems if not p.is_error],
        guidelines,
        files,
    )
