"""Reading files as they were at a git revision, for ``pcontract diff --git``.

git runs as a subprocess with list arguments (never a shell), pathspecs are
literal, and a revision can never be taken for an option. Failures become
:class:`~pcontract.errors.UsageError`, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from pcontract.errors import UsageError

# Regular files only: symbolic links (120000) and submodules (160000) are skipped.
_FILE_MODES = ("100644", "100755")


class GitFailed(UsageError):
    """git could not do what was asked."""


def _git(args: list[str], cwd: str) -> bytes:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        completed = subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            env=env,
        )
    except FileNotFoundError:
        raise GitFailed("git is not installed (or not on PATH)") from None
    except OSError as error:
        raise GitFailed(f"cannot run git: {error.strerror or error}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", errors="replace").strip()
        raise GitFailed(message.splitlines()[0] if message else f"git {args[0]} failed")
    return completed.stdout


def toplevel(cwd: str = ".") -> str:
    """The real path of the work tree that ``cwd`` is in."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitFailed as error:
        raise UsageError(f"not in a git repository ({error})") from None
    top = out.decode("utf-8", errors="surrogateescape").strip()
    if not top:
        raise UsageError("not in a git work tree (a bare repository has no files to compare)")
    return os.path.realpath(top)


def resolve(revision: str, top: str) -> str:
    """The commit a revision names; an unknown revision is a usage error."""
    if not revision or revision.startswith("-") or "\0" in revision:
        raise UsageError(f"not a git revision: {revision!r}")
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top)
    except GitFailed:
        raise UsageError(f"unknown git revision '{revision}'") from None
    return out.decode().strip()


def merge_base(a: str, b: str, top: str) -> str:
    try:
        out = _git(["merge-base", a, b], top)
    except GitFailed:
        raise UsageError(f"revisions {a[:12]} and {b[:12]} have no common ancestor") from None
    return out.decode().strip()


@dataclass(frozen=True, slots=True)
class Revisions:
    """What ``--git`` compares: an old commit, and a new commit or the work tree (None)."""

    old: str
    new: str | None
    old_label: str
    new_label: str


def parse_range(spec: str, top: str) -> Revisions:
    """``REV`` (against the work tree), ``A..B`` or ``A...B`` (from their merge base).

    An empty side of a range means HEAD, as in git.
    """
    if "..." in spec:
        a, _, b = spec.partition("...")
        a, b = a or "HEAD", b or "HEAD"
        new = resolve(b, top)
        return Revisions(merge_base(resolve(a, top), new, top), new, f"merge-base({a}, {b})", b)
    if ".." in spec:
        a, _, b = spec.partition("..")
        a, b = a or "HEAD", b or "HEAD"
        return Revisions(resolve(a, top), resolve(b, top), a, b)
    return Revisions(resolve(spec, top), None, spec, "working tree")


def relative_to_top(path: str, top: str) -> str:
    """A path given on the command line, as a path from the top of the work tree."""
    full = os.path.realpath(path)
    relative = os.path.relpath(full, top)
    if relative == os.curdir:
        return ""
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        raise UsageError(f"{path} is outside the git repository at {top}")
    return relative.replace(os.sep, "/")


def list_files(commit: str, top: str, pathspecs: list[str]) -> list[str]:
    """The regular files at ``commit`` under the pathspecs (paths from the top)."""
    specs = [spec or "." for spec in pathspecs] or ["."]
    out = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs], top)
    files = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, _ = meta.decode().split(" ", 2)
        if kind == "blob" and mode in _FILE_MODES:
            files.append(name.decode("utf-8", errors="surrogateescape"))
    return sorted(files)


def exists(commit: str, top: str, path: str) -> bool:
    """Whether ``path`` (from the top) is a file or a folder at ``commit``."""
    if not path:
        return True
    out = _git(["ls-tree", "-z", "--full-tree", commit, "--", path], top)
    return bool(out.strip(b"\0"))


def blob_size(commit: str, top: str, path: str) -> int | None:
    """The size of ``path`` (from the top) at ``commit``; None when it is not there."""
    try:
        return int(_git(["cat-file", "-s", f"{commit}:{path}"], top).decode().strip())
    except GitFailed:
        return None


def show(commit: str, top: str, path: str) -> bytes:
    """A file's bytes at ``commit``, as ``git show REV:path`` prints them."""
    return _git(["show", "--no-textconv", f"{commit}:{path}"], top)
