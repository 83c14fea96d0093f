"""Real paths: a file's identity (the cache's keys, the guidelines a contract
names, the inputs a command must never write over) is where opening it goes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcontract.files.reading import forget_folders, real


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """a/link is a link to b/c; a/g.yaml and b/g.yaml are two files."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "b" / "c", target_is_directory=True)
    (tmp_path / "a" / "g.yaml").write_text("a\n")
    (tmp_path / "b" / "g.yaml").write_text("b\n")
    monkeypatch.chdir(tmp_path / "a" / "link")
    forget_folders()
    return tmp_path


@pytest.mark.parametrize(
    "path",
    [
        "{root}/a/link/../g.yaml",  # after a link, '..' is the parent of its target
        "{root}/a/link/../../a/g.yaml",
        "{root}/a/./link/../g.yaml",
        "{root}/a/link/..",
        "{root}/a/link/../",
        "{root}/a/g.yaml",
        "{root}/a/link/../c/../g.yaml",
        "../g.yaml",  # from the working folder, itself through the link
        "../../a/g.yaml",
        "..",
        "g..yaml",  # not a '..' part
        "{root}/a..b/g.yaml",
    ],
)
def test_real_goes_where_opening_the_path_goes(linked: Path, path: str) -> None:
    given = path.format(root=linked)
    assert real(given) == os.path.realpath(given)


def test_a_link_through_which_a_guidelines_path_climbs_reads_the_file_it_names(
    linked: Path,
) -> None:
    from pcontract.checking.index import guidelines_file

    source = str(linked / "a" / "contract.yaml")
    found = guidelines_file(source, "link/../g.yaml")
    assert found == str(linked / "b" / "g.yaml")
    assert Path(found).read_text() == Path(linked / "a" / "link" / ".." / "g.yaml").read_text()


@pytest.mark.parametrize(
    "guidelines",
    ["../g.yaml", "../../b/g.yaml", "link/../g.yaml", "link/../../a/g.yaml", "..", "../", "g.yaml"],
)
def test_a_guidelines_path_resolves_as_its_file_opens(linked: Path, guidelines: str) -> None:
    from pcontract.checking.index import guidelines_file

    source = str(linked / "a" / "link" / "contract.yaml")
    source = os.path.realpath(source)  # a contract is found by its real path
    expected = os.path.realpath(os.path.join(os.path.dirname(source), guidelines))
    assert guidelines_file(source, guidelines) == expected


@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """Folders, links to folders near and far, a link to a file, a broken link,
    a link to a link, and two links that lead to each other."""
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "d").mkdir()
    (tmp_path / "a" / "g.yaml").write_text("g\n")
    (tmp_path / "a" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "a" / "b" / "far").symlink_to(tmp_path / "d", target_is_directory=True)
    (tmp_path / "d" / "back").symlink_to(tmp_path / "a" / "b" / "c", target_is_directory=True)
    (tmp_path / "d" / "twice").symlink_to(tmp_path / "d" / "back", target_is_directory=True)
    (tmp_path / "d" / "file").symlink_to(tmp_path / "a" / "g.yaml")
    (tmp_path / "d" / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "d" / "loop1").symlink_to(tmp_path / "d" / "loop2")
    (tmp_path / "d" / "loop2").symlink_to(tmp_path / "d" / "loop1")
    forget_folders()
    return tmp_path


PARTS = ["a", "b", "c", "d", "up", "far", "back", "twice", "file", "broken", "loop1"]
PARTS += ["g.yaml", "..", ".", "", "missing"]


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PARTS), min_size=1, max_size=7))
def test_real_folders_resolve_as_realpath_does(tangled: Path, parts: list[str]) -> None:
    """Folders are resolved a part at a time, each prefix remembered, and must
    come out as ``os.path.realpath`` has it, through links, ``..`` and ``.``."""
    from pcontract.files.reading import _real_folder

    folder = os.path.join(str(tangled), *parts)
    assert _real_folder(folder) == os.path.realpath(folder)
    if "loop1" not in parts:  # nothing opens through a loop: where it "is" is moot
        assert real(folder) == os.path.realpath(folder)


def test_a_path_of_thousands_of_parts_resolves(tmp_path: Path) -> None:
    """A contract may name its guidelines by any path: thousands of parts are
    walked a part at a time, not by a recursion as deep as the path."""
    from pcontract.files.reading import real_from

    deep = "x/" * 3000 + "g.yaml"
    dotted = "./" * 3000 + "../g.yaml"
    forget_folders()
    assert real_from(str(tmp_path), deep) == os.path.realpath(tmp_path / deep)
    assert real(str(tmp_path / dotted)) == os.path.realpath(tmp_path / dotted)
