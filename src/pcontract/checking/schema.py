"""The JSON Schemas: where they live, one compiled validator per kind, and the
translation of jsonschema's errors into problems a planning officer can act on."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
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
    here = Path(__file__).resolve().parents[1]  # the package
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


# One function per jsonschema keyword: each turns an error of that keyword into
# problems. They take the error, its path in the document and the subschema that
# failed; the table below picks one by the keyword's name.
_Translator = Callable[["ValidationError", JsonPath, dict[str, Any]], Iterator[Problem]]


# Fields that exist elsewhere in the format, and what to do where they are unknown.
_MISPLACED = {
    "sub_indicators": "goals are one level deep: a sub-indicator holds no sub_indicators; "
    "make it a goal of its own in the category's indicators",
}


def _unknown_field_hint(key: str, allowed: list[str]) -> str:
    if key in _MISPLACED:
        return _MISPLACED[key]
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean '{close[0]}'?" if close else ""
    if not hint and allowed:
        hint = "allowed here: " + ", ".join(allowed)
    return hint + ("; " if hint else "") + "custom data goes under keys starting with x-"


def _unknown_fields(
    error: ValidationError, path: JsonPath, sub: dict[str, Any]
) -> Iterator[Problem]:
    instance = error.instance
    if not isinstance(instance, dict):
        yield from _other(error, path, sub)
        return
    allowed = list(sub.get("properties", {}))
    patterns = list(sub.get("patternProperties", {}))
    for key in instance:
        if key in allowed or (patterns and key.startswith("x-")):
            continue
        hint = _unknown_field_hint(key, allowed)
        yield schema_problem((*path, key), "PC101", f"unknown field '{key}'", hint, at_key=True)


def _missing_fields(
    error: ValidationError, path: JsonPath, sub: dict[str, Any]
) -> Iterator[Problem]:
    present = error.instance if isinstance(error.instance, dict) else {}
    expected: Any = error.validator_value
    where = f" in {_field(path)}" if path else ""
    for name in expected:
        if name in present:
            continue
        description = sub.get("properties", {}).get(name, {}).get("description", "")
        yield schema_problem(path, "PC102", f"missing required field '{name}'" + where, description)


def _wrong_type(error: ValidationError, path: JsonPath, sub: dict[str, Any]) -> Iterator[Problem]:
    from pcontract.files.loader import yaml11_boolean_hint

    expected: Any = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
    hint = yaml11_boolean_hint(error.instance) or sub.get("description", "")
    message = f"{_field(path)} must be {wanted}, not {_describe(error.instance)}"
    yield schema_problem(path, "PC103", message, hint)


def _not_an_option(
    error: ValidationError, path: JsonPath, sub: dict[str, Any]
) -> Iterator[Problem]:
    from pcontract.files.loader import yaml11_boolean_hint

    instance = error.instance
    expected: Any = error.validator_value
    options = list(expected) if str(error.validator) == "enum" else [expected]
    listed = ", ".join(str(o) for o in options)
    hint = yaml11_boolean_hint(instance)
    if isinstance(instance, str):
        close = difflib.get_close_matches(instance, [str(o) for o in options], n=1)
        if close:
            hint = hint or f"did you mean '{close[0]}'?"
    verb = "must be" if len(options) == 1 else "must be one of"
    message = f"{_field(path)} {verb}: {listed} (got {_describe(instance)})"
    yield schema_problem(path, "PC104", message, hint)


def _invalid_value(
    error: ValidationError, path: JsonPath, sub: dict[str, Any]
) -> Iterator[Problem]:
    message = f"{_field(path)}: {_describe(error.instance)} is not valid"
    yield schema_problem(path, "PC104", message, sub.get("description", ""))


def _invalid_key(error: ValidationError, path: JsonPath, sub: dict[str, Any]) -> Iterator[Problem]:
    yield schema_problem(
        path,
        "PC104",
        f"{_field(path)}: key {_describe(error.instance)} is not valid",
        "keys here are ids or financial years such as 2023/2024",
    )


_BOUNDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "more than",
    "exclusiveMaximum": "less than",
}


def _out_of_range(error: ValidationError, path: JsonPath, sub: dict[str, Any]) -> Iterator[Problem]:
    bound = f"{_BOUNDS[str(error.validator)]} {error.validator_value}"
    message = f"{_field(path)} must be {bound}, not {_describe(error.instance)}"
    yield schema_problem(path, "PC104", message)


def _wrong_size(error: ValidationError, path: JsonPath, sub: dict[str, Any]) -> Iterator[Problem]:
    yield schema_problem(path, "PC104", f"{_field(path)}: {error.message}")


def _one_of(error: ValidationError, path: JsonPath, sub: dict[str, Any]) -> Iterator[Problem]:
    """A value that fits no branch of a oneOf/anyOf (evidence: text or a list): the
    branch of the value's own type explains it; when none is, the types allowed."""
    fitting = [e for e in error.context or () if not (e.validator == "type" and not e.path)]
    if fitting:
        for sub_error in fitting:
            yield from translate(sub_error, {})
        return
    types = [str(e.validator_value) for e in error.context or () if e.validator == "type"]
    wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
    message = f"{_field(path)} must be {wanted}, not {_describe(error.instance)}"
    yield schema_problem(path, "PC103", message, sub.get("description", ""))


def _other(error: ValidationError, path: JsonPath, sub: dict[str, Any]) -> Iterator[Problem]:
    yield schema_problem(path, "PC100", f"{_field(path)}: {error.message}")


_TRANSLATORS: dict[str, _Translator] = {
    "additionalProperties": _unknown_fields,
    "required": _missing_fields,
    "type": _wrong_type,
    "enum": _not_an_option,
    "const": _not_an_option,
    "pattern": _invalid_value,
    "format": _invalid_value,
    "propertyNames": _invalid_key,
    **dict.fromkeys(_BOUNDS, _out_of_range),
    "minItems": _wrong_size,
    "maxItems": _wrong_size,
    "minProperties": _wrong_size,
    "minLength": _wrong_size,
    "oneOf": _one_of,
    "anyOf": _one_of,
}


def translate(error: ValidationError, root_schema: dict[str, Any]) -> Iterator[Problem]:
    """Turn one jsonschema error into findings with plain-language messages."""
    path: JsonPath = tuple(error.absolute_path)
    translator = _TRANSLATORS.get(str(error.validator), _other)
    yield from translator(error, path, _resolve(error))


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
