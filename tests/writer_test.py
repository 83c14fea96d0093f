"""Data safety for every writer (cascade, report, site, init): writes are atomic,
never overwrite without force, never leave the output folder and never follow a
symbolic link.

Failures are injected by patching ``os`` and ``tempfile`` functions, which the
writer calls through their modules, for the length of one call."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pcontract.errors import PcontractError, WriteRefused
from pcontract.writer import write_files

OLD = b"apiVersion: pcontract/v1\n# the planning officer's edits\n"
NEW = b"apiVersion: pcontract/v1\n# a fresh draft\n"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the output folder, holding a file that must stay untouched."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.yaml").write_bytes(OLD)
    return folder


def listing(folder: Path) -> list[str]:
    """Every entry under ``folder``, hidden ones (temporary files) included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_untouched(outside: Path) -> None:
    assert listing(outside) == ["precious.yaml"]
    assert (outside / "precious.yaml").read_bytes() == OLD


# -- atomic --------------------------------------------------------------------------


def _raise(error: BaseException) -> Callable[..., Any]:
    def fail(*args: object, **kwargs: object) -> Any:
        raise error

    return fail


@pytest.mark.parametrize(
    "step",
    ["fsync", "replace", "chmod"],
)
def test_a_failed_overwrite_keeps_the_old_file_and_leaves_no_temporary(
    out: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    target = out / "draft.yaml"
    target.write_bytes(OLD)
    monkeypatch.setattr(os, step, _raise(OSError(errno.EIO, "Input/output error")))
    with pytest.raises(PcontractError, match=r"cannot write .*draft\.yaml: Input/output error"):
        write_files([(target, NEW)], force=True, root=out, inputs=())
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert listing(out) == ["draft.yaml"]


class _FullDisk:
    """A file object whose write fails half way, as on a full disk."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def test_a_full_disk_keeps_the_old_file(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = out / "draft.yaml"
    target.write_bytes(OLD)
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k)))
    with pytest.raises(PcontractError, match="No space left on device"):
        write_files([(target, NEW)], force=True, root=out, inputs=())
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert listing(out) == ["draft.yaml"]


def test_an_interrupted_write_keeps_the_old_file(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C is not an OSError: it passes through, and still cleans up."""
    target = out / "draft.yaml"
    target.write_bytes(OLD)
    monkeypatch.setattr(os, "fsync", _raise(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_files([(target, NEW)], force=True, root=out, inputs=())
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert listing(out) == ["draft.yaml"]


def test_a_failed_new_file_leaves_nothing(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", _raise(OSError(errno.EIO, "Input/output error")))
    with pytest.raises(PcontractError):
        write_files([(out / "draft.yaml", NEW)], root=out, inputs=())
    monkeypatch.undo()
    assert listing(out) == []


def test_a_failure_part_way_names_what_was_written(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls: list[int] = []

    def second_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:  # file one, its folder, then file two
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_fails)
    with pytest.raises(PcontractError, match=r"cannot write .*b.yaml.*already written: .*a.yaml"):
        write_files([(out / "a.yaml", NEW), (out / "b.yaml", NEW)], root=out, inputs=())
    monkeypatch.undo()
    assert listing(out) == ["a.yaml"]
    assert (out / "a.yaml").read_bytes() == NEW


def test_a_successful_write_leaves_no_temporary_and_keeps_permissions(out: Path) -> None:
    target = out / "draft.yaml"
    target.write_bytes(OLD)
    target.chmod(0o600)
    assert write_files([(target, NEW)], force=True, root=out, inputs=()) == [target]
    assert target.read_bytes() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert listing(out) == ["draft.yaml"]


# -- never overwrite without force ----------------------------------------------------


def test_an_existing_file_needs_force_and_nothing_is_written(out: Path) -> None:
    (out / "b.yaml").write_bytes(OLD)
    with pytest.raises(WriteRefused, match=r"1 file exists already: .*b.yaml; use --force"):
        write_files([(out / "a.yaml", NEW), (out / "b.yaml", NEW)], root=out, inputs=())
    assert listing(out) == ["b.yaml"]
    assert (out / "b.yaml").read_bytes() == OLD


def test_a_file_that_appears_while_writing_is_not_overwritten(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the check and the write another program creates the file: the
    write is refused, and the other program's file is kept."""
    target = out / "draft.yaml"
    real_link = os.link

    def racing_link(source: str, destination: Path) -> None:
        Path(destination).write_bytes(OLD)
        real_link(source, destination)

    monkeypatch.setattr(os, "link", racing_link)
    with pytest.raises(WriteRefused, match="appeared while writing"):
        write_files([(target, NEW)], root=out, inputs=())
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert listing(out) == ["draft.yaml"]


def test_a_folder_in_the_way_is_refused(out: Path) -> None:
    (out / "draft.yaml").mkdir()
    with pytest.raises(WriteRefused, match="a folder is in the way"):
        write_files([(out / "draft.yaml", NEW)], force=True, root=out, inputs=())


# -- never outside the output folder, never through a link ----------------------------


def test_dot_dot_cannot_leave_the_folder(out: Path, outside: Path) -> None:
    with pytest.raises(WriteRefused, match="refusing to write outside"):
        write_files(
            [(out / ".." / "outside" / "precious.yaml", NEW)], force=True, root=out, inputs=()
        )
    assert_untouched(outside)


def test_a_symlinked_subfolder_cannot_lead_outside(out: Path, outside: Path) -> None:
    (out / "cards").symlink_to(outside, target_is_directory=True)
    for name in ("cards/precious.yaml", "cards/new.yaml", "cards/deeper/new.yaml"):
        with pytest.raises(WriteRefused, match="refusing to write outside"):
            write_files([(out / name, NEW)], force=True, root=out, inputs=())
    assert_untouched(outside)


@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_in_a_files_place_is_never_followed(
    out: Path, outside: Path, force: bool
) -> None:
    (out / "draft.yaml").symlink_to(outside / "precious.yaml")
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_files([(out / "draft.yaml", NEW)], force=force, root=out, inputs=())
    assert_untouched(outside)
    assert (out / "draft.yaml").is_symlink()


@pytest.mark.parametrize("target", ["outside/new.yaml", "out/other.yaml"])
def test_a_dangling_or_inside_symlink_is_not_followed(
    tmp_path: Path, out: Path, target: str
) -> None:
    """A link to a file that does not exist yet, or to another file inside the
    folder: writing would create or change a file the user did not name."""
    (tmp_path / "outside").mkdir(exist_ok=True)
    (out / "draft.yaml").symlink_to(tmp_path / target)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_files([(out / "draft.yaml", NEW)], force=True, root=out, inputs=())
    assert not (tmp_path / target).exists()


def test_a_link_that_appears_while_writing_is_not_followed(
    out: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "draft.yaml"
    real_mkstemp = tempfile.mkstemp

    def racing_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made: tuple[int, str] = real_mkstemp(*args, **kwargs)
        target.symlink_to(outside / "precious.yaml")
        return made

    monkeypatch.setattr(tempfile, "mkstemp", racing_mkstemp)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_files([(target, NEW)], force=True, root=out, inputs=())
    monkeypatch.undo()
    assert_untouched(outside)
    assert listing(out) == ["draft.yaml"]
    assert target.is_symlink()


def test_without_a_root_links_are_still_refused(out: Path, outside: Path) -> None:
    (out / "draft.yaml").symlink_to(outside / "precious.yaml")
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_files([(out / "draft.yaml", NEW)], force=True, inputs=())
    assert_untouched(outside)
