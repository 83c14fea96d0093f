"""Rules that only ``pcontract diff`` checks: they compare two versions of a
contract, so no single file breaks them. Their messages are made in diff.py."""

from __future__ import annotations

from pcontract.problems import Severity
from pcontract.rules.base import declare

STAGE_DIFF = "diff"

declare(
    "PC601",
    "signed-contract-changed",
    Severity.ERROR,
    "A signed contract that changes goes back to status: negotiated until it is signed again.",
    STAGE_DIFF,
)
declare(
    "PC602",
    "lowered-after-signing",
    Severity.WARNING,
    "A target is not made worse than in the signed version.",
    STAGE_DIFF,
)
