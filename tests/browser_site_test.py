"""The site's league pages in headless Chromium, at 1280 and 390 px and on A4.

The fixture sites are built by tests/league_site.py: two years, three categories,
movement and a missing submission; a 50-row league; and a year of eight
one-row categories. Pages open from file://.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser_checks import DESKTOP, PHONE, PHONE_HEIGHT, assert_readable
from tests.conftest import run
from tests.league_site import OFFICE, big_league, one_row_categories, two_year_site

# The 50-row league at 390 px: about 3,900 px (the stacked cards it replaces were
# 11,600 px); a row is one to two lines of name beside the composite and grade.
BIG_LEAGUE_MAX_PX = 4500


def site(folder: Path, tree: Path) -> Path:
    code, output = run("site", str(tree), "-o", str(folder))
    assert code == 0, output
    return folder


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sites")
    return {
        "two": site(root / "two-site", two_year_site(root / "two")),
        "big": site(root / "big-site", big_league(root / "big")),
        "solo": site(root / "solo-site", one_row_categories(root / "solo")),
    }


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    opened = chromium.new_page(viewport={"width": DESKTOP, "height": 900})
    outside: list[str] = []
    opened.on(
        "request",
        lambda r: None if r.url.startswith(("file://", "data:")) else outside.append(r.url),
    )
    yield opened
    opened.close()
    assert outside == [], "the page made outside requests"


def visible_columns(page: Page, selector: str) -> list[int]:
    """For each row of the tables matching ``selector``: how many cells show."""
    counts: list[int] = page.evaluate(
        """(s) => [...document.querySelectorAll(s + ' tr')].map(tr =>
            [...tr.children].filter(c => getComputedStyle(c).display !== 'none'
              && c.getBoundingClientRect().width > 0).length)""",
        selector,
    )
    return counts


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_index_is_readable(page: Page, sites: dict[str, Path], width: int) -> None:
    page.set_viewport_size({"width": width, "height": PHONE_HEIGHT})
    page.goto((sites["two"] / "index.html").as_uri())
    assert_readable(page, width)
    page.goto((sites["two"] / "league-2023-24.html").as_uri())
    assert_readable(page, width)


def test_the_phone_table_has_three_columns(page: Page, sites: dict[str, Path]) -> None:
    page.set_viewport_size({"width": PHONE, "height": PHONE_HEIGHT})
    page.goto((sites["two"] / "index.html").as_uri())
    counts = visible_columns(page, "table.league-table")
    assert counts and set(counts) == {3}, counts
    headers = page.locator("#category-ministry thead th").all()
    shown = [h.inner_text() for h in headers if h.is_visible()]
    assert shown == ["Rank", "Institution", "Composite and grade"]
    # Movement folds under the institution's name; the dot under the composite.
    row = page.locator('#category-ministry tr[data-contract="alpha-2024-25"]')
    assert "Since last year: up 1, -1.2000 better" in row.locator("th").inner_text()
    assert row.locator(".c-score .track.mini .dot").is_visible()
    # On the desktop every column of the ministries' table shows: rank, name,
    # composite and grade, the dot, last year and movement (no notes column).
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    assert set(visible_columns(page, "#category-ministry table")) == {6}
    assert not row.locator(".fold").first.is_visible()


def test_title_and_heading_name_the_year_and_the_office(page: Page, sites: dict[str, Path]) -> None:
    page.goto((sites["two"] / "index.html").as_uri())
    assert page.title() == f"League tables, FY 2024/2025 — {OFFICE}"
    # The office on a line of its own under the year.
    heading = " ".join(page.locator("h1").inner_text().split())
    assert heading == f"League tables, FY 2024/2025 — {OFFICE}"
    headings = page.locator("section.league h2").all_inner_texts()
    assert [h.split("\n")[0].rsplit(" ", 2)[0] for h in headings] == [
        "Ministries",
        "State Corporations",
        "County Governments",
    ]
    assert "Category:" not in page.locator("main").inner_text()


def test_no_financial_year_or_empty_columns(page: Page, sites: dict[str, Path]) -> None:
    page.goto((sites["two"] / "index.html").as_uri())
    headers = page.locator("thead th").all_inner_texts()
    assert not any("Financial year" in h for h in headers)
    # Notes only where a row has one (the counties: Iota sent no results).
    assert page.locator("#category-county thead th", has_text="Notes").count() == 1
    assert page.locator("#category-ministry thead th", has_text="Notes").count() == 0
    # No history for the state corporations: no last-year or movement column.
    corporations = page.locator("#category-state-corporation thead th").all_inner_texts()
    assert not any(h in ("Last year", "Movement") for h in corporations)


def test_jump_links_resolve(page: Page, sites: dict[str, Path]) -> None:
    page.set_viewport_size({"width": PHONE, "height": PHONE_HEIGHT})
    page.goto((sites["two"] / "index.html").as_uri())
    links = page.locator("nav.jump a")
    assert links.count() == 3
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href") or ""
        assert page.locator(href).count() == 1, href
        links.nth(i).click()
        # The section is scrolled to the top of the window (the last one as far
        # as the page goes).
        top = page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().top", href)
        assert page.url.endswith(href) and -2 < top < PHONE_HEIGHT / 2, (href, top)
        assert page.evaluate("window.scrollY") > 0
        page.locator(f"{href} .top-link a").click()
        assert page.evaluate("window.scrollY") == 0
    assert page.locator(".top-link a").count() == 3


def test_dots_sit_better_to_the_right(page: Page, sites: dict[str, Path]) -> None:
    page.goto((sites["two"] / "index.html").as_uri())

    def x(contract: str) -> float:
        box = page.locator(f'tr[data-contract="{contract}"] td.c-dot .dot').bounding_box()
        assert box is not None
        return box["x"] + box["width"] / 2

    target = page.locator('tr[data-contract="alpha-2024-25"] td.c-dot .target-line')
    line = target.bounding_box()
    assert line is not None
    # Alpha 1.8000 better than target, right of the line; Gamma 3.2000 worse, left.
    assert x("alpha-2024-25") > line["x"] > x("gamma-2024-25")
    assert x("alpha-2024-25") > x("beta-2024-25")
    # The grade distribution reads worse to better, left to right.
    grades = page.locator("#category-county .dist-g").all_inner_texts()
    assert grades == ["Poor", "Fair", "Good", "Very Good", "Excellent"]


def test_a_fifty_row_league_on_a_phone(page: Page, sites: dict[str, Path]) -> None:
    page.set_viewport_size({"width": PHONE, "height": PHONE_HEIGHT})
    page.goto((sites["big"] / "index.html").as_uri())
    assert page.locator("table.league-table tbody tr").count() == 50
    assert set(visible_columns(page, "table.league-table")) == {3}
    height: int = page.evaluate("document.documentElement.scrollHeight")
    print(f"50-row league at {PHONE} px: {height} px tall")
    assert height < BIG_LEAGUE_MAX_PX, height
    assert_readable(page, PHONE)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def pdf_page_texts(data: bytes) -> list[list[str]]:
    """Each page's text as Chromium's PDF holds it (one content stream a page),
    read through each of the file's ToUnicode maps in turn: a page's text is
    right in the reading through its own font's map (a test's check, not a PDF
    reader)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            streams.append(zlib.decompress(match.group(1)))
    maps = [_unicode_map(s) for s in streams if b"begincmap" in s]
    pages = [s for s in streams if b"BT" in s and b"begincmap" not in s]
    return [[_decode(page, glyphs) for glyphs in maps] for page in pages]


def _unicode_map(cmap: bytes) -> dict[bytes, str]:
    glyphs: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            glyphs[glyph.upper()] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    pattern = rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>"
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, base in re.findall(pattern, block):
            for i in range(int(low, 16), int(high, 16) + 1):
                key = f"{i:0{len(low)}X}".encode()
                glyphs[key] = chr(int(base, 16) + i - int(low, 16))
    return glyphs


def _decode(page: bytes, glyphs: dict[bytes, str]) -> str:
    shown = re.findall(rb"<([0-9A-Fa-f]+)>", page)
    return "".join(
        glyphs.get(run.upper()[i : i + 4], "?") for run in shown for i in range(0, len(run), 4)
    )


def test_one_row_categories_print_on_few_pages(
    page: Page, sites: dict[str, Path], tmp_path: Path
) -> None:
    page.goto((sites["solo"] / "index.html").as_uri())
    assert page.locator("section.league").count() == 8
    page.emulate_media(media="print")
    assert not page.locator("nav.jump").is_visible()
    assert not page.locator(".top-link").first.is_visible()
    data = page.pdf(format="A4", path=str(tmp_path / "solo.pdf"))
    # Eight one-row categories: two A4 pages, not eight.
    assert pdf_pages(data) <= 2, pdf_pages(data)
    # The running footer, in @page margin boxes: the year and the office on the
    # left, "Page N of M" on the right of every page.
    styles = "".join(page.locator("style").all_text_contents())
    assert '@bottom-left { content: "League tables, FY 2024/2025 \\2014  ' in styles
    assert '@bottom-right { content: "Page " counter(page) " of " counter(pages)' in styles
    pages = pdf_page_texts(data)
    assert len(pages) == pdf_pages(data)
    for number, texts in enumerate(pages, start=1):
        assert any(f"Page {number} of {len(pages)}" in text for text in texts), number
        assert any(f"League tables, FY 2024/2025 — {OFFICE}" in text for text in texts)
