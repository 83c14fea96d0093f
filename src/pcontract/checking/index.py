"""The cross-file index: compact per-file summaries and lookups over them.

A summary holds only what the cross-file rules need (ids, parent links, targets
by indicator), so that it is cheap to keep for a whole national tree, to pass
between processes and to cache.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from operator import attrgetter
from sys import intern
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

# Where real paths are made; kept importable from here.
from pcontract.files.reading import Limits, real_from
from pcontract.files.reading import forget_folders as forget_folders
from pcontract.files.reading import real as real
from pcontract.problems import JsonPath

if TYPE_CHECKING:
    # Only summarize() needs the model; a warm run reads summaries from the cache.
    from pcontract.model import (
        Achievement,
        CategoryRange,
        Contract,
        Guidelines,
        Indicator,
        Results,
        Value,
    )


_Pickled = TypeVar("_Pickled")


def _pickled_by_fields(cls: type[_Pickled]) -> type[_Pickled]:
    """Pickle a frozen summary as its class and its fields in order. Summaries are
    made in worker processes and read back by the hundred thousand, and a frozen
    dataclass's own state is taken and restored field by field in Python. The
    fields named in ``_COLUMN_FIELDS`` are read back shared (see :func:`_rebuilt`)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    values: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)
    _COLUMN_AT[cls] = tuple(n for n, name in enumerate(names) if name in _COLUMN_FIELDS)

    def reduce(self: _Pickled) -> tuple[Callable[..., _Pickled], tuple[Any, ...]]:
        return _rebuilt, (cls, values(self))

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls


# The columns of a summary that siblings mostly share, and where they are among
# each pickled class's fields.
_COLUMN_FIELDS: Final = frozenset(
    ("ids", "kinds", "aggregations", "cascaded", "paths", "category_weights")
)
_COLUMN_AT: dict[type, tuple[int, ...]] = {}


def _rebuilt(cls: Callable[..., _Pickled], values: tuple[Any, ...]) -> _Pickled:
    """A summary read back from a worker, its columns shared with equal ones
    already seen: each arrives as a copy, with tuples of its own, and a national
    tree holds a hundred thousand of them."""
    at = _COLUMN_AT[cls]  # type: ignore[index]
    if at:
        given = list(values)
        for n in at:
            given[n] = _column(given[n])
        values = tuple(given)
    return cls(*values)


@dataclass(frozen=True, slots=True)
class IndicatorSummary:
    id: str
    kind: str
    target: Value
    aggregation: str
    cascaded_from: tuple[str, str] | None
    path: JsonPath


class CascadedFrom(NamedTuple):
    """The parent indicator a child's indicator carries (its ``cascaded_from``)."""

    contract: str
    indicator: str


class CategoryWeight(NamedTuple):
    """A contract's criterion (a category) and the weight it gives it."""

    id: str
    weight: str  # as a decimal number's text
    path: JsonPath


class Period(NamedTuple):
    """A contract's period, as written (dates, not yet parsed)."""

    start: str
    end: str


_NO_PERIOD = Period("", "")


@_pickled_by_fields
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
    # The indicators as columns, one tuple per field: a national tree holds
    # millions of indicators, and a tuple slot costs far less than an object.
    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    targets: tuple[Value, ...]
    aggregations: tuple[str, ...]
    cascaded: tuple[CascadedFrom | None, ...]
    paths: tuple[JsonPath, ...]
    category_weights: tuple[CategoryWeight, ...]
    period: Period = _NO_PERIOD
    # One letter per indicator: "%" measured in percent, "-" not.
    percent: str = ""
    # The ids of the goals (indicators holding sub_indicators), which results do
    # not report: their sub-indicators are in ``ids``.
    goals: tuple[str, ...] = ()
    # The positions (in ``ids``) of the decrease indicators with target 0 that give
    # no fair or poor of their own (model.needs_zero_target_defaults; PC324).
    zero_targets: tuple[int, ...] = ()

    @property
    def indicators(self) -> tuple[IndicatorSummary, ...]:
        """The indicators as objects, made on each call: keep the result in a loop."""
        return tuple(
            map(
                IndicatorSummary,
                self.ids,
                self.kinds,
                self.targets,
                self.aggregations,
                self.cascaded,
                self.paths,
            )
        )

    def goal_members(self, goal_id: str) -> list[str]:
        """The ids of a goal's sub-indicators. A sub-indicator's path runs through
        its goal's (criteria, c, indicators, i, sub_indicators, j), and goals come
        in the order of the paths."""
        prefixes = list(dict.fromkeys(p[:4] for p in self.paths if len(p) > 4))
        at = self.goals.index(goal_id)
        return [i for i, p in zip(self.ids, self.paths, strict=True) if p[:4] == prefixes[at]]

    def indicator(self, indicator_id: str) -> IndicatorSummary | None:
        try:
            at = self.ids.index(indicator_id)
        except ValueError:
            return None
        return IndicatorSummary(
            self.ids[at],
            self.kinds[at],
            self.targets[at],
            self.aggregations[at],
            self.cascaded[at],
            self.paths[at],
        )


# What a reported figure is, one letter per achievement: a number, true, false,
# text (kept, to be quoted in messages), or none.
NUMBER, TRUE, FALSE, TEXT, NONE = "n", "t", "f", "s", "-"


class ReportedAchievement(NamedTuple):
    """One achievement of a results summary, as the cross-file rules read it."""

    indicator_id: str
    value_type: str  # NUMBER, TRUE, FALSE, TEXT or NONE
    text: str | None  # the figure, if it is text
    not_applicable: bool
    moderated: bool


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ResultsSummary:
    file: str
    source: str
    contract: str
    period: str
    # Parallel columns rather than a tuple per achievement. flags: one letter
    # each, "a" not applicable, "m" moderated, "-" neither. types: see NUMBER...;
    # texts: the text figures, in order (dates of milestones, mostly).
    ids: tuple[str, ...]
    types: str
    texts: tuple[str, ...]
    flags: str
    as_of: str = ""
    # The achievements whose figure is a number outside 0 to 100, with the figure
    # as written: a percentage's figure then needs a second look (PC323). One
    # text, "position:figure" for each, apart by spaces (see :meth:`beyond`): a
    # tuple of pairs cost about 2.5 kB a file of 40 counts.
    beyond_percent: str = ""

    def beyond(self) -> Iterator[tuple[str, str]]:
        """Each achievement whose figure is a number outside 0 to 100: its
        indicator's id and the figure as written."""
        for item in self.beyond_percent.split():
            at, _, figure = item.partition(":")
            yield self.ids[int(at)], figure

    @property
    def achievements(self) -> Iterator[ReportedAchievement]:
        """The achievements as rows, made from the columns on each call."""
        texts = iter(self.texts)
        # tuple.__new__ skips the NamedTuple's own __new__, written in Python: this
        # makes a row for every achievement in the tree, at half the cost.
        make = tuple.__new__
        for indicator_id, kind, flag in zip(self.ids, self.types, self.flags, strict=True):
            text = next(texts) if kind == TEXT else None
            yield make(ReportedAchievement, (indicator_id, kind, text, flag == "a", flag == "m"))

    def achievements_at(self, positions: Iterable[int]) -> Iterator[ReportedAchievement]:
        """The achievements at ``positions`` of the columns (in increasing order),
        as rows: what :attr:`achievements` gives there. Each text figure is found
        by counting the text figures before it from the last position, so that a
        file of many is read once, not once for each."""
        make = tuple.__new__
        types, texts_before, counted_to = self.types, 0, 0
        for at in positions:
            kind, flag = types[at], self.flags[at]
            texts_before += types.count(TEXT, counted_to, at)
            counted_to = at
            text = self.texts[texts_before] if kind == TEXT else None
            yield make(ReportedAchievement, (self.ids[at], kind, text, flag == "a", flag == "m"))

    def not_numbers(self) -> list[int]:
        """The positions of the achievements whose figure is true, false or text:
        neither a number nor none."""
        return [found.start() for found in _NOT_A_NUMBER.finditer(self.types)]

    @property
    def text_achievements(self) -> Iterator[ReportedAchievement]:
        """The achievements whose figure is text (a milestone's day, mostly), as
        rows: what :attr:`achievements` gives of them, without the others."""
        make = tuple.__new__
        at = self.types.find(TEXT)
        for text in self.texts:
            flag = self.flags[at]
            yield make(ReportedAchievement, (self.ids[at], TEXT, text, flag == "a", flag == "m"))
            at = self.types.find(TEXT, at + 1)


_NOT_A_NUMBER: Final = re.compile(f"[{TRUE}{FALSE}{TEXT}]")


def value_type(value: object) -> str:
    if value is None:
        return NONE
    if value is True:
        return TRUE
    if value is False:
        return FALSE
    return TEXT if isinstance(value, str) else NUMBER


class GuidelinesCategory(NamedTuple):
    """A category of the guidelines and the weights it allows."""

    id: str
    name: str
    min_weight: str | None  # as a decimal number's text; None: no lower bound
    max_weight: str | None  # None: no upper bound
    required: bool


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class GuidelinesSummary:
    file: str
    source: str
    id: str
    financial_year: str
    categories: tuple[GuidelinesCategory, ...]
    # Guidelines.scores_zero_target_miss (PC324).
    scores_zero_target_miss: bool = False


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class PlanSummary:
    file: str
    source: str
    parent: str


Summary = ContractSummary | ResultsSummary | GuidelinesSummary | PlanSummary

# A child contract, its parent, and for each of the child's indicators the position
# in the parent's columns of the indicator it is cascaded from, or None. Made by
# the cascade rules (pcontract.rules.cascade), which share it through the Index.
CascadeLink = tuple[ContractSummary, ContractSummary, tuple[int | None, ...]]


_PATHS: dict[JsonPath, JsonPath] = {}


_PAIRS: dict[tuple[str, str], CascadedFrom] = {}


def _shared(path: JsonPath) -> JsonPath:
    """One tuple per distinct path: every contract has ("criteria", 0, "indicators", 0)."""
    return _PATHS.setdefault(path, path)


def guidelines_path(source: str, guidelines: str) -> str:
    """A contract's ``guidelines:`` path joined to its folder, not yet resolved:
    relative to the contract's real path, as written."""
    return os.path.join(os.path.dirname(source), guidelines)


def guidelines_file(source: str, guidelines: str) -> str:
    """The one guidelines resolver: the real path of the file a contract's
    ``guidelines:`` names, for a contract read from real path ``source``."""
    return real_from(os.path.dirname(source), guidelines)


_COLUMNS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _column(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """One tuple per distinct column: siblings cascaded from one parent mostly have
    the same ids, kinds, aggregations, links and paths."""
    return _COLUMNS.setdefault(values, values)


def _names(values: list[str]) -> tuple[str, ...]:
    """:func:`_column` of a column of names read from the cache, each interned:
    interned only the first time the column is seen."""
    raw = tuple(values)
    found = _COLUMNS.get(raw)
    return found if found is not None else _column(tuple(map(intern, raw)))


def _links(values: list[list[str] | None]) -> tuple[CascadedFrom | None, ...]:
    """:func:`_column` of a column of ``cascaded_from`` links read from the cache,
    each link shared (:func:`_pair`) the first time the column is seen."""
    raw = tuple(tuple(link) if link else None for link in values)
    found = _LINKS.get(raw)  # apart from _COLUMNS: an equal tuple there may hold plain pairs
    if found is None:
        found = _LINKS[raw] = _column(tuple(_pair(*link) if link else None for link in raw))
    return found


_LINKS: dict[tuple[tuple[str, ...] | None, ...], tuple[CascadedFrom | None, ...]] = {}


def _paths(values: list[list[str | int]]) -> tuple[JsonPath, ...]:
    """:func:`_column` of a column of JSON paths read from the cache, each path
    shared (:func:`_shared`) the first time the column is seen."""
    raw = tuple(map(tuple, values))
    found = _COLUMNS.get(raw)
    return found if found is not None else _column(tuple(map(_shared, raw)))


def _pair(contract: str, indicator: str) -> CascadedFrom:
    """One tuple per parent indicator, shared by all the siblings that carry it."""
    key = (intern(contract), intern(indicator))
    found = _PAIRS.get(key)
    if found is None:
        # tuple.__new__ skips the NamedTuple's own __new__, written in Python: a
        # national tree has a pair for each indicator of every parent.
        found = _PAIRS[key] = tuple.__new__(CascadedFrom, key)
    return found


def summarize(document: object, file: str, source: str) -> Summary:
    from pcontract.model import CascadePlan, Contract, Guidelines, Results

    if isinstance(document, Contract):
        return _contract_summary(document, file, source)
    if isinstance(document, Results):
        return _results_summary(document, file, source)
    if isinstance(document, Guidelines):
        return _guidelines_summary(document, file, source)
    assert isinstance(document, CascadePlan)
    return PlanSummary(file, source, document.parent)


def _contract_summary(document: Contract, file: str, source: str) -> ContractSummary:
    from pcontract.model import needs_zero_target_defaults

    indicators = document.indicators
    guidelines_source = None
    if document.guidelines:
        guidelines_source = guidelines_file(source, document.guidelines)
    return ContractSummary(
        file=file,
        source=source,
        id=intern(document.id),
        parent=intern(document.parent) if document.parent else None,
        financial_year=intern(document.financial_year),
        institution=document.institution,
        category=intern(document.category),
        status=intern(document.status),
        agent=str(document.agent) if document.agent else "",
        guidelines=document.guidelines,
        guidelines_source=guidelines_source,
        ids=_column(tuple(intern(i.id) for i in indicators)),
        kinds=_column(tuple(intern(i.kind) for i in indicators)),
        targets=tuple(i.target for i in indicators),
        aggregations=_column(tuple(intern(i.aggregation) for i in indicators)),
        cascaded=_column(tuple(map(_cascaded_pair, indicators))),
        paths=_column(tuple(_shared(i.path) for i in indicators)),
        category_weights=_column(
            tuple(CategoryWeight(c.id, str(c.weight), c.path) for c in document.criteria)
        ),
        period=Period(document.period_start, document.period_end),
        percent="".join("%" if i.is_percent else "-" for i in indicators),
        goals=tuple(intern(g.id) for g in document.goals),
        zero_targets=tuple(n for n, i in enumerate(indicators) if needs_zero_target_defaults(i)),
    )


def _cascaded_pair(indicator: Indicator) -> CascadedFrom | None:
    link = indicator.cascaded_from
    return _pair(link.contract, link.indicator) if link else None


def _results_summary(document: Results, file: str, source: str) -> ResultsSummary:
    from pcontract.model import in_percent_range

    entries = document.achievements.values()
    figures = [a.effective for a in entries]  # each figure found once
    return ResultsSummary(
        file,
        source,
        intern(document.contract),
        intern(document.period),
        tuple(intern(a.id) for a in entries),
        "".join(map(value_type, figures)),
        tuple(figure for figure in figures if isinstance(figure, str)),
        "".join(map(_flag, entries)),
        document.as_of,
        " ".join(
            f"{at}:{figure}" for at, figure in enumerate(figures) if not in_percent_range(figure)
        ),
    )


def _flag(achievement: Achievement) -> str:
    """See ResultsSummary.flags."""
    if achievement.not_applicable:
        return "a"
    return "m" if achievement.moderation is not None else "-"


def _guidelines_summary(document: Guidelines, file: str, source: str) -> GuidelinesSummary:
    return GuidelinesSummary(
        file,
        source,
        document.id,
        document.financial_year,
        tuple(map(_guidelines_category, document.categories)),
        document.scores_zero_target_miss,
    )


def _guidelines_category(category: CategoryRange) -> GuidelinesCategory:
    low, high = category.min, category.max
    return GuidelinesCategory(
        category.id,
        category.name,
        str(low) if low is not None else None,
        str(high) if high is not None else None,
        category.required,
    )


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
    # Derived by the cascade rules on first use, so that the three that need it
    # walk the tree once; finish() drops it along with the other lookups.
    cascade_links: list[CascadeLink] | None = field(default=None, repr=False, compare=False)
    # The loader's limits, for the rules that read a document again (PC244).
    limits: Limits = field(default_factory=Limits, repr=False, compare=False)

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
        self.cascade_links = None
        return self

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
    return {"type": type(summary).__name__, **data}


def summary_from_json(data: dict[str, Any], file: str, source: str) -> Summary:
    """Rebuild a summary field by field: a warm run does this for every file, so
    each column is converted directly rather than by a generic walk."""
    kind = data["type"]
    if kind == "ContractSummary":
        guidelines = data["guidelines"]
        return ContractSummary(
            file=file,
            source=source,
            id=intern(data["id"]),
            parent=intern(data["parent"]) if data["parent"] else None,
            financial_year=intern(data["financial_year"]),
            institution=data["institution"],
            category=intern(data["category"]),
            status=intern(data["status"]),
            agent=data["agent"],
            guidelines=guidelines,
            guidelines_source=guidelines_file(source, guidelines) if guidelines else None,
            ids=_names(data["ids"]),
            kinds=_names(data["kinds"]),
            targets=tuple(data["targets"]),
            aggregations=_names(data["aggregations"]),
            cascaded=_links(data["cascaded"]),
            paths=_paths(data["paths"]),
            category_weights=_column(
                tuple(
                    CategoryWeight(cid, weight, _shared(tuple(path)))
                    for cid, weight, path in data["category_weights"]
                )
            ),
            period=Period(data["period"][0], data["period"][1]),
            percent=data["percent"],
            goals=tuple(map(intern, data["goals"])),
            zero_targets=tuple(data["zero_targets"]),
        )
    if kind == "ResultsSummary":
        return ResultsSummary(
            file,
            source,
            intern(data["contract"]),
            intern(data["period"]),
            tuple(map(intern, data["ids"])),
            data["types"],
            tuple(data["texts"]),
            data["flags"],
            data["as_of"],
            data["beyond_percent"],
        )
    fields = {k: _tuple(v) for k, v in data.items() if k != "type"}
    if kind == "GuidelinesSummary":
        fields["categories"] = tuple(GuidelinesCategory(*c) for c in fields["categories"])
    cls = {"GuidelinesSummary": GuidelinesSummary, "PlanSummary": PlanSummary}[kind]
    summary: Summary = cls(file=file, source=source, **fields)
    return summary
