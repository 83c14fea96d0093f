"""Regenerate the README's rules table from the rule registry:
`python tools/sync_readme.py` (a test fails when they differ)."""

from __future__ import annotations

import re
from pathlib import Path

from pcontract.rule_pages import rules_table

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)",
        lambda m: m.group(1) + rules_table() + m.group(2),
        text,
        flags=re.S,
    )
    README.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
