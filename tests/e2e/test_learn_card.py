"""The inspector's Learn card in a real browser: collapsed at first, opened from the
keyboard, the op's formula and this node's parameter terms, remembered across nodes
and reloads."""

from __future__ import annotations

from tests.e2e.server import ARTIFACTS, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.editor import open_preset, select  # noqa: E402


def test_learn_card_shows_the_formula_and_this_nodes_numbers(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    select(page, "fc3")  # Linear 84 -> 10
    inspector = page.get_by_test_id("inspector-fc3")
    card = inspector.get_by_test_id("learn-card")
    toggle = card.get_by_test_id("learn-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(card.get_by_test_id("learn-formula")).to_have_count(0)

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(card.get_by_test_id("learn-formula")).to_have_text("y = x·Wᵀ + b")
    expect(card).to_contain_text("out_features × in_features + out_features (bias)")
    expect(inspector.get_by_test_id("node-params")).to_have_text("850")
    expect(card.get_by_test_id("learn-terms")).to_contain_text("weight 10×84 + bias 10 = 850")
    ARTIFACTS.mkdir(exist_ok=True)
    page.get_by_test_id("inspector").screenshot(path=str(ARTIFACTS / "learn_card_linear.png"))

    # One choice for every node: the next one opens with its card open.
    select(page, "conv1")
    conv = page.get_by_test_id("inspector-conv1").get_by_test_id("learn-card")
    expect(conv.get_by_test_id("learn-toggle")).to_have_attribute("aria-expanded", "true")
    expect(conv.get_by_test_id("learn-terms")).to_contain_text("weight 6×1×5×5 + bias 6 = 156")

    # Remembered by the browser; a click closes it again.
    page.reload()
    expect(page.get_by_test_id("palette-item-Conv2d")).to_be_visible()
    open_preset(page, "lenet5_mnist")
    select(page, "fc1")
    fc1 = page.get_by_test_id("inspector-fc1").get_by_test_id("learn-card")
    expect(fc1.get_by_test_id("learn-terms")).to_contain_text("weight 120×400 + bias 120 = 48,120")
    fc1.get_by_test_id("learn-toggle").click()
    expect(fc1.get_by_test_id("learn-toggle")).to_have_attribute("aria-expanded", "false")
    expect(fc1.get_by_test_id("learn-formula")).to_have_count(0)
