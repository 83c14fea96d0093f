"""A fast path for the common valid file: yaml_rs, a YAML parser in Rust.

:func:`fast_data` gives a document's data only when it is certain to be exactly
what the strict loader (:func:`pcontract.files.loader.load_bytes`) gives, with the
same types and the same key order, and the strict loader would find no problem in
it; else None, and the strict loader runs (it alone gives problems and positions).

yaml_rs reads YAML 1.2, libyaml YAML 1.1, and pcontract's core schema is stricter
than either, so a file is screened twice:

- before parsing, its bytes: anything that could read differently or be refused
  sends it to the strict path (anchors, aliases, tags, block scalars, merge keys,
  directives, document markers, tabs, carriage returns, control characters,
  backslashes (escapes), the
  YAML 1.1 line breaks, a byte order mark, numbers with underscores or with a sign
  or capital before a radix prefix, numbers of 16 digits or more, lines of 1,000
  characters or more (libyaml's keys stop at 1,024), flow collections that
  do not close on the line they open on or that share it with a quote or a
  comment); a file that is not UTF-8 fails to decode;
- after parsing, its data: keys must be text; text that the strict loader would
  have read as a number, a boolean or null (if it was written plain), or that
  starts with ':', sends it to the strict path; numbers must be finite and within the policy
  (:mod:`pcontract.files.numbers`); lists and mappings must be nested within the
  depth limit.

Numbers: yaml_rs gives the value, not the text. The policy reads the text, but for
a number of at most 15 digits the text and the value's shortest form are the same
decimal (a double keeps 15 significant digits), so the value decides; longer ones
are screened out. A false positive only costs speed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pcontract.files import numbers
from pcontract.files.loader import _BOOL, _FLOAT, _INT, _MAY_RESOLVE, _NULL, depth_bound
from pcontract.files.reading import Limits

# Switched off by the tests that compare the fast path with the strict one.
enabled = True

# How many values the fast path may parse, at most, for each one allowed: parsed,
# a value costs yaml_rs and Python about 130 bytes, so this keeps memory within
# the strict loader's budget (about 500 bytes a value; see
# pcontract.files.reading.DEFAULT_MAX_VALUES).
_PARSED_PER_ALLOWED = 3

# libyaml's composer and yaml_rs's converter both recurse (yaml_rs was seen to
# crash between 8,000 and 12,000 levels on an 8 MB stack); a file whose nesting
# bound passes this is left to the strict loader, which scans it first.
_SAFE_DEPTH_BOUND = 2500
# How many times _multiline_flow takes out the pairs that close at once: each time
# takes two levels at most ([ then {), so flow nests at most 2 * _FLOW_PASSES deep
# on a line.
_FLOW_PASSES = 2

# The bytes that may start trouble somewhere: control characters (tabs and
# carriage returns among them), backslashes (yaml_rs joins the escaped surrogate
# pair "\ud83d\ude00", libyaml refuses it), and the indicators of anchors, aliases,
# tags, block scalars, directives, explicit keys and merge keys. Most files hold
# none.
_SUSPECT = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F]) + b"\\&*!|>%@`?<"
_INDICATORS = b"&*!|>%@`?"
_NOT_SUSPECT = bytes(b for b in range(256) if b not in _SUSPECT)
# What may come just before a node: a line's start, a space, a flow indicator, and
# the ':' of a JSON-like key ({"a":1}).
_BEFORE_NODE = frozenset(b" \n[]{},:")
_INDICATOR = re.compile(b"[" + re.escape(_INDICATORS) + b"]")
_UNICODE = re.compile(
    rb"\xc2[\x80-\x9f]"  # C1 controls, NEL among them
    rb"|\xe2\x80[\xa8\xa9]"  # LINE and PARAGRAPH SEPARATOR
    rb"|\xef\xbb\xbf|\xef\xbf[\xbe\xbf]"  # byte order marks, non-characters
)
_DIGIT_RUN = bytes.maketrans(b"0123456789.", b"\x00" * 11)
_NOT_FLOW = bytes(b for b in range(256) if b not in b"[]{}'\"#\n")
# The strict loader reads only 0x1F and 0o17, without a sign.
_RADIX = re.compile(rb"0[xXoObB]")
_HEX_UNDERSCORE = re.compile(rb"[0-9A-Fa-f]*_")
# Before the first '_' of a number comes a digit, '.', a sign, the start of the
# node, or an exponent's 'e' (0xA_B is _radix_prefix's). A literal first: fast.
_UNDERSCORE = re.compile(rb"_(?:(?<=[0-9.+\- \n\[\]{},:]_)|(?<=\A_)|(?<=[0-9.][eE]_))")


# A line this long goes to the strict path.
_LONG_LINE = 1000


def _has_long_line(data: bytes) -> bool:
    """Whether a line holds ``_LONG_LINE`` bytes or more, found with one ``rfind``
    per window of that many bytes rather than by splitting the file into lines."""
    start, end = 0, len(data)
    while start + _LONG_LINE <= end:
        newline = data.rfind(b"\n", start, start + _LONG_LINE)
        if newline < 0:
            return True  # the line starting at ``start`` fills the window
        start = newline + 1
    return False


def _screened(data: bytes) -> bool:
    """Whether the bytes hold anything the two parsers might read differently.

    Python's regular expressions cost about 10 ns a byte, so the common case is
    answered with ``bytes`` methods, which run in C; a regular expression runs
    only where such a method found a suspect."""
    rest = data.translate(None, _NOT_SUSPECT)
    if rest and (rest.translate(None, _INDICATORS + b"<") or b"<<" in data or _indicator(data)):
        return True
    if not data.isascii() and _UNICODE.search(data):
        return True
    if data.startswith(b"---") and not data.startswith(b"---\n"):
        return True
    if data.startswith((b"...", b"%")) or b"\n%" in data:
        return True
    if _MARKER.search(data):
        return True
    if b"\x00" * 16 in data.translate(_DIGIT_RUN):  # a double keeps 15 digits
        return True
    if _radix_prefix(data):
        return True
    return _underscored_number(data) or _multiline_flow(data)


# A document marker on a line after the first (the first line is screened above).
_MARKER = re.compile(rb"\n(?:---|\.\.\.)(?:\s|\Z)")


def _indicator(data: bytes) -> bool:
    """An anchor, alias, tag, block scalar... indicator where a node may start."""
    for found in _INDICATOR.finditer(data):
        at = found.start()
        if at == 0 or data[at - 1] in _BEFORE_NODE:
            return True
    return False


def _radix_prefix(data: bytes) -> bool:
    """A number that yaml_rs reads and the strict loader does not, or reads
    otherwise: 0X1F, 0b101, +0x1F, 0xA_B (or text that merely looks like one)."""
    for found in _RADIX.finditer(data):
        at = found.start()
        if data[at + 1] not in b"xo" or (at and data[at - 1] in b"+-"):
            return True
        if _HEX_UNDERSCORE.match(data, at + 2):
            return True
    return False


def _underscored_number(data: bytes) -> bool:
    """yaml_rs reads 1_000, _1 and 1e_3 as numbers, the strict loader as text."""
    return _UNDERSCORE.search(data) is not None


def _multiline_flow(data: bytes) -> bool:
    """A flow collection that does not close on the line it opens on, or that
    shares it with a quote or a comment (which could hide a bracket): libyaml and
    yaml_rs differ on keys that span lines. The brackets, quotes, '#' and line
    breaks are kept; pairs that close at once are taken out, _FLOW_PASSES times."""
    kept = data.translate(None, _NOT_FLOW)
    for _ in range(_FLOW_PASSES):
        kept = kept.replace(b"[]", b"").replace(b"{}", b"")
    return any(bracket in kept for bracket in (b"[", b"]", b"{", b"}"))


# Text that starts with ':' is read by yaml_rs in a flow collection ({:a: 1},
# [x, :y]) where libyaml refuses it; it is left to the strict path wherever it is
# (in a block, where both read it alike, that costs only speed).
_SUSPECT_START = _MAY_RESOLVE | {":"}

# Every plain scalar that the strict loader reads as other than text.
_RESOLVES = re.compile(
    "(?:" + "|".join(p.pattern[1:-1] for p in (_BOOL, _NULL, _INT, _FLOAT)) + r")\Z"
)


class _Unsure(Exception):
    """The data might differ from the strict loader's: use the strict path."""


def fast_data(data: bytes, limits: Limits) -> Any:
    """The document's data when it is certainly the strict loader's, else None."""
    if not enabled:
        return None
    # Each byte is one indicator at most: a small file is within the limit. The
    # bound is trusted once the file passes the screens below, before it is parsed.
    most = 3 * len(data) + 1
    if most > limits.max_values:
        most = _most_values(data)
        if most > _PARSED_PER_ALLOWED * limits.max_values:
            return None
    if _has_long_line(data):
        return None  # libyaml's simple keys stop at 1,024 characters
    # No line is as long as _LONG_LINE, so block nesting is within the bound; past
    # it, there are many brackets. Unless one spans lines (which is screened out
    # anyway) each flow collection closes on its line, 2 * _FLOW_PASSES deep at most.
    if depth_bound(data, _LONG_LINE - 1) > _SAFE_DEPTH_BOUND and _multiline_flow(data):
        return None
    if _screened(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    import yaml_rs

    try:
        value = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # a syntax error, a duplicate key: the strict path says which
        return None
    if value is None:  # no document, or a null one
        return None
    try:
        _item(value, 0, limits.depth)
    except _Unsure:
        return None
    # Counted only where the bound allows more than the limit; the strict path
    # reports a file past it.
    if most > limits.max_values and _values(value) > limits.max_values:
        return None
    return value


def _most_values(data: bytes) -> int:
    """An upper bound on the values in a file that passes the screens (no complex
    keys, anchors, aliases, block scalars or second documents): every value but
    the root comes with an indicator, ':' '-' ',' '[' or '{', and none brings more
    than three (a key, its value and the block mapping they start; a bare flow
    key and its null)."""
    count = data.count
    return 3 * (count(b":") + count(b"-") + count(b",") + count(b"[") + count(b"{")) + 1


def _values(item: Any) -> int:
    """How many values the strict loader counts in ``item``: every scalar, key,
    list and mapping (its node events; the data has no aliases, its keys are text)."""
    cls = item.__class__
    if cls is dict:
        return 1 + len(item) + sum(map(_values, item.values()))
    if cls is list:
        return 1 + sum(map(_values, item))
    return 1


def _mapping(mapping: dict[Any, Any], depth: int, most: int) -> None:
    if depth > most:
        raise _Unsure
    for key, item in mapping.items():
        if key.__class__ is not str or key[:1] == ":":
            raise _Unsure
        # _item, inlined for the usual values: this loop sees every value.
        cls = item.__class__
        if cls is str:
            if item[:1] in _SUSPECT_START and (item[0] == ":" or _RESOLVES.match(item)):
                raise _Unsure  # quoted, or a form yaml_rs reads otherwise
        elif cls is dict:
            _mapping(item, depth + 1, most)
        elif cls is int:
            if not -numbers.MAX_MAGNITUDE <= item <= numbers.MAX_MAGNITUDE:
                raise _Unsure
        else:
            _item(item, depth, most)


def _sequence(items: list[Any], depth: int, most: int) -> None:
    if depth > most:
        raise _Unsure
    for item in items:
        _item(item, depth, most)


def _item(item: Any, depth: int, most: int) -> None:
    """Check a value found at ``depth`` (that of the list or mapping holding it)."""
    cls = item.__class__
    if cls is dict:
        _mapping(item, depth + 1, most)
    elif cls is list:
        _sequence(item, depth + 1, most)
    else:
        _scalar(item)


def _scalar(value: Any) -> None:
    cls = value.__class__
    if cls is str:
        if value[:1] in _SUSPECT_START and (value[0] == ":" or _RESOLVES.match(value)):
            raise _Unsure  # quoted, or a form yaml_rs reads otherwise
    elif cls is int:
        if not -numbers.MAX_MAGNITUDE <= value <= numbers.MAX_MAGNITUDE:
            raise _Unsure
    elif cls is float:
        if not math.isfinite(value):
            raise _Unsure
        if not (value.is_integer() and abs(value) <= numbers.MAX_MAGNITUDE) and (
            numbers.refusal(repr(value), value) is not None
        ):
            raise _Unsure
    elif cls is not bool and value is not None:
        raise _Unsure  # a set, a tuple, a date: never the strict loader's
