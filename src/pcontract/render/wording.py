"""The words a report card uses for a result: one place for each wording rule.

Pure functions of figures already scored; :mod:`pcontract.render.reports` and
:mod:`pcontract.render.tables` call them, and templates only print what they return.

**Direction.** A score is "better than target", "worse than target" or "on
target", never above or below: on the Kenyan 1-5 scale a lower score is better,
under the percentage method a higher one, so "above" would mean the opposite on
the two. Which way is better is never decided here: the caller passes ``worse``,
its scale's comparison.

**An indicator's verdict** says how its actual compares with its target, and by
how much, in the indicator's own terms:

- milestone: "28 days late", "5 days early", "on the due date";
- binary: "done" or "not done";
- increase and decrease: "met" when the actual is exactly the target; otherwise
  the size of the miss or the beat: "12,000 cards short", "4,000 cards over
  target"; a decrease indicator (lower is better) is "1 case over target" when
  worse and "2 cases under target" when better;
- "not reported" and "not applicable".

Its ``outcome`` is one of :data:`OUTCOMES`, for a style or a count.

**Units in prose.** A unit that is ``%`` or starts with ``%`` ("% of procurement
spend"), or with the word percent or percentage, is spoken of in percentage
points: 50 → 47 is "3 percentage points short" (singular "1 percentage point"),
for 47 is a 6% shortfall, not 3%. Any other unit goes into the sentence only
when it reads as a countable noun after a number (:func:`unit_noun`): at most 3
words, letters, spaces, hyphens and apostrophes only (no digits, no symbols),
and none of its words in :data:`NOT_NOUNS` (number, ratio, index, score, rate,
per, a currency code, "million" and the like; "not stated in the source" has 5
words). Otherwise the unit is left
out and the amount stands alone ("24 short"); the unit is still shown beside the
indicator's name. A unit is plural as written; for an amount of exactly 1 its
noun loses its plural ending ("1 case", "1 working day", "1 facility"; a word
ending in ss, us or is keeps it: "1 campus").

**Achievement %** means something only for increase and decrease indicators; a
milestone's or a binary's is "" (its verdict says it all), never "0.0" for a late
milestone or "100.0" for an early one.

**Grade tone and meaning.** A grade band's tone is ``good`` when its whole range
is at or better than the target score, ``warn`` for the first band worse than
it, ``bad`` for the rest (:func:`default_tones`); the guidelines' ``tone``
overrides it. Its meaning is the guidelines' ``meaning``, else the default of
its name in :data:`DEFAULT_MEANINGS`, else the default of its tone in
:data:`TONE_MEANINGS`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from pcontract.formatting import show
from pcontract.model import KIND_BINARY, KIND_DECREASE, KIND_MILESTONE, Value
from pcontract.scoring.method import STATUS_NOT_APPLICABLE, STATUS_NOT_REPORTED, fraction

OUTCOME_BETTER: Final = "better"
OUTCOME_MET: Final = "met"
OUTCOME_WORSE: Final = "worse"
OUTCOME_NOT_REPORTED: Final = "not-reported"
OUTCOME_NOT_APPLICABLE: Final = "not-applicable"
OUTCOMES: Final = (
    OUTCOME_BETTER,
    OUTCOME_MET,
    OUTCOME_WORSE,
    OUTCOME_NOT_REPORTED,
    OUTCOME_NOT_APPLICABLE,
)

BETTER_THAN_TARGET: Final = "better than target"
WORSE_THAN_TARGET: Final = "worse than target"
ON_TARGET: Final = "on target"
LOWER_IS_BETTER: Final = "lower is better"

TONE_GOOD: Final = "good"
TONE_WARN: Final = "warn"
TONE_BAD: Final = "bad"
TONES: Final = (TONE_GOOD, TONE_WARN, TONE_BAD)

# A grade's meaning when the guidelines give none, by its name (case-insensitive).
DEFAULT_MEANINGS: Final = {
    "excellent": "Exceeded the targets overall",
    "very good": "Met the targets overall",
    "good": "Fell short of some targets",
    "fair": "Fell well short of the targets",
    "poor": "Failed to meet most targets",
}
# The meaning of a grade whose name is not in DEFAULT_MEANINGS, by its tone.
TONE_MEANINGS: Final = {
    TONE_GOOD: "Met or exceeded the targets overall",
    TONE_WARN: "Fell short of some targets",
    TONE_BAD: "Fell well short of the targets",
}

# Words that make a unit something other than a countable noun after a number.
NOT_NOUNS: Final = frozenset(
    {
        "number",
        "no",
        "ratio",
        "index",
        "score",
        "rate",
        "per",
        "percent",
        "percentage",
        "proportion",
        "share",
        "value",
        "amount",
        "level",
        "count",
        "total",
        "date",
        "done",
        "status",
        "stated",
        "source",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "kes",
        "ksh",
        "kshs",
        "usd",
        "eur",
        "gbp",
    }
)
_MAX_UNIT_WORDS: Final = 3
_NOUN_UNIT = re.compile(r"[A-Za-z][A-Za-z' -]*")
_PLURAL_ENDINGS: Final = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"))
# Endings of words that end in s without being plural: class, campus, analysis.
_NOT_PLURAL: Final = ("ss", "us", "is")
PERCENTAGE_POINT: Final = "percentage point"


# ---------------------------------------------------------------------------
# Direction


def versus_target(
    value: Fraction, target: Fraction, worse: Callable[[Fraction, Fraction], bool]
) -> str:
    """A score against the target score: "better than target", "worse than target"
    or "on target". ``worse(a, b)`` says whether score a is worse than b."""
    if value == target:
        return ON_TARGET
    return WORSE_THAN_TARGET if worse(value, target) else BETTER_THAN_TARGET


def versus_the_target(
    value: Fraction,
    target: Fraction,
    target_label: str,
    worse: Callable[[Fraction, Fraction], bool],
) -> str:
    """The composite against the target score, naming it: "better than the 3.00
    target", "worse than the 100% target", "on the 3.00 target"."""
    if value == target:
        return f"on the {target_label} target"
    side = "worse" if worse(value, target) else "better"
    return f"{side} than the {target_label} target"


def direction_note(kind: str) -> str:
    """ "lower is better" for a decrease indicator, else ""."""
    return LOWER_IS_BETTER if kind == KIND_DECREASE else ""


# ---------------------------------------------------------------------------
# Units and amounts


def singular(noun: str) -> str:
    """A plural noun's singular, by its ending: cases → case, facilities →
    facility, benches → bench; a word not ending in s, or ending in ss, us or is
    (class, campus, analysis), is left as it is."""
    lower = noun.lower()
    for plural, single in _PLURAL_ENDINGS:
        if lower.endswith(plural):
            return noun[: len(noun) - len(plural)] + single
    if lower.endswith("s") and not lower.endswith(_NOT_PLURAL) and len(noun) > 1:
        return noun[:-1]
    return noun


def unit_noun(unit: str) -> str | None:
    """``unit`` as it reads after a number ("cases", "working days"), or None
    when it is not a countable noun (see the module's rule) and prose leaves it out."""
    text = " ".join(unit.split())
    if not text or not _NOUN_UNIT.fullmatch(text):
        return None
    words = text.split(" ")
    if len(words) > _MAX_UNIT_WORDS:
        return None
    if any(word.lower().strip("'-") in NOT_NOUNS for word in words):
        return None
    return text


def is_percent(unit: str) -> bool:
    """Whether ``unit`` is a percentage: "%", "% of procurement spend", "percent",
    "percentage of households"."""
    text = unit.strip().lower()
    first = text.split(" ", 1)[0]
    return text.startswith(("%", "per cent")) or first in ("percent", "percentage")


def _one(amount: Fraction) -> bool:
    return amount == 1


def counted(amount: Fraction, unit: str) -> str:
    """``amount`` of ``unit`` as a sentence says it: "1 case", "12,000 cards",
    "3 percentage points", "0.6" (a unit that is no noun is left out)."""
    figure = show(amount)
    if is_percent(unit):
        return f"{figure} {PERCENTAGE_POINT}{'' if _one(amount) else 's'}"
    noun = unit_noun(unit)
    if noun is None:
        return figure
    if _one(amount):
        head, _, tail = noun.partition(" of ")
        words = head.split(" ")
        words[-1] = singular(words[-1])
        noun = " ".join(words) + (f" of {tail}" if tail else "")
    return f"{figure} {noun}"


def days(count: int) -> str:
    return f"{count:,} day{'' if count == 1 else 's'}"


# ---------------------------------------------------------------------------
# An indicator's verdict


@dataclass(frozen=True, slots=True)
class Verdict:
    """How an indicator's actual compares with its target: ``outcome`` (one of
    :data:`OUTCOMES`) and ``text``, the words a card shows."""

    outcome: str
    text: str


NOT_REPORTED: Final = Verdict(OUTCOME_NOT_REPORTED, "not reported")
NOT_APPLICABLE: Final = Verdict(OUTCOME_NOT_APPLICABLE, "not applicable")


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return fraction(value)


def milestone_verdict(target: object, actual: object) -> Verdict | None:
    """ "28 days late", "5 days early" or "on the due date"; None when either is
    not a date."""
    due, done = _date(target), _date(actual)
    if due is None or done is None:
        return None
    late = (done - due).days
    if late > 0:
        return Verdict(OUTCOME_WORSE, f"{days(late)} late")
    if late < 0:
        return Verdict(OUTCOME_BETTER, f"{days(-late)} early")
    return Verdict(OUTCOME_MET, "on the due date")


def binary_verdict(actual: object) -> Verdict:
    """ "done" (the target met) or "not done"."""
    return Verdict(OUTCOME_MET, "done") if actual is True else Verdict(OUTCOME_WORSE, "not done")


def amount_verdict(kind: str, unit: str, target: object, actual: object) -> Verdict | None:
    """An increase or decrease indicator's verdict: "met", or the size of the
    miss or the beat; None when either figure is not a number."""
    goal, got = _number(target), _number(actual)
    if goal is None or got is None:
        return None
    if got == goal:
        return Verdict(OUTCOME_MET, "met")
    size = counted(abs(got - goal), unit)
    over = got > goal
    if kind == KIND_DECREASE:
        if over:
            return Verdict(OUTCOME_WORSE, f"{size} over target")
        return Verdict(OUTCOME_BETTER, f"{size} under target")
    if over:
        return Verdict(OUTCOME_BETTER, f"{size} over target")
    return Verdict(OUTCOME_WORSE, f"{size} short")


def indicator_verdict(
    kind: str, unit: str, target: Value, actual: Value | None, status: str
) -> Verdict:
    """The verdict of one indicator (``status`` as scoring gives it: not-applicable
    and not-reported say so; anything else was scored from ``actual``)."""
    if status == STATUS_NOT_APPLICABLE:
        return NOT_APPLICABLE
    if status == STATUS_NOT_REPORTED or actual is None:
        return NOT_REPORTED
    if kind == KIND_BINARY:
        return binary_verdict(actual)
    found = (
        milestone_verdict(target, actual)
        if kind == KIND_MILESTONE
        else amount_verdict(kind, unit, target, actual)
    )
    return found or Verdict(OUTCOME_MET if actual == target else OUTCOME_WORSE, show(actual))


def achievement_text(kind: str, achievement: str) -> str:
    """The achievement % as the card shows it: as given for increase and decrease
    indicators, "" for a milestone or a binary, whose percentage means nothing."""
    return "" if kind in (KIND_MILESTONE, KIND_BINARY) else achievement


def met_count(outcomes: Sequence[str]) -> tuple[int, int]:
    """(targets met or beaten, targets in play): not-applicable ones are not in play."""
    in_play = [o for o in outcomes if o != OUTCOME_NOT_APPLICABLE]
    return sum(1 for o in in_play if o in (OUTCOME_MET, OUTCOME_BETTER)), len(in_play)


# ---------------------------------------------------------------------------
# The summary at the top of a card


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """What the summary sentence is made of, as display strings."""

    grade: str | None
    composite: str
    composite_verdict: str
    met: int
    in_play: int
    not_applicable: int
    biggest_gap: tuple[str, str] | None  # (indicator name, its verdict)
    no_results: bool = False
    not_scored: str | None = None


def _targets_sentence(facts: SummaryFacts) -> str:
    if facts.in_play == 0:
        return ""
    if facts.met == facts.in_play:
        every = "The target met" if facts.in_play == 1 else f"All {facts.in_play} targets met"
        text = f"{every} or beaten."
    else:
        text = f"{facts.met} of {facts.in_play} target{'s' if facts.in_play != 1 else ''} met."
    if facts.not_applicable:
        text = text[:-1] + f" ({facts.not_applicable} not applicable)."
    return text


def summary(facts: SummaryFacts) -> str:
    """The plain-language summary: "Very Good — 2.8522, better than the 3.00
    target. 12 of 20 targets met (1 not applicable). Biggest gap: Maisha Namba
    rollout, 28 days late." For no results, a result not scored, and every target
    met it says so."""
    if facts.no_results:
        return (
            "No results submitted: there is no composite score, and the institution "
            "ranks with the poor performers."
        )
    if facts.not_scored is not None:
        return f"{facts.not_scored.capitalize()}. There is no composite score, grade or rank."
    head = f"{facts.grade} — {facts.composite}" if facts.grade else f"Composite {facts.composite}"
    parts = [f"{head}, {facts.composite_verdict}."]
    targets = _targets_sentence(facts)
    if targets:
        parts.append(targets)
    if facts.biggest_gap is not None:
        name, gap = facts.biggest_gap
        parts.append(f"Biggest gap: {name}, {gap}.")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Grades: tone and meaning


def default_tones(
    worst_edges: Sequence[Fraction | None],
    target: Fraction,
    worse: Callable[[Fraction, Fraction], bool],
) -> list[str]:
    """Each band's default tone, the bands best first, from the worst score each
    band holds (None: it runs to the worst end of the scale): ``good`` when that
    edge is at or better than the target, ``warn`` for the first band worse,
    ``bad`` for the others."""
    tones: list[str] = []
    warned = False
    for edge in worst_edges:
        if edge is not None and not worse(edge, target):
            tones.append(TONE_GOOD)
        elif not warned:
            warned = True
            tones.append(TONE_WARN)
        else:
            tones.append(TONE_BAD)
    return tones


def grade_meaning(grade: str, given: str, tone: str) -> str:
    """The guidelines' meaning of ``grade``, else its default by name, else by tone."""
    if given.strip():
        return given.strip()
    return DEFAULT_MEANINGS.get(" ".join(grade.lower().split()), TONE_MEANINGS.get(tone, ""))


# ---------------------------------------------------------------------------
# Text bars


def centred_bar(pos: float, target: float, half: int) -> str:
    """A text bar centred on the target: ``half`` cells worse (left) of the mark
    ``│`` and ``half`` better (right), filled from the mark toward the score's
    side in proportion to its distance from the target, against the room on that
    side (``pos`` and ``target`` between 0, worst, and 1, best). Any distance at
    all fills at least one cell, so that a near miss is not drawn as on target."""
    empty, full = "░", "█"
    if pos == target:
        return empty * half + "│" + empty * half
    room = (1 - target) if pos > target else target
    share = abs(pos - target) / room if room else 1.0
    cells = min(half, max(1, round(share * half)))
    if pos > target:
        return empty * half + "│" + full * cells + empty * (half - cells)
    return empty * (half - cells) + full * cells + "│" + empty * half
