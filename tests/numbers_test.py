"""One numeric policy: validate refuses what no command can use, and every
command handles every number that validate accepts.

The policy (``pcontract.files.numbers``): numbers lie within ±10^15 and have at most 6
decimal places, exactly as written. Numbers outside it are refused by the loader
(PC009) with their line and column; numbers at its edges go through score, rank,
roll-up, report, diff and cascade without an internal error (exit 3).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcontract.files import numbers
from pcontract.files.loader import load_bytes
from tests.conftest import EXAMPLES, TESTS, run

GUIDELINES = TESTS / "data" / "tree" / "guidelines" / "fy2024-25.yaml"
# Percentage scoring with no cap: achievements of up to 10^23 % reach the card.
PERCENTAGE = (EXAMPLES / "guidelines" / "spas-fy2024-25.yaml").read_text(encoding="utf-8")
PERCENTAGE = PERCENTAGE.replace("percentage_cap: 120\n", "")
assert "percentage_cap" not in PERCENTAGE


# -- the loader refuses numbers outside the policy, where they are written ---------

OUTSIDE = [
    ("10000000000000001", "is larger than pcontract can compute with"),
    ("-10000000000000001", "is larger than pcontract can compute with"),
    ("1" + "0" * 400, "is larger than pcontract can compute with"),
    ("-" + "9" * 5000, "is larger than pcontract can compute with"),  # past int()'s digits
    ("0x38D7EA4C68001", "is larger than pcontract can compute with"),  # 10^15 + 1
    ("1e308", "is larger than pcontract can compute with"),
    ("1.0000000000000002e15", "is larger than pcontract can compute with"),
    ("5e-324", "has more than 6 decimal places"),
    ("0.0000001", "has more than 6 decimal places"),
    ("3.14159265358979", "has more than 6 decimal places"),
    ("-2.5e-7", "has more than 6 decimal places"),
    ("123456789012345.123456", "has more digits than pcontract can keep exactly"),
]
INSIDE = [
    "1000000000000000",
    "-1000000000000000",
    "1e15",
    "-1.0e15",
    "0x38D7EA4C68000",
    "999999999999999.9",
    "0.000001",
    "1e-6",
    "-0.000001",
    "123456789.123456",
    "0.100000000",
    "0",
    "0.0",
]


@pytest.mark.parametrize(("text", "says"), OUTSIDE)
def test_the_loader_refuses_a_number_outside_the_policy(text: str, says: str) -> None:
    data = f"apiVersion: pcontract/v1\nkind: Contract\nx:\n  - {{a: 1, b: {text}}}\n"
    loaded = load_bytes(data.encode(), "f.yaml")
    problem = loaded.problem
    assert problem is not None, loaded.data
    assert (problem.code, problem.line, problem.column) == ("PC009", 4, 15)
    assert says in problem.message
    assert "at most 6 decimal places" in problem.hint or "write it as" in problem.hint


@pytest.mark.parametrize("text", INSIDE)
def test_the_loader_accepts_a_number_at_the_edge_of_the_policy(text: str) -> None:
    loaded = load_bytes(f"a: {text}\n".encode(), "f.yaml")
    assert loaded.problem is None, loaded.problem
    assert Decimal(repr(loaded.data["a"])) == Decimal(
        str(int(text, 0)) if text.startswith("0x") else text
    )


def test_rounded_is_exact_at_any_size() -> None:
    assert numbers.rounded(Fraction(10**40 + 1, 3)) == Decimal(
        "3333333333333333333333333333333333333333.666667"
    )
    assert numbers.rounded(Fraction(-1, 3)) == Decimal("-0.333333")
    assert numbers.rounded(Fraction(5, 10**7)) == Decimal("0.000001")
    assert numbers.rounded(Fraction(-1, 8), 2) == Decimal("-0.13")


@given(
    numerator=st.integers(-(10**30), 10**30),
    denominator=st.integers(1, 10**12),
    places=st.integers(0, 8),
)
def test_rounded_is_decimal_half_up_quantize(numerator: int, denominator: int, places: int) -> None:
    """On integers, ``rounded`` gives what Decimal's ROUND_HALF_UP gives in a
    context wide enough to be exact, sign and exponent included."""
    from decimal import ROUND_HALF_UP, Context

    wide = Context(prec=200)
    exact = wide.divide(Decimal(numerator), Decimal(denominator))
    expected = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, wide)
    found = numbers.rounded(Fraction(numerator, denominator), places)
    assert found == expected
    assert found.as_tuple().exponent == -places
    assert str(found).startswith("-") == (expected < 0)


# -- the tree the commands run on --------------------------------------------------


def _tree(
    root: Path,
    *,
    target: str = "100",
    baseline: str = "5",
    excellent: str = "120",
    poor: str = "60",
    quarter: str = "25",
    child_target: str = "1",
    actuals: tuple[str, str] = ("1", "1"),
    parent_actual: str = "1",
    share: str = "60%",
    rest: str | None = None,
    how: str = "sum",
    percentage: bool = False,
) -> None:
    """A ministry, two departments carrying its CM01 (aggregated by ``how``), their
    annual results, a cascade plan, and (in ``.v2/``) a second version of the
    ministry's contract for diff."""
    (root / "guidelines").mkdir(parents=True)
    shutil.copy(GUIDELINES, root / "guidelines" / "g.yaml")
    if percentage:
        (root / "guidelines" / "g.yaml").write_text(PERCENTAGE, encoding="utf-8")
    head = (
        "apiVersion: pcontract/v1\nkind: Contract\nid: {id}\ntitle: T\n"
        "financial_year: 2024/2025\nperiod: {{start: 2024-07-01, end: 2025-06-30}}\n"
        "institution: {{name: {id}, category: ministry}}\n"
        "parties: {{principal: {{title: P}}, agent: {{title: A}}}}\n"
        "parent: {parent}\nstatus: signed\nguidelines: guidelines/g.yaml\ncriteria:\n"
        "  - id: core-mandate\n    name: Core Mandate\n    weight: 50\n    indicators:\n"
    )
    ministry = head.format(id="min", parent="null") + (
        f"      - {{id: CM01, name: Cards, weight: 50, kind: increase, aggregation: {how},\n"
        f"         baseline: {{2023/2024: {baseline}}}, target: {target},\n"
        f"         criteria_values: {{excellent: {excellent}, poor: {poor}}},\n"
        f"         quarterly_targets: [{quarter}, {quarter}, {quarter}, {target}]}}\n"
        "  - id: cross-cutting\n    name: Cross-cutting\n    weight: 50\n    indicators:\n"
        f"      - {{id: CC02, name: Days, weight: 50, kind: decrease, target: {target},\n"
        f"         baseline: {{2023/2024: {baseline}}}}}\n"
    )
    (root / "min.yaml").write_text(ministry, encoding="utf-8")
    # The second version moves the annual target and its Q4 target with it (PC208).
    changed = ministry.replace(f"target: {target},", f"target: {child_target},", 1).replace(
        f"{quarter}, {target}]", f"{quarter}, {child_target}]", 1
    )
    (root / ".v2").mkdir()  # hidden: rank and validate do not walk it
    (root / ".v2" / "min.yaml").write_text(
        changed.replace("guidelines/g.yaml", "../guidelines/g.yaml").replace(
            "status: signed", "status: negotiated"
        ),
        encoding="utf-8",
    )
    for name, actual in zip(("a", "b"), actuals, strict=True):
        child = head.format(id=name, parent="min") + (
            f"      - {{id: {name.upper()}1, name: Cards, weight: 100, kind: increase,\n"
            f"         target: {child_target}, aggregation: {how},\n"
            "         cascaded_from: {contract: min, indicator: CM01}}\n"
        )
        child = child.replace("weight: 50\n    indicators", "weight: 100\n    indicators")
        (root / f"{name}.yaml").write_text(child, encoding="utf-8")
        (root / f"{name}-results.yaml").write_text(
            f"apiVersion: pcontract/v1\nkind: Results\ncontract: {name}\nperiod: annual\n"
            f"as_of: 2025-06-30\nachievements:\n  {name.upper()}1: {{actual: {actual}}}\n",
            encoding="utf-8",
        )
    (root / "min-results.yaml").write_text(
        "apiVersion: pcontract/v1\nkind: Results\ncontract: min\nperiod: annual\n"
        f"as_of: 2025-06-30\nachievements:\n  CM01: {{actual: {parent_actual}}}\n"
        f"  CC02: {{actual: {parent_actual}}}\n",
        encoding="utf-8",
    )
    (root / "min-q2.yaml").write_text(
        "apiVersion: pcontract/v1\nkind: Results\ncontract: min\nperiod: Q2\n"
        f"as_of: 2024-12-31\nachievements:\n  CM01: {{actual: {actuals[0]}}}\n"
        f"  CC02: {{actual: {actuals[1]}}}\n",
        encoding="utf-8",
    )
    (root / "plan.yaml").write_text(
        "apiVersion: pcontract/v1\nkind: CascadePlan\nparent: min\nunits:\n"
        f"  - id: u1\n    name: U1\n    indicators:\n      CM01: {{share: {share}}}\n"
        "      CC02: {copy: true}\n"
        f"  - id: u2\n    name: U2\n    indicators:\n"
        f"      CM01: {{amount: {rest or child_target}}}\n",
        encoding="utf-8",
    )


def _commands(root: Path) -> list[list[str]]:
    r = str(root)
    return [
        ["validate", r],
        ["score", f"{r}/min.yaml", "-r", f"{r}/min-results.yaml", "--format", "json"],
        ["score", f"{r}/min.yaml", "-r", f"{r}/min-results.yaml", "--rollup", r],
        ["rank", r, "--format", "csv"],
        ["rank", r, "--rollup", "--format", "md"],
        ["report", f"{r}/min.yaml", "-r", f"{r}/min-results.yaml", "--format", "html"],
        ["report", f"{r}/min.yaml", "-r", f"{r}/min-results.yaml", "-q", f"{r}/min-q2.yaml"],
        ["diff", f"{r}/min.yaml", f"{r}/.v2/min.yaml", "--format", "json"],
        ["diff", f"{r}/min.yaml", f"{r}/.v2/min.yaml", "--results", f"{r}/min-results.yaml"],
        ["cascade", f"{r}/min.yaml", "--plan", f"{r}/plan.yaml", "--out", f"{r}/out"],
    ]


def _check_every_command(root: Path) -> dict[str, int]:
    codes: dict[str, int] = {}
    for args in _commands(root):
        code, output = run(*args)
        assert code in (0, 1), (args, code, output)
        assert "internal error" not in output, (args, output)
        codes[" ".join(args[:1] + [a for a in args[1:] if a.startswith("--")])] = code
    return codes


# Numbers at the edges of the policy, and ordinary ones to mix them with.
EDGE = st.sampled_from(
    [
        "1000000000000000",
        "-1000000000000000",
        "1e15",
        "999999999999999.9",
        "0.000001",
        "-0.000001",
        "123456789.123456",
        "0",
        "1",
        "100",
        "0.5",
        "450000",
    ]
)
SHARE = st.sampled_from(["60%", "100%", "0.000001%", "99.999999%", "33.333333%", "60", "1e-6"])


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=EDGE,
    baseline=EDGE,
    excellent=EDGE,
    poor=EDGE,
    quarter=EDGE,
    child_target=EDGE,
    actuals=st.tuples(EDGE, EDGE),
    parent_actual=EDGE,
    share=SHARE,
    how=st.sampled_from(["sum", "mean", "min", "max"]),
    percentage=st.booleans(),
)
def test_every_command_handles_numbers_at_the_bound(
    tmp_path_factory: pytest.TempPathFactory,
    target: str,
    baseline: str,
    excellent: str,
    poor: str,
    quarter: str,
    child_target: str,
    actuals: tuple[str, str],
    parent_actual: str,
    share: str,
    how: str,
    percentage: bool,
) -> None:
    root = tmp_path_factory.mktemp("edge")
    _tree(
        root,
        target=target,
        baseline=baseline,
        excellent=excellent,
        poor=poor,
        quarter=quarter,
        child_target=child_target,
        actuals=actuals,
        parent_actual=parent_actual,
        share=share,
        how=how,
        percentage=percentage,
    )
    _check_every_command(root)


def test_the_largest_numbers_are_scored_ranked_rolled_up_reported_diffed_and_cascaded(
    tmp_path: Path,
) -> None:
    """Not vacuous: with every number at the bound, every command succeeds."""
    _tree(
        tmp_path,
        target="999999999999999.9",
        baseline="1000000000000000",
        excellent="1e15",
        poor="0.000001",
        quarter="0.000001",
        child_target="500000000000000",
        actuals=("1000000000000000", "0.000001"),
        parent_actual="1e15",
        share="0.000001%",
        rest="999999989999999.9",  # the plan adds up to the target (PC244)
    )
    codes = _check_every_command(tmp_path)
    assert set(codes.values()) == {0}, codes
    drafted = (tmp_path / "out" / "min-u1.yaml").read_text(encoding="utf-8")
    # 0.000001% of 999,999,999,999,999.9, to 6 decimal places; the baseline scaled alike
    assert "baseline: {2023/2024: 10000000}\n        target: 10000000\n" in drafted
    # The drafts read back: only the cascade sum (drafts and children both carry CM01).
    code, output = run("validate", str(tmp_path))
    assert code == 1 and "PC009" not in output and "✖ 1 error," in output and "PC310" in output, (
        output
    )


@pytest.mark.parametrize(
    ("file", "before", "good", "after", "bad"),
    [
        ("min.yaml", "target: ", "1000000000000000", ",", "9" * 31),
        ("min.yaml", "2023/2024: ", "5", "}", "1" + "0" * 400),
        ("min.yaml", "excellent: ", "7", ",", "1e308"),
        ("min.yaml", "[", "5", ", 5, 5,", "5e-324"),
        ("min.yaml", "weight: ", "50", ", kind: increase", "50.0000001"),
        ("min-results.yaml", "CM01: {actual: ", "1", "}", "-1" + "0" * 400),
        ("a-results.yaml", "A1: {actual: ", "1", "}", "0.1234567"),
        ("a.yaml", "weight: ", "100", ", kind", "100.00000000000001"),
        ("plan.yaml", "CM01: {share: ", "60", "}", "1e308"),
        ("plan.yaml", "CM01: {amount: ", "1", "}", "5e-324"),
    ],
    ids=[
        "target",
        "baseline",
        "criteria-value",
        "quarterly-target",
        "weight",
        "actual",
        "child-actual",
        "child-weight",
        "plan-share",
        "plan-amount",
    ],
)
def test_validate_refuses_each_numeric_field_out_of_range_with_its_place(
    tmp_path: Path, file: str, before: str, good: str, after: str, bad: str
) -> None:
    _tree(
        tmp_path,
        target="1000000000000000",
        excellent="7",
        poor="1",
        quarter="5",
        share="60",
    )
    path = tmp_path / file
    text = path.read_text(encoding="utf-8")
    old, new = before + good + after, before + bad + after
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    row = text[: text.index(old)].count("\n")
    column = text.splitlines()[row].index(old) + len(before) + 1
    code, output = run("validate", str(path))
    assert code == 1, output
    assert f"  {row + 1}:{column}  " in output and "PC009" in output, output
    # Every command that reads the file refuses it the same way: exit 1, not 3.
    for args in _commands(tmp_path)[1:]:
        if not any(a == str(tmp_path) or a.endswith("/" + file) for a in args):
            continue
        code, output = run(*args)
        assert code == 1, (args, output)
        assert "PC009" in output or "problem(s) in the input" in output, (args, output)


def test_a_share_with_more_decimal_places_than_the_policy_is_refused(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        share="60.0000000000000000000000000001%",
    )
    code, output = run("validate", str(tmp_path / "plan.yaml"))
    assert code == 1, output
    assert "PC246" in output and "more than 6 decimal places" in output, output
    code, output = run(*_commands(tmp_path)[-1])
    assert code == 1 and "internal error" not in output, output


def test_cascade_refuses_a_baseline_that_scaling_would_take_past_the_bound(
    tmp_path: Path,
) -> None:
    """A unit's amount of 10^15 against a parent's target of 0.000001 scales the
    baseline by 10^21: an error naming the unit, not a decimal InvalidOperation."""
    _tree(
        tmp_path,
        target="0.000001",
        baseline="1000000000000000",
        excellent="0.000002",
        poor="0",
        quarter="0",
        child_target="1000000000000000",
    )
    code, output = run(*_commands(tmp_path)[-1])
    assert code == 1, output
    assert "unit 'u2', indicator CM01: the 2023/2024 baseline scaled" in output, output
    assert "beyond the 1,000,000,000,000,000 pcontract can compute with" in output, output


def test_a_float_near_the_bound_is_shown_as_written(tmp_path: Path) -> None:
    """999999999999999.9 is held as the float 999999999999999.875; people read the
    number they wrote."""
    _tree(
        tmp_path,
        target="999999999999999.9",
        excellent="1e15",
        poor="1",
        quarter="5",
    )
    _, output = run("diff", str(tmp_path / "min.yaml"), str(tmp_path / ".v2" / "min.yaml"))
    assert "999,999,999,999,999.9 " in output and ".875" not in output, output


@pytest.mark.parametrize("how", ["mean", "sum"])
def test_rollup_refuses_a_childs_actual_beyond_the_bound_with_its_place(
    tmp_path: Path, how: str
) -> None:
    """Children reporting 10^400 and 1: the mean used to overflow a float
    (OverflowError, exit 3); now the child's figure is refused where it is written."""
    _tree(
        tmp_path,
        child_target="50",
        actuals=("1" + "0" * 400, "1"),
        how=how,
    )
    for args in (
        ["score", f"{tmp_path}/min.yaml", "-r", f"{tmp_path}/min-results.yaml", "--rollup"],
        ["rank", "--rollup"],
    ):
        code, output = run(*args, str(tmp_path))
        assert code == 1, (args, output)
        assert "a-results.yaml\n  7:16 " in output and "PC009" in output, output


def test_cascade_of_a_31_digit_baseline_is_refused_where_it_is_written(tmp_path: Path) -> None:
    """The case from the issue: a 31-digit baseline split by share: 60% used to end
    in decimal's InvalidOperation (exit 3)."""
    shutil.copytree(TESTS / "data" / "cascade", tmp_path / "c")
    contract = tmp_path / "c" / "contract.yaml"
    text = contract.read_text(encoding="utf-8")
    old = "baseline: {2023/2024: 450000}"
    assert old in text
    contract.write_text(text.replace(old, "baseline: {2023/2024: " + "9" * 31 + "}"), "utf-8")
    row = text[: text.index(old)].count("\n") + 1
    column = text.splitlines()[row - 1].index(old) + len("baseline: {2023/2024: ") + 1
    c = tmp_path / "c"
    code, output = run("cascade", str(contract), "--plan", str(c / "plan.yaml"), "--out", str(c))
    assert code == 1, output
    assert f"  {row}:{column}  " in output and "PC009" in output, output
    assert not list(c.glob("min-2024-25-*.yaml"))  # nothing drafted
