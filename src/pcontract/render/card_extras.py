"""What the fuller HTML card shows beyond the scores: criteria values, the
verification and moderation record, the signatories, the logo and the running
header of the printed page.

Plain dicts of display strings, like the rest of :mod:`pcontract.render.reports`,
which merges :func:`card_extras` into its card view in one line.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from pcontract.formatting import dp, show
from pcontract.model import KIND_BINARY, KIND_MILESTONE, Contract, Guidelines, Indicator
from pcontract.render.sandbox import TemplateError
from pcontract.scoring.evaluation import CardInputs
from pcontract.scoring.method import METHOD_PERCENTAGE, IndicatorScore, named_criteria_points

# How each criteria value is named on the card, best first.
CRITERIA_NAMES: Final = {
    "excellent": "Excellent",
    "very_good": "Very good",
    "target": "Target",
    "fair": "Fair",
    "poor": "Poor",
}
# The logo a --template folder may hold: the first of these found is used.
LOGO_FILES: Final = (("logo.png", "image/png"), ("logo.jpg", "image/jpeg"))
LOGO_MAX_BYTES: Final = 256 * 1024
_MAGIC: Final = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
# The indicators table prints on an A4 landscape page when it has more columns
# than this (the card's 8 plus the baseline years), or more rows.
WIDE_COLUMNS: Final = 10
WIDE_ROWS: Final = 40
BASE_COLUMNS: Final = 8


def css_string(text: str) -> str:
    """``text`` for the inside of a double-quoted CSS string: every character but
    an ASCII letter or digit as a CSS escape, so that nothing in it can end the
    string or the style element, and HTML escaping leaves it unchanged."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text)


def _point_text(indicator: Indicator, value: Fraction) -> str:
    if indicator.kind == KIND_MILESTONE and value.denominator == 1:
        return dt.date.fromordinal(int(value)).isoformat()
    return show(value)


def indicator_criteria(indicator: Indicator, guidelines: Guidelines) -> list[dict[str, str]]:
    """The indicator's criteria values as scored: the contract's own, else the
    guidelines' defaults. A binary indicator: done and not done."""
    if guidelines.method == METHOD_PERCENTAGE:
        return []
    if indicator.kind == KIND_BINARY:
        binary = guidelines.default_criteria_values[KIND_BINARY]
        return [
            {"name": "Done", "value": f"scores {dp(binary['achieved'], 2)}"},
            {"name": "Not done", "value": f"scores {dp(binary['not_achieved'], 2)}"},
        ]
    return [
        {"name": CRITERIA_NAMES.get(name, name), "value": _point_text(indicator, position)}
        for name, position, _ in named_criteria_points(indicator, guidelines)
    ]


def criteria_scale(guidelines: Guidelines) -> list[dict[str, str]]:
    """Each criteria value's name and the raw score it stands for, best first."""
    if guidelines.method == METHOD_PERCENTAGE:
        return []
    best, target, worst = (
        Fraction(v) for v in (guidelines.best, guidelines.target, guidelines.worst)
    )
    scores = (best, (best + target) / 2, target, (target + worst) / 2, worst)
    return [
        {"name": name, "score": dp(score, 2)}
        for name, score in zip(CRITERIA_NAMES.values(), scores, strict=True)
    ]


def _criteria(contract: Contract, guidelines: Guidelines) -> dict[str, list[dict[str, str]]]:
    return {i.id: indicator_criteria(i, guidelines) for i in contract.indicators}


def _moderation_date(inputs: CardInputs, indicator_id: str) -> str:
    """The moderation's date as the results give it (the model keeps no date)."""
    if inputs.results is None:
        return ""
    achievement = (inputs.results.raw.get("achievements") or {}).get(indicator_id) or {}
    moderation = achievement.get("moderation") if isinstance(achievement, dict) else None
    return str(moderation.get("date", "")) if isinstance(moderation, dict) else ""


def _assurance_rows(inputs: CardInputs, item: IndicatorScore) -> list[dict[str, str]]:
    rows = []
    if item.verification is not None:
        v = item.verification
        rows.append(
            {
                "id": item.id,
                "name": item.name,
                "step": "Verified",
                "by": v.by or "—",
                "date": v.date or "—",
                "method": v.method.replace("-", " ") if v.method else "—",
                "reported": show(item.reported),
                "figure": show(v.actual),
                "reason": v.reason,
            }
        )
    if item.moderation is not None:
        m = item.moderation
        rows.append(
            {
                "id": item.id,
                "name": item.name,
                "step": "Moderated",
                "by": m.by or "—",
                "date": _moderation_date(inputs, item.id) or "—",
                "method": "—",
                "reported": show(item.reported),
                "figure": show(m.actual),
                "reason": m.reason,
            }
        )
    return rows


def assurance(inputs: CardInputs) -> dict[str, Any]:
    """Who verified and moderated which figures, when and how."""
    rows = [row for item in inputs.score.indicators for row in _assurance_rows(inputs, item)]
    return {
        "rows": rows,
        "by": sorted({row["by"] for row in rows if row["by"] != "—"}),
        "verified": sum(1 for row in rows if row["step"] == "Verified"),
        "moderated": sum(1 for row in rows if row["step"] == "Moderated"),
    }


def signatures(contract: Contract) -> list[dict[str, str]]:
    """The parties who sign: the principal, then the agent."""
    out = []
    for role, person in (("Principal", contract.principal), ("Agent", contract.agent)):
        if person is not None:
            out.append({"role": role, "title": person.title, "name": person.name})
    return out


def logo(folder: str | None, institution: str) -> dict[str, str] | None:
    """The ``--template`` folder's logo.png or logo.jpg as a data: URI, or None
    when it has neither. A logo that is too big, not a PNG or JPEG by its first
    bytes, or a link out of the folder is refused, never silently left out."""
    if folder is None:
        return None
    from pcontract.files.reading import Limits, UnreadableFile, read_limited
    from pcontract.files.writer import inside

    for name, mime in LOGO_FILES:
        path = Path(folder) / name
        if not os.path.lexists(path):
            continue
        if not inside(Path(folder), path):
            raise TemplateError(f"logo {path} is a link that leads out of the template folder")
        try:
            data = read_limited(path, Limits(max_bytes=LOGO_MAX_BYTES))
        except UnreadableFile as error:
            raise TemplateError(f"logo {path}: {error.message}") from None
        if not data.startswith(_MAGIC[mime]):
            kind = "PNG" if mime == "image/png" else "JPEG"
            raise TemplateError(f"logo {path} is not a {kind} image")
        encoded = base64.b64encode(data).decode("ascii")
        return {"src": f"data:{mime};base64,{encoded}", "alt": f"Logo of {institution}"}
    return None


def is_wide(baseline_years: Sequence[str], indicator_count: int) -> bool:
    """Whether the indicators table prints on its own A4 landscape pages."""
    columns = BASE_COLUMNS + len(baseline_years)
    return columns > WIDE_COLUMNS or indicator_count > WIDE_ROWS


def card_extras(
    inputs: CardInputs, baseline_years: Sequence[str], template_folder: str | None = None
) -> dict[str, Any]:
    """The fuller card's data, merged into :func:`reports.card_view`."""
    contract = inputs.contract
    head = f"{contract.institution} · performance report card, FY {contract.financial_year}"
    return {
        "criteria": _criteria(contract, inputs.guidelines),
        "criteria_scale": criteria_scale(inputs.guidelines),
        "assurance": assurance(inputs),
        "signatures": signatures(contract),
        "signed": contract.status == "signed",
        "logo": logo(template_folder, contract.institution),
        "running_head": head,
        "running_head_css": css_string(head),
        "wide": is_wide(baseline_years, len(inputs.score.indicators)),
        # Not in a league table (``report``, which ranks nothing; with --history
        # it still knows last year's standing, in a league of 0): no rank box.
        "standalone": inputs.rank is None or inputs.rank.of == 0,
    }
