"""``pcontract import results``: a filled reporting sheet, in the layout
``export results-template`` writes, becomes a Results file that scores; each bad
cell is a located problem, and nothing is written while any cell is bad."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import yaml

from tests.conftest import EXAMPLES, run

CONTRACT = EXAMPLES / "agriculture" / "contract-fy2024-25.yaml"
COLUMNS = [
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
FIRST_ROW = 7  # the first indicator's row: title, three fields, a blank row, the header
ACTUALS: dict[str, object] = {
    "CM01": 4867797,
    "CM02": 3289551,
    "CM03": 24.1,
    "CM04": dt.date(2025, 2, 13),
    "FS01": "83.7",
    "FS02": None,
    "SD01": 85.4,
    "PD01": 87.3,
    "AG01": 28.1,
    "CC01": "Yes",
    "CC02": "272",
}


def build_sheet(path: Path, **changes: object) -> Path:
    """The filled sheet; ``changes`` replace actuals (None: left blank). FS02 is
    not applicable, with a reason."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Q4"
    sheet.append(["Annual report — Ministry of Agriculture and Livestock Development"])
    sheet.merge_cells("A1:J1")
    sheet.append(["Contract id:", "agriculture-2024-25"])
    sheet.append(["Period:", "annual"])
    sheet.append(["Financial year:", "2024/2025"])
    sheet.append([])
    sheet.append(COLUMNS)
    for ident, actual in {**ACTUALS, **changes}.items():
        not_applicable = "Yes" if ident == "FS02" else None
        reason = "A-in-A moved to another agency by a Cabinet decision" if not_applicable else None
        evidence = f"report {ident}"
        row = [ident, f"Indicator {ident}", "", 1, None, actual, evidence, None]
        sheet.append([*row, not_applicable, reason])
    book.save(path)
    return path


def _import(tmp_path: Path, sheet: Path) -> tuple[int, str, Path]:
    out = tmp_path / "results.yaml"
    code, output = run("import", "results", str(sheet), "--contract", str(CONTRACT), "-o", str(out))
    return code, output, out


def _row(ident: str) -> int:
    return FIRST_ROW + list(ACTUALS).index(ident)


def test_bad_cells_are_exactly_the_located_problems_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    sheet = build_sheet(tmp_path / "q4.xlsx", CM02=None, CM04="31/02/2025")
    code, output, out = _import(tmp_path, sheet)
    assert code == 1
    assert not out.exists()
    problems = [line for line in output.splitlines() if " error " in line]
    assert problems == [
        f"{sheet}:Q4!F{_row('CM02')}: error PC622 the actual of CM02 is blank: enter the "
        "figure, or mark it not applicable with a reason",
        f"{sheet}:Q4!F{_row('CM04')}: error PC621 a completion date is needed (such as "
        "30/06/2025), not '31/02/2025'",
    ]


def test_the_fixed_sheet_imports_to_results_that_score(tmp_path: Path) -> None:
    sheet = build_sheet(tmp_path / "q4.xlsx", CM04="13/02/2025")
    code, output, out = _import(tmp_path, sheet)
    assert code == 0, output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert (data["contract"], data["period"]) == ("agriculture-2024-25", "annual")
    achievements = data["achievements"]
    assert achievements["CM01"] == {"actual": 4867797, "evidence": "report CM01"}
    assert str(achievements["CM04"]["actual"]) == "2025-02-13"
    assert achievements["FS01"]["actual"] == 83.7
    assert achievements["CC01"]["actual"] is True
    assert achievements["CC02"]["actual"] == 272
    assert achievements["FS02"]["status"] == "not-applicable"
    assert "actual" not in achievements["FS02"]
    assert achievements["FS02"]["reason"].startswith("A-in-A moved")
    assert f"  # Q4!A{_row('CM01')}:J{_row('CM01')}\n  CM01:" in out.read_text(encoding="utf-8")
    code, output = run("score", str(CONTRACT), "-r", str(out), "--format", "json")
    assert code == 0, output
    assert '"composite"' in output


def test_not_applicable_without_a_reason_is_located(tmp_path: Path) -> None:
    sheet = build_sheet(tmp_path / "q4.xlsx")
    book = openpyxl.load_workbook(sheet)
    book["Q4"][f"J{_row('FS02')}"] = None
    book.save(sheet)
    code, output, out = _import(tmp_path, sheet)
    assert code == 1
    assert f"{sheet}:Q4!J{_row('FS02')}: error PC622 FS02 is marked not applicable" in output
    assert not out.exists()


def test_a_sheet_for_another_contract_or_an_unknown_id_is_located(tmp_path: Path) -> None:
    sheet = build_sheet(tmp_path / "q4.xlsx")
    book = openpyxl.load_workbook(sheet)
    book["Q4"]["B2"] = "health-2024-25"
    book["Q4"][f"A{_row('CC02')}"] = "ZZ99"
    book.save(sheet)
    code, output, _ = _import(tmp_path, sheet)
    assert code == 1
    assert f"{sheet}:Q4!B2: error PC627 the sheet is for the contract health-2024-25" in output
    assert f"{sheet}:Q4!A{_row('CC02')}: error PC628 the contract agriculture-2024-25 has no " in (
        output
    )


def test_a_bad_period_is_located(tmp_path: Path) -> None:
    sheet = build_sheet(tmp_path / "q4.xlsx")
    book = openpyxl.load_workbook(sheet)
    book["Q4"]["B3"] = "Q5"
    book.save(sheet)
    code, output, _ = _import(tmp_path, sheet)
    assert code == 1
    assert f"{sheet}:Q4!B3: error PC627 the period is Q1, Q2, Q3, Q4 or annual, not 'Q5'" in output
