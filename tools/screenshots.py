"""Retake the README's screenshots under docs/img/ from the shipped examples.

    python tools/screenshots.py

Builds the site of examples/ and the example ministry's contract document in a
temporary folder with the installed ``pcontract``, then opens each page in headless
Chromium (Playwright driving the system browser: PCONTRACT_CHROMIUM, default
/usr/bin/chromium) at 1280 px and 390 px wide and saves the first screens of each
as PNG. Run it after a change to the templates and commit the pictures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
CHROMIUM = os.environ.get("PCONTRACT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# (width, height of the picture): a desktop's first screens, a phone's first three.
SIZES = {"desktop": (1280, 1600), "phone": (390, 2532)}


def _pcontract(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pcontract", *args], check=True, cwd=ROOT)


def _pages(work: Path) -> dict[str, Path]:
    site = work / "site"
    _pcontract("site", "examples", "-o", str(site))
    contract = work / "contract.html"
    _pcontract("report", "examples/moina/contract.yaml", "-o", str(contract))
    return {
        "card": site / "cards" / "moina-2024-25.html",
        "contract": contract,
        "site": site / "index.html",
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, page_path in _pages(Path(folder)).items():
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_path.as_uri())
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                page.close()
                print(f"wrote {target.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
