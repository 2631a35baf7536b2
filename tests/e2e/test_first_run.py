"""A newcomer's first minute (issue 17): the start screen and its gallery, an empty canvas
that says what to do, no unsaved work replaced without a word, and data problems said
before Train. Screenshots of the start screen and of a preset at fitted zoom are kept in
test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Console, page_for_test
from tests.e2e.editor import node, open_preset, set_param, wait_checked
from tests.e2e.server import Server, keep, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402


@pytest.fixture
def first_visit(
    browser: Any, server: Server, console: Console, request: pytest.FixtureRequest
) -> Any:
    with page_for_test(browser, server.url, console, request, welcomed=False) as page:
        yield page


def test_the_start_screen_shows_the_gallery_by_family(first_visit: Page) -> None:
    page = first_visit
    page.goto("/")
    welcome = page.get_by_test_id("welcome")
    expect(welcome).to_be_visible()
    card = page.get_by_test_id("gallery-card-mlp_playground")
    expect(card).to_be_visible(timeout=20_000)  # the cards come a moment after the page
    families = [f.lower() for f in page.locator(".gallery-family h2").all_inner_texts()]
    assert families[:6] == ["mlp", "cnn", "rnn", "transformer", "generative", "teaching pairs"]
    expect(card).to_contain_text("MLP playground")
    expect(card).to_contain_text("354 params")
    expect(card).to_contain_text("moons")
    expect(card).to_contain_text(re.compile(r"about \d+ s on CPU"))
    expect(card.locator("svg rect")).to_have_count(7)  # a drawing of its seven nodes
    expect(page.get_by_test_id("gallery-card-deep_sigmoid_mlp")).to_contain_text(
        "pairs with deep_residual_mlp"
    )
    keep(page, "start-screen")

    # Start from scratch: the canvas says what to do, nothing says "error".
    page.get_by_test_id("start-scratch").click()
    expect(welcome).to_have_count(0)
    expect(page.get_by_test_id("empty-canvas")).to_contain_text("Drag a layer from the palette")
    expect(page.get_by_test_id("check-status")).to_have_attribute("data-state", "empty")
    expect(page.get_by_test_id("check-status")).not_to_contain_text("error")
    expect(page.get_by_test_id("errors")).to_contain_text("No problems")
    expect(page.get_by_test_id("train")).to_be_disabled()
    expect(page.get_by_test_id("train-blocked")).to_contain_text("The graph is empty")

    # The logo brings the start screen back; a card opens its preset, fitted.
    page.get_by_test_id("logo").click()
    page.get_by_test_id("gallery-card-lenet5_mnist").click()
    expect(welcome).to_have_count(0)
    expect(node(page, "conv1")).to_be_visible()
    wait_checked(page)
    # Fitted at a readable zoom (its chain wrapped into columns), the Output on screen.
    page.wait_for_function(
        "() => /scale\\(([0-9.]+)\\)/.exec(document.querySelector('.react-flow__viewport')"
        ".style.transform)?.[1] >= 0.8"
    )
    canvas = page.get_by_test_id("canvas").bounding_box()
    output = node(page, "logits").bounding_box()
    assert canvas and output and output["y"] + output["height"] <= canvas["y"] + canvas["height"]
    keep(page, "preset-fitted")

    # Seen once: a reload goes straight to the editor.
    page.reload()
    expect(page.get_by_test_id("palette-item-Conv2d")).to_be_visible()
    expect(welcome).to_have_count(0)


def test_opening_over_unsaved_changes_asks_first(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    set_param(page, "fc3", "out_features", 12)
    dialog = page.get_by_test_id("confirm-discard")

    # Cancel keeps the work.
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("preset-mlp_playground").click()
    expect(dialog).to_contain_text("open the preset MLP playground")
    dialog.get_by_test_id("discard-cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("doc-name")).to_have_value("LeNet-5 (MNIST)")
    expect(page.get_by_test_id("save-state")).to_have_attribute("data-state", "dirty")

    # New asks too; "save" keeps the work as a graph, then starts the new one.
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("new-document").click()
    expect(dialog).to_contain_text("start a new empty graph")
    dialog.get_by_test_id("discard-save").click()
    expect(page.get_by_test_id("empty-canvas")).to_be_visible()
    expect(page.get_by_test_id("notice")).to_contain_text("Saved LeNet-5")

    # Discard replaces it; an untouched preset is replaced without a question.
    open_preset(page, "mlp_playground")
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("preset-rnn_sine").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("doc-name")).to_have_value(re.compile("RNN"))
    set_param(page, "rnn", "hidden_size", 24)
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("preset-mlp_playground").click()
    dialog.get_by_test_id("discard-discard").click()
    expect(page.get_by_test_id("doc-name")).to_have_value("MLP playground (two moons)")


def test_data_problems_are_said_before_train(page: Page) -> None:
    # A dataset this server has no file for: a problem with a fix, Train disabled.
    open_preset(page, "gpt_char")
    blocked = page.get_by_test_id("train-blocked")
    expect(blocked).to_contain_text("tiny_shakespeare is not available on this server")
    expect(page.get_by_test_id("train")).to_be_disabled()
    problem = page.locator("[data-code=dataset_unavailable]")
    expect(problem).to_contain_text("upload input.txt, or choose another dataset")
    expect(problem).not_to_contain_text("training.")

    # No dataset at all: the same, and its fix opens the picker.
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("new-document").click()
    page.get_by_test_id("palette-item-Input").drag_to(
        page.locator("[data-testid=canvas] .react-flow__pane"), target_position={"x": 300, "y": 120}
    )
    expect(page.locator("[data-code=no_dataset]")).to_contain_text("No dataset is chosen")
    page.get_by_test_id("fix-no_dataset").click()
    expect(page.get_by_test_id("data-picker")).to_be_visible()
    page.get_by_test_id("picker-builtin-moons").locator("button").click()
    page.get_by_test_id("picker-use").click()
    expect(page.locator("[data-code=no_dataset]")).to_have_count(0)


def test_an_error_keeps_what_it_can_and_marks_what_waits(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    set_param(page, "conv2", "kernel_size", 40)  # 6x14x14 is too small for it
    wait_checked(page)
    expect(node(page, "conv2")).to_have_attribute("data-status", "error")
    # Upstream is untouched; downstream keeps its last shapes and counts, marked.
    expect(page.get_by_test_id("shape-conv1")).to_have_text("6×28×28")
    expect(node(page, "fc2")).to_have_attribute("data-blocked", "conv2")
    expect(page.get_by_test_id("shape-fc2")).to_have_text("84")
    expect(page.get_by_test_id("shape-fc2")).to_have_attribute("data-stale", "true")
    expect(page.get_by_test_id("node-waits-fc2")).to_contain_text("waits for conv2")
    expect(node(page, "conv1")).not_to_have_attribute("data-blocked", re.compile(".*"))
    params = page.get_by_test_id("totals-params")
    expect(params).to_have_attribute("data-value", str(61706 - 2416))  # all but conv2
    expect(params).to_contain_text("≈")
    # The issue is shown whole on the node, and in the list without port notation.
    issue = page.get_by_test_id("node-issue-conv2")
    expect(issue).to_contain_text("too small for kernel (40, 40)")
    assert issue.evaluate("e => e.scrollWidth <= e.clientWidth && getComputedStyle(e).whiteSpace")
    expect(page.get_by_test_id("error-conv2")).not_to_contain_text("·")

    set_param(page, "conv2", "kernel_size", 5)
    expect(params).to_have_attribute("data-value", "61706")
    expect(params).not_to_contain_text("≈")
    expect(node(page, "fc2")).not_to_have_attribute("data-blocked", re.compile(".*"))
