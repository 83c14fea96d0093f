"""The cross-file index: compact per-file summaries and lookups over them.

A summary holds only what the cross-file rules need (ids, parent links, targets
by indicator), so that it is cheap to keep for a whole national tree, to pass
between processes and to cache.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pcontract.model import CascadePlan, Contract, Guidelines, Results, Value
from pcontract.problems import JsonPath


@dataclass(frozen=True, slots=True)
class IndicatorSummary:
    id: str
    kind: str
    target: Value
    aggregation: str
    cascaded_from: tuple[str, str] | None
    path: JsonPath


@dataclass(frozen=True, slots=True)
class ContractSummary:
    file: str
    source: str
    id: str
    parent: str | None
    financial_year: str
    institution: str
    category: str
    status: str
    agent: str
    guidelines: str | None  # as written
    guidelines_source: str | None  # resolved to a real path
    indicators: tuple[IndicatorSummary, ...]
    category_weights: tuple[tuple[str, str, JsonPath], ...]  # (id, weight, path)

    def indicator(self, indicator_id: str) -> IndicatorSummary | None:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        return None


@dataclass(frozen=True, slots=True)
class ResultsSummary:
    file: str
    source: str
    contract: str
    period: str
    # (indicator id, the scored figure or None, not applicable, moderated)
    achievements: tuple[tuple[str, Value | None, bool, bool], ...]


@dataclass(frozen=True, slots=True)
class GuidelinesSummary:
    file: str
    source: str
    id: str
    financial_year: str
    # (category id, name, min, max, required)
    categories: tuple[tuple[str, str, str | None, str | None, bool], ...]


@dataclass(frozen=True, slots=True)
class PlanSummary:
    file: str
    source: str
    parent: str


Summary = ContractSummary | ResultsSummary | GuidelinesSummary | PlanSummary


def real(path: str) -> str:
    return os.path.realpath(path)


def summarize(document: object, file: str, source: str) -> Summary:
    if isinstance(document, Contract):
        guidelines_source = None
        if document.guidelines:
            guidelines_source = real(os.path.join(os.path.dirname(source), document.guidelines))
        return ContractSummary(
            file=file,
            source=source,
            id=document.id,
            parent=document.parent,
            financial_year=document.financial_year,
            institution=document.institution,
            category=document.category,
            status=document.status,
            agent=str(document.agent) if document.agent else "",
            guidelines=document.guidelines,
            guidelines_source=guidelines_source,
            indicators=tuple(
                IndicatorSummary(
                    i.id,
                    i.kind,
                    i.target,
                    i.aggregation,
                    (i.cascaded_from.contract, i.cascaded_from.indicator)
                    if i.cascaded_from
                    else None,
                    i.path,
                )
                for i in document.indicators
            ),
            category_weights=tuple((c.id, str(c.weight), c.path) for c in document.criteria),
        )
    if isinstance(document, Results):
        return ResultsSummary(
            file,
            source,
            document.contract,
            document.period,
            tuple(
                (a.id, a.effective, a.not_applicable, a.moderation is not None)
                for a in document.achievements.values()
            ),
        )
    if isinstance(document, Guidelines):
        return GuidelinesSummary(
            file,
            source,
            document.id,
            document.financial_year,
            tuple(
                (
                    c.id,
                    c.name,
                    str(c.min) if c.min is not None else None,
                    str(c.max) if c.max is not None else None,
                    c.required,
                )
                for c in document.categories
            ),
        )
    assert isinstance(document, CascadePlan)
    return PlanSummary(file, source, document.parent)


@dataclass
class Index:
    """Everything the cross-file rules look things up in."""

    contracts: list[ContractSummary] = field(default_factory=list)
    results: list[ResultsSummary] = field(default_factory=list)
    guidelines: list[GuidelinesSummary] = field(default_factory=list)
    plans: list[PlanSummary] = field(default_factory=list)
    # Ids of documents that exist but failed their schema; lookups that land on
    # them are not reported again.
    broken_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Files read only as context (a referenced Guidelines outside the given paths),
    # by real path; None where the file is missing or not a valid Guidelines.
    context_guidelines: dict[str, GuidelinesSummary | None] = field(default_factory=dict)

    def add(self, summary: Summary) -> None:
        if isinstance(summary, ContractSummary):
            self.contracts.append(summary)
        elif isinstance(summary, ResultsSummary):
            self.results.append(summary)
        elif isinstance(summary, GuidelinesSummary):
            self.guidelines.append(summary)
        else:
            self.plans.append(summary)

    def finish(self) -> Index:
        self.contracts.sort(key=lambda s: s.file)
        self.results.sort(key=lambda s: s.file)
        self.guidelines.sort(key=lambda s: s.file)
        self.plans.sort(key=lambda s: s.file)
        self.by_id: dict[str, list[ContractSummary]] = defaultdict(list)
        self.children: dict[str, list[ContractSummary]] = defaultdict(list)
        for contract in self.contracts:
            self.by_id[contract.id].append(contract)
            if contract.parent:
                self.children[contract.parent].append(contract)
        self.guidelines_by_source = {g.source: g for g in self.guidelines}
        self._indicator_tables: dict[str, dict[str, IndicatorSummary]] = {}
        return self

    def indicator(self, contract: ContractSummary, indicator_id: str) -> IndicatorSummary | None:
        """A contract's indicator by id. The cascade rules ask this for every indicator
        of every child, so each parent's lookup table is built once."""
        table = self._indicator_tables.get(contract.id)
        if table is None:
            table = self._indicator_tables[contract.id] = {i.id: i for i in contract.indicators}
        return table.get(indicator_id)

    def contract(self, contract_id: str) -> ContractSummary | None:
        found = self.by_id.get(contract_id)
        return found[0] if found else None

    def is_broken(self, kind: str, document_id: str) -> bool:
        return document_id in self.broken_ids.get(kind, set())

    def guidelines_at(self, source: str) -> GuidelinesSummary | None:
        if source in self.guidelines_by_source:
            return self.guidelines_by_source[source]
        return self.context_guidelines.get(source)


# -- (de)serialisation, for the cache ------------------------------------------------
# Summaries are stored without their file names: the same bytes may sit at another
# path next time, so the file, its real path and anything resolved against it are
# attached again when a summary is read back.


def _tuple(value: Any) -> Any:
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


def summary_to_json(summary: Summary) -> dict[str, Any]:
    data = {
        k: getattr(summary, k)
        for k in summary.__dataclass_fields__
        if k not in ("file", "source", "guidelines_source")
    }
    if isinstance(summary, ContractSummary):
        data["indicators"] = [
            {k: getattr(i, k) for k in i.__dataclass_fields__} for i in summary.indicators
        ]
    return {"type": type(summary).__name__, **data}


def summary_from_json(data: dict[str, Any], file: str, source: str) -> Summary:
    kind = data.pop("type")
    fields = {k: _tuple(v) for k, v in data.items()}
    if kind == "ContractSummary":
        fields["indicators"] = tuple(
            IndicatorSummary(**{k: _tuple(v) for k, v in i.items()}) for i in data["indicators"]
        )
        guidelines = fields.get("guidelines")
        fields["guidelines_source"] = (
            real(os.path.join(os.path.dirname(source), guidelines)) if guidelines else None
        )
        return ContractSummary(file=file, source=source, **fields)
    cls = {
        "ResultsSummary": ResultsSummary,
        "GuidelinesSummary": GuidelinesSummary,
        "PlanSummary": PlanSummary,
    }[kind]
    summary: Summary = cls(file=file, source=source, **fields)
    return summary
