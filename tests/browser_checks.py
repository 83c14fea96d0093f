"""What every page pcontract writes must pass in a real browser, as measured there.

Shared by the browser tests of the card, the contract document and the league
pages (``tests/browser_*_test.py``). Each check returns what it found, so a
failing assertion names the offending text, element or rule.

- :func:`small_text`: visible text drawn smaller than 12 CSS px, SVG text
  included (its font size times the SVG's scale on screen);
- :func:`horizontal_overflow`: how many px the page is wider than the window;
- :func:`top_of`: where an element starts, in px from the top of the page;
- :func:`axe_violations`: axe-core's WCAG 2.2 AA violations (from the
  ``axe-playwright-python`` package, which bundles axe-core);
- :func:`svg_text_contrast`: axe-core skips text inside SVG, so the contrast of
  each SVG ``<text>`` against the background behind its SVG is measured here
  with WCAG's formula (4.5:1 for text under 18.66 px bold or 24 px).
"""

from __future__ import annotations

import os
from typing import Any, Final

from playwright.sync_api import Page

CHROMIUM: Final = os.environ.get("PCONTRACT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: Final = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: Final = 1280
PHONE: Final = 390
PHONE_HEIGHT: Final = 844
MIN_TEXT_PX: Final = 12.0
WCAG_TAGS: Final = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_SMALL_TEXT_JS: Final = """(minPx) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    if (el.closest('title, style, script, desc')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const rects = el.getClientRects();
    if (!rects.length) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    let px = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      if (m) px *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    if (px < minPx - 0.01) {
      found.push([node.textContent.trim().slice(0, 60), Math.round(px * 100) / 100]);
    }
  }
  return found;
}"""

_SVG_TEXT_JS: Final = """() => {
  function rgb(c) {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const out = [];
  for (const t of document.querySelectorAll('svg text')) {
    if (!t.textContent.trim()) continue;
    const s = getComputedStyle(t);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    const fill = rgb(s.fill) || rgb(s.color);
    let bg = background(t.ownerSVGElement || t);
    const shapes = t.ownerSVGElement ? t.ownerSVGElement.querySelectorAll('rect') : [];
    const tb = t.getBoundingClientRect();
    for (const r of shapes) {
      const rb = r.getBoundingClientRect();
      const inside = tb.left >= rb.left - 1 && tb.right <= rb.right + 1
        && tb.top >= rb.top - 1 && tb.bottom <= rb.bottom + 1;
      const f = rgb(getComputedStyle(r).fill);
      if (inside && f && f.a > 0) bg = f;
    }
    out.push([t.textContent.trim().slice(0, 60), fill, bg]);
  }
  return out;
}"""


def small_text(page: Page) -> list[tuple[str, float]]:
    """Visible text drawn smaller than 12 CSS px: (text, size in px) for each."""
    found: list[list[Any]] = page.evaluate(_SMALL_TEXT_JS, MIN_TEXT_PX)
    return [(str(text), float(px)) for text, px in found]


def horizontal_overflow(page: Page) -> int:
    """How many px the page is wider than its window (0 when nothing scrolls sideways)."""
    width: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def top_of(page: Page, selector: str) -> float:
    """Where the first element matching ``selector`` starts, in px from the page's top."""
    top: float = page.evaluate(
        "(s) => { const e = document.querySelector(s);"
        " return e ? e.getBoundingClientRect().top + window.scrollY : -1; }",
        selector,
    )
    assert top >= 0, f"nothing matches {selector!r}"
    return top


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations: "rule: target" for each node, empty when clean."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    response: dict[str, Any] = Axe().run(page, options=options).response
    return [
        f"{violation['id']}: {node.get('target')} {node.get('failureSummary', '')}"
        for violation in response["violations"]
        for node in violation["nodes"]
    ]


def _luminance(colour: dict[str, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[c]) for c in "rgb")
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: dict[str, float], b: dict[str, float]) -> float:
    """WCAG's contrast ratio of two opaque colours, from 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def svg_text_contrast(page: Page, minimum: float = 4.5) -> list[tuple[str, float]]:
    """SVG text whose contrast with what lies behind it is under ``minimum``."""
    rows: list[list[Any]] = page.evaluate(_SVG_TEXT_JS)
    low = []
    for text, fill, background in rows:
        assert fill is not None, f"SVG text {text!r} has no measurable fill"
        ratio = contrast(fill, background)
        if ratio < minimum:
            low.append((str(text), round(ratio, 2)))
    return low


def assert_readable(page: Page, width: int) -> None:
    """The page at ``width`` px: no small text, no sideways scroll, no axe violations."""
    page.set_viewport_size({"width": width, "height": PHONE_HEIGHT if width <= PHONE else 900})
    assert small_text(page) == [], f"text under {MIN_TEXT_PX:g} px at {width} px"
    assert horizontal_overflow(page) == 0, f"the page scrolls sideways at {width} px"
    assert svg_text_contrast(page) == [], "SVG text below 4.5:1 contrast"
    assert axe_violations(page) == [], f"axe-core violations at {width} px"
