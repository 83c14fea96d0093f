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
from pcontract.files.writer import remove_stale_temporaries, temp_pattern, write_files

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


def test_a_read_only_folder_keeps_the_old_file_and_says_so(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "draft.yaml"
    target.write_bytes(OLD)
    monkeypatch.setattr(tempfile, "mkstemp", _raise(OSError(errno.EROFS, "Read-only file system")))
    with pytest.raises(PcontractError, match=r"cannot write .*draft\.yaml: Read-only file system"):
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
        if len(calls) == 2:  # file one, then file two (the folder is synced at the end)
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


def test_one_linked_folder_among_many_targets_is_named(out: Path, outside: Path) -> None:
    """Targets are judged folder by folder: among many in a plain folder, those
    below a linked folder, or leaving by ``..``, are the ones named, and nothing
    is written."""
    (out / "cards").symlink_to(outside, target_is_directory=True)
    (out / "plain").mkdir()
    fine = [out / "plain" / f"c{n}.html" for n in range(5)]
    away = [out / "cards" / "new.yaml", out / "plain" / ".." / ".." / "outside" / "x.yaml"]
    with pytest.raises(WriteRefused, match="refusing to write outside") as refused:
        write_files([(p, NEW) for p in [*fine, *away]], force=True, root=out, inputs=())
    named = str(refused.value)
    assert all(str(p) in named for p in away)
    assert not any(str(p) in named for p in fine)
    assert_untouched(outside)
    assert listing(out / "plain") == []


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


# -- never over a device, a named pipe or a socket --------------------------------------


def _special(kind: str, path: Path) -> None:
    """Make a character device, a named pipe or a socket at ``path``."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        import socket

        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
    else:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own


SPECIAL = {"fifo": "a named pipe", "socket": "a socket", "device": "a character device"}


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_a_device_pipe_or_socket_is_never_replaced(out: Path, kind: str, force: bool) -> None:
    node = out / "card.md"
    _special(kind, node)
    before = os.lstat(node)
    with pytest.raises(WriteRefused) as refused:
        write_files([(out / "a.md", NEW), (node, NEW)], force=force, root=out, inputs=())
    assert str(refused.value) == (
        f"refusing to replace {node}: it is {SPECIAL[kind]}, not a regular file, and is "
        "never replaced (even with --force); choose another output file"
    )
    after = os.lstat(node)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not (out / "a.md").exists()  # checked before anything was written


def test_a_pipe_that_appears_before_the_rename_is_not_replaced(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "card.md"
    real_mkstemp = tempfile.mkstemp

    def racing_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made: tuple[int, str] = real_mkstemp(*args, **kwargs)
        os.mkfifo(target)
        return made

    monkeypatch.setattr(tempfile, "mkstemp", racing_mkstemp)
    with pytest.raises(WriteRefused, match="it is a named pipe, not a regular file"):
        write_files([(target, NEW)], force=True, root=out, inputs=())
    monkeypatch.undo()
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert listing(out) == ["card.md"]


# -- never over an input ------------------------------------------------------------------


def _same_file(out: Path, how: str) -> tuple[Path, Path]:
    """An input file and a target that is the same file, reached ``how``."""
    real = out / "real"
    real.mkdir()
    source = real / "contract.yaml"
    source.write_bytes(OLD)
    if how == "same path":
        return source, source
    if how == "relative path":
        return source, Path(os.path.relpath(source, Path.cwd()))
    if how == "hard link":
        os.link(source, out / "card.md")
        return source, out / "card.md"
    (out / "linked").symlink_to(real, target_is_directory=True)  # through a linked folder
    return source, out / "linked" / "contract.yaml"


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("how", ["same path", "relative path", "hard link", "linked folder"])
def test_an_input_is_never_written_over(out: Path, how: str, force: bool) -> None:
    source, target = _same_file(out, how)
    with pytest.raises(WriteRefused, match=r"an input is never overwritten \(even with --force\)"):
        write_files([(out / "a.md", NEW), (target, NEW)], force=force, root=out, inputs=[source])
    assert source.read_bytes() == OLD
    assert not (out / "a.md").exists()  # checked before anything was written


def test_the_refusal_names_the_input(out: Path) -> None:
    source, target = _same_file(out, "hard link")
    with pytest.raises(WriteRefused) as refused:
        write_files([(target, NEW)], force=True, root=out, inputs=[source])
    assert str(refused.value) == (
        f"refusing to write over {target}: it is the same file as the input {source}, and an "
        "input is never overwritten (even with --force); choose another output file"
    )


def test_an_input_linked_in_before_the_rename_is_not_replaced(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = out / "contract.yaml"
    source.write_bytes(OLD)
    target = out / "card.md"
    real_mkstemp = tempfile.mkstemp

    def racing_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made: tuple[int, str] = real_mkstemp(*args, **kwargs)
        os.link(source, target)
        return made

    monkeypatch.setattr(tempfile, "mkstemp", racing_mkstemp)
    with pytest.raises(WriteRefused, match="same file as the input"):
        write_files([(target, NEW)], force=True, root=out, inputs=[source])
    monkeypatch.undo()
    assert source.read_bytes() == OLD
    assert listing(out) == ["card.md", "contract.yaml"]


def test_other_files_are_still_overwritten_with_force(out: Path) -> None:
    source = out / "contract.yaml"
    source.write_bytes(OLD)
    (out / "card.md").write_bytes(OLD)
    write_files([(out / "card.md", NEW)], force=True, root=out, inputs=[source])
    assert (out / "card.md").read_bytes() == NEW
    assert source.read_bytes() == OLD


# -- a file where a folder should be ----------------------------------------------------


def test_a_file_in_a_folders_place_is_named(out: Path) -> None:
    (out / "cards").write_bytes(OLD)
    with pytest.raises(WriteRefused) as refused:
        write_files(
            [(out / "index.html", NEW), (out / "cards" / "deeper" / "a.html", NEW)],
            root=out,
            inputs=(),
        )
    assert str(refused.value) == (
        f"cannot write {out / 'cards' / 'deeper' / 'a.html'}: {out / 'cards'} is a regular "
        "file, not a folder; choose an output path whose folders are folders"
    )
    assert listing(out) == ["cards"]


# -- temporaries that an interrupted run left ------------------------------------------


def test_temporaries_carry_the_writers_own_name(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_fsync = os.fsync

    def look(fd: int) -> None:
        seen.extend(name for name in os.listdir(out) if name.startswith("."))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", look)
    write_files([(out / "draft.yaml", NEW)], root=out, inputs=())
    monkeypatch.undo()
    assert seen
    assert all(temp_pattern("draft.yaml").fullmatch(name) for name in seen), seen


STALE = ".draft.yaml.k2j4h5_x.pcontract-tmp"
FOREIGN = [
    ".draft.yaml.k2j4h5_x.tmp",  # no marker: another program's, or an older pcontract's
    ".other.yaml.k2j4h5_x.pcontract-tmp",  # not a file being written
    ".draft.yaml.K2J4H5_X.pcontract-tmp",  # not tempfile's alphabet
    ".draft.yaml.k2j4h5.pcontract-tmp",  # not tempfile's length
    "draft.yaml.pcontract-tmp",
    "notes.txt",
]


@pytest.mark.parametrize("force", [False, True])
def test_a_stale_temporary_is_removed_and_foreign_files_are_kept(out: Path, force: bool) -> None:
    (out / STALE).write_bytes(NEW[:10])
    for name in FOREIGN:
        (out / name).write_bytes(OLD)
    (out / ".draft.yaml.abcdefgh.pcontract-tmp").mkdir()  # a folder of that name
    (out / ".draft.yaml.linkedto.pcontract-tmp").symlink_to(out / "notes.txt")
    os.mkfifo(out / ".draft.yaml.fifo_now.pcontract-tmp")
    write_files([(out / "draft.yaml", NEW)], force=force, root=out, inputs=())
    assert (out / "draft.yaml").read_bytes() == NEW
    assert not (out / STALE).exists()
    assert listing(out) == sorted(
        [
            *FOREIGN,
            "draft.yaml",
            ".draft.yaml.abcdefgh.pcontract-tmp",
            ".draft.yaml.linkedto.pcontract-tmp",
            ".draft.yaml.fifo_now.pcontract-tmp",
        ]
    )
    assert all((out / name).read_bytes() == OLD for name in FOREIGN)


def test_a_temporary_in_use_by_another_writer_is_kept(out: Path) -> None:
    import fcntl

    busy = out / STALE
    busy.write_bytes(NEW[:10])
    with open(busy, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        write_files([(out / "draft.yaml", NEW)], root=out, inputs=())
        assert busy.exists()
    assert remove_stale_temporaries([out / "draft.yaml"]) == [busy]  # once let go
    assert not busy.exists()


def test_a_writers_own_temporary_is_locked_while_it_writes(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run cleaning up in the middle of this write leaves its temporary alone."""
    swept: list[Path] = []
    real_fsync = os.fsync

    def sweep(fd: int) -> None:
        swept.extend(remove_stale_temporaries([out / "draft.yaml"]))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", sweep)
    assert write_files([(out / "draft.yaml", NEW)], root=out, inputs=()) == [out / "draft.yaml"]
    monkeypatch.undo()
    assert swept == []
    assert (out / "draft.yaml").read_bytes() == NEW


def test_a_temporary_swept_away_before_it_is_locked_is_made_again(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkstemp = tempfile.mkstemp
    calls: list[str] = []

    def swept_at_once(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        calls.append(name)
        if len(calls) == 1:
            os.unlink(name)  # another run's clean-up, in the instant before the lock
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", swept_at_once)
    write_files([(out / "draft.yaml", NEW)], root=out, inputs=())
    monkeypatch.undo()
    assert len(calls) == 2
    assert (out / "draft.yaml").read_bytes() == NEW
    assert listing(out) == ["draft.yaml"]


def test_without_file_locks_writes_go_on_and_temporaries_are_kept(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system without locks, nothing tells a stale temporary from one in
    use: the write still works, and no temporary is removed."""
    import fcntl

    (out / STALE).write_bytes(NEW[:10])
    monkeypatch.setattr(fcntl, "flock", _raise(OSError(errno.ENOLCK, "No locks available")))
    assert write_files([(out / "draft.yaml", NEW)], root=out, inputs=()) == [out / "draft.yaml"]
    monkeypatch.undo()
    assert (out / "draft.yaml").read_bytes() == NEW
    assert listing(out) == sorted([STALE, "draft.yaml"])


def test_each_file_is_synced_before_its_rename_and_each_folder_once_after_all(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files in one folder: one sync each for their bytes, then one for the
    folder, when every file is in place."""
    real_fsync = os.fsync
    synced: list[tuple[str, list[str]]] = []

    def recording(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        synced.append((kind, sorted(p.name for p in out.glob("*.yaml"))))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording)
    names = [f"d{i}.yaml" for i in range(3)]
    write_files([(out / name, NEW) for name in names], root=out, inputs=())
    monkeypatch.undo()
    assert synced == [
        ("file", []),
        ("file", ["d0.yaml"]),
        ("file", ["d0.yaml", "d1.yaml"]),
        ("folder", names),
    ]


def test_stale_temporaries_are_found_for_each_of_many_targets(out: Path) -> None:
    targets = [out / f"d{i}.yaml" for i in range(5)]
    stale = [out / f".d{i}.yaml.abcdefgh.pcontract-tmp" for i in (1, 3)]
    others = [out / ".d9.yaml.abcdefgh.pcontract-tmp", out / ".d1.yaml.abcdefg.pcontract-tmp"]
    for path in stale + others:
        path.write_bytes(OLD)
    assert sorted(remove_stale_temporaries(targets)) == stale
    assert all(path.exists() for path in others)
