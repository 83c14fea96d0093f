"""Templates given with --template are bounded in time, memory and output.

Each case runs the real command line in a subprocess with the hostile corpus's
timeout and address-space limit (tests/hostile_test.py), so that a regression
fails instead of hanging the suite or exhausting the machine. A template that
exceeds a bound must end in a clear template error and exit 1, never exit 3.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from pcontract.render import reports, sandbox
from pcontract.scoring import evaluation
from tests.conftest import EXAMPLES
from tests.hostile_test import TIMEOUT, pcontract

MOINA = EXAMPLES / "moina"
REPORT = ("report", "moina/contract.yaml", "-r", "moina/results-fy2024-25.yaml")
TOO_LONG = "characters or items long, more than the 1,000,000 a template may build"
RECURSES = "a macro calls itself, or a template includes or extends itself, without end"


def _folder(root: Path, files: dict[str, str]) -> Path:
    shutil.copytree(MOINA, root / "moina")
    shutil.copytree(EXAMPLES / "guidelines", root / "guidelines")
    folder = root / "tpl"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _report(root: Path, fmt: str = "md") -> tuple[int, str]:
    try:
        result = pcontract(*REPORT, "--format", fmt, "--template", "tpl", cwd=root)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {TIMEOUT} s")
    return result.returncode, result.stdout


BOMBS = [
    # padding and widths
    ("ljust", "{{ 'x'.ljust(3000000000) }}", TOO_LONG),
    ("center", "{{ 'x'.center(3e9|int) }}", TOO_LONG),
    ("rjust", "{{ 'x'.rjust(3000000000) }}", TOO_LONG),
    ("zfill", "{{ '1'.zfill(3000000000) }}", TOO_LONG),
    ("expandtabs", "{{ '\\t'.expandtabs(3000000000) }}", TOO_LONG),
    ("printf-width", "{{ '%9999999999s'|format(1) }}", TOO_LONG),
    ("printf-star-width", "{{ '%*s'|format(999999999, 1) }}", TOO_LONG),
    ("printf-precision", "{{ '%.999999999f'|format(1) }}", TOO_LONG),
    ("printf-operator", "{{ '%9999999999s' % 1 }}", TOO_LONG),
    ("printf-operator-star", "{{ '%*d' % (999999999, 1) }}", TOO_LONG),
    ("map-to-a-sized-filter", "{{ ['x']|map('center', 3000000000)|list }}", TOO_LONG),
    ("str-format-width", "{{ '{:>999999999}'.format(1) }}", TOO_LONG),
    ("str-format-nested-width", "{{ '{:>{}}'.format(1, 999999999) }}", TOO_LONG),
    ("str-format-map-width", "{{ '{a:>999999999}'.format_map({'a': 1}) }}", TOO_LONG),
    ("center-filter", "{{ 'x'|center(3000000000) }}", TOO_LONG),
    ("indent-filter", "{{ 'x\\ny'|indent(3000000000) }}", TOO_LONG),
    ("wordwrap-filter", "{{ 'x y'|wordwrap(3000000000) }}", TOO_LONG),
    ("indent-by-a-long-string", "{{ ('a\\n' * 500000)|indent('y' * 1000) }}", TOO_LONG),
    ("wordwrap-long-wrapstring", "{{ ('ab ' * 300000)|wordwrap(2, True, 'y' * 10000) }}", TOO_LONG),
    ("truncate-filter", "{{ 'x'|truncate(3000000000) }}", TOO_LONG),
    ("batch-filter", "{{ [1]|batch(3000000000, 0)|list }}", TOO_LONG),
    # results built from pieces
    ("join", "{{ ','.join(['x' * 999999] * 900) }}", TOO_LONG),
    ("join-filter", "{{ (['x' * 999999] * 900)|join(',') }}", TOO_LONG),
    ("replace", "{{ ('x' * 1000000).replace('x', 'x' * 1000) }}", TOO_LONG),
    ("replace-filter", "{{ ('x' * 1000000)|replace('x', 'x' * 1000) }}", TOO_LONG),
    ("repeat-text", "{{ 'x' * 3000000000 }}", "refused by the sandbox"),
    ("repeat-list", "{{ [0] * 3000000000 }}", "refused by the sandbox"),
    ("add", "{% set a = 'x' * 1000000 %}{{ a + a }}", TOO_LONG),
    (
        "namespace-doubling",
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        TOO_LONG,
    ),
    (
        "macro-argument-doubling",
        "{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s|length }}{% endmacro %}{{ d('x', 64) }}",
        TOO_LONG,
    ),
    ("lipsum", "{{ lipsum(n=2000000)|length }}", "lipsum() may make at most 100 paragraphs"),
    ("lipsum-words", "{{ lipsum(1, max=100000000) }}", "lipsum() may make at most 100 paragraphs"),
    # recursion
    ("recursive-macro", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", RECURSES),
    (
        "recursion-via-caller",
        "{% macro f() %}{% call f() %}{{ caller() }}{% endcall %}{% endmacro %}{{ f() }}",
        RECURSES,
    ),
    ("includes-itself", "{% include 'card.md' %}", RECURSES),
    ("extends-itself", "{% extends 'card.md' %}", RECURSES),
    # the memory backstop: ~ is not guarded, but the child's address space is
    (
        "concatenation-past-the-memory-cap",
        "{% set a = 'x' * 1000000 %}{% set b = a ~ a ~ a ~ a ~ a ~ a ~ a ~ a %}"
        "{% set c = b ~ b ~ b ~ b ~ b ~ b ~ b ~ b %}{% set d = c ~ c ~ c ~ c ~ c ~ c ~ c ~ c %}"
        "{% set e = d ~ d ~ d %}{{ e|length }}",
        "rendering needed more than the memory a template may use",
    ),
    # the output bound
    (
        "output-past-the-limit",
        "{% for i in range(20) %}{{ 'x' * 1000000 }}{% endfor %}",
        "the output is over 16,777,216 characters",
    ),
]


@pytest.mark.parametrize(("source", "says"), [b[1:] for b in BOMBS], ids=[b[0] for b in BOMBS])
def test_a_template_bomb_is_a_template_error(tmp_path: Path, source: str, says: str) -> None:
    _folder(tmp_path, {"card.md": source + "\n"})
    started = time.monotonic()
    code, output = _report(tmp_path)
    assert code == 1, output
    # The line where it failed, unless the bound is on the whole rendering
    # (memory, time, output size).
    assert re.search(r"pcontract: error: template card\.md(:1)?: ", output), output
    assert says in output, output
    assert "internal error" not in output and "Traceback" not in output, output
    assert time.monotonic() - started < sandbox.MAX_SECONDS, output  # refused, not timed out


def test_two_templates_that_include_each_other_are_a_template_error(tmp_path: Path) -> None:
    _folder(tmp_path, {"card.md": "{% include 'b.md' %}\n", "b.md": "{% include 'card.md' %}\n"})
    code, output = _report(tmp_path)
    assert code == 1, output
    assert RECURSES in output, output


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for i in range(100000) %}{% for j in range(100000) %}"
        "{{ loop.cycle('', '') }}{% endfor %}{% endfor %}",
    ],
    ids=["nested-loops", "nested-loops-with-loop-cycle"],
)
def test_a_template_that_runs_too_long_is_stopped(tmp_path: Path, source: str) -> None:
    _folder(tmp_path, {"card.md": source + "\n"})
    started = time.monotonic()
    code, output = _report(tmp_path)
    took = time.monotonic() - started
    assert code == 1, output
    assert "template card.md: rendering took more than 10 seconds" in output, output
    assert took < sandbox.MAX_SECONDS + 5, took


def test_a_bomb_in_one_card_of_a_site_names_the_template(tmp_path: Path) -> None:
    _folder(tmp_path, {"card.html": "{{ 'x'.ljust(3000000000) }}\n"})
    result = pcontract("site", "moina", "-o", "site", "--template", "tpl", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "template card.html:1: refused: '...'.ljust()" in result.stdout
    # Nothing written: the card is drawn before it is written, and the database
    # being built from the cards is not left behind.
    site = tmp_path / "site"
    assert not [path for path in site.rglob("*") if path.is_file()]


def test_a_bounded_template_renders_as_before(tmp_path: Path) -> None:
    """Through the child process, a user template's output is the same text, and
    the shipped templates it falls back to give the same site."""
    _folder(
        tmp_path,
        {"card.md": "{{ contract.id }} {{ composite }} ✓ {{ lipsum(2, html=False)|length > 0 }}\n"},
    )
    code, output = _report(tmp_path)
    assert (code, output) == (0, "moina-2024-25 2.8522 ✓ True\n")
    (tmp_path / "tpl" / "card.md").unlink()
    for name, extra in (("plain", ()), ("bounded", ("--template", "tpl"))):
        result = pcontract("site", "moina", "-o", name, *extra, cwd=tmp_path)
        assert result.returncode == 0, result.stdout
    for page in ("index.html", "cards/moina-2024-25.html"):
        plain = (tmp_path / "plain" / page).read_bytes()
        assert (tmp_path / "bounded" / page).read_bytes() == plain


def test_the_child_process_caps_its_address_space() -> None:
    """The renderer's memory is capped whatever limit the caller runs under."""
    import resource

    def limit() -> str:
        return str(resource.getrlimit(resource.RLIMIT_AS)[0])

    with open("/proc/self/statm", encoding="ascii") as handle:
        used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    [soft] = sandbox.render_in_child([("limit", limit)])
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    cap = min(used + sandbox.MAX_MEMORY, hard if hard != resource.RLIM_INFINITY else 1 << 62)
    assert 0 < int(soft) <= cap + (64 << 20), (soft, used)
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != int(soft)  # the parent's is untouched


def test_the_shipped_templates_are_not_slowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default templates render in-process: no child, no guards."""
    calls: list[int] = []
    original = sandbox.render_in_child

    def spy(jobs: Sequence[tuple[str, Callable[[], str]]]) -> list[str]:
        calls.append(len(jobs))
        return original(jobs)

    monkeypatch.setattr(sandbox, "render_in_child", spy)
    inputs = evaluation.load_site([str(MOINA)])
    reports.render_site(inputs)
    assert calls == []
    reports.render_site(inputs, reports.Templates(str(_folder(tmp_path, {}))))
    assert calls == [2]  # one child for the whole site: the index and one card


def test_the_guards_hold_without_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the platform cannot fork, user templates render in-process, guarded."""
    monkeypatch.setattr(sandbox, "can_fork", lambda: False)
    templates = reports.Templates(
        str(_folder(tmp_path, {"card.md": "{{ 'x'.ljust(3000000000) }}"}))
    )
    with pytest.raises(sandbox.TemplateError, match="ljust"):
        templates.render("card.md", {})
    (tmp_path / "tpl" / "card.md").write_text("{% include 'card.md' %}")
    with pytest.raises(sandbox.TemplateError, match="without end"):
        reports.Templates(str(tmp_path / "tpl")).render("card.md", {})


# -- files in a template's place that are not regular files in the folder ---------


def test_a_template_linked_from_outside_the_folder_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {})
    (tmp_path / "outside.md").write_text("TOP SECRET\n", encoding="utf-8")
    (folder / "card.md").symlink_to(tmp_path / "outside.md")
    code, output = _report(tmp_path)
    assert code == 1, output
    assert "TOP SECRET" not in output
    assert "template card.md: tpl/card.md is a link that leads out of the template folder" in output


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"mine.md": "mine\n"})
    (folder / "card.md").symlink_to("mine.md")
    assert _report(tmp_path) == (0, "mine\n")


@pytest.mark.parametrize("name", ["card.md", "included.md"])
def test_a_named_pipe_as_a_template_is_an_error_and_never_waited_on(
    tmp_path: Path, name: str
) -> None:
    folder = _folder(tmp_path, {"card.md": "{% include 'included.md' %}\n"})
    if name == "card.md":
        (folder / "card.md").unlink()
    os.mkfifo(folder / name)
    code, output = _report(tmp_path)
    assert code == 1, output
    assert f"template {name}: tpl/{name}: not a regular file: it is a named pipe" in output


def test_a_folder_in_a_templates_place_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {})
    (folder / "card.html").mkdir()
    code, output = _report(tmp_path, "html")
    assert code == 1, output
    assert "template card.html: tpl/card.html: not a regular file: it is a folder" in output


def test_a_template_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {})
    (folder / "card.md").write_bytes(b"caf\xe9\n")
    code, output = _report(tmp_path)
    assert code == 1, output
    assert "template card.md: tpl/card.md is not UTF-8 text" in output


def test_a_template_over_4_mb_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {})
    (folder / "card.md").write_bytes(b"x" * (4 * 1024 * 1024 + 1))
    code, output = _report(tmp_path)
    assert code == 1, output
    assert "template card.md: tpl/card.md: the file is 4,194,305 bytes, over the limit" in output


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("line one\n{{ 'x' * 3|truncate(3) * 3 }}\n", "template card.md:2: TypeError: "),
        ("a\n\nb {{ 'x'.ljust(3000000000) }}\n", "template card.md:3: refused: "),
        ("{% macro m() %}\n{{ 1 // 0 }}\n{% endmacro %}{{ m() }}", "template card.md:2: "),
    ],
    ids=["type-error", "bomb", "in-a-macro"],
)
def test_a_template_error_names_the_line(tmp_path: Path, text: str, where: str) -> None:
    _folder(tmp_path, {"card.md": text})
    code, output = _report(tmp_path)
    assert code == 1, output
    assert where in output, output
