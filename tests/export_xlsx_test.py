"""Workbooks: export contract (the matrix), export results-template, and score and
rank --format xlsx. Each workbook is opened again with openpyxl to check what a
person sees in Excel: the layout, the print set-up, the protection, the data
validation, and that no cell is a formula."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from pcontract.model import Contract
from pcontract.render import xlsx
from pcontract.scoring.evaluation import load_contract_document
from tests.conftest import EXAMPLES, run

MOINA = EXAMPLES / "moina" / "contract.yaml"
MOINA_RESULTS = EXAMPLES / "moina" / "results-fy2024-25.yaml"
HOSTILE = ('=HYPERLINK("http://x","y")', "+1+2", "-3-4", "@SUM(A1)", "\tTab", "\rCR")


def _indicator(id_: str, kind: str, target: Any, **more: Any) -> dict[str, Any]:
    return {"id": id_, "name": f"Indicator {id_}", "weight": 25, "kind": kind, "target": target}


def small_contract(names: tuple[str, ...] = ()) -> Contract:
    """Four indicators, one of each kind, with figures to check by hand."""
    first, second = (*names, "Cards issued", "Turnaround days")[:2]
    return Contract.from_raw(
        {
            "id": "small-2024-25",
            "title": "Performance Contract — Small Office, FY 2024/2025",
            "financial_year": "2024/2025",
            "period": {"start": "2024-07-01", "end": "2025-06-30"},
            "institution": {"id": "small", "name": "Small Office", "category": "ministry"},
            "parties": {
                "principal": {"title": "President", "name": "A. Principal"},
                "agent": {"title": "Cabinet Secretary", "name": "B. Agent"},
            },
            "status": "signed",
            "guidelines": "../guidelines/kenya-pc-fy2024-25.yaml",
            "criteria": [
                {
                    "id": "core-mandate",
                    "name": "Core Mandate",
                    "weight": 50,
                    "indicators": [
                        {
                            "id": "CM01",
                            "name": first,
                            "unit": "cards",
                            "weight": 25,
                            "kind": "increase",
                            "baseline": {"2022/2023": 800, "2023/2024": 900},
                            "target": 1000,
                            "quarterly_targets": [100, 300, 600, 1000],
                            "criteria_values": {"excellent": 1200, "poor": 600},
                            "owner": "Director",
                            "due": "2025-06-30",
                            "notes": "Counted at the counters",
                        },
                        {
                            "id": "CM02",
                            "name": second,
                            "unit": "days",
                            "weight": 25,
                            "kind": "decrease",
                            "measure": "cumulative",
                            "target": 10,
                        },
                    ],
                },
                {
                    "id": "service-delivery",
                    "name": "Service Delivery",
                    "weight": 50,
                    "indicators": [
                        {
                            "id": "SD01",
                            "name": "Charter reviewed",
                            "weight": 30,
                            "kind": "milestone",
                            "target": "2025-03-31",
                        },
                        {
                            "id": "SD02",
                            "name": "Survey done",
                            "weight": 20,
                            "kind": "binary",
                            "target": True,
                        },
                    ],
                },
            ],
        }
    )


def reopen(book: Any) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(book)))


def no_formulas(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"


def find_row(sheet: Worksheet, first: object) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return int(row[0].row or 0)
    raise AssertionError(f"no row starts with {first!r}")


def values(sheet: Worksheet, row: int) -> list[object]:
    cells: list[object] = [c.value for c in sheet[row]]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def plain_date(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


# -- the matrix ------------------------------------------------------------------


def test_matrix_layout_title_block_header_sections_and_signatures() -> None:
    book = reopen(xlsx.contract_workbook(small_contract()))
    assert book.sheetnames == ["Matrix"]
    sheet = book["Matrix"]
    headers = xlsx.matrix_headers(small_contract())
    assert len(headers) == 25  # two achievement years
    assert "A1:Y1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "Performance Contract — Small Office, FY 2024/2025"
    assert sheet["A2"].value == "Contract id:" and sheet["B2"].value == "small-2024-25"
    labels = [sheet.cell(row=r, column=1).value for r in range(2, 16)]
    assert labels[:13] == [
        "Contract id:",
        "Title:",
        "Financial year:",
        "Period start:",
        "Period end:",
        "Institution:",
        "Institution id:",
        "Institution category:",
        "Status:",
        "Guidelines:",
        "Principal title:",
        "Principal name:",
        "Agent title:",
    ]
    header = find_row(sheet, "Id")
    assert values(sheet, header - 1) == []  # a blank row before the header
    assert values(sheet, header) == headers
    assert headers[5:7] == ["Achievement 2022/2023", "Achievement 2023/2024"]
    assert all(sheet.cell(row=header, column=c).font.bold for c in range(1, 21))
    assert sheet.freeze_panes == f"C{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"

    section = header + 1
    assert sheet.cell(row=section, column=1).value == "Core Mandate [core-mandate] (50%)"
    assert sheet.cell(row=section, column=1).font.bold
    assert f"A{section}:Y{section}" in {str(r) for r in sheet.merged_cells.ranges}
    cm01 = values(sheet, section + 1)
    assert cm01[:12] == [
        "CM01",
        "Cards issued",
        "cards",
        "increase",
        25,
        800,
        900,
        1000,
        100,
        300,
        600,
        1000,
    ]
    assert cm01[12] == "Director" and plain_date(cm01[13]) == dt.date(2025, 6, 30)
    assert cm01[14] == 1200 and cm01[18] == 600 and cm01[19] == "Counted at the counters"
    service = find_row(sheet, "Service Delivery [service-delivery] (50%)")
    sd01, sd02 = values(sheet, service + 1), values(sheet, service + 2)
    assert plain_date(sd01[7]) == dt.date(2025, 3, 31)  # a milestone's target: a date
    assert sheet.cell(row=service + 1, column=8).number_format == "yyyy-mm-dd"
    assert sd02[7] == "Yes"  # a binary's target

    signed = find_row(sheet, "Signed:")
    assert signed == service + 4  # one blank row after the matrix
    assert values(sheet, signed + 1) == [None, "A. Principal"]
    assert values(sheet, signed + 2) == [None, "President (Principal)"]
    assert values(sheet, signed + 3)[0] == "Date:"
    assert values(sheet, signed + 6) == [None, "B. Agent"]
    assert values(sheet, signed + 7) == [None, "Cabinet Secretary (Agent)"]
    no_formulas(book)


def test_matrix_prints_on_a4_landscape_one_page_wide_with_widths_set() -> None:
    sheet = reopen(xlsx.contract_workbook(small_contract()))["Matrix"]
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert str(setup.paperSize) == str(Worksheet.PAPERSIZE_A4)
    assert str(setup.fitToWidth) == "1" and str(setup.fitToHeight) == "0"
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["A"].width == 20  # the title block's labels fit
    assert sheet.column_dimensions["B"].width == 42
    assert sheet.column_dimensions["F"].width == xlsx.BASELINE_WIDTH
    assert sheet.column_dimensions["T"].width == 30  # Notes
    assert sheet.print_area == "'Matrix'!$A$1:$Y$" + str(sheet.max_row)
    assert sheet.print_options.gridLines
    # a wrapped indicator row is as tall as its longest text needs
    header = find_row(sheet, "Id")
    assert sheet.row_dimensions[header].height == 30  # "Achievement 2022/2023": 2 lines
    assert sheet.cell(row=header + 2, column=2).alignment.wrap_text


def test_row_height_counts_the_lines_of_the_longest_text() -> None:
    assert xlsx.row_height(["x" * 41, "short"], [42, 10]) == 15  # 41 fit in 42 wide
    assert xlsx.row_height(["x" * 42, None], [42, 10]) == 30
    assert xlsx.row_height([1234567, "y" * 20], [5, 10]) == 45  # numbers do not wrap


def test_contract_rows_are_what_the_sheet_holds() -> None:
    """The rows a round-trip test compares an import against: cell for cell."""
    document = load_contract_document(str(MOINA))
    sheet = reopen(xlsx.contract_workbook(document.contract, document.guidelines))["Matrix"]
    rows = xlsx.contract_rows(document.contract)
    assert sheet.max_row == len(rows)
    for at, expected in enumerate(rows, 1):
        got = [plain_date(v) for v in values(sheet, at)]
        want = [None if v == "" else v for v in expected]
        while want and want[-1] is None:
            want.pop()
        assert got == want, f"row {at}"
    moina = next(row for row in rows if row[:1] == ["CM01"])
    assert moina[4:8] == [10, 1850000, 2100000, 2300000]


def test_every_section_row_names_its_category_and_weight() -> None:
    contract = load_contract_document(str(MOINA)).contract
    sections = [row.cells[0] for row in xlsx.matrix_rows(contract) if row.role == xlsx.SECTION]
    assert sections[:2] == [
        "Core Mandate [core-mandate] (50%)",
        "Financial Stewardship and Discipline [financial-stewardship] (12%)",
    ]
    assert len(sections) == len(contract.criteria)
    indicators = [row.cells[0] for row in xlsx.matrix_rows(contract) if row.role == "indicator"]
    assert indicators == [i.id for i in contract.indicators]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    contract = small_contract(names=HOSTILE[:2])
    book = reopen(xlsx.contract_workbook(contract))
    sheet = book["Matrix"]
    header = find_row(sheet, "Id")
    first, second = sheet.cell(row=header + 2, column=2), sheet.cell(row=header + 3, column=2)
    assert (first.value, first.data_type) == (HOSTILE[0], "s")
    assert (second.value, second.data_type) == (HOSTILE[1], "s")
    assert first.quotePrefix and second.quotePrefix
    no_formulas(book)


@pytest.mark.parametrize("text", HOSTILE)
def test_put_never_writes_a_formula(text: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    xlsx.put(sheet, 1, 1, text)
    xlsx.put(sheet, 1, 2, "plain")
    again = reopen(book).active
    assert again is not None
    # (XML reads a carriage return back as a line feed)
    assert again["A1"].value == text.replace("\r", "\n") and again["A1"].data_type == "s"
    assert again["A1"].quotePrefix and not again["B1"].quotePrefix
    with zipfile.ZipFile(io.BytesIO(xlsx.workbook_bytes(book))) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_control_characters_become_a_replacement_character() -> None:
    assert xlsx.inert_text("a\x00b\x1fc\nd") == "a\ufffdb\ufffdc\nd"
    assert len(xlsx.inert_text("x" * 40000)) == 32767


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert xlsx.sheet_name("2024/2025 · Ministries", taken) == "2024-2025 · Ministries"
    assert xlsx.sheet_name("a[b]:c*d?e\\f", taken) == "a-b--c-d-e-f"
    long = xlsx.sheet_name("x" * 40, taken)
    assert long == "x" * 31
    assert xlsx.sheet_name("X" * 40, taken) == "x" * 0 + "X" * 27 + " (2)"
    assert xlsx.sheet_name("History", taken) == "History (2)"
    assert xlsx.sheet_name("'quoted'", taken) == "quoted"
    assert xlsx.sheet_name("", taken) == "Sheet"
    assert all(len(name) <= 31 for name in taken)


def test_same_contract_same_bytes() -> None:
    document = load_contract_document(str(MOINA))
    once = xlsx.workbook_bytes(xlsx.contract_workbook(document.contract, document.guidelines))
    again = xlsx.workbook_bytes(xlsx.contract_workbook(document.contract, document.guidelines))
    assert once == again
    with zipfile.ZipFile(io.BytesIO(once)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert "2000-01-01T00:00:00Z" in core and "pcontract" in core
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- the results template --------------------------------------------------------


def test_results_template_prefills_each_indicator_and_its_quarter_target() -> None:
    sheet = reopen(xlsx.results_workbook(small_contract(), "Q2"))["Results"]
    assert [values(sheet, r) for r in (2, 3, 4)] == [
        ["Contract id:", "small-2024-25"],
        ["Period:", "Q2"],
        ["Financial year:", "2024/2025"],
    ]
    assert values(sheet, 6) == [
        "Id",
        "Indicator",
        "Unit",
        "Target",
        "Quarter target",
        "Actual",
        "Evidence",
        "Notes",
        "Not applicable",
        "Reason",
    ]
    assert values(sheet, 7) == ["CM01", "Cards issued", "cards", 1000, 300]  # quarterly_targets
    assert values(sheet, 8) == ["CM02", "Turnaround days", "days", 10, 5]  # 10 × 2/4
    assert [plain_date(v) for v in values(sheet, 9)] == [
        "SD01",
        "Charter reviewed",
        None,
        dt.date(2025, 3, 31),
    ]
    assert values(sheet, 10) == ["SD02", "Survey done", None, "Yes"]
    assert sheet.freeze_panes == "C7"
    assert sheet.page_setup.orientation == "landscape"


def test_annual_template_takes_the_annual_target() -> None:
    sheet = reopen(xlsx.results_workbook(small_contract(), "annual"))["Results"]
    assert values(sheet, 3) == ["Period:", "annual"]
    assert values(sheet, 7) == ["CM01", "Cards issued", "cards", 1000, 1000]
    assert values(sheet, 8) == ["CM02", "Turnaround days", "days", 10, 10]


def test_results_template_is_protected_but_for_the_cells_to_fill() -> None:
    sheet = reopen(xlsx.results_workbook(small_contract(), "Q2"))["Results"]
    assert sheet.protection.sheet
    editable = {"F", "G", "H", "I", "J"}
    for row in range(7, 11):
        for column in "ABCDEFGHIJ":
            locked = sheet[f"{column}{row}"].protection.locked
            assert locked == (column not in editable), f"{column}{row}"
    assert sheet["B2"].protection.locked and sheet["F6"].protection.locked


def test_results_template_validates_each_kind_and_asks_a_reason() -> None:
    sheet = reopen(xlsx.results_workbook(small_contract(), "Q2"))["Results"]
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert set(rules) == {"F7 F8", "F9", "F10", "I7:I10"}
    assert rules["F7 F8"].type == "decimal"
    assert rules["F9"].type == "date"
    assert rules["F10"].type == "list" and rules["F10"].formula1 == '"Yes,No"'
    flag = rules["I7:I10"]
    assert flag.type == "list" and flag.formula1 == '"Yes"'
    assert flag.showInputMessage and "reason is required" in (flag.prompt or "")
    assert all(rule.showErrorMessage for rule in rules.values())
    assert sheet["F9"].number_format == "yyyy-mm-dd"
    # every rule allows a blank (openpyxl before 3.1.3 reads allowBlank back wrongly)
    book = xlsx.workbook_bytes(xlsx.results_workbook(small_contract(), "Q2"))
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<dataValidation ") == xml.count('allowBlank="1"') == 4


# -- the commands ----------------------------------------------------------------


def test_export_contract_writes_and_refuses_to_overwrite(in_tmp: Path) -> None:
    code, output = run("export", "contract", str(MOINA), "-o", "m.xlsx")
    assert code == 0, output
    assert "wrote m.xlsx" in output
    sheet = openpyxl.load_workbook("m.xlsx")["Matrix"]
    assert sheet["B2"].value == "moina-2024-25"
    first = Path("m.xlsx").read_bytes()
    code, output = run("export", "contract", str(MOINA), "-o", "m.xlsx")
    assert code == 1 and "--force" in output
    code, output = run("export", "contract", str(MOINA), "-o", "m.xlsx", "--force")
    assert code == 0 and Path("m.xlsx").read_bytes() == first


def test_export_never_writes_over_its_input(in_tmp: Path) -> None:
    contract = in_tmp / "contract.yaml"
    text = MOINA.read_text(encoding="utf-8").replace(
        "../guidelines/", str(EXAMPLES / "guidelines") + "/"
    )
    contract.write_text(text, encoding="utf-8")
    code, output = run("export", "contract", str(contract), "-o", str(contract), "--force")
    assert code == 1 and "input" in output
    assert contract.read_text(encoding="utf-8") == text


def test_export_results_template_through_the_cli(in_tmp: Path) -> None:
    code, output = run("export", "results-template", str(MOINA), "--period", "Q2", "-o", "q2.xlsx")
    assert code == 0, output
    sheet = openpyxl.load_workbook("q2.xlsx")["Results"]
    assert values(sheet, 3) == ["Period:", "Q2"]
    assert values(sheet, 7)[:5] == [
        "CM01",
        "National identity cards issued",
        "cards",
        2300000,
        1150000,
    ]
    code, _ = run("export", "results-template", str(MOINA), "--period", "Q5", "-o", "q5.xlsx")
    assert code == 2 and not Path("q5.xlsx").exists()


def test_score_xlsx_needs_out_and_matches_json(in_tmp: Path) -> None:
    code, output = run("score", str(MOINA), "-r", str(MOINA_RESULTS), "-f", "xlsx")
    assert code == 2 and "-o FILE.xlsx" in output
    code, output = run("score", str(MOINA), "-r", str(MOINA_RESULTS), "-f", "json", "-o", "x")
    assert code == 2 and not Path("x").exists()
    code, output = run("score", str(MOINA), "-r", str(MOINA_RESULTS), "-f", "xlsx", "-o", "s.xlsx")
    assert code == 0, output
    _, printed = run("score", str(MOINA), "-r", str(MOINA_RESULTS), "-f", "json")
    scored = json.loads(printed)
    book = openpyxl.load_workbook("s.xlsx")
    assert book.sheetnames == ["Score", "moina-2024-25"]
    summary = book["Score"]
    composite = find_row(summary, "Composite:")
    assert summary.cell(row=composite, column=2).value == scored["composite"] == 2.8522
    assert summary.cell(row=composite, column=2).number_format == "0.0000"
    assert summary.cell(row=composite + 1, column=2).value == "Very Good"
    detail = book["moina-2024-25"]
    assert values(detail, 3)[:2] == ["Id", "Indicator"]
    by_id = {row[0]: row for row in detail.iter_rows(min_row=4, values_only=True)}
    assert set(by_id) == {i["id"] for i in scored["indicators"]}
    cm02 = next(i for i in scored["indicators"] if i["id"] == "CM02")
    assert by_id["CM02"][11] == cm02["status"] == "moderated"
    assert by_id["CM02"][13] == cm02["raw_score"]
    no_formulas(book)


def test_rank_xlsx_has_a_sheet_per_league_and_the_ranks_of_json(in_tmp: Path) -> None:
    year = "2024/2025"
    code, output = run("rank", str(EXAMPLES), "-y", year, "-f", "xlsx", "-o", "r.xlsx")
    assert code == 0, output
    _, printed = run("rank", str(EXAMPLES), "-y", year, "-f", "json")
    ranked = json.loads(printed)
    book = openpyxl.load_workbook("r.xlsx")
    leagues = {(r["financial_year"], r["category_name"]) for r in ranked}
    assert book.sheetnames[: len(leagues)][0] == "2024-2025 Ministries"
    ministries = book["2024-2025 Ministries"]
    assert ministries["A1"].value == "2024/2025 · Ministries"
    got = [(row[0], row[2], row[3]) for row in ministries.iter_rows(min_row=4, values_only=True)]
    want = [
        (r["rank"], r["contract"], r["composite"]) for r in ranked if r["category"] == "ministry"
    ]
    assert got == want
    assert set(book.sheetnames[len(leagues) :]) == {r["contract"] for r in ranked}
    assert all(len(name) <= 31 for name in book.sheetnames)
    no_formulas(book)


def test_rank_text_output_is_unchanged_by_the_workbook_option(in_tmp: Path) -> None:
    code, output = run("rank", str(EXAMPLES), "-y", "2024/2025", "-f", "csv")
    assert code == 0 and output.startswith("category,rank,contract,institution,composite")


# -- generated contracts: the sheet holds exactly contract_rows ------------------
# ``contracts()`` draws whole, valid contracts (weights adding to 100, a target of
# the right type for each kind); the round trip through ``import contract`` can
# draw from it too.

_PLAIN = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
_FORMULA_LIKE = st.sampled_from(["=", "+", "-", "@"])


def _text(max_size: int = 30) -> st.SearchStrategy[str]:
    body = st.text(_PLAIN, min_size=1, max_size=max_size)
    either = st.one_of(body, st.builds(lambda a, b: a + b, _FORMULA_LIKE, body))
    return either.map(str.strip).filter(bool)


_ID = st.from_regex(r"\A[A-Z]{2}[0-9]{2}\Z")
# Figures of 1 and more: a target of 0 needs criteria values of its own (PC324).
_NUMBER = st.one_of(
    st.integers(min_value=1, max_value=10**9),
    st.decimals(min_value=1, max_value=10**6, places=2).map(float),
)
_DAY = st.dates(min_value=dt.date(2024, 7, 1), max_value=dt.date(2025, 6, 30))


@st.composite
def _indicator_raw(draw: st.DrawFn, id_: str, weight: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["increase", "decrease", "milestone", "binary"]))
    raw: dict[str, Any] = {"id": id_, "name": draw(_text(60)), "weight": weight, "kind": kind}
    if kind in ("increase", "decrease"):
        raw["target"] = draw(_NUMBER)
        raw["unit"] = draw(_text(20))
        if draw(st.booleans()):
            raw["baseline"] = {"2023/2024": draw(_NUMBER)}
        if kind == "increase" and draw(st.booleans()):
            raw["measure"] = "cumulative"
            parts = draw(st.lists(st.integers(0, 10**6), min_size=3, max_size=3))
            raw["quarterly_targets"] = [*sorted(parts), raw["target"] + 10**6]
            raw["target"] = raw["quarterly_targets"][-1]
    elif kind == "milestone":
        raw["target"] = draw(_DAY).isoformat()
    else:
        raw["target"] = True
    if draw(st.booleans()):
        raw["owner"] = draw(_text())
    if draw(st.booleans()):
        raw["due"] = draw(_DAY).isoformat()
    if draw(st.booleans()):
        raw["notes"] = draw(_text(80))
    return raw


@st.composite
def contracts(draw: st.DrawFn) -> Contract:
    """A valid contract of 1 to 3 categories of 1 to 3 indicators, weights adding to 100."""
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    count = sum(shape)
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1)))
    cuts = sorted(set(cuts))
    while len(cuts) < count - 1:  # distinct cut points: every weight at least 1
        cuts = sorted({*cuts, next(n for n in range(1, 100) if n not in cuts)})
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    ids = draw(st.lists(_ID, min_size=count, max_size=count, unique=True))
    criteria: list[dict[str, Any]] = []
    at = 0
    for number_, size in enumerate(shape, 1):
        items = [draw(_indicator_raw(ids[at + k], weights[at + k])) for k in range(size)]
        criteria.append(
            {
                "id": f"category-{number_}",
                "name": draw(_text()),
                "weight": sum(weights[at : at + size]),
                "indicators": items,
            }
        )
        at += size
    parties = {
        "principal": {"title": draw(_text())},
        "agent": {"title": draw(_text()), "name": draw(_text())},
    }
    return Contract.from_raw(
        {
            "id": "generated-2024-25",
            "title": draw(_text(80)),
            "financial_year": "2024/2025",
            "period": {"start": "2024-07-01", "end": "2025-06-30"},
            "institution": {"name": draw(_text()), "category": "ministry"},
            "parties": parties,
            "status": draw(st.sampled_from(["draft", "signed"])),
            "criteria": criteria,
        }
    )


@settings(max_examples=40, deadline=None, derandomize=True)
@given(contracts())
def test_generated_contracts_sheet_holds_exactly_contract_rows(contract: Contract) -> None:
    book = reopen(xlsx.contract_workbook(contract))
    sheet = book["Matrix"]
    rows = xlsx.contract_rows(contract)
    assert sheet.max_row == len(rows)
    for at, expected in enumerate(rows, 1):
        want = [None if v == "" else v for v in expected]
        while want and want[-1] is None:
            want.pop()
        assert [plain_date(v) for v in values(sheet, at)] == want, f"row {at}"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    width = len(xlsx.matrix_headers(contract))
    sections = [at for at, row in enumerate(xlsx.matrix_rows(contract), 1) if row.role == "section"]
    assert len(sections) == len(contract.criteria)
    last = openpyxl.utils.get_column_letter(width)
    assert all(f"A{at}:{last}{at}" in merged for at in sections)
    no_formulas(book)


def test_starting_the_cli_does_not_import_openpyxl() -> None:
    import subprocess
    import sys

    code = "import sys, pcontract.cli.app; print('openpyxl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_score_xlsx_of_a_quarter_adds_its_progress(in_tmp: Path) -> None:
    quarter = EXAMPLES / "moina" / "results-fy2024-25-q2.yaml"
    code, output = run("score", str(MOINA), "-r", str(quarter), "-f", "xlsx", "-o", "q.xlsx")
    assert code == 0, output
    _, printed = run("score", str(MOINA), "-r", str(quarter), "-f", "json")
    progress = {p["id"]: p for p in json.loads(printed)["progress"]}
    book = openpyxl.load_workbook("q.xlsx")
    assert book.sheetnames == ["Score", "moina-2024-25", "Progress"]
    sheet = book["Progress"]
    assert values(sheet, 3)[:3] == ["Id", "Quarter", "Quarter target"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == set(progress)
    cm01 = rows["CM01"]
    assert cm01[1] == "Q2" and cm01[2] == progress["CM01"]["quarter_target"] == 1150000
    assert cm01[5] == progress["CM01"]["status"]
    assert cm01[6] == progress["CM01"]["projected_raw_score"]
