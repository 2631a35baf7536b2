"""The editor in a real browser against a real server: what a person does, step by step."""

from __future__ import annotations

import re

from tests.e2e.server import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.editor import (  # noqa: E402
    MOD,
    connect,
    deselect,
    drag_wire,
    drop,
    expect_clean,
    new_document,
    node,
    open_preset,
    params_total,
    press,
    select,
    set_param,
)

LENET = [  # (type, params) in order; each feeds the next
    ("Input", {}),
    ("Conv2d", {"out_channels": 6, "kernel_size": 5, "padding": 2}),
    ("Tanh", {}),
    ("AvgPool2d", {"kernel_size": 2}),
    ("Conv2d", {"out_channels": 16, "kernel_size": 5}),
    ("Tanh", {}),
    ("AvgPool2d", {"kernel_size": 2}),
    ("Flatten", {}),
    ("Linear", {"out_features": 120}),
    ("Tanh", {}),
    ("Linear", {"out_features": 84}),
    ("Tanh", {}),
    ("Linear", {"out_features": 10}),
    ("Output", {}),
]


def test_build_lenet5_from_an_empty_canvas(page: Page) -> None:
    new_document(page)
    ids = []
    for i, (op_type, _) in enumerate(LENET):
        column, row = divmod(i, 4)
        ids.append(drop(page, op_type, 130 + column * 260, 50 + row * 150))
    for source, target in zip(ids, ids[1:], strict=False):
        connect(page, source, target)
    for node_id, (_, params) in zip(ids, LENET, strict=True):
        for name, value in params.items():
            set_param(page, node_id, name, value)

    image, conv1, flat, fc1 = ids[0], ids[1], ids[7], ids[8]
    expect(page.get_by_test_id(f"edge-label-{image}-{conv1}")).to_have_text("1×28×28")
    expect(page.get_by_test_id(f"edge-label-{conv1}-{ids[2]}")).to_have_text("6×28×28")
    expect(page.get_by_test_id(f"edge-label-{flat}-{fc1}")).to_have_text("400")
    expect(params_total(page)).to_have_attribute("data-value", "61706")
    expect(params_total(page)).to_have_text("61,706")
    expect(page.get_by_test_id(f"shape-{ids[-2]}")).to_have_text("10")
    expect(page.get_by_test_id(f"params-{fc1}")).to_have_text("48.1K params")
    expect_clean(page)
    # A graph drawn from scratch trains on nothing yet: said before Train, with the fix.
    expect(page.get_by_test_id("train")).to_be_disabled()
    expect(page.get_by_test_id("train-blocked")).to_contain_text("No dataset is chosen")
    page.get_by_test_id("fix-no_dataset").click()
    page.get_by_test_id("picker-builtin-mnist").locator("button").click()
    page.get_by_test_id("picker-use").click()
    expect(page.get_by_test_id("train")).to_be_enabled()
    expect(page.get_by_test_id("train-blocked")).to_have_count(0)


def test_shape_error_marks_the_node_then_fix_undo_and_redo(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    expect_clean(page)
    set_param(page, "conv1", "kernel_size", 40)

    conv1 = node(page, "conv1")
    expect(conv1).to_have_attribute("data-status", "error")
    expect(page.get_by_test_id("node-issue-conv1")).to_contain_text("too small")
    expect(page.get_by_test_id("param-kernel_size-error")).to_contain_text("too small")
    expect(page.get_by_test_id("error-conv1")).to_contain_text("too small")
    expect(node(page, "conv2")).to_have_attribute("data-status", "ok")  # root cause only
    expect(page.get_by_test_id("train")).to_be_disabled()
    expect(page.get_by_test_id("train-blocked")).to_contain_text("Fix 1 error")

    # The error list jumps to its node.
    deselect(page)
    page.get_by_test_id("error-conv1").locator("button.problem").click()
    expect(page.get_by_test_id("inspector-conv1")).to_be_visible()

    set_param(page, "conv1", "kernel_size", 5)
    expect(conv1).to_have_attribute("data-status", "ok")
    expect(params_total(page)).to_have_attribute("data-value", "61706")

    press(page, f"{MOD}+z")  # undo the fix
    expect(conv1).to_have_attribute("data-status", "error")
    press(page, f"{MOD}+z")  # undo the error
    expect(conv1).to_have_attribute("data-status", "ok")
    expect(page.get_by_test_id("undo")).to_be_disabled()
    press(page, f"Shift+{MOD}+z")  # redo the error
    expect(conv1).to_have_attribute("data-status", "error")
    page.get_by_test_id("redo").click()  # and the fix
    expect(conv1).to_have_attribute("data-status", "ok")
    expect_clean(page)


def test_invalid_connections_are_refused_with_the_reason(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    # conv2's input is taken: the wire turns red and says so while it is dragged.
    from tests.e2e.editor import centre

    x0, y0 = centre(page.get_by_test_id("port-out-conv1-y"))
    x1, y1 = centre(page.get_by_test_id("port-in-conv2-x"))
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=6)
    expect(page.get_by_test_id("connection-reason")).to_contain_text("already connected")
    page.mouse.up()
    expect(page.get_by_test_id("notice")).to_contain_text("already connected (from")
    expect(page.get_by_test_id("edge-conv1-conv2")).to_have_count(0)

    # A wire back up the chain would make a cycle.
    page.get_by_test_id("edge-act1-pool1").click()
    press(page, "Delete")
    expect(page.get_by_test_id("edge-act1-pool1")).to_have_count(0)
    drag_wire(page, "conv2", "pool1")  # pool1 feeds conv2
    expect(page.get_by_test_id("notice")).to_contain_text("cycle: pool1 → conv2 → pool1")
    expect(page.get_by_test_id("edge-conv2-pool1")).to_have_count(0)


def test_flatten_fix_is_offered_for_a_linear_fed_an_image(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    select(page, "flat")
    press(page, "Delete")
    expect(node(page, "flat")).to_have_count(0)
    connect(page, "pool2", "fc1")
    fix = page.get_by_test_id("fix-fc1").first
    expect(fix).to_contain_text("Insert Flatten before fc1")
    fix.click()
    expect(page.get_by_test_id("node-flatten_1")).to_be_visible()
    expect(params_total(page)).to_have_attribute("data-value", "61706")
    expect(page.get_by_test_id("fix-fc1")).to_have_count(0)


def test_make_a_block_repeat_it_and_open_it(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    node(page, "fc2").locator(".node-head").click()
    node(page, "act4").locator(".node-head").click(modifiers=[MOD])
    expect(page.get_by_text("2 nodes selected")).to_be_visible()
    page.get_by_test_id("make-block").click()

    instance = node(page, "block1_1")
    expect(instance).to_be_visible()
    expect(node(page, "fc2")).to_have_count(0)
    expect_clean(page)
    expect(params_total(page)).to_have_attribute("data-value", "61706")

    # Repeat it: a second Linear(84) on 84 features adds 84*84+84 parameters.
    set_param(page, "block1_1", "repeat", 2)
    expect(page.get_by_test_id("repeat-block1_1")).to_have_text("×2")
    expect(params_total(page)).to_have_attribute("data-value", str(61706 + 84 * 84 + 84))
    expect_clean(page)

    # Open it: its inside, with shapes from the first copy, then back out.
    page.get_by_test_id("open-block-block1_1").click()
    expect(page.get_by_test_id("scope-bar")).to_contain_text("Block1")
    expect(node(page, "fc2")).to_be_visible()
    expect(page.get_by_test_id("shape-fc2")).to_have_text("84")
    press(page, "Escape")
    expect(page.get_by_test_id("scope-bar")).to_have_count(0)
    expect(instance).to_be_visible()


def test_copy_paste_across_documents(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    node(page, "conv1").locator(".node-head").click()
    node(page, "act1").locator(".node-head").click(modifiers=[MOD])
    press(page, f"{MOD}+c")
    new_document(page)
    press(page, f"{MOD}+v")
    expect(node(page, "conv1")).to_be_visible()
    expect(page.get_by_test_id("edge-conv1-act1")).to_have_count(1)
    press(page, f"{MOD}+d")  # duplicate the pasted selection
    expect(page.locator(".react-flow__node")).to_have_count(4)
    press(page, f"{MOD}+a")
    press(page, "Delete")
    expect(page.locator(".react-flow__node")).to_have_count(0)


def test_quick_add_palette_search_and_help(page: Page) -> None:
    new_document(page)
    page.get_by_test_id("palette-search").fill("attention")
    expect(page.get_by_test_id("palette-item-MultiheadAttention")).to_be_visible()
    expect(page.get_by_test_id("palette-item-Conv2d")).to_have_count(0)
    page.get_by_test_id("palette-search").fill("")

    page.locator("[data-testid=canvas] .react-flow__pane").dblclick(position={"x": 300, "y": 200})
    page.get_by_test_id("quick-add-search").fill("linear")
    page.keyboard.press("Enter")
    expect(node(page, "linear_1")).to_be_visible()

    press(page, "?")
    expect(page.get_by_test_id("help")).to_contain_text("Undo")
    press(page, "Escape")
    expect(page.get_by_test_id("help")).to_have_count(0)


def test_training_panel_and_train_button(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    deselect(page)
    batch = page.get_by_test_id("training-batch_size")
    batch.fill("128")
    batch.press("Tab")
    expect(page.get_by_test_id("totals")).to_contain_text("@ batch 128")
    page.get_by_test_id("train").click()
    expect(page).to_have_url(re.compile(r"#/runs/r_[0-9a-f]{12}$"))
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "queued")
    page.get_by_test_id("back-to-editor").click()
    expect(node(page, "conv1")).to_be_visible()


def test_export_python_shows_the_code(page: Page) -> None:
    open_preset(page, "lenet5_mnist")
    page.get_by_test_id("export-menu").click()
    page.get_by_test_id("export-python").click()
    code = page.get_by_test_id("code-view")
    expect(code).to_contain_text("import torch")
    expect(code).to_contain_text("nn.Conv2d")
    with page.expect_download() as download:
        page.get_by_test_id("code-download").click()
    assert download.value.suggested_filename.endswith(".py")

    # Weights of a fresh initialisation, as a file.
    page.get_by_test_id("export-menu").click()
    with page.expect_download() as weights:
        page.get_by_test_id("export-safetensors").click()
    assert weights.value.suggested_filename.endswith(".safetensors")
    path = weights.value.path()
    assert path is not None and path.stat().st_size > 61706 * 4


def test_every_preset_opens_and_checks_clean(page: Page) -> None:
    names = page.evaluate("fetch('/api/presets').then(r => r.json()).then(l => l.map(p => p.name))")
    assert names, "the server lists no presets"
    for name in names:
        open_preset(page, name)
        expect_clean(page)
        expect(page.get_by_test_id("errors").locator("li.error")).to_have_count(0)
        count = page.evaluate(
            f"fetch('/api/presets/{name}').then(r => r.json()).then(p => p.document.nodes.length)"
        )
        expect(page.locator(".react-flow__node")).to_have_count(count)
        expect(page.get_by_test_id("totals-params")).to_have_attribute(
            "data-value", re.compile(r"^\d+$")
        )
