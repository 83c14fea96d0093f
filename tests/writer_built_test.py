"""The writer's pieces for files written one at a time (check_targets, then
write_checked or build_checked) and for a file built in place (write_built):
they refuse what write_files refuses and leave nothing behind on failure."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pcontract.errors import PcontractError, WriteRefused
from pcontract.files.writer import (
    Inputs,
    build_checked,
    check_targets,
    write_built,
    write_checked,
    write_files,
)

OLD = b"the planning officer's edits\n"
NEW = b"a fresh build\n"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def listing(folder: Path) -> list[str]:
    """Every entry under ``folder``, hidden ones (temporary files) included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def builder(data: bytes) -> Callable[[Path], None]:
    def build(temp: Path) -> None:
        assert temp.exists()
        assert temp.read_bytes() == b""  # a new, empty temporary
        temp.write_bytes(data)

    return build


def _built(path: Path, force: bool, root: Path | None, inputs: list[Path]) -> None:
    write_built(path, builder(NEW), force, root, inputs=inputs)


def _checked(path: Path, force: bool, root: Path | None, inputs: list[Path]) -> None:
    check_targets([path], force, root, inputs=inputs)
    write_checked(path, NEW, force, root, inputs=inputs)


def _files(path: Path, force: bool, root: Path | None, inputs: list[Path]) -> None:
    write_files([(path, NEW)], force, root, inputs=inputs)


WRITERS = pytest.mark.parametrize("write", [_built, _checked, _files])


@WRITERS
def test_a_new_file_is_written_and_nothing_else(
    out: Path, write: Callable[[Path, bool, Path | None, list[Path]], None]
) -> None:
    target = out / "data" / "pcontract.sqlite"
    write(target, False, out, [])
    assert target.read_bytes() == NEW
    assert listing(out) == ["data", "data/pcontract.sqlite"]


@WRITERS
def test_an_existing_file_needs_force(
    out: Path, write: Callable[[Path, bool, Path | None, list[Path]], None]
) -> None:
    target = out / "card.html"
    target.write_bytes(OLD)
    target.chmod(0o640)
    with pytest.raises(WriteRefused, match="--force"):
        write(target, False, out, [])
    assert target.read_bytes() == OLD
    write(target, True, out, [])
    assert target.read_bytes() == NEW
    assert target.stat().st_mode & 0o777 == 0o640
    assert listing(out) == ["card.html"]


@WRITERS
@pytest.mark.parametrize("force", [False, True])
def test_an_input_is_never_written_over(
    out: Path, write: Callable[[Path, bool, Path | None, list[Path]], None], force: bool
) -> None:
    target = out / "contract.yaml"
    target.write_bytes(OLD)
    with pytest.raises(WriteRefused, match="input"):
        write(target, force, out, [target])
    assert target.read_bytes() == OLD
    assert listing(out) == ["contract.yaml"]


@WRITERS
def test_outside_the_root_is_refused(
    out: Path, tmp_path: Path, write: Callable[[Path, bool, Path | None, list[Path]], None]
) -> None:
    with pytest.raises(WriteRefused, match="outside"):
        write(out / ".." / "escaped.html", True, out, [])
    assert not (tmp_path / "escaped.html").exists()


@WRITERS
@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_is_never_followed(
    out: Path,
    tmp_path: Path,
    write: Callable[[Path, bool, Path | None, list[Path]], None],
    force: bool,
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_bytes(OLD)
    (out / "card.html").symlink_to(precious)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write(out / "card.html", force, out, [])
    assert precious.read_bytes() == OLD
    assert (out / "card.html").is_symlink()


def test_check_targets_writes_nothing_and_refuses_them_all_first(out: Path) -> None:
    (out / "b.html").write_bytes(OLD)
    with pytest.raises(WriteRefused, match=r"b\.html"):
        check_targets([out / "a.html", out / "b.html"], False, out, inputs=[])
    assert listing(out) == ["b.html"]
    check_targets([out / "a.html", out / "b.html"], True, out, inputs=Inputs([]))
    assert listing(out) == ["b.html"]


def test_check_targets_sweeps_a_stale_temporary(out: Path) -> None:
    stale = out / ".card.html.abcd1234.pcontract-tmp"
    stale.write_bytes(b"half")
    check_targets([out / "card.html"], False, out, inputs=[])
    assert listing(out) == []


def test_a_failed_build_leaves_the_old_file_and_no_temporary(out: Path) -> None:
    target = out / "pcontract.sqlite"
    target.write_bytes(OLD)
    seen: list[Path] = []

    def fail(temp: Path) -> None:
        seen.append(temp)
        temp.write_bytes(b"half a database")
        raise PcontractError("the build broke")

    with pytest.raises(PcontractError, match="the build broke"):
        write_built(target, fail, True, out, inputs=[])
    assert target.read_bytes() == OLD
    assert listing(out) == ["pcontract.sqlite"]
    assert seen and seen[0].parent == out and not seen[0].exists()


def test_a_link_put_in_place_while_building_is_not_replaced(out: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_bytes(OLD)
    target = out / "pcontract.sqlite"
    check_targets([target], True, out, inputs=[])

    def sneaky(temp: Path) -> None:
        temp.write_bytes(NEW)
        target.symlink_to(precious)

    with pytest.raises(WriteRefused, match="symbolic link"):
        build_checked(target, sneaky, True, out, inputs=[])
    assert precious.read_bytes() == OLD
    assert listing(out) == ["pcontract.sqlite"]
    assert target.is_symlink()


def test_a_file_that_appears_while_building_needs_force(out: Path) -> None:
    target = out / "pcontract.sqlite"
    check_targets([target], False, out, inputs=[])

    def racing(temp: Path) -> None:
        temp.write_bytes(NEW)
        target.write_bytes(OLD)

    with pytest.raises(WriteRefused, match="force"):
        build_checked(target, racing, False, out, inputs=[])
    assert target.read_bytes() == OLD
    assert listing(out) == ["pcontract.sqlite"]


def test_an_os_error_while_writing_is_a_pcontract_error(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(os, "fsync", full)
    target = out / "pcontract.sqlite"
    with pytest.raises(PcontractError, match="cannot write"):
        write_built(target, builder(NEW), False, out, inputs=[])
    monkeypatch.undo()
    assert listing(out) == []
