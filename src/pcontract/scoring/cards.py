"""A site's report cards, one at a time.

:func:`plan_site` scores and ranks the tree (:func:`pcontract.scoring.engine.evaluate`:
cached, in worker processes) and returns the league rows with one
:class:`CardJob` per contract: what its card shows beyond the contract's own
files (its rank, its parent and children as the tree knows them) and a key of
everything the card is drawn from. :func:`card_inputs` reads one job's files again
and scores them in full, in whichever process draws the card. Nothing of a card
is kept once it is drawn, so a site's memory does not grow with its cards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pcontract.checking.checker import Options, Target
from pcontract.errors import InputError, PcontractError

if TYPE_CHECKING:
    from pcontract.model import Guidelines
    from pcontract.scoring.evaluation import CardInputs, LinkedContract, RankInfo
    from pcontract.scoring.method import ContractScore
    from pcontract.scoring.ranking import RankRow


class Identified(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def financial_year(self) -> str: ...


class LeagueEntry(Protocol):
    """What a league page reads of a card: a site's :class:`LeagueCard`, or a
    report card's :class:`~pcontract.scoring.evaluation.CardInputs`."""

    @property
    def score(self) -> ContractScore: ...

    @property
    def guidelines(self) -> Guidelines: ...

    @property
    def contract(self) -> Identified: ...


class League(Protocol):
    """The league rows and a card for each (a :class:`SitePlan`, or
    :class:`~pcontract.scoring.evaluation.SiteInputs`)."""

    @property
    def rows(self) -> Sequence[RankRow]: ...

    @property
    def cards(self) -> Sequence[LeagueEntry]: ...


@dataclass(frozen=True, slots=True)
class ContractRef:
    """What a league page shows of a contract besides its score."""

    id: str
    financial_year: str


@dataclass(frozen=True, slots=True)
class LeagueCard:
    """What a league page shows of one card: the score (without its indicators),
    the guidelines it was scored by, and the contract's id and year."""

    score: ContractScore
    guidelines: Guidelines
    contract: ContractRef


@dataclass(frozen=True, slots=True)
class CardJob:
    """One card to draw: its files, its standing and links, and ``key``, a hash of
    all of it (the bytes of its contract, results and guidelines included)."""

    contract_id: str
    contract: Target
    results: Target | None
    guidelines: str  # real path
    rank: RankInfo
    parent: LinkedContract | None
    children: tuple[LinkedContract, ...]
    key: str


@dataclass(frozen=True, slots=True)
class SitePlan:
    rows: list[RankRow]
    cards: list[LeagueCard]  # in the rows' order
    jobs: list[CardJob]  # by contract id


def plan_site(
    paths: Sequence[str],
    guidelines_path: str | None,
    options: Options,
    on_progress: Callable[[int, int], None] | None = None,
) -> SitePlan:
    """Validate, score and rank every contract under ``paths``, for a site."""
    from pcontract.scoring.engine import evaluate
    from pcontract.scoring.evaluation import (
        ContractNode,
        ContractTree,
        category_names,
        league_sizes,
        rank_info,
    )
    from pcontract.scoring.ranking import rank

    evaluated = evaluate(paths, guidelines_path, options, on_progress)
    entries = {e.score.contract: e for e in evaluated.entries}
    scores = [e.score for e in evaluated.entries]
    chosen = {e.score.contract: evaluated.guidelines[e.guidelines] for e in evaluated.entries}
    rows = rank(scores, category_names(scores, chosen))
    sizes = league_sizes(rows)
    nodes = {
        e.score.contract: ContractNode(
            e.score.contract, e.parent, e.score.institution, e.score.financial_year
        )
        for e in evaluated.entries
    }
    tree = ContractTree.of(
        list(nodes.values()),
        {e.score.contract: e.score for e in evaluated.entries if e.results is not None},
    )
    cards: list[LeagueCard] = []
    by_id: dict[str, RankRow] = {}
    for row in rows:
        entry = entries[row.contract]
        by_id[row.contract] = row
        reference = ContractRef(row.contract, entry.score.financial_year)
        cards.append(LeagueCard(entry.score, chosen[row.contract], reference))
    jobs: list[CardJob] = []
    for contract_id in sorted(by_id):
        entry = entries[contract_id]
        info = rank_info(by_id[contract_id], sizes)
        parent = tree.parent_of(nodes[contract_id])
        kids = tree.children_of(nodes[contract_id])
        key = hashlib.sha256(
            "\0".join([entry.key, repr(info), repr(parent), repr(kids)]).encode()
        ).hexdigest()
        jobs.append(
            CardJob(
                contract_id,
                Target(Path(entry.contract.file), entry.contract.file, True, entry.contract.source),
                Target(Path(entry.results.file), entry.results.file, True, entry.results.source)
                if entry.results is not None
                else None,
                entry.guidelines,
                info,
                parent,
                kids,
                key,
            )
        )
    return SitePlan(rows, cards, jobs)


def card_inputs(job: CardJob, options: Options) -> CardInputs:
    """The card of ``job``: its files read and checked again, and scored in full."""
    from pcontract.checking.checker import check_file
    from pcontract.model import Contract, Guidelines, Results
    from pcontract.scoring.engine import remembered
    from pcontract.scoring.evaluation import CardInputs
    from pcontract.scoring.method import score

    contract_report = check_file(job.contract, options, keep_document=True)
    results_report = (
        check_file(job.results, options, keep_document=True) if job.results is not None else None
    )
    guidelines_report = remembered(
        Target(Path(job.guidelines), job.guidelines, True, job.guidelines), options
    )
    reports = [r for r in (contract_report, results_report, guidelines_report) if r is not None]
    problems: list[object] = [p for r in reports for p in r.problems if p.is_error]
    if problems:
        raise InputError(
            f"{len(problems)} problem(s): a file changed while the site was written", problems
        )
    contract = contract_report.document
    results = results_report.document if results_report is not None else None
    guidelines = guidelines_report.document
    if not isinstance(contract, Contract) or not isinstance(guidelines, Guidelines):
        raise PcontractError(f"{job.contract.display} changed while the site was written")
    if results is not None and not isinstance(results, Results):
        raise PcontractError(f"{job.results} changed while the site was written")
    scored = score(
        contract,
        guidelines,
        results,
        contract_file=job.contract.display,
        results_file=job.results.display if job.results is not None else "",
    )
    return CardInputs(
        score=scored,
        contract=contract,
        guidelines=guidelines,
        results=results,
        rank=job.rank,
        parent=job.parent,
        children=job.children,
    )
