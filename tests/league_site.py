"""Site fixtures for the league page tests: two years, three categories, and
leagues built to size. Numbers worked out by hand (see tests/league_test.py):

Every contract has one increase indicator, weight 100, target 100, criteria
values excellent 120 (raw 1) and poor 60 (raw 5), so its composite is its raw
score: actual a ≥ 100 → 3 − (a − 100) / 10; a < 100 → 3 + (100 − a) / 20.
Grades: Excellent ≤ 2.40, Very Good ≤ 3.00, Good ≤ 3.60, Fair ≤ 4.00, Poor ≤ 5.00.
On the chart (worse 5 at 0 %, better 1 at 100 %) a composite c sits at (5 − c) / 4.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from tests.league_test import contract, guidelines, results, write

OFFICE: Final = (
    "Performance Management and Coordination Office, State Department for Public Service"
)
NAMES: Final = {
    "ministry": "Ministries",
    "state-corporation": "State Corporations",
    "county": "County Governments",
}

# (contract stem, institution, category, actual in 2023/2024 or None, actual in 2024/2025
# or None for no results). 2024/2025 composites:
#   Ministries: Alpha 112 → 1.8000 Excellent (1), Beta 104 → 2.6000 Very Good (2),
#     Gamma 96 → 3.2000 Good (3); 2023/2024: Beta 110 → 2.0000 (1), Alpha 100 →
#     3.0000 (2), Gamma 96 → 3.2000 (3).
#   State Corporations: Delta 100 → 3.0000 Very Good (1), Epsilon 80 → 4.0000 Fair (2);
#     no 2023/2024 contracts.
#   County Governments: Zeta 108 → 2.2000 Excellent (1), Eta 90 → 3.5000 Good (2),
#     Theta 70 → 4.5000 Poor (3), Iota no results (4, Poor); 2023/2024: Eta 108 →
#     2.2000 (1), Zeta 90 → 3.5000 (2).
INSTITUTIONS: Final = [
    ("alpha", "Ministry of Alpha Affairs", "ministry", 100, 112),
    ("beta", "Ministry of Beta Services", "ministry", 110, 104),
    ("gamma", "Ministry of Gamma Works", "ministry", 96, 96),
    ("delta", "Delta Water Services Board", "state-corporation", None, 100),
    ("epsilon", "Epsilon Ports Authority", "state-corporation", None, 80),
    ("zeta", "County Government of Zeta", "county", 90, 108),
    ("eta", "County Government of Eta", "county", 108, 90),
    ("theta", "County Government of Theta", "county", None, 70),
    ("iota", "County Government of Iota", "county", None, None),
]


def _guidelines(year: str) -> str:
    return guidelines(year, NAMES) + f"issued_by: {OFFICE}\n"


def two_year_site(folder: Path) -> Path:
    """Nine institutions in three categories in 2024/2025, five of them also in 2023/2024."""
    files = {"g-2023-24.yaml": _guidelines("2023/2024"), "g-2024-25.yaml": _guidelines("2024/2025")}
    for stem, name, category, before, now in INSTITUTIONS:
        for year, short, actual in (
            ("2023/2024", "2023-24", before),
            ("2024/2025", "2024-25", now),
        ):
            if year == "2023/2024" and before is None:
                continue
            cid = f"{stem}-{short}"
            files[f"{cid}.yaml"] = contract(cid, year, name, stem, category)
            if actual is not None:
                files[f"{cid}-r.yaml"] = results(cid, year, actual)
    return write(folder, files)


def big_league(folder: Path, count: int = 50) -> Path:
    """``count`` counties in one 2024/2025 league, actuals 70 to 119 in turn."""
    files = {"g-2024-25.yaml": _guidelines("2024/2025")}
    for i in range(count):
        cid = f"county-{i:02d}-2024-25"
        name = f"County Government of Example Number {i + 1}"
        files[f"{cid}.yaml"] = contract(cid, "2024/2025", name, f"county-{i:02d}")
        files[f"{cid}-r.yaml"] = results(cid, "2024/2025", 70 + i)
    return write(folder, files)


def one_row_categories(folder: Path, count: int = 8) -> Path:
    """``count`` categories of one institution each, in 2024/2025."""
    files = {"g-2024-25.yaml": _guidelines("2024/2025")}
    for i in range(count):
        cid = f"solo-{i}-2024-25"
        category = f"group-{i}"
        files[f"{cid}.yaml"] = contract(cid, "2024/2025", f"Institution {i + 1}", None, category)
        files[f"{cid}-r.yaml"] = results(cid, "2024/2025", 90 + i)
    return write(folder, files)
