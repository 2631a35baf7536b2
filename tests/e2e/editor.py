"""A person's steps in the editor, for the browser tests: open, drop, connect, edit."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.server import require_playwright

HAN = re.compile(r"[\u4e00-\u9fff]")
"""Some Chinese text (a Han character)."""

require_playwright()

from playwright.sync_api import Locator, Page, expect  # noqa: E402

MOD = "Control"  # Chromium on Linux; the editor takes Meta too


def node(page: Page, node_id: str) -> Locator:
    return page.get_by_test_id(f"node-{node_id}")


def node_ids(page: Page) -> list[str]:
    ids = page.eval_on_selector_all(
        ".layer-node",
        "els => els.map(e => e.dataset.testid.slice(5))",
    )
    return [str(i) for i in ids]


def discard_if_asked(page: Page) -> None:
    """Answer "discard" when opening something asks about unsaved changes (the question
    is on screen as soon as the click that asked for it has been handled)."""
    dialog = page.get_by_test_id("confirm-discard")
    if dialog.count():
        dialog.get_by_test_id("discard-discard").click()


def open_preset(page: Page, name: str) -> None:
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id(f"preset-{name}").click()
    discard_if_asked(page)
    expect(page.get_by_test_id("notice")).to_contain_text("Opened preset")
    wait_checked(page)


def wait_checked(page: Page, timeout: float = 30_000) -> None:
    """Until the check report on screen is the one of the document as it is now."""
    expect(page.get_by_test_id("check-status")).to_have_attribute(
        "data-fresh", "true", timeout=timeout
    )


def new_document(page: Page) -> None:
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("new-document").click()
    discard_if_asked(page)
    expect(page.locator(".react-flow__node")).to_have_count(0)


def drop(page: Page, op_type: str, x: float, y: float) -> str:
    """Drag a palette item to (x, y) inside the canvas; returns the new node's id."""
    before = set(node_ids(page))
    page.get_by_test_id(f"palette-item-{op_type}").drag_to(
        page.locator("[data-testid=canvas] .react-flow__pane"),
        target_position={"x": x, "y": y},
    )
    expect(page.locator(".react-flow__node")).to_have_count(len(before) + 1)
    (new,) = set(node_ids(page)) - before
    return new


def centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not on screen"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag_wire(page: Page, source: str, target: str, sp: str = "y", tp: str = "x") -> None:
    """Press on an output port, move to an input port, and let go."""
    x0, y0 = centre(page.get_by_test_id(f"port-out-{source}-{sp}"))
    x1, y1 = centre(page.get_by_test_id(f"port-in-{target}-{tp}"))
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()


def connect(page: Page, source: str, target: str, sp: str = "y", tp: str = "x") -> None:
    drag_wire(page, source, target, sp, tp)
    expect(page.get_by_test_id(f"edge-{source}-{target}")).to_have_count(1)


def select(page: Page, node_id: str) -> None:
    node(page, node_id).locator(".node-head").click()
    expect(page.get_by_test_id(f"inspector-{node_id}")).to_be_visible()


def set_param(page: Page, node_id: str, name: str, value: Any) -> None:
    select(page, node_id)
    field = page.get_by_test_id(f"param-{name}")
    field.fill(str(value))
    field.press("Tab")  # leaving the field ends the undo step


def deselect(page: Page) -> None:
    page.locator("[data-testid=canvas] .react-flow__pane").click(position={"x": 5, "y": 5})
    expect(page.get_by_test_id("training")).to_be_visible()


def params_total(page: Page) -> Locator:
    return page.get_by_test_id("totals-params")


def expect_clean(page: Page, timeout: float = 15_000) -> None:
    wait_checked(page, timeout)
    expect(page.get_by_test_id("check-status")).to_have_attribute(
        "data-state", re.compile("ok|warning"), timeout=timeout
    )


def press(page: Page, keys: str) -> None:
    """A shortcut, sent with the focus on the canvas (not in a form field)."""
    page.evaluate("document.activeElement instanceof HTMLElement && document.activeElement.blur()")
    page.keyboard.press(keys)
