"""The HTML report card in headless Chromium: readable at 1280 and 390 px, the
grade on the first phone screen, a contents list that leads somewhere, and an A4
print of at most 4 pages, each after the first with the institution and its
page number in the margin.

Uses the session ``chromium`` fixture (tests/conftest.py) and the shared checks
of tests/browser_checks.py. Fails, never skips, when the browser is missing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from pcontract.cli.app import app
from tests.browser_checks import DESKTOP, PHONE, PHONE_HEIGHT, assert_readable, top_of
from tests.conftest import EXAMPLES

MOINA = "Ministry of Interior and National Administration"
CARDS = {
    "moina": ("moina/contract.yaml", "moina/results-fy2024-25.yaml"),
    "bomet": ("bomet/county-health-2023-24.yaml", "bomet/results-2023-24.yaml"),
}
MAX_PAGES = 4
# A 1×1 PNG: the signature, IHDR, IDAT and IEND chunks.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63606060f80f00010401005fe5c34b0000000049454e44ae426082"
)


def render(out: Path, name: str, *extra: str) -> Path:
    contract, results = CARDS[name]
    path = out / f"{name}.html"
    result = CliRunner().invoke(
        app,
        [
            "report",
            str(EXAMPLES / contract),
            "-r",
            str(EXAMPLES / results),
            "-o",
            str(path),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("cards")
    return {name: render(out, name) for name in CARDS}


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": DESKTOP, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def open_card(page: Page, path: Path, width: int) -> Page:
    page.set_viewport_size({"width": width, "height": PHONE_HEIGHT if width <= PHONE else 900})
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("name", list(CARDS))
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_card_is_readable(page: Page, cards: dict[str, Path], name: str, width: int) -> None:
    open_card(page, cards[name], width)
    assert_readable(page, width)
    # The gauge's labels are page text, worse on the left and better on the right.
    ends = page.locator(".gauge-ends")
    worse, better = (
        ends.locator(".end-worse").bounding_box(),
        ends.locator(".end-better").bounding_box(),
    )
    assert worse is not None and better is not None
    assert worse["x"] < better["x"]
    assert "target 3.00" in ends.inner_text()
    assert page.locator("svg text").count() == 0


@pytest.mark.parametrize("name", list(CARDS))
def test_on_a_phone_the_result_comes_first(page: Page, cards: dict[str, Path], name: str) -> None:
    open_card(page, cards[name], PHONE)
    grade = top_of(page, ".headline .grade")
    assert grade + 40 < PHONE_HEIGHT, f"the grade starts at {grade} px"
    assert top_of(page, ".action") < PHONE_HEIGHT
    # The facts come after the result boxes.
    assert top_of(page, "#contract") > top_of(page, ".headline")


@pytest.mark.parametrize("name", list(CARDS))
def test_contents_links_resolve(page: Page, cards: dict[str, Path], name: str) -> None:
    open_card(page, cards[name], PHONE)
    hrefs = page.locator("nav.contents a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) >= 8
    for href in hrefs:
        assert href.startswith("#")
        assert page.locator(href).count() == 1, href
    sections = page.locator("main > section[id]").evaluate_all("els => els.map(e => e.id)")
    assert {f"#{s}" for s in sections} <= set(hrefs)


def pdf_pages(page: Page) -> list[str]:
    """The text of each page of the card printed to A4 portrait (checked)."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert all(p.mediabox.width < p.mediabox.height for p in pages), "a landscape page"
    return [p.extract_text() for p in pages]


def test_moina_prints_on_at_most_four_pages_each_with_its_head(
    page: Page, cards: dict[str, Path]
) -> None:
    open_card(page, cards["moina"], DESKTOP)
    pages = pdf_pages(page)
    assert 1 < len(pages) <= MAX_PAGES
    for number, text in enumerate(pages, start=1):
        head = text.splitlines()[:3]
        assert any(MOINA in line and "FY 2024/2025" in line for line in head), (number, head)
        assert f"Page {number} of {len(pages)}" in text, number
    # Print hides the contents list; every section is still there (the PDF's text
    # has ligatures: "fi" is one character, so headings are matched without it).
    whole = "\n".join(pages)
    assert "Contents" not in whole
    for heading in ("Indicators", "Performance gaps", "and moderation", "Signatures"):
        assert heading in whole


def test_a_logo_in_the_template_folder_heads_the_card(
    page: Page, tmp_path: Path, chromium: Browser
) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.png").write_bytes(PNG)
    path = render(tmp_path, "moina", "--template", str(brand))
    open_card(page, path, PHONE)
    logo = page.locator(".masthead img.logo")
    assert logo.count() == 1
    assert logo.get_attribute("alt") == f"Logo of {MOINA}"
    assert (logo.get_attribute("src") or "").startswith("data:image/png;base64,")
    assert page.evaluate("document.querySelector('.masthead img').naturalWidth") == 1
    assert_readable(page, PHONE)


def test_a_wide_indicators_table_prints_on_landscape_pages(page: Page, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from pcontract.render import reports
    from pcontract.scoring import evaluation

    contract, results = CARDS["moina"]
    inputs = evaluation.load_card(str(EXAMPLES / contract), str(EXAMPLES / results))
    # A card whose table is wide (card_extras.is_wide: many indicators or columns).
    view = {**reports.card_view(inputs), "wide": True}
    path = tmp_path / "wide.html"
    path.write_text(reports.Templates().render("card.html", view), encoding="utf-8")
    open_card(page, path, DESKTOP)
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    shapes = [
        "landscape" if p.mediabox.width > p.mediabox.height else "portrait" for p in reader.pages
    ]
    assert shapes[0] == "portrait"
    assert "landscape" in shapes
    landscape = [
        p.extract_text() for p, s in zip(reader.pages, shapes, strict=True) if s == "landscape"
    ]
    assert any("CM01" in text for text in landscape)
    assert all(MOINA in text.splitlines()[0] for text in landscape)
