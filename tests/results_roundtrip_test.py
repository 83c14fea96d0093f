"""The reporting round trip: ``export results-template`` writes the quarter's sheet,
an officer fills it, ``import results`` turns it into a Results file that scores.

The sheet is filled here as an officer would in Excel: one actual left blank, one
indicator marked not applicable with a reason, and one completion date that is not
a date. Those two bad cells are reported at their cells and nothing is written;
once they are fixed the Results file validates and scores.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import EXAMPLES, run

MOINA = EXAMPLES / "moina" / "contract.yaml"


def _fill(template: Path, filled: Path, *, blank: str | None, bad_date: str | None) -> None:
    book = load_workbook(template)
    sheet = book.active
    assert sheet is not None
    header = next(row for row in sheet.iter_rows() if any(c.value == "Actual" for c in row))
    columns = {str(c.value): int(str(c.column)) for c in header if c.value}
    first = int(str(header[0].row))
    for row in range(first + 1, sheet.max_row + 1):
        ident = sheet.cell(row, columns["Id"]).value
        if not ident:
            continue
        planned = sheet.cell(row, columns["Quarter target"]).value
        actual = planned if planned is not None else sheet.cell(row, columns["Target"]).value
        if ident == "FS02":
            sheet.cell(row, columns["Not applicable"]).value = "Yes"
            sheet.cell(row, columns["Reason"]).value = "No verified pending bills this quarter"
            actual = None
        elif ident == blank:
            actual = None
        elif ident == bad_date:
            actual = "31/13/2025"
        sheet.cell(row, columns["Actual"]).value = actual
        sheet.cell(row, columns["Evidence"]).value = "Quarterly register"
    book.save(filled)


def test_a_filled_template_imports_with_its_bad_cells_located_then_scores(tmp_path: Path) -> None:
    template = tmp_path / "q2.xlsx"
    code, output = run(
        "export", "results-template", str(MOINA), "--period", "Q2", "-o", str(template)
    )
    assert code == 0, output
    filled = tmp_path / "q2-filled.xlsx"
    _fill(template, filled, blank="CM01", bad_date="CM04")
    results = tmp_path / "results-q2.yaml"
    args = ("import", "results", str(filled), "--contract", str(MOINA), "-o", str(results))
    code, output = run(*args)
    assert code == 1, output
    errors = [line for line in output.splitlines() if ": error PC" in line]
    assert len(errors) == 2, output
    assert errors[0].startswith(f"{filled}:Results!F7: error PC622 the actual of CM01 is blank")
    assert errors[1].startswith(f"{filled}:Results!F10: error PC621")
    assert not results.exists()

    _fill(template, filled, blank=None, bad_date=None)
    code, output = run(*args)
    assert code == 0, output
    code, output = run("validate", str(MOINA), str(results))
    assert code == 0, output
    code, output = run("score", str(MOINA), "-r", str(results), "--format", "json")
    assert code == 0, output
    assert '"period": "Q2"' in output
