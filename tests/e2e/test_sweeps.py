"""A sweep from the browser, against a real server with two local workers: build it in
the Sweep… dialog (a training field, and a node's parameter picked by clicking the node
on the canvas), watch it finish on its page, filter the trials by dragging along an
axis of the parallel-coordinates plot, and open the best run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.conftest import Console, page_for_test
from tests.e2e.editor import centre, open_preset, select
from tests.e2e.runs import Rest
from tests.e2e.server import Server

TRIALS = 4


@pytest.fixture(scope="module")
def sweep_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("sweep-server"), workers=2)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def sweep_page(
    browser: Any, sweep_server: Server, console: Console, request: pytest.FixtureRequest
) -> Iterator[Page]:
    with page_for_test(browser, sweep_server.url, console, request) as page:
        yield page


def test_a_sweep_from_the_dialog_finishes_filters_and_opens_its_best_run(
    sweep_page: Page, sweep_server: Server
) -> None:
    page = sweep_page
    rest = Rest(sweep_server.url)
    rest.call("GET", "/api/presets")  # the first listing renders the presets' cards: slow
    page.goto("/")
    open_preset(page, "mlp_playground")

    page.get_by_test_id("sweep-button").click()
    dialog = page.get_by_test_id("sweep-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("sweep-training-field").select_option("lr")
    dialog.get_by_test_id("sweep-add-training").click()
    dialog.get_by_test_id("sweep-kind-lr").select_option("log_uniform")
    dialog.get_by_test_id("sweep-lo-lr").fill("0.0001")
    dialog.get_by_test_id("sweep-hi-lr").fill("0.1")
    # A node's parameter: click the node on the canvas, then what to vary of it.
    expect(dialog.get_by_test_id("sweep-canvas-options")).to_contain_text("Click a node")
    select(page, "fc1")
    dialog.get_by_test_id("sweep-vary-nodes.fc1.params.out_features").click()
    expect(dialog.get_by_test_id("sweep-row-nodes.fc1.params.out_features")).to_be_visible()
    dialog.get_by_test_id("sweep-kind-nodes.fc1.params.out_features").select_option("choice")
    dialog.get_by_test_id("sweep-choices-nodes.fc1.params.out_features").fill("8, 16")
    dialog.get_by_test_id("sweep-trials").fill(str(TRIALS))
    dialog.get_by_test_id("sweep-parallel").fill("2")
    dialog.get_by_test_id("sweep-epochs").fill("4")
    dialog.get_by_test_id("sweep-seed").fill("0")
    expect(dialog.get_by_test_id("sweep-estimate")).to_contain_text(f"{TRIALS} runs")
    dialog.get_by_test_id("sweep-start").click()

    expect(page).to_have_url(re.compile(r"#/sweeps/s_[0-9a-f]{12}$"))
    sweep_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("sweep-page")).to_have_attribute(
        "data-status", "completed", timeout=180_000
    )
    expect(page.get_by_test_id("sweep-progress")).to_have_attribute("data-ended", str(TRIALS))
    sweep = rest.call("GET", f"/api/sweeps/{sweep_id}")
    assert sweep["spec"]["config"] == {"epochs": 4}
    assert set(sweep["spec"]["space"]) == {"lr", "nodes.fc1.params.out_features"}
    values = {t["number"]: t["value"] for t in sweep["trial_list"]}
    assert all(isinstance(v, float) for v in values.values()), sweep["trial_list"]
    for number in values:
        expect(page.get_by_test_id(f"trial-row-{number}")).to_be_visible()
    expect(page.get_by_test_id("objective-chart")).to_have_attribute("data-points", str(TRIALS))

    # Sorted by the objective, the best first.
    page.get_by_test_id("sort-objective").click()
    rows = page.locator("[data-testid=trials-table] tbody tr")
    best = sweep["best"]["number"]
    expect(rows.first).to_have_attribute("data-testid", f"trial-row-{best}")

    # Drag along the objective's axis (the last one) over its upper half: the trials
    # below it leave the table and their lines dim.
    hit = page.get_by_test_id("pc-hit-2")
    box = hit.bounding_box()
    assert box is not None
    x, _ = centre(hit)
    page.mouse.move(x, box["y"] + 1)
    page.mouse.down()
    page.mouse.move(x, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    low, high = min(values.values()), max(values.values())
    kept = sorted(
        n for n, v in values.items() if high == low or v >= low + (high - low) * 0.5 - 1e-6
    )
    span = page.get_by_test_id("pc-brush-2").get_attribute("data-span")
    note = page.get_by_test_id("sweep-filter-note")
    assert span == "0.500 1.000", span  # from the top: a few pixels off is the top
    expect(note).to_have_attribute("data-shown", str(len(kept)))
    expect(rows).to_have_count(len(kept))
    expect(page.locator("[data-testid^=pc-line-][data-kept=true]")).to_have_count(len(kept))
    assert best in kept
    if high > low:
        worst = min(values, key=lambda n: values[n])
        expect(page.get_by_test_id(f"trial-row-{worst}")).to_have_count(0)

    # The sweep's runs, in the runs list filtered by it.
    page.get_by_test_id("sweep-runs-link").click()
    expect(page.get_by_test_id("runs-sweep-filter")).to_have_value(sweep_id)
    expect(page.locator("[data-testid^=run-row-]")).to_have_count(TRIALS)
    page.go_back()

    page.get_by_test_id("open-best").click()
    best_run = sweep["best"]["run"]
    expect(page).to_have_url(re.compile(rf"#/runs/{best_run}$"))
    expect(page.get_by_test_id("run-view")).to_be_visible()
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "finished")
