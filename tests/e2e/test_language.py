"""The interface in Simplified Chinese (issue 19): `?lang=zh-CN` switches the top bar, the
palette, the inspector and its Learn card, the Problems list, a run's page and a lesson
panel to Chinese, with the server's texts in Chinese where it sends them; the choice is
remembered by the browser, and the picker switches back to English. Screenshots of the
editor, a run and a lesson in Chinese are kept in test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Console, page_for_test
from tests.e2e.editor import discard_if_asked, node, select, set_param, wait_checked
from tests.e2e.server import ARTIFACTS, Server, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")
"""Some Chinese text."""


@pytest.fixture
def reader(
    browser: Any, run_server: Server, console: Console, request: pytest.FixtureRequest
) -> Iterator[Page]:
    with page_for_test(browser, run_server.url, console, request) as page:
        yield page


def keep(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def op_schema(page: Page, op_type: str) -> dict[str, Any]:
    ops = page.request.get("/api/ops").json()
    ops = ops["ops"] if isinstance(ops, dict) and "ops" in ops else ops
    return next(o for o in ops if o["type"] == op_type)


def open_in_chinese(page: Page, preset: str, some_node: str) -> None:
    """Open a preset from the Open menu (its notice is not translated yet: not awaited)."""
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id(f"preset-{preset}").click()
    discard_if_asked(page)
    expect(node(page, some_node)).to_be_visible(timeout=20_000)
    wait_checked(page)


def open_over_unsaved(page: Page, name: str) -> None:
    """Until the document called `name` is open, discarding the changes if asked (the
    question comes once the lesson has loaded, a moment after the click)."""
    doc = page.get_by_test_id("doc-name")
    for _ in range(100):
        if page.get_by_test_id("confirm-discard").count():
            page.get_by_test_id("discard-discard").click()
        if (doc.input_value() or "").startswith(name):
            break
        page.wait_for_timeout(200)
    expect(doc).to_have_value(re.compile("^" + re.escape(name)))
    wait_checked(page)


def test_the_interface_in_chinese_and_back(reader: Page) -> None:
    page = reader
    page.goto("/?lang=zh-CN")
    expect(page.get_by_test_id("palette-item-Linear")).to_be_visible(timeout=20_000)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # The top bar and the palette.
    expect(page.get_by_test_id("train")).to_have_text("训练")
    expect(page.get_by_test_id("language-picker")).to_have_value("zh-CN")
    expect(page.get_by_test_id("preset-picker")).to_contain_text("打开")
    expect(page.locator(".palette-group h3", has_text="全连接")).to_be_visible()
    expect(page.locator(".palette-group h3", has_text="激活函数")).to_be_visible()
    linear = op_schema(page, "Linear")
    if linear.get("summary_zh"):
        expect(page.get_by_test_id("palette-item-Linear").locator(".palette-summary")).to_have_text(
            linear["summary_zh"]
        )

    # A preset, a node in the inspector and its Learn card, in Chinese.
    open_in_chinese(page, "mlp_playground", "fc2")
    select(page, "fc2")
    inspector = page.get_by_test_id("inspector-fc2")
    expect(inspector.locator("dt", has_text="参数量").first).to_be_visible()
    page.get_by_test_id("learn-toggle").click()
    card = page.get_by_test_id("learn-card")
    expect(card).to_contain_text("什么时候用")
    expect(page.get_by_test_id("learn-when")).to_have_text(linear["learn"]["when"]["zh-CN"])
    expect(page.get_by_test_id("learn-when")).to_contain_text(HAN)

    # A broken graph (a kernel larger than its input): the Problems list names the problem
    # in Chinese, then gives the server's message.
    open_in_chinese(page, "lenet5_mnist", "conv2")
    set_param(page, "conv2", "kernel_size", 50)
    wait_checked(page)
    expect(page.get_by_test_id("check-status")).to_contain_text("个错误")
    if page.get_by_test_id("errors-tab").get_attribute("aria-selected") != "true":
        page.get_by_test_id("errors-tab").click()
    expect(page.get_by_test_id("errors-tab")).to_contain_text("问题")
    problems = page.get_by_test_id("errors")
    expect(problems.locator("[data-code=shape_mismatch]").first).to_contain_text("形状不匹配")
    keep(page, "language-zh-editor")

    # Trained: the run's page in Chinese.
    open_in_chinese(page, "mlp_playground", "fc2")
    expect(page.get_by_test_id("check-status")).to_have_attribute(
        "data-state", re.compile("ok|warning")
    )
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-view")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("tab-overview")).to_have_text("概览")
    expect(page.get_by_test_id("tab-gradients")).to_have_text("梯度")
    expect(page.get_by_test_id("tab-activations")).to_have_text("激活值")
    expect(page.get_by_test_id("stop")).to_contain_text("停止")
    expect(page.get_by_test_id("language-picker")).to_have_value("zh-CN")
    expect(page.get_by_test_id("run-step")).to_have_text(re.compile(r"^[1-9]"), timeout=60_000)
    keep(page, "language-zh-run")
    page.get_by_test_id("stop").click()

    # Remembered: the address without ?lang= keeps Chinese. A lesson from the start screen.
    page.goto("/")
    expect(page.get_by_test_id("train")).to_have_text("训练", timeout=20_000)
    page.get_by_test_id("logo").click()
    item = page.get_by_test_id("lesson-vanishing_gradients")
    expect(item).to_be_visible(timeout=20_000)
    expect(item).to_contain_text("梯度消失")
    item.click()
    open_over_unsaved(page, "Deep sigmoid MLP")
    panel = page.get_by_test_id("lesson-panel")
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("lesson-title")).to_contain_text("梯度消失")
    expect(page.get_by_test_id("lesson-text")).to_contain_text("第 1 步")
    expect(page.get_by_test_id("lesson-text")).to_contain_text(HAN)
    expect(page.get_by_test_id("lesson-next")).to_have_text("下一步")
    keep(page, "language-zh-lesson")

    # The picker, by keyboard: back to English, everywhere, and remembered.
    picker = page.get_by_test_id("language-picker")
    picker.focus()
    picker.select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("train")).to_have_text("Train")
    expect(page.get_by_test_id("lesson-title")).to_have_text("Vanishing gradients")
    expect(page.get_by_test_id("lesson-next")).to_have_text("Next")
    expect(page.locator(".palette-group h3", has_text="Dense")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("train")).to_have_text("Train", timeout=20_000)
    expect(page.get_by_test_id("language-picker")).to_have_value("en")
