"""Cascading a contract into drafts, and the cross-file cascade rules."""

from __future__ import annotations

import os
import shutil
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pcontract.cascade import drafts as drafts_module
from pcontract.cascade.drafts import Draft, emit_yaml, plan_cascade, rescale_weights, write_drafts
from pcontract.checking.checker import Report, check_paths
from pcontract.errors import InputError, PcontractError, WriteRefused
from pcontract.files import loader
from pcontract.model import CascadePlan, Contract, build
from pcontract.scoring.evaluation import cascade_drafts, load_for_cascade

GUIDELINES = """\
apiVersion: pcontract/v1
kind: Guidelines
id: kenya-pc-fy2024-25
financial_year: 2024/2025
method: five-point
grades:
  - {grade: Excellent, max: 2.40}
  - {grade: Very Good, max: 3.00}
  - {grade: Good, max: 3.60}
  - {grade: Fair, max: 4.00}
  - {grade: Poor, max: 5.00}
"""

MINISTRY = """\
apiVersion: pcontract/v1
kind: Contract
id: moina-2024-25
title: Performance Contract — Ministry of Interior and National Administration
financial_year: 2024/2025
period: {start: 2024-07-01, end: 2025-06-30}
institution:
  name: Ministry of Interior and National Administration
  category: ministry
parties:
  principal: {title: President, name: William Ruto}
  agent: {title: Cabinet Secretary, name: Kithure Kindiki}
parent: null
status: signed
guidelines: ../guidelines/fy2024-25.yaml
criteria:
  - id: core-mandate
    name: Core Mandate
    weight: 40
    indicators:
      - id: CM01
        name: National identity cards issued
        unit: cards
        weight: 40
        kind: increase
        baseline: {2022/2023: 420000, 2023/2024: 480000}
        target: 500000
        criteria_values: {excellent: 600000, poor: 300000}
        quarterly_targets: [125000, 250000, 375000, 500000]
        owner: Director, National Registration Bureau
        due: 2025-06-30
        aggregation: sum
        alignment: [vision2030:political, sdg:16.9]
  - id: service-delivery
    name: Service Delivery
    weight: 15
    indicators:
      - id: SD01
        name: Average days to issue a passport
        unit: days
        weight: 15
        kind: decrease
        baseline: {2023/2024: 14}
        target: 10
        quarterly_targets: [13, 12, 11, 10]
        aggregation: max
  - id: cross-cutting
    name: Cross-cutting Issues
    weight: 45
    indicators:
      - id: CC01
        name: Corruption risk assessment done
        weight: 45
        kind: binary
        target: true
"""

PLAN = """\
apiVersion: pcontract/v1
kind: CascadePlan
parent: moina-2024-25
units:
  - id: a
    name: National Registration Bureau
    agent: {title: Director, name: Jane Wanjiku}
    indicators:
      CM01: {share: 60%}
      SD01: {copy: true}
  - id: b
    name: Department of Immigration Services
    indicators:
      CM01: {amount: 200000}
      CC01: {copy: true}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path) -> dict[str, Any]:
    loaded = loader.load(path)
    assert loaded.problem is None, loaded.problem
    data: dict[str, Any] = loaded.data
    return data


def contract_at(path: Path) -> Contract:
    document = build("Contract", read(path))
    assert isinstance(document, Contract)
    return document


def plan_of(text: str) -> CascadePlan:
    loaded = loader.load_bytes(text.encode(), "plan.yaml")
    assert loaded.problem is None, loaded.problem
    document = build("CascadePlan", loaded.data)
    assert isinstance(document, CascadePlan)
    return document


def indicators(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for c in data["criteria"] for i in c["indicators"]}


def errors(report: Report) -> list[str]:
    return [f"{p.file}: {p.code} {p.message}" for p in report.problems if p.is_error]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path / "guidelines" / "fy2024-25.yaml", GUIDELINES)
    write(tmp_path / "contracts" / "ministry.yaml", MINISTRY)
    write(tmp_path / "plans" / "units.yaml", PLAN)
    return tmp_path


def cascade(tree: Path, plan: str = PLAN, out: str = "contracts/departments") -> list[Draft]:
    parent = tree / "contracts" / "ministry.yaml"
    return plan_cascade(
        contract_at(parent), parent, plan_of(plan), tree / out, plan_file=Path("units.yaml")
    )


# -- the acceptance story ----------------------------------------------------------


def test_cascade_writes_one_draft_per_unit(tree: Path) -> None:
    drafts = cascade(tree)
    out = tree / "contracts" / "departments"
    assert [(d.unit_id, d.contract_id, d.path, d.exists) for d in drafts] == [
        ("a", "moina-2024-25-a", out / "moina-2024-25-a.yaml", False),
        ("b", "moina-2024-25-b", out / "moina-2024-25-b.yaml", False),
    ]
    assert drafts[0].indicators == (
        ("CM01", 300000, Decimal("72.73")),
        ("SD01", 10, Decimal("27.27")),
    )
    assert drafts[1].indicators == (
        ("CM01", 200000, Decimal("47.06")),
        ("CC01", True, Decimal("52.94")),
    )
    assert write_drafts(drafts, force=False) == [d.path for d in drafts]

    a, b = (read(d.path) for d in drafts)
    for data in (a, b):
        assert data["parent"] == "moina-2024-25"
        assert data["status"] == "draft"
        assert data["financial_year"] == "2024/2025"
        assert data["period"] == {"start": "2024-07-01", "end": "2025-06-30"}
        assert data["guidelines"] == "../../guidelines/fy2024-25.yaml"
        weights = [Decimal(str(i["weight"])) for i in indicators(data).values()]
        assert sum(weights) == 100
    cm01_a, cm01_b = indicators(a)["CM01"], indicators(b)["CM01"]
    assert cm01_a["target"] == 300000 and isinstance(cm01_a["target"], int)
    assert cm01_b["target"] == 200000
    assert cm01_a["cascaded_from"] == {"contract": "moina-2024-25", "indicator": "CM01"}
    # A split target drops the parent's criteria values and quarterly targets ...
    assert "criteria_values" not in cm01_a and "quarterly_targets" not in cm01_a
    # ... a copied one keeps them.
    assert indicators(a)["SD01"]["quarterly_targets"] == [13, 12, 11, 10]
    assert [c["id"] for c in a["criteria"]] == ["core-mandate", "service-delivery"]
    assert [c["weight"] for c in b["criteria"]] == [47.06, 52.94]
    assert a["institution"] == {"name": "National Registration Bureau", "category": "department"}
    assert a["parties"] == {
        "principal": {"title": "Cabinet Secretary", "name": "Kithure Kindiki"},
        "agent": {"title": "Director", "name": "Jane Wanjiku"},
    }
    assert b["parties"]["agent"] == {"title": "Head, Department of Immigration Services"}
    assert b["title"] == "Performance Contract — Department of Immigration Services"


def test_draft_text_reads_like_a_person_wrote_it(tree: Path) -> None:
    text = cascade(tree)[0].text
    assert text == (
        "# Draft cascaded from moina-2024-25 (ministry.yaml) by pcontract cascade with plan "
        "units.yaml. Edit targets, then set status.\n"
        """\
apiVersion: pcontract/v1
kind: Contract
id: moina-2024-25-a
title: Performance Contract — National Registration Bureau
financial_year: 2024/2025
period: {start: 2024-07-01, end: 2025-06-30}
institution:
  name: National Registration Bureau
  category: department
parties:
  principal: {title: Cabinet Secretary, name: Kithure Kindiki}
  agent: {title: Director, name: Jane Wanjiku}
parent: moina-2024-25
status: draft
guidelines: ../../guidelines/fy2024-25.yaml
criteria:
  - id: core-mandate
    name: Core Mandate
    weight: 72.73
    indicators:
      - id: CM01
        name: National identity cards issued
        unit: cards
        weight: 72.73
        kind: increase
        baseline: {2022/2023: 252000, 2023/2024: 288000}
        target: 300000
        owner: Director, National Registration Bureau
        due: 2025-06-30
        aggregation: sum
        alignment: [vision2030:political, sdg:16.9]
        cascaded_from: {contract: moina-2024-25, indicator: CM01}
  - id: service-delivery
    name: Service Delivery
    weight: 27.27
    indicators:
      - id: SD01
        name: Average days to issue a passport
        unit: days
        weight: 27.27
        kind: decrease
        baseline: {2023/2024: 14}
        target: 10
        quarterly_targets: [13, 12, 11, 10]
        aggregation: max
        cascaded_from: {contract: moina-2024-25, indicator: SD01}
"""
    )


def test_the_whole_tree_validates(tree: Path) -> None:
    write_drafts(cascade(tree), force=False)
    report = check_paths([str(tree)])
    assert errors(report) == []
    # The parent's whole-ministry baseline sits beside a unit's share: a vetting
    # warning for the planner to resolve, not an error.
    assert {p.code for p in report.problems} <= {"PC401"}


def test_editing_a_split_target_breaks_the_sum(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drafts = cascade(tree)
    write_drafts(drafts, force=False)
    edited = drafts[0].path
    edited.write_text(edited.read_text().replace("target: 300000", "target: 350000"))
    monkeypatch.chdir(tree / "contracts")
    report = check_paths(["."])
    assert errors(report) == [
        "ministry.yaml: PC310 CM01: children's targets add up to 550000, not the parent's "
        "target 500000 (departments/moina-2024-25-a.yaml: 350000, "
        "departments/moina-2024-25-b.yaml: 200000)"
    ]
    (problem,) = [p for p in report.problems if p.code == "PC310"]
    assert (problem.line, problem.column) == (27, 17)  # CM01's target in ministry.yaml
    assert (
        problem.hint == "the children are 50000 over the target; change their targets or this one"
    )


def test_writing_again_needs_force(tree: Path) -> None:
    drafts = cascade(tree)
    write_drafts(drafts, force=False)
    edited = drafts[0].path
    edited.write_text("# my edits\n")

    again = cascade(tree)
    assert [d.exists for d in again] == [True, True]
    with pytest.raises(WriteRefused) as refused:
        write_drafts(again, force=False)
    assert str(refused.value) == (
        f"2 files exist already: {drafts[0].path}, {drafts[1].path}; use --force to overwrite"
    )
    assert edited.read_text() == "# my edits\n"

    assert write_drafts(again, force=True) == [d.path for d in again]
    assert edited.read_text(encoding="utf-8") == again[0].text
    assert not [p for p in edited.parent.iterdir() if p.name.startswith(".")]  # no temp files


def test_nothing_is_written_when_one_file_exists(tree: Path) -> None:
    drafts = cascade(tree)
    write(drafts[1].path, "# taken\n")
    with pytest.raises(WriteRefused, match="1 file exists already"):
        write_drafts(drafts, force=False)
    assert not drafts[0].path.exists()


def test_a_unit_id_cannot_escape_the_output_folder(tree: Path) -> None:
    before = sorted(tree.rglob("*"))
    plan = PLAN.replace("id: a\n", "id: ../../../escaped\n").replace(
        "units:\n", "id_pattern: '{unit}'\nunits:\n"
    )
    with pytest.raises(PcontractError) as refused:
        cascade(tree, plan)
    assert str(refused.value) == (
        "unit id '../../../escaped' is not a valid id (a letter or digit, then letters, "
        "digits, '.', '_' or '-'), and its file would leave the output folder"
    )
    assert sorted(tree.rglob("*")) == before
    assert not (tree.parent / "escaped.yaml").exists()


@pytest.mark.parametrize("unit", ["/etc/passwd", "a/b", "a\\b", ".hidden"])
def test_unit_ids_that_are_paths_are_refused(tree: Path, unit: str) -> None:
    plan = PLAN.replace("id: a\n", f"id: '{unit}'\n")
    with pytest.raises(PcontractError, match="is not a valid id"):
        cascade(tree, plan)


def test_a_link_in_a_drafts_place_is_never_written_through(tree: Path) -> None:
    drafts = cascade(tree)
    victim = write(tree / "victim.yaml", "keep me\n")
    drafts[0].path.parent.mkdir(parents=True)
    drafts[0].path.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(WriteRefused, match="symbolic link"):
            write_drafts(cascade(tree), force=force)
    assert victim.read_text() == "keep me\n"
    assert not drafts[1].path.exists()


def test_three_levels_validate(tree: Path) -> None:
    """Ministry -> department -> officer."""
    departments = cascade(tree)
    write_drafts(departments, force=False)
    department = departments[0].path
    officers = """\
apiVersion: pcontract/v1
kind: CascadePlan
parent: moina-2024-25-a
units:
  - id: wanjiru
    name: Registration Officer, Nairobi
    category: individual
    indicators:
      CM01: {share: 55%}
      SD01: {copy: true}
  - id: otieno
    name: Registration Officer, Kisumu
    category: individual
    indicators:
      CM01: {share: 45%, owner: 'Registration Officer, Kisumu'}
"""
    drafts = plan_cascade(
        contract_at(department), department, plan_of(officers), tree / "contracts" / "officers"
    )
    assert [d.indicators for d in drafts] == [
        (("CM01", 165000, Decimal("72.73")), ("SD01", 10, Decimal("27.27"))),
        (("CM01", 135000, Decimal("100.00")),),
    ]
    write_drafts(drafts, force=False)
    officer = read(drafts[1].path)
    assert officer["parent"] == "moina-2024-25-a"
    assert officer["guidelines"] == "../../guidelines/fy2024-25.yaml"
    assert indicators(officer)["CM01"]["owner"] == "Registration Officer, Kisumu"
    assert indicators(officer)["CM01"]["cascaded_from"] == {
        "contract": "moina-2024-25-a",
        "indicator": "CM01",
    }
    assert errors(check_paths([str(tree)])) == []


def test_output_is_byte_identical_on_a_rerun(tree: Path) -> None:
    first = cascade(tree)
    write_drafts(first, force=False)
    second = cascade(tree)
    assert [d.text for d in second] == [d.text for d in first]
    assert [d.path.read_bytes() for d in first] == [d.text.encode() for d in second]


def test_drafts_read_back_to_what_was_built(tree: Path) -> None:
    for draft in cascade(tree):
        data = read(write(draft.path, draft.text))
        assert emit_yaml(data) == draft.text.split("\n", 1)[1]


# -- plan errors -------------------------------------------------------------------


def refusal(tree: Path, plan: str) -> str:
    with pytest.raises(PcontractError) as refused:
        cascade(tree, plan)
    assert not (tree / "contracts" / "departments").exists()
    return str(refused.value)


def test_a_share_of_a_binary_indicator_is_refused(tree: Path) -> None:
    plan = PLAN.replace("CC01: {copy: true}", "CC01: {share: 50%}")
    assert refusal(tree, plan) == (
        "unit 'b', indicator CC01: a share splits an additive target, but CC01 is a binary "
        "indicator"
    )


def test_a_share_of_a_non_additive_indicator_is_refused(tree: Path) -> None:
    plan = PLAN.replace("SD01: {copy: true}", "SD01: {share: 50%}")
    assert refusal(tree, plan) == (
        "unit 'a', indicator SD01: a share splits an additive target, but SD01 is aggregated "
        "by 'max', not 'sum'"
    )


def test_an_unknown_indicator_names_unit_and_indicator(tree: Path) -> None:
    plan = PLAN.replace("CC01: {copy: true}", "CC09: {copy: true}")
    assert refusal(tree, plan) == "unit 'b': contract 'moina-2024-25' has no indicator 'CC09'"


def test_a_plan_for_another_contract_is_refused(tree: Path) -> None:
    plan = PLAN.replace("parent: moina-2024-25", "parent: moh-2024-25")
    assert refusal(tree, plan) == "the plan is for contract 'moh-2024-25', not 'moina-2024-25'"


def test_an_amount_of_the_wrong_type_is_refused(tree: Path) -> None:
    plan = PLAN.replace("CM01: {amount: 200000}", "CM01: {amount: '2025-06-30'}")
    assert refusal(tree, plan) == (
        "unit 'b', indicator CM01: the amount must be a number for increase indicators, "
        "not '2025-06-30'"
    )


def test_weight_overrides_win_and_the_rest_is_shared(tree: Path) -> None:
    plan = PLAN.replace("CC01: {copy: true}", "CC01: {copy: true, weight: 30}")
    assert cascade(tree, plan)[1].indicators == (
        ("CM01", 200000, Decimal("70.00")),
        ("CC01", True, Decimal("30.00")),
    )


def test_weight_overrides_over_100_are_refused(tree: Path) -> None:
    plan = PLAN.replace("CM01: {share: 60%}", "CM01: {share: 60%, weight: 80}").replace(
        "SD01: {copy: true}", "SD01: {copy: true, weight: 30}"
    )
    assert refusal(tree, plan) == "unit 'a': the weights set in the plan add up to 110, over 100"


def test_two_units_cannot_share_a_file(tree: Path) -> None:
    # Case-folded: on macOS and Windows these would be one file.
    plan = PLAN.replace("id: b\n", "id: A\n")
    out = tree / "contracts" / "departments"
    assert refusal(tree, plan) == (
        f"units 'a' and 'A' would both write {out / 'moina-2024-25-A.yaml'}"
    )


def test_a_draft_never_replaces_the_parent_contract(tree: Path) -> None:
    plan = PLAN.replace("id: a\n", "id: ministry\n").replace(
        "units:\n", "id_pattern: '{unit}'\nunits:\n"
    )
    with pytest.raises(PcontractError) as refused:
        cascade(tree, plan, out="contracts")
    assert str(refused.value) == (
        f"unit 'ministry' would overwrite an input: {tree / 'contracts' / 'ministry.yaml'}; "
        "an input is never overwritten (even with --force): choose another --out, or another "
        "unit id or id_pattern"
    )
    assert (tree / "contracts" / "ministry.yaml").read_text(encoding="utf-8") == MINISTRY


def test_new_files_get_the_usual_permissions(tree: Path) -> None:
    umask = os.umask(0o022)
    try:
        (path,) = write_drafts(cascade(tree)[:1])
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


def test_the_output_folder_can_be_the_parents_own(tree: Path) -> None:
    drafts = cascade(tree, out="contracts")
    assert drafts[0].path == tree / "contracts" / "moina-2024-25-a.yaml"
    assert "guidelines: ../guidelines/fy2024-25.yaml\n" in drafts[0].text


# -- weights -----------------------------------------------------------------------


def test_largest_remainder_weights() -> None:
    assert rescale_weights([Decimal(40), Decimal(15)]) == [Decimal("72.73"), Decimal("27.27")]
    # Three equal thirds: the earliest gets the spare cent, so reruns agree.
    assert rescale_weights([Decimal(1)] * 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert rescale_weights([Decimal(10)], Decimal("45.5")) == [Decimal("45.50")]


weights = st.lists(
    st.decimals(min_value=Decimal("0.01"), max_value=100, places=2), min_size=1, max_size=40
)


@given(weights)
def test_rescaled_weights_add_up_to_exactly_100(parent: list[Decimal]) -> None:
    rescaled = rescale_weights(parent)
    assert sum(rescaled) == 100
    whole = sum(parent)
    for original, weight in zip(parent, rescaled, strict=True):
        assert weight == weight.quantize(Decimal("0.01"))
        exact = Fraction(original) * 100 / Fraction(whole)
        assert abs(Fraction(weight) - exact) < Fraction(1, 100)


# -- YAML output -------------------------------------------------------------------


def test_strings_that_look_like_other_things_stay_strings() -> None:
    document = {
        "a": ["no", "2024/2025", "1e3", "0o17", "1_000", "12:30", "null", "", "~", "True"],
        "b": ["x: y", "#tag", "- item", "it's", "tab\there", "line\nbreak", "<<", " pad"],
        "c": {"2022/2023": 1, "yes": "2024-07-01", "d": 1.5, "e": None, "f": False},
    }
    text = emit_yaml(document)
    loaded = loader.load_bytes(text.encode(), "x.yaml")
    assert loaded.problem is None
    assert loaded.data == document
    assert "  yes: 2024-07-01\n" not in text  # a YAML 1.1 boolean as a key is quoted
    assert "'yes': 2024-07-01\n" in text  # dates stay unquoted


# Any text a UTF-8 file can hold (no lone surrogates).
plain_text = st.text(st.characters(codec="utf-8"), max_size=20)
scalars = st.one_of(
    plain_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    # Floats within the numeric policy (pcontract.files.numbers): the loader refuses others.
    st.decimals(min_value=-(10**15), max_value=10**15, places=6).map(float),
    st.booleans(),
    st.none(),
)


@given(
    st.dictionaries(
        plain_text,
        st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(plain_text, scalars)),
        max_size=6,
    )
)
def test_any_data_reads_back_the_same(document: dict[str, Any]) -> None:
    text = emit_yaml(document)
    loaded = loader.load_bytes(text.encode(), "x.yaml")
    assert loaded.problem is None, (text, loaded.problem)
    assert loaded.data == document


# Keys that the emitter writes on one line when it can, among any text.
keys = st.one_of(st.sampled_from(sorted(drafts_module.FLOW_KEYS)), plain_text)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=30,
)


@given(st.dictionaries(keys, nested, max_size=6))
def test_any_nesting_reads_back_the_same(document: dict[str, Any]) -> None:
    """A draft is never read back whole: its layout must read back as its data
    whatever the nesting, with mappings and lists of scalars on one line or not."""
    text = emit_yaml(document)
    loaded = loader.load_bytes(text.encode(), "x.yaml")
    assert loaded.problem is None, (text, loaded.problem)
    assert loaded.data == document
    assert [type(v) for v in _scalars_of(loaded.data)] == [type(v) for v in _scalars_of(document)]


def _scalars_of(value: object) -> list[object]:
    """Every key and scalar in ``value``, in order: 1 and True are equal, not the same."""
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in (k, *_scalars_of(v))]
    if isinstance(value, list):
        return [x for item in value for x in _scalars_of(item)]
    return [value]


def test_text_that_would_not_read_back_is_never_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each text is read back once where it stands (a value, a key, on one line or
    not): an emitter that wrote "true" plain would be caught before any file is."""
    caches: tuple[Any, ...] = (drafts_module._string, drafts_module._key)
    caches += (drafts_module._flow_text, drafts_module._text_head)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(drafts_module, "_plain", lambda text, flow: True)
    try:
        documents = ({"a": "true"}, {"a: b": 1}, {"period": ["x", "a: b"]}, {"agent": {"#c": 1}})
        for document in documents:
            with pytest.raises(RuntimeError, match="does not read back"):
                emit_yaml(document)
    finally:
        for cache in caches:
            cache.cache_clear()


def test_numbers_pcontract_cannot_read_back_are_refused() -> None:
    for document in ({"a": 10**16}, {"a": -(10**16)}, {"a": 0.1234567}, {"period": [1e16]}):
        with pytest.raises(PcontractError, match="cannot write the number"):
            emit_yaml(document)
    assert emit_yaml({"a": 10**15, "b": -(10**15), "c": 0.000001}) == (
        "a: 1000000000000000\nb: -1000000000000000\nc: 1e-06\n"
    )


def test_the_emitter_writes_only_text_keys_and_stops_at_the_first_bad_value() -> None:
    """pcontract reads every key as text: a key that is not (0.0, 1, None) would
    read back as another, so it is refused, in a block or on one line. Text
    that marks a document's bounds at the start of a line is quoted there, and
    only there. In a collection that could go on one line the first value that
    cannot be written is the one reported."""
    for document in ({0.0: 1}, {-0.0: 1}, {"x-a": {1: "a"}}, {"agent": {None: "b"}}):
        with pytest.raises(TypeError, match="keys must be text"):
            emit_yaml(cast(dict[str, Any], document))
    assert emit_yaml({"... x": 1, "x-a": {"... x": 2, "...": 3}, "...z": 4}) == (
        "'... x': 1\nx-a:\n  ... x: 2\n  ...: 3\n...z: 4\n"
    )
    with pytest.raises(TypeError, match="tuple"):
        emit_yaml({"alignment": ["x", [1, (2,)], float("nan")]})
    with pytest.raises(PcontractError, match="finite"):
        emit_yaml({"alignment": ["x", float("nan"), [1, (2,)]]})


# -- the cascade rules, one by one -------------------------------------------------


@pytest.fixture
def cascaded(tree: Path) -> Path:
    """The tree with both drafts written; it validates."""
    write_drafts(cascade(tree), force=False)
    return tree / "contracts" / "departments" / "moina-2024-25-a.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def findings(tree: Path, code: str) -> list[tuple[str, int, int, str]]:
    report = check_paths([str(tree)])
    return [
        (os.path.relpath(p.file, tree), p.line, p.column, p.message)
        for p in report.problems
        if p.code == code
    ]


def test_pc311_cascaded_from_names_an_unknown_indicator(tree: Path, cascaded: Path) -> None:
    edit(cascaded, "indicator: SD01}", "indicator: SD09}")
    assert findings(tree, "PC311") == [
        (
            "contracts/departments/moina-2024-25-a.yaml",
            47,
            61,
            "SD01 is cascaded from indicator 'SD09', which parent contract 'moina-2024-25' "
            "does not have",
        )
    ]


def test_pc311_cascaded_from_names_another_contract(tree: Path, cascaded: Path) -> None:
    edit(cascaded, "{contract: moina-2024-25, indicator: SD01}", "{contract: moh, indicator: SD01}")
    assert findings(tree, "PC311") == [
        (
            "contracts/departments/moina-2024-25-a.yaml",
            47,
            35,
            "SD01 is cascaded from contract 'moh', but this contract's parent is 'moina-2024-25'",
        )
    ]


def test_pc312_a_cascaded_indicator_keeps_its_kind(tree: Path, cascaded: Path) -> None:
    edit(cascaded, "kind: decrease", "kind: increase")
    assert findings(tree, "PC312") == [
        (
            "contracts/departments/moina-2024-25-a.yaml",
            42,
            15,
            "SD01 has kind increase, but the parent's SD01 in 'moina-2024-25' has kind decrease",
        )
    ]


def test_pc313_warns_of_an_indicator_no_child_carries(tree: Path) -> None:
    write_drafts(cascade(tree, PLAN.replace("      SD01: {copy: true}\n", "")), force=False)
    assert findings(tree, "PC313") == [
        (
            "contracts/ministry.yaml",
            38,
            13,
            "SD01 is not carried by any of the 2 child contracts",
        )
    ]
    assert errors(check_paths([str(tree)])) == []


def test_pc313_is_quiet_for_a_contract_without_children(tree: Path) -> None:
    assert findings(tree, "PC313") == []


def test_pc314_a_child_is_for_its_parents_year(tree: Path, cascaded: Path) -> None:
    edit(cascaded, "financial_year: 2024/2025", "financial_year: 2025/2026")
    assert findings(tree, "PC314") == [
        (
            "contracts/departments/moina-2024-25-a.yaml",
            6,
            17,
            "the contract is for 2025/2026, but its parent 'moina-2024-25' is for 2024/2025",
        )
    ]


# -- one set of plan rules: a plan that validates cascades, and its drafts validate --


def _share() -> st.SearchStrategy[object]:
    return st.one_of(
        st.sampled_from(["50%", "60%", "40%", "100%", "70%", 50, "33.333%", "0.001%"]),
        st.sampled_from(["50%", "60%", "40%", "30%", 20, 80]),
        st.decimals(min_value=0, max_value=150, places=3).map(lambda d: f"{d.normalize():f}%"),
    )


_amounts = st.one_of(
    st.sampled_from([200000, 250000, 300000, 500000, 10, 1.5, True, False]),
    st.sampled_from(["2025-03-31", "1999-01-01", -10, 0, 1150000, 650000, 6250, 170]),
    st.integers(min_value=-10, max_value=600000),
)


def _entry() -> st.SearchStrategy[dict[str, object]]:
    how = st.one_of(
        st.builds(lambda s: {"share": s}, _share()),
        st.builds(lambda s: {"share": s}, _share()),
        st.builds(lambda a: {"amount": a}, _amounts),
        st.builds(lambda a: {"amount": a}, _amounts),
        st.just({"copy": True}),
        st.just({"copy": True}),
        st.sampled_from([{"share": "50%", "amount": 1}, {"share": "50%", "copy": True}]),
    )
    weight = st.one_of(
        st.sampled_from([None] * 12 + [30, 50, 100, 0.01, 12.345, 40.5]),
        st.sampled_from([None] * 6 + [Decimal("0.001")]).map(lambda d: d and float(d)),
    )
    return st.builds(lambda h, w: {**h, **({"weight": w} if w is not None else {})}, how, weight)


def _units_over(indicators: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        st.fixed_dictionaries(
            {
                "id": st.sampled_from(["a", "b", "c", "A"]),
                "indicators": st.dictionaries(
                    st.sampled_from(indicators), _entry(), min_size=1, max_size=3
                ),
            }
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda u: str(u["id"]),
    )


_units = _units_over(["CM01", "SD01", "CC01"])


def _plan_text(parent: str, units: list[dict[str, Any]]) -> str:
    return emit_yaml(
        {
            "apiVersion": "pcontract/v1",
            "kind": "CascadePlan",
            "parent": parent,
            "units": [{"id": u["id"], "name": f"Unit {u['id']}", **u} for u in units],
        }
    )


def _in_two_steps(parent: Path, plan_file: Path, out: Path) -> tuple[Contract, list[Draft]]:
    """What the command did before it fitted and drafted each unit in one pass:
    the whole plan fitted, then every unit drafted."""
    contract, cascade_plan = load_for_cascade(str(parent), str(plan_file))
    return contract, plan_cascade(
        contract, parent, cascade_plan, out, plan_file=plan_file, fitted=True
    )


def test_a_plan_that_does_not_fit_is_refused_before_an_out_folder_that_cannot_be(
    tree: Path,
) -> None:
    write(tree / "plans" / "units.yaml", PLAN.replace("CM01: {share: 60%}", "CM01: {share: 70%}"))
    (tree / "blocker").write_text("a file, not a folder\n")
    for out in (tree / "blocker", tree / "blocker" / "drafts", tree / ("x" * 300)):
        with pytest.raises(InputError) as refused:
            cascade_drafts(
                str(tree / "contracts" / "ministry.yaml"), str(tree / "plans" / "units.yaml"), out
            )
        assert [p.code for p in refused.value.problems] == ["PC244"]  # type: ignore[attr-defined]
    # The plan fitting, the folder is what is wrong.
    write(tree / "plans" / "units.yaml", PLAN)
    with pytest.raises(PcontractError, match="not a folder"):
        cascade_drafts(
            str(tree / "contracts" / "ministry.yaml"),
            str(tree / "plans" / "units.yaml"),
            tree / "blocker" / "drafts",
        )


def _validates_then_cascades(root: Path, parent: Path, plan_file: Path) -> None:
    """Either validate reports an error and cascade refuses the plan, or cascade
    writes drafts and the tree with them validates."""
    before = check_paths([str(root)])
    out = parent.parent / "units"
    if errors(before):
        with pytest.raises(PcontractError) as refused:
            _in_two_steps(parent, plan_file, out)
        # Fitted and drafted in one pass, as the command does: the same refusal.
        with pytest.raises(PcontractError) as refused_in_one_pass:
            cascade_drafts(str(parent), str(plan_file), out)
        assert type(refused_in_one_pass.value) is type(refused.value)
        assert str(refused_in_one_pass.value) == str(refused.value)
        return
    contract, cascade_plan = load_for_cascade(str(parent), str(plan_file))
    drafts = plan_cascade(contract, parent, cascade_plan, out)
    # Told that the plan fits (as load_for_cascade found), the same drafts.
    assert plan_cascade(contract, parent, cascade_plan, out, fitted=True) == drafts
    assert cascade_drafts(str(parent), str(plan_file), out) == _in_two_steps(parent, plan_file, out)
    write_drafts(drafts)
    after = check_paths([str(root)])
    assert errors(after) == [], plan_file.read_text()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_units)
def test_a_plan_that_validates_cascades_into_drafts_that_validate(
    units: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "guidelines" / "fy2024-25.yaml", GUIDELINES)
        parent = write(root / "contracts" / "ministry.yaml", MINISTRY)
        plan_file = write(root / "plans" / "units.yaml", _plan_text("moina-2024-25", units))
        _validates_then_cascades(root, parent, plan_file)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(_units_over(["CM01", "CM03", "CM04", "CM05", "FS03", "CC02"]))
# A milestone set outside the period: its draft would fail PC205.
@example([{"id": "a", "indicators": {"CM04": {"amount": "1999-01-01"}}}])
def test_plans_over_the_shipped_example_ministry_agree_too(units: list[dict[str, Any]]) -> None:
    from tests.conftest import EXAMPLES

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(EXAMPLES / "guidelines", root / "guidelines")
        (root / "moina").mkdir()
        parent = root / "moina" / "contract.yaml"
        shutil.copyfile(EXAMPLES / "moina" / "contract.yaml", parent)
        plan_file = write(root / "moina" / "plan.yaml", _plan_text("moina-2024-25", units))
        _validates_then_cascades(root, parent, plan_file)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("CM01: {share: 60%}", "CM01: {share: 70%}", "PC244"),  # 70% + 200000 > target
        ("CC01: {copy: true}", "CC01: {amount: false}", "PC244"),
        ("SD01: {copy: true}", "SD01: {share: 50%}", "PC244"),  # aggregated by max
        ("SD01: {copy: true}", "SD01: {copy: true, weight: 27.275}", "PC243"),
        ("id: b\n", "id: A\n", "PC240"),
    ],
)
def test_validate_reports_what_cascade_refuses(tree: Path, old: str, new: str, code: str) -> None:
    assert old in PLAN
    plan = PLAN.replace(old, new)
    write(tree / "plans" / "units.yaml", plan)
    report = check_paths([str(tree)])
    found = [p for p in report.problems if p.is_error]
    assert [(p.file, p.code) for p in found] == [(str(tree / "plans" / "units.yaml"), code)]
    with pytest.raises(InputError) as refused:
        load_for_cascade(
            str(tree / "contracts" / "ministry.yaml"), str(tree / "plans" / "units.yaml")
        )
    assert [
        (p.code, p.message, p.line)  # type: ignore[attr-defined]
        for p in refused.value.problems
    ] == [(p.code, p.message, p.line) for p in found]
    with pytest.raises(InputError) as refused_in_one_pass:
        cascade_drafts(
            str(tree / "contracts" / "ministry.yaml"),
            str(tree / "plans" / "units.yaml"),
            tree / "units",
        )
    assert refused_in_one_pass.value.problems == refused.value.problems
    if code in ("PC243", "PC244"):  # the core refuses it too, in validate's words
        with pytest.raises(PcontractError) as direct:
            cascade(tree, plan)
        assert str(direct.value) == found[0].message


def test_a_share_of_a_level_is_a_located_pc244_even_when_summed(tree: Path) -> None:
    """measure: level wins over aggregation: sum (PC251 warns of the contradiction):
    validate reports the share where it is written, in cascade's words."""
    ministry = MINISTRY.replace(
        "        aggregation: max\n", "        measure: level\n        aggregation: sum\n"
    )
    write(tree / "contracts" / "ministry.yaml", ministry)
    plan = PLAN.replace("SD01: {copy: true}", "SD01: {share: 50%}")
    write(tree / "plans" / "units.yaml", plan)
    report = check_paths([str(tree)])
    found = [p for p in report.problems if p.is_error]
    message = (
        "unit 'a', indicator SD01: a share splits an additive target, but SD01 is a level "
        "(measure: level): carry it with copy: true, the same target"
    )
    # Line 10 of the plan: "      SD01: {share: 50%}".
    assert [(p.file, p.code, p.line, p.message) for p in found] == [
        (str(tree / "plans" / "units.yaml"), "PC244", 10, message)
    ]
    assert refusal(tree, plan) == message


def test_drafts_are_built_afresh_for_another_parent_or_plan(tree: Path) -> None:
    """The criteria worked out for one parent's units are never used for another
    parent's, nor for another plan's units, even with the same ids."""
    parent = tree / "contracts" / "ministry.yaml"
    plan = plan_of(PLAN)
    out = tree / "out"
    first = plan_cascade(contract_at(parent), parent, plan, out)
    assert first == plan_cascade(contract_at(parent), parent, plan, out)
    renamed = "name: National identity cards issued"
    assert renamed in MINISTRY
    write(parent, MINISTRY.replace(renamed, "name: Identity cards issued"))
    second = plan_cascade(contract_at(parent), parent, plan, out)
    assert [renamed in d.text for d in first] == [True, True]
    assert ["name: Identity cards issued" in d.text for d in second] == [True, True]
    assert not any(renamed in d.text for d in second)
    write(parent, MINISTRY)
    other = plan_of(PLAN.replace("CM01: {share: 60%}", "CM01: {amount: 300000, weight: 50}"))
    third = plan_cascade(contract_at(parent), parent, other, out)
    assert [d.indicators[0][1:] for d in first] != [d.indicators[0][1:] for d in third]


def test_text_quoted_in_a_draft_keeps_it_on_the_fast_reading_path() -> None:
    # A quote inside a one-line {...} sends a file to the strict loader; the
    # emitter writes such a mapping as a block instead, read back the same.
    from pcontract.files import fastyaml
    from pcontract.files.reading import Limits

    document = {
        "apiVersion": "pcontract/v1",
        "parties": {"principal": {"title": "PS"}, "agent": {"title": "Head, Unit 0"}},
    }
    text = emit_yaml(document)
    assert "  principal: {title: PS}\n" in text
    assert "  agent:\n    title: Head, Unit 0\n" in text
    assert fastyaml.fast_data(text.encode(), Limits()) == document
