"""Benchmark pcontract against its peers, in one run, with alternating repetitions.

    python benchmarks/run.py --contracts 1000 --repeat 5 [--big 10000 100000]
    python benchmarks/run.py --against OLD/bin/pcontract   # this build against another
    python benchmarks/run.py --scale 1k 10k --repeat 3 --keep /tmp/pc-bench
    python benchmarks/run.py --national --keep /tmp/pc-bench  # 100,000 contracts

Without --scale or --national it runs the validate suite (the first two lines).
--scale N... runs the scale suite (benchmarks/scale.py) at each size: validate,
rank, site, cascade, diff, a yaml_rs + jsonschema_rs floor and start-up, with
wall time, CPU time and peak RSS, and the ratios issue #19 asks for. --national
generates 100,000 contracts with results (about 2.4 GB) and runs validate, rank
and site once each. --keep DIR keeps the generated trees there for the next run.

Each measurement runs a whole command in a fresh process, as a user or CI would,
and keeps its wall time and peak RSS (from wait4). The commands take turns in
each round, so a slow patch on the machine hits them all alike; the report gives
medians and ratios. Needs `check-jsonschema` on PATH for that comparison (pip
install check-jsonschema); it is skipped, and said so, if missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from measuring import measure, run  # noqa: E402

PLAIN = """
import sys, json, glob, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sorted(glob.glob(sys.argv[2] + "/**/*.yaml", recursive=True)):
    with open(path, "rb") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    if isinstance(data, dict) and data.get("kind") == "Contract":
        bad += not validator.is_valid(data)
print(bad)
"""


def compare(new: str, old: str, contracts: Path, work: Path, repeat: int) -> None:
    """This build against another, on the same files, taking turns in each round."""
    commands: dict[str, list[str]] = {"python -c pass": [sys.executable, "-c", "pass"]}
    for label, exe in (("new", new), ("old", old)):
        cache = work / f"cache-{label}"
        run([exe, "validate", str(contracts), "--cache-dir", str(cache)])  # prime it
        commands[f"{label}: validate cold"] = [exe, "validate", "--no-cache", str(contracts)]
        commands[f"{label}: validate warm"] = [
            exe,
            "validate",
            "--cache-dir",
            str(cache),
            str(contracts),
        ]
        commands[f"{label}: rules (start-up)"] = [exe, "rules"]
        commands[f"{label}: --version"] = [exe, "--version"]
    results = measure(commands, max(repeat, 5), work)
    width = max(map(len, results))
    print(f"{'command':<{width}}  {'median s':>9}  {'peak MiB':>8}")
    for name, (seconds, rss) in results.items():
        print(f"{name:<{width}}  {seconds:>9.3f}  {rss:>8}")
    print("\nratios, new / old")
    for what in ("validate cold", "validate warm", "rules (start-up)", "--version"):
        print(f"  {what}: {results[f'new: {what}'][0] / results[f'old: {what}'][0]:.2f}x")
    floor = results["python -c pass"][0]
    print("ratios to python -c pass, new build")
    for what in ("rules (start-up)", "--version"):
        print(f"  {what}: {results[f'new: {what}'][0] / floor:.2f}x")


def scale_suite(pcontract: str, args: argparse.Namespace, work: Path) -> None:
    """The scale suite (benchmarks/scale.py): --scale sizes, then --national."""
    import scale

    try:
        sizes = [scale.parse_size(size) for size in args.scale]
        if sizes:
            scale.scale(pcontract, sizes, work, args.repeat, args.indicators)
        if args.national:
            size = scale.parse_size(args.national_size)
            scale.national(pcontract, size, work, args.indicators)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--repeat", type=int, help="rounds (default: 5, or 3 with --scale)")
    parser.add_argument("--big", type=int, nargs="*", default=[], help="file counts to scale to")
    parser.add_argument("--keep", type=Path, help="generate here instead of a temp folder")
    parser.add_argument(
        "--against",
        metavar="PCONTRACT",
        help="another pcontract executable (an older build): time validate and start-up "
        "of both, taking turns, and print this build's ratios to it",
    )
    parser.add_argument(
        "--scale",
        metavar="N",
        nargs="+",
        default=[],
        help="the scale suite at these contract counts (1000, 1k, 10k)",
    )
    parser.add_argument(
        "--national",
        action="store_true",
        help="validate, rank and site once each on --national-size contracts",
    )
    parser.add_argument("--national-size", default="100k", help=argparse.SUPPRESS)
    args = parser.parse_args()

    pcontract = shutil.which("pcontract") or str(Path(sys.executable).parent / "pcontract")
    python = sys.executable
    work = args.keep or Path(tempfile.mkdtemp(prefix="pcontract-bench-"))
    if args.scale or args.national:
        args.repeat = args.repeat or 3
        scale_suite(pcontract, args, work)
        return
    args.repeat = args.repeat or 5
    contracts = work / "contracts"
    if not contracts.exists():
        # institutions of 4 departments each: 5 contracts per institution
        generate(contracts, args.contracts // 5, 4, 0, args.indicators, results=False)
    count = sum(1 for _ in contracts.rglob("*.yaml")) - 1  # less the guidelines
    print(f"# {count} contracts of {args.indicators} indicators, {args.repeat} rounds\n")
    if args.against:
        compare(pcontract, args.against, contracts, work, args.repeat)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        return

    cache = work / "cache"
    run([pcontract, "validate", str(contracts), "--cache-dir", str(cache)])  # prime it
    schema = ROOT / "schemas" / "contract.schema.json"
    commands = {
        "pcontract validate (cold, --no-cache)": [
            pcontract,
            "validate",
            "--no-cache",
            str(contracts),
        ],
        "pcontract validate (cold, --jobs 1)": [
            pcontract,
            "validate",
            "--no-cache",
            "--jobs",
            "1",
            str(contracts),
        ],
        "pcontract validate (warm cache)": [
            pcontract,
            "validate",
            "--cache-dir",
            str(cache),
            str(contracts),
        ],
        "pcontract validate (warm, one file edited)": [
            pcontract,
            "validate",
            "--cache-dir",
            str(cache),
            str(contracts),
        ],
        "plain CSafeLoader + jsonschema": [python, "-c", PLAIN, str(schema), str(contracts)],
    }
    checker = shutil.which("check-jsonschema")
    if checker:
        files = [str(p) for p in sorted(contracts.rglob("inst*.yaml"))]
        commands["check-jsonschema"] = [checker, "--schemafile", str(schema), *files]
    else:
        print("check-jsonschema is not installed: skipped (pip install check-jsonschema)\n")
    # A different edit each round, undone before the next command: that file
    # misses the cache and the cross-file rules run again over every summary.
    edited = sorted(contracts.glob("*/*/*.yaml"))[0]  # a department contract
    original = edited.read_bytes()

    def edit(round_number: int) -> None:
        edited.write_bytes(original + f"# edit {round_number} {time.time()}\n".encode())

    def restore(_: int) -> None:
        edited.write_bytes(original)

    results = measure(
        commands,
        args.repeat,
        work,
        before={
            "pcontract validate (warm, one file edited)": edit,
            "plain CSafeLoader + jsonschema": restore,
        },
    )
    edited.write_bytes(original)

    tree = work / "tree"
    if not tree.exists():
        generate(tree, args.contracts // 5, 4, 0, args.indicators, results=True)
    results.update(
        measure(
            {
                "pcontract rank (contracts + results)": [
                    pcontract,
                    "rank",
                    "--format",
                    "csv",
                    str(tree),
                ]
            },
            max(1, args.repeat // 2),
            work,
        )
    )
    site = work / "site"
    probe = subprocess.run([pcontract, "site", "--help"], capture_output=True, check=False)
    if probe.returncode == 0:

        def build_site() -> list[str]:
            shutil.rmtree(site, ignore_errors=True)
            return [pcontract, "site", str(tree), "-o", str(site)]

        times = []
        peak = 0
        for _ in range(max(1, args.repeat // 2)):
            elapsed, rss, _code = run(build_site(), work)
            times.append(elapsed)
            peak = max(peak, rss)
        cards = sum(1 for _ in site.rglob("*.html")) - 1
        results[f"pcontract site ({cards} cards)"] = (median(times), peak)
    results.update(
        measure(
            {
                "pcontract --version": [pcontract, "--version"],
                "python -c pass": [python, "-c", "pass"],
            },
            max(args.repeat, 15),
            work,
        )
    )

    width = max(map(len, results))
    print(f"{'command':<{width}}  {'median s':>9}  {'peak MiB':>8}")
    for name, (seconds, rss) in results.items():
        print(f"{name:<{width}}  {seconds:>9.3f}  {rss:>8}")
    cold = results["pcontract validate (cold, --no-cache)"][0]
    print("\nratios")
    print(
        "  plain pipeline / pcontract cold: "
        f"{results['plain CSafeLoader + jsonschema'][0] / cold:.2f}x"
    )
    if "check-jsonschema" in results:
        print(f"  check-jsonschema / pcontract cold: {results['check-jsonschema'][0] / cold:.2f}x")
    print(f"  warm / cold: {results['pcontract validate (warm cache)'][0] / cold:.1%}")
    edited_run = results["pcontract validate (warm, one file edited)"][0]
    print(f"  warm, one file edited / cold: {edited_run / cold:.1%}")
    print(
        "  --version / python -c pass: "
        f"{results['pcontract --version'][0] / results['python -c pass'][0]:.2f}x"
    )

    for files in args.big:
        big = work / f"big-{files}"
        if not big.exists():
            # officers cascaded under departments: 1 + 4 * (1 + 4) = 21 contracts each
            generate(big, max(1, files // 42), 4, 4, args.indicators, results=True)
        n = sum(1 for _ in big.rglob("*.yaml"))
        elapsed, rss, code = run([pcontract, "validate", "--no-cache", str(big)], work)
        print(f"\n{n} files: validate cold {elapsed:.1f} s, peak RSS {rss} MiB, exit {code}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
