"""Messages that name a word they do not know in advance (an indicator's kind) put
the right indefinite article before it, through formatting.with_article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcontract.formatting import with_article
from tests.conftest import run

CONTRACT = """\
apiVersion: pcontract/v1
kind: Contract
id: art-2024-25
title: Performance Contract — Example
financial_year: 2024/2025
period: {start: 2024-07-01, end: 2025-06-30}
institution: {name: Example, category: state-corporation}
parties:
  principal: {title: Cabinet Secretary}
  agent: {title: Managing Director}
status: draft
criteria:
  - id: core
    name: Core Mandate
    weight: 100
    indicators:
      - {id: CM01, name: Clinics opened, weight: 50, kind: increase, target: "2025-03-31"}
      - {id: CM02, name: Days to pay, weight: 50, kind: decrease, target: 30,
         criteria_values: {excellent: 40}}
"""

RESULTS = """\
apiVersion: pcontract/v1
kind: Results
contract: art-2024-25
period: annual
as_of: 2025-06-30
achievements:
  CM01: {actual: true}
  CM02: {actual: 20}
"""


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("increase", "an increase"),
        ("decrease", "a decrease"),
        ("milestone", "a milestone"),
        ("binary", "a binary"),
        ("Excellent", "an Excellent"),
        ("", "a "),
    ],
)
def test_with_article_chooses_by_the_first_letter(word: str, expected: str) -> None:
    assert with_article(word) == expected


def test_validate_messages_say_an_increase_and_a_decrease(in_tmp: Path) -> None:
    (in_tmp / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    (in_tmp / "results.yaml").write_text(RESULTS, encoding="utf-8")
    code, out = run("validate", "--no-cache", "--format", "json", ".")
    assert code == 1
    messages = {(p["code"], p["message"], p["hint"]) for p in json.loads(out)["problems"]}
    assert (
        "PC204",
        "CM01 is an increase indicator, so its target must be a number, not '2025-03-31'",
        "milestone targets are dates, binary targets are true, others are numbers",
    ) in messages
    assert any(
        code == "PC207" and hint == "for a decrease indicator, excellent is the best achievement"
        for code, _, hint in messages
    )
    assert any(
        code == "PC307" and message.startswith("CM01 is an increase indicator, so its actual ")
        for code, message, _ in messages
    )
