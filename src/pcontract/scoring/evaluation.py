"""Evaluation: validate the inputs, then score one contract or rank a whole tree.

Scoring refuses invalid inputs with the same diagnostics as ``validate``. Rules
that need the rest of the tree (parents, cascades) are left to ``validate``: a
contract can be scored on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from pcontract.checking.checker import FileReport, Options, discover, locate_all
from pcontract.checking.pipeline import Loaded, Pipeline, contract_guidelines, explicit
from pcontract.errors import InputError, UsageError
from pcontract.files.reading import Limits
from pcontract.model import FINANCIAL_YEAR_RE, CascadePlan, Contract, Guidelines, Results
from pcontract.problems import Problem
from pcontract.scoring.method import QUARTERS, ContractScore, score
from pcontract.scoring.ranking import (
    CategoryNames,
    Movement,
    Previous,
    RankRow,
    rank,
    standing,
)
from pcontract.scoring.rollup import families, rollup

if TYPE_CHECKING:
    from pcontract.cascade.drafts import Draft
    from pcontract.rules.base import Finding

# Cross-file rules about the shape of the whole tree; scoring one contract does
# not need the parent or the children to be present.
TREE_ONLY = frozenset({"PC301", "PC303", "PC304", "PC310", "PC311", "PC312", "PC313", "PC314"})


def _guidelines_for(
    loaded: Loaded, file: FileReport, contract: Contract, override: Guidelines | None
) -> Guidelines:
    if override is not None:
        return override
    source = contract_guidelines(file.source, contract)
    if source is None or source not in loaded.guidelines:
        raise UsageError(
            f"{file.file}: the contract names no usable guidelines; "
            "add `guidelines:` to it or pass --guidelines FILE"
        )
    return loaded.guidelines[source]


def load_for_cascade(
    contract_path: str, plan_path: str, options: Options | None = None
) -> tuple[Contract, CascadePlan]:
    """Validate a contract and a cascade plan on their own, and return them."""
    from pcontract.cascade.drafts import fit_findings

    contract, plan, options = _cascade_inputs(contract_path, plan_path, options)
    _refuse_unfit(list(fit_findings(contract, Path(contract_path), plan)), plan_path, options)
    return contract, plan


def cascade_drafts(
    contract_path: str, plan_path: str, out_dir: Path, options: Options | None = None
) -> tuple[Contract, list[Draft]]:
    """The contract :func:`load_for_cascade` returns, and the plan's drafts for ``out_dir``
    (see :func:`pcontract.cascade.drafts.plan_cascade`): each unit's draft is
    built once, to be checked and written out."""
    from pcontract.cascade.drafts import fit_and_plan

    contract, plan, options = _cascade_inputs(contract_path, plan_path, options)
    findings, drafts = fit_and_plan(
        contract, Path(contract_path), plan, out_dir, plan_file=Path(plan_path)
    )
    _refuse_unfit(findings, plan_path, options)
    return contract, drafts


def _cascade_inputs(
    contract_path: str, plan_path: str, options: Options | None
) -> tuple[Contract, CascadePlan, Options]:
    """The contract and the plan, each validated on its own."""
    pipeline = Pipeline(options)
    options = pipeline.options
    files = [pipeline.check(t) for t in explicit([contract_path, plan_path])]
    problems: list[object] = [p for f in files for p in f.problems if p.is_error]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the input; fix them first", problems)
    contract, plan = files[0].document, files[1].document
    if not isinstance(contract, Contract):
        raise UsageError(f"{contract_path} is not a Contract document")
    if not isinstance(plan, CascadePlan):
        raise UsageError(f"{plan_path} is not a CascadePlan document")
    return contract, plan, options


def _refuse_unfit(findings: Sequence[Finding], plan_path: str, options: Options) -> None:
    """Refuse a plan that does not fit its contract, with the problems ``validate``
    reports for the pair (PC244), located in the plan file."""
    if not findings:
        return
    from pcontract.problems import Severity

    unfit: list[object] = list(
        locate_all(
            [
                Problem(
                    plan_path, 0, 0, "PC244", Severity.ERROR, f.message, f.path, f.hint, f.at_key
                )
                for f in findings
            ],
            options.limits,
        )
    )
    raise InputError(f"{len(unfit)} problem(s): the plan does not fit the contract", unfit)


@dataclass(frozen=True, slots=True)
class Scored:
    score: ContractScore
    warnings: list[Problem]
    # What was scored, for callers that show more than the score: the contract,
    # its results as read (None: none given) and the guidelines it was scored by.
    contract: Contract
    results: Results | None
    guidelines: Guidelines
    # Where the institution stood in the previous financial year, and the movement
    # since: found only with ``history_paths`` (None: no history, or not in it).
    previous: Previous | None = None
    movement: Movement | None = None


def score_files(
    contract_path: str,
    results_path: str | None,
    guidelines_path: str | None = None,
    options: Options | None = None,
    rollup_paths: Sequence[str] | None = None,
    pipeline: Pipeline | None = None,
    history_paths: Sequence[str] | None = None,
) -> Scored:
    """Validate a contract and its results, then score them. With ``rollup_paths``,
    the indicators that children carry take their figures from the children's
    annual results found there. With ``history_paths``, the contracts and annual
    results found there are ranked (see :func:`last_year`). A ``pipeline`` shared
    between calls checks each input once."""
    pipeline = pipeline or Pipeline(options)
    override = pipeline.override(guidelines_path)
    paths = [contract_path] + ([results_path] if results_path else [])
    loaded = pipeline.load(explicit(paths), ignore=TREE_ONLY)
    if len(loaded.contracts) != 1:
        raise UsageError(f"{contract_path} is not a Contract document")
    file, contract = loaded.contracts[0]
    results = None
    if results_path:
        if len(loaded.results) != 1:
            raise UsageError(f"{results_path} is not a Results document")
        results = loaded.results[0][1]
    guidelines = _guidelines_for(loaded, file, contract, override)
    scored_results = results
    results_file = loaded.results[0][0].file if results is not None else ""
    notes: tuple[Problem, ...] = ()
    if rollup_paths is not None:
        tree = pipeline.load(discover(rollup_paths))
        annual = {r.contract: r for _, r in tree.results if r.is_annual}
        contract_files, results_files = _sources(tree)
        contract_files[contract.id] = file.file
        if results is not None:
            annual[contract.id] = results
            results_files[contract.id] = results_file
        contracts = [c for _, c in tree.contracts if c.id != contract.id] + [contract]
        family = families(contracts, annual, contract_files, results_files)[contract.id]
        rolled = rollup(family)
        scored_results, notes = rolled.results, rolled.notes
    scored = score(
        contract, guidelines, scored_results, contract_file=file.file, results_file=results_file
    )
    if notes:
        scored = replace(scored, warnings=(*scored.warnings, *notes))
    scored = located(scored, pipeline.options)
    found = Scored(scored, loaded.warnings, contract, results, guidelines)
    return last_year(found, history_paths, pipeline.options) if history_paths else found


def last_year(scored: Scored, history_paths: Sequence[str], options: Options) -> Scored:
    """``scored`` with its institution's standing in the previous financial year:
    the contracts and annual results under ``history_paths`` are ranked per year
    and category, as ``rank`` ranks them, each by its own guidelines, and linked
    to this contract by institution (its id, else its name), as ``rank`` links
    years. Only ``history_paths`` are read: not the contract's own folder."""
    ranked = rank_paths(history_paths, options=options, locate_warnings=False)
    scores = {s.contract: s for s in ranked.scores}
    row = standing(scored.score, ranked.rows, scores)
    return replace(scored, previous=row.previous, movement=row.movement)


def _sources(loaded: Loaded) -> tuple[dict[str, str], dict[str, str]]:
    """The file of each contract and of each annual result, by contract id: where
    the scoring and roll-up warnings point."""
    contracts = {c.id: f.file for f, c in loaded.contracts}
    results = {r.contract: f.file for f, r in loaded.results if r.is_annual}
    return contracts, results


def located(scored: ContractScore, options: Options) -> ContractScore:
    """The score with its warnings' lines and columns looked up in their files."""
    return locate_scores([scored], options)[0]


def locate_scores(scores: Sequence[ContractScore], options: Options) -> list[ContractScore]:
    """The scores with their warnings located, composing each file once."""
    where = _located_warnings([s.warnings for s in scores], options)
    return [
        replace(s, warnings=tuple(where.get(w, w) for w in s.warnings)) if s.warnings else s
        for s in scores
    ]


def locate_rows(rows: Sequence[RankRow], options: Options) -> list[RankRow]:
    """League table rows with their warnings located, as :func:`locate_scores`
    locates a score's (for rows ranked with ``locate_warnings=False``)."""
    where = _located_warnings([r.warnings for r in rows], options)
    return [
        replace(r, warnings=tuple(where.get(w, w) for w in r.warnings)) if r.warnings else r
        for r in rows
    ]


def _located_warnings(
    warnings: Sequence[Sequence[Problem]], options: Options
) -> dict[Problem, Problem]:
    """Each warning not yet located (keyed with line and column 0) and its
    located self, composing each file once."""
    problems = [w for found in warnings for w in found if w.file and not w.line]
    if not problems:
        return {}
    return {replace(p, line=0, column=0): p for p in locate_all(problems, options.limits)}


@dataclass(frozen=True, slots=True)
class Ranked:
    rows: list[RankRow]
    scores: list[ContractScore]
    warnings: list[Problem]
    # The validated documents, for callers that show more than the scores, and
    # the guidelines each contract was scored by (by contract id).
    documents: Loaded
    guidelines: dict[str, Guidelines]


def rank_paths(
    paths: Sequence[str],
    guidelines_path: str | None = None,
    options: Options | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    with_rollup: bool = False,
    locate_warnings: bool = True,
    detail: bool = False,
) -> Ranked:
    """Score every contract under ``paths`` against its annual results, and rank.

    ``locate_warnings``: look up the line and column of every scoring warning,
    which composes each file that has one again; an output that shows no
    warning's position can skip it. ``detail``: keep every document and each
    score's indicators (for a workbook or the database); without it, and without
    ``with_rollup``, the tree is scored by :func:`pcontract.scoring.engine.evaluate`
    (cached, in worker processes) and the scores hold what ranking needs."""
    options = options or Options()
    if not detail and not with_rollup:
        from pcontract.scoring.engine import evaluate

        evaluated = evaluate(paths, guidelines_path, options, on_progress)
        found = [entry.score for entry in evaluated.entries]
        chosen = {e.score.contract: evaluated.guidelines[e.guidelines] for e in evaluated.entries}
        if locate_warnings:
            found = locate_scores(found, options)
        documents = Loaded([], [], evaluated.guidelines, evaluated.warnings)
        rows = rank(found, category_names(found, chosen))
        return Ranked(rows, found, evaluated.warnings, documents, chosen)
    pipeline = Pipeline(options)
    override = pipeline.override(guidelines_path)
    loaded = pipeline.load(discover(paths))
    annual = {r.contract: r for _, r in loaded.results if r.is_annual}
    contract_files, results_files = _sources(loaded)
    contracts = [c for _, c in loaded.contracts]
    tree = families(contracts, annual, contract_files, results_files) if with_rollup else {}
    scores = []
    used: dict[str, Guidelines] = {}
    total = len(loaded.contracts)
    for done, (file, contract) in enumerate(loaded.contracts, 1):
        guidelines = used[contract.id] = _guidelines_for(loaded, file, contract, override)
        results = annual.get(contract.id)
        notes: tuple[Problem, ...] = ()
        if with_rollup:
            rolled = rollup(tree[contract.id])
            results, notes = rolled.results, rolled.notes
        scored = score(
            contract,
            guidelines,
            results,
            contract_file=file.file,
            results_file=results_files.get(contract.id, ""),
        )
        if notes:
            scored = replace(scored, warnings=(*scored.warnings, *notes))
        scores.append(scored)
        if on_progress is not None:
            on_progress(done, total)
    if locate_warnings:
        scores = locate_scores(scores, pipeline.options)
    names = category_names(scores, used)
    return Ranked(rank(scores, names), scores, loaded.warnings, loaded, used)


def category_names(
    scores: Sequence[ContractScore], guidelines: dict[str, Guidelines]
) -> CategoryNames:
    """Each (financial year, institution category)'s readable name, from the
    ``institution_categories`` of the guidelines its contracts were scored by
    (the first that names it, by contract id). The mapping lists them in the
    order the league tables follow: the categories of the guidelines that score
    the most contracts first, each guidelines' in the order it lists them
    (ministries before counties in the Kenyan guidelines, officers under SPAS after)."""
    used = Counter(guidelines[s.contract].id for s in scores)
    found: dict[tuple[str, str], tuple[tuple[int, str, int], str]] = {}
    for s in sorted(scores, key=lambda s: s.contract):
        chosen = guidelines[s.contract]
        name = chosen.institution_categories.get(s.category)
        if name:
            place = list(chosen.institution_categories).index(s.category)
            key = (-used[chosen.id], chosen.id, place)
            found.setdefault((s.financial_year, s.category), (key, name))
    ordered = sorted(found.items(), key=lambda item: (item[1][0], item[0][1]))
    return {key: name for key, (_, name) in ordered}


def one_year(rows: Sequence[RankRow], year: str | None) -> list[RankRow]:
    """The rows of financial year ``year`` (None: every year)."""
    if year is None:
        return list(rows)
    if not FINANCIAL_YEAR_RE.match(year):
        raise UsageError(f"--financial-year {year!r}: write a financial year as 2024/2025")
    chosen = [row for row in rows if row.financial_year == year]
    if not chosen:
        years = sorted({row.financial_year for row in rows}, reverse=True)
        found = ", ".join(years) if years else "none"
        raise UsageError(f"no contracts for financial year {year} (found: {found})")
    return chosen


# -- what report cards and sites show ----------------------------------------------


@dataclass(frozen=True, slots=True)
class RankInfo:
    """Where a contract stands in its category's league table (``rank`` None: not
    ranked, because it was not scored, or because its own year was not ranked, as
    for ``report``, which still shows last year's standing from ``--history``)."""

    rank: int | None
    of: int
    category: str
    flags: tuple[str, ...] = ()
    financial_year: str = ""
    # The category's readable name, last year's standing and the movement, as
    # the league table row has them.
    category_name: str = ""
    previous: Previous | None = None
    movement: Movement | None = None


@dataclass(frozen=True, slots=True)
class LinkedContract:
    """A contract a card names: its parent, or one of its children. ``institution``
    is None when the contract is not in the tree being reported (only its id is
    known); ``score`` is its score against its annual results, None when those
    are not in the tree."""

    id: str
    institution: str | None = None
    financial_year: str = ""
    score: ContractScore | None = None


class TreeNode(Protocol):
    """What the tree knows of a contract: a Contract, or a :class:`ContractNode`."""

    @property
    def id(self) -> str: ...

    @property
    def parent(self) -> str | None: ...

    @property
    def institution(self) -> str: ...

    @property
    def financial_year(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ContractNode:
    """A contract as the tree links it, without its document."""

    id: str
    parent: str | None
    institution: str
    financial_year: str


@dataclass(frozen=True, slots=True)
class ContractTree:
    """The contracts of the tree being reported, by id, and the scores of those
    whose annual results are in it: what a card looks its parent and its children
    up in. Build it with :meth:`of`, once for a run."""

    contracts: Mapping[str, TreeNode]
    scores: Mapping[str, ContractScore]
    # The ids of each contract's children (the contracts whose ``parent`` it is).
    children: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, contracts: Sequence[TreeNode], scores: Mapping[str, ContractScore]) -> ContractTree:
        by_id = {contract.id: contract for contract in contracts}
        children: dict[str, list[str]] = {}
        for contract in by_id.values():
            if contract.parent:
                children.setdefault(contract.parent, []).append(contract.id)
        return cls(by_id, scores, {key: tuple(sorted(ids)) for key, ids in children.items()})

    def link(self, contract_id: str) -> LinkedContract:
        found = self.contracts.get(contract_id)
        if found is None:
            return LinkedContract(contract_id)
        return LinkedContract(
            contract_id, found.institution, found.financial_year, self.scores.get(contract_id)
        )

    def parent_of(self, contract: TreeNode) -> LinkedContract | None:
        """The contract's parent (None: it has none), as the tree knows it."""
        return self.link(contract.parent) if contract.parent else None

    def children_of(self, contract: TreeNode) -> tuple[LinkedContract, ...]:
        """The contracts in the tree whose parent is ``contract``, by id."""
        return tuple(
            self.link(child) for child in self.children.get(contract.id, ()) if child != contract.id
        )


NO_TREE: Final = ContractTree({}, {}, {})


@dataclass(frozen=True, slots=True)
class CardInputs:
    """Everything one report card shows."""

    score: ContractScore
    contract: Contract
    guidelines: Guidelines
    results: Results | None = None
    quarterly: ContractScore | None = None
    quarterly_results: Results | None = None
    rank: RankInfo | None = None
    # The card's parent contract (None: it has none) and its children, as the
    # tree being reported holds them.
    parent: LinkedContract | None = None
    children: tuple[LinkedContract, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """The league tables and one card per contract, in league-table order."""

    rows: list[RankRow]
    cards: list[CardInputs]


def load_card(
    contract_path: str,
    results_path: str,
    quarterly_path: str | None = None,
    guidelines_path: str | None = None,
    limits: Limits = Limits(),
    history_paths: Sequence[str] | None = None,
    tree_paths: Sequence[str] | None = None,
    options: Options | None = None,
) -> CardInputs:
    """Validate and score one contract for a report card, each input once.

    ``results_path`` must hold annual results; ``quarterly_path``, if given, a
    quarter's results (Q1 to Q4) for the progress section; ``history_paths``,
    earlier years' contracts and annual results, for last year's standing;
    ``tree_paths``, the tree the contract belongs to, where the card finds its
    parent and its children (see :func:`tree_of`). Without it, the card knows
    its parent's id only, and no children. ``options`` (the cache, the workers)
    replace ``limits`` when given.
    """
    pipeline = Pipeline(options or Options(limits=limits))
    annual = score_files(
        contract_path, results_path, guidelines_path, pipeline=pipeline, history_paths=history_paths
    )
    if annual.score.period in QUARTERS:
        raise UsageError(
            f"{results_path} holds {annual.score.period} results; --results needs the annual "
            "results (pass a quarter's results with --quarterly)"
        )
    quarterly = None
    if quarterly_path is not None:
        quarterly = score_files(contract_path, quarterly_path, guidelines_path, pipeline=pipeline)
        if quarterly.score.period not in QUARTERS:
            raise UsageError(
                f"{quarterly_path} holds annual results; --quarterly needs a quarter's results"
            )
    tree = NO_TREE
    if tree_paths is not None:
        tree = tree_of(tree_paths, pipeline, annual.contract, pipeline.override(guidelines_path))
    return CardInputs(
        score=annual.score,
        contract=annual.contract,
        guidelines=annual.guidelines,
        results=annual.results,
        quarterly=quarterly.score if quarterly is not None else None,
        quarterly_results=quarterly.results if quarterly is not None else None,
        rank=_unranked(annual),
        parent=tree.parent_of(annual.contract),
        children=tree.children_of(annual.contract),
    )


@dataclass(frozen=True, slots=True)
class ContractDocument:
    """What the contract document prints: the contract, and the guidelines that
    give its criteria values and the readable names of its categories."""

    contract: Contract
    guidelines: Guidelines


def load_contract_document(
    contract_path: str,
    guidelines_path: str | None = None,
    limits: Limits = Limits(),
    options: Options | None = None,
) -> ContractDocument:
    """Validate one contract, as ``report`` does for a card, and load its
    guidelines (``guidelines_path`` overrides the contract's ``guidelines:``)."""
    pipeline = Pipeline(options or Options(limits=limits))
    loaded = pipeline.load(explicit([contract_path]), ignore=TREE_ONLY)
    if len(loaded.contracts) != 1:
        raise UsageError(f"{contract_path} is not a Contract document")
    file, contract = loaded.contracts[0]
    guidelines = _guidelines_for(loaded, file, contract, pipeline.override(guidelines_path))
    return ContractDocument(contract, guidelines)


def tree_of(
    paths: Sequence[str], pipeline: Pipeline, contract: Contract, override: Guidelines | None
) -> ContractTree:
    """The contracts under ``paths``, validated through ``pipeline`` (each file
    once, as for the card itself), with the scores of ``contract``'s children
    that have annual results there: each scored against them by its own
    guidelines (or ``override``), as ``rank`` scores it."""
    loaded = pipeline.load(discover(paths))
    annual = {r.contract: r for _, r in loaded.results if r.is_annual}
    _, results_files = _sources(loaded)
    scores: dict[str, ContractScore] = {}
    for file, child in loaded.contracts:
        if child.parent != contract.id or child.id not in annual or child.id == contract.id:
            continue
        scores[child.id] = score(
            child,
            _guidelines_for(loaded, file, child, override),
            annual[child.id],
            contract_file=file.file,
            results_file=results_files[child.id],
        )
    return ContractTree.of([c for _, c in loaded.contracts], scores)


def _unranked(scored: Scored) -> RankInfo | None:
    """A card's standing when its own year is not ranked: no rank this year, and
    last year's where ``history_paths`` held it."""
    if scored.previous is None:
        return None
    score = scored.score
    return RankInfo(
        None, 0, score.category, (), score.financial_year, "", scored.previous, scored.movement
    )


def load_site(
    paths: Sequence[str],
    guidelines_path: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    limits: Limits = Limits(),
) -> SiteInputs:
    """Validate, score and rank every contract under ``paths``, and every card's
    inputs, in memory (``site`` draws its cards one at a time instead: see
    :func:`pcontract.scoring.cards.plan_site`)."""
    from pcontract.scoring.cards import card_inputs, plan_site

    options = Options(limits=limits)
    plan = plan_site(paths, guidelines_path, options, on_progress)
    cards = {job.contract_id: card_inputs(job, options) for job in plan.jobs}
    return SiteInputs(plan.rows, [cards[row.contract] for row in plan.rows])


def league_sizes(rows: Sequence[RankRow]) -> dict[tuple[str, str], int]:
    """How many contracts are ranked in each (financial year, category): a card's
    "of" counts the ranked contracts only."""
    sizes: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.rank is not None:
            key = (row.financial_year, row.category)
            sizes[key] = sizes.get(key, 0) + 1
    return sizes


def rank_info(row: RankRow, sizes: dict[tuple[str, str], int]) -> RankInfo:
    return RankInfo(
        row.rank,
        sizes.get((row.financial_year, row.category), 0),
        row.category,
        row.flags,
        row.financial_year,
        row.category_label,
        row.previous,
        row.movement,
    )
