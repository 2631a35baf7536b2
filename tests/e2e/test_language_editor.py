"""The editor's own screens in Simplified Chinese (issue 19): the empty canvas' hint, the
quick-add search, the keyboard-shortcut help, the question before unsaved work is
replaced, the sweep dialog (its rows, estimate and a row's problem) and a sweep's page,
each with Chinese texts and without the English ones they replace. Screenshots of each
are kept in test-artifacts/ (language-zh-*.png)."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.editor import discard_if_asked, node, select, wait_checked
from tests.e2e.runs import Rest
from tests.e2e.server import Server, keep, require_playwright

require_playwright()

from playwright.sync_api import Locator, Page, expect  # noqa: E402


def says(where: Locator, *chinese: str, never: tuple[str, ...] = ()) -> None:
    """`where` shows every Chinese text, and none of the English ones it replaces."""
    for text in chinese:
        expect(where).to_contain_text(text)
    for text in never:
        expect(where).not_to_contain_text(text)


def open_preset_zh(page: Page, preset: str, some_node: str) -> None:
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id(f"preset-{preset}").click()
    discard_if_asked(page)
    expect(node(page, some_node)).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("notice")).to_contain_text("已打开预设")
    wait_checked(page)


def test_the_canvas_its_overlays_and_the_sweep_dialog_in_chinese(
    reader: Page, run_server: Server
) -> None:
    page = reader
    Rest(run_server.url).call("GET", "/api/presets")  # the first listing is slow
    page.goto("/?lang=zh-CN")
    expect(page.get_by_test_id("palette-item-Linear")).to_be_visible(timeout=20_000)

    # A new document: the empty canvas says how to begin.
    empty = page.get_by_test_id("empty-canvas")
    says(
        empty,
        "从这里开始搭建你的网络",
        "从左侧的组件面板拖入一个层",
        "打开预设",
        never=("Start your network here", "Drag a layer", "open a preset"),
    )
    expect(empty.locator("strong")).to_have_text("Input")
    expect(page.get_by_test_id("train-blocked")).to_contain_text("网络是空的")
    keep(page, "language-zh-empty-canvas")

    # The keyboard shortcuts.
    page.locator("body").press("?")
    help_ = page.get_by_test_id("help")
    says(
        help_,
        "键盘快捷键",
        "撤销",
        "双击画布",
        "在该处搜索并添加节点",
        "关闭模块、菜单或本帮助",
        never=("Keyboard shortcuts", "Undo", "Double-click canvas", "Box select"),
    )
    expect(help_.get_by_test_id("shortcut-undo").locator("kbd")).to_have_text("Ctrl/⌘ Z")
    expect(help_.get_by_role("button")).to_have_text("关闭")
    keep(page, "language-zh-help")
    page.keyboard.press("Escape")
    expect(help_).to_have_count(0)

    # Quick-add: double-click the empty canvas.
    pane = page.locator("[data-testid=canvas] .react-flow__pane")
    pane.dblclick(position={"x": 400, "y": 300})
    quick = page.get_by_test_id("quick-add")
    search = page.get_by_test_id("quick-add-search")
    expect(search).to_have_attribute("placeholder", "添加节点…")
    expect(search).to_have_attribute("aria-label", "搜索节点类型")
    search.fill("zzzz")
    says(quick, "没有与“zzzz”匹配的节点类型", never=("No node type matches",))
    keep(page, "language-zh-quick-add")
    search.fill("Linear")
    expect(page.get_by_test_id("quick-add-Linear")).to_be_visible()
    search.press("Escape")
    expect(quick).to_have_count(0)

    # A preset, changed: opening another asks first, in one Chinese sentence.
    open_preset_zh(page, "mlp_playground", "fc1")
    select(page, "fc1")
    page.locator("body").press("Delete")
    expect(node(page, "fc1")).to_have_count(0)
    page.get_by_test_id("preset-picker").click()
    page.get_by_test_id("preset-lenet5_mnist").click()
    ask = page.get_by_test_id("confirm-discard")
    says(
        ask,
        "有未保存的修改",
        "会替换这个网络的修改。先保存，还是放弃这些修改？",
        "保存后继续",
        "放弃修改",
        never=("Unsaved changes", "To open the preset", "Discard changes"),
    )
    keep(page, "language-zh-discard")
    ask.get_by_test_id("discard-cancel").click()
    page.keyboard.press("Control+z")
    expect(node(page, "fc1")).to_be_visible()
    wait_checked(page)

    # The sweep dialog: a training field, a node's parameter, the estimate and a problem.
    page.get_by_test_id("sweep-button").click()
    dialog = page.get_by_test_id("sweep-dialog")
    says(
        dialog,
        "超参数搜索：",
        "搜索哪些参数",
        "还没有：添加一个训练参数",
        "在画布上单击一个节点",
        "优化目标",
        "采样器",
        "随机种子",
        "这个网络训练过一次之后才能估计用时",
        never=("What varies", "Objective", "Click a node", "Start sweep", "time unknown"),
    )
    dialog.get_by_test_id("sweep-training-field").select_option("lr")
    dialog.get_by_test_id("sweep-add-training").click()
    kind = dialog.get_by_test_id("sweep-kind-lr")
    expect(kind.locator("option:checked")).to_have_text("对数均匀")
    select(page, "fc1")
    dialog.get_by_test_id("sweep-vary-nodes.fc1.params.out_features").click()
    expect(dialog.get_by_test_id("sweep-canvas-options")).to_contain_text("节点 fc1：")
    dialog.get_by_test_id("sweep-trials").fill("3")
    expect(dialog.get_by_test_id("sweep-estimate")).to_contain_text("3 次运行")
    dialog.get_by_test_id("sweep-lo-lr").fill("a")
    expect(dialog.get_by_test_id("sweep-row-lr")).to_contain_text("上下限都要填数值")
    expect(dialog.get_by_test_id("sweep-start")).to_have_text("开始搜索")
    expect(dialog.get_by_test_id("sweep-start")).to_be_disabled()
    keep(page, "language-zh-sweep-dialog")


def playground_lr_sweep(server: Server, metric: str, **fields: Any) -> dict[str, Any]:
    """A sweep of the two-moons preset's learning rate, one epoch a trial, judged by `metric`."""
    rest = Rest(server.url)
    document = rest.call("GET", "/api/presets/mlp_playground")["document"]
    body = {
        "document": document,
        "space": {"lr": {"log_uniform": [0.003, 0.03]}},
        "objective": {"metric": metric},
        "parallel": 1,
        "config": {"epochs": 1},
        **fields,
    }
    sweep: dict[str, Any] = rest.call("POST", "/api/sweeps", body)
    return sweep


def test_a_sweep_page_in_chinese(reader: Page, run_server: Server) -> None:
    page = reader
    sweep = playground_lr_sweep(run_server, "val/acc", trials=2, sampler="random", seed=0)
    page.goto(f"/?lang=zh-CN#/sweeps/{sweep['id']}")
    view = page.get_by_test_id("sweep-page")
    expect(view).to_be_visible(timeout=20_000)
    says(
        view,
        "超参数搜索：",
        "全部运行",
        "打开最佳运行",
        "比较前两名",
        "参数重要性（Optuna）",
        "最大化 val/acc",
        never=("Sweep of", "All runs", "Open best", "Compare top 2", "Parameter importance"),
    )
    expect(view).to_have_attribute("data-status", "completed", timeout=180_000)
    expect(page.get_by_test_id("sweep-status")).to_have_text("已完成")
    expect(page.get_by_test_id("sweep-progress")).to_have_text("2 次试验中已结束 2 次")
    expect(page.get_by_test_id("sweep-best")).to_contain_text(re.compile(r"最佳：第 \d 次试验"))
    header = page.get_by_test_id("trials-table").locator("thead")
    says(header, "试验", "状态", "用时", "运行", never=("trial", "status", "duration"))
    expect(page.get_by_test_id("objective-chart")).to_contain_text("各次试验的 val/acc")
    expect(page.get_by_test_id("parallel-coords")).to_contain_text("沿坐标轴拖动")
    keep(page, "language-zh-sweep-page")


def test_why_a_trial_failed_in_chinese(reader: Page, run_server: Server) -> None:
    page = reader
    # Two moons have two classes: their runs report no top-5 accuracy to judge them by.
    sweep = playground_lr_sweep(run_server, "val/top5", trials=1)
    page.goto(f"/?lang=zh-CN#/sweeps/{sweep['id']}")
    row = page.get_by_test_id("trial-row-0")
    # Its run finished; the trial failed, and its row says so, and why.
    expect(row.locator(".trial-message")).to_have_text(
        "训练运行结束了，却没有报告 val/top5（它有这个指标吗？）", timeout=180_000
    )
    expect(row).to_have_attribute("data-status", "finished")
    expect(row.locator(".status-pill")).to_have_text("失败")
    expect(page.get_by_test_id("sweep-page").locator(".run-message")).to_have_text(
        "所有试验都已结束"
    )
    keep(page, "language-zh-sweep-trial-failed")
