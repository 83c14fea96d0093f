from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from pcontract.cli.app import app

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# No property test is a timing test: on a shared machine, with CI running the
# suites for the newest and the lowest versions side by side, a generated case
# can take longer than hypothesis's default deadline of 200 ms, which then fails
# the test as flaky. What each test asserts is unchanged.
settings.register_profile("pcontract", deadline=None)
settings.load_profile("pcontract")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLES = ROOT / "examples"
TREE = TESTS / "data" / "tree"
runner = CliRunner()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test inside an empty temporary folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    """Run the CLI; fail on a crash, return the exit code and the output."""
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless system Chromium for the whole run, driven by Playwright.

    Fails, never skips, when the browser is missing (Debian: ``apt-get install
    chromium``); ``PCONTRACT_CHROMIUM`` names another binary.
    """
    import os

    from playwright.sync_api import sync_playwright

    from tests.browser_checks import CHROMIUM, CHROMIUM_ARGS

    assert os.path.exists(CHROMIUM), f"Chromium is missing: install it ({CHROMIUM})"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
