"""A content-hash cache for ``validate``.

Each entry is keyed by a hash of the file's bytes together with everything else
that decides its result: the pcontract code, the schemas and the loader limits.
It stores the file's own problems and its summary, so a warm run re-reads and
hashes each file and re-runs only the cross-file rules. A changed byte, a new
pcontract, a schema edit or other limits all give a new key: the cache can be
stale, never wrong.

A second table keeps whole runs: keyed by every file's entry key, path and real
path, it holds the per-file verdicts and the cross-file problems, with the state
of every file outside the run that the cross-file rules read (a Guidelines a
contract refers to). When nothing has changed, a warm run reads and hashes the
files, checks those states, and is done; when anything has, the per-file entries
are used and the cross-file rules run again.

Entries live in one SQLite file under ``.pcontract-cache/`` at the repository root
(or ``--cache-dir``). Values are JSON, never pickle, so a tampered cache can at
worst give wrong diagnostics, never run code.

The cache is bounded: at most ``FILES_KEPT`` file entries and ``RUNS_KEPT`` runs,
and about ``CACHE_BYTES`` in all; the least recently used go first (runs, then
file entries, when it comes to bytes). Nothing is
stored without a per-user key that outlasts the run (see ``_secret``): entries no
later run could find would only pile up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pcontract import __version__
from pcontract.problems import Problem, Severity

DIRNAME = ".pcontract-cache"
FORMAT = 4
# Whole runs kept: one per set of paths validated, so a few suffice.
RUNS_KEPT = 16
# Entries kept: a national tree of 100,000 contracts with their results (200,000
# file entries and 100,000 scores), with room for the edits of a cycle (an edit or
# a new pcontract makes new keys; the old entries age out).
FILES_KEPT = 400_000
# About this many bytes of database in all (an entry takes about 2 kB); past it,
# the least recently used file entries are dropped until the stored values fit in
# three quarters of it.
CACHE_BYTES = 1024 * 1024 * 1024
# A run reused is marked as recently used, but at most once an hour: a warm run
# should not have to write.
REFRESH_AFTER = 3600.0
# New entries are set aside on disk once their text passes this many characters,
# so that a run does not hold every entry it made until it ends (about 60 MB of
# text at 10,000 contracts with their results and scores). They wait in a
# temporary table (a file of SQLite's, never synced, gone when the connection
# closes) and join the cache in the one transaction at the end: written into the
# cache in batches, each batch rewrote the pages of the key index it touched and
# synced them, which cost validate a third more wall time at 100,000 contracts.
FLUSH_CHARS = 4 * 1024 * 1024
_INSERT = "INSERT OR REPLACE INTO files (key, value, at) VALUES (?, ?, ?)"
_SET_ASIDE = "INSERT INTO temp.pending (key, value, at) VALUES (?, ?, ?)"


def default_dir(start: Path | None = None) -> Path:
    """``.pcontract-cache`` at the root of the git repository holding ``start``
    (the working folder by default), or in ``start`` itself outside a repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder / DIRNAME
    return here / DIRNAME


@cache
def _code_fingerprint() -> str:
    """A hash of pcontract's own code and schemas, so that a changed rule never
    reuses an old verdict, even without a version bump."""
    digest = hashlib.sha256(f"{__version__}/{FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    from pcontract.checking.schema import schema_dir

    for path in sorted(schema_dir().glob("*.schema.json")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_key(salt: bytes, data: bytes, suffix: bytes = b"") -> str:
    """The key of a file's entry (also made in worker processes, from the salt)."""
    digest = hashlib.sha256(salt)
    digest.update(data)  # no copy of a file's bytes, as concatenating would make
    digest.update(suffix)
    return digest.hexdigest()


class Cache:
    """Lookups and stores of per-file results; a no-op when it cannot be opened."""

    def __init__(self, folder: Path, salt: str | None) -> None:
        """``salt`` None: no stable per-user key (see ``salt_for``), so the cache is
        neither read nor written; keys are still made, from a key for this run."""
        self.folder = folder
        self.salt = (_code_fingerprint() + (salt or _one_run_salt())).encode()
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, float]] = []
        self._pending_chars = 0
        self._set_aside = False  # entries wait in temp.pending
        self._aside_fails = False  # then they wait in memory, as they did before
        self._pending_runs: list[tuple[str, str, float]] = []
        self._touched: list[tuple[float, str]] = []
        self._touched_files: list[tuple[float, str]] = []
        self._hits: list[str] = []
        if salt is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            database = folder / f"validate-v{FORMAT}.sqlite"
            if folder.is_symlink() or database.is_symlink():
                return  # never write through a link someone committed
            ignore = folder / ".gitignore"
            if not os.path.lexists(ignore):
                fd = os.open(ignore, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write("# pcontract's cache; safe to delete\n*\n")
            self._db = sqlite3.connect(database)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, value TEXT, at REAL)"
            )
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(files)")}
            if "at" not in columns:  # a cache written before entries were dated
                self._db.execute("ALTER TABLE files ADD COLUMN at REAL")
            self._db.execute("CREATE INDEX IF NOT EXISTS files_used ON files (at, key)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, value TEXT, at REAL)"
            )
        except (OSError, sqlite3.Error):
            self._db = None  # a read-only checkout, say: validate works, only slower

    def key(self, data: bytes, suffix: bytes = b"") -> str:
        return entry_key(self.salt, data, suffix)

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored entries among ``keys``, as text, in a few queries rather
        than one a file."""
        return dict(self.get_each(keys))

    def get_each(self, keys: Sequence[str]) -> Iterator[tuple[str, str]]:
        """:meth:`get_many`'s entries one query's worth at a time, so that a
        caller that decodes each as it comes never holds all their text (about
        60 MB at 10,000 contracts with their results). A query that fails ends
        the entries: the rest are misses."""
        if self._db is None:
            return
        step = 500  # under SQLite's limit on bound parameters
        now = time.time()
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            marks = ",".join("?" * len(chunk))
            # Only the placeholders are formatted in; the keys are bound.
            query = f"SELECT key, value, at FROM files WHERE key IN ({marks})"
            try:
                rows = self._db.execute(query, chunk).fetchall()
            except sqlite3.Error:
                return
            for key, value, at in rows:
                if not isinstance(value, str):
                    continue  # damaged (NULL, say): a miss, made again and stored
                self._hits.append(key)
                if not isinstance(at, float | int) or now - at > REFRESH_AFTER:
                    self._touched_files.append((now, key))  # in use: keep it from being dropped
                yield key, value

    def entries_at(self, keys: Sequence[str | None]) -> Iterator[tuple[int, str]]:
        """Each position of ``keys`` (a key, or None, for each position) whose key
        has an entry, with the entry, as :meth:`get_each` fetches them: positions
        that share a key (files with the same bytes) share its one lookup."""
        positions: dict[str, list[int]] = {}
        for position, key in enumerate(keys):
            if key is not None:
                positions.setdefault(key, []).append(position)
        for key, entry in self.get_each(list(positions)):
            for position in positions[key]:
                yield position, entry

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self._db is None:
            return
        text = json.dumps(value, ensure_ascii=False)
        self._pending.append((key, text, time.time()))
        self._pending_chars += len(text)
        if self._pending_chars >= FLUSH_CHARS and not self._aside_fails:
            self._put_aside()

    def _put_aside(self) -> None:
        """Set the entries made so far aside, in SQLite's temporary file."""
        if self._db is None:
            return
        try:
            if not self._set_aside:
                self._db.execute("PRAGMA temp_store = FILE")
                self._db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS pending (key TEXT, value TEXT, at REAL)"
                )
            with self._db:
                self._db.executemany(_SET_ASIDE, self._pending)
            self._set_aside = True
        except sqlite3.Error:
            # No temporary file (a full or read-only temporary folder): the
            # entries stay in memory, to be written at close as before.
            self._aside_fails = True
            return
        self._pending.clear()
        self._pending_chars = 0

    def run_key(self, parts: Iterable[str]) -> str:
        """The key of a whole run, from its files' keys, paths and options."""
        digest = hashlib.sha256(self.salt + b"\0run")
        for part in parts:
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        return digest.hexdigest()

    def get_run(self, key: str, file_keys: Sequence[str] = ()) -> dict[str, Any] | None:
        """A stored run; when it is marked as in use, so are ``file_keys``, the
        entries of its files (a warm run reads only the run)."""
        if self._db is None:
            return None
        try:
            query = "SELECT value, at FROM runs WHERE key = ?"
            row = self._db.execute(query, (key,)).fetchone()
            if row is None:
                return None
            value: dict[str, Any] = json.loads(row[0])
        except (sqlite3.Error, ValueError):
            return None
        now = time.time()
        if not isinstance(row[1], float | int) or now - row[1] > REFRESH_AFTER:
            self._touched.append((now, key))  # in use: keep it from being dropped
            self._touched_files.extend((now, k) for k in file_keys)
        return value

    def put_run(self, key: str, value: dict[str, Any]) -> None:
        if self._db is not None:
            self._pending_runs.append((key, json.dumps(value, ensure_ascii=False), time.time()))

    def state(self, path: str, limits: Any) -> str:
        """What a file outside the run is now: its entry key, or why it has none.
        A run is reused only if every such file is still in the same state."""
        from pcontract.files.reading import UnreadableFile, read_limited

        try:
            return self.key(read_limited(Path(path), limits))
        except UnreadableFile as error:
            return f"unreadable: {error.message}"  # missing, a folder, too big...

    def close(self) -> None:
        if self._db is None:
            return
        try:
            with self._db:
                if self._set_aside:
                    self._db.execute(
                        "INSERT OR REPLACE INTO files (key, value, at) "
                        "SELECT key, value, at FROM temp.pending ORDER BY rowid"
                    )
                self._db.executemany(_INSERT, self._pending)
                self._db.executemany("UPDATE files SET at = ? WHERE key = ?", self._touched_files)
                self._db.executemany("UPDATE runs SET at = ? WHERE key = ?", self._touched)
                if self._pending_runs:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO runs (key, value, at) VALUES (?, ?, ?)",
                        self._pending_runs,
                    )
                    self._db.execute(
                        "DELETE FROM runs WHERE key NOT IN "
                        "(SELECT key FROM runs ORDER BY at DESC LIMIT ?)",
                        (RUNS_KEPT,),
                    )
                wrote = self._set_aside or self._pending or self._pending_runs
                if wrote and _over_bounds(self._db):
                    # Before pruning, every entry this run used is marked as just
                    # used, so that pruning never drops what the run needed. Under
                    # the bounds nothing is dropped, and only the stale are marked.
                    now = time.time()
                    self._db.executemany(
                        "UPDATE files SET at = ? WHERE key = ?", [(now, k) for k in self._hits]
                    )
                    _prune(self._db)
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs time next run
        finally:
            self._db.close()
            self._db = None


_ROW_BYTES = 64  # what a row costs besides its key and value, roughly


def _used_bytes(db: sqlite3.Connection) -> int:
    (page_size,) = db.execute("PRAGMA page_size").fetchone()
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    (free,) = db.execute("PRAGMA freelist_count").fetchone()
    return int((pages - free) * page_size)


def _runs_bytes(db: sqlite3.Connection) -> int:
    query = "SELECT COALESCE(SUM(LENGTH(CAST(value AS BLOB)) + ?), 0) FROM runs"
    return int(db.execute(query, (_ROW_BYTES,)).fetchone()[0])


def _over_bounds(db: sqlite3.Connection) -> bool:
    """Whether the database holds more than :func:`_prune` keeps."""
    (count,) = db.execute("SELECT count(*) FROM files").fetchone()
    return bool(count > FILES_KEPT or _used_bytes(db) > CACHE_BYTES)


def _prune(db: sqlite3.Connection) -> None:
    """Drop the least recently used file entries beyond ``FILES_KEPT``; and while
    the database holds more than ``CACHE_BYTES``, the least recently used runs
    (the newest always stays) until they fit in half of three quarters of it, then
    file entries until everything does. Run only after something was written."""
    db.execute(
        "DELETE FROM files WHERE key IN "
        "(SELECT key FROM files ORDER BY at DESC, key DESC LIMIT -1 OFFSET ?)",
        (FILES_KEPT,),
    )
    if _used_bytes(db) <= CACHE_BYTES:
        return
    # Freed pages are reused by later writes, so the file stops growing here.
    budget = CACHE_BYTES * 3 // 4
    runs = _runs_bytes(db)
    while runs > budget // 2 and db.execute("SELECT count(*) FROM runs").fetchone()[0] > 1:
        db.execute(
            "DELETE FROM runs WHERE key = (SELECT key FROM runs ORDER BY at ASC, key LIMIT 1)"
        )
        runs = _runs_bytes(db)
    db.execute(
        "DELETE FROM files WHERE key IN (SELECT key FROM (SELECT key, SUM(LENGTH(key) + "
        "LENGTH(CAST(value AS BLOB)) + ?) OVER (ORDER BY at DESC, key DESC) AS used FROM files) "
        "WHERE used > ?)",
        (_ROW_BYTES, max(budget - runs, 0)),
    )


def problem_row(p: Problem) -> list[Any]:
    return [p.line, p.column, p.code, p.severity.value, p.message, list(p.path), p.hint, p.at_key]


def problem_from_row(file: str, row: list[Any]) -> Problem:
    line, column, code, severity, message, path, hint, at_key = row
    return Problem(file, line, column, code, Severity(severity), message, tuple(path), hint, at_key)


def encode(report: Any) -> dict[str, Any]:
    """A FileReport as JSON, without its file names."""
    from pcontract.checking.index import summary_to_json

    return {
        "kind": report.kind,
        "skipped": report.skipped,
        "broken": list(report.broken) if report.broken else None,
        "problems": [problem_row(p) for p in report.problems],
        "summary": summary_to_json(report.summary) if report.summary is not None else None,
    }


# What a damaged entry can raise when read back; it is then a miss.
DAMAGED = (ValueError, KeyError, TypeError, IndexError, AttributeError)


def decode(text: str, file: str, source: str) -> dict[str, Any] | None:
    """The fields of a FileReport for ``file``, from an entry; None if the entry
    is damaged."""
    from pcontract.checking.index import summary_from_json

    try:
        value = json.loads(text)
        problems = [problem_from_row(file, row) for row in value["problems"]]
        summary = value["summary"]
        broken = value["broken"]
        if broken and broken[0] == "Guidelines" and broken[1] != source:
            broken = ["Guidelines", source]  # a broken Guidelines is known by its path
        return {
            "kind": value["kind"],
            "skipped": value["skipped"],
            "broken": tuple(broken) if broken else None,
            "problems": problems,
            "summary": summary_from_json(dict(summary), file, source) if summary else None,
        }
    except DAMAGED:
        return None


def encode_run(
    files: Sequence[Any], tree: Sequence[Problem], index: Any, store: Cache, limits: Any
) -> dict[str, Any]:
    """A whole run: each file's verdict, the cross-file problems, and what those
    rules read outside the files: the Guidelines read as context (by their state
    now) and where each contract's guidelines path led."""
    from pcontract.checking.index import guidelines_path

    resolved = {
        guidelines_path(c.source, c.guidelines): c.guidelines_source
        for c in index.contracts
        if c.guidelines
    }
    return {
        "files": [[f.kind, f.skipped, [problem_row(p) for p in f.problems]] for f in files],
        "tree": [[p.file, *problem_row(p)] for p in tree],
        "context": [[path, store.state(path, limits)] for path in sorted(index.context_guidelines)],
        "resolved": sorted(resolved.items()),
    }


def decode_run(
    run: dict[str, Any], targets: Sequence[Any], store: Cache, limits: Any
) -> tuple[list[dict[str, Any]], list[Problem]] | None:
    """The FileReport fields of each target and the cross-file problems of a stored
    run, or None if anything it depends on outside the files has changed (or the
    entry is damaged). The reports carry no summaries: nothing needs them."""
    from pcontract.files.reading import real

    try:
        if len(run["files"]) != len(targets):
            return None
        for path, state in run["context"]:
            if store.state(path, limits) != state:
                return None
        for joined, source in run["resolved"]:
            if real(joined) != source:
                return None
        files = [
            {
                "kind": kind,
                "skipped": skipped,
                "problems": [problem_from_row(t.display, row) for row in rows],
            }
            for (kind, skipped, rows), t in zip(run["files"], targets, strict=True)
        ]
        tree = [problem_from_row(file, row) for file, *row in run["tree"]]
    except DAMAGED:
        return None
    return files, tree


def salt_for(limits: Any) -> str | None:
    """What a cache key mixes in besides the file: the limits and the per-user key;
    None when no per-user key can be kept (the cache is then not used)."""
    secret = _secret()
    if secret is None:
        return None
    return (
        f"|{limits.max_bytes}|{limits.max_depth}|{limits.max_aliases}|{limits.max_values}"
        f"|{os.sep}|{secret}"
    )


@cache
def _one_run_salt() -> str:
    return secrets.token_hex(32)


@cache
def _secret() -> str | None:
    """A per-user key kept outside the checkout and mixed into every cache key.

    Without it, keys follow from public code and a file's bytes, so a cache file
    committed to a pull request could say that a broken contract is valid. With it,
    such a file only misses. Where no key can be kept (an unwritable home, say),
    None: entries made with a key for this run alone could never be found again,
    so nothing is stored."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "pcontract" / "cache-key"
    try:
        kept = _kept_key(path)
        if kept is not None:
            return kept
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole beside it, then linked into place: two processes starting
        # at once on a fresh machine (pre-commit's hooks, say) agree on one key,
        # and neither reads a key half written.
        temp = path.with_name(f".cache-key-{secrets.token_hex(8)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):  # another was first: its key wins
                os.link(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        return _kept_key(path)
    except (OSError, UnicodeDecodeError):
        return None


def _kept_key(path: Path) -> str | None:
    if path.is_file() and not path.is_symlink():
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    return None
