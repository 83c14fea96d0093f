"""The contract document in a real browser (the session's system Chromium).

At 1280 and 390 px it must pass tests/browser_checks.py's ``assert_readable``
(no text under 12 px, no sideways scroll: the wide matrix becomes stacked blocks
on a phone and sits in a focusable, labelled region on a desktop; zero axe-core
WCAG 2.2 AA violations), load nothing from outside, and print on A4 landscape
(842 x 595 pt) with a running head naming the institution and the year and
"Page N of M" on every page, from CSS @page margin boxes.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request

from pcontract.render import contract_doc
from pcontract.scoring import evaluation
from tests.browser_checks import DESKTOP, PHONE, assert_readable
from tests.conftest import EXAMPLES, TESTS

MOINA = EXAMPLES / "moina" / "contract.yaml"
GOALS = TESTS / "cases" / "valid" / "goal-sub-indicators" / "contract.yaml"
# The moina example prints on 4 A4 landscape pages today; more than 6 would mean
# the matrix no longer fits the landscape width or a break was forced.
MOINA_MAX_PAGES = 6
A4_LANDSCAPE = (842, 595)


def write(tmp_path: Path, contract: Path) -> Path:
    document = evaluation.load_contract_document(str(contract))
    page = tmp_path / contract_doc.file_name(document.contract.id, "html")
    page.write_text(contract_doc.render_contract(document, "html"), encoding="utf-8")
    return page


def open_page(chromium: Browser, path: Path) -> tuple[Page, list[str]]:
    page = chromium.new_page()
    outside: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith("file://"):
            outside.append(request.url)

    page.on("request", note)
    page.goto(path.as_uri())
    return page, outside


@pytest.mark.parametrize("contract", [MOINA, GOALS], ids=["moina", "goals"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_contract_document_is_readable(
    chromium: Browser, tmp_path: Path, contract: Path, width: int
) -> None:
    page, outside = open_page(chromium, write(tmp_path, contract))
    try:
        assert_readable(page, width)
        assert outside == []
    finally:
        page.close()


def test_on_a_phone_each_indicator_is_a_block_of_labelled_lines(
    chromium: Browser, tmp_path: Path
) -> None:
    page, _ = open_page(chromium, write(tmp_path, MOINA))
    try:
        page.set_viewport_size({"width": PHONE, "height": 844})
        row = page.locator("tr", has_text="CM01").first
        assert row.evaluate("e => getComputedStyle(e).display") == "block"
        label = row.locator('td[data-label="Target"]').evaluate(
            "e => getComputedStyle(e, '::before').content"
        )
        assert label == '"Target"'
        # An empty criterion (—) is left out on the phone, kept on the desktop.
        empty = row.locator('td[data-label="Very good"]')
        assert empty.is_hidden()
        page.set_viewport_size({"width": DESKTOP, "height": 900})
        assert empty.is_visible()
    finally:
        page.close()


def test_the_moina_contract_prints_on_a4_landscape_with_head_and_page_numbers(
    chromium: Browser, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    page, _ = open_page(chromium, write(tmp_path, MOINA))
    try:
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.close()
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert 1 < len(pages) <= MOINA_MAX_PAGES
    for number, sheet in enumerate(pages, start=1):
        box = sheet.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4_LANDSCAPE
        # Compared without white space: older pypdf releases split words ("Signatur e").
        text = _flat(sheet.extract_text())
        assert _flat("Ministry of Interior and National Administration") in text, number
        assert "FY2024/2025" in text, number
        assert re.search(rf"Page{number}of{len(pages)}(?!\d)", text), number
    # The signature block ends the document.
    last = _flat(pages[-1].extract_text())
    assert "Signatures" in last and "Signature" in last.split("Signatures", 1)[1]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)
