"""Writing files safely: every writer (cascade, report, site, init) goes through here.

- Everything is checked before anything is written.
- An existing file needs ``force``. Always refused, ``force`` or not: a symbolic
  link, a folder, a device, a named pipe or a socket in a file's place; a file
  whose folder is in fact a file; a path that leaves the output folder, even
  through a symlinked folder; and any of the command's own input files, by
  device and inode, so hard links, symbolic links and ``./x`` are caught too.
- Each file is written to a temporary file beside it, synced, then renamed into
  place, so a reader (or an interrupted run) never leaves half a file. A run
  killed part way leaves its temporary behind; the next write of that file
  removes it (see :func:`remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pcontract.errors import PcontractError, WriteRefused
from pcontract.files.reading import what_is

if sys.platform != "win32":
    import fcntl

# A temporary file is ".NAME.XXXXXXXX.pcontract-tmp" beside NAME: tempfile's eight
# random characters, then a suffix of pcontract's own, so that no other program's
# file ever matches.
TEMP_SUFFIX = ".pcontract-tmp"
_RANDOM = "[a-z0-9_]{8}"
# Where a temporary cannot be locked (Windows), it counts as stale only this old.
UNLOCKED_STALE_AFTER = 24 * 3600.0
_TEMP_ATTEMPTS = 5


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` stays inside ``root`` once links and ``..`` are resolved."""
    return _within(os.path.realpath(root), os.path.realpath(path))


def _within(real_root: str, real: str) -> bool:
    """Whether the real path ``real`` is ``real_root`` or below it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


class Inputs:
    """The files a command read: by device and inode, which catches hard links,
    links on the way and ``./x`` for ``x``; by real path those that cannot be
    examined any more."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self._by_id: dict[tuple[int, int], str] = {}
        self._by_real: dict[str, str] = {}
        for shown in dict.fromkeys(os.fspath(p) for p in paths):
            try:
                info = os.stat(shown)
            except OSError:
                self._by_real.setdefault(os.path.realpath(shown), shown)
                continue
            self._by_id.setdefault((info.st_dev, info.st_ino), shown)

    def holding(self, path: Path, info: os.stat_result | None = None) -> str | None:
        """The input that ``path`` (whose ``lstat`` is ``info``) is, if any."""
        if info is None:
            with contextlib.suppress(OSError):
                info = os.stat(path)
        found = None if info is None else self._by_id.get((info.st_dev, info.st_ino))
        if found is None and self._by_real:
            found = self._by_real.get(os.path.realpath(path))
        return found


def _lstat(path: Path) -> os.stat_result | None:
    """``lstat``, or None when nothing is there. Raises ``PcontractError`` when the
    path cannot be examined (a folder on the way that cannot be searched)."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise PcontractError(f"cannot write {path}: {error.strerror or error}") from None


def _in_the_way(path: Path, info: os.stat_result, inputs: Inputs) -> str | None:
    """Why the existing ``path`` must never be replaced, even with force; or None."""
    if stat.S_ISLNK(info.st_mode):
        return f"refusing to write through a symbolic link: {path}"
    if stat.S_ISDIR(info.st_mode):
        return f"a folder is in the way of: {path}"
    if not stat.S_ISREG(info.st_mode):
        return (
            f"refusing to replace {path}: it is {what_is(info.st_mode)}, not a regular "
            "file, and is never replaced (even with --force); choose another output file"
        )
    source = inputs.holding(path, info)
    if source is None:
        return None
    what = (
        "one of this command's input files"
        if os.path.realpath(source) == os.path.realpath(path)
        else f"the same file as the input {source}"
    )
    return (
        f"refusing to write over {path}: it is {what}, and an input is never "
        "overwritten (even with --force); choose another output file"
    )


def not_a_folder(folder: Path) -> tuple[Path, os.stat_result] | None:
    """Where ``folder`` cannot be a folder: the nearest of it and its parents that
    exists, with its ``lstat``, when that is not a folder (nor a link to one)."""
    for place in (folder, *folder.parents):
        info = _lstat(place)
        if info is None:
            continue
        if stat.S_ISDIR(info.st_mode):
            return None
        if stat.S_ISLNK(info.st_mode) and os.path.isdir(place):
            return None  # a link to a folder; `inside` judges where it leads
        return place, info
    return None


def _outside(root: Path, paths: Sequence[Path]) -> list[Path]:
    """The ``paths`` that are not :func:`inside` ``root``, none of them a link
    (those are refused first): each folder's real path is worked out once."""
    real_root = os.path.realpath(root)
    folders: dict[Path, str] = {}
    outside: list[Path] = []
    for path in paths:
        if path.name in ("", ".", ".."):
            real = os.path.realpath(path)
        else:
            folder = folders.get(path.parent)
            if folder is None:
                folder = folders[path.parent] = os.path.realpath(path.parent)
            real = os.path.join(folder, path.name)
        if not _within(real_root, real):
            outside.append(path)
    return outside


def _refuse_targets(paths: Sequence[Path], root: Path | None) -> None:
    """Refuse targets that are links, outside ``root``, below something that is
    not a folder, or folders themselves."""
    folders_seen: set[Path] = set()
    links = [p for p in paths if os.path.islink(p)]
    if links:
        raise WriteRefused(
            "refusing to write through a symbolic link: " + ", ".join(map(str, links))
        )
    if root is not None:
        outside = _outside(root, paths)
        if outside:
            raise WriteRefused(f"refusing to write outside {root}: " + ", ".join(map(str, outside)))
    for path in dict.fromkeys(paths):  # a site's thousands of cards share a folder or two
        if path.parent in folders_seen:
            continue
        folders_seen.add(path.parent)
        blocking = not_a_folder(path.parent)
        if blocking is not None:
            folder, kind = blocking[0], what_is(blocking[1].st_mode)
            raise WriteRefused(
                f"cannot write {path}: {folder} is {kind}, not a folder; "
                "choose an output path whose folders are folders"
            )
    folders = [p for p in paths if os.path.isdir(p)]
    if folders:
        raise WriteRefused("a folder is in the way of: " + ", ".join(map(str, folders)))


def _refuse_existing(paths: Sequence[Path], force: bool, protected: Inputs) -> None:
    """Refuse to write over an input or something that is not a regular file, and
    over any existing file without ``force``."""
    existing: list[Path] = []
    for path in paths:
        found = _lstat(path)
        if found is None:
            continue
        reason = _in_the_way(path, found, protected)
        if reason is not None:
            raise WriteRefused(reason)
        existing.append(path)
    if existing and not force:
        noun = "file exists" if len(existing) == 1 else "files exist"
        raise WriteRefused(
            f"{len(existing)} {noun} already: "
            + ", ".join(map(str, existing))
            + "; use --force to overwrite"
        )


def write_files(
    files: Iterable[tuple[Path, bytes]],
    force: bool = False,
    root: Path | None = None,
    *,
    inputs: Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """Write each (path, bytes) atomically; returns the paths written.

    ``inputs`` are every file the command read: none of them is ever written over.
    Raises ``WriteRefused`` (nothing written) when any target is refused.
    """
    files = list(files)
    protected = Inputs(inputs)
    paths = [path for path, _ in files]
    _refuse_targets(paths, root)
    _refuse_existing(paths, force, protected)
    remove_stale_temporaries(paths)
    written: list[Path] = []
    made: set[Path] = set()  # the folders made (or found) already
    try:
        for path, data in files:
            try:
                if path.parent not in made:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(path.parent)
                if root is not None and not inside(root, path):  # a link appeared meanwhile
                    raise WriteRefused(f"refusing to write outside {root}: {path}")
                _write_atomic(path, data, overwrite=force, inputs=protected)
            except OSError as error:
                done = f" (already written: {', '.join(map(str, written))})" if written else ""
                raise PcontractError(
                    f"cannot write {path}: {error.strerror or error}{done}"
                ) from error
            written.append(path)
    finally:
        # Each file's bytes are synced before it is renamed into place, so a crash
        # leaves every file whole, old or new; the renames are made durable with one
        # sync per folder, once its files are in place (also when a later one fails).
        for folder in dict.fromkeys(path.parent for path in written):
            _sync_folder(folder)
    return written


def _protected(inputs: Inputs | Iterable[str | os.PathLike[str]]) -> Inputs:
    return inputs if isinstance(inputs, Inputs) else Inputs(inputs)


def check_targets(
    paths: Iterable[Path],
    force: bool = False,
    root: Path | None = None,
    *,
    inputs: Inputs | Iterable[str | os.PathLike[str]],
) -> None:
    """Everything :func:`write_files` does before it writes anything: refuse the
    targets it refuses (``WriteRefused``, nothing written), then remove the
    temporaries an interrupted run left beside them. Write each target later
    with :func:`write_checked` or :func:`build_checked`."""
    paths = list(paths)
    protected = _protected(inputs)
    _refuse_targets(paths, root)
    _refuse_existing(paths, force, protected)
    remove_stale_temporaries(paths)


def write_checked(
    path: Path,
    data: bytes,
    force: bool = False,
    root: Path | None = None,
    *,
    inputs: Inputs | Iterable[str | os.PathLike[str]],
) -> Path:
    """Write ``data`` atomically to ``path``, which :func:`check_targets` passed;
    give ``inputs`` as one :class:`Inputs` when writing many files."""
    protected = _protected(inputs)
    return _write_checked(
        path, root, lambda: _write_atomic(path, data, overwrite=force, inputs=protected)
    )


def build_checked(
    path: Path,
    build: Callable[[Path], None],
    force: bool = False,
    root: Path | None = None,
    *,
    inputs: Inputs | Iterable[str | os.PathLike[str]],
) -> Path:
    """Write ``path``, which :func:`check_targets` passed, as ``build`` makes it:
    ``build`` is given the path of a new empty temporary beside ``path`` and fills
    it; it is then synced and renamed into place. On any failure (``build``'s own
    too) nothing is left behind: no temporary, ``path`` as it was."""
    protected = _protected(inputs)
    return _write_checked(
        path, root, lambda: _build_atomic(path, build, overwrite=force, inputs=protected)
    )


def _write_checked(path: Path, root: Path | None, write: Callable[[], None]) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if root is not None and not inside(root, path):  # a link appeared meanwhile
            raise WriteRefused(f"refusing to write outside {root}: {path}")
        write()
    except OSError as error:
        raise PcontractError(f"cannot write {path}: {error.strerror or error}") from error
    return path


def write_built(
    path: Path,
    build: Callable[[Path], None],
    force: bool = False,
    root: Path | None = None,
    *,
    inputs: Inputs | Iterable[str | os.PathLike[str]],
) -> Path:
    """Write the one file ``path`` as ``build`` makes it in a temporary beside it
    (see :func:`build_checked`), with every check of :func:`write_files` first."""
    protected = _protected(inputs)
    check_targets([path], force, root, inputs=protected)
    return build_checked(path, build, force, root, inputs=protected)


def _build_atomic(
    path: Path, build: Callable[[Path], None], overwrite: bool, inputs: Inputs
) -> None:
    fd, lock, temp = _new_temp(path)
    try:
        os.close(fd)
        build(Path(temp))
        flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(temp, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _into_place(temp, path, overwrite, inputs)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
        _close(lock)
    _sync_folder(path.parent)


# -- temporaries ------------------------------------------------------------------


def temp_pattern(name: str) -> re.Pattern[str]:
    """The names of the writer's own temporary files for a file called ``name``."""
    return re.compile(re.escape(f".{name}.") + _RANDOM + re.escape(TEMP_SUFFIX))


# Any of the writer's temporaries, with the name of the file it is for.
_ANY_TEMP = re.compile(r"\.(?P<target>.+)\." + _RANDOM + re.escape(TEMP_SUFFIX), re.DOTALL)


def remove_stale_temporaries(targets: Iterable[Path]) -> list[Path]:
    """Remove the temporaries that an interrupted run left beside ``targets``.

    Only the writer's own names for these targets are considered
    (``.NAME.XXXXXXXX.pcontract-tmp``), only regular files, and only those that no
    running writer holds: a writer keeps its temporary locked until it is renamed.
    Returns what was removed; a file that cannot be examined is left alone.
    """
    by_folder: dict[Path, set[str]] = {}
    for target in targets:
        by_folder.setdefault(target.parent, set()).add(target.name)
    removed: list[Path] = []
    for folder, names in by_folder.items():
        try:
            found = [e.name for e in os.scandir(folder)]
        except OSError:
            continue
        for name in found:
            # A temporary's target name, looked up among the targets' (as matching
            # each one's temp_pattern would, without trying them all).
            match = _ANY_TEMP.fullmatch(name)
            if match and match["target"] in names and _remove_if_stale(folder / name):
                removed.append(folder / name)
    return removed


def _remove_if_stale(path: Path) -> bool:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        if sys.platform == "win32":
            if time.time() - info.st_mtime < UNLOCKED_STALE_AFTER:
                return False
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # a writer is using it
        now = os.lstat(path)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _new_temp(path: Path) -> tuple[int, int, str]:
    """A new temporary beside ``path``: (descriptor, lock descriptor, name).

    The lock, held until the file is renamed into place, tells another run that
    the temporary is in use. Another run may remove it in the instant before it is
    locked; then a new one is made."""
    for _ in range(_TEMP_ATTEMPTS):
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        if sys.platform == "win32":
            return fd, -1, temp
        lock = -1
        try:
            lock = os.dup(fd)
            with contextlib.suppress(OSError):  # no locks on this file system: go without
                fcntl.flock(lock, fcntl.LOCK_EX)
            mine, there = os.fstat(lock), os.lstat(temp)
        except FileNotFoundError:
            pass
        except BaseException:
            _close(lock, fd)
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        else:
            if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
                return fd, lock, temp
        _close(lock, fd)
    raise PcontractError(f"cannot write {path}: its temporary file kept disappearing")


def _close(*fds: int) -> None:
    for fd in fds:
        if fd >= 0:
            os.close(fd)


def _write_atomic(path: Path, data: bytes, overwrite: bool, inputs: Inputs) -> None:
    fd, lock, temp = _new_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _into_place(temp, path, overwrite, inputs)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
        _close(lock)


def _into_place(temp: str, path: Path, overwrite: bool, inputs: Inputs) -> None:
    """Give the finished temporary its mode and move it to ``path``, unless
    something that must not be written over has appeared there since the check."""
    os.chmod(temp, _mode_for(path))
    info = _lstat(path)
    reason = None if info is None else _in_the_way(path, info, inputs)
    if reason is not None:
        raise WriteRefused(reason)
    if overwrite:
        os.replace(temp, path)  # rename replaces a link itself, never its target
    else:
        _link_new(temp, path)


def _link_new(temp: str, path: Path) -> None:
    """Put ``temp`` at ``path`` only if nothing is there, even if a file appears
    between the check and the write."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise WriteRefused(f"{path} appeared while writing; use --force to overwrite") from None
    except OSError:
        # No hard links on this file system: fall back to a plain rename.
        if os.path.lexists(path):
            raise WriteRefused(f"{path} exists already; use --force to overwrite") from None
        os.replace(temp, path)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones."""
    try:
        return stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
