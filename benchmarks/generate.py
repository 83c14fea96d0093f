"""Generate a synthetic national tree of valid contracts and annual results.

    python benchmarks/generate.py OUT --institutions 100 --departments 4 \
        --officers 2 --indicators 40

Each institution gets a contract; each department a contract cascaded from it;
each officer one cascaded from the department. Every contract gets annual
Results. Files: 1 + I * (1 + D * (1 + O)) contracts, as many results.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

KINDS = ("increase", "increase", "increase", "decrease", "milestone", "binary")
CATEGORIES = ("ministry", "state-corporation", "county", "tertiary")
GUIDELINES = """apiVersion: pcontract/v1
kind: Guidelines
id: bench-fy2024-25
financial_year: 2024/2025
method: five-point
scale: {best: 1.0, target: 3.0, worst: 5.0}
grades:
  - {grade: Excellent, max: 2.40}
  - {grade: Very Good, max: 3.00}
  - {grade: Good, max: 3.60}
  - {grade: Fair, max: 4.00}
  - {grade: Poor, max: 5.00}
"""


def weights(count: int) -> list[int]:
    """Whole-number weights adding up to 100 (count <= 100)."""
    base, extra = divmod(100, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def target(kind: str, rng: random.Random) -> str:
    if kind == "increase":
        return str(rng.randrange(100, 1_000_000))
    if kind == "decrease":
        return str(rng.randrange(5, 60))
    if kind == "milestone":
        return f"2025-0{rng.randrange(1, 6)}-{rng.randrange(10, 28)}"
    return "true"


def actual(kind: str, value: str, rng: random.Random) -> str:
    if kind in ("increase", "decrease"):
        return str(round(int(value) * rng.uniform(0.7, 1.3)))
    if kind == "milestone":
        return f"2025-0{rng.randrange(1, 7)}-{rng.randrange(10, 28)}"
    return rng.choice(("true", "false"))


def contract(
    cid: str, parent: str | None, category: str, specs: list[tuple[str, str, str]], depth: int
) -> str:
    ws = weights(len(specs))
    up = "../" * depth
    lines = [
        "apiVersion: pcontract/v1",
        "kind: Contract",
        f"id: {cid}",
        f"title: Performance Contract {cid}",
        "financial_year: 2024/2025",
        "period: {start: 2024-07-01, end: 2025-06-30}",
        f"institution: {{name: Institution {cid}, category: {category}}}",
        "parties:",
        "  principal: {title: Principal, name: P}",
        "  agent: {title: Agent, name: A}",
        f"parent: {parent or 'null'}",
        "status: signed",
        f"guidelines: {up}guidelines.yaml",
        "criteria:",
        "  - id: core-mandate",
        "    name: Core Mandate",
        "    weight: 100",
        "    indicators:",
    ]
    for (iid, kind, value), weight in zip(specs, ws, strict=True):
        lines += [
            f"      - id: {iid}",
            f"        name: Indicator {iid} of {cid}",
            "        unit: units",
            f"        weight: {weight}",
            f"        kind: {kind}",
        ]
        if kind in ("increase", "decrease"):
            lines.append(f"        baseline: {{2022/2023: {value}, 2023/2024: {value}}}")
            # Children copy their parent's figure, so a mean rolls up to it; it also
            # says how the figure accumulates (a level), as validate asks (PC250).
            lines.append("        aggregation: mean")
        lines += [
            f"        target: {value}",
            "        owner: Director of Planning",
            "        due: 2025-06-30",
            "        alignment: [vision2030:political, sdg:16.9]",
        ]
        if parent:
            lines.append(f"        cascaded_from: {{contract: {parent}, indicator: {iid}}}")
    return "\n".join(lines) + "\n"


def annual(cid: str, specs: list[tuple[str, str, str]], rng: random.Random) -> str:
    lines = [
        "apiVersion: pcontract/v1",
        "kind: Results",
        f"contract: {cid}",
        "period: annual",
        "as_of: 2025-06-30",
        "achievements:",
    ]
    for iid, kind, value in specs:
        lines.append(f"  {iid}: {{actual: {actual(kind, value, rng)}, evidence: Annual report}}")
    return "\n".join(lines) + "\n"


def generate(
    out: Path,
    institutions: int,
    departments: int,
    officers: int,
    indicators: int,
    results: bool = True,
) -> int:
    rng = random.Random(2024)
    out.mkdir(parents=True, exist_ok=True)
    (out / "guidelines.yaml").write_text(GUIDELINES)
    written = 1

    def emit(folder: Path, cid: str, parent: str | None, category: str, depth: int) -> None:
        nonlocal written
        specs = []
        for n in range(indicators):
            kind = KINDS[n % len(KINDS)]
            specs.append((f"I{n:03d}", kind, target(kind, rng)))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{cid}.yaml").write_text(contract(cid, parent, category, specs, depth))
        written += 1
        if results:
            (folder / f"{cid}-results.yaml").write_text(annual(cid, specs, rng))
            written += 1

    for i in range(institutions):
        inst = f"inst{i:04d}"
        emit(out / inst, inst, None, CATEGORIES[i % len(CATEGORIES)], 1)
        for d in range(departments):
            dept = f"{inst}-d{d:02d}"
            emit(out / inst / dept, dept, inst, "department", 2)
            for o in range(officers):
                emit(out / inst / dept / "officers", f"{dept}-o{o:02d}", dept, "individual", 3)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--departments", type=int, default=4)
    parser.add_argument("--officers", type=int, default=0)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--no-results", action="store_true", help="contracts only")
    args = parser.parse_args()
    count = generate(
        args.out,
        args.institutions,
        args.departments,
        args.officers,
        args.indicators,
        results=not args.no_results,
    )
    print(f"wrote {count} files under {args.out}")


if __name__ == "__main__":
    main()
