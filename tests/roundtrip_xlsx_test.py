"""Export then import: ``export contract`` writes the matrix, ``import contract``
reads it back, and the contract comes back as it was.

What the agreed layout has no place for is left out of the comparison: ``x-``
extension fields (and a ``parent: null``, which is the same as no parent).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcontract.files.loader import load
from pcontract.importing.contract import import_contract
from pcontract.model import Contract
from pcontract.render.xlsx import contract_workbook, workbook_bytes
from tests.conftest import EXAMPLES, ROOT, TESTS
from tests.export_xlsx_test import contracts

# The examples, and the real OAG matrix (flat, and with its goals and sub-indicators).
CONTRACTS = sorted(
    path
    for path in [*EXAMPLES.rglob("*.yaml"), *(TESTS / "data" / "real").rglob("contract*.yaml")]
    if "kind: Contract" in path.read_text(encoding="utf-8")
)


def _comparable(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {
            key: _comparable(value)
            for key, value in raw.items()
            if not str(key).startswith("x-") and value is not None
        }
    if isinstance(raw, list):
        return [_comparable(item) for item in raw]
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float):
        # A spreadsheet holds 15 significant digits (Excel's limit): 1633476.1800000002,
        # a sum's artefact, comes back as 1633476.18.
        return float(f"{raw:.15g}")
    return raw


def _round_trip(contract: Contract, tmp_path: Path) -> dict[str, Any]:
    matrix = tmp_path / "matrix.xlsx"
    matrix.write_bytes(workbook_bytes(contract_workbook(contract)))
    imported = import_contract(matrix, str(matrix))
    assert imported.text is not None, [p.message for p in imported.problems]
    back: dict[str, Any] = yaml.safe_load(imported.text)
    return back


def test_the_examples_have_contracts_to_round_trip() -> None:
    assert len(CONTRACTS) >= 30
    # Goals among them: they come back as goals, their sub-indicators under them.
    assert any("sub_indicators:" in path.read_text(encoding="utf-8") for path in CONTRACTS)


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_contract_comes_back_from_its_matrix(path: Path, tmp_path: Path) -> None:
    contract = Contract.from_raw(load(path).data)
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _comparable(_round_trip(contract, tmp_path)) == _comparable(original)


def _with_a_goal(contract: Contract) -> Contract:
    """The contract with its first category's indicators made the sub-indicators of
    one goal (whose weight is theirs, as PC210 asks)."""
    raw = copy.deepcopy(contract.raw)
    category = raw["criteria"][0]
    members = category["indicators"]
    weight = sum(member["weight"] for member in members)
    category["indicators"] = [
        {"id": "GOAL1", "name": "A goal", "weight": weight, "sub_indicators": members}
    ]
    return Contract.from_raw(raw)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(generated=contracts(), grouped=st.booleans())
def test_a_generated_contract_comes_back_from_its_matrix(
    generated: Contract, grouped: bool, tmp_path: Path
) -> None:
    contract = _with_a_goal(generated) if grouped else generated
    back = _round_trip(contract, tmp_path)
    # A generated contract is given without the document's header.
    assert back.pop("apiVersion") == "pcontract/v1" and back.pop("kind") == "Contract"
    # A contract that gives no status is a draft (the model's default); the import
    # writes the status out.
    assert _comparable(back) == _comparable({"status": "draft", **contract.raw})
