"""The contract document: ``pcontract report CONTRACT`` without ``--results``.

Its view data (parties, statement, the matrix with criteria values resolved from
the guidelines, goals over their sub-indicators, signatures), the Markdown and the
HTML (golden files), escaping, and where ``-o`` writes. The criteria values are
worked by hand from the guidelines' defaults: examples/guidelines/kenya-pc-fy2024-25
gives increase excellent 1.2x / poor 0.6x and decrease excellent 0.8x / poor 1.4x
of the target; the goal case's guidelines give the same multiples.

Regenerate the golden files after a deliberate change, and read the diff first:

    PCONTRACT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/contract_doc_test.py
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pcontract.render import contract_doc
from pcontract.render.reports import css_string
from pcontract.scoring import evaluation
from tests.conftest import EXAMPLES, TESTS, run

MOINA = EXAMPLES / "moina" / "contract.yaml"
SPAS = EXAMPLES / "guidelines" / "spas-fy2024-25.yaml"
GOALS = TESTS / "cases" / "valid" / "goal-sub-indicators"
GOLDEN = TESTS / "golden"
HOSTILE = '<script>alert(1)</script> | `tick` **bold** "; } body { color: red } </style>'
STYLE = re.compile(r"<style>.*?</style>\n?", re.S)


def view(contract: Path = MOINA, guidelines: Path | None = None) -> dict[str, Any]:
    document = evaluation.load_contract_document(
        str(contract), str(guidelines) if guidelines else None
    )
    return contract_doc.contract_view(document)


def rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for category in data["categories"] for row in category["rows"]}


def report(*args: str) -> tuple[int, str]:
    return run("report", *args)


# -- the view ------------------------------------------------------------------------


def test_the_view_holds_the_parties_and_the_statement() -> None:
    data = view()
    assert data["contract"]["institution"] == "Ministry of Interior and National Administration"
    # The guidelines' readable name of the institution category, not its id.
    assert data["contract"]["category"] == "Ministries"
    assert [(p["role"], p["title"], p["name"]) for p in data["parties"]] == [
        ("Principal", "President", "William Ruto"),
        ("Agent", "Cabinet Secretary", "Kithure Kindiki"),
    ]
    assert data["vision"].startswith("A safe, secure and well-governed nation")
    assert data["mission"].startswith("To provide national security")
    assert len(data["objectives"]) == 4
    assert data["objectives"][0] == "Enhance national security, peace and cohesion"
    # moina records no signing date: the date lines are left to fill in by hand.
    assert [p["date"] for p in data["parties"]] == ["", ""]


def test_the_matrix_holds_every_indicator_by_category() -> None:
    data = view()
    assert [c["name"] for c in data["categories"]][:2] == [
        "Core Mandate",
        "Financial Stewardship and Discipline",
    ]
    assert len(data["categories"]) == 7
    assert data["indicator_count"] == 22 == len(rows(data))
    assert data["total_weight"] == "100"
    assert data["baseline_years"] == ["2022/2023", "2023/2024"]
    assert data["criteria_heads"] == ["Excellent", "Very good", "Fair", "Poor"]
    cm01 = rows(data)["CM01"]
    assert cm01["unit"] == "cards"
    assert cm01["weight"] == "10"
    assert cm01["baselines"] == ["1,850,000", "2,100,000"]
    assert cm01["target"] == "2,300,000"
    # Given by the contract: excellent 2,600,000, poor 1,600,000; no very good or fair.
    assert cm01["criteria"] == ["2,600,000", "—", "—", "1,600,000"]
    assert cm01["quarterly"] == ["550,000", "1,150,000", "1,700,000", "2,300,000"]
    assert cm01["owner"] == "Director, National Registration Bureau"
    assert cm01["due"] == "2025-06-30"
    assert cm01["kind_note"] == "higher is better"


def test_criteria_values_the_contract_omits_come_from_the_guidelines() -> None:
    indicators = rows(view())
    # CM02: 850,000 x 1.2 = 1,020,000 and x 0.6 = 510,000.
    assert indicators["CM02"]["criteria"] == ["1,020,000", "—", "—", "510,000"]
    # CM05, a decrease: 170 x 0.8 = 136 and x 1.4 = 238; marked lower is better.
    assert indicators["CM05"]["criteria"] == ["136", "—", "—", "238"]
    assert indicators["CM05"]["kind_note"] == "lower is better"
    assert indicators["CM05"]["quarterly"] == ["—"] * 4
    # SD02: 88 x 1.2 = 105.6 and x 0.6 = 52.8 (not rounded to whole numbers).
    assert indicators["SD02"]["criteria"] == ["105.6", "—", "—", "52.8"]
    # CM04, a milestone with all four dates given.
    assert indicators["CM04"]["criteria"] == [
        "2025-01-31",
        "2025-02-28",
        "2025-05-15",
        "2025-06-30",
    ]
    assert indicators["CM04"]["kind_note"] == "a date: earlier is better"
    # CC02, binary: done or not done, no criteria values.
    assert indicators["CC02"]["target"] == "done"
    assert indicators["CC02"]["criteria"] == ["—"] * 4
    assert indicators["CC02"]["kind_note"] == "done or not done"


def test_a_goal_sits_over_its_sub_indicators() -> None:
    data = view(GOALS / "contract.yaml")
    [category] = data["categories"]
    order = [(r["id"], r["is_goal"], r["in_goal"]) for r in category["rows"]]
    assert order == [
        ("FS01", True, False),
        ("FS01a", False, True),
        ("FS01b", False, True),
        ("FS01c", False, True),
        ("FS01d", False, True),
        ("FS02", False, False),
    ]
    goal = category["rows"][0]
    assert goal["weight"] == "8"
    assert goal["kind_note"] == "goal: the weighted mean of its 4 sub-indicators"
    assert goal["notes"] == "A goal rated with the summed weight of its four KPIs"
    by_id = rows(data)
    # FS01b, a decrease with target 5: 5 x 0.8 = 4 and 5 x 1.4 = 7.
    assert by_id["FS01b"]["criteria"] == ["4", "—", "—", "7"]
    # FS01c, target 30 %: 36 and 18.
    assert by_id["FS01c"]["criteria"] == ["36", "—", "—", "18"]
    # One baseline year only: one column, not two.
    assert data["baseline_years"] == ["2023/2024"]
    # No indicator has quarterly targets: no quarter columns.
    assert data["has_quarterly"] is False
    # Indicator, unit, weight, 1 baseline, target, 4 criteria, owner, due.
    assert data["columns"] == 11
    assert data["goal_span"] == 6


def test_the_goal_renders_over_its_sub_indicators() -> None:
    document = evaluation.load_contract_document(str(GOALS / "contract.yaml"))
    text = contract_doc.render_contract(document, "md")
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    goal = next(i for i, line in enumerate(lines) if "**FS01 " in line)
    assert lines[goal + 1].startswith("| ↳ **FS01a** Revenue collected")
    assert lines[goal + 4].startswith("| ↳ **FS01d** Unqualified audit opinion")
    assert lines[goal + 5].startswith("| **FS02** Debt collected")
    html = contract_doc.render_contract(document, "html")
    assert html.index('<tr class="goal">') < html.index('<tr class="sub">')
    assert 'colspan="6" class="goal-span"' in html


def test_percentage_guidelines_have_no_criteria_columns() -> None:
    data = view(guidelines=SPAS)
    assert data["criteria_heads"] == []
    assert all(row["criteria"] == [] for row in rows(data).values() if not row["is_goal"])
    assert "percentage achievement" in data["method"]["how"]
    assert data["method"]["guidelines"] == "Staff Performance Appraisal System (SPAS), FY 2024/2025"
    code, text = report(str(MOINA), "--guidelines", str(SPAS))
    assert code == 0, text
    header = next(line for line in text.splitlines() if line.startswith("| Indicator |"))
    assert "Excellent" not in header and "Poor" not in header
    assert "| Target | Q1 | Q2 | Q3 | Q4 | Owner | Due |" in header


def test_a_signing_date_fills_the_date_lines(tmp_path: Path) -> None:
    folder = copy_moina(tmp_path)
    contract = folder / "moina" / "contract.yaml"
    edit(contract, "status: signed\n", "status: signed\nsigned_on: 2024-06-28\n")
    data = view(contract)
    assert data["contract"]["signed_on"] == "2024-06-28"
    assert [p["date"] for p in data["parties"]] == ["2024-06-28", "2024-06-28"]
    code, text = report(str(contract))
    assert code == 0, text
    assert "Signed by the parties on 2024-06-28." in text
    assert "| Principal | William Ruto | President | ______________________ | 2024-06-28 |" in text


def test_a_signing_date_must_be_a_date(tmp_path: Path) -> None:
    folder = copy_moina(tmp_path)
    contract = folder / "moina" / "contract.yaml"
    edit(contract, "status: signed\n", "status: signed\nsigned_on: last June\n")
    code, output = run("validate", str(contract))
    assert code == 1
    assert "signed_on" in output


# -- Markdown and HTML ---------------------------------------------------------------


@pytest.fixture
def goals_quarterly(tmp_path: Path) -> Path:
    """The goal case with quarterly targets on one sub-indicator: every table then
    has quarter columns, which the goal's row must span too."""
    folder = tmp_path / "goals"
    shutil.copytree(GOALS, folder)
    contract = folder / "contract.yaml"
    edit(
        contract,
        "target: 10, measure: cumulative}",
        "target: 10, measure: cumulative, quarterly_targets: [2, 5, 7, 10]}",
    )
    return contract


@pytest.mark.parametrize("which", ["moina", "goals with quarterly targets"])
def test_every_markdown_table_has_a_header_and_whole_rows(
    which: str, goals_quarterly: Path
) -> None:
    code, text = report(str(MOINA if which == "moina" else goals_quarterly))
    assert code == 0, text
    assert "| Q1 | Q2 | Q3 | Q4 |" in text
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| ") and (i == 0 or not lines[i - 1].startswith("|")):
            # The first row of a table is a header of words, then a separator.
            assert line.strip("| "), f"header-less table at line {i + 1}"
            assert re.fullmatch(r"\|( -{3}:? \|)+", lines[i + 1]), lines[i + 1]
            cells = line.count(" |")
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert lines[j].count(" |") == cells, lines[j]
                j += 1


def test_every_html_row_spans_every_column(goals_quarterly: Path) -> None:
    code, html = report(str(goals_quarterly), "-f", "html")
    assert code == 0, html
    assert '<ul class="quarters"><li><span class="q">Q1</span> 2</li>' in html
    matrix = html[
        html.index('<table class="matrix">') : html.index(
            "</table>", html.index('<table class="matrix">')
        )
    ]
    widths = set()
    for row in re.findall(r"<tr.*?</tr>", matrix, re.S):
        cells = re.findall(r"<t[hd][ >]", row)
        spans = [int(n) - 1 for n in re.findall(r'colspan="(\d+)"', row)]
        widths.add(len(cells) + sum(spans))
    # Indicator, unit, weight, 1 baseline, target, 4 criteria, quarters, owner, due.
    assert widths == {12}


# The Markdown of the moina example, and the HTML of the smaller goal case (a
# goal over four sub-indicators, with a note), each small enough to review.
@pytest.mark.parametrize(
    ("contract", "fmt", "name"),
    [(MOINA, "md", "contract-moina.md"), (GOALS / "contract.yaml", "html", "contract-goals.html")],
)
def test_golden_contract(contract: Path, fmt: str, name: str) -> None:
    document = evaluation.load_contract_document(str(contract))
    text = contract_doc.render_contract(document, fmt)
    if fmt == "html":
        # The styles are kept out of the golden file: a style change is not a
        # change of content.
        assert text.count("<style>") == 1
        text = STYLE.sub("", text)
    golden = GOLDEN / name
    if os.environ.get("PCONTRACT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), "run with PCONTRACT_UPDATE_GOLDEN=1 to create it"
    assert text == golden.read_text(encoding="utf-8"), "see the module docstring to regenerate"


def test_rendering_twice_gives_identical_bytes() -> None:
    document = evaluation.load_contract_document(str(MOINA))
    for fmt in ("md", "html"):
        first = contract_doc.render_contract(document, fmt)
        assert first == contract_doc.render_contract(document, fmt)


def test_the_html_prints_landscape_with_a_running_head_and_page_numbers() -> None:
    code, html = report(str(MOINA), "-f", "html")
    assert code == 0, html
    assert "size: A4 landscape" in html
    assert 'content: "Page " counter(page) " of " counter(pages)' in html
    head = css_string(
        "Ministry of Interior and National Administration · Performance contract FY 2024/2025"
    )
    assert f"@top-left {{ content: {head}; }}" in html
    # Self-contained: no scripts, no outside addresses.
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", html, re.I)


def copy_moina(tmp_path: Path) -> Path:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The moina contract with a hostile institution, indicator, party and vision."""
    contract = copy_moina(tmp_path) / "moina" / "contract.yaml"
    quoted = HOSTILE.replace('"', '\\"')
    edit(
        contract,
        "  name: Ministry of Interior and National Administration\n",
        f'  name: "{quoted}"\n',
    )
    edit(contract, "        name: National identity cards issued\n", f'        name: "{quoted}"\n')
    edit(contract, "name: William Ruto}", f'name: "{quoted}"}}')
    vision = (
        "A safe, secure and well-governed nation in which every Kenyan is identified and served."
    )
    edit(contract, f"vision: {vision}\n", f'vision: "{quoted}"\n')
    return contract


def test_hostile_names_are_escaped_in_html(hostile: Path) -> None:
    code, html = report(str(hostile), "-f", "html")
    assert code == 0, html
    assert "<script>" not in html
    assert html.count("</style>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # In the running head, inside <style>, the name is a CSS string escape.
    style = STYLE.search(html)
    assert style is not None
    assert "body { color: red }" not in style.group(0)
    assert css_string(HOSTILE)[:-1] in style.group(0)  # the name opens the quoted head


def test_hostile_names_are_escaped_in_markdown(hostile: Path) -> None:
    code, text = report(str(hostile))
    assert code == 0, text
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    row = next(line for line in text.splitlines() if line.startswith("| **CM01**"))
    # The name's | is escaped: the row keeps as many cells as its header.
    header = next(line for line in text.splitlines() if line.startswith("| Indicator |"))
    unescaped = re.compile(r"(?<!\\)\|")
    assert "\\|" in row
    assert len(unescaped.findall(row)) == len(unescaped.findall(header))
    assert "\\*\\*bold\\*\\*" in row


# -- the command ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_out_folder_gets_the_contract_file_name(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "docs"
    code, output = report(str(MOINA), "-f", fmt, "-o", f"{out}/")
    assert code == 0, output
    written = out / f"moina-2024-25-contract.{fmt}"
    assert f"wrote {written}" in output
    assert [p.name for p in out.iterdir()] == [written.name]
    first = written.read_text(encoding="utf-8")
    assert first.startswith("# Performance contract" if fmt == "md" else "<!DOCTYPE html>")
    # Again, into the existing folder named without the slash: refused...
    code, output = report(str(MOINA), "-f", fmt, "-o", str(out))
    assert code == 1
    assert f"1 file exists already: {written}; use --force" in output
    # ...unless --force.
    code, output = report(str(MOINA), "-f", fmt, "-o", str(out), "--force")
    assert code == 0, output
    assert written.read_text(encoding="utf-8") == first


def test_the_format_follows_the_out_suffix(tmp_path: Path) -> None:
    target = tmp_path / "moina.html"
    code, output = report(str(MOINA), "-o", str(target))
    assert code == 0, output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("which", ["contract", "guidelines"])
def test_never_writes_over_an_input(tmp_path: Path, which: str) -> None:
    folder = copy_moina(tmp_path)
    contract = folder / "moina" / "contract.yaml"
    target = contract if which == "contract" else folder / "guidelines" / "kenya-pc-fy2024-25.yaml"
    before = target.read_bytes()
    code, output = report(str(contract), "-o", str(target), "--force")
    assert code == 1, output
    assert f"refusing to write over {target}" in output
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    "option", [["--quarterly", "q.yaml"], ["--history", "old"], ["--tree", "tree"]]
)
def test_card_options_need_results(option: list[str]) -> None:
    code, output = report(str(MOINA), *option)
    assert code == 2
    assert f"{option[0]} needs --results" in output
    assert "contract document" in output


def test_an_invalid_contract_is_refused_with_its_problems(tmp_path: Path) -> None:
    folder = copy_moina(tmp_path)
    contract = folder / "moina" / "contract.yaml"
    edit(contract, "        weight: 10\n", "        weight: 11\n")
    code, output = report(str(contract))
    assert code == 1
    assert "problem(s) in the input" in output
