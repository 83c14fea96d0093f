"""The exceptions that core code raises. Only the CLI turns them into exit codes."""

from __future__ import annotations


class PcontractError(Exception):
    """A user-facing error: bad input or a bad request. The CLI exits 1."""

    exit_code = 1


class UsageError(PcontractError):
    """The command was called wrongly, or a path does not exist. The CLI exits 2."""

    exit_code = 2


class InputError(PcontractError):
    """An input file cannot be used; carries the problems that say why."""

    def __init__(self, message: str, problems: list[object] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class WriteRefused(PcontractError):
    """A write was refused to protect existing work or the output folder."""
