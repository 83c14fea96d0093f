"""How a number is written, for a person and for JSON: one module for every output.

Figures are exact (``Fraction``, ``Decimal``) until they are shown; they are
rounded only here, halves away from zero, with no decimal context involved (see
:func:`pcontract.files.numbers.rounded`). Text, Markdown, HTML, CSV, JSON and the
rules' messages all write a number through these functions, so one figure reads
the same in ``score``, ``rank``, ``diff``, ``report``, ``site`` and ``cascade``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pcontract.files.numbers import rounded

NONE = "—"  # what a missing figure shows as


def dp(value: Fraction | Decimal | None, places: int) -> str:
    """``value`` to exactly ``places`` decimals (``72.50``); — for none.

    Exact at any size: decimal's 28-digit context would refuse to round an
    achievement of 1e300 % (InvalidOperation), and round a huge one wrongly.
    """
    if value is None:
        return NONE
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)
    return str(rounded(value, places))


def number(value: Fraction | Decimal | None, places: int) -> float | None:
    """``value`` rounded to ``places``, as a JSON number; None when no float can hold it."""
    if value is None:
        return None
    result = float(dp(value, places))
    return result if math.isfinite(result) else None


def scalar(value: Decimal | Fraction) -> int | float:
    """An exact figure as YAML and JSON write it: an int when whole (300000, not
    300000.0), else the nearest float."""
    if isinstance(value, Fraction):
        return int(value.numerator) if value.denominator == 1 else float(value)
    return int(value) if value == value.to_integral_value() else float(value)


def plain(value: Decimal | Fraction | int | float | str | bool) -> str:
    """A number as a person writes it in a sentence: 100, 72.5, not 100.00 or
    7.25E+1; a Fraction to 4 places at most (0.3333). Anything else as itself."""
    if isinstance(value, Fraction):
        value = rounded(value, 4)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def with_article(word: str) -> str:
    """``word`` after its indefinite article, as a sentence reads it: "an increase",
    "a decrease", "a milestone". By the first letter: a vowel takes "an". Every
    message that writes "a" before a word it does not know in advance (an
    indicator's kind, say) goes through here."""
    return f"{'an' if word[:1].lower() in tuple('aeiou') else 'a'} {word}"


def show(value: Any) -> str:
    """A target or an actual as a person reads it in a table: 1,000,000; 72.5
    (4 places at most); 2025-03-31; yes; — for none; a list joined with commas,
    (none) when empty."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        value = scalar(value)
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and math.isfinite(value):
        value = Fraction(Decimal(repr(value)))  # the number as written, not its binary value
    if isinstance(value, Fraction):
        return f"{rounded(value, 4):,f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)
