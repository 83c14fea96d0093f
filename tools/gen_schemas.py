"""Write schemas/*.schema.json. The schemas are the interface; this script keeps
their shared pieces ($defs) identical across the four files. Run it after editing
and commit both: `python tools/gen_schemas.py`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pcontract.model import ID_PATTERN, VERIFICATION_METHODS

BASE = "https://pcontract.github.io/schemas/v1"
ROOT = Path(__file__).resolve().parent.parent / "schemas"

ID = {
    "type": "string",
    "pattern": ID_PATTERN,
    "description": "An identifier: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'.",
}
DATE = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "format": "date",
    "description": "An ISO date, YYYY-MM-DD.",
}
FY = {
    "type": "string",
    "pattern": "^[0-9]{4}/[0-9]{4}$",
    "description": "A financial year such as 2024/2025 (1 July 2024 to 30 June 2025).",
}
TEXT = {"type": "string", "description": "Free text; always escaped on output."}
VALUE = {
    "description": "A number, a date (YYYY-MM-DD, for milestones) or true/false (for binary indicators).",
    "type": ["number", "string", "boolean"],
}
PERSON = {
    "type": "object",
    "description": "A signatory: their title and name.",
    "properties": {
        "title": {"type": "string", "description": "The office, e.g. Cabinet Secretary."},
        "name": {"type": "string", "description": "The office holder's name."},
    },
    "required": ["title"],
    "additionalProperties": False,
    "patternProperties": {"^x-": {"description": "Custom data, kept and otherwise ignored."}},
}
COMMON_DEFS = {
    "id": ID,
    "date": DATE,
    "financialYear": FY,
    "text": TEXT,
    "value": VALUE,
    "person": PERSON,
}
X = {"^x-": {"description": "Custom data: any key starting with x- is kept and otherwise ignored."}}


def obj(
    description: str, properties: dict[str, Any], required: list[str], title: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if title:
        out["title"] = title
    out.update(
        {
            "type": "object",
            "description": description,
            "properties": properties,
            "required": required,
            "additionalProperties": False,
            "patternProperties": X,
        }
    )
    return out


def ref(name: str, description: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"$ref": f"#/$defs/{name}"}
    if description:
        out["description"] = description
    return out


def header(kind: str, description: str) -> dict[str, Any]:
    return {
        "apiVersion": {
            "const": "pcontract/v1",
            "description": "The format version: always pcontract/v1.",
        },
        "kind": {"const": kind, "description": f"The document kind: {kind}. {description}"},
    }


def document(
    kind: str,
    file: str,
    description: str,
    properties: dict[str, Any],
    required: list[str],
    defs: dict[str, Any],
) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}/{file}",
        "title": f"pcontract {kind}",
        "description": description,
        "type": "object",
        "properties": {**header(kind, description), **properties},
        "required": ["apiVersion", "kind", *required],
        "additionalProperties": False,
        "patternProperties": X,
        "$defs": {**COMMON_DEFS, **defs},
    }


CRITERIA_VALUES = obj(
    "Explicit criteria values for this indicator: the achievement that earns each score. "
    "Give any subset; the guidelines supply the rest. They must be strictly monotonic in "
    "the indicator's good direction. Numbers, or dates for milestones.",
    {
        "excellent": ref("value", "The achievement that scores Excellent (1.00)."),
        "very_good": ref("value", "The achievement that scores Very Good (2.00)."),
        "good": ref(
            "value", "The achievement that scores Good (3.00, the same point as the target)."
        ),
        "target": ref(
            "value",
            "The target itself, which scores the guidelines' target score (3.00); must equal the indicator's target.",
        ),
        "fair": ref("value", "The achievement that scores Fair (4.00)."),
        "poor": ref("value", "The achievement that scores Poor (5.00)."),
    },
    [],
)

INDICATOR_FIELDS: dict[str, Any] = {
    "id": ref(
        "id",
        "The indicator's id, unique within the contract (goals and sub-indicators included), e.g. CM01.",
    ),
    "name": {"type": "string", "description": "What the indicator measures."},
    "unit": {
        "type": "string",
        "description": "The unit of measure, e.g. cards, days, %, KES million.",
    },
    "weight": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 100,
        "description": "The weight, in percent of the whole contract; all weights add up to 100.",
    },
    "kind": {
        "enum": ["increase", "decrease", "milestone", "binary"],
        "description": "increase: more is better; decrease: less is better; milestone: a completion date, earlier is better; binary: done or not done.",
    },
    "baseline": {
        "type": "object",
        "description": "Previous achievements, by financial year (e.g. 2022/2023: 800000).",
        "propertyNames": {"pattern": "^[0-9]{4}/[0-9]{4}$"},
        "additionalProperties": ref("value", "The achievement in that financial year."),
    },
    "target": ref(
        "value",
        "The target: a number for increase and decrease, a date (YYYY-MM-DD) for milestone, true for binary. "
        "For split targets, ratios, targets completing after the year and zero targets, see the README's "
        "'Transcribing a matrix'.",
    ),
    "criteria_values": ref("criteriaValues"),
    "quarterly_targets": {
        "type": "array",
        "description": "Cumulative targets at the end of Q1, Q2, Q3 and Q4; the last equals the target.",
        "items": {
            "type": "number",
            "description": "The cumulative target at the end of the quarter.",
        },
        "minItems": 4,
        "maxItems": 4,
    },
    "owner": {
        "type": "string",
        "description": "Who is responsible, e.g. Director, National Registration Bureau.",
    },
    "due": ref("date", "When the target is due; inside the contract period."),
    "aggregation": {
        "enum": ["sum", "mean", "min", "max", "none"],
        "description": "How child contracts' results roll up to this indicator: sum, mean, min, max or none.",
    },
    "measure": {
        "enum": ["cumulative", "level"],
        "description": "How the figure accumulates over the year (increase and decrease). cumulative: a count that adds up (a quarter's target is the pro-rata share, the year-end projection extrapolates the pace); level: a rate, percentage, index, average or turnaround time (a quarter's target is the annual target, the projection is the current level). When absent it follows aggregation: sum is cumulative; mean, min and max are level.",
    },
    "alignment": {
        "type": "array",
        "description": "Links to plans and goals, e.g. vision2030:political, sdg:16.9, beta:digital-superhighway, cidp:health.",
        "items": {"type": "string", "description": "A tag such as sdg:16.9."},
    },
    "cascaded_from": {
        **obj(
            "In a cascaded contract: the parent contract and indicator this one carries, or null.",
            {
                "contract": ref("id", "The parent contract's id."),
                "indicator": ref("id", "The parent indicator's id."),
            },
            ["contract", "indicator"],
        ),
        "type": ["object", "null"],
    },
    "notes": {
        "type": "string",
        "description": "Free-text notes, e.g. from negotiation or vetting; shown on the report card.",
    },
}

SUB_INDICATOR = obj(
    "One indicator of a goal: the same fields as any indicator (a goal holds no goals).",
    INDICATOR_FIELDS,
    ["id", "name", "weight", "kind", "target"],
)

INDICATOR = {
    **obj(
        "One performance indicator: what is measured, its weight, its target and who owns it. "
        "Or a goal: an indicator that holds weighted sub_indicators and has no kind or target "
        "of its own.",
        {
            **INDICATOR_FIELDS,
            "sub_indicators": {
                "type": "array",
                "description": "Makes this indicator a goal: the indicators it holds, one level "
                "deep. The goal's weight equals the sum of theirs, and it has no kind or target "
                "of its own; its raw score is the weighted mean of theirs. Results report the "
                "sub-indicators.",
                "items": ref("subIndicator"),
                "minItems": 1,
            },
        },
        ["id", "name", "weight"],
    ),
    "if": {"not": {"required": ["sub_indicators"]}},
    "then": {"required": ["kind", "target"]},
}

CATEGORY = obj(
    "A criteria category, e.g. Core Mandate, and its indicators.",
    {
        "id": ref("id", "The category's id, e.g. core-mandate."),
        "name": {"type": "string", "description": "The category's name, e.g. Core Mandate."},
        "weight": {
            "type": "number",
            "minimum": 0,
            "maximum": 100,
            "description": "The category's weight; equals the sum of its indicators' weights.",
        },
        "indicators": {
            "type": "array",
            "description": "The indicators in this category.",
            "items": ref("indicator"),
            "minItems": 1,
        },
    },
    ["id", "name", "weight", "indicators"],
)

CONTRACT = document(
    "Contract",
    "contract.schema.json",
    "A performance contract: the parties, the period and the performance matrix.",
    {
        "id": ref("id", "The contract's id, unique across the repository, e.g. moina-2024-25."),
        "title": {"type": "string", "description": "The contract's title."},
        "financial_year": ref("financialYear"),
        "period": obj(
            "The period the contract covers; every date in the contract lies inside it.",
            {"start": ref("date", "The first day."), "end": ref("date", "The last day.")},
            ["start", "end"],
        ),
        "institution": obj(
            "The institution that signs as the agent.",
            {
                "name": {"type": "string", "description": "The institution's name."},
                "id": ref(
                    "id",
                    "A stable id for the institution, the same in every financial year: it links the institution's contracts across years (without it they are linked by name).",
                ),
                "category": ref(
                    "id",
                    "The ranking group: ministry, state-corporation, county, tertiary, department, individual, or any id.",
                ),
            },
            ["name", "category"],
        ),
        "parties": obj(
            "Who signs: the principal (e.g. the President) and the agent (e.g. the Cabinet Secretary).",
            {"principal": ref("person", "The principal."), "agent": ref("person", "The agent.")},
            ["principal", "agent"],
        ),
        "parent": {
            **ID,
            "type": ["string", "null"],
            "description": "The id of the contract this one was cascaded from, or null.",
        },
        "status": {
            "enum": ["draft", "negotiated", "vetted", "signed"],
            "description": "Where the contract is in the cycle: draft, negotiated, vetted or signed.",
        },
        "guidelines": {
            "type": "string",
            "minLength": 1,
            "description": "The path, relative to this file, of the Guidelines document that scores the contract.",
        },
        "vision": {"type": "string", "description": "The institution's vision."},
        "mission": {"type": "string", "description": "The institution's mission."},
        "strategic_objectives": {
            "type": "array",
            "description": "The strategic objectives.",
            "items": {"type": "string", "description": "One objective."},
        },
        "signed_on": ref(
            "date",
            "The date the parties signed the contract; the contract document prints it "
            "in the signature block (left blank to be filled in by hand when absent).",
        ),
        "criteria": {
            "type": "array",
            "description": "The criteria categories, in order.",
            "items": ref("category"),
            "minItems": 1,
        },
    },
    ["id", "title", "financial_year", "period", "institution", "parties", "status", "criteria"],
    {
        "indicator": INDICATOR,
        "subIndicator": SUB_INDICATOR,
        "category": CATEGORY,
        "criteriaValues": CRITERIA_VALUES,
    },
)

EVIDENCE_REF = obj(
    "One piece of evidence: a file in the repository, with its hash, or a URL.",
    {
        "ref": {
            "type": "string",
            "minLength": 1,
            "description": "A path relative to the results file (inside the repository), or a URL (never fetched).",
        },
        "sha256": {
            "type": "string",
            "pattern": "^[0-9a-fA-F]{64}$",
            "description": "The file's SHA-256, 64 hex digits; --check-evidence compares it.",
        },
        "note": {"type": "string", "description": "What the evidence shows."},
    },
    ["ref"],
)

ACHIEVEMENT = obj(
    "One indicator's reported achievement.",
    {
        "actual": ref(
            "value",
            "The achievement: a number, a completion date for milestones, or true/false for binary.",
        ),
        "evidence": {
            "description": "Where the figure comes from: a string (e.g. a report or a register), or a list of evidence entries that `pcontract validate --check-evidence` checks.",
            "oneOf": [
                {"type": "string", "description": "Where the figure comes from, as text."},
                {
                    "type": "array",
                    "description": "The evidence files or URLs.",
                    "minItems": 1,
                    "items": ref("evidenceRef"),
                },
            ],
        },
        "status": {
            "enum": ["reported", "not-applicable"],
            "description": "not-applicable leaves the indicator out (an exogenous factor); a reason is required.",
        },
        "reason": {
            "type": "string",
            "minLength": 1,
            "description": "Why the indicator is not applicable.",
        },
        "verification": obj(
            "The independently verified figure; scoring uses it unless there is a moderation.",
            {
                "actual": ref("value", "The verified achievement."),
                "by": {
                    "type": "string",
                    "description": "Who verified, e.g. Independent verification team (required, PC255).",
                },
                "reason": {
                    "type": "string",
                    "description": "What the verification found, or why the figure differs (required, PC255).",
                },
                "date": ref("date", "When it was verified."),
                "method": {
                    "enum": list(VERIFICATION_METHODS),
                    "description": "How: document-review (the records behind the figure), physical-check (a site visit or a count), data-audit (the data system re-queried).",
                },
            },
            ["actual"],
        ),
        "moderation": obj(
            "The moderated figure; scoring uses it, and reports show both.",
            {
                "actual": ref("value", "The moderated achievement."),
                "by": {"type": "string", "description": "Who moderated, e.g. Evaluation panel."},
                "reason": {"type": "string", "description": "Why the figure was changed."},
                "date": ref("date", "When it was moderated."),
            },
            ["actual"],
        ),
        "notes": {"type": "string", "description": "Free-text notes."},
    },
    [],
)

RESULTS = document(
    "Results",
    "results.schema.json",
    "Achievements reported against a contract for a quarter or the year.",
    {
        "contract": ref("id", "The id of the contract these results are reported against."),
        "period": {
            "enum": ["annual", "Q1", "Q2", "Q3", "Q4"],
            "description": "annual for the year's evaluation, or Q1 to Q4 for a progress report.",
        },
        "as_of": ref("date", "The date the figures are as of."),
        "achievements": {
            "type": "object",
            "description": "Achievements by indicator id.",
            "propertyNames": ref("id"),
            "additionalProperties": ref("achievement"),
        },
    },
    ["contract", "period", "as_of", "achievements"],
    {"achievement": ACHIEVEMENT, "evidenceRef": EVIDENCE_REF},
)

KIND_DEFAULTS = {
    "excellent": {"type": "number", "description": "The point that scores Excellent."},
    "very_good": {"type": "number", "description": "The point that scores Very Good."},
    "good": {"type": "number", "description": "The point that scores Good."},
    "fair": {"type": "number", "description": "The point that scores Fair."},
    "poor": {"type": "number", "description": "The point that scores Poor."},
}
GUIDELINES = document(
    "Guidelines",
    "guidelines.schema.json",
    "The scoring method for a financial year: scale, default criteria values, grade bands and result rules.",
    {
        "id": ref("id", "The guidelines' id, e.g. kenya-pc-fy2024-25."),
        "title": {"type": "string", "description": "A title for reports."},
        "issued_by": {
            "type": "string",
            "minLength": 1,
            "description": "The office that issues the guidelines and publishes the rankings, e.g. Performance Management and Coordination Office, State Department for Public Service; league pages name it in their title (without it, the guidelines' title).",
        },
        "financial_year": ref("financialYear"),
        "method": {
            "enum": ["five-point", "percentage"],
            "description": "five-point: interpolated raw scores, lower is better; percentage: achievement percentages, higher is better (SPAS).",
        },
        "scale": obj(
            "The raw-score scale.",
            {
                "best": {"type": "number", "description": "The best raw score (1.0)."},
                "target": {
                    "type": "number",
                    "description": "The raw score for meeting the target exactly (3.0).",
                },
                "worst": {"type": "number", "description": "The worst raw score (5.0)."},
            },
            ["best", "target", "worst"],
        ),
        "default_criteria_values": obj(
            "Criteria values used where a contract gives none, relative to the target.",
            {
                "increase": obj(
                    "Multiples of the target, e.g. excellent: 1.2, poor: 0.6.",
                    KIND_DEFAULTS,
                    ["excellent", "poor"],
                ),
                "decrease": obj(
                    "Multiples of the target, e.g. excellent: 0.8, poor: 1.4.",
                    KIND_DEFAULTS,
                    ["excellent", "poor"],
                ),
                "milestone": obj(
                    "Days from the target date, e.g. excellent: -30, poor: 60.",
                    KIND_DEFAULTS,
                    ["excellent", "poor"],
                ),
                "binary": obj(
                    "Raw scores for binary indicators.",
                    {
                        "achieved": {"type": "number", "description": "The raw score when done."},
                        "not_achieved": {
                            "type": "number",
                            "description": "The raw score when not done.",
                        },
                    },
                    ["achieved", "not_achieved"],
                ),
            },
            [],
        ),
        "zero_target_criteria_values": obj(
            "Criteria values for an indicator whose target is 0 (new HIV cases, corruption "
            "cases, thefts), where the default_criteria_values, multiples of the target, all "
            "collapse onto 0. Absolute figures, not multiples; only the points a count can "
            "reach are given: worse than 0 for decrease, better than 0 for increase. An "
            "indicator's own criteria_values win over them.",
            {
                "decrease": {
                    **obj(
                        "A decrease indicator with target 0 (a count that should fall to "
                        "none): the counts that score Fair and Poor, e.g. fair: 1, poor: 3. "
                        "An actual of 0 meets the target.",
                        {
                            "fair": {
                                "type": "number",
                                "exclusiveMinimum": 0,
                                "description": "The count that scores Fair (4.00).",
                            },
                            "poor": {
                                "type": "number",
                                "exclusiveMinimum": 0,
                                "description": "The count that scores Poor (5.00).",
                            },
                        },
                        [],
                    ),
                    "minProperties": 1,
                },
                "increase": {
                    **obj(
                        "An increase indicator with target 0: the counts that score Very Good "
                        "and Excellent, e.g. very_good: 2, excellent: 5.",
                        {
                            "very_good": {
                                "type": "number",
                                "exclusiveMinimum": 0,
                                "description": "The count that scores Very Good (2.00).",
                            },
                            "excellent": {
                                "type": "number",
                                "exclusiveMinimum": 0,
                                "description": "The count that scores Excellent (1.00).",
                            },
                        },
                        [],
                    ),
                    "minProperties": 1,
                },
            },
            [],
        ),
        "grades": {
            "type": "array",
            "description": "The grade bands, best first. five-point: each band's inclusive upper bound `max` on the composite; percentage: each band's inclusive lower bound `min`.",
            "minItems": 1,
            "items": obj(
                "One grade band.",
                {
                    "grade": {
                        "type": "string",
                        "minLength": 1,
                        "description": "The grade's name, e.g. Excellent.",
                    },
                    "max": {
                        "type": "number",
                        "description": "five-point: the highest composite in this band (inclusive).",
                    },
                    "min": {
                        "type": "number",
                        "description": "percentage: the lowest percentage in this band (inclusive).",
                    },
                    "above": {
                        "type": "number",
                        "description": "percentage: the band holds percentages strictly above this (e.g. above: 100 for Excellent).",
                    },
                    "action": {
                        "type": "string",
                        "description": "What follows from this grade, e.g. corrective action required.",
                    },
                    "meaning": {
                        "type": "string",
                        "description": "What the grade means, in one line for a citizen, shown beside the grade on a report card. Default by the grade's name: Excellent 'Exceeded the targets overall', Very Good 'Met the targets overall', Good 'Fell short of some targets', Fair 'Fell well short of the targets', Poor 'Failed to meet most targets'; any other name by its tone: good 'Met or exceeded the targets overall', warn 'Fell short of some targets', bad 'Fell well short of the targets'.",
                    },
                    "tone": {
                        "enum": ["good", "warn", "bad"],
                        "description": "How a report card colours the grade and what follows from it (the grade box and the action box share it). Default from where the band sits against the target score: good for a band whose whole range is at or better than the target score (3.00 on the 1-5 scale, 100% under percentage), warn for the first band worse than it, bad for the bands after that.",
                    },
                },
                ["grade"],
            ),
        },
        "not_applicable": {
            "enum": ["rescale", "exclude-without-rescale"],
            "description": "rescale: leave not-applicable indicators out and rescale the remaining weights to 100; exclude-without-rescale: keep every weight, and score a not-applicable indicator as if its target were met exactly (the scale's target score, or 100%). Either way the composite stays on the scale.",
        },
        "not_reported": {
            "enum": ["worst"],
            "description": "worst: an indicator with no result scores the worst raw score, with a warning.",
        },
        "require_verification": {
            "type": "boolean",
            "description": "true: scoring warns (PC520) about each annual achievement without a verification.",
        },
        "progress": obj(
            "How far a quarter's projected year-end score may fall short of the target score (3.00 on the Kenyan scale, 100 under percentage) and still be on track or at risk; worse is off track. A gap is in score points, positive when the projection is worse than the target score.",
            {
                "on_track": {
                    "type": "number",
                    "maximum": 0,
                    "description": "The largest gap that is on track; 0 or less, so that on track never sits beside a projection worse than target. Default 0.",
                },
                "at_risk": {
                    "type": "number",
                    "minimum": 0,
                    "description": "The largest gap that is at risk. Default: half-way from the target score to the worst (1.00 on the Kenyan scale, so up to Fair 4.00); 20 under percentage (down to 80).",
                },
            },
            [],
        ),
        "percentage_cap": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "percentage method: the highest achievement percentage an indicator can score (e.g. 120).",
        },
        "categories": {
            "type": "array",
            "description": "Required criteria categories and their weight ranges.",
            "items": obj(
                "A criteria category the guidelines expect.",
                {
                    "id": ref("id", "The category's id."),
                    "name": {"type": "string", "description": "The category's name."},
                    "weight": obj(
                        "The allowed weight range.",
                        {
                            "min": {
                                "type": "number",
                                "minimum": 0,
                                "maximum": 100,
                                "description": "The lowest allowed weight.",
                            },
                            "max": {
                                "type": "number",
                                "minimum": 0,
                                "maximum": 100,
                                "description": "The highest allowed weight.",
                            },
                        },
                        [],
                    ),
                    "required": {
                        "type": "boolean",
                        "description": "Whether every contract must have this category (default true).",
                    },
                },
                ["id"],
            ),
        },
        "institution_categories": {
            "type": "object",
            "description": "Readable names of the institution categories that contracts rank in, by category id, e.g. county: County Governments. A category not named here shows its id in words in league tables (state-corporation: State corporation), and its id in JSON and CSV. (Not `categories`, which are the criteria categories.)",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {
                "type": "string",
                "minLength": 1,
                "description": "The category's name as league tables show it.",
            },
        },
    },
    ["id", "financial_year", "method", "grades"],
    {},
)

SHARE = {
    "description": "A share of the parent's target: a percentage such as 60% or a number of percent such as 60.",
    "type": ["string", "number"],
    "pattern": "^[0-9]+(\\.[0-9]+)?%$",
    "exclusiveMinimum": 0,
    "maximum": 100,
}
OWN_INDICATOR = {
    **INDICATOR,
    "description": "An indicator of the unit's own, with no counterpart in the parent (e.g. "
    "Number of division meetings): a whole indicator as a contract writes it (a goal with "
    "sub_indicators too), and the draft's category it goes into. Its weight is rescaled with "
    "the carried indicators' unless the plan sets every weight.",
    "properties": {
        **INDICATOR["properties"],
        "category": ref(
            "id",
            "The id of the draft's criteria category it goes into: one of the parent's, or a new "
            "one named by category_name.",
        ),
        "category_name": {
            "type": "string",
            "description": "The name of a new category (one the parent does not have), added "
            "after the parent's categories.",
        },
    },
    "required": ["id", "name", "weight", "category"],
}

PLAN_UNIT = obj(
    "One unit that receives a draft contract: a department, a section or an officer.",
    {
        "id": ref("id", "The unit's id, used in the child contract's id and file name."),
        "name": {
            "type": "string",
            "description": "The unit's name; the child contract's institution name.",
        },
        "category": ref(
            "id", "The child's ranking category, e.g. department (default), section or individual."
        ),
        "agent": ref("person", "Who signs for the unit."),
        "principal": ref("person", "Who the unit signs with (default: the parent's agent)."),
        "indicators": {
            "type": "object",
            "description": "The parent indicators this unit carries, by id, and how each target is set. A goal's id carries the goal whole, with its sub-indicators; a sub-indicator's id carries that one alone, as a top-level indicator.",
            "propertyNames": ref("id"),
            "minProperties": 1,
            "additionalProperties": obj(
                "How a carried indicator's target is set: exactly one of share, amount or copy.",
                {
                    "share": SHARE,
                    "amount": {
                        "description": "An explicit target: a number, a date for milestones, true for binary. Not for a goal, which has a target per sub-indicator.",
                        "type": ["number", "string", "boolean"],
                    },
                    "copy": {
                        "const": True,
                        "description": "Carry the parent's target unchanged (rates, milestones, binary).",
                    },
                    "weight": {
                        "type": "number",
                        "exclusiveMinimum": 0,
                        "maximum": 100,
                        "description": "Override the rescaled weight (for a goal, its whole weight, split among its sub-indicators as the parent's weights are).",
                    },
                    "owner": {
                        "type": "string",
                        "description": "Who owns the indicator in the unit.",
                    },
                },
                [],
            ),
        },
        "own": {
            "type": "array",
            "description": "Indicators of the unit's own, with no counterpart in the parent.",
            "items": ref("ownIndicator"),
        },
    },
    ["id", "name", "indicators"],
)
PLAN = document(
    "CascadePlan",
    "cascadeplan.schema.json",
    "How a contract is cascaded to units: which indicators each carries and with what targets.",
    {
        "parent": ref("id", "The id of the contract being cascaded."),
        "id_pattern": {
            "type": "string",
            "description": "The child contracts' ids, with {parent} and {unit} placeholders, e.g. {parent}-{unit}.",
        },
        "units": {
            "type": "array",
            "description": "The units that receive draft contracts.",
            "items": PLAN_UNIT,
            "minItems": 1,
        },
    },
    ["parent", "units"],
    {
        "ownIndicator": OWN_INDICATOR,
        "subIndicator": SUB_INDICATOR,
        "criteriaValues": CRITERIA_VALUES,
    },
)


def main() -> None:
    for name, schema in (
        ("contract", CONTRACT),
        ("results", RESULTS),
        ("guidelines", GUIDELINES),
        ("cascadeplan", PLAN),
    ):
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        (ROOT / f"{name}.schema.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
