"""Report cards and league tables: view models built from scores, rendered by templates.

Core code: no printing, no exits, no typer or rich. The flow is

1. load: :func:`pcontract.scoring.evaluation.load_card` and ``load_site`` validate and
   score the inputs, each once, and keep the documents a card needs beyond the
   scores (parties, status, the guidelines' bands and rules);
2. view: turn them into a plain, JSON-like dict of display strings and chart
   positions (:func:`card_view`, :func:`index_view`), so templates never do
   arithmetic on scores;
3. render: Jinja templates in a sandbox. HTML templates autoescape everything;
   in Markdown templates every ``{{ value }}`` passes through :func:`tables.md`
   by default (a ``finalize`` hook), so a template author cannot forget to escape.

The default templates live in the top-level ``templates/`` folder (packaged as
``pcontract/templates``); ``--template DIR`` overrides them file by file. Output
is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import functools
import os
import re
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pcontract.errors import UsageError
from pcontract.formatting import dp, show
from pcontract.model import (
    Contract,
    GradeBand,
    Guidelines,
    Results,
)
from pcontract.render import sandbox, wording
from pcontract.render.card_extras import card_extras
from pcontract.render.sandbox import TemplateError
from pcontract.render.tables import last_year_text, md, movement_text, with_goals
from pcontract.scoring.cards import League
from pcontract.scoring.evaluation import CardInputs, LinkedContract, SiteInputs
from pcontract.scoring.method import (
    METHOD_PERCENTAGE,
    NO_RESULTS,
    NOT_SCORED_ALL_NA,
    STATUS_MODERATED,
    STATUS_NOT_APPLICABLE,
    STATUS_NOT_REPORTED,
    ContractScore,
    GoalScore,
    IndicatorScore,
    better_composite,
    fraction,
    neutral_score,
    round4,
)

if TYPE_CHECKING:
    from jinja2 import BaseLoader, Environment
    from markupsafe import Markup

CARD_TEMPLATES: Final = {"md": "card.md", "html": "card.html"}
INDEX_TEMPLATE: Final = "index.html"
CARDS_FOLDER: Final = "cards"

# What the card says when the guidelines' grade band gives no ``action``.
DEFAULT_ACTIONS: Final = {
    "excellent": "Recognised for excellence",
    "good": "Corrective action required",
    "fair": "Corrective action required",
    "poor": "Corrective action required",
}


PROGRESS_LABELS: Final = {
    "on-track": "on track",
    "at-risk": "at risk",
    "off-track": "off track",
    "not-due": "not yet due",
    "no-quarterly-target": "no quarterly target",
    "not-reported": "not reported",
    "not-applicable": "not applicable",
}

BAR_CELLS: Final = 10  # cells on each side of a Markdown bar's target mark
# How many of the latest baseline years the indicator table shows beside the actual.
BASELINE_YEARS: Final = 2
_SLUG = re.compile(r"[^A-Za-z0-9._-]")
# The largest template file read from a --template folder.
_MAX_TEMPLATE_BYTES: Final = 4 * 1024 * 1024


# ---------------------------------------------------------------------------
# Loading: scores plus the documents behind them


# ---------------------------------------------------------------------------
# View models: plain dicts of display strings and chart positions


@dataclass(frozen=True, slots=True)
class _Scale:
    """Where scores sit on a chart: 0 is the worst end, 1 the best."""

    best: Fraction
    worst: Fraction
    target: Fraction
    lower_is_better: bool
    percentage: bool

    def pos(self, value: Fraction | Decimal) -> float:
        x = fraction(value)
        share = (x - self.worst) / (self.best - self.worst)
        return float(round4(min(max(share, Fraction(0)), Fraction(1))))

    def worse(self, a: Fraction, b: Fraction) -> bool:
        """Whether score ``a`` is worse than score ``b``."""
        return better_composite(b, a, self.lower_is_better)

    def label(self, value: Fraction | Decimal) -> str:
        x = fraction(value)
        if not self.percentage:
            return dp(x, 2)
        return f"{dp(x, 0 if x.denominator == 1 else 1)}%"


def _scale(score: ContractScore, guidelines: Guidelines) -> _Scale:
    if guidelines.method == METHOD_PERCENTAGE:
        cap = guidelines.percentage_cap
        top = fraction(cap) if cap is not None else Fraction(120)
        if score.composite is not None and score.composite > top:
            top = Fraction(int(score.composite / 10) * 10 + 10)
        return _Scale(top, Fraction(0), Fraction(100), False, True)
    return _Scale(
        fraction(guidelines.best),
        fraction(guidelines.worst),
        fraction(guidelines.target),
        score.lower_is_better,
        False,
    )


def _weight_base(score: ContractScore) -> Fraction:
    """What weighted scores are divided by: 100, or for a percentage composite the
    weights in play (see scoring)."""
    if score.method == METHOD_PERCENTAGE:
        return sum((c.effective_weight for c in score.categories), Fraction(0)) or Fraction(100)
    return Fraction(100)


def _grade_level(grade: str | None, guidelines: Guidelines) -> int | None:
    """0 (best) to 4 (worst), for colours: the band's place spread over five levels."""
    names = [band.grade for band in guidelines.grades]
    if grade is None or grade not in names:
        return None
    if len(names) == 1:
        return 0
    return round(names.index(grade) * 4 / (len(names) - 1))


def _band(grade: str | None, guidelines: Guidelines) -> GradeBand | None:
    return next((band for band in guidelines.grades if band.grade == grade), None)


def _action(grade: str | None, guidelines: Guidelines) -> str:
    band = _band(grade, guidelines)
    if band is not None and band.action:
        return band.action
    return DEFAULT_ACTIONS.get((grade or "").strip().lower(), "")


def _action_kind(grade: str | None, guidelines: Guidelines) -> str:
    text = _action(grade, guidelines).lower()
    if "corrective" in text or "sanction" in text:
        return "corrective"
    if "excellen" in text:
        return "excellence"
    return "neutral"


def _worst_edge(band: GradeBand, percentage: bool) -> Fraction | None:
    """The worst score a band holds: a five-point band's ``max``, a percentage
    band's lower bound; None when it runs to the worst end of the scale."""
    bound = (band.above if band.above is not None else band.min) if percentage else band.max
    return fraction(bound) if bound is not None else None


def grade_tones(guidelines: Guidelines, scale: _Scale) -> dict[str, str]:
    """Each grade's tone (good, warn or bad): the guidelines' ``tone``, else the
    default from where its band sits against the target score."""
    bands = guidelines.grades
    edges = [_worst_edge(band, scale.percentage) for band in bands]
    defaults = wording.default_tones(edges, scale.target, scale.worse)
    return {band.grade: band.tone or tone for band, tone in zip(bands, defaults, strict=True)}


def grade_meanings(guidelines: Guidelines, scale: _Scale) -> dict[str, str]:
    """Each grade's one-line meaning: the guidelines' ``meaning``, else its default."""
    tones = grade_tones(guidelines, scale)
    return {
        band.grade: wording.grade_meaning(band.grade, band.meaning, tones[band.grade])
        for band in guidelines.grades
    }


def _person(person: object) -> str:
    return str(person) if person is not None else ""


def _verdict(item: IndicatorScore) -> wording.Verdict:
    """How the indicator's actual compares with its target, in words (see wording)."""
    return wording.indicator_verdict(item.kind, item.unit, item.target, item.actual, item.status)


def _gap_text(item: IndicatorScore) -> str:
    """A gaps row's words: the indicator's verdict, as its own row says it."""
    return _verdict(item).text


def _actual_text(item: IndicatorScore) -> str:
    if item.status == STATUS_NOT_APPLICABLE:
        return "n/a"
    if item.status == STATUS_NOT_REPORTED:
        return "not reported"
    return show(item.actual)


def _indicator(item: IndicatorScore, names: Mapping[str, str]) -> dict[str, Any]:
    moderation = None
    if item.status == STATUS_MODERATED and item.moderation is not None:
        moderation = {
            "reported": show(item.reported),
            "actual": show(item.moderation.actual),
            "by": item.moderation.by,
            "reason": item.moderation.reason,
        }
    verification = None
    if item.verification is not None and item.actual is not None:
        verification = {
            "reported": show(item.reported),
            "actual": show(item.verification.actual),
            "by": item.verification.by,
            "reason": item.verification.reason,
            "method": item.verification.method,
        }
    verdict = _verdict(item)
    return {
        "id": item.id,
        "name": item.name,
        "category": item.category,
        "category_name": names.get(item.category, item.category),
        "kind": item.kind,
        "unit": item.unit,
        "weight": dp(item.effective_weight, 2),
        "contract_weight": show(item.weight),
        "rescaled": item.effective_weight != item.weight,
        "target": show(item.target),
        "actual": _actual_text(item),
        "status": item.status,
        "verdict": verdict.text,
        "outcome": verdict.outcome,
        "missed": verdict.outcome in (wording.OUTCOME_WORSE, wording.OUTCOME_NOT_REPORTED),
        "direction": wording.direction_note(item.kind),
        "moderation": moderation,
        "verification": verification,
        "scored_from": item.scored_from,
        "reason": item.reason,
        "achievement": wording.achievement_text(item.kind, dp(item.achievement_pct, 1)),
        "raw": dp(item.raw_score, 4),
        "weighted": dp(item.weighted_score, 4),
        "evidence": item.evidence,
        "is_goal": False,
        "goal": item.goal,
        "notes": item.notes if item.notes.strip() else "",
    }


def _goal(goal: GoalScore) -> dict[str, Any]:
    """A goal's group row: its summed weight, its raw score (the weighted mean of
    its sub-indicators') and the sum of their weighted scores."""
    return {
        "is_goal": True,
        "id": goal.id,
        "name": goal.name,
        "category": goal.category,
        "weight": dp(goal.effective_weight, 2),
        "contract_weight": show(goal.weight),
        "rescaled": goal.effective_weight != goal.weight,
        "raw": dp(goal.raw_score, 4),
        "weighted": dp(goal.weighted_score, 4),
        "indicators": list(goal.indicators),
        "count": len(goal.indicators),
        "notes": goal.notes if goal.notes.strip() else "",
        "projected": dp(goal.projected_raw_score, 4),
    }


def _gaps(score: ContractScore, scale: _Scale) -> list[dict[str, Any]]:
    """Indicators that missed their target, worst weighted impact first.

    Impact is how much the indicator cost the composite against meeting its target
    exactly: (raw − target score) × effective weight / weight base.
    """
    base = _weight_base(score)
    found: list[tuple[Fraction, int, dict[str, Any]]] = []
    for order, item in enumerate(score.indicators):
        if item.raw_score is None or item.status == STATUS_NOT_APPLICABLE:
            continue
        if not scale.worse(item.raw_score, scale.target):
            continue
        shortfall = abs(item.raw_score - scale.target)
        impact = shortfall * item.effective_weight / base
        found.append(
            (
                -impact,
                order,
                {
                    "id": item.id,
                    "name": item.name,
                    "target": show(item.target),
                    "actual": _actual_text(item),
                    "gap": _gap_text(item),
                    "outcome": _verdict(item).outcome,
                    "direction": wording.direction_note(item.kind),
                    "raw": dp(item.raw_score, 4),
                    "impact": dp(impact, 4),
                },
            )
        )
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [entry[2] for entry in found]


def _bar(value: Fraction | None, scale: _Scale) -> str:
    """A text bar centred on the target score: filled toward better (right) or
    worse (left), by the distance from the target."""
    if value is None:
        return ""
    return wording.centred_bar(scale.pos(value), scale.pos(scale.target), BAR_CELLS)


def _category_outcome(mean: Fraction | None, scale: _Scale) -> tuple[str, str]:
    """(outcome, verdict) of a category's mean score against the target score."""
    if mean is None:
        return wording.OUTCOME_NOT_APPLICABLE, "not applicable"
    verdict = wording.versus_target(mean, scale.target, scale.worse)
    outcome = {
        wording.ON_TARGET: wording.OUTCOME_MET,
        wording.WORSE_THAN_TARGET: wording.OUTCOME_WORSE,
    }.get(verdict, wording.OUTCOME_BETTER)
    return outcome, verdict


def _categories(score: ContractScore, scale: _Scale) -> list[dict[str, Any]]:
    base = _weight_base(score)
    out = []
    for category in score.categories:
        mean: Fraction | None = None
        if category.effective_weight:
            mean = category.weighted_score * base / category.effective_weight
        pos = scale.pos(mean) if mean is not None else 0.0
        outcome, verdict = _category_outcome(mean, scale)
        out.append(
            {
                "id": category.id,
                "name": category.name,
                "weight": dp(category.effective_weight, 2),
                "contract_weight": show(category.weight),
                "rescaled": category.effective_weight != category.weight,
                "weighted": dp(category.weighted_score, 4),
                "mean": scale.label(mean) if mean is not None else "—",
                "pos": pos,
                "bar": _bar(mean, scale),
                "verdict": verdict,
                "outcome": outcome,
                # Worse than the target score (the name is older than the wording).
                "below_target": outcome == wording.OUTCOME_WORSE,
            }
        )
    return out


def _gauge(score: ContractScore, guidelines: Guidelines, scale: _Scale) -> dict[str, Any]:
    """The grade bands laid along the scale (worst at 0, best at 1), and the composite."""
    edge_before = scale.best
    tones = grade_tones(guidelines, scale)
    segments = []
    for band in guidelines.grades:
        if scale.percentage:
            bound = band.above if band.above is not None else band.min
            edge = fraction(bound) if bound is not None else scale.worst
        elif band.max is not None:
            edge = fraction(band.max)
        else:
            continue
        start, end = sorted((scale.pos(edge), scale.pos(edge_before)))
        if end > start:
            segments.append(
                {
                    "grade": band.grade,
                    "level": _grade_level(band.grade, guidelines),
                    "tone": tones.get(band.grade, ""),
                    "start": start,
                    "end": end,
                    "mid": round((start + end) / 2, 4),
                }
            )
        edge_before = edge
    ticks = sorted(
        {
            (scale.pos(value), scale.label(value))
            for value in (scale.worst, scale.target, scale.best)
        }
    )
    composite = score.composite
    return {
        "segments": segments,
        "ticks": [{"pos": p, "label": label} for p, label in ticks],
        "target": scale.pos(scale.target),
        "marker": scale.pos(composite) if composite is not None else None,
    }


def _band_ranges(guidelines: Guidelines) -> list[dict[str, str]]:
    """Each grade band as a range a reader can check a composite against."""
    rows = []
    if guidelines.method == METHOD_PERCENTAGE:
        upper: tuple[Decimal, bool] | None = None  # (bound, inclusive)
        for band in guidelines.grades:
            lower_inclusive = band.above is None
            lower = band.above if band.above is not None else band.min
            lower_text = "" if lower is None else f"{'' if lower_inclusive else 'above '}{lower}%"
            if upper is None:
                text = f"{lower_text}{' and above' if lower_inclusive else ''}"
            elif lower is not None and lower == upper[0] and lower_inclusive and upper[1]:
                text = f"{lower}%"
            else:
                upper_text = f"{'' if upper[1] else 'under '}{upper[0]}%"
                text = f"{lower_text or 'anything'} to {upper_text}"
            rows.append({"grade": band.grade, "range": text, "action": band.action})
            if lower is not None:
                upper = (lower, not lower_inclusive)
        return rows
    ascending = guidelines.best < guidelines.worst
    previous: Decimal | None = None
    for band in guidelines.grades:
        if band.max is None:
            continue
        if previous is None:
            low, high = sorted((guidelines.best, band.max))
            text = f"{dp(low, 2)} to {dp(high, 2)}"
        elif ascending:
            text = f"above {dp(previous, 2)} to {dp(band.max, 2)}"
        else:
            text = f"{dp(band.max, 2)} to below {dp(previous, 2)}"
        rows.append({"grade": band.grade, "range": text, "action": band.action})
        previous = band.max
    return rows


def _bands_view(guidelines: Guidelines, scale: _Scale) -> list[dict[str, Any]]:
    """The grade bands' ranges, each with its one-line meaning and its tone."""
    tones, meanings = grade_tones(guidelines, scale), grade_meanings(guidelines, scale)
    return [
        {**row, "meaning": meanings.get(row["grade"], ""), "tone": tones.get(row["grade"], "")}
        for row in _band_ranges(guidelines)
    ]


def _methodology(guidelines: Guidelines, scale: _Scale) -> dict[str, Any]:
    percentage = guidelines.method == METHOD_PERCENTAGE
    if percentage:
        cap = guidelines.percentage_cap
        capped = f" (capped at {cap}%)" if cap is not None else ""
        method = (
            "Each indicator scores its achievement as a percentage of its target"
            f"{capped}; the composite is the weighted mean of those percentages. "
            "Higher is better."
        )
        not_reported = "An indicator with no result reported scores 0%."
    else:
        best, target, worst = (
            dp(v, 2) for v in (guidelines.best, guidelines.target, guidelines.worst)
        )
        method = (
            f"Each indicator's achievement becomes a raw score from {best} (best) to "
            f"{worst} (worst) by linear interpolation between its criteria values; "
            f"meeting the target exactly scores {target}. Weighted score = raw score × "
            "weight / 100; the composite is the sum of the weighted scores, shown to 4 "
            "decimal places, and the grade is read from that figure."
        )
        not_reported = f"An indicator with no result reported scores {worst}, the worst score."
    if guidelines.not_applicable == "rescale":
        not_applicable = (
            "Indicators marked not applicable (an exogenous factor, with a documented "
            "reason) are left out, and the remaining weights are rescaled to add up to 100."
        )
    else:
        neutral = show(neutral_score(guidelines))
        if guidelines.method == METHOD_PERCENTAGE:
            neutral += "%"
        not_applicable = (
            "Indicators marked not applicable (an exogenous factor, with a documented "
            "reason) keep their weight and score as if their target were met exactly "
            f"({neutral}); the other weights are kept as they are."
        )
    return {
        "id": guidelines.id,
        "title": guidelines.title or guidelines.id,
        "financial_year": guidelines.financial_year,
        "method": method,
        "method_name": guidelines.method,
        "bands": _bands_view(guidelines, scale),
        "not_applicable": not_applicable,
        "not_reported": not_reported
        + " An institution that reports nothing is ranked with the poor performers.",
    }


def _progress(
    quarterly: ContractScore, results: Results | None, names: Mapping[str, str]
) -> dict[str, Any]:
    rows = [
        _goal(p)
        if isinstance(p, GoalScore)
        else {
            "is_goal": False,
            "goal": next((g.id for g in quarterly.goals if p.id in g.indicators), None),
            "id": p.id,
            "name": names.get(p.id, p.id),
            "quarter_target": show(p.quarter_target) if p.quarter_target is not None else "—",
            "actual": show(p.actual),
            "pct": dp(p.pct_of_quarter_target, 1),
            "status": p.status,
            "label": PROGRESS_LABELS.get(p.status, p.status),
            "projected": dp(p.projected_raw_score, 4),
        }
        for p in with_goals(quarterly.goals, quarterly.progress)
    ]
    total = len(quarterly.progress) or 1
    counts: list[dict[str, Any]] = []
    start = 0
    for status, label in PROGRESS_LABELS.items():
        count = sum(1 for p in quarterly.progress if p.status == status)
        counts.append(
            {
                "status": status,
                "label": label,
                "count": count,
                "start": round(start / total, 4),
                "share": round(count / total, 4),
            }
        )
        start += count
    return {
        "period": quarterly.period,
        "as_of": results.as_of if results is not None else "",
        "rows": rows,
        "counts": counts,
        "warnings": [w.message for w in quarterly.warnings],
    }


def slug(contract_id: str) -> str:
    """A file name for a contract's card (ids are already safe; this makes sure)."""
    name = _SLUG.sub("_", contract_id).lstrip(".")
    return name or "_"


def _contract_view(contract: Contract, guidelines: Guidelines) -> dict[str, Any]:
    return {
        "id": contract.id,
        "title": contract.title,
        "institution": contract.institution,
        "category": guidelines.category_name(contract.category),
        "category_id": contract.category,
        "financial_year": contract.financial_year,
        "period_start": contract.period_start,
        "period_end": contract.period_end,
        "status": contract.status,
        "principal": _person(contract.principal),
        "agent": _person(contract.agent),
    }


def _grade_view(score: ContractScore, guidelines: Guidelines, scale: _Scale) -> dict[str, Any]:
    """The composite, the grade, what it means and what follows, in one tone."""
    grade_names = [band.grade for band in guidelines.grades]
    tone = grade_tones(guidelines, scale).get(score.grade or "", "")
    return {
        "composite": dp(score.composite, 4),
        "composite_verdict": _composite_verdict(score, scale),
        "composite_bar": _bar(score.composite, scale),
        "grade": score.grade or "—",
        "grade_level": _grade_level(score.grade, guidelines),
        "grade_band": grade_names.index(score.grade) + 1 if score.grade in grade_names else None,
        "grade_bands": len(grade_names),
        "grade_meaning": grade_meanings(guidelines, scale).get(score.grade or "", ""),
        "grade_tone": tone,
        "action": _action(score.grade, guidelines),
        "action_kind": _action_kind(score.grade, guidelines),
        # The action box takes the grade's tone: the two never disagree.
        "action_tone": tone,
    }


def _composite_verdict(score: ContractScore, scale: _Scale) -> str:
    """ "better than the 3.00 target" and the like; "" without a composite."""
    if score.composite is None:
        return ""
    label = scale.label(scale.target)
    return wording.versus_the_target(score.composite, scale.target, label, scale.worse)


def _targets_met(indicators: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    return wording.met_count([i["outcome"] for i in indicators])


def _targets_view(
    indicators: Sequence[Mapping[str, Any]], gaps: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """How many targets were met or beaten, of those in play, and the biggest gap."""
    met, in_play = _targets_met(indicators)
    first = gaps[0] if gaps else None
    return {
        "targets_met": {"met": met, "of": in_play, "not_applicable": len(indicators) - in_play},
        "biggest_gap": (
            {"id": first["id"], "name": first["name"], "gap": first["gap"]} if first else None
        ),
    }


def _summary(
    score: ContractScore,
    view: Mapping[str, Any],
    indicators: Sequence[Mapping[str, Any]],
    gaps: Sequence[Mapping[str, Any]],
) -> str:
    """The plain-language summary at the top of the card (see wording.summary)."""
    met, in_play = _targets_met(indicators)
    composite = view["composite"] + ("%" if score.method == METHOD_PERCENTAGE else "")
    facts = wording.SummaryFacts(
        grade=score.grade,
        composite=composite,
        composite_verdict=view["composite_verdict"],
        met=met,
        in_play=in_play,
        not_applicable=len(indicators) - in_play,
        biggest_gap=(gaps[0]["name"], gaps[0]["gap"]) if gaps else None,
        no_results=bool(view["no_results"]),
        not_scored=score.not_scored,
    )
    return wording.summary(facts)


def _rank_view(inputs: CardInputs, no_results: bool) -> dict[str, Any] | None:
    rank, score = inputs.rank, inputs.score
    if rank is None or rank.rank is None:
        return None
    # The card says "no results submitted" (or "not scored") once, not again as a
    # league-table flag.
    said = {NO_RESULTS} if no_results else set()
    if score.not_scored is not None:
        said |= {score.not_scored, NOT_SCORED_ALL_NA}
    flags = [f for f in rank.flags if f not in said]
    return {
        "rank": rank.rank,
        "of": rank.of,
        "category": rank.category_name or rank.category,
        "category_id": rank.category,
        "financial_year": rank.financial_year,
        "flags": flags,
    }


def _last_year_view(inputs: CardInputs) -> dict[str, Any] | None:
    """Last year's standing and the movement since, where the tree holds it."""
    rank = inputs.rank
    if rank is None or rank.previous is None:
        return None
    before = rank.previous
    return {
        "financial_year": before.financial_year,
        "rank": before.rank,
        "composite": "—" if before.composite_display is None else str(before.composite_display),
        "grade": before.grade or "—",
        "text": last_year_text(before),
        "movement": movement_text(rank.movement),
    }


def _link_view(linked: LinkedContract, index_href: str | None) -> dict[str, Any]:
    """A parent or child contract as a card names it: its id, its institution
    when the tree holds it, and its composite and grade when its annual results
    are there. ``href`` (in a site, where ``index_href`` is set) is its card,
    beside this one; None when it is not in the site."""
    scored = linked.score
    in_tree = linked.institution is not None
    return {
        "id": linked.id,
        "institution": linked.institution,
        "in_tree": in_tree,
        "financial_year": linked.financial_year,
        "scored": scored is not None,
        "composite": dp(scored.composite, 4) if scored is not None else "—",
        "grade": (scored.grade or "—") if scored is not None else "—",
        "href": f"{slug(linked.id)}.html" if in_tree and index_href is not None else None,
    }


def _links_view(inputs: CardInputs, index_href: str | None) -> dict[str, Any]:
    """The card's ``parent`` (None: it has none) and its ``children``."""
    return {
        "parent": _link_view(inputs.parent, index_href) if inputs.parent else None,
        "children": [_link_view(child, index_href) for child in inputs.children],
    }


def _groups(
    score: ContractScore,
    categories: Sequence[dict[str, Any]],
    indicators: Sequence[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Each category with its ``indicators`` (the scored ones) and its ``rows``:
    those indicators with each goal's row just over its sub-indicators'."""
    by_id = {i["id"]: i for i in indicators}
    rows = [
        _goal(entry) if isinstance(entry, GoalScore) else by_id[entry.id]
        for entry in with_goals(score.goals, score.indicators)
    ]
    return [
        {
            **category,
            "indicators": [i for i in indicators if i["category"] == category["id"]],
            "rows": [r for r in rows if r["category"] == category["id"]],
        }
        for category in categories
    ]


def baseline_years(contract: Contract) -> list[str]:
    """The latest financial years (at most :data:`BASELINE_YEARS`, oldest first)
    that any of the contract's indicators gives a baseline for: the columns the
    card shows beside this year's actual."""
    years = {year for indicator in contract.indicators for year in indicator.baseline}
    return sorted(years)[-BASELINE_YEARS:] if years else []


def _baselines(contract: Contract, indicator_id: str, years: Sequence[str]) -> list[str]:
    """The indicator's baseline in each of ``years``; an em dash for a year it omits."""
    indicator = contract.indicator(indicator_id)
    given = indicator.baseline if indicator is not None else {}
    return [show(given.get(year)) for year in years]


def card_view(
    inputs: CardInputs,
    generated: str | None = None,
    index_href: str | None = None,
    template_folder: str | None = None,
) -> dict[str, Any]:
    """The report card as plain data for a template."""
    score, guidelines = inputs.score, inputs.guidelines
    scale = _scale(score, guidelines)
    names = {c.id: c.name for c in score.categories}
    years = baseline_years(inputs.contract)
    indicators = [
        {**_indicator(item, names), "baselines": _baselines(inputs.contract, item.id, years)}
        for item in score.indicators
    ]
    categories = _categories(score, scale)
    groups = _groups(score, categories, indicators)
    grade = _grade_view(score, guidelines, scale)
    gaps = _gaps(score, scale)
    no_results = inputs.results is None or score.period is None
    progress = None
    if inputs.quarterly is not None:
        indicator_names = {item.id: item.name for item in score.indicators}
        progress = _progress(inputs.quarterly, inputs.quarterly_results, indicator_names)
    return {
        "generated": generated,
        "index_href": index_href,
        "contract": _contract_view(inputs.contract, guidelines),
        "results": {
            "period": score.period or "none",
            "as_of": inputs.results.as_of if inputs.results is not None else "",
        },
        "no_results": no_results,
        "not_scored": score.not_scored,
        "method": score.method,
        "lower_is_better": score.lower_is_better,
        **grade,
        "summary": _summary(score, {**grade, "no_results": no_results}, indicators, gaps),
        **_targets_view(indicators, gaps),
        "rank": _rank_view(inputs, no_results),
        "last_year": _last_year_view(inputs),
        **_links_view(inputs, index_href),
        "gauge": _gauge(score, guidelines, scale),
        "target_label": scale.label(scale.target),
        "categories": categories,
        "groups": groups,
        "indicators": indicators,
        "goals": [_goal(goal) for goal in score.goals],
        "baseline_years": years,
        "indicator_count": len(indicators),
        "not_applicable_count": sum(1 for i in indicators if i["status"] == STATUS_NOT_APPLICABLE),
        "weights_rescaled": any(i["rescaled"] for i in indicators),
        "gaps": gaps,
        "progress": progress,
        "methodology": _methodology(guidelines, scale),
        "warnings": [w.message for w in score.warnings],
        **card_extras(inputs, years, template_folder),
    }


def card_href(contract_id: str) -> str:
    return f"{CARDS_FOLDER}/{slug(contract_id)}.html"


def card_file_name(contract_id: str, fmt: str) -> str:
    """The file a card is written to when ``report -o`` names a folder:
    ``<contract-id>.md`` or ``<contract-id>.html``, as the site names its cards."""
    return f"{slug(contract_id)}.{fmt}"


def names_a_folder(out: str) -> bool:
    """Whether ``report -o OUT`` means a folder: it ends with a slash, or it is one."""
    return out.endswith(("/", os.sep)) or os.path.isdir(out)


def league_file_name(year: str, latest: bool) -> str:
    """The league page of financial ``year``: index.html for the latest year,
    ``league-2023-24.html`` for 2023/2024 and the other years."""
    if latest:
        return INDEX_TEMPLATE
    first, _, second = year.partition("/")
    return f"league-{slug(first)}-{slug(second[-2:])}.html"


def site_years(site: League) -> list[str]:
    """The financial years in the site, the latest first (as the rows are)."""
    return list(dict.fromkeys(row.financial_year for row in site.rows))


# ---------------------------------------------------------------------------
# Templates


def default_template_dir() -> Path:
    """The shipped templates: inside the wheel, or at the top of a source checkout."""
    packaged = resources.files("pcontract") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "templates"


class MdText(str):
    """Text already escaped for Markdown; the finalize hook leaves it alone."""

    __slots__ = ()


def md_escape(value: object) -> MdText:
    """The ``md`` filter, and the Markdown environment's default for every value."""
    if isinstance(value, MdText):
        return value
    return MdText(md("" if value is None else value))


_CSS_PLAIN: Final = re.compile(r"[A-Za-z0-9 ,.:;/()_-]")


def css_string(text: object) -> Markup:
    """The ``css_string`` filter: ``text`` as a quoted CSS string that cannot end the
    string, the rule or the ``<style>`` element (for a running page footer, say):
    every character but letters, digits, spaces and plain punctuation is written
    as a hex escape (``\\22 `` for a double quote)."""
    from markupsafe import Markup

    flat = str(text).replace("\n", " ")
    out = "".join(ch if _CSS_PLAIN.fullmatch(ch) else f"\\{ord(ch):x} " for ch in flat)
    return Markup(f'"{out}"')  # escaped character by character above


def _confined_loader(folder: Path) -> BaseLoader:
    """A file loader that refuses a template reached through a link out of ``folder``."""
    from jinja2 import FileSystemLoader
    from jinja2.exceptions import TemplateNotFound

    from pcontract.files.reading import note_read
    from pcontract.files.writer import inside

    class ConfinedLoader(FileSystemLoader):
        def get_source(
            self, environment: Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            source, filename, uptodate = super().get_source(environment, template)
            if not inside(folder, Path(filename)):
                raise TemplateNotFound(template)
            note_read(filename)  # a template is an input: never written over
            return source, filename, uptodate

    return ConfinedLoader(str(folder))


def _user_loader(folder: Path) -> BaseLoader:
    """The ``--template`` folder. A file there is used or refused, never skipped:
    a link that leads out of the folder, a named pipe, a device or a sub-folder in
    a template's place is an error naming it (a pipe is never waited on). Only a
    name with no file at all falls back to the shipped template."""
    from jinja2 import BaseLoader
    from jinja2.exceptions import TemplateNotFound
    from jinja2.loaders import split_template_path

    from pcontract.files.reading import Limits, UnreadableFile, read_limited
    from pcontract.files.writer import inside

    class UserLoader(BaseLoader):
        def get_source(
            self, environment: Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            path = folder.joinpath(*split_template_path(template))
            if not os.path.lexists(path):
                raise TemplateNotFound(template)
            if not inside(folder, path):
                raise TemplateError(
                    f"template {template}: {path} is a link that leads out of the template "
                    f"folder {folder}; copy the file into the folder"
                )
            try:
                data = read_limited(path, Limits(max_bytes=_MAX_TEMPLATE_BYTES))
                source = data.decode("utf-8")
            except UnreadableFile as error:
                raise TemplateError(f"template {template}: {path}: {error.message}") from None
            except UnicodeDecodeError as error:
                raise TemplateError(
                    f"template {template}: {path} is not UTF-8 text ({error.reason} at byte "
                    f"{error.start})"
                ) from None
            return source, str(path), lambda: True

    return UserLoader()


def _note_template_files(folder: Path) -> None:
    from pcontract.files.reading import note_read

    for parent, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if not os.path.islink(os.path.join(parent, f))]
        for name in names:
            note_read(os.path.join(parent, name))


class Templates:
    """The report templates: ``folder`` (if given) first, then the defaults.

    Templates from ``folder`` are bounded (see :mod:`pcontract.render.sandbox`): guarded
    in the sandbox, streamed with an output limit, and rendered in a child process
    with a memory cap and a time limit per file. The shipped templates are trusted
    and rendered in-process."""

    def __init__(self, folder: str | None = None) -> None:
        if folder is not None and not os.path.isdir(folder):
            raise UsageError(f"--template: not a folder: {folder}")
        self.folder = folder
        self._environments: dict[bool, Environment] = {}

    def note_inputs(self) -> None:
        """Note every file of the template folder as read: no command writes over
        a template, used or not (cards drawn in worker processes included)."""
        if self.folder is not None:
            _note_template_files(Path(self.folder))

    def _environment(self, markdown: bool) -> Environment:
        if markdown not in self._environments:
            self._environments[markdown] = self._build(markdown)
        return self._environments[markdown]

    def _build(self, markdown: bool) -> Environment:
        from jinja2 import ChoiceLoader, StrictUndefined
        from jinja2.exceptions import SecurityError
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        loaders = [_confined_loader(default_template_dir())]
        if self.folder is not None:
            loaders.insert(0, _user_loader(Path(self.folder)))

        class Sandbox(ImmutableSandboxedEnvironment):
            # Refuse the two operators that can exhaust memory from a one-line template.
            intercepted_binops = frozenset({"*", "**"})

            def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
                if (
                    operator == "**"
                    and isinstance(right, int)
                    and abs(right) > sandbox.MAX_EXPONENT
                ):
                    raise SecurityError(f"exponent {right} is too large")
                if operator == "*":
                    for a, b in ((left, right), (right, left)):
                        sized = isinstance(a, str | list | tuple) and isinstance(b, int)
                        if sized and len(a) * b > sandbox.MAX_SIZE:
                            raise SecurityError("the repeated text or list is too long")
                if operator == "+":
                    sandbox.check_size_estimate(
                        "the sum", sandbox.size_of(left) + sandbox.size_of(right)
                    )
                if operator == "%":  # printf-style formatting: '%9999999999s' % 1
                    sandbox.check_printf(left, right)
                return super().call_binop(context, operator, left, right)

        class BoundedSandbox(Sandbox):
            """For templates from --template: every call and filter is guarded."""

            intercepted_binops = frozenset({"*", "**", "+", "%"})

            def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
                sandbox.check_call(__obj, args, kwargs)
                return sandbox.check_size(
                    "the result of a call", super().call(__context, __obj, *args, **kwargs)
                )

        common: dict[str, Any] = {
            "loader": ChoiceLoader(loaders),
            "undefined": StrictUndefined,
            "keep_trailing_newline": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        }
        kind = Sandbox if self.folder is None else BoundedSandbox
        if markdown:
            env = kind(autoescape=False, finalize=md_escape, **common)
        else:
            env = kind(autoescape=True, **common)
        env.filters["md"] = md_escape
        env.filters["css_string"] = css_string
        if self.folder is not None:
            for name, function in list(env.filters.items()):
                env.filters[name] = sandbox.guard_filter(name, function)
            env.globals["lipsum"] = sandbox.lipsum
            env.globals["namespace"] = sandbox.namespace_class()
        return env

    def render(self, name: str, view: Mapping[str, Any]) -> str:
        """Render template ``name`` (``.md``: Markdown rules, else HTML) with ``view``."""
        return self.render_all([(name, view)])[0]

    def render_all(self, jobs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
        """Render each ``(template name, view)``; user templates in one bounded child."""
        # The child's reads are not seen here: every file of the folder is an input.
        self.note_inputs()
        if self.folder is None or not sandbox.can_fork():
            return [self._render(name, view) for name, view in jobs]
        return sandbox.render_in_child(
            [(name, functools.partial(self._render, name, view)) for name, view in jobs]
        )

    def _render(self, name: str, view: Mapping[str, Any]) -> str:
        from jinja2 import TemplateError as JinjaError
        from jinja2 import TemplateNotFound, TemplateSyntaxError
        from jinja2.exceptions import SecurityError

        try:
            template = self._environment(name.endswith(".md")).get_template(name)
            if self.folder is None:
                return template.render(**view)
            deadline = time.monotonic() + sandbox.MAX_SECONDS
            return sandbox.render_stream(template.generate(**view), deadline)
        except SecurityError as error:
            raise TemplateError(
                f"{self._where(name, error)}: refused by the sandbox: {error}"
            ) from None
        except sandbox.Refused as error:
            raise TemplateError(f"{self._where(name, error)}: refused: {error}") from None
        except TemplateSyntaxError as error:
            where = error.filename or error.name or name
            raise TemplateError(f"{where}:{error.lineno}: {error.message}") from None
        except TemplateNotFound as error:
            raise TemplateError(f"template not found: {error.name}") from None
        except JinjaError as error:
            raise TemplateError(f"{self._where(name, error)}: {error}") from None
        except RecursionError:
            if self.folder is None:
                raise  # a bug in the default templates
            raise TemplateError(
                f"template {name}: too deeply nested: a macro calls itself, or a template "
                "includes or extends itself, without end"
            ) from None
        except (ArithmeticError, LookupError, TypeError, ValueError) as error:
            if self.folder is None:
                raise  # a bug in the default templates
            where = self._where(name, error)
            raise TemplateError(f"{where}: {type(error).__name__}: {error}") from None

    def _where(self, name: str, error: BaseException) -> str:
        """``template NAME``, with the file and line of the template where it
        failed when the traceback holds one (Jinja maps its frames to template
        lines): ``template card.html:3``."""
        if self.folder is not None:
            folder = os.path.realpath(self.folder)
            for frame in reversed(traceback.extract_tb(error.__traceback__)):
                filename = os.path.realpath(frame.filename)
                if filename.startswith(folder + os.sep) and frame.lineno:
                    return f"template {os.path.relpath(filename, folder)}:{frame.lineno}"
        return f"template {name}"


# ---------------------------------------------------------------------------
# Whole outputs


def render_card(
    inputs: CardInputs,
    fmt: str,
    templates: Templates | None = None,
    generated: str | None = None,
    index_href: str | None = None,
) -> str:
    """One report card, as Markdown (``md``) or self-contained HTML (``html``)."""
    if fmt not in CARD_TEMPLATES:
        raise UsageError(f"unknown report format '{fmt}'; choose md or html")
    templates = templates or Templates()
    view = card_view(inputs, generated, index_href, templates.folder)
    return templates.render(CARD_TEMPLATES[fmt], view)


def render_site(
    site: SiteInputs, templates: Templates | None = None, generated: str | None = None
) -> list[tuple[str, str]]:
    """The site's files as (relative path, text), in the order to write them: one
    card each, then a league page per financial year (index.html for the latest,
    league-2023-24.html for 2023/2024 and the others), index.html last, so that an
    interrupted write never leaves an index linking to cards that are not there."""
    from pcontract.render.league import index_view

    templates = templates or Templates()
    years = site_years(site) or [""]
    pages = {year: league_file_name(year, i == 0) for i, year in enumerate(years)}
    paths: list[str] = []
    jobs: list[tuple[str, dict[str, Any]]] = []
    for card in site.cards:
        paths.append(card_href(card.contract.id))
        back = f"../{pages[card.contract.financial_year]}"
        jobs.append((CARD_TEMPLATES["html"], card_view(card, generated, back, templates.folder)))
    # The older years' pages, then the latest year's index.html last.
    for year in reversed(years):
        paths.append(pages[year])
        jobs.append((INDEX_TEMPLATE, index_view(site, generated, year or None)))
    # One batch, so that user templates render in a single bounded child process.
    return list(zip(paths, templates.render_all(jobs), strict=True))
