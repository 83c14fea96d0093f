"""Ranking: league tables of scored contracts, one per institution category.

Pure: no I/O. Contracts are ranked "from number 1 to last" within their category on
the published (4-decimal) composite, with standard competition ranking for ties
("1, 1, 3"). A contract whose institution submitted no results ranks last in its
category, flagged, with the worst grade. A contract whose results mark every
indicator not applicable is not scored: it is listed after the ranked ones with no
rank, flagged "not scored: every indicator not applicable", and the others are
ranked without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from pcontract.errors import PcontractError
from pcontract.problems import Problem
from pcontract.scoring.method import NO_RESULTS, NOT_SCORED_ALL_NA, ContractScore

NO_RESULTS_FLAG: Final = NO_RESULTS
NOT_SCORED_FLAG: Final = NOT_SCORED_ALL_NA


@dataclass(frozen=True, slots=True)
class RankRow:
    """One line of a league table; ``rank`` is None for a contract not scored."""

    rank: int | None
    contract: str
    institution: str
    category: str
    composite: Fraction | None
    composite_display: Decimal | None
    grade: str | None
    flags: tuple[str, ...] = ()
    # The score's warnings (scoring and roll-up Problems), for the JSON output.
    warnings: tuple[Problem, ...] = ()


def _row(rank: int | None, score: ContractScore, flags: tuple[str, ...] = ()) -> RankRow:
    return RankRow(
        rank=rank,
        contract=score.contract,
        institution=score.institution,
        category=score.category,
        composite=score.composite,
        composite_display=score.composite_display,
        grade=score.grade,
        flags=flags,
        warnings=score.warnings,
    )


def _published(score: ContractScore) -> Decimal:
    shown = score.composite_display
    if shown is None:
        # Only quarterly results lack a composite; there is no grade to rank on yet.
        raise PcontractError(
            f"cannot rank {score.contract}: its results are for {score.period}, "
            f"and only annual results have a composite score"
        )
    return shown


def _rank_category(scores: list[ContractScore]) -> list[RankRow]:
    if len({score.lower_is_better for score in scores}) > 1:
        raise PcontractError(
            f"cannot rank category '{scores[0].category}': it mixes five-point and "
            f"percentage scores ({', '.join(sorted(s.contract for s in scores))})"
        )
    unscored = sorted(
        (score for score in scores if score.not_scored is not None), key=lambda s: s.contract
    )
    submitted = [score for score in scores if score.period is not None and score.not_scored is None]
    missing = sorted((score for score in scores if score.period is None), key=lambda s: s.contract)

    def key(score: ContractScore) -> tuple[Decimal, str]:
        shown = _published(score)
        # Sort best first; the contract id breaks ties so output is stable.
        return (shown if score.lower_is_better else -shown, score.contract)

    submitted.sort(key=key)
    rows: list[RankRow] = []
    for position, score in enumerate(submitted, start=1):
        # Standard competition ranking: a tie takes the rank of the first in it.
        if rows and key(score)[0] == key(submitted[position - 2])[0]:
            rank = rows[-1].rank
        else:
            rank = position
        rows.append(_row(rank, score))
    last = len(submitted) + 1
    rows.extend(_row(last, score, (NO_RESULTS_FLAG,)) for score in missing)
    rows.extend(_row(None, score, (score.not_scored or NOT_SCORED_FLAG,)) for score in unscored)
    return rows


def rank(scores: Iterable[ContractScore]) -> list[RankRow]:
    """League tables for ``scores``: categories by name, then rank, then contract id.

    Five-point composites rank ascending (lower is better), percentages descending.
    The result does not depend on the order of ``scores``.
    """
    by_category: dict[str, list[ContractScore]] = {}
    seen: set[str] = set()
    for score in scores:
        if score.contract in seen:
            # Two different scores for one contract would make the table depend on
            # which came first.
            raise PcontractError(f"contract {score.contract} is scored more than once")
        seen.add(score.contract)
        by_category.setdefault(score.category, []).append(score)
    rows: list[RankRow] = []
    for category in sorted(by_category):
        rows.extend(_rank_category(by_category[category]))
    return rows
