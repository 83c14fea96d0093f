"""Per-repository rule configuration: ``pcontract.toml`` and ``--select``/``--ignore``.

``pcontract.toml`` is found by walking up from the working folder, as ruff and
yamllint find theirs. The walk stops at the first folder that holds a ``.git``
(the repository root, searched itself), or at the filesystem root, so that a file
above a repository never configures it.

.. code-block:: toml

    [rules]
    select = ["PC"]          # codes or prefixes ("PC4": every PC4xx rule)
    ignore = ["PC401"]
    severity = { PC308 = "error", PC320 = "off" }

Selection works in layers, the file's then the command line's, as in ruff: a
layer's ``select`` (when given) replaces the rules chosen so far, then its
``ignore`` removes rules. So ``--select PC401`` turns PC401 back on even where the
file ignores it. Severity overrides then apply (``off`` drops the rule), and only
after all of this does ``--strict`` turn the remaining warnings into errors.

The load and schema rules (PC0xx, PC1xx) are always on: a file that does not load
or fit its schema is not checked at all, so hiding that would pass it unchecked.
Naming one in ``ignore`` or ``severity`` is an error; a prefix such as ``PC``
covers only the rules that can be configured.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from pcontract.errors import UsageError
from pcontract.problems import Problem, Severity

FILE_NAME = "pcontract.toml"
_PREFIX = re.compile(r"^PC\d{0,3}$")
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "off": None}
_RULES_KEYS = ("select", "ignore", "severity")


class ConfigError(UsageError):
    """A malformed pcontract.toml, or an unknown rule code: exit 2, with where."""


class Layer(NamedTuple):
    """One source of selections, the file or the command line: the rules its
    select names (None: it has none) and the rules its ignore names."""

    select: frozenset[str] | None
    ignore: frozenset[str]


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """What to report: the rules turned off, and severities changed."""

    off: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    source: str = ""  # the pcontract.toml read, if any

    def apply(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems still reported, each with its configured severity."""
        severity = dict(self.severity)
        kept: list[Problem] = []
        for problem in problems:
            if problem.code in self.off:
                continue
            level = severity.get(problem.code)
            kept.append(problem if level is None else replace(problem, severity=level))
        return kept


class _Source:
    """A file's text, for locating a key or a code in it."""

    __slots__ = ("name", "text")

    def __init__(self, name: str, text: str = "") -> None:
        self.name = name
        self.text = text

    def error(self, message: str, needle: str | None = None) -> ConfigError:
        if not self.name:  # the command line
            return ConfigError(message)
        line, column = self.locate(needle) if needle is not None else (0, 0)
        where = f"{self.name}:{line}:{column}" if line else self.name
        return ConfigError(f"{where}: {message}")

    def locate(self, needle: str) -> tuple[int, int]:
        """The first line and column where ``needle`` is written, as a quoted string,
        a key or a table's name; (0, 0) if it is not found."""
        word = re.escape(needle)
        pattern = re.compile(
            rf"""(["']){word}\1|(?<![\w-]){word}(?=\s*=)|(?<=[\[.])\s*{word}\s*(?=[\].])"""
        )
        for number, line in enumerate(self.text.splitlines(), start=1):
            code = line.split("#", 1)[0]
            match = pattern.search(code)
            if match:
                return number, match.start() + 1
        return 0, 0


def find_file(start: Path | None = None) -> Path | None:
    """The pcontract.toml for ``start`` (default: the working folder): the nearest
    in it or a folder above it, stopping at a repository root (a folder holding
    ``.git``) or the filesystem root."""
    try:
        folder = (start or Path.cwd()).resolve()
        for candidate in (folder, *folder.parents):
            path = candidate / FILE_NAME
            if path.is_file():
                return path
            if (candidate / ".git").exists():
                return None
    except OSError:  # a working folder since removed, or a folder above not searchable
        return None
    return None


def _expand(items: Sequence[str], source: _Source, what: str) -> set[str]:
    """The configurable codes that codes and prefixes name. A load or schema rule
    named in a select is always on anyway; named in an ignore, it is an error."""
    from pcontract.rules.registry import RULES

    codes: set[str] = set()
    for item in items:
        text = item.strip().upper()
        if text in RULES:
            if not RULES[text].configurable and what.endswith("ignore"):
                raise source.error(
                    f"{text} cannot be turned off in {what}: a file that does not load or "
                    "match its schema is not checked at all",
                    item,
                )
            codes.add(text)
            continue
        matched = {c for c, r in RULES.items() if c.startswith(text) and r.configurable}
        if not _PREFIX.match(text) or not any(c.startswith(text) for c in RULES):
            raise source.error(
                f"unknown rule code '{item}' in {what}: `pcontract rules` lists them", item
            )
        codes |= matched
    return codes


def _strings(value: object, source: _Source, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise source.error(f'[rules] {key} must be a list of rule codes, such as ["PC401"]', key)
    return tuple(value)


def _parse(source: _Source) -> dict[str, object]:
    import tomllib  # only when there is a file: a run without one never needs it

    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11 and 3.12 give the position only in the message.
        message = str(error)
        at = _TOML_AT.search(message)
        reason = _TOML_AT.sub("", message).replace("(at end of document)", "").strip()
        if at:
            line, column = int(at.group(1)), int(at.group(2))
        else:  # at the end of the document
            lines = source.text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        raise ConfigError(f"{source.name}:{line}:{column}: not valid TOML: {reason}") from None
    for key in data:
        if key != "rules":
            raise source.error(f"unknown section or key '{key}': only [rules] is read", key)
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise source.error("rules must be a table: [rules]", "rules")
    for key in rules:
        if key not in _RULES_KEYS:
            raise source.error(
                f"unknown key '{key}' in [rules]: expected one of {', '.join(_RULES_KEYS)}", key
            )
    return rules


def _severities(value: object, source: _Source) -> list[tuple[str, Severity | None]]:
    from pcontract.rules.registry import RULES

    if not isinstance(value, dict):
        raise source.error(
            '[rules] severity must be a table, such as { PC308 = "error" }', "severity"
        )
    found: list[tuple[str, Severity | None]] = []
    for code, level in value.items():
        text = code.strip().upper()
        if text not in RULES:
            raise source.error(
                f"unknown rule code '{code}' in severity: `pcontract rules` lists them", code
            )
        if not RULES[text].configurable:
            raise source.error(
                f"{text}'s severity cannot be changed: a file that does not load or match "
                "its schema is not checked at all",
                code,
            )
        if not isinstance(level, str) or level not in _SEVERITIES:
            raise source.error(
                f'severity of {code} must be "error", "warning" or "off", not {level!r}',
                code,
            )
        found.append((text, _SEVERITIES[level]))
    return found


def load(path: Path) -> tuple[Layer, list[tuple[str, Severity | None]]]:
    """A pcontract.toml's selection layer and severity overrides (raises
    :class:`ConfigError`, with the file, line and column, for a bad one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    source = _Source(_display(path), text)
    rules = _parse(source)
    select = _strings(rules["select"], source, "select") if "select" in rules else None
    ignore = _strings(rules["ignore"], source, "ignore") if "ignore" in rules else ()
    layer = _layer(select, ignore, source, "")
    return layer, _severities(rules.get("severity", {}), source)


def _display(path: Path) -> str:
    """The file as the user would name it: relative to the working folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)


def _layer(
    select: Sequence[str] | None, ignore: Sequence[str], source: _Source, dashes: str
) -> Layer:
    return Layer(
        frozenset(_expand(select, source, f"{dashes}select")) if select is not None else None,
        frozenset(_expand(ignore, source, f"{dashes}ignore")),
    )


def _chosen(layers: Sequence[Layer], configurable: set[str]) -> set[str]:
    """The rules the layers choose, in order: a select replaces the choice so far,
    then an ignore takes rules out of it."""
    chosen = set(configurable)
    for layer in layers:
        if layer.select is not None:
            chosen = set(layer.select)
        chosen -= layer.ignore
    return chosen


def split_codes(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--select A,B --select C`` as ("A", "B", "C"); None when not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def resolve(
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    config_file: Path | None = None,
    discover: bool = True,
) -> RuleConfig | None:
    """The configuration for a run: the file (given, or found from the working
    folder), then ``select`` and ``ignore`` from the command line, which win.
    None when there is neither: every rule as registered (and the rules need not
    be imported, which a warm run never does)."""
    path = config_file or (find_file() if discover else None)
    if path is None and select is None and not ignore:
        return None
    from pcontract.rules.registry import RULES

    layers: list[Layer] = []
    severity: list[tuple[str, Severity | None]] = []
    if path is not None:
        layer, severity = load(path)
        layers.append(layer)
    layers.append(_layer(select, ignore or (), _Source(""), "--"))  # no file to name
    configurable = {c for c, r in RULES.items() if r.configurable}
    off = (configurable - _chosen(layers, configurable)) | {
        code for code, level in severity if level is None
    }
    levels = tuple((code, level) for code, level in severity if level is not None)
    return RuleConfig(frozenset(off), levels, str(path) if path else "")
