"""Ranking: league tables of scored contracts, one per financial year and
institution category.

Pure: no I/O. Each financial year is ranked on its own, the latest year first.
Contracts are ranked "from number 1 to last" within their year and category on
the published (4-decimal) composite, with standard competition ranking for ties
("1, 1, 3"). A contract whose institution submitted no results ranks last in its
category, flagged, with the worst grade. A contract whose results mark every
indicator not applicable is not scored: it is listed after the ranked ones with no
rank, flagged "not scored: every indicator not applicable", and the others are
ranked without it.

Year on year: a row whose institution (its ``institution.id``, else its name) has
a contract in the previous financial year among the rows carries that year's
rank, composite and grade, and the movement between the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Final

from pcontract.errors import PcontractError
from pcontract.model import institution_key, previous_financial_year
from pcontract.problems import Problem
from pcontract.scoring.method import NO_RESULTS, NOT_SCORED_ALL_NA, ContractScore

NO_RESULTS_FLAG: Final = NO_RESULTS
NOT_SCORED_FLAG: Final = NOT_SCORED_ALL_NA


# How a composite moved from last year: the one direction is ContractScore.better.
BETTER: Final = "better"
WORSE: Final = "worse"
SAME: Final = "same"


@dataclass(frozen=True, slots=True)
class Previous:
    """Where the same institution stood in the previous financial year."""

    financial_year: str
    contract: str
    rank: int | None
    composite_display: Decimal | None
    grade: str | None


@dataclass(frozen=True, slots=True)
class Movement:
    """From last year to this: ``places`` up (positive) or down (negative), None
    unless both years are ranked in the same category; ``composite_change`` this
    year's published composite minus last year's, and whether that is ``better``,
    ``worse`` or the ``same`` (None unless both are scored on one scale)."""

    places: int | None
    composite_change: Decimal | None
    composite: str | None


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
    financial_year: str = ""
    # The category's readable name (the guidelines' institution_categories), else its id.
    category_name: str = ""
    # What links the institution across years (see model.institution_key).
    institution_key: str = ""
    previous: Previous | None = None
    movement: Movement | None = None

    @property
    def category_label(self) -> str:
        return self.category_name or self.category


def _row(
    rank: int | None,
    score: ContractScore,
    flags: tuple[str, ...] = (),
    shown: Decimal | None = None,
    category_name: str = "",
) -> RankRow:
    """A table's row for ``score``; ``shown`` is its published composite, when
    already worked out."""
    return RankRow(
        category_name=category_name,
        rank=rank,
        contract=score.contract,
        institution=score.institution,
        category=score.category,
        composite=score.composite,
        composite_display=shown if shown is not None else score.composite_display,
        grade=score.grade,
        flags=flags,
        warnings=score.warnings,
        financial_year=score.financial_year,
        institution_key=institution_key(score.institution_id, score.institution),
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


def _rank_category(scores: list[ContractScore], name: str = "") -> list[RankRow]:
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

    # Each composite rounded once, as published: the table ranks on it.
    published = [(_published(score), score) for score in submitted]

    def key(entry: tuple[Decimal, ContractScore]) -> tuple[Decimal, str]:
        shown, score = entry
        # Sort best first; the contract id breaks ties so output is stable.
        return (shown if score.lower_is_better else -shown, score.contract)

    published.sort(key=key)
    rows: list[RankRow] = []
    for position, (shown, score) in enumerate(published, start=1):
        # Standard competition ranking: a tie takes the rank of the first in it.
        rank = rows[-1].rank if rows and shown == published[position - 2][0] else position
        rows.append(_row(rank, score, shown=shown, category_name=name))
    last = len(submitted) + 1
    rows.extend(_row(last, score, (NO_RESULTS_FLAG,), category_name=name) for score in missing)
    rows.extend(
        _row(None, score, (score.not_scored or NOT_SCORED_FLAG,), category_name=name)
        for score in unscored
    )
    return rows


CategoryNames = Mapping[tuple[str, str], str]


def rank(scores: Iterable[ContractScore], names: CategoryNames | None = None) -> list[RankRow]:
    """League tables for ``scores``: financial years latest first, then categories
    in the order of ``names`` (those it does not name last, by id), then rank, then
    contract id; each row linked to the previous year's.

    Five-point composites rank ascending (lower is better), percentages descending.
    ``names`` gives a (financial year, category id) its readable name, in the order
    the guidelines list the categories. The result does not depend on the order of
    ``scores``.
    """
    by_table: dict[tuple[str, str], list[ContractScore]] = {}
    by_contract: dict[str, ContractScore] = {}
    for score in scores:
        if score.contract in by_contract:
            # Two different scores for one contract would make the table depend on
            # which came first.
            raise PcontractError(f"contract {score.contract} is scored more than once")
        by_contract[score.contract] = score
        by_table.setdefault((score.financial_year, score.category), []).append(score)
    rows: list[RankRow] = []
    names = names or {}
    place = {key: i for i, key in enumerate(names)}
    for year, category in sorted(
        by_table, key=lambda t: (_descending(t[0]), place.get(t, len(place)), t[1])
    ):
        rows.extend(_rank_category(by_table[year, category], names.get((year, category), "")))
    return link_years(rows, by_contract)


def _descending(year: str) -> tuple[int, ...]:
    # Latest first: 2024/2025 before 2023/2024 (years are NNNN/NNNN, by schema).
    return tuple(-ord(ch) for ch in year)


def _index(rows: Iterable[RankRow]) -> dict[tuple[str, str], RankRow | None]:
    """Rows by (financial year, institution); None where one institution has
    several contracts in a year, which links to none of them."""
    index: dict[tuple[str, str], RankRow | None] = {}
    for row in rows:
        key = (row.financial_year, row.institution_key)
        index[key] = None if key in index else row
    return index


def standing(
    score: ContractScore, past: Sequence[RankRow], scores: Mapping[str, ContractScore]
) -> RankRow:
    """``score`` as a row of no league (its own year is not ranked), linked to its
    institution's row of the previous financial year among ``past``, the rows of
    earlier years that ``scores`` (by contract id) scored."""
    return link_years([_row(None, score)], {**scores, score.contract: score}, past)[0]


def link_years(
    rows: Sequence[RankRow],
    scores: Mapping[str, ContractScore],
    past: Sequence[RankRow] | None = None,
) -> list[RankRow]:
    """``rows`` each with its institution's row of the previous financial year,
    found in ``past`` (default: ``rows`` themselves), and the movement. ``scores``
    holds the score of every row, this year's and last, by contract id."""
    index = _index(rows if past is None else past)
    return [_linked(row, index, scores) for row in rows]


Index = Mapping[tuple[str, str], RankRow | None]


def _linked(row: RankRow, index: Index, scores: Mapping[str, ContractScore]) -> RankRow:
    year = previous_financial_year(row.financial_year)
    before = index.get((year, row.institution_key)) if year is not None else None
    if before is None:
        return row
    previous = Previous(
        before.financial_year, before.contract, before.rank, before.composite_display, before.grade
    )
    same_table = row.category == before.category
    places = before.rank - row.rank if row.rank and before.rank and same_table else None
    return replace(row, previous=previous, movement=_movement(row, before, scores, places))


def _movement(
    row: RankRow, before: RankRow, scores: Mapping[str, ContractScore], places: int | None
) -> Movement:
    now, then = scores.get(row.contract), scores.get(before.contract)
    a, b = row.composite_display, before.composite_display
    if now is None or then is None or a is None or b is None:
        return Movement(places, None, None)
    if now.lower_is_better != then.lower_is_better:
        return Movement(places, None, None)  # five-point against percentage: no comparison
    direction = BETTER if now.better(a, b) else WORSE if now.better(b, a) else SAME
    return Movement(places, a - b, direction)
