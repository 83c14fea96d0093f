"""Evaluation: validate the inputs, then score one contract or rank a whole tree.

Scoring refuses invalid inputs with the same diagnostics as ``validate``. Rules
that need the rest of the tree (parents, cascades) are left to ``validate``: a
contract can be scored on its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pcontract.checker import (
    FileReport,
    Options,
    Target,
    build_index,
    check_file,
    check_tree,
    discover,
    finish,
    locate_all,
)
from pcontract.errors import InputError, UsageError
from pcontract.model import CascadePlan, Contract, Guidelines, Results
from pcontract.problems import Problem
from pcontract.ranking import RankRow, rank
from pcontract.rollup import families, rollup
from pcontract.scoring import ContractScore, score

# Cross-file rules about the shape of the whole tree; scoring one contract does
# not need the parent or the children to be present.
TREE_ONLY = frozenset({"PC301", "PC303", "PC304", "PC310", "PC311", "PC312", "PC313", "PC314"})


@dataclass(frozen=True, slots=True)
class Loaded:
    """Validated documents, with the files they came from."""

    contracts: list[tuple[FileReport, Contract]]
    results: list[tuple[FileReport, Results]]
    guidelines: dict[str, Guidelines]  # by real path
    warnings: list[Problem]


def _load(targets: list[Target], options: Options, ignore: frozenset[str] = frozenset()) -> Loaded:
    files = [check_file(t, options, keep_document=True) for t in targets]
    index = build_index(files, options)
    report = finish(files, check_tree(index, options.limits), options)
    problems = [p for p in report.problems if p.code not in ignore]
    errors = [p for p in problems if p.is_error]
    if errors:
        raise InputError(
            f"{len(errors)} problem(s) in the input; fix them first (see pcontract validate)",
            list(problems),
        )
    contracts, results = [], []
    guidelines: dict[str, Guidelines] = {}
    for file in files:
        document = file.document
        if isinstance(document, Contract):
            contracts.append((file, document))
        elif isinstance(document, Results):
            results.append((file, document))
        elif isinstance(document, Guidelines):
            guidelines[file.source] = document
    for file, contract in contracts:
        source = _guidelines_source(file, contract)
        if source is not None and source not in guidelines:
            context = check_file(Target(Path(source), source, True), options, keep_document=True)
            if isinstance(context.document, Guidelines):
                guidelines[source] = context.document
    return Loaded(contracts, results, guidelines, [p for p in problems if not p.is_error])


def _guidelines_source(file: FileReport, contract: Contract) -> str | None:
    if not contract.guidelines:
        return None
    return os.path.realpath(os.path.join(os.path.dirname(file.source), contract.guidelines))


def _guidelines_for(
    loaded: Loaded, file: FileReport, contract: Contract, override: Guidelines | None
) -> Guidelines:
    if override is not None:
        return override
    source = _guidelines_source(file, contract)
    if source is None or source not in loaded.guidelines:
        raise UsageError(
            f"{file.file}: the contract names no usable guidelines; "
            "add `guidelines:` to it or pass --guidelines FILE"
        )
    return loaded.guidelines[source]


def _override(path: str | None, options: Options) -> Guidelines | None:
    if path is None:
        return None
    loaded = _load(_explicit([path]), options)
    if not loaded.guidelines:
        raise UsageError(f"{path} is not a Guidelines document")
    return next(iter(loaded.guidelines.values()))


def _explicit(paths: Sequence[str]) -> list[Target]:
    for path in paths:
        if not os.path.isfile(path):
            raise UsageError(f"not a file: {path}")
    return [Target(Path(p), p, True) for p in paths]


def load_for_cascade(
    contract_path: str, plan_path: str, options: Options | None = None
) -> tuple[Contract, CascadePlan]:
    """Validate a contract and a cascade plan on their own, and return them."""
    options = options or Options()
    files = [
        check_file(t, options, keep_document=True) for t in _explicit([contract_path, plan_path])
    ]
    problems: list[object] = [p for f in files for p in f.problems if p.is_error]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the input; fix them first", problems)
    contract, plan = files[0].document, files[1].document
    if not isinstance(contract, Contract):
        raise UsageError(f"{contract_path} is not a Contract document")
    if not isinstance(plan, CascadePlan):
        raise UsageError(f"{plan_path} is not a CascadePlan document")
    # The rules validate applies to the pair (PC244), located in the plan file.
    from pcontract.cascade import fit_findings
    from pcontract.problems import Severity

    findings = list(fit_findings(contract, Path(contract_path), plan))
    if findings:
        unfit: list[object] = list(
            locate_all(
                [
                    Problem(
                        plan_path,
                        0,
                        0,
                        "PC244",
                        Severity.ERROR,
                        f.message,
                        f.path,
                        f.hint,
                        f.at_key,
                    )
                    for f in findings
                ],
                options.limits,
            )
        )
        raise InputError(f"{len(unfit)} problem(s): the plan does not fit the contract", unfit)
    return contract, plan


@dataclass(frozen=True, slots=True)
class Scored:
    score: ContractScore
    warnings: list[Problem]


def score_files(
    contract_path: str,
    results_path: str | None,
    guidelines_path: str | None = None,
    options: Options | None = None,
    rollup_paths: Sequence[str] | None = None,
) -> Scored:
    """Validate a contract and its results, then score them. With ``rollup_paths``,
    the indicators that children carry take their figures from the children's
    annual results found there."""
    options = options or Options()
    override = _override(guidelines_path, options)
    paths = [contract_path] + ([results_path] if results_path else [])
    loaded = _load(_explicit(paths), options, ignore=TREE_ONLY)
    if len(loaded.contracts) != 1:
        raise UsageError(f"{contract_path} is not a Contract document")
    file, contract = loaded.contracts[0]
    results = None
    if results_path:
        if len(loaded.results) != 1:
            raise UsageError(f"{results_path} is not a Results document")
        results = loaded.results[0][1]
    guidelines = _guidelines_for(loaded, file, contract, override)
    results_file = loaded.results[0][0].file if results is not None else ""
    notes: tuple[Problem, ...] = ()
    if rollup_paths is not None:
        tree = _load(discover(rollup_paths), options)
        annual = {r.contract: r for _, r in tree.results if r.is_annual}
        contract_files, results_files = _sources(tree)
        contract_files[contract.id] = file.file
        if results is not None:
            annual[contract.id] = results
            results_files[contract.id] = results_file
        contracts = [c for _, c in tree.contracts if c.id != contract.id] + [contract]
        family = families(contracts, annual, contract_files, results_files)[contract.id]
        rolled = rollup(family)
        results, notes = rolled.results, rolled.notes
    scored = score(
        contract, guidelines, results, contract_file=file.file, results_file=results_file
    )
    if notes:
        scored = replace(scored, warnings=(*scored.warnings, *notes))
    return Scored(located(scored, options), loaded.warnings)


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
    problems = [w for s in scores for w in s.warnings if w.file and not w.line]
    if not problems:
        return list(scores)
    where = {replace(p, line=0, column=0): p for p in locate_all(problems, options.limits)}
    return [
        replace(s, warnings=tuple(where.get(w, w) for w in s.warnings)) if s.warnings else s
        for s in scores
    ]


@dataclass(frozen=True, slots=True)
class Ranked:
    rows: list[RankRow]
    scores: list[ContractScore]
    warnings: list[Problem]
    # The validated documents, for callers that show more than the scores.
    documents: Loaded


def rank_paths(
    paths: Sequence[str],
    guidelines_path: str | None = None,
    options: Options | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    with_rollup: bool = False,
) -> Ranked:
    """Score every contract under ``paths`` against its annual results, and rank."""
    options = options or Options()
    override = _override(guidelines_path, options)
    loaded = _load(discover(paths), options)
    annual = {r.contract: r for _, r in loaded.results if r.is_annual}
    contract_files, results_files = _sources(loaded)
    contracts = [c for _, c in loaded.contracts]
    tree = families(contracts, annual, contract_files, results_files) if with_rollup else {}
    scores = []
    total = len(loaded.contracts)
    for done, (file, contract) in enumerate(loaded.contracts, 1):
        guidelines = _guidelines_for(loaded, file, contract, override)
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
    scores = locate_scores(scores, options)
    return Ranked(rank(scores), scores, loaded.warnings, loaded)
