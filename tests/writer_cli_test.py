"""Data safety of each command that writes (report, site, cascade, init), end to end:
no command replaces a device or a named pipe, or writes over a file it read; an
interrupted run's temporaries are removed by the next; the site's index is
written last; ``report -o DIR/`` writes into the folder; a file where a folder
should be, or a folder that cannot be read, is a clear error (exit 1)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pcontract.files.writer import TEMP_SUFFIX
from pcontract.render import reports
from tests.conftest import EXAMPLES, TESTS, run

NEVER = "an input is never overwritten (even with --force)"


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def moina(examples: Path) -> tuple[Path, Path]:
    return examples / "moina" / "contract.yaml", examples / "moina" / "results-fy2024-25.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def temporaries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(f"*{TEMP_SUFFIX}"))


# -- report -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_report_never_replaces_a_device_or_a_pipe(examples: Path, kind: str) -> None:
    contract, results = moina(examples)
    node = examples / "node"
    if kind == "fifo":
        os.mkfifo(node)
    else:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    code, output = run("report", str(contract), "-r", str(results), "-o", str(node), "--force")
    assert code == 1, output
    what = "a named pipe" if kind == "fifo" else "a character device"
    assert f"refusing to replace {node}: it is {what}, not a regular file" in output
    test = stat.S_ISFIFO if kind == "fifo" else stat.S_ISCHR
    assert test(os.lstat(node).st_mode)


def _report_target(examples: Path, which: str) -> tuple[list[str], Path]:
    """Extra arguments for report, and the input file that ``-o`` names."""
    contract, results = moina(examples)
    quarter = examples / "moina" / "results-fy2024-25-q2.yaml"
    guidelines = examples / "guidelines" / "kenya-pc-fy2024-25.yaml"
    if which == "quarterly results":
        return ["-q", str(quarter)], quarter
    if which == "guidelines named by the contract":
        return [], guidelines
    if which == "--guidelines":
        return ["--guidelines", str(guidelines)], guidelines
    if which == "a template":
        folder = examples / "templates"
        folder.mkdir()
        shutil.copy(reports.default_template_dir() / "card.md", folder / "card.md")
        return ["--template", str(folder), "-f", "md"], folder / "card.md"
    if which == "a hard link to the contract":
        os.link(contract, examples / "card.md")
        return [], examples / "card.md"
    if which == "results, by a relative path":
        return [], Path(os.path.relpath(results))
    return [], contract


@pytest.mark.parametrize(
    "which",
    [
        "the contract",
        "results, by a relative path",
        "quarterly results",
        "guidelines named by the contract",
        "--guidelines",
        "a template",
        "a hard link to the contract",
    ],
)
def test_report_never_writes_over_its_inputs(examples: Path, which: str) -> None:
    contract, results = moina(examples)
    extra, target = _report_target(examples, which)
    before = snapshot(examples)
    code, output = run(
        "report", str(contract), "-r", str(results), *extra, "-o", str(target), "--force"
    )
    assert code == 1, output
    assert f"refusing to write over {target}" in output
    assert NEVER in output
    assert snapshot(examples) == before


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_into_a_folder_writes_the_card_inside(examples: Path, fmt: str) -> None:
    contract, results = moina(examples)
    new = examples / "cards"
    code, output = run("report", str(contract), "-r", str(results), "-f", fmt, "-o", f"{new}/")
    assert code == 0, output
    card = new / f"moina-2024-25.{fmt}"
    assert f"wrote {card}" in output
    assert sorted(p.name for p in new.iterdir()) == [card.name]
    # An existing folder, named without the slash, means the same.
    code, output = run("report", str(contract), "-r", str(results), "-f", fmt, "-o", str(new))
    assert code == 1
    assert f"1 file exists already: {card}; use --force" in output
    assert new.is_dir()


def test_report_into_a_file_that_is_not_a_folder(examples: Path) -> None:
    contract, results = moina(examples)
    (examples / "notes").write_text("keep\n", encoding="utf-8")
    target = examples / "notes" / "card.md"
    code, output = run("report", str(contract), "-r", str(results), "-o", str(target))
    assert code == 1, output
    assert f"cannot write {target}: {examples / 'notes'} is a regular file, not a folder" in output
    assert (examples / "notes").read_text(encoding="utf-8") == "keep\n"


# -- site ---------------------------------------------------------------------------


def test_site_never_writes_over_a_template(examples: Path) -> None:
    folder = examples / "templates"
    folder.mkdir()
    shutil.copy(reports.default_template_dir() / "index.html", folder / "index.html")
    before = snapshot(examples)
    code, output = run(
        "site", str(examples), "--template", str(folder), "-o", str(folder), "--force"
    )
    assert code == 1, output
    assert f"refusing to write over {folder / 'index.html'}" in output
    assert NEVER in output
    assert snapshot(examples) == before


def test_site_writes_the_index_last(examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = examples.parent / "site"
    order: list[str] = []
    real_link = os.link

    def record(source: str, destination: Path) -> None:
        order.append(str(Path(destination).relative_to(out)))
        if Path(destination).name == "index.html":
            raise OSError(errno.EIO, "Input/output error")
        real_link(source, destination)

    def no_rename(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "link", record)
    monkeypatch.setattr(os, "replace", no_rename)  # where a failed link falls back to
    code, output = run("site", str(examples), "-o", str(out))
    monkeypatch.undo()
    assert code == 1
    # Every card first (one per contract, 36 in the examples, as they are drawn),
    # then the open data (built from them; the pages link to it), then the older
    # year's league page, and the index last.
    cards, data, pages = order[:-5], order[-5:-2], order[-2:]
    assert data == ["data/pcontract.sqlite", "data/league.csv", "data/league.json"]
    assert len(cards) == len(set(cards)) == 36
    assert all(name.startswith("cards/") for name in cards)
    assert {"cards/moina-2024-25.html", "cards/bomet-health-2023-24.html"} <= set(cards)
    assert pages == ["league-2023-24.html", "index.html"]
    # The index never links to a card that is not there.
    assert not (out / "index.html").exists()
    assert "already written" in output
    assert temporaries(out) == []


def test_site_removes_the_temporaries_an_interrupted_run_left(examples: Path) -> None:
    out = examples.parent / "site"
    (out / "cards").mkdir(parents=True)
    stale = [
        f".index.html.k2j4h5_x{TEMP_SUFFIX}",
        f"cards/.moina-2024-25.html.abcdefgh{TEMP_SUFFIX}",
    ]
    foreign = [".index.html.k2j4h5_x.tmp", f"cards/notes{TEMP_SUFFIX}", "cards/.keep"]
    for name in stale + foreign:
        (out / name).write_bytes(b"half a page")
    code, output = run("site", str(examples), "-o", str(out))
    assert code == 0, output
    assert temporaries(out) == [f"cards/notes{TEMP_SUFFIX}"]
    assert all((out / name).read_bytes() == b"half a page" for name in foreign)


# -- a run killed part way: its temporaries go with the next run ---------------------

KILL_AFTER = """
import os, signal, sys
real_fsync = os.fsync
calls = []
def fsync(fd):
    calls.append(fd)
    if len(calls) == {n}:
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)
os.fsync = fsync
from pcontract.cli.app import main
sys.argv = ["pcontract", *sys.argv[1:]]
main()
"""


def _pcontract(*args: str, kill_after: int = 0) -> subprocess.CompletedProcess[str]:
    code = (
        KILL_AFTER.format(n=kill_after)
        if kill_after
        else "from pcontract.cli.app import main; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PCONTRACT_DEBUG": ""},
        check=False,
    )


@pytest.mark.parametrize("command", ["site", "cascade"])
def test_a_killed_run_leaves_no_debris_after_the_next(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    if command == "site":
        shutil.copytree(EXAMPLES, tmp_path / "examples")
        args = ["site", str(tmp_path / "examples"), "-o", str(out)]
    else:
        shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
        c = tmp_path / "c"
        args = ["cascade", str(c / "contract.yaml"), "--plan", str(c / "plan.yaml"), "-o", str(out)]
    # fsync: the first file, then the second file, killed before its rename (the
    # folder is synced once, when every file is in place).
    killed = _pcontract(*args, kill_after=2)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # The site also leaves the open data database it was building as its cards came.
    assert len(temporaries(out)) == (2 if command == "site" else 1), list(out.rglob("*"))
    if command == "site":
        assert not (out / "index.html").exists()  # the index comes last
    again = _pcontract(*args, "--force")
    assert again.returncode == 0, again.stderr
    assert temporaries(out) == []
    if command == "site":
        assert (out / "index.html").is_file()


# -- cascade ------------------------------------------------------------------------


@pytest.fixture
def plan_folder(tmp_path: Path) -> Path:
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    return tmp_path / "c"


def test_cascade_never_overwrites_the_parents_guidelines(plan_folder: Path) -> None:
    plan = plan_folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8").replace("  - id: b\n", "  - id: guidelines\n")
    plan.write_text(text.replace("units:\n", "id_pattern: '{unit}'\nunits:\n"), encoding="utf-8")
    before = snapshot(plan_folder)
    args = ["cascade", str(plan_folder / "contract.yaml"), "--plan", str(plan)]
    for extra in (["--force"], ["--dry-run"]):
        code, output = run(*args, "--out", str(plan_folder), *extra)
        assert code == 1, output
        assert f"unit 'guidelines' would overwrite an input: {plan_folder / 'guidelines.yaml'}" in (
            output
        )
        assert NEVER in output
    assert snapshot(plan_folder) == before


def test_cascade_never_writes_over_an_input_through_a_hard_link(plan_folder: Path) -> None:
    out = plan_folder / "drafts"
    out.mkdir()
    os.link(plan_folder / "plan.yaml", out / "min-2024-25-b.yaml")
    before = snapshot(plan_folder)
    args = ["cascade", str(plan_folder / "contract.yaml"), "--plan", str(plan_folder / "plan.yaml")]
    code, output = run(*args, "--out", str(out), "--force")
    assert code == 1, output
    assert f"unit 'b' would overwrite an input: {out / 'min-2024-25-b.yaml'}" in output
    assert snapshot(plan_folder) == before


@pytest.mark.parametrize("under", [False, True])
def test_cascade_out_naming_a_file_says_what_to_do(plan_folder: Path, under: bool) -> None:
    notes = plan_folder / "notes.txt"
    notes.write_text("keep\n", encoding="utf-8")
    out = notes / "drafts" if under else notes
    args = ["cascade", str(plan_folder / "contract.yaml"), "--plan", str(plan_folder / "plan.yaml")]
    code, output = run(*args, "--out", str(out))
    assert code == 1, output
    where = f"--out {out} cannot be made: {notes}" if under else f"--out {notes}"
    assert f"{where} is a regular file, not a folder; name a folder" in output
    assert "File exists" not in output
    assert notes.read_text(encoding="utf-8") == "keep\n"


# -- init ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["iterdir", "exists"])
def test_init_into_a_folder_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """A folder with mode 000 (or under one); as root, permissions do not stop a
    read, so the refusal is injected where the folder is looked at."""
    folder = tmp_path / "locked"
    folder.mkdir()

    def denied(self: Path, *args: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, step, denied)
    code, output = run("init", str(folder))
    monkeypatch.undo()
    assert code == 1, output
    assert f"cannot read the folder {folder}: Permission denied" in output
    assert "internal error" not in output
    assert list(folder.iterdir()) == []


def test_init_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("keep\n", encoding="utf-8")
    target = tmp_path / "notes" / "repo"
    result = _pcontract("init", str(target))
    assert result.returncode == 1, result.stderr
    assert f"{tmp_path / 'notes'} is a regular file, not a folder" in result.stderr
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "keep\n"
