"""``pcontract import contract``: a hand-made matrix, in the usual Kenyan layout,
becomes a Contract draft that validates; a broken cell is reported at its cell."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from pcontract.files.workbook import open_workbook
from pcontract.importing.contract import import_from
from tests.conftest import run

HEADER = [
    "S/No",
    "Performance Indicator",
    "Unit of Measure",
    "Weight (%)",
    "Achievement 2022/2023",
    "Achievement 2023/2024",
    "Target 2024/2025",
    "Responsible officer",
    "Due date",
]
# (name, unit, weight as a fraction in a percent cell, baselines, target, due)
Row = tuple[str, str, float, tuple[object, object], object, object]
CORE: list[Row] = [
    ("Farmers registered", "farmers", 0.3, (900000, "1,200,000"), 1500000, dt.date(2025, 6, 30)),
    ("Laboratory commissioned", "date", 0.2, (None, None), 45777, "30/06/2025"),  # a serial
]
SERVICE: list[Row] = [
    ("Citizens' service charter displayed", "yes/no", 0.25, (None, None), "Yes", None),
    ("Complaints resolved", "%", 0.25, (70, "75%"), "85%", None),
]


def build_matrix(path: Path, weight: str | float | None = None) -> Path:
    """The matrix: a merged title, a title block, category section rows, weights in
    a percent-formatted column; ``weight`` replaces the second indicator's weight."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Matrix"
    sheet.append(["Performance Contract — State Department for Agriculture, FY 2024/2025"])
    sheet.merge_cells("A1:I1")
    for label, value in [
        ("Contract id:", "agri-2024-25"),
        ("Financial year:", "2024/2025"),
        ("Period start:", "2024-07-01"),
        ("Period end:", "2025-06-30"),
        ("Institution:", "State Department for Agriculture"),
        ("Institution category:", "ministry"),
        ("Principal title:", "Cabinet Secretary"),
        ("Agent title:", "Principal Secretary"),
    ]:
        sheet.append([label, value])
    sheet.append([])
    sheet.append(HEADER)  # row 11
    number = 0
    for section, rows in [("Core Mandate", CORE), ("Service Delivery", SERVICE)]:
        sheet.append([section])
        sheet.merge_cells(f"A{sheet.max_row}:I{sheet.max_row}")
        for name, unit, share, (b1, b2), target, due in rows:
            number += 1
            sheet.append([number, name, unit, share, b1, b2, target, "Director", due])
            sheet.cell(sheet.max_row, 4).number_format = "0%"
    if weight is not None:
        sheet["D14"] = weight
    sheet.append([])
    sheet.append(["Signed:", "Principal Secretary"])
    book.save(path)
    return path


def _draft(tmp_path: Path, *args: str, source: Path | None = None) -> tuple[int, str, Any]:
    matrix = source or build_matrix(tmp_path / "matrix.xlsx")
    out = tmp_path / "contract.yaml"
    code, output = run("import", "contract", str(matrix), "-o", str(out), *args)
    data = yaml.safe_load(out.read_text(encoding="utf-8")) if out.exists() else None
    return code, output, data


def test_a_hand_made_matrix_imports_to_a_contract_that_validates(tmp_path: Path) -> None:
    code, output, data = _draft(tmp_path)
    assert code == 0, output
    assert data["id"] == "agri-2024-25"
    assert data["title"].startswith("Performance Contract — State Department")
    core, service = data["criteria"]
    assert (core["id"], core["name"], core["weight"]) == ("core-mandate", "Core Mandate", 50)
    assert (service["id"], service["weight"]) == ("service-delivery", 50)
    farmers, lab = core["indicators"]
    charter, complaints = service["indicators"]
    # The S/No column is not an id: ids are the category prefix and a number.
    assert [i["id"] for i in (farmers, lab, charter, complaints)] == [
        "CM01",
        "CM02",
        "SD01",
        "SD02",
    ]
    assert [i["weight"] for i in (farmers, lab, charter, complaints)] == [30, 20, 25, 25]
    assert [i["kind"] for i in (farmers, lab, charter, complaints)] == [
        "increase",
        "milestone",
        "binary",
        "increase",
    ]
    assert farmers["baseline"] == {"2022/2023": 900000, "2023/2024": 1200000}
    assert farmers["target"] == 1500000
    assert str(lab["target"]) == "2025-04-30"  # Excel serial 45777
    assert str(lab["due"]) == "2025-06-30"  # 30/06/2025
    assert charter["target"] is True
    assert complaints["baseline"] == {"2022/2023": 70, "2023/2024": 75}
    assert complaints["target"] == 85
    assert run("validate", "--no-cache", str(tmp_path / "contract.yaml"))[0] == 0
    # What the validator says of an indicator as a whole is said at its row.
    assert f"{tmp_path / 'matrix.xlsx'}:Matrix!A13: warning PC250 CM01:" in output


def test_the_draft_names_each_indicators_cells_and_quotes_little(tmp_path: Path) -> None:
    _draft(tmp_path)
    text = (tmp_path / "contract.yaml").read_text(encoding="utf-8")
    assert "      # Matrix!A13:I13\n      - id: CM01\n" in text
    assert "  # Matrix!A12\n  - id: core-mandate\n" in text
    assert "target: 2025-04-30\n" in text  # a date, unquoted
    # Only what YAML needs is quoted: a unit of '%' (a plain % would be YAML's directive).
    body = text.split("criteria:")[1].replace("Citizens' service", "")
    assert body.count("'") == 2
    assert "unit: '%'" in body


def test_a_weight_written_as_a_word_is_located_at_its_cell(tmp_path: Path) -> None:
    matrix = build_matrix(tmp_path / "matrix.xlsx", weight="ten")
    code, output, data = _draft(tmp_path, source=matrix)
    assert code == 1
    assert data is None  # nothing written
    assert (
        f"{matrix}:Matrix!D14: error PC620 a weight (a number such as 10 or 10%) is needed, "
        "not 'ten'" in output
    )


def test_weights_not_adding_to_100_are_located_in_the_matrix(tmp_path: Path) -> None:
    matrix = build_matrix(tmp_path / "matrix.xlsx", weight=0.1)
    code, output, data = _draft(tmp_path, source=matrix)
    assert code == 1
    assert data is not None  # the draft is written, for review
    problems = [line for line in output.splitlines() if " error " in line]
    assert problems
    assert all(line.startswith(f"{matrix}:Matrix!") for line in problems), output


def test_the_same_matrix_as_csv(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(build_matrix(tmp_path / "m.xlsx"))
    sheet = book["Matrix"]
    lines = []
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in row]
        lines.append(",".join(f'"{c}"' for c in cells))
    csv_text = "\n".join(lines).replace('"0.3"', '"30%"').replace('"0.2"', '"20"')
    csv_text = csv_text.replace('"0.25"', '"25%"')
    source = tmp_path / "matrix.csv"
    source.write_text(csv_text, encoding="utf-8")
    code, output, data = _draft(tmp_path, source=source)
    assert code == 0, output
    weights = [i["weight"] for c in data["criteria"] for i in c["indicators"]]
    assert weights == [30, 20, 25, 25]
    assert data["criteria"][0]["indicators"][1]["kind"] == "milestone"


def test_a_csv_cell_is_located_without_a_sheet(tmp_path: Path) -> None:
    source = tmp_path / "matrix.csv"
    source.write_text(
        "Contract id:,x\n\nCategory,Indicator,Weight,Target\nCore Mandate,Roads built,ten,10\n",
        encoding="utf-8",
    )
    code, output, _ = _draft(tmp_path, source=source)
    assert code == 1
    assert f"{source}:C4: error PC620" in output


def test_the_header_file_supplies_the_contract_fields(tmp_path: Path) -> None:
    source = tmp_path / "matrix.csv"
    source.write_text(
        "Criteria category,Performance indicator,Kind,Weight,Target\n"
        "Core Mandate,Backlog of cases,decrease,100,20\n",
        encoding="utf-8",
    )
    header = tmp_path / "header.yaml"
    header.write_text(
        "id: courts-2024-25\nfinancial_year: 2024/2025\n"
        "period: {start: 2024-07-01, end: 2025-06-30}\n"
        "institution: {name: Courts, category: ministry}\ntitle: Courts\n"
        "parties: {principal: {title: CJ}, agent: {title: Registrar}}\n",
        encoding="utf-8",
    )
    code, output, data = _draft(tmp_path, "--header", str(header), source=source)
    assert code == 0, output
    assert data["id"] == "courts-2024-25"
    assert data["criteria"][0]["indicators"][0]["kind"] == "decrease"


def test_missing_contract_fields_are_named(tmp_path: Path) -> None:
    source = tmp_path / "matrix.csv"
    source.write_text("Indicator,Weight,Target\nRoads,100,10\n", encoding="utf-8")
    code, output, data = _draft(tmp_path, source=source)
    assert code == 1
    assert data is None
    assert "error PC627 no contract id: add a 'Contract id:' row" in output
    assert "no financial year" in output


def test_a_mapping_names_other_columns_and_kinds(tmp_path: Path) -> None:
    source = tmp_path / "matrix.csv"
    source.write_text(
        "Contract id:,x-2024-25\nFinancial year:,2024/2025\nPeriod start:,2024-07-01\n"
        "Period end:,2025-06-30\nInstitution:,X\nInstitution category:,ministry\n"
        "Title:,X\nPrincipal title:,CS\nAgent title:,PS\n\n"
        "Code,KPI,Wt,Goal\nAB1,Accidents,100,5\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns: {name: KPI, weight: C, target: Goal}\nkinds: {AB1: decrease}\n",
        encoding="utf-8",
    )
    code, output, data = _draft(tmp_path, "--map", str(mapping), source=source)
    assert code == 0, output
    indicator = data["criteria"][0]["indicators"][0]
    assert (indicator["id"], indicator["kind"], indicator["weight"]) == ("AB1", "decrease", 100)


def test_it_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    assert _draft(tmp_path)[0] == 0
    code, output, _ = _draft(tmp_path)
    assert code == 1
    assert "--force" in output
    assert _draft(tmp_path, "--force")[0] == 0


def test_it_never_writes_over_its_input(tmp_path: Path) -> None:
    matrix = build_matrix(tmp_path / "matrix.xlsx")
    before = matrix.read_bytes()
    code, _ = run("import", "contract", str(matrix), "-o", str(matrix), "--force")
    assert code == 1
    assert matrix.read_bytes() == before


@pytest.mark.parametrize("cell_value", ["=1/0"])
def test_an_error_cell_is_located(tmp_path: Path, cell_value: str) -> None:
    # A formula saved by openpyxl has no cached value: a located problem.
    matrix = build_matrix(tmp_path / "matrix.xlsx", weight=cell_value)
    code, output, _ = _draft(tmp_path, source=matrix)
    assert code == 1
    assert f"{matrix}:Matrix!D14: error PC623 the formula =1/0 has no saved value" in output


def test_a_div0_error_value_is_located(tmp_path: Path) -> None:
    matrix = build_matrix(tmp_path / "matrix.xlsx")
    book = open_workbook(matrix)
    sheet = book.sheet()
    row = sheet.rows[13]
    from dataclasses import replace

    row[3] = replace(row[3], value=None, error="the cell holds the error #DIV/0!")
    imported = import_from(book)
    assert [(p.cell, p.code, p.message) for p in imported.problems] == [
        ("Matrix!D14", "PC623", "the cell holds the error #DIV/0!")
    ]


def test_a_problem_keeps_its_cell_in_json(tmp_path: Path) -> None:
    matrix = build_matrix(tmp_path / "matrix.xlsx", weight="ten")
    imported = import_from(open_workbook(matrix))
    (found,) = imported.problems
    assert json.loads(json.dumps(found.as_dict()))["cell"] == "Matrix!D14"
    assert (found.line, found.column) == (14, 4)


def test_every_validate_format_shows_the_cell(tmp_path: Path) -> None:
    import io

    from pcontract.checking.checker import Report
    from pcontract.render.reporters import REPORTERS

    matrix = build_matrix(tmp_path / "matrix.xlsx", weight="ten")
    report = Report([], import_from(open_workbook(matrix), draft_name="c.yaml").problems)
    shown = {}
    for name, reporter in REPORTERS.items():
        out = io.StringIO()
        reporter().report(report, out)
        shown[name] = out.getvalue()
    assert "  Matrix!D14 error   PC620  a weight" in shown["text"]
    assert json.loads(shown["json"])["problems"][0]["cell"] == "Matrix!D14"
    assert ",line=14,col=4," in shown["github"]
    result = json.loads(shown["sarif"])["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 14,
        "startColumn": 4,
    }
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "Matrix!D14"


def test_through_the_installed_command(tmp_path: Path) -> None:
    """The acceptance, as an officer runs it: the installed ``pcontract``."""
    import subprocess
    import sys

    pcontract = str(Path(sys.executable).parent / "pcontract")
    matrix = build_matrix(tmp_path / "matrix.xlsx")
    out = tmp_path / "contract.yaml"
    done = subprocess.run(
        [pcontract, "import", "contract", str(matrix), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"wrote {out}\n"), done.stderr
    checked = subprocess.run(
        [pcontract, "validate", "--no-cache", str(out)], capture_output=True, check=False
    )
    assert checked.returncode == 0
    broken = build_matrix(tmp_path / "broken.xlsx", weight="ten")
    done = subprocess.run(
        [pcontract, "import", "contract", str(broken), "-o", str(tmp_path / "b.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"{broken}:Matrix!D14: error PC620 a weight (a number such as 10 or 10%) is needed, "
        "not 'ten'"
    )
    assert "Traceback" not in done.stderr
