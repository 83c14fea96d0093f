"""Evaluation stages (reported, verified, moderated) and checkable evidence,
through the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, run

MOINA = EXAMPLES / "moina"


def _indicators(*args: str) -> dict[str, dict[str, object]]:
    code, output = run("score", *args, "--format", "json")
    assert code == 0, output
    return {row["id"]: row for row in json.loads(output)["indicators"]}


def test_the_moderated_figure_is_scored_over_the_verified_one() -> None:
    rows = _indicators(str(MOINA / "contract.yaml"), "-r", str(MOINA / "results-fy2024-25.yaml"))
    cm02 = rows["CM02"]
    # Reported 880000, verified 871000, moderated 862000: the moderated one is scored.
    assert (cm02["reported"], cm02["verified"], cm02["moderated"]) == (880000, 871000, 862000)
    assert cm02["actual"] == 862000 and cm02["scored_from"] == "moderation"
    assert cm02["verification"] == {
        "actual": 871000,
        "by": "Independent verification team",
        "reason": "9000 passports in the register were reprints of spoilt books",
        "date": "2025-08-20",
        "method": "document-review",
    }
    plain = rows["CM01"]
    assert (plain["verified"], plain["moderated"], plain["scored_from"]) == (None, None, "reported")


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "moina", tmp_path / "moina")
    shutil.copytree(EXAMPLES / "guidelines", tmp_path / "guidelines")
    return tmp_path / "moina"


def test_with_only_a_verification_the_verified_figure_is_scored(tmp_path: Path) -> None:
    moina = _copy(tmp_path)
    results = moina / "results-fy2024-25.yaml"
    text = results.read_text(encoding="utf-8")
    text = text.replace(
        "  SD02: {actual: 91,",
        "  SD02:\n    verification: {actual: 85, by: Verifiers, reason: Duplicates}\n"
        "    actual: 91\n"
        "    x-was: {",
    )
    results.write_text(text, encoding="utf-8")
    row = _indicators(str(moina / "contract.yaml"), "-r", str(results))["SD02"]
    assert (row["reported"], row["verified"], row["moderated"]) == (91, 85, None)
    assert (row["actual"], row["scored_from"]) == (85, "verification")
    # SD02 (increase, target 88; poor 0.6 x 88 = 52.8 scores 5): 85 lies between 52.8 and
    # 88, so 3 + (88 - 85) / (88 - 52.8) x 2 = 3 + 6 / 35.2 = 3.17045... = 3.1705
    assert row["raw_score"] == 3.1705


def test_a_verification_without_by_or_reason_is_an_error(tmp_path: Path) -> None:
    moina = _copy(tmp_path)
    results = moina / "results-fy2024-25.yaml"
    text = results.read_text(encoding="utf-8").replace(
        "      by: Independent verification team\n      reason: 9000", "      notes: 9000"
    )
    results.write_text(text.replace("notes: 9000", "x-notes: 9000"), encoding="utf-8")
    code, output = run("validate", str(moina), "--no-cache")
    assert code == 1
    assert "PC255" in output and "does not say who verified (by:) or why (reason:)" in output


def _evidence_tree(tmp_path: Path) -> tuple[Path, Path]:
    moina = _copy(tmp_path)
    (tmp_path / ".git").mkdir()  # the repository root
    register = tmp_path / "evidence" / "passports.csv"
    register.parent.mkdir()
    register.write_text("month,issued\n2025-06,74000\n", encoding="utf-8")
    digest = hashlib.sha256(register.read_bytes()).hexdigest()
    results = moina / "results-fy2024-25.yaml"
    text = results.read_text(encoding="utf-8").replace(
        "    evidence: Immigration passport production register 2024/25\n",
        "    evidence:\n"
        f"      - {{ref: ../evidence/passports.csv, sha256: {digest}, note: Register}}\n"
        "      - {ref: 'https://example.go.ke/never-fetched.pdf'}\n",
    )
    results.write_text(text, encoding="utf-8")
    return moina, register


def test_check_evidence_passes_unchanged_files_and_reads_nothing_without_it(
    tmp_path: Path,
) -> None:
    moina, register = _evidence_tree(tmp_path)
    assert run("validate", str(moina), "--no-cache", "--check-evidence")[0] == 0
    register.unlink()
    assert run("validate", str(moina), "--no-cache")[0] == 0  # not checked, not read


def test_check_evidence_reports_a_changed_file_where_its_hash_is(tmp_path: Path) -> None:
    moina, register = _evidence_tree(tmp_path)
    cache = str(tmp_path / "cache")
    assert run("validate", str(moina), "--cache-dir", cache, "--check-evidence")[0] == 0
    register.write_text("month,issued\n2025-06,99000\n", encoding="utf-8")
    code, output = run(
        "validate", str(moina), "--cache-dir", cache, "--check-evidence", "-f", "json"
    )
    assert code == 1
    (problem,) = json.loads(output)["problems"]
    assert problem["code"] == "PC331" and problem["severity"] == "error"
    assert problem["file"].endswith("results-fy2024-25.yaml")
    # Line 14 of the results file is the entry's `- {ref: ..., sha256: ...}`.
    assert problem["line"] == 14 and str(problem["path"]).endswith("sha256")
    assert "has changed" in problem["message"] and "sha256sum" in problem["hint"]


def test_check_evidence_refuses_a_symlink_out_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    moina, register = _evidence_tree(repo)
    secret = tmp_path / "secret.csv"
    secret.write_text("outside\n", encoding="utf-8")
    register.unlink()
    register.symlink_to(secret)
    code, output = run("validate", str(moina), "--no-cache", "--check-evidence")
    assert code == 1
    assert "PC332" in output and "a symbolic link leads out" in output


def test_require_verification_warns_about_unverified_annual_figures(tmp_path: Path) -> None:
    moina = _copy(tmp_path)
    guidelines = tmp_path / "guidelines" / "kenya-pc-fy2024-25.yaml"
    guidelines.write_text(
        guidelines.read_text(encoding="utf-8") + "require_verification: true\n", encoding="utf-8"
    )
    code, output = run(
        "score",
        str(moina / "contract.yaml"),
        "-r",
        str(moina / "results-fy2024-25.yaml"),
        "--format",
        "json",
    )
    assert code == 0, output
    flagged = [w for w in json.loads(output)["warnings"] if w["code"] == "PC520"]
    ids = [w["message"].split(":")[0] for w in flagged]
    # CM02 and CM03 are verified; FS02 is not applicable; every other figure is not.
    assert "CM02" not in ids and "CM03" not in ids and "FS02" not in ids
    assert "CM01" in ids and len(ids) == 22 - 3
    assert all(w["file"].endswith("results-fy2024-25.yaml") and w["line"] for w in flagged)
