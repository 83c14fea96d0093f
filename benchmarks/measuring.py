"""Run a command as a fresh process and keep what it cost; take turns in rounds.

Shared by run.py (the validate suite) and scale.py (the scale suite).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """One run: wall seconds, CPU seconds (user + sys, the child's and its
    workers'), peak RSS in MiB and the exit code."""

    wall: float
    cpu: float
    rss: int
    code: int


@dataclass
class Stats:
    """A command's runs over the rounds: medians of wall and CPU, the largest peak RSS."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: int = 0

    def add(self, sample: Sample) -> None:
        self.walls.append(sample.wall)
        self.cpus.append(sample.cpu)
        self.rss = max(self.rss, sample.rss)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def run_usage(command: list[str], cwd: Path | None = None, stdout: Path | None = None) -> Sample:
    """Run ``command`` (its output to ``stdout`` if given, else discarded) and
    read its cost from wait4: the rusage counts the child and every worker it
    waited for, and ru_maxrss is the largest of their peaks."""
    sink = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        if stdout:
            sink.close()  # type: ignore[union-attr]
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(elapsed, cpu, usage.ru_maxrss // 1024, process.returncode)


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MiB, exit code."""
    sample = run_usage(command, cwd)
    return sample.wall, sample.rss, sample.code


Hook = Callable[[int], None]


def measure_rounds(
    commands: dict[str, list[str]],
    repeat: int,
    cwd: Path,
    before: dict[str, Hook] | None = None,
    after: dict[str, Hook] | None = None,
    stdout: dict[str, Path] | None = None,
) -> dict[str, Stats]:
    """Each round runs every command once, in order, so noise hits them alike.

    ``before`` and ``after``: by command name, what to do (untimed) around each
    of its runs, given the round number; ``stdout``: where to write its output.
    Exit codes 0 and 1 (problems found) are accepted, any other stops the run.
    """
    stats = {name: Stats() for name in commands}
    for round_number in range(repeat):
        for name, command in commands.items():
            if before and name in before:
                before[name](round_number)
            sample = run_usage(command, cwd, (stdout or {}).get(name))
            if sample.code not in (0, 1):
                raise SystemExit(f"{name} failed with exit code {sample.code}: {' '.join(command)}")
            stats[name].add(sample)
            if after and name in after:
                after[name](round_number)
    return stats


def measure(
    commands: dict[str, list[str]],
    repeat: int,
    cwd: Path,
    before: dict[str, Hook] | None = None,
) -> dict[str, tuple[float, int]]:
    """Median wall seconds and peak RSS in MiB, by command name."""
    stats = measure_rounds(commands, repeat, cwd, before)
    return {name: (s.wall, s.rss) for name, s in stats.items()}
