"""The scale suite of run.py (issue #19): every command at N contracts, against a floor.

    python benchmarks/run.py --scale 1k 10k --repeat 3 [--keep DIR]
    python benchmarks/run.py --national [--keep DIR]        # 100,000 contracts, once each

For each size N it generates a tree (benchmarks/generate.py: institutions of 4
departments of 4 officers, 21 contracts each, every one with annual results,
plus the guidelines) and times, each command as a fresh process, in rounds:
validate cold and warm, rank cold and warm (with --cache-dir when rank accepts
it), site cold and again after one results file changed, cascade of N drafts
against validating them, diff of two trees against validating one, a floor
(yaml_rs + jsonschema_rs in one process) and start-up. CPU is user + sys of
the child and its workers (wait4), peak RSS the largest of theirs.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generate import generate
from measuring import Sample, Stats, measure_rounds, run_usage

ROOT = Path(__file__).resolve().parent.parent
PER_INSTITUTION = 21  # 1 + 4 departments * (1 + 4 officers)

FLOOR = """
import json, os, sys
import jsonschema_rs, yaml_rs
schemas = {}
for kind, name in (("Contract", "contract"), ("Results", "results"), ("Guidelines", "guidelines")):
    with open(os.path.join(sys.argv[1], name + ".schema.json")) as handle:
        schemas[kind] = jsonschema_rs.validator_for(json.load(handle))
files = bad = 0
for root, dirs, names in os.walk(sys.argv[2]):
    dirs.sort()
    for name in sorted(names):
        if name.endswith(".yaml"):
            with open(os.path.join(root, name), "rb") as handle:
                data = yaml_rs.loads(handle.read().decode(), parse_datetime=False)
            files += 1
            validator = schemas.get(data.get("kind")) if isinstance(data, dict) else None
            bad += validator is None or not validator.is_valid(data)
print(files, bad)
"""


def parse_size(text: str) -> int:
    """1000, 1k, 10k, 1m."""
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def institutions_for(contracts: int) -> int:
    return max(1, round(contracts / PER_INSTITUTION))


def ensure_tree(tree: Path, contracts: int, indicators: int) -> int:
    """Generate the tree unless a complete one is there (--keep); its contract count."""
    institutions = institutions_for(contracts)
    done = tree.with_name(tree.name + ".done")
    stamp = f"{institutions} 4 4 {indicators}\n"
    if not (done.exists() and done.read_text() == stamp):
        shutil.rmtree(tree, ignore_errors=True)
        generate(tree, institutions, 4, 4, indicators, results=True)
        done.write_text(stamp)
    return institutions * PER_INSTITUTION


def write_plan(plan: Path, parent: str, units: int, indicators: int) -> None:
    """A CascadePlan giving ``parent``'s every indicator to each of ``units`` units.

    The generated indicators are aggregated by mean (rates and levels), so a plan
    copies their targets (PC244 refuses a share of a mean)."""
    lines = [
        "apiVersion: pcontract/v1",
        "kind: CascadePlan",
        f"parent: {parent}",
        "id_pattern: '{parent}-{unit}'",
        "units:",
    ]
    carried = "".join(f"      I{n:03d}: {{copy: true}}\n" for n in range(indicators))
    body = "\n".join(lines) + "\n"
    body += "".join(
        f"  - id: u{u:06d}\n    name: Unit {u}\n    indicators:\n{carried}" for u in range(units)
    )
    plan.write_text(body)


def rewrite(path: Path, text: str) -> None:
    """Write a new file in place of ``path`` (which may be a hard link shared with another tree)."""
    path.unlink()
    path.write_text(text)


def ensure_changed_copy(tree: Path, new: Path, changes: int = 5) -> list[Path]:
    """NEW: ``tree`` hard-linked file by file, with ``changes`` contracts' first target raised."""
    done = new.with_name(new.name + ".done")
    stamp = tree.with_name(tree.name + ".done").read_text()  # made from this tree
    contracts = sorted(p for p in tree.rglob("*.yaml") if not p.name.endswith("-results.yaml"))
    contracts = [p for p in contracts if p.name != "guidelines.yaml"]
    step = max(1, len(contracts) // changes)
    chosen = [new / p.relative_to(tree) for p in contracts[::step][:changes]]
    if done.exists() and done.read_text() == stamp:
        return chosen
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(tree, new, copy_function=os.link)
    for path in chosen:
        text = path.read_text()
        rewrite(
            path, re.sub(r"target: (\d+)\n", lambda m: f"target: {int(m[1]) + 1}\n", text, count=1)
        )
    done.write_text(stamp)
    return chosen


def accepts(pcontract: str, command: str, option: str) -> bool:
    """Whether ``pcontract COMMAND --help`` lists ``option``."""
    help_text = subprocess.run(
        [pcontract, command, "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    ).stdout
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text) is not None


class SetAside:
    """Where the suite moves a run's output and caches before the next run, to
    be deleted once every command is timed.

    Deleting them between runs skews what comes next. On ext4 without a journal
    (as on the machines these figures come from), the kernel finds a new file's
    inode by skipping those deleted in the last minutes (``recently_deleted`` in
    its inode allocator): a cascade writing 1,000 drafts into a folder just
    emptied of 1,000 spent 1.25 s of system time, against 0.28 s in a folder
    never used, with the same user time. None of that is pcontract's."""

    def __init__(self, work: Path) -> None:
        self.folder = work / "set-aside"
        self.count = 0

    def move(self, path: Path) -> None:
        if not os.path.lexists(path):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        os.rename(path, self.folder / f"{self.count}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def fresh(folder: Path, aside: SetAside) -> Callable[[int], None]:
    def reset(_: int) -> None:
        aside.move(folder)
        folder.mkdir(parents=True)

    return reset


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder``: its mtime in ns and size."""
    files = {}
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            files[str(path.relative_to(folder))] = (info.st_mtime_ns, info.st_size)
    return files


class SiteWatch:
    """Before and after the second site run: which files it wrote, and how many bytes."""

    def __init__(self, out: Path, results: Path) -> None:
        self.out = out
        self.results = results
        self.original = results.read_bytes()
        self.before: dict[str, tuple[int, int]] = {}
        self.first: tuple[int, int] = (0, 0)  # files, bytes of the cold run
        self.rewritten: tuple[int, int] = (0, 0)  # files, bytes of the second run

    def edit(self, _: int) -> None:
        self.before = snapshot(self.out)
        self.first = (len(self.before), sum(size for _, size in self.before.values()))
        text = self.original.decode()
        changed = re.sub(r"actual: (\d+)", lambda m: f"actual: {int(m[1]) + 1}", text, count=1)
        if changed == text:
            raise SystemExit(f"no integer actual to change in {self.results}")
        self.results.write_text(changed)

    def restore(self, _: int) -> None:
        self.results.write_bytes(self.original)
        after = snapshot(self.out)
        written = [after[name] for name in after if self.before.get(name) != after[name]]
        self.rewritten = (len(written), sum(size for _, size in written))


def same_bytes(first: Path, second: Path) -> bool:
    return first.read_bytes() == second.read_bytes()


def table(stats: dict[str, Stats], per: dict[str, int]) -> None:
    print("| command | median wall s | median CPU s | per contract ms | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, s in stats.items():
        count = per.get(name, 0)
        each = f"{s.wall / count * 1000:.2f}" if count else "-"
        print(f"| {name} | {s.wall:.3f} | {s.cpu:.3f} | {each} | {s.rss} |")


def ratio(label: str, value: float, target: str, percent: bool = False) -> None:
    shown = f"{value:.1%}" if percent else f"{value:.2f}x"
    print(f"  {label}: {shown} (target {target})")


class Size:
    """One tree size's commands, hooks and checks."""

    def __init__(self, pcontract: str, n: int, work: Path, indicators: int) -> None:
        self.pc = pcontract
        self.base = work / f"scale-{n}"
        self.base.mkdir(parents=True, exist_ok=True)
        self.aside = SetAside(self.base)
        self.aside.empty()  # left by an interrupted suite
        self.tree = self.base / "tree"
        self.count = ensure_tree(self.tree, n, indicators)
        self.units = n
        self.top = self.tree / "inst0000" / "inst0000.yaml"
        self.plan = self.base / "plan.yaml"
        write_plan(self.plan, "inst0000", self.units, indicators)
        self.indicators = indicators
        self.new = self.base / "new"
        ensure_changed_copy(self.tree, self.new)
        self.commands: dict[str, list[str]] = {}
        self.before: dict[str, Callable[[int], None]] = {}
        self.after: dict[str, Callable[[int], None]] = {}
        self.stdout: dict[str, Path] = {}
        self.per: dict[str, int] = {}
        self.rank_cache = accepts(pcontract, "rank", "--cache-dir")
        self.site_cache = accepts(pcontract, "site", "--cache-dir")

    def add(self, name: str, command: list[str], per: int | None = None) -> None:
        self.commands[name] = command
        self.per[name] = self.count if per is None else per

    def cache(self, name: str, wanted: bool = True) -> list[str]:
        """``--cache-dir`` for a fresh folder reset before each of the command's runs."""
        if not wanted:
            return []
        folder = self.base / f"cache-{name.split()[0]}-{len(self.before)}"
        self.before[name] = fresh(folder, self.aside)
        return ["--cache-dir", str(folder)]

    def primed(self, label: str, command: list[str]) -> list[str]:
        """``--cache-dir`` for a folder filled once, untimed, before the rounds."""
        folder = self.base / f"cache-{label}-warm"
        shutil.rmtree(folder, ignore_errors=True)
        option = ["--cache-dir", str(folder)]
        run_usage([*command, *option], self.base)
        return option

    def build(self) -> None:
        pc, tree = self.pc, str(self.tree)
        self.add("validate cold (--no-cache)", [pc, "validate", "--no-cache", tree])
        name = "validate cold (empty --cache-dir)"
        self.add(name, [pc, "validate", *self.cache(name), tree])
        warm = self.primed("validate", [pc, "validate", tree])
        self.add("validate warm (nothing changed)", [pc, "validate", *warm, tree])
        self.build_rank()
        self.build_site()
        drafts = self.base / "drafts"
        name = f"cascade ({self.units} drafts)"
        self.add(
            name,
            [
                pc,
                "cascade",
                str(self.top),
                "--plan",
                str(self.plan),
                "--out",
                str(drafts),
                # the plan names every indicator for every unit: past the default
                # bound on values per file (250,000) from about 1,500 units
                "--max-values",
                str(max(250_000, self.units * (self.indicators + 4) * 5)),
            ],
            self.units,
        )
        self.before[name] = lambda _: self.aside.move(drafts)
        self.add(
            "validate drafts + parent (--no-cache)",
            [pc, "validate", "--no-cache", str(drafts), str(self.top)],
            self.units + 1,
        )
        self.add("diff OLD NEW (5 targets changed)", [pc, "diff", tree, str(self.new)])
        floor = [sys.executable, "-c", FLOOR, str(ROOT / "schemas"), tree]
        if run_usage([sys.executable, "-c", "import yaml_rs, jsonschema_rs"]).code == 0:
            self.add("floor: yaml_rs + jsonschema_rs, 1 process", floor)
        else:
            print("yaml_rs or jsonschema_rs is not importable: floor skipped")

    def build_rank(self) -> None:
        pc, tree = self.pc, str(self.tree)
        command = [pc, "rank", "--format", "csv", tree]
        if self.rank_cache:
            cold = "rank cold (fresh --cache-dir)"
            self.add(cold, [*command, *self.cache(cold)])
            warm = "rank warm (nothing changed)"
            self.add(warm, [*command, *self.primed("rank", command)])
        else:
            cold, warm = "rank cold (no cache option)", "rank again (no cache option)"
            self.add(cold, command)
            self.add(warm, command)
        self.rank_names = (cold, warm)
        self.stdout[cold] = self.base / "rank-cold.csv"
        self.stdout[warm] = self.base / "rank-warm.csv"

    def build_site(self) -> None:
        pc, tree = self.pc, str(self.tree)
        out = self.base / "site"
        results = self.tree / "inst0000" / "inst0000-results.yaml"
        self.watch = SiteWatch(out, results)
        cold = "site cold (fresh output" + (", fresh --cache-dir)" if self.site_cache else ")")
        option = self.cache(cold, self.site_cache)
        self.add(cold, [pc, "site", tree, "-o", str(out), "--force", *option])
        reset_cache = self.before.get(cold)

        def start(round_number: int) -> None:
            self.aside.move(out)
            if reset_cache:
                reset_cache(round_number)

        self.before[cold] = start
        second = "site again, one results file changed"
        self.add(second, [pc, "site", tree, "-o", str(out), "--force", *option])
        self.before[second] = self.watch.edit
        self.after[second] = self.watch.restore
        self.site_names = (cold, second)

    def report(self, stats: dict[str, Stats]) -> None:
        cold_rank, warm_rank = self.rank_names
        identical = same_bytes(self.stdout[cold_rank], self.stdout[warm_rank])
        print(
            f"\nrank --format csv: cold and warm outputs are "
            f"{'byte-identical' if identical else 'DIFFERENT'}"
        )
        validate = stats["validate cold (--no-cache)"]
        print("\nratios")
        floor = stats.get("floor: yaml_rs + jsonschema_rs, 1 process")
        if floor:
            print(f"  floor CPU: {floor.cpu:.2f} s")
            ratio("cold validate CPU / floor CPU", validate.cpu / floor.cpu, "<= 3x")
        ratio(
            "cold rank wall / cold validate wall",
            stats[cold_rank].wall / validate.wall,
            "<= 1.3x",
        )
        ratio(
            "warm rank / cold rank (wall)",
            stats[warm_rank].wall / stats[cold_rank].wall,
            "<= 10%",
            percent=True,
        )
        cold_site, second_site = self.site_names
        print(f"  site peak RSS: {stats[cold_site].rss} MiB (target < 300 MB)")
        ratio(
            "second site after one change / first (wall)",
            stats[second_site].wall / stats[cold_site].wall,
            "<= 10%",
            percent=True,
        )
        files, size = self.watch.first
        rewritten, written = self.watch.rewritten
        print(
            f"  site: the cold run wrote {files} files, {size / 2**20:.1f} MiB; "
            f"the second rewrote {rewritten} of them, {written / 2**20:.1f} MiB"
        )
        ratio(
            "diff CPU / validate CPU",
            stats["diff OLD NEW (5 targets changed)"].cpu / validate.cpu,
            "<= 1.5x",
        )
        cascade = stats[f"cascade ({self.units} drafts)"]
        drafts = stats["validate drafts + parent (--no-cache)"]
        ratio("cascade CPU / validate CPU of its drafts", cascade.cpu / drafts.cpu, "<= 1.5x")


def startup(pcontract: str, work: Path, repeat: int) -> dict[str, Stats]:
    return measure_rounds(
        {
            "pcontract --version": [pcontract, "--version"],
            "python -c pass": [sys.executable, "-c", "pass"],
        },
        max(repeat, 15),
        work,
    )


def scale(pcontract: str, sizes: list[int], work: Path, repeat: int, indicators: int) -> None:
    site_rss: dict[int, int] = {}
    # Emptied once every size is timed: emptying between sizes would charge the
    # next size's runs for it (see SetAside).
    asides: list[SetAside] = []
    for n in sizes:
        size = Size(pcontract, n, work, indicators)
        size.build()
        print(
            f"\n## {size.count} contracts of {indicators} indicators with annual results "
            f"({2 * size.count + 1} files), {repeat} rounds\n"
        )
        if not size.rank_cache:
            print("rank has no --cache-dir option: its runs are plain cold runs\n")
        stats = measure_rounds(
            size.commands, repeat, size.base, size.before, size.after, size.stdout
        )
        start = startup(pcontract, size.base, repeat)
        stats.update(start)
        asides.append(size.aside)
        table(stats, size.per)
        size.report(stats)
        version, bare = start["pcontract --version"], start["python -c pass"]
        ratio("--version / python -c pass (wall)", version.wall / bare.wall, "<= 3x")
        site_rss[size.count] = stats[size.site_names[0]].rss
    for aside in asides:
        aside.empty()
    counts = sorted(site_rss)
    for small, big in itertools.pairwise(counts):
        ratio(
            f"site peak RSS, {big} / {small} contracts",
            site_rss[big] / max(1, site_rss[small]),
            "<= 1.2 from 1k to 10k",
        )


def national(pcontract: str, n: int, work: Path, indicators: int) -> None:
    """validate, rank and site once each, cold with a cache folder, on ``n`` contracts."""
    base = work / f"national-{n}"
    base.mkdir(parents=True, exist_ok=True)
    tree = base / "tree"
    # about 24 kB per contract with its results, and 100 kB of site (cards, data)
    tree_bytes, site_bytes = n * 24_000, n * 100_000
    need = tree_bytes + site_bytes
    free = shutil.disk_usage(base).free
    print(
        f"\n## national: {n} contracts; {free / 1e9:.1f} GB free under {base}, "
        f"about {tree_bytes / 1e9:.1f} GB needed for the tree and {site_bytes / 1e9:.1f} GB "
        "for the site"
    )
    if not (base / "tree.done").exists() and free < need:
        raise SystemExit(f"too little disk: about {need / 1e9:.1f} GB needed")
    count = ensure_tree(tree, n, indicators)
    cache = ["--cache-dir", str(base / "cache")]
    runs: dict[str, list[str]] = {
        "validate cold (--cache-dir)": [pcontract, "validate", *cache, str(tree)],
        "rank cold": [
            pcontract,
            "rank",
            "--format",
            "csv",
            str(tree),
            *(cache if accepts(pcontract, "rank", "--cache-dir") else []),
        ],
        "site cold": [
            pcontract,
            "site",
            str(tree),
            "-o",
            str(base / "site"),
            "--force",
            *(cache if accepts(pcontract, "site", "--cache-dir") else []),
        ],
    }
    stats: dict[str, Stats] = {}
    for name, command in runs.items():
        shutil.rmtree(base / "cache", ignore_errors=True)
        shutil.rmtree(base / "site", ignore_errors=True)
        sample: Sample = run_usage(command, base, base / "rank.csv" if "rank" in name else None)
        print(f"{name}: exit {sample.code}", flush=True)
        stats[name] = Stats()
        stats[name].add(sample)
    print(f"\n{count} contracts, {2 * count + 1} files, one run each\n")
    table(stats, dict.fromkeys(runs, count))
