"""The numbers pcontract computes with: one policy for every command.

Every number in every document (targets, actuals, baselines, criteria values,
quarterly targets, weights, plan shares and amounts, the guidelines' scale and
bands) must

- lie between -10^15 and 10^15 (a quadrillion: more than any budget in shillings);
- have at most 6 decimal places (so a non-zero number is at least 0.000001);
- be exactly the number written: a decimal with more significant digits than a
  float keeps (about 15) is refused rather than silently rounded.

Within these bounds every whole number is exact as a float (below 2^53), every
ratio of two numbers is finite and at most 10^21 either way, and Decimal and
Fraction arithmetic, rounding and formatting never overflow or raise. So whatever
``validate`` accepts, ``score``, ``rank``, ``report``, ``site``, ``cascade`` and
``diff`` can use. The loader refuses a number outside the policy (PC009) with its
line and column; :func:`refusal` says why.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final

MAX_MAGNITUDE: Final = 10**15
MAX_DECIMALS: Final = 6

HINT: Final = (
    "pcontract computes with numbers between -1,000,000,000,000,000 and "
    "1,000,000,000,000,000 that have at most 6 decimal places; use a larger unit "
    "(thousands, millions) for bigger amounts, or round the figure"
)


def refusal(text: str, value: int | float | Decimal) -> tuple[str, str] | None:
    """Why the number written as ``text`` (read as ``value``) is outside the
    policy, and what to do about it; None when pcontract can use it."""
    shown = _short(text)
    if isinstance(value, int):
        if abs(value) > MAX_MAGNITUDE:
            return f"'{shown}' is larger than pcontract can compute with", HINT
        return None
    try:
        written = Decimal(text.strip())
    except InvalidOperation:
        written = Decimal(repr(value)) if isinstance(value, float) else value
    if not written.is_finite():
        return f"'{shown}' is not a finite number", HINT
    if abs(written) > MAX_MAGNITUDE:
        return f"'{shown}' is larger than pcontract can compute with", HINT
    if decimals(written) > MAX_DECIMALS:
        return f"'{shown}' has more than {MAX_DECIMALS} decimal places", HINT
    if isinstance(value, float) and Decimal(repr(value)) != written:
        return (
            f"'{shown}' has more digits than pcontract can keep exactly",
            f"numbers keep about 15 significant digits; write it as {value!r}, or round it",
        )
    return None


def decimals(value: Decimal) -> int:
    """How many decimal places ``value`` needs (trailing zeros do not count)."""
    if value == 0:
        return 0
    # Not normalize(): it rounds to the context's 28 digits first.
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros))


def in_range(value: Fraction | Decimal | int) -> bool:
    """Whether a computed figure (a split target, a scaled baseline) is one that
    pcontract can read back: within the bound once rounded to the policy's places."""
    return abs(Fraction(value)) <= MAX_MAGNITUDE


def rounded(value: Fraction | Decimal, places: int = MAX_DECIMALS) -> Decimal:
    """``value`` to ``places`` decimals exactly (halves away from zero), whatever
    its size: no decimal context is involved, so nothing can overflow."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    numerator, denominator = exact.numerator, exact.denominator
    # On integers: the whole part of |value| × 10**places, and what is left over.
    whole, left = divmod(abs(numerator) * 10**places, denominator)
    if 2 * left >= denominator:
        whole += 1
    digits = tuple(map(int, str(whole)))
    return Decimal((int(numerator < 0 and whole != 0), digits, -places))


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 40 else text[:20] + "..." + text[-8:]
