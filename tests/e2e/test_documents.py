"""Documents in a real browser: save with versions, reload, reopen, a conflicting save from
another tab, and the editor outliving a server restart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.server import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.conftest import Console, Server, open_page  # noqa: E402
from tests.e2e.editor import expect_clean, new_document, node, open_preset, params_total, set_param  # noqa: E402


def save_state(page: Page) -> Any:
    return page.get_by_test_id("save-state")


def test_save_reload_reopen_and_a_conflicting_save(
    page: Page, browser: Any, server: Server, console: Console
) -> None:
    open_preset(page, "lenet5_mnist")
    page.get_by_test_id("save").click()
    expect(save_state(page)).to_have_attribute("data-state", "saved")
    expect(save_state(page)).to_contain_text("v1")
    expect(page).to_have_url(re.compile(r"#/graphs/g_[0-9a-f]{12}$"))
    graph_id = page.url.rsplit("/", 1)[1]

    # An unsaved change survives a reload (the local draft).
    page.get_by_test_id("doc-name").fill("My LeNet")
    expect(save_state(page)).to_have_attribute("data-state", "dirty")
    page.reload()
    expect(page.get_by_test_id("doc-name")).to_have_value("My LeNet")
    expect(save_state(page)).to_have_attribute("data-state", "dirty")
    page.get_by_test_id("save").click()
    expect(save_state(page)).to_contain_text("v2")

    # Reopen it from the saved graphs.
    new_document(page)
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id(f"graph-{graph_id}").click()
    expect(page.get_by_test_id("doc-name")).to_have_value("My LeNet")
    expect(node(page, "conv1")).to_be_visible()
    expect(save_state(page)).to_contain_text("v2")

    # Another tab saves on top of v2 meanwhile.
    other_console = Console()
    context, other = open_page(browser, server.url, other_console)
    other.goto(f"/#/graphs/{graph_id}")
    expect(node(other, "conv1")).to_be_visible()
    other.get_by_test_id("doc-name").fill("Theirs")
    other.get_by_test_id("save").click()
    expect(save_state(other)).to_contain_text("v3")
    context.close()
    assert other_console.unexpected() == []

    # Saving here is refused, reported, and nothing is lost.
    console.allow("status of 409")
    page.get_by_test_id("doc-name").fill("Mine")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("conflict")).to_contain_text("Saved elsewhere")
    expect(save_state(page)).to_have_attribute("data-state", "conflict")
    expect(page.get_by_test_id("doc-name")).to_have_value("Mine")
    page.get_by_test_id("conflict-copy").click()
    expect(save_state(page)).to_have_attribute("data-state", "saved")
    expect(page.get_by_test_id("doc-name")).to_have_value("Mine (copy)")
    assert not page.url.endswith(graph_id)


def test_the_editor_reconnects_after_a_server_restart(
    browser: Any, tmp_path: Path, console: Console
) -> None:
    srv = Server(tmp_path)
    srv.start()
    try:
        context, page = open_page(browser, srv.url, console)
        page.goto("/")
        open_preset(page, "lenet5_mnist")
        expect_clean(page)

        srv.stop()
        console.allow("ERR_CONNECTION_REFUSED|Failed to load resource")
        set_param(page, "fc3", "out_features", 12)
        expect(page.get_by_test_id("check-status")).to_have_attribute("data-state", "offline")
        expect(page.get_by_test_id("train")).to_be_disabled()

        srv.start()  # same port, same data
        expect(params_total(page)).to_have_attribute(
            "data-value", str(61706 + 2 * 84 + 2), timeout=30_000
        )
        expect_clean(page)
        context.close()
    finally:
        srv.stop()
