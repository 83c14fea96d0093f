"""Reading files safely, the limits on what is read, and real paths.

Kept apart from the YAML loader so that a warm ``validate``, which only finds,
reads and hashes files, does not import PyYAML and the loading machinery.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from pcontract.errors import PcontractError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_ALIASES = 0
# Each value costs about 500 bytes once parsed (the node, its positions and the
# Python object), so this keeps a file under about 150 MB in memory and a few
# seconds of work; the largest real contracts hold a few thousand values.
DEFAULT_MAX_VALUES = 250_000
# The deepest document pcontract reads whatever --max-depth says: the rest of the
# program (JSON Schema checks, error messages, writers) recurses in Python, whose
# stack holds about 1,000 frames.
MAX_DEPTH_CEILING = 500


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_aliases: int = DEFAULT_MAX_ALIASES
    max_values: int = DEFAULT_MAX_VALUES

    @property
    def depth(self) -> int:
        """The depth enforced: ``max_depth``, but never beyond the ceiling."""
        return min(self.max_depth, MAX_DEPTH_CEILING)


_FILE_TYPES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(PcontractError):
    """A file that cannot be read: missing, not a regular file, or too big."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def too_big(size: str, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        f"the file is {size} bytes, over the limit of {limits.max_bytes:,}",
        "split the file, or raise --max-bytes",
    )


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """Open ``path`` for reading without blocking, and refuse anything but a regular
    file. Checking the open descriptor, not the name, leaves no gap for a named
    pipe or a device to be swapped in. Raises ``UnreadableFile``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
    except OSError as error:
        os.close(fd)
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        what = next((name for test, name in _FILE_TYPES if test(info.st_mode)), "special")
        raise UnreadableFile(
            f"not a regular file: it is {what}", "name a YAML file, or a folder to walk"
        )
    note_read(path)
    return fd, info


def _read_fd(fd: int, most: int, expected: int = -1) -> bytes:
    """Up to ``most`` bytes. A file still of the ``expected`` size is read in one
    call: asked for one byte more, it comes back short, so the end is reached."""
    if 0 <= expected < most:
        first = os.read(fd, expected + 1)
        if len(first) == expected:
            return first
        chunks = [first]  # it grew or shrank meanwhile: read on to the end
        left = most - len(first)
    else:
        chunks = []
        left = most
    chunks.extend(_chunks(fd, left))
    return b"".join(chunks)


def _chunks(fd: int, most: int) -> Iterator[bytes]:
    """The next bytes of ``fd``, at most ``most`` of them, a megabyte at a time."""
    left = most
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return
        yield chunk
        left -= len(chunk)


def read_limited(path: Path, limits: Limits = Limits()) -> bytes:
    """The bytes of a regular file of at most ``limits.max_bytes``. Never blocks on
    a named pipe or a device. Raises ``UnreadableFile``."""
    fd, info = _open_regular(path)
    try:
        if info.st_size > limits.max_bytes:
            raise too_big(f"{info.st_size:,}", limits)
        data = _read_fd(fd, limits.max_bytes + 1, info.st_size)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > limits.max_bytes:  # it grew while being read
        raise too_big(f"over {limits.max_bytes:,}", limits)
    return data


# The largest evidence file hashed (a scanned report can be large; it is streamed).
EVIDENCE_MAX_BYTES = 2 * 1024 * 1024 * 1024


def sha256_of(path: Path, most: int = EVIDENCE_MAX_BYTES) -> str:
    """The SHA-256 (hex) of a regular file of at most ``most`` bytes, read in chunks.
    Never blocks on a named pipe or a device. Raises ``UnreadableFile``."""
    fd, info = _open_regular(path)
    digest = hashlib.sha256()
    try:
        if info.st_size > most:
            raise UnreadableFile(f"the file is {info.st_size:,} bytes, over {most:,}")
        size = 0
        for chunk in _chunks(fd, most + 1):
            digest.update(chunk)
            size += len(chunk)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if size > most:  # it grew while being read
        raise UnreadableFile(f"the file grew over {most:,} bytes while it was read")
    return digest.hexdigest()


def read_head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of a regular file, or None when it cannot be read.
    Never blocks on a named pipe or a device."""
    try:
        fd, _ = _open_regular(path)
    except UnreadableFile:
        return None
    try:
        return _read_fd(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


@lru_cache(maxsize=1 << 16)
def _real_folder(folder: str) -> str:
    """``os.path.realpath`` of a folder, a part at a time (:func:`_resolved`), or
    all at once where a link on the way cannot be followed to its end. Only on
    POSIX: Windows' realpath also follows junctions and spells each part as the
    disk does, which a part at a time would not."""
    if os.name != "posix" or not os.path.isabs(folder):
        return os.path.realpath(folder)
    try:
        return _resolved(folder)
    except _Unresolved:
        return os.path.realpath(folder)


class _Unresolved(Exception):
    """A link that leads nowhere, or round in a loop: ``os.path.realpath`` keeps
    the rest of such a path as it is spelt, so it is asked of the whole path."""


# The real path of each folder prefix :func:`_resolved` has met, by its spelling.
_prefixes: dict[str, str] = {}
_PREFIXES_KEPT: Final = 1 << 16


def _resolved(folder: str) -> str:
    """The real path of an absolute ``folder``, each prefix remembered: a part
    that is not a link adds its name to its parent's real path, and ``..``
    after a real path is that path's parent, as ``os.path.realpath`` goes. So
    a national tree's thousands of ``folder/../../guidelines.yaml`` cost a look
    at one folder each, not at every part of the path. A loop, not a
    recursion: a path may have thousands of parts."""
    below: list[tuple[str, str]] = []  # (prefix, its last part), the deepest first
    head = folder
    while (known := _prefixes.get(head)) is None:
        parent, name = os.path.split(head)
        if not name or parent == head:  # the root
            known = os.path.realpath(head)
            break
        below.append((head, name))
        head = parent
    if len(_prefixes) > _PREFIXES_KEPT:
        _prefixes.clear()
    path = known
    for prefix, name in reversed(below):
        if name == os.pardir:
            path = os.path.dirname(path)
        elif name != os.curdir:
            path = os.path.join(path, name)
            if os.path.islink(path):
                try:
                    path = os.path.realpath(path, strict=True)
                except OSError:
                    raise _Unresolved(path) from None
        _prefixes[prefix] = path
    return path


def real(path: str) -> str:
    """``os.path.realpath``, resolving each folder once: a national tree has a
    hundred thousand files in a few thousand folders."""
    if ".." in path:
        through = _through_parents(path)
        if through is not None:
            return through
    full = os.path.abspath(path)  # without ".": "link/." is the link itself here
    folder, name = os.path.split(full)
    if name in ("", ".", "..") or os.path.islink(full):
        return os.path.realpath(path)
    return os.path.join(_real_folder(folder), name)


def real_from(folder: str, path: str) -> str:
    """:func:`real` of ``path`` from ``folder``, itself a real path (no part of it
    is a link): each ``..`` leading ``path`` climbs ``folder`` as it is spelt,
    which is where the file system goes from there, without asking it once for
    every folder (a national tree's contracts each name ``../guidelines``)."""
    while path[:2] == ".." and path[2:3] in _SEPARATORS:
        folder, path = os.path.dirname(folder), path[3:]
    return real(os.path.join(folder, path) if path else folder)


# What separates the parts of a path ("" ends one: a path that is "..").
_SEPARATORS: Final = frozenset({"", os.sep, os.altsep or os.sep})


def _through_parents(path: str) -> str | None:
    """``path`` resolved when one of its parts is ``..`` (None when none is): up
    to the last ``..`` by the file system, as opening the path goes (a ``..``
    after a link leads to the parent of the link's target, not back beside the
    link, as ``os.path.abspath`` would have it), the rest as :func:`real` goes."""
    rest: list[str] = []
    head = path.rstrip("".join(_SEPARATORS)) or path  # "a/../" is "a/.."
    while True:
        parent, name = os.path.split(head)
        if name == "..":
            base = _real_folder(os.path.join(os.getcwd(), head))
            return real(os.path.join(base, *reversed(rest))) if rest else base
        if not name or parent == head:
            return None
        rest.append(name)
        head = parent


def forget_folders() -> None:
    """Drop the folder cache: a new run may see links changed since the last one."""
    _real_folder.cache_clear()
    _prefixes.clear()


# -- what a run has read ------------------------------------------------------------
#
# A command that writes must never write over a file it read (its contract, results,
# guidelines, plan or templates). Every read goes through ``_open_regular``, which
# notes the file here while a command records its reads; the command hands the list
# to ``writer.write_files``.

_reads: ContextVar[list[Path] | None] = ContextVar("pcontract_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[list[Path]]:
    """Collect every file read (through this module, or noted with ``note_read``)
    inside the ``with`` block, in the list it yields."""
    log: list[Path] = []
    token = _reads.set(log)
    try:
        yield log
    finally:
        _reads.reset(token)


def note_read(path: str | os.PathLike[str]) -> None:
    """Note that ``path`` was read, when a command is recording its reads."""
    log = _reads.get()
    if log is not None:
        log.append(path if isinstance(path, Path) else Path(path))  # no parsing again


def what_is(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: "a folder", "a named pipe"..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return next((name for test, name in _FILE_TYPES if test(mode)), "a special file")
