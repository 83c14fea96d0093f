"""The jsonschema-rs fast path gives the same verdict as python-jsonschema on the
whole test corpus and on edge cases, so it can decide "valid" on its own."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pcontract.checking import schema
from pcontract.files.loader import load
from tests.conftest import EXAMPLES, TESTS


def _documents() -> list[tuple[str, str, Any]]:
    found = []
    for root in (TESTS, EXAMPLES):
        for path in sorted(root.rglob("*.y*ml")):
            if not path.is_file():
                continue
            loaded = load(Path(path))
            data = loaded.data
            kind = data.get("kind") if isinstance(data, dict) else None
            if isinstance(kind, str) and kind in schema.KINDS:
                found.append((str(path.relative_to(root.parent)), data["kind"], data))
    return found


DOCUMENTS = _documents()


def _python_verdict(kind: str, data: Any) -> bool:
    return bool(schema.validator(kind).is_valid(data))


def test_the_corpus_is_large_enough_to_mean_something() -> None:
    assert len(DOCUMENTS) > 80
    assert {kind for _, kind, _ in DOCUMENTS} == set(schema.KINDS)
    verdicts = {_python_verdict(kind, data) for _, kind, data in DOCUMENTS}
    assert verdicts == {True, False}


@pytest.mark.parametrize(("name", "kind", "data"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_fast_verdict_matches_python_jsonschema(name: str, kind: str, data: Any) -> None:
    assert schema.is_valid_fast(kind, data) is _python_verdict(kind, data)


def _contract() -> dict[str, Any]:
    data = load(EXAMPLES / "moina" / "contract.yaml").data
    assert isinstance(data, dict)
    return data


EDITS = {
    "bad-date-in-period": lambda d: d["period"].update(start="2024-02-30"),
    "date-not-padded": lambda d: d["period"].update(start="2024-7-1"),
    "huge-int-weight": lambda d: d["criteria"][0]["indicators"][0].update(weight=10**30),
    "huge-int-target": lambda d: d["criteria"][0]["indicators"][0].update(target=10**30),
    "negative-zero-weight": lambda d: d["criteria"][0]["indicators"][0].update(weight=-0.0),
    "float-weight-100": lambda d: d["criteria"][0]["indicators"][0].update(weight=100.0),
    "weight-just-over-100": lambda d: d["criteria"][0]["indicators"][0].update(weight=100.0001),
    "id-64-chars": lambda d: d.update(id="a" * 64),
    "id-65-chars": lambda d: d.update(id="a" * 65),
    "id-unicode-digit": lambda d: d.update(id="٣abc"),
    "fy-unicode-digits": lambda d: d.update(financial_year="２０２４/２０２５"),
    "x-key-anything": lambda d: d.update({"x-custom": {"deep": [1, {"a": None}]}}),
    "bool-as-number": lambda d: d["criteria"][0]["indicators"][0].update(weight=True),
    "null-parent": lambda d: d.update(parent=None),
    "empty-guidelines": lambda d: d.update(guidelines=""),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_fast_verdict_matches_on_edge_cases(edit: str) -> None:
    data = copy.deepcopy(_contract())
    EDITS[edit](data)
    fast = schema.is_valid_fast("Contract", data)
    # None means "no fast verdict": python-jsonschema then decides alone.
    assert fast is None or fast is _python_verdict("Contract", data)


def test_check_falls_back_to_python_for_the_details() -> None:
    data = copy.deepcopy(_contract())
    data["status"] = "no"
    findings = schema.check("Contract", data)
    assert [(f.code, f.path) for f in findings] == [("PC104", ("status",))]


def test_a_trailing_newline_in_an_id_is_refused() -> None:
    # python-jsonschema alone would accept it: Python's `$` matches before a final
    # newline. The fast validator follows JSON Schema's regex dialect and refuses.
    data = copy.deepcopy(_contract())
    data["id"] = "abc\n"
    assert _python_verdict("Contract", data) is True
    findings = schema.check("Contract", data)
    assert [(f.code, f.path) for f in findings] == [("PC104", ("id",))]
    assert "'abc\\n' is not valid" in findings[0].message


def test_every_schema_spells_the_id_pattern_the_model_defines() -> None:
    import json
    from pathlib import Path

    from pcontract.model import ID_PATTERN

    folder = Path(__file__).parent.parent / "schemas"
    files = sorted(folder.glob("*.schema.json"))
    assert len(files) == 4
    for file in files:
        assert json.loads(file.read_text())["$defs"]["id"]["pattern"] == ID_PATTERN, file.name
