"""Benchmark ``pcontract import contract`` on a large matrix: it must stay under 2 s.

    python benchmarks/import_matrix.py --indicators 200 --repeat 5

Writes a matrix of ``--indicators`` rows in the agreed layout (a merged title, the
title block, five category section rows, weights in a percent-formatted column,
baselines, quarterly targets, milestones as dates, yes/no indicators), then times
the whole command in a fresh process, as a user runs it, with the runner's
alternating rounds (see run.py). Exits 1 when the median is 2 s or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402

LIMIT_SECONDS = 2.0
CATEGORIES = ["Financial Stewardship", "Service Delivery", "Core Mandate", "Cross-cutting", "Other"]


def write_matrix(path: Path, indicators: int) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["Performance Contract — Benchmark Ministry, FY 2024/2025"])
    sheet.merge_cells("A1:L1")
    for label, value in [
        ("Contract id:", "bench-2024-25"),
        ("Title:", "Performance Contract — Benchmark Ministry, FY 2024/2025"),
        ("Financial year:", "2024/2025"),
        ("Period start:", "2024-07-01"),
        ("Period end:", "2025-06-30"),
        ("Institution:", "Benchmark Ministry"),
        ("Institution category:", "ministry"),
        ("Principal title:", "Cabinet Secretary"),
        ("Agent title:", "Principal Secretary"),
    ]:
        sheet.append([label, value])
    sheet.append([])
    sheet.append(
        [
            *("Id", "Performance indicator", "Unit of measure", "Kind", "Weight (%)"),
            *("Achievement 2022/2023", "Achievement 2023/2024", "Target", "Q1", "Q2", "Q3", "Q4"),
            *("Responsible officer", "Due date"),
        ]
    )
    per = indicators // len(CATEGORIES)
    weight = 100 / len(CATEGORIES) / per
    for c, name in enumerate(CATEGORIES):
        sheet.append([f"{name} (20%)"])
        sheet.merge_cells(f"A{sheet.max_row}:N{sheet.max_row}")
        for n in range(per):
            ident = f"C{c}{n:03d}"
            if n % 10 == 3:
                row = [ident, f"Milestone {n}", "date", "milestone", weight]
                row += [None, None, dt.date(2025, 3, 31), None, None, None, None]
            elif n % 10 == 7:
                row = [ident, f"Policy {n} approved", "yes/no", "binary", weight]
                row += [None, None, "Yes", None, None, None, None]
            else:
                row = [ident, f"Indicator {n} of {name}", "number", "increase", weight]
                row += [f"{1000 + n:,}", 1100 + n, 1200 + n, 300, 600, 900, 1200 + n]
            sheet.append([*row, "Director", dt.date(2025, 6, 30)])
            sheet.cell(sheet.max_row, 5).number_format = "0.00"
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pcontract-import-bench-"))
    try:
        matrix = work / "matrix.xlsx"
        write_matrix(matrix, args.indicators)
        exe = shutil.which("pcontract") or str(Path(sys.executable).parent / "pcontract")
        out = work / "contract.yaml"
        command = [exe, "import", "contract", str(matrix), "-o", str(out), "--force"]
        results = measure({"import contract": command}, args.repeat, work)
        seconds, rss = results["import contract"]
        print(f"# import contract, {args.indicators} indicators, {args.repeat} rounds")
        print(f"median {seconds:.3f} s, peak RSS {rss} MiB (limit {LIMIT_SECONDS:.0f} s)")
        if seconds >= LIMIT_SECONDS:
            raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
