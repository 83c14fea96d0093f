"""Regenerate the rules table in README.md and the rule pages in docs/rules.md
from the rules' docstrings: `python tools/sync_readme.py`; with `--check`, only
say whether they are out of date (exit 1). A test fails when they differ."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pcontract.render.rule_pages import all_pages, rules_table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RULES_DOC = ROOT / "docs" / "rules.md"
_BLOCK = re.compile(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", re.S)


def generated(text: str, content: str) -> str:
    """``text`` with what lies between its rules markers replaced by ``content``."""
    if not _BLOCK.search(text):
        raise SystemExit("no <!-- rules:start --> ... <!-- rules:end --> block")
    return _BLOCK.sub(lambda m: m.group(1) + content + m.group(2), text)


def targets() -> list[tuple[Path, str]]:
    return [(README, rules_table()), (RULES_DOC, all_pages())]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale: list[str] = []
    for path, content in targets():
        text = path.read_text(encoding="utf-8")
        new = generated(text, content)
        if new == text:
            continue
        stale.append(str(path.relative_to(ROOT)))
        if not check:
            path.write_text(new, encoding="utf-8")
    if check and stale:
        print("out of date (run: python tools/sync_readme.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
