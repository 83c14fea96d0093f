"""The one place YAML is read.

A subclass of libyaml's safe loader with a YAML 1.2-like core schema:

- only ``true``/``false`` are booleans (``no``, ``on``, ``off`` stay strings);
- dates stay strings (no timestamp resolver);
- mapping keys are always the key's text, never a number or a boolean;
- duplicate keys, non-scalar keys, merge keys and tags other than the core ones are
  refused, and so are ``.inf``/``.nan`` and numbers too large for a float;
- every number is within the range pcontract computes with (:mod:`pcontract.files.numbers`);
- aliases are refused unless a cap is given; when allowed, an alias may not refer
  to a node that contains it, and the document with its aliases expanded must stay
  within the value and depth limits (no "billion laughs");
- nesting is capped before libyaml's recursive composer can be driven off the end
  of the C stack, and the number of values before any node is built;
- only regular files are read, and never more than ``max_bytes`` of them: a named
  pipe or a device is refused without being waited on.

Loading never raises for bad input: :func:`load` returns a :class:`Loaded` whose
``problem`` says what was wrong, with a 1-based line and column.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pcontract.files import numbers
from pcontract.files.reading import MAX_DEPTH_CEILING, Limits, UnreadableFile, read_limited
from pcontract.problems import JsonPath, Problem, Severity

# libyaml's composer recurses in C; it was seen to crash between 10,000 and 100,000
# levels. Below this bound it is safe, so the exact depth check can run on its nodes.
_C_COMPOSER_SAFE_DEPTH = 5000


class Loaded:
    """A file's data and its node tree (for positions), or the problem that stopped it.

    Data read by the fast path (:mod:`pcontract.files.fastyaml`) comes without a
    node tree: ``node`` composes it from the file's bytes when first asked for, the
    very tree the strict loader would have given."""

    __slots__ = ("_limits", "_node", "_source", "data", "file", "problem")

    def __init__(
        self,
        file: str,
        data: Any = None,
        node: Node | None = None,
        problem: Problem | None = None,
        source: bytes | None = None,
        limits: Limits = Limits(),
    ) -> None:
        self.file = file
        self.data = data
        self.problem = problem
        self._node = node
        self._source = source
        self._limits = limits

    @property
    def node(self) -> Node | None:
        if self._node is None and self._source is not None:
            self._node = _compose(self._source, self._limits, check_depth=False)[0]
            self._source = None
        return self._node

    def __repr__(self) -> str:
        return f"Loaded(file={self.file!r}, data={self.data!r}, problem={self.problem!r})"


class _Refused(Exception):
    """Raised inside the loader with a code, a message and the node to blame."""

    def __init__(self, code: str, message: str, mark: Any, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark
        self.hint = hint


_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# First characters of every implicit (non-text) plain scalar: bool, null, int, float.
_MAY_RESOLVE = frozenset("tTfFnN~-+.0123456789")


class SafeLoader(yaml.CSafeLoader):
    """libyaml's safe loader with pcontract's stricter core schema."""

    # Fresh tables, so that add_implicit_resolver/add_constructor below change this
    # class only and never PyYAML's own loaders.
    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class table
    yaml_constructors: ClassVar[dict[Any, Any]] = {}

    # The C composer asks these for every node. pcontract uses no path
    # resolvers, and most scalars are words that cannot be anything but text, so a
    # first-character test answers them without trying the regular expressions.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0] and (not value or value[0] in _MAY_RESOLVE):
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def construct_mapping(  # type: ignore[override]
        self, node: Node, deep: bool = False
    ) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise _Refused("PC001", "expected a mapping", node.start_mark)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key(mapping, node, key_node)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _construct_bool(loader: SafeLoader, node: ScalarNode) -> bool:
    return str(node.value).lower() == "true"


def _construct_null(loader: SafeLoader, node: ScalarNode) -> None:
    return None


def _construct_int(loader: SafeLoader, node: ScalarNode) -> int:
    text = str(node.value)
    try:
        value = int(text, 0) if text.startswith(("0o", "0x")) else int(text, 10)
    except ValueError:
        if text.lstrip("+-").isdigit():  # past Python's 4,300 digits: far too large anyway
            _check_policy(text, numbers.MAX_MAGNITUDE + 1, node)
        raise _Refused("PC004", f"'{text}' is not a whole number", node.start_mark) from None
    _check_policy(text, value, node)
    return value


def _construct_float(loader: SafeLoader, node: ScalarNode) -> float:
    text = str(node.value)
    try:
        value = float(text.replace(".", "", 1) if text.lower().endswith(("inf", "nan")) else text)
    except ValueError:
        raise _Refused("PC004", f"'{text}' is not a number", node.start_mark) from None
    if not math.isfinite(value):
        raise _Refused(
            "PC004",
            f"'{text}' is not a finite number",
            node.start_mark,
            "numbers must be finite: .inf, .nan and values beyond 1e308 are not allowed",
        )
    _check_policy(text, value, node)
    return value


def _check_policy(text: str, value: int | float, node: ScalarNode) -> None:
    """Refuse a number outside the range pcontract computes with (see numbers)."""
    refused = numbers.refusal(text, value)
    if refused is not None:
        raise _Refused("PC009", refused[0], node.start_mark, refused[1])


def _construct_str(loader: SafeLoader, node: ScalarNode) -> str:
    return str(node.value)


def _construct_undefined(loader: SafeLoader, node: Node) -> Any:
    raise _Refused(
        "PC005",
        f"the tag '{node.tag}' is not allowed",
        node.start_mark,
        "pcontract files use plain YAML values only; remove the tag",
    )


for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
    ("tag:yaml.org,2002:float", _FLOAT, "-+.0123456789"),
):
    SafeLoader.add_implicit_resolver(_tag, _regexp, list(_first))

SafeLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
SafeLoader.add_constructor("tag:yaml.org,2002:null", _construct_null)
SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
SafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
SafeLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
SafeLoader.add_constructor(
    "tag:yaml.org,2002:seq",
    yaml.SafeLoader.construct_yaml_seq,  # type: ignore[type-var]
)
SafeLoader.add_constructor(
    "tag:yaml.org,2002:map",
    yaml.SafeLoader.construct_yaml_map,  # type: ignore[type-var]
)
SafeLoader.add_constructor(None, _construct_undefined)


def _mark_position(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 0, 0
    return int(mark.line) + 1, int(mark.column) + 1


def _position_of_index(data: bytes, index: int) -> tuple[int, int]:
    before = data[:index]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    return line, len(before[start:].decode("utf-8", errors="replace")) + 1


def _depth_bound(data: bytes) -> int:
    return depth_bound(data, max(map(len, data.split(b"\n")), default=0))


def depth_bound(data: bytes, longest_line: int) -> int:
    """A cheap upper bound on nesting depth.

    Flow nesting needs a ``[`` or ``{`` per level; block nesting needs more
    indentation or another indicator on the same line, so it is bounded by twice
    the longest line (``longest_line``, its length).
    """
    return data.count(b"[") + data.count(b"{") + 2 * longest_line + 2


def _check_events(loader: yaml.SafeLoader | SafeLoader, limits: Limits) -> int:
    """Exact depth, size and alias checks on the event stream, which libyaml
    produces without recursing or building anything, and which knows where each
    alias is used. Returns the number of aliases.

    The pure-Python loader gives the same events, and reads only as far ahead as a
    simple key can reach (1,024 characters), so it finds the first level past the
    limit where libyaml's scanner gives up first. It stops at the first limit
    passed, so its work is bounded by the limits too."""
    depth = 0
    aliases = 0
    values = 0
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
            values += 1
            if values > limits.max_values:
                raise _too_many(event.start_mark, limits)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.depth:
                raise _too_deep(event.start_mark, limits)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.max_aliases:
                raise _Refused(
                    "PC003",
                    "YAML aliases (*name) are not allowed"
                    if limits.max_aliases == 0
                    else f"more than {limits.max_aliases} YAML aliases",
                    event.start_mark,
                    "repeat the value instead of referring to an anchor, or raise --max-aliases",
                )
    return aliases


def _too_many(mark: Any, limits: Limits) -> _Refused:
    return _Refused(
        "PC008",
        f"the file holds more than {limits.max_values:,} values",
        mark,
        "split the file into smaller ones, or raise --max-values",
    )


def _too_deep(mark: Any, limits: Limits, aliased: bool = False) -> _Refused:
    expanded = " once its aliases are expanded" if aliased else ""
    if limits.max_depth > MAX_DEPTH_CEILING:
        return _Refused(
            "PC006",
            f"the document is nested more than {MAX_DEPTH_CEILING} levels deep{expanded}, "
            "the most pcontract can read",
            mark,
            "contracts are only a few levels deep; flatten the data",
        )
    return _Refused(
        "PC006",
        f"the document is nested more than {limits.max_depth} levels deep{expanded}",
        mark,
        "contracts are only a few levels deep; raise --max-depth if this is intended",
    )


def _check_depth(root: Node, limits: Limits) -> None:
    """Walk the node tree once, without recursion, to enforce the depth limit.
    Depth counts lists and mappings, as the event scan does."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.depth:
            raise _too_deep(node.start_mark, limits)
        stack.extend((child, depth + 1) for child in _children(node) if _is_collection(child))


def _is_collection(node: Node) -> bool:
    return isinstance(node, SequenceNode | MappingNode)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expansion(root: Node, limits: Limits) -> None:
    """With aliases, the node tree is a graph: refuse a cycle, and a document
    deeper or larger than the limits once aliases are expanded (a "billion laughs").

    One pass without recursion, each distinct node visited once, keeping the
    expanded size and height (nested lists and mappings) of each.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_nodes: set[int] = set()  # the nodes on the path being walked
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = int(_is_collection(node)) + max(
                (height[id(child)] for child in children), default=0
            )
            if size[key] > limits.max_values:
                raise _Refused(
                    "PC003",
                    f"YAML aliases expand this value to {size[key]:,} values, "
                    f"more than the {limits.max_values:,} allowed",
                    node.start_mark,
                    "repeat values instead of nesting aliases inside aliases",
                )
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise _Refused(
                "PC003",
                "an alias refers to a value that contains it",
                node.start_mark,
                "a YAML alias cannot make a value contain itself; repeat the value instead",
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    if height[id(root)] > limits.depth:
        raise _too_deep(_first_alias_on_deepest_path(root, height), limits, aliased=True)


def _first_alias_on_deepest_path(root: Node, height: dict[int, int]) -> Any:
    """Where to blame a document that aliases make too deep: the value holding the
    first alias on its deepest path. A node that starts before its parent can only
    be there through an alias."""
    node = root
    while children := _children(node):
        child = max(children, key=lambda c: height[id(c)])
        if child.start_mark.index < node.start_mark.index:
            return node.start_mark
        node = child
    return root.start_mark


def compose(data: bytes, limits: Limits = Limits()) -> Node | None:
    """Parse ``data`` into a node tree, enforcing the limits. Raises ``_Refused``
    or a ``yaml.YAMLError``."""
    node, _ = _compose(data, limits, check_depth=True)
    return node


def _compose(data: bytes, limits: Limits, check_depth: bool) -> tuple[Node | None, int]:
    """The node tree and the number of aliases in it. Without ``check_depth``, the
    caller enforces the depth limit itself (the converter does, as it goes)."""
    try:
        return _compose_with_libyaml(data, limits, check_depth)
    except yaml.MarkedYAMLError as error:
        if not _is_libyaml_nesting_error(error):
            raise
        # libyaml 0.2.6 (PyYAML 6.0.4 wheels) stops at its own nesting level of
        # 1,000, and its scanner can read that far ahead of the last event it gave.
        # The depth limit is pcontract's: find where the document first goes past it.
        scanner = yaml.SafeLoader(data)
        try:
            _check_events(scanner, limits)
        finally:
            scanner.dispose()
        raise  # not reached while pcontract's ceiling is below libyaml's level


def _is_libyaml_nesting_error(error: yaml.MarkedYAMLError) -> bool:
    return "maximum nesting depth" in str(error.problem or "")


def _compose_with_libyaml(
    data: bytes, limits: Limits, check_depth: bool
) -> tuple[Node | None, int]:
    # The event scan checks every limit exactly, without building anything. It is
    # skipped for the usual small file: one without an alias (which needs a '*'),
    # too short to hold more values than allowed (YAML needs a byte for every two),
    # and not deep enough to harm libyaml's composer.
    bound = 0
    scanned = (
        b"*" in data
        or 2 * len(data) > limits.max_values
        or (bound := _depth_bound(data)) > _C_COMPOSER_SAFE_DEPTH
    )
    aliases = 0
    if scanned:
        scanner = SafeLoader(data)
        try:
            aliases = _check_events(scanner, limits)
        finally:
            scanner.dispose()
    loader = SafeLoader(data)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return None, aliases
    if aliases:
        _check_expansion(node, limits)
    elif check_depth and not scanned and bound > limits.depth:
        _check_depth(node, limits)
    return node, aliases


def _key(mapping: dict[str, Any], node: Node, key_node: Node) -> str:
    """A mapping key as text, refusing what pcontract does not read."""
    if key_node.__class__ is not ScalarNode:
        raise _Refused(
            "PC005",
            "mapping keys must be plain text, not a list or a mapping",
            key_node.start_mark,
            "write the key as a simple word such as `weight`",
        )
    key: str = key_node.value
    if key in mapping:
        first = next(k for k, _ in node.value if k.value == key)
        raise _Refused(
            "PC002",
            f"duplicate key '{key}' (first defined at line "
            f"{first.start_mark.line + 1}, column {first.start_mark.column + 1})",
            key_node.start_mark,
            "remove one of the two entries; YAML would silently keep only the last",
        )
    if key == "<<" and not key_node.style:
        raise _Refused(
            "PC005",
            "merge keys (<<) are not supported",
            key_node.start_mark,
            "write the fields out in full",
        )
    return key


_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:bool": _construct_bool,
    "tag:yaml.org,2002:null": _construct_null,
    "tag:yaml.org,2002:int": _construct_int,
    "tag:yaml.org,2002:float": _construct_float,
}


def _to_data(node: Node, depth: int, limits: Limits) -> Any:
    """The Python value of an alias-free node tree, checking depth on the way.

    One recursive pass instead of PyYAML's construction machinery (generators,
    bookkeeping for aliases that cannot occur here) and a separate depth walk.
    Depth counts lists and mappings, as the other checks do; it is at most the
    ceiling, so the recursion stays well inside Python's stack."""
    cls = node.__class__
    if cls is ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        construct = _SCALARS.get(tag)
        if construct is None:
            return _construct_undefined(None, node)  # type: ignore[arg-type]
        return construct(None, node)
    if depth > limits.depth:
        raise _too_deep(node.start_mark, limits)
    if cls is MappingNode and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mapping[_key(mapping, node, key_node)] = _to_data(value_node, depth + 1, limits)
        return mapping
    if cls is SequenceNode and node.tag == _SEQ:
        items = []
        for child in node.value:  # a loop, not a comprehension: one frame per level
            items.append(_to_data(child, depth + 1, limits))
        return items
    return _construct_undefined(None, node)  # type: ignore[arg-type]


def _construct(node: Node) -> Any:
    loader = SafeLoader(b"")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_bytes(data: bytes, file: str, limits: Limits = Limits()) -> Loaded:
    """Load one document from ``data``. Never raises for bad input."""
    from pcontract.files import fastyaml

    fast = fastyaml.fast_data(data, limits)
    if fast is not None:
        return Loaded(file, data=fast, source=data, limits=limits)
    return _load_strictly(data, file, limits)


def _load_strictly(data: bytes, file: str, limits: Limits) -> Loaded:
    """Load with libyaml and pcontract's constructor: the one source of problems."""
    try:
        node, aliases = _compose(data, limits, check_depth=False)
        if node is None:
            return Loaded(
                file,
                problem=Problem(
                    file,
                    0,
                    0,
                    "PC007",
                    Severity.ERROR,
                    "the file holds no YAML document",
                    hint="start the file with `apiVersion: pcontract/v1` and a `kind`",
                ),
            )
        # Aliases share nodes: PyYAML's constructor keeps them shared, and
        # _check_expansion has already bounded their depth and size.
        value = _construct(node) if aliases else _to_data(node, 1, limits)
        return Loaded(file, data=value, node=node)
    except _Refused as refused:
        line, column = _mark_position(refused.mark)
        return Loaded(
            file,
            problem=Problem(
                file, line, column, refused.code, Severity.ERROR, refused.message, hint=refused.hint
            ),
        )
    except yaml.reader.ReaderError as error:
        line, column = _position_of_index(data, int(error.position))
        return Loaded(
            file,
            problem=Problem(
                file,
                line,
                column,
                "PC001",
                Severity.ERROR,
                f"the file is not valid text: {error.reason}",
                hint="save the file as UTF-8",
            ),
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "end of stream" in str(error.problem) and error.context_mark is not None:
            # An unclosed quote or bracket: where it opened helps, the file's end does not.
            mark = error.context_mark
        line, column = _mark_position(mark)
        indent = _indentation(data, line)
        return Loaded(file, problem=_syntax_problem(file, line, column, error, indent))
    except yaml.YAMLError as error:  # an unmarked libyaml error
        return Loaded(
            file,
            problem=Problem(file, 0, 0, "PC001", Severity.ERROR, f"YAML error: {error}"),
        )
    except RecursionError:
        return Loaded(
            file,
            problem=Problem(
                file, 0, 0, "PC006", Severity.ERROR, "the document is nested too deeply"
            ),
        )


def _indentation(data: bytes, line: int) -> bytes:
    """The leading whitespace of a 1-based line."""
    start = 0
    for _ in range(line - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return b""
    text = data[start : start + 4096]
    return text[: len(text) - len(text.lstrip(b" \t"))]


def _syntax_problem(
    file: str, line: int, column: int, error: yaml.MarkedYAMLError, indent: bytes = b""
) -> Problem:
    problem = str(error.problem or "")
    context = str(error.context or "")
    both = problem + " " + context
    if "expected a single document" in both or "but found another document" in both:
        return Problem(
            file,
            line,
            column,
            "PC001",
            Severity.ERROR,
            "the file holds more than one YAML document",
            hint="keep one document per file; remove the extra `---`",
        )
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    hint = ""
    if "\\t" in problem or "tab" in problem or (b"\t" in indent and column <= len(indent) + 1):
        hint = "indent with spaces, not tabs"
    elif "quoted scalar" in context and "end of stream" in problem:
        hint = "the quote that opens here is never closed"
    return Problem(file, line, column, "PC001", Severity.ERROR, message, hint=hint)


def load(path: Path, display: str | None = None, limits: Limits = Limits()) -> Loaded:
    """Read and load one file. Never raises for bad input."""
    file = display if display is not None else str(path)
    try:
        data = read_limited(path, limits)
    except UnreadableFile as error:
        return Loaded(file, problem=unreadable(file, error))
    return load_bytes(data, file, limits)


def unreadable(file: str, error: UnreadableFile) -> Problem:
    """The problem for a file that cannot be read (PC008), whoever reads it."""
    return Problem(file, 0, 0, "PC008", Severity.ERROR, error.message, hint=error.hint)


def yaml11_boolean_hint(value: object) -> str:
    """A hint for a string that YAML 1.1 tools would have read as a boolean."""
    if isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        return f"'{value}' is text here; pcontract reads only true and false as booleans"
    return ""


def _child(node: Node, part: str | int, at_key: bool) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == part:
                return key if at_key else value
        return None
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: Node = node.value[part]
        return child
    return None


def locate(root: Node | None, path: JsonPath, at_key: bool = False) -> tuple[int, int]:
    """The 1-based line and column of ``path`` in a node tree, or of its deepest
    existing ancestor."""
    if root is None:
        return 0, 0
    node = root
    for index, part in enumerate(path):
        last = index == len(path) - 1
        child = _child(node, part, at_key and last)
        if child is None:
            break
        node = child
    return _mark_position(node.start_mark)
