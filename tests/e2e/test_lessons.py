"""Lessons in the browser (issue 19): the start screen lists them; lesson 5 (vanishing
gradients) is followed end to end on a real server with a real worker: its preset opens,
each step's check turns green by itself as the learner does what it says (open the
preset, train an epoch, see the warning on fc1, open the residual twin), and the
progress outlives a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Console, page_for_test
from tests.e2e.editor import discard_if_asked
from tests.e2e.server import Server, keep, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

TRAINING_S = 240_000
"""How long the deep sigmoid network may take to be diagnosed (ms), on a busy CPU."""


@pytest.fixture
def learner(
    browser: Any, run_server: Server, console: Console, request: pytest.FixtureRequest
) -> Iterator[Page]:
    with page_for_test(browser, run_server.url, console, request, welcomed=False) as page:
        yield page


def expect_step(page: Page, index: int, state: str, timeout: float = 15_000) -> None:
    panel = page.get_by_test_id("lesson-panel")
    expect(panel).to_have_attribute("data-step", str(index))
    expect(page.get_by_test_id("lesson-check")).to_have_attribute(
        "data-state", state, timeout=timeout
    )


def test_lesson_5_vanishing_gradients_end_to_end(learner: Page) -> None:
    page = learner
    page.goto("/")
    lessons = page.get_by_test_id("lessons")
    expect(lessons).to_be_visible(timeout=20_000)
    expect(lessons.locator("[data-testid^=lesson-]")).to_have_count(13)
    item = page.get_by_test_id("lesson-vanishing_gradients")
    expect(item).to_contain_text("Vanishing gradients")
    expect(item).to_contain_text("0 of 4 steps done")
    item.click()

    # Step 1: its preset opens, and the check says so by itself.
    expect(page.get_by_test_id("doc-name")).to_have_value("Deep sigmoid MLP (vanishing gradients)")
    expect_step(page, 0, "done")
    expect(page.get_by_test_id("lesson-dot-0")).to_have_class(re.compile("done"))
    keep(page, "lesson-step-1")
    page.get_by_test_id("lesson-next").click()

    # Step 2: train; on the run page the panel is still there, and turns green after an epoch.
    expect_step(page, 1, "waiting")
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-view")).to_be_visible(timeout=30_000)
    expect_step(page, 1, "done", timeout=TRAINING_S)
    page.get_by_test_id("lesson-next").click()

    # Step 3: the vanishing-gradient warning on fc1, from the server's health monitor.
    expect_step(page, 2, "done", timeout=TRAINING_S)
    page.get_by_test_id("tab-gradients").click()
    expect(page.get_by_test_id("finding-vanishing_gradients")).to_be_visible()
    keep(page, "lesson-step-3")
    page.get_by_test_id("lesson-next").click()

    # Step 4: the residual twin, opened from the panel; its Add turns the check green.
    expect_step(page, 3, "waiting")
    page.get_by_test_id("back-to-editor").click()
    open_twin = page.get_by_test_id("lesson-open-preset")
    expect(open_twin).to_contain_text("deep_residual_mlp")
    open_twin.click()
    discard_if_asked(page)
    expect(page.get_by_test_id("doc-name")).to_have_value(re.compile("Deep residual MLP"))
    expect_step(page, 3, "done")
    expect(page.get_by_test_id("lesson-finished")).to_be_visible()
    keep(page, "lesson-complete")

    # The progress is kept in this browser: a reload brings the lesson back where it was.
    page.reload()
    expect(page.get_by_test_id("lesson-panel")).to_have_attribute("data-step", "3")
    for index in range(4):
        expect(page.get_by_test_id(f"lesson-dot-{index}")).to_have_class(re.compile("done"))


def test_start_from_my_data_follows_the_course_tree_and_opens_the_picker(learner: Page) -> None:
    page = learner
    page.goto("/")
    page.get_by_test_id("start-from-data").click()
    guide = page.get_by_test_id("data-guide")
    expect(guide).to_be_visible()
    answer = page.get_by_test_id("guide-answer")
    # Images, top accuracy: a ResNet; a light network: a lightweight CNN.
    expect(answer).to_have_attribute("data-preset", "resnet20_cifar10")
    page.get_by_test_id("guide-priority-light").check()
    expect(answer).to_have_attribute("data-preset", "mobilenet_cifar10")
    expect(answer).to_contain_text("lightweight CNN")
    # A time series asks what it predicts instead; a number: a gated recurrent network.
    page.get_by_test_id("guide-kind-time_series").check()
    page.get_by_test_id("guide-target-value").check()
    expect(answer).to_have_attribute("data-preset", "gru_sine")
    keep(page, "start-from-my-data")
    page.get_by_test_id("guide-open").click()
    expect(page.get_by_test_id("welcome")).to_have_count(0)
    expect(page.get_by_test_id("doc-name")).to_have_value(re.compile("GRU"))
    expect(page.get_by_test_id("data-picker")).to_be_visible()
