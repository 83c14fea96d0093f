"""The JSON Schemas: where they live, one compiled validator per kind, and the
translation of jsonschema's errors into problems a planning officer can act on."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcontract.errors import UsageError
from pcontract.problems import JsonPath, Problem, Severity

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

KINDS = {
    "Contract": "contract",
    "Results": "results",
    "Guidelines": "guidelines",
    "CascadePlan": "cascadeplan",
}
API_VERSION = "pcontract/v1"


def schema_dir() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "schemas"  # an installed wheel
    if packaged.is_dir():
        return packaged
    # A source checkout, or an editable install: schemas/ sits at the top level.
    return here.parents[1] / "schemas"


def schema_path(kind: str) -> Path:
    name = KINDS.get(kind) or {k.lower(): v for k, v in KINDS.items()}.get(kind.lower())
    if name is None:
        raise UsageError(f"unknown kind '{kind}'; choose one of: {', '.join(KINDS)}")
    return schema_dir() / f"{name}.schema.json"


@cache
def schema_text(kind: str) -> str:
    return schema_path(kind).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


@cache
def validator(kind: str) -> Validator:
    """One compiled validator per kind and process."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema(kind), format_checker=FormatChecker(formats=["date"]))


def schema_problem(
    path: JsonPath, code: str, message: str, hint: str = "", at_key: bool = False
) -> Problem:
    """One schema violation, translated: a problem with its rule code, not yet
    placed in a file (the checker adds the file and the position)."""
    return Problem("", 0, 0, code, Severity.ERROR, message, path, hint, at_key)


_TYPE_NAMES = {
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field(path: JsonPath) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "the document"


def _resolve(error: ValidationError) -> dict[str, Any]:
    resolved: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    return resolved


def translate(error: ValidationError, root_schema: dict[str, Any]) -> Iterator[Problem]:
    """Turn one jsonschema error into findings with plain-language messages."""
    path: JsonPath = tuple(error.absolute_path)
    validator_name = str(error.validator)
    instance = error.instance
    expected: Any = error.validator_value
    sub = _resolve(error)
    if validator_name == "additionalProperties" and isinstance(instance, dict):
        allowed = list(sub.get("properties", {}))
        patterns = list(sub.get("patternProperties", {}))
        for key in instance:
            if key in allowed or (patterns and key.startswith("x-")):
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else ""
            if not hint and allowed:
                hint = "allowed here: " + ", ".join(allowed)
            hint += ("; " if hint else "") + "custom data goes under keys starting with x-"
            yield schema_problem((*path, key), "PC101", f"unknown field '{key}'", hint, at_key=True)
        return
    if validator_name == "required":
        present = instance if isinstance(instance, dict) else {}
        missing = [name for name in expected if name not in present]
        for name in missing:
            description = sub.get("properties", {}).get(name, {}).get("description", "")
            yield schema_problem(
                path,
                "PC102",
                f"missing required field '{name}'" + (f" in {_field(path)}" if path else ""),
                description,
            )
        return
    if validator_name == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        hint = sub.get("description", "")
        from pcontract.loader import yaml11_boolean_hint

        hint = yaml11_boolean_hint(instance) or hint
        yield schema_problem(
            path, "PC103", f"{_field(path)} must be {wanted}, not {_describe(instance)}", hint
        )
        return
    if validator_name in ("enum", "const"):
        options = list(expected) if validator_name == "enum" else [expected]
        listed = ", ".join(str(o) for o in options)
        from pcontract.loader import yaml11_boolean_hint

        hint = yaml11_boolean_hint(instance)
        if isinstance(instance, str):
            close = difflib.get_close_matches(instance, [str(o) for o in options], n=1)
            if close:
                hint = hint or f"did you mean '{close[0]}'?"
        verb = "must be" if len(options) == 1 else "must be one of"
        yield schema_problem(
            path, "PC104", f"{_field(path)} {verb}: {listed} (got {_describe(instance)})", hint
        )
        return
    if validator_name == "pattern" or validator_name == "format":
        description = sub.get("description", "")
        yield schema_problem(
            path,
            "PC104",
            f"{_field(path)}: {_describe(instance)} is not valid",
            description,
        )
        return
    if validator_name == "propertyNames":
        yield schema_problem(
            path,
            "PC104",
            f"{_field(path)}: key {_describe(instance)} is not valid",
            "keys here are ids or financial years such as 2023/2024",
        )
        return
    if validator_name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        yield schema_problem(
            path,
            "PC104",
            f"{_field(path)} must be {words[validator_name]} {expected}, not {_describe(instance)}",
        )
        return
    if validator_name in ("minItems", "maxItems", "minProperties", "minLength"):
        yield schema_problem(path, "PC104", f"{_field(path)}: {error.message}")
        return
    yield schema_problem(path, "PC100", f"{_field(path)}: {error.message}")


@cache
def fast_validator(kind: str) -> Any:
    """jsonschema-rs, compiled once: it decides valid or not about 100 times faster
    than python-jsonschema, which is kept to explain what is wrong. None where the
    package is not installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is a dependency; degrade, don't fail
        return None
    return jsonschema_rs.validator_for(schema(kind), validate_formats=True)


def is_valid_fast(kind: str, data: Any) -> bool | None:
    """The fast verdict, or None when there is none (not installed, or the data is
    beyond what the Rust validator takes, such as integers over 64 bits)."""
    fast = fast_validator(kind)
    if fast is None:
        return None
    try:
        return bool(fast.is_valid(data))
    except (ValueError, OverflowError, TypeError):
        return None


def check(kind: str, data: Any) -> list[Problem]:
    """Validate ``data`` against the kind's schema; an empty list means valid."""
    fast = is_valid_fast(kind, data)
    if fast:
        return []
    compiled = validator(kind)
    root = schema(kind)
    findings: list[Problem] = []
    for error in compiled.iter_errors(data):
        findings.extend(translate(error, root))
    if not findings and fast is False:
        # The Rust validator follows ECMA-262 regexes, where `$` is the very end;
        # Python's `$` also matches before a final newline, so "abc\n" passes
        # python-jsonschema. Report what the stricter validator found.
        for error in fast_validator(kind).iter_errors(data):
            path = tuple(error.instance_path)
            findings.append(
                schema_problem(
                    path, "PC104", f"{_field(path)}: {_describe(error.instance)} is not valid"
                )
            )
    return findings
