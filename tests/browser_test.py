"""The report cards and the league tables in a real browser: headless Chromium.

Needs Chromium (Debian: ``apt-get install chromium chromium-driver``; CI installs
it) and Playwright for Python (in the ``test`` extras). Playwright drives the
system browser, so ``playwright install`` is not needed. Set PCONTRACT_CHROMIUM
to use another binary. These tests fail, never skip, when the browser is missing.

One browser serves the whole module. Pages are opened from file:// and any
request that leaves the page's own files fails the test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request
from typer.testing import CliRunner

from pcontract.cli.app import app
from tests.conftest import EXAMPLES

DESKTOP = 1280
MOBILE = 390
MOINA_INDICATORS = 22
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def browser(chromium: Browser) -> Browser:
    """The session's one Chromium (tests/conftest.py): a second Playwright
    started beside it would fail ("Sync API inside the asyncio loop")."""
    return chromium


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples' site, plus a card with a hostile indicator name and evidence."""
    root = tmp_path_factory.mktemp("browser")
    out = root / "site"
    result = CliRunner().invoke(app, ["site", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    hostile = root / "examples"
    shutil.copytree(EXAMPLES, hostile)
    _edit(
        hostile / "moina" / "contract.yaml",
        "        name: National identity cards issued\n",
        f'        name: "{SCRIPT} **cards**"\n',
    )
    _edit(
        hostile / "moina" / "results-fy2024-25.yaml",
        "evidence: NRB annual statistical report 2024/25; IPRS extract of 30 June 2025}",
        f"evidence: '{IMG}'}}",
    )
    moina = hostile / "moina"
    result = CliRunner().invoke(
        app,
        [
            "report",
            str(moina / "contract.yaml"),
            "-r",
            str(moina / "results-fy2024-25.yaml"),
            "-o",
            str(root / "hostile.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


class Watched:
    """A page whose console errors, page errors, dialogs and outside requests are kept."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")

    def _request(self, request: Request) -> None:
        if not request.url.startswith(("file://", "data:", "about:")):
            self.outside.append(request.url)

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(str(dialog))

    def open(self, path: Path) -> Page:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.outside == []


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def _screenshot(page: Page, width: int, path: Path) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, "the screenshot is nearly empty"
    # Nothing overflows sideways: the page fits the window's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [DESKTOP, MOBILE])
def test_card_screenshots(watched: Watched, site: Path, tmp_path: Path, width: int) -> None:
    page = watched.open(site / "cards" / "moina-2024-25.html")
    _screenshot(page, width, tmp_path / f"card-{width}.png")
    assert page.locator("h1").inner_text() == "Ministry of Interior and National Administration"
    watched.assert_clean()


@pytest.mark.parametrize("width", [DESKTOP, MOBILE])
def test_index_screenshots(watched: Watched, site: Path, tmp_path: Path, width: int) -> None:
    page = watched.open(site / "index.html")
    _screenshot(page, width, tmp_path / f"index-{width}.png")
    watched.assert_clean()


def test_indicator_table_has_a_row_per_indicator(watched: Watched, site: Path) -> None:
    page = watched.open(site / "cards" / "moina-2024-25.html")
    rows = page.locator("#indicators tbody tr.indicator")
    assert rows.count() == MOINA_INDICATORS
    ids = [rows.nth(i).get_attribute("data-indicator") for i in range(rows.count())]
    assert ids[:3] == ["CM01", "CM02", "CM03"]
    assert ids[-1] == "CC05"
    # Every data row is labelled by a row header, and the columns by column headers.
    assert page.locator("#indicators tbody tr.indicator > th[scope='row']").count() == 22
    assert page.locator("#indicators thead th[scope='col']").count() == 10
    assert "2.8522" in page.locator(".headline").inner_text()
    # The gauge and the category bars: HTML boxes with a text equivalent.
    assert page.locator("#gauge[role='img']").count() == 1
    assert page.locator(".cbar[role='img']").count() >= 2
    watched.assert_clean()


def test_index_links_to_each_card_and_back(watched: Watched, site: Path) -> None:
    page = watched.open(site / "index.html")
    text = page.locator("main").inner_text()
    assert "Ministry of Interior and National Administration" in text
    assert "2.8522" in text
    # The year before has its own league page, linked from the latest: Bomet's
    # 2023/2024 composite is a composite there, and only last year's figure here.
    bomet_2023_24 = 'span.composite:text-is("3.0562")'
    assert "3.0562" in text
    assert page.locator(bomet_2023_24).count() == 0
    page.get_by_role("link", name="2023/2024").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/league-2023-24.html")
    assert page.locator(bomet_2023_24).count() == 1
    page.get_by_role("link", name="2024/2025").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html")
    page.get_by_role("link", name="Ministry of Interior and National Administration").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/cards/moina-2024-25.html")
    assert "2 of 4" in page.locator(".headline").inner_text()
    page.get_by_role("link", name=re.compile("All league tables")).click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html")
    watched.assert_clean()


def test_card_prints_to_a_pdf(watched: Watched, site: Path, tmp_path: Path) -> None:
    page = watched.open(site / "cards" / "moina-2024-25.html")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "card.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1
    # The print stylesheet hides the site navigation.
    assert not page.get_by_role("link", name=re.compile("All league tables")).is_visible()
    watched.assert_clean()


def test_hostile_text_stays_text_in_the_browser(watched: Watched, site: Path) -> None:
    page = watched.open(site.parent / "hostile.html")
    row = page.locator("#indicators tr[data-indicator='CM01']")
    assert SCRIPT in row.locator("th").inner_text()
    assert "**cards**" in row.locator("th").inner_text()
    assert IMG in row.locator(".evidence").inner_text()
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("strong", has_text="cards").count() == 0
    watched.assert_clean()
