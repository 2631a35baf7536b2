"""Server messages in the reader's language (issue 19): a shape error reads fully in
Chinese in the Problems list, on the node and in the inspector (no word of its English
template left), and back in English it is the server's text again."""

from __future__ import annotations

import re

from tests.e2e.editor import HAN, discard_if_asked, node, set_param, wait_checked
from tests.e2e.server import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

PLACEHOLDER = re.compile(r"\{\w+(?::[^{}]*)?\}")


def english_words(template: str) -> set[str]:
    """The words a template writes itself (its parameters left out)."""
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub(" ", template))}


def assert_no_english(text: str, words: set[str]) -> None:
    assert HAN.search(text), text
    found = {w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() in words}
    assert not found, f"English words {sorted(found)} left in {text!r}"


def open_preset(page: Page, name: str) -> None:
    """From the Open menu (opened again if a first click lands while the page settles)."""
    item = page.get_by_test_id(f"preset-{name}")
    for _ in range(3):
        page.get_by_test_id("preset-picker").click()
        try:
            item.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    item.click()
    discard_if_asked(page)


def test_a_shape_error_in_chinese_then_in_english(reader: Page) -> None:
    page = reader
    page.goto("/?lang=zh-CN")
    expect(page.get_by_test_id("palette-item-Linear")).to_be_visible(timeout=20_000)
    open_preset(page, "lenet5_mnist")
    expect(node(page, "conv2")).to_be_visible(timeout=20_000)
    wait_checked(page)

    # A kernel larger than its input: a shape error on conv2.
    set_param(page, "conv2", "kernel_size", 50)
    wait_checked(page)
    if page.get_by_test_id("errors-tab").get_attribute("aria-selected") != "true":
        page.get_by_test_id("errors-tab").click()
    problem = page.get_by_test_id("error-conv2").first
    expect(problem).to_have_attribute("data-key", re.compile(r"^shape\."))
    key = problem.get_attribute("data-key")
    catalog = page.request.get("/api/meta").json()["messages"]
    assert key in catalog
    words = english_words(catalog[key]["en"])

    message = problem.locator(".message")
    expect(message).to_contain_text("形状不匹配")  # the code's title, then the message
    expect(message).to_contain_text("Conv2d")  # the op's name stays as it is
    assert_no_english(message.inner_text(), words)
    badge = page.get_by_test_id("node-issue-conv2")
    expect(badge).to_contain_text("卷积核")
    assert_no_english(badge.inner_text(), words)
    inspector = page.get_by_test_id("inspector-conv2")
    expect(inspector.locator(".issue-list")).to_contain_text("卷积核")
    assert_no_english(inspector.locator(".issue-list").inner_text(), words)

    # Back in English: the server's own text.
    picker = page.get_by_test_id("language-picker")
    picker.select_option("en")
    expect(page.get_by_test_id("language-picker")).to_have_value("en")
    english = page.get_by_test_id("error-conv2").first.locator(".message")
    # The server's English, as the catalog's template fills it.
    expect(english).to_have_text(
        re.compile(r"Conv2d: input \(6, 14, 14\) is too small for kernel \(50, 50\) with padding")
    )
    assert not HAN.search(english.inner_text())
    expect(page.get_by_test_id("node-issue-conv2")).to_contain_text("is too small for kernel")
