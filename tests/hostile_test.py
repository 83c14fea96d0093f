"""The hostile corpus: bad input never crashes, hangs, leaks or loses work.

Each case runs the real command line in a subprocess, with a timeout (so a hang
fails the test) and an address-space limit (so a memory blow-up fails it), and
states the exit code and a piece of the message it must print. Small cases are
files in ``tests/hostile/``; big, binary and special ones (20 MB files, named
pipes, symbolic links) are built in a temporary folder at test time.
"""

from __future__ import annotations

import os
import random
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pcontract.files.loader import load, load_bytes
from pcontract.files.reading import MAX_DEPTH_CEILING, Limits
from tests.conftest import TESTS

HOSTILE = TESTS / "hostile"
TREE = TESTS / "data" / "tree"
TIMEOUT = 20  # seconds; every case takes well under 5
MEMORY = 1 << 30  # bytes of address space for the whole process
MB = 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def pcontract(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would, bounded in time and memory."""
    return subprocess.run(
        [sys.executable, "-m", "pcontract", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        env={**os.environ, "COLUMNS": "200", "PCONTRACT_DEBUG": ""},
        check=False,
    )


# -- builders for the cases that are not plain files ----------------------------------

Builder = Callable[[Path], None]


def tree(edit: Builder | None = None) -> Builder:
    """A copy of the small valid tree (a contract, its results, its guidelines) in
    ``tree/``, then ``edit`` applied to it."""

    def build(root: Path) -> None:
        shutil.copytree(TREE, root / "tree")
        if edit is not None:
            edit(root / "tree")

    return build


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def contract(root: Path) -> Path:
    return root / "contracts" / "moina.yaml"


def nested_flow(root: Path) -> None:
    (root / "deep.yaml").write_bytes(b"[" * 100_000 + b"]" * 100_000)


def nested_block(root: Path) -> None:
    (root / "deep.yaml").write_bytes(b"- " * 100_000 + b"x\n")


def alias_chain(root: Path) -> None:
    """Each alias one level deeper than the last: shallow as written, 300 deep as read."""
    rows = ["apiVersion: pcontract/v1", "kind: Contract", "a0: &a0 [x]"]
    rows += [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 300)]
    (root / "chain.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")


def random_binary(root: Path) -> None:
    (root / "binary.yaml").write_bytes(random.Random(8).randbytes(64 * 1024))


def binary_utf8(root: Path) -> None:
    """Random bytes that are valid UTF-8 but no sensible YAML: control characters,
    NULs and stray indicators."""
    rng = random.Random(8)
    text = "".join(
        chr(rng.choice([0, 7, 9, 10, 27, 58, 45, 91, 123, 0x85, 0xFEFF])) for _ in range(4096)
    )
    (root / "binary.yaml").write_bytes(b"apiVersion: pcontract/v1\n" + text.encode("utf-8"))


def huge_id(root: Path) -> None:
    tree()(root)
    replace(contract(root / "tree"), "id: moina-2024-25\n", "id: " + "x" * MB + "\n")


def values_20mb(root: Path) -> None:
    """20 MB holding about 1.6 million short values."""
    item = b"  - abcdefgh\n"
    body = b"apiVersion: pcontract/v1\nkind: Contract\nx-list:\n"
    (root / "big.yaml").write_bytes(body + item * (20 * MB // len(item)))


def string_20mb(root: Path) -> None:
    """A valid contract made 20 MB by one long note: read in full, and valid."""
    tree()(root)
    with contract(root / "tree").open("a", encoding="utf-8") as handle:
        handle.write("x-notes: '" + "a" * (20 * MB) + "'\n")


def flow_20mb(root: Path) -> None:
    """20 MB of ``1,``: ten million values on one line."""
    (root / "big.yaml").write_bytes(b"x: [" + b"1," * (10 * MB) + b"1]\n")


def sparse_60mb(root: Path) -> None:
    """A 60 MB file (sparse: it takes no room on disk), over the default 50 MB."""
    with (root / "huge.yaml").open("wb") as handle:
        handle.write(b"apiVersion: pcontract/v1\n")
        handle.truncate(60 * MB)


def two_contracts_one_id(root: Path) -> None:
    tree()(root)
    shutil.copy(contract(root / "tree"), root / "tree" / "contracts" / "copy.yaml")


def parent_cycle(root: Path) -> None:
    tree()(root)
    folder = root / "tree" / "contracts"
    text = (folder / "moina.yaml").read_text(encoding="utf-8")
    for me, parent in (("a", "b"), ("b", "a")):
        (folder / f"{me}.yaml").write_text(
            text.replace("id: moina-2024-25", f"id: {me}-2024-25").replace(
                "parent: null", f"parent: {parent}-2024-25"
            ),
            encoding="utf-8",
        )
    (folder / "moina.yaml").unlink()
    (folder / "results.yaml").unlink()


def results_for_nobody(root: Path) -> None:
    tree()(root)
    replace(
        root / "tree" / "contracts" / "results.yaml", "contract: moina-2024-25", "contract: nobody"
    )


def results_unknown_indicator(root: Path) -> None:
    tree()(root)
    replace(root / "tree" / "contracts" / "results.yaml", "  CM01:", "  XX99:")


def huge_actual(root: Path) -> None:
    """The largest actual validate accepts, 10^15 cards: an achievement of 10^11 %."""
    tree()(root)
    replace(root / "tree" / "contracts" / "results.yaml", "actual: 1020000", "actual: 1e15")


def too_large_actual(root: Path) -> None:
    """An actual of 1e300 cards: beyond the numbers pcontract computes with."""
    tree()(root)
    replace(root / "tree" / "contracts" / "results.yaml", "actual: 1020000", "actual: 1e300")


def symlink_loop(root: Path) -> None:
    tree()(root)
    (root / "tree" / "contracts" / "loop").symlink_to("..", target_is_directory=True)
    (root / "tree" / "self.yaml").symlink_to("self.yaml")


def fifo_in_folder(root: Path) -> None:
    tree()(root)
    os.mkfifo(root / "tree" / "contracts" / "pipe.yaml")


def fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.yaml")


def folder_named_yaml(root: Path) -> None:
    (root / "folder.yaml").mkdir()


def dangling_symlink(root: Path) -> None:
    (root / "dangling.yaml").symlink_to("nowhere.yaml")


def self_symlink(root: Path) -> None:
    (root / "self.yaml").symlink_to("self.yaml")


def bom_and_crlf(root: Path) -> None:
    tree()(root)
    path = contract(root / "tree")
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


# -- the corpus -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile input and what pcontract must do with it.

    ``says`` must appear in the output. ``at`` is the ``line:column`` the problem
    is reported at (text output puts it at the start of the problem's line), and
    ``file`` the file it names; both are checked when given.
    """

    name: str
    exit: int
    says: str
    args: tuple[str, ...] = ()
    at: str = ""
    file: str = ""
    build: Builder | None = None

    def command(self) -> list[str]:
        return list(self.args) if self.args else ["validate", f"{self.name}.yaml"]

    def shown_file(self) -> str:
        if self.file:
            return self.file
        return f"{self.name}.yaml" if not self.args else ""


CORPUS = [
    # Resource exhaustion
    Case("billion-laughs", 1, "YAML aliases (*name) are not allowed", at="5:9"),
    Case(
        "billion-laughs-aliases-allowed",
        1,
        "YAML aliases expand this value to",
        args=("validate", "--max-aliases", "1000", "billion-laughs.yaml"),
        at="9:5",
        file="billion-laughs.yaml",
    ),
    Case(
        "alias-cycle",
        1,
        "an alias refers to a value that contains it",
        args=("validate", "--max-aliases", "5", "alias-cycle.yaml"),
        at="4:23",
        file="alias-cycle.yaml",
    ),
    Case(
        "alias-chain",
        1,
        "nested more than 100 levels deep",
        args=("validate", "--max-aliases", "1000", "chain.yaml"),
        file="chain.yaml",
        build=alias_chain,
    ),
    Case(
        "nesting-100k-flow",
        1,
        "the document is nested more than 100 levels deep",
        args=("validate", "deep.yaml"),
        at="1:101",
        file="deep.yaml",
        build=nested_flow,
    ),
    Case(
        "nesting-100k-block",
        1,
        "the document is nested more than 100 levels deep",
        args=("validate", "deep.yaml"),
        at="1:201",
        file="deep.yaml",
        build=nested_block,
    ),
    Case(
        # --max-depth beyond what the parser survives used to crash it (SIGSEGV).
        "nesting-100k-max-depth-raised",
        1,
        "nested more than 500 levels deep, the most pcontract can read",
        args=("validate", "--max-depth", "1000000", "deep.yaml"),
        at="1:501",
        file="deep.yaml",
        build=nested_flow,
    ),
    Case(
        "file-20mb-many-values",
        1,
        "the file holds more than 250,000 values",
        args=("validate", "big.yaml"),
        file="big.yaml",
        build=values_20mb,
    ),
    Case(
        "file-20mb-one-line",
        1,
        "the file holds more than 250,000 values",
        args=("validate", "big.yaml"),
        at="1:499999",
        file="big.yaml",
        build=flow_20mb,
    ),
    Case(
        "file-20mb-valid",
        0,
        "3 files valid",
        args=("validate", "tree"),
        build=string_20mb,
    ),
    Case(
        "file-over-50mb",
        1,
        "the file is 62,914,560 bytes, over the limit of 52,428,800",
        args=("validate", "huge.yaml"),
        file="huge.yaml",
        build=sparse_60mb,
    ),
    Case(
        "max-bytes-lowered",
        1,
        "hint: split the file, or raise --max-bytes",
        args=("validate", "--max-bytes", "100", "billion-laughs.yaml"),
        file="billion-laughs.yaml",
    ),
    Case(
        "id-1mb",
        1,
        "id: 'xxxxxxxxxx",
        args=("validate", "tree"),
        at="3:5",
        file="tree/contracts/moina.yaml",
        build=huge_id,
    ),
    # Not text, or not one YAML document
    Case(
        "random-binary",
        1,
        "the file is not valid text",
        args=("validate", "binary.yaml"),
        file="binary.yaml",
        build=random_binary,
    ),
    Case(
        "control-characters",
        1,
        "PC001",
        args=("validate", "binary.yaml"),
        file="binary.yaml",
        build=binary_utf8,
    ),
    Case("invalid-utf8", 1, "the file is not valid text", at="3:33"),
    Case("empty", 1, "the file holds no YAML document", at="-"),
    Case("only-comments", 1, "the file holds no YAML document", at="-"),
    Case("two-documents", 1, "the file holds more than one YAML document", at="3:1"),
    Case("top-level-list", 1, "the document is a list, not a mapping of fields", at="1:1"),
    Case("top-level-scalar", 1, "the document is a single value, not a mapping", at="1:1"),
    Case("tab-indentation", 1, "hint: indent with spaces, not tabs", at="4:1"),
    Case("unclosed-quote", 1, "while scanning a quoted scalar", at="3:8"),
    # YAML features that are refused
    Case("python-object-apply", 1, "python/object/apply:os.system' is not allowed", at="4:8"),
    Case("python-object-new", 1, "python/object/new:subprocess.check_output'", at="3:8"),
    Case("python-name", 1, "python/name:os.system' is not allowed", at="3:8"),
    Case("complex-key", 1, "mapping keys must be plain text", at="3:3"),
    Case("merge-key", 1, "merge keys (<<) are not supported", at="4:3"),
    Case("infinity", 1, "'.inf' is not a finite number", at="5:13"),
    Case("huge-number", 1, "'1e400' is not a finite number", at="5:13"),
    # Documents that parse but are not what they claim
    Case("unknown-kind", 1, "unknown kind 'Contrakt'", at="2:7"),
    Case("missing-apiversion", 1, "missing required field 'apiVersion'", at="1:1"),
    Case(
        "two-contracts-one-id",
        1,
        "contract id 'moina-2024-25' is also used by",
        args=("validate", "tree"),
        at="3:5",
        build=two_contracts_one_id,
    ),
    Case(
        "parent-cycle",
        1,
        "parent links form a cycle: a-2024-25 -> b-2024-25 -> a-2024-25",
        args=("validate", "tree"),
        at="13:9",
        file="tree/contracts/a.yaml",
        build=parent_cycle,
    ),
    Case(
        "results-unknown-contract",
        1,
        "contract 'nobody' was not found",
        args=("validate", "tree"),
        at="3:11",
        file="tree/contracts/results.yaml",
        build=results_for_nobody,
    ),
    Case(
        "results-unknown-indicator",
        1,
        "contract 'moina-2024-25' has no indicator 'XX99'",
        args=("validate", "tree"),
        at="7:3",
        file="tree/contracts/results.yaml",
        build=results_unknown_indicator,
    ),
    # The file system
    Case(
        "symlink-loop",
        1,
        "cannot read the file: Too many levels of symbolic links",
        args=("validate", "tree"),
        file="tree/self.yaml",
        build=symlink_loop,
    ),
    Case(
        "fifo-in-a-folder-is-skipped",
        0,
        "3 files valid",
        args=("validate", "tree"),
        build=fifo_in_folder,
    ),
    Case(
        "fifo-validated",
        1,
        "not a regular file: it is a named pipe",
        args=("validate", "pipe.yaml"),
        file="pipe.yaml",
        build=fifo,
    ),
    Case(
        "fifo-ranked",
        1,
        "not a regular file: it is a named pipe",
        args=("rank", "pipe.yaml"),
        file="pipe.yaml",
        build=fifo,
    ),
    Case(
        "fifo-scored",
        2,
        "not a file: pipe.yaml",
        args=("score", "pipe.yaml"),
        build=fifo,
    ),
    Case(
        "fifo-ranked-in-a-folder",
        0,
        "Ministry of Interior and National Administration",
        args=("rank", "tree"),
        build=fifo_in_folder,
    ),
    Case(
        "character-device",
        1,
        "not a regular file: it is a character device",
        args=("validate", "/dev/zero"),
        file="/dev/zero",
    ),
    Case(
        # Walked like any folder; an empty one fails rather than passing as "0 files".
        "folder-named-yaml",
        1,
        "no pcontract documents found in the folder",
        args=("validate", "folder.yaml"),
        build=folder_named_yaml,
    ),
    Case(
        "dangling-symlink",
        1,
        "cannot read the file: No such file or directory",
        args=("validate", "dangling.yaml"),
        file="dangling.yaml",
        build=dangling_symlink,
    ),
    Case(
        # Running as root, chmod 000 does not stop a read; a link to itself does.
        "unreadable",
        1,
        "cannot read the file: Too many levels of symbolic links",
        args=("validate", "self.yaml"),
        file="self.yaml",
        build=self_symlink,
    ),
    Case("missing-path", 2, "path does not exist: nowhere", args=("validate", "nowhere")),
    Case("bom-and-crlf", 0, "3 files valid", args=("validate", "tree"), build=bom_and_crlf),
    # The other commands on the same inputs
    Case(
        "score-python-tag",
        1,
        "python/object/apply:os.system' is not allowed",
        args=("score", "python-object-apply.yaml"),
        at="4:8",
        file="python-object-apply.yaml",
    ),
    Case(
        "score-billion-laughs",
        1,
        "YAML aliases (*name) are not allowed",
        args=("score", "billion-laughs.yaml"),
        at="5:9",
        file="billion-laughs.yaml",
    ),
    Case(
        "score-binary",
        1,
        "the file is not valid text",
        args=("score", "binary.yaml"),
        file="binary.yaml",
        build=random_binary,
    ),
    Case(
        # Rounding the achievement used to overflow decimal's context (exit 3).
        "score-huge-actual",
        0,
        "Composite score",
        args=("score", "tree/contracts/moina.yaml", "-r", "tree/contracts/results.yaml"),
        build=huge_actual,
    ),
    Case(
        "score-actual-beyond-the-bound",
        1,
        "'1e300' is larger than pcontract can compute with",
        args=("score", "tree/contracts/moina.yaml", "-r", "tree/contracts/results.yaml"),
        at="7:18",
        file="tree/contracts/results.yaml",
        build=too_large_actual,
    ),
    Case(
        "rank-two-contracts-one-id",
        1,
        "contract id 'moina-2024-25' is also used by",
        args=("rank", "tree"),
        build=two_contracts_one_id,
    ),
]


def _prepare(case: Case, root: Path) -> None:
    for file in HOSTILE.glob("*.yaml"):
        shutil.copy(file, root / file.name)
    if case.build is not None:
        case.build(root)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.name)
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    _prepare(case, tmp_path)
    try:
        result = pcontract(*case.command(), cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.name}: no answer within {TIMEOUT} s")
    output = result.stdout
    shown = output if len(output) < 4000 else output[:2000] + " [...] " + output[-2000:]
    assert result.returncode == case.exit, shown
    assert "Traceback" not in output, shown
    assert "internal error" not in output, shown
    assert case.says in output, shown
    if case.shown_file():
        assert case.shown_file() in output, shown
    if case.at:
        lines = output.splitlines()
        start = re.compile(rf"\s*{re.escape(case.at)}(?!\d)")
        here = [i for i, x in enumerate(lines) if start.match(x)]
        # The message is on the line that starts with the position, or its hint below.
        assert any(case.says in "\n".join(lines[i : i + 2]) for i in here), shown
    # No payload ran: the python/object cases would have created this file.
    assert not (tmp_path / "pwned").exists()


def test_every_corpus_file_is_used() -> None:
    used = {c.name for c in CORPUS} | {c.file for c in CORPUS}
    for file in HOSTILE.glob("*.yaml"):
        assert file.stem in used or file.name in used, f"{file.name} has no case"


def test_the_loader_does_not_wait_on_a_named_pipe(tmp_path: Path) -> None:
    """Opening a named pipe for reading blocks until a writer comes; the loader
    must refuse it instead. Run in a subprocess, so that a regression fails the
    test rather than hanging the suite."""
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    code = (
        "import sys; from pathlib import Path; from pcontract.files.reading import read_head; "
        "from pcontract.files.loader import load; "
        "p = load(Path(sys.argv[1])).problem; print(p.code, p.message); "
        "print(read_head(Path(sys.argv[1]), 100))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(pipe)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.stdout == "PC008 not a regular file: it is a named pipe\nNone\n", result.stderr


def test_a_folder_is_not_read_as_a_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.mkdir()
    loaded = load(path, "x.yaml", Limits())
    assert loaded.problem is not None
    assert (loaded.problem.code, loaded.problem.message) == (
        "PC008",
        "not a regular file: it is a folder",
    )


# -- the limits, each with a clear message ----------------------------------------------


def _problem(data: bytes, limits: Limits) -> tuple[str, int, int, str, str]:
    loaded = load_bytes(data, "f.yaml", limits)
    assert loaded.problem is not None, loaded.data
    p = loaded.problem
    return p.code, p.line, p.column, p.message, p.hint


def test_each_limit_names_the_option_that_raises_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * 100 + b"\n")
    loaded = load(big, "big.yaml", Limits(max_bytes=50))
    assert loaded.problem is not None
    assert "--max-bytes" in loaded.problem.hint
    assert "--max-depth" in _problem(b"[[[1]]]", Limits(max_depth=2))[4]
    assert "--max-aliases" in _problem(b"a: &x 1\nb: *x\n", Limits())[4]


def test_the_depth_limit_stops_at_the_ceiling() -> None:
    """Past MAX_DEPTH_CEILING the parser (in C) and the checks after it (in Python)
    would run out of stack, whatever --max-depth says."""
    limits = Limits(max_depth=10**9)
    assert limits.depth == MAX_DEPTH_CEILING
    deep = b"[" * (MAX_DEPTH_CEILING + 1) + b"]" * (MAX_DEPTH_CEILING + 1)
    code, line, column, message, _ = _problem(deep, limits)
    assert (code, line, column) == ("PC006", 1, MAX_DEPTH_CEILING + 1)
    assert message.endswith("the most pcontract can read")
    ok = b"[" * MAX_DEPTH_CEILING + b"]" * MAX_DEPTH_CEILING
    assert load_bytes(ok, "f.yaml", limits).problem is None


def test_the_value_limit_is_checked_before_anything_is_built() -> None:
    data = b"a: [" + b"1, " * 20 + b"1]\n"
    assert load_bytes(data, "f.yaml", Limits(max_values=25)).problem is None
    code, line, column, message, _ = _problem(data, Limits(max_values=20))
    assert (code, line, column) == ("PC008", 1, 56)
    assert message == "the file holds more than 20 values"


def test_aliases_allowed_still_cannot_expand_the_document_past_the_limits() -> None:
    laughs = (HOSTILE / "billion-laughs.yaml").read_bytes()
    code, line, column, message, _ = _problem(laughs, Limits(max_aliases=100))
    assert (code, line, column) == ("PC003", 9, 5)
    assert (
        message == "YAML aliases expand this value to 597,871 values, more than the 250,000 allowed"
    )
    # Shared, not copied: a few aliases of a small value are fine.
    small = load_bytes(b"a: &x [1, 2]\nb: [*x, *x, *x]\n", "f.yaml", Limits(max_aliases=3))
    assert small.data == {"a": [1, 2], "b": [[1, 2], [1, 2], [1, 2]]}


def test_an_alias_cannot_make_a_value_contain_itself() -> None:
    for text in (b"a: &x [*x]\n", b"a: &x {k: [1, {j: *x}]}\n"):
        code, _, _, message, _ = _problem(text, Limits(max_aliases=5))
        assert (code, message) == ("PC003", "an alias refers to a value that contains it")


def test_aliases_count_towards_the_depth() -> None:
    # Four lists deep under the top-level mapping once expanded, though no line
    # nests more than two.
    chain = b"a: &a [1]\nb: &b [*a]\nc: &c [*b]\nd: [*c]\n"
    assert load_bytes(chain, "f.yaml", Limits(max_aliases=3, max_depth=5)).problem is None
    code, line, column, message, _ = _problem(chain, Limits(max_aliases=3, max_depth=4))
    assert (code, line, column) == ("PC006", 4, 4)
    assert message == "the document is nested more than 4 levels deep once its aliases are expanded"
