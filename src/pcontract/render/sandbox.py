"""Bounds on rendering the templates given with ``--template``.

A template is a small program. The Jinja sandbox stops it reaching Python's
internals; these bounds stop it exhausting time or memory. Three layers:

1. **Guards** in the sandbox refuse, with a clear message, the operations that
   build a huge string or list in one step: padding and format widths
   (``ljust``, ``center``, ``rjust``, ``zfill``, ``'%9999999999s'|format``,
   ``'{:>999999999}'.format``, the ``center``, ``indent``, ``wordwrap`` and
   ``truncate`` filters), ``join``, ``replace``, ``+`` and ``*`` results, values
   kept in a ``namespace()`` or passed to a macro, and ``lipsum``.
2. **Output**: each file is rendered as a stream, and stops past
   :data:`MAX_OUTPUT` characters.
3. **A child process** renders the files when the platform can fork, with its
   address space capped at :data:`MAX_MEMORY` more than the parent's; the
   parent kills it when a file takes more than :data:`MAX_SECONDS`. So a loop of
   a billion empty iterations, or doubling a string until memory runs out, ends
   in a template error (exit 1), never a hang or a crash.

The shipped templates are trusted and render in-process, with no child and no
extra cost.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import select
import signal
import string
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from pcontract.errors import PcontractError

MAX_SIZE: Final = 1_000_000  # characters or items one operation may build
MAX_EXPONENT: Final = 100
MAX_OUTPUT: Final = 16 * 1024 * 1024  # characters per rendered file
MAX_SECONDS: Final = 10.0  # wall-clock seconds per rendered file
MAX_MEMORY: Final = 512 * 1024 * 1024  # bytes of address space the renderer may add
MAX_LIPSUM: Final = (100, 1000)  # paragraphs, words per paragraph

# Filters whose numeric parameters are sizes of what they build.
_SIZED_FILTERS: Final = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})
# String methods whose numeric arguments are the length of the result.
_PADDING: Final = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
_PRINTF_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


class TemplateError(PcontractError):
    """A template is missing, malformed, refused by the sandbox, or over a bound."""


class Refused(Exception):
    """Raised by a guard; the renderer turns it into a TemplateError."""


def _too_big(what: str, size: int) -> Refused:
    return Refused(
        f"{what} would be {size:,} characters or items long, more than the "
        f"{MAX_SIZE:,} a template may build"
    )


def size_of(value: Any) -> int:
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return len(value)
    return 0


def check_size(what: str, value: Any) -> Any:
    size = size_of(value)
    if size > MAX_SIZE:
        raise _too_big(what, size)
    return value


def _number(value: Any) -> int:
    """The magnitude of a numeric argument (0 for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    try:
        return int(abs(value))
    except (OverflowError, ValueError):  # inf, nan
        return MAX_SIZE + 1


def check_widths(what: str, args: Iterable[Any]) -> None:
    for arg in args:
        width = _number(arg)
        if width > MAX_SIZE:
            raise _too_big(what, width)


def check_call(obj: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    """Refuse a call from a template that would build more than MAX_SIZE."""
    for value in (*args, *kwargs.values()):
        check_size("an argument", value)
    # The sandbox hands out str.format wrapped; the wrapped method tells whose it is.
    method = getattr(obj, "__wrapped__", obj)
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if isinstance(owner, str) and name in ("format", "format_map"):
        values = args[0] if name == "format_map" and args else kwargs
        check_format_string(owner, args if name == "format" else (), dict(values))
    elif isinstance(owner, str):
        if name in _PADDING:
            check_widths(f"'...'.{name}()", (*args, *kwargs.values()))
        elif name == "replace" and len(args) >= 2:
            old, new = str(args[0]), str(args[1])
            count = owner.count(old)
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                count = min(count, args[2])
            check_size_estimate("'...'.replace()", len(owner) + count * (len(new) - len(old)))
        elif name == "join" and args:
            check_join(owner, args[0])


def check_size_estimate(what: str, size: int) -> None:
    if size > MAX_SIZE:
        raise _too_big(what, size)


def check_join(separator: str, items: Any) -> None:
    if isinstance(items, str | list | tuple):
        sized = [size_of(x) if isinstance(x, str) else len(str(x)) for x in items[: MAX_SIZE + 1]]
        check_size_estimate("the joined text", sum(sized) + len(separator) * max(len(sized) - 1, 0))


def check_format_string(text: str, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
    """Widths and precisions in a ``str.format`` string, nested ones included."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format will raise the same error itself
    for _, field, spec, _ in parsed:
        if field is None or not spec:
            continue
        if "{" in spec:  # a width taken from an argument
            check_widths("a formatted field", (*args, *kwargs.values()))
        for digits in _DIGITS.findall(spec):
            check_widths("a formatted field", (int(digits),))


def check_printf(text: Any, args: Any) -> None:
    """Widths and precisions in a ``'%10s'|format(...)`` string."""
    if not isinstance(text, str):
        return
    values = args if isinstance(args, tuple | list) else (args,)
    for width, precision in _PRINTF_WIDTH.findall(text):
        for part in (width, precision):
            if part == "*":
                check_widths("a formatted field", values)
            elif part:
                check_widths("a formatted field", (int(part),))


def guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with the guard for filter ``name``; Jinja's pass-context
    markers are kept (functools.wraps copies them)."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        # Filters that take the context or environment get it first; the value
        # filtered comes next, then the filter's own parameters.
        params = [a for a in args if not _is_jinja_internal(a)]
        parameters = params[1:]
        if name in _SIZED_FILTERS:
            check_widths(f"the {name} filter's result", (*parameters, *kwargs.values()))
            if params and name in ("indent", "wordwrap"):
                _check_inserted(name, str(params[0]), parameters, kwargs)
        elif name == "format" and params:
            check_printf(params[0], tuple(parameters) or kwargs)
        elif name == "join" and params:
            separator = parameters[0] if parameters else kwargs.get("d", "")
            check_join(str(separator), params[0])
        elif name == "replace" and len(params) >= 3:
            text, old, new = str(params[0]), str(params[1]), str(params[2])
            check_size_estimate(
                "the replace filter's result",
                len(text) + text.count(old) * (len(new) - len(old)),
            )
        return check_size(f"the {name} filter's result", function(*args, **kwargs))

    return guarded


def _check_inserted(
    name: str, text: str, parameters: Sequence[Any], kwargs: dict[str, Any]
) -> None:
    """indent and wordwrap insert a string at every line: estimate the result."""
    if name == "indent":
        width = parameters[0] if parameters else kwargs.get("width", 4)
        inserted = len(width) if isinstance(width, str) else _number(width)
        lines = text.count("\n") + 1
    else:
        width = _number(parameters[0] if parameters else kwargs.get("width", 79)) or 1
        wrap = parameters[2] if len(parameters) > 2 else kwargs.get("wrapstring")
        inserted = len(wrap) if isinstance(wrap, str) else 1
        lines = len(text) // width + text.count("\n") + 1
    check_size_estimate(f"the {name} filter's result", len(text) + lines * inserted)


def _is_jinja_internal(value: Any) -> bool:
    from jinja2 import Environment
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context

    return isinstance(value, Environment | Context | EvalContext)


def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    """Jinja's ``lipsum``, with at most 100 paragraphs of at most 1,000 words."""
    from jinja2.utils import generate_lorem_ipsum

    most_paragraphs, most_words = MAX_LIPSUM
    if _number(n) > most_paragraphs or _number(max) > most_words or _number(min) > most_words:
        raise Refused(
            f"lipsum() may make at most {most_paragraphs} paragraphs of at most {most_words} words"
        )
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def namespace_class() -> type:
    """``namespace()`` whose attributes may not hold more than MAX_SIZE."""
    from jinja2.utils import Namespace

    class BoundedNamespace(Namespace):
        def __init__(*args: Any, **kwargs: Any) -> None:
            for value in (*args[1:], *kwargs.values()):
                check_size("a namespace value", value)
            Namespace.__init__(*args, **kwargs)

        def __setitem__(self, name: str, value: Any) -> None:
            check_size(f"namespace value '{name}'", value)
            super().__setitem__(name, value)

    return BoundedNamespace


def render_stream(chunks: Iterable[str], deadline: float | None = None) -> str:
    """Join a template's output, stopping past MAX_OUTPUT characters or the deadline."""
    parts: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise Refused(f"the output is over {MAX_OUTPUT:,} characters, the most a file may hold")
        if deadline is not None and time.monotonic() > deadline:
            raise Refused(f"rendering took more than {MAX_SECONDS:g} seconds")
        parts.append(chunk)
    return "".join(parts)


# -- a child process for each batch of files --------------------------------------

_HEADER = struct.Struct("!cQ")  # kind (T text, E error), length


def can_fork() -> bool:
    return hasattr(os, "fork")


def render_in_child(jobs: Sequence[tuple[str, Callable[[], str]]]) -> list[str]:
    """Run each ``(name, render)`` in one forked child, bounded in memory and, per
    file, in wall-clock time. A ``TemplateError`` or ``Refused`` in the child, a
    MemoryError or any crash comes back as a TemplateError naming the file."""
    if not jobs:
        return []
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its work is checked by the parent
        os.close(read_end)
        _child(jobs, write_end)
    os.close(write_end)
    try:
        return _collect(pid, read_end, [name for name, _ in jobs])
    finally:
        os.close(read_end)
        _reap(pid)


def _child(
    jobs: Sequence[tuple[str, Callable[[], str]]], out: int
) -> None:  # pragma: no cover - runs in the child
    out_of_memory = b"rendering needed more than the memory a template may use"
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _limit_memory()
        for name, job in jobs:
            try:
                frame = b"T", job().encode("utf-8", "surrogatepass")
            except MemoryError:
                frame = b"E", out_of_memory
            except (TemplateError, Refused) as error:
                frame = b"E", str(error).encode("utf-8", "replace")
            except RecursionError:
                frame = b"E", f"template {name}: it calls or includes itself without end".encode()
            except Exception as error:
                frame = (
                    b"E",
                    f"template {name}: {type(error).__name__}: {error}".encode("utf-8", "replace"),
                )
            _send(out, *frame)
            if frame[0] == b"E":
                break
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    try:
        import resource
    except ImportError:
        return
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + MAX_MEMORY
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _send(out: int, kind: bytes, payload: bytes) -> None:  # pragma: no cover - child
    data = memoryview(_HEADER.pack(kind, len(payload)) + payload)
    while data:
        written = os.write(out, data)
        data = data[written:]


def _collect(pid: int, read_end: int, names: list[str]) -> list[str]:
    texts: list[str] = []
    buffer = bytearray()
    deadline = time.monotonic() + MAX_SECONDS
    while len(texts) < len(names):
        name = names[len(texts)]
        left = deadline - time.monotonic()
        if left <= 0:
            _kill(pid)
            raise TemplateError(
                f"template {name}: rendering took more than {MAX_SECONDS:g} seconds, "
                "the most a template may take"
            )
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            raise TemplateError(f"template {name}: {_how_it_ended(pid)}")
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + length:
                break
            payload = bytes(buffer[_HEADER.size : _HEADER.size + length])
            del buffer[: _HEADER.size + length]
            if kind == b"E":
                message = payload.decode("utf-8", "replace")
                if not message.startswith(("template ", "templates ")):
                    message = f"template {name}: {message}"
                raise TemplateError(message)
            texts.append(payload.decode("utf-8", "surrogatepass"))
            deadline = time.monotonic() + MAX_SECONDS
    return texts


def _how_it_ended(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "rendering stopped unexpectedly"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return (
            f"rendering was stopped by signal {signal.Signals(number).name}: the template "
            "ran out of memory or stack (a macro or include that recurses without end?)"
        )
    return "rendering stopped unexpectedly"


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            _kill(pid)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass
