"""export db against rank on the same generated tree, in alternating rounds.

    python benchmarks/export_db.py --contracts 1000 --repeat 3

Both read, validate, score and rank the whole tree (1,000 contracts of 40
indicators and their annual results, by default) in a fresh process each run;
export db then writes the SQLite database. The target: export db within 2x of
rank. rank is timed as the default text output and as --format json (the
format export db's league_table view is checked against).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate here instead of a temp folder")
    args = parser.parse_args()

    pcontract = shutil.which("pcontract") or str(Path(sys.executable).parent / "pcontract")
    work = args.keep or Path(tempfile.mkdtemp(prefix="pcontract-bench-db-"))
    tree = work / "tree"
    if not tree.exists():
        # institutions of 4 departments each: 5 contracts per institution
        generate(tree, args.contracts // 5, 4, 0, args.indicators, results=True)
    count = sum(1 for _ in tree.rglob("*-results.yaml"))
    print(f"# {count} contracts of {args.indicators} indicators + results, {args.repeat} rounds\n")
    database = work / "out" / "pc.sqlite"
    database.parent.mkdir(exist_ok=True)
    results = measure(
        {
            "pcontract rank": [pcontract, "rank", str(tree)],
            "pcontract rank --format json": [pcontract, "rank", "--format", "json", str(tree)],
            "pcontract export db": [
                pcontract,
                "export",
                "db",
                str(tree),
                "-o",
                str(database),
                "--force",
            ],
        },
        args.repeat,
        work,
    )
    width = max(map(len, results))
    print(f"{'command':<{width}}  {'median s':>9}  {'peak MiB':>8}")
    for name, (seconds, rss) in results.items():
        print(f"{name:<{width}}  {seconds:>9.3f}  {rss:>8}")
    size = database.stat().st_size / 2**20
    exported = results["pcontract export db"][0]
    print(f"\ndatabase: {size:.1f} MiB")
    print("ratios (target: at most 2x)")
    print(f"  export db / rank: {exported / results['pcontract rank'][0]:.2f}x")
    as_json = results["pcontract rank --format json"][0]
    print(f"  export db / rank --format json: {exported / as_json:.2f}x")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
