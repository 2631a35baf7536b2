"""Browser tests: a real `layerlab serve` on a free loopback port with a temporary data
dir and the built frontend at /, driven by Playwright in Debian's Chromium.

Without Chromium (or the Playwright package, or a built frontend) these tests skip and
say why, unless LAYERLAB_REQUIRE_BROWSER=1, which turns the skip into a failure (CI).
Failures leave a screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.e2e.server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DIST, Server

__all__ = ["Console", "Server", "open_page"]

REQUIRE = os.environ.get("LAYERLAB_REQUIRE_BROWSER") == "1"
VIEWPORT = {"width": 1600, "height": 1050}


def unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (LAYERLAB_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not (DIST / "index.html").is_file():
        unavailable("the frontend is not built (make frontend)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("server"))
    srv.start()
    yield srv
    srv.stop()


@dataclass
class Console:
    """Console errors of a page; a test names the ones it expects (a 409 on purpose)."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console() -> Console:
    return Console()


REPORTED: list[str] = []
"""Measurements a test reports (not asserts), printed at the end of the run."""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if REPORTED:
        terminalreporter.section("browser measurements")
        for line in REPORTED:
            terminalreporter.write_line(line)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


WELCOMED = "localStorage.setItem('layerlab.welcomed', '1')"
"""An init script: this browser has seen the start screen (it shows on a first visit)."""


def open_page(
    browser: Any, base_url: str, console: Console, *, welcomed: bool = True
) -> tuple[Any, Any]:
    """A page in a fresh context; `welcomed` (the default) skips the first visit's start
    screen, which the tests of the start screen itself turn off."""
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url)
    if welcomed:
        context.add_init_script(WELCOMED)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and console.errors.append(m.text))
    page.on("pageerror", lambda e: console.errors.append(f"pageerror: {e}"))
    return context, page


@contextmanager
def page_for_test(
    browser: Any,
    base_url: str,
    console: Console,
    request: pytest.FixtureRequest,
    *,
    welcomed: bool = True,
) -> Iterator[Any]:
    """A page in a fresh browser context for one test: a full-page screenshot in
    test-artifacts/ when the test failed, and no unexpected console error when it passed."""
    context, page = open_page(browser, base_url, console, welcomed=welcomed)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if report is not None and report.passed:
        assert console.unexpected() == [], "the page logged errors"


@pytest.fixture
def page(
    browser: Any, server: Server, console: Console, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A fresh browser context (empty local storage) on the editor, node types loaded."""
    from playwright.sync_api import expect

    with page_for_test(browser, server.url, console, request) as page:
        page.goto("/")
        expect(page.get_by_test_id("palette-item-Conv2d")).to_be_visible()
        yield page


# -- a server with one local worker, per test module (runs really train) ------------------


@pytest.fixture(scope="module")
def run_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("with-worker"), workers=1)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def rest(run_server: Server) -> Any:
    from tests.e2e.runs import Rest  # imports Playwright, which this module may lack

    return Rest(run_server.url)


@pytest.fixture
def run_page(
    browser: Any, run_server: Server, console: Console, request: pytest.FixtureRequest
) -> Iterator[Any]:
    with page_for_test(browser, run_server.url, console, request) as page:
        yield page


@pytest.fixture
def reader(run_page: Any) -> Any:
    """A page on the run server, for the tests that read the interface in a language."""
    return run_page
