"""Writing files safely: every writer (cascade, report, site, init) goes through here.

- Everything is checked before anything is written.
- An existing file needs ``force``; a symbolic link or a folder in a file's place
  is always refused, and so is a path that leaves the output folder, even through
  a symlinked folder.
- Each file is written to a temporary file beside it, synced, then renamed into
  place, so a reader (or an interrupted run) never leaves half a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pcontract.errors import PcontractError, WriteRefused


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` stays inside ``root`` once links and ``..`` are resolved."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def write_files(
    files: Iterable[tuple[Path, bytes]], force: bool = False, root: Path | None = None
) -> list[Path]:
    """Write each (path, bytes) atomically; returns the paths written."""
    files = list(files)
    links = [p for p, _ in files if os.path.islink(p)]
    if links:
        raise WriteRefused(
            "refusing to write through a symbolic link: " + ", ".join(map(str, links))
        )
    if root is not None:
        outside = [p for p, _ in files if not inside(root, p)]
        if outside:
            raise WriteRefused(f"refusing to write outside {root}: " + ", ".join(map(str, outside)))
    folders = [p for p, _ in files if os.path.isdir(p)]
    if folders:
        raise WriteRefused("a folder is in the way of: " + ", ".join(map(str, folders)))
    existing = [p for p, _ in files if os.path.lexists(p)]
    if existing and not force:
        noun = "file exists" if len(existing) == 1 else "files exist"
        raise WriteRefused(
            f"{len(existing)} {noun} already: "
            + ", ".join(map(str, existing))
            + "; use --force to overwrite"
        )
    written: list[Path] = []
    for path, data in files:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if root is not None and not inside(root, path):  # a link appeared meanwhile
                raise WriteRefused(f"refusing to write outside {root}: {path}")
            _write_atomic(path, data, overwrite=force)
        except OSError as error:
            done = f" (already written: {', '.join(map(str, written))})" if written else ""
            raise PcontractError(f"cannot write {path}: {error.strerror or error}{done}") from error
        written.append(path)
    return written


def _write_atomic(path: Path, data: bytes, overwrite: bool) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(path))
        if os.path.islink(path):  # appeared since the check
            raise WriteRefused(f"refusing to write through a symbolic link: {path}")
        if overwrite:
            # rename replaces a link itself, never its target
            os.replace(temp, path)
        else:
            _link_new(temp, path)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
    _sync_folder(path.parent)


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
