"""Views inside a network (issue 19): a LeNet run shows each Conv2d layer's feature maps
of one validation image, a VAE run its latent space (MNIST is absent here: the digits
stand in). One server with one local worker trains both for an epoch."""

from __future__ import annotations

import json
from typing import Any

from layerlab.train.events import END_STATUSES
from tests.e2e.runs import Rest, screenshot
from tests.e2e.server import ROOT, require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402


def preset(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "graphs" / f"{name}.json").read_text())
    document["training"].update(device="cpu")
    return document


def finished_run(rest: Rest, name: str) -> str:
    run_id = rest.create(preset(name), epochs=1)
    record = rest.wait(run_id, END_STATUSES, timeout=240)
    assert record["status"] == "finished", record
    return run_id


def test_a_lenet_run_shows_its_feature_maps(run_page: Page, rest: Rest) -> None:
    page = run_page
    document = preset("lenet5_mnist")
    convs = [node["id"] for node in document["nodes"] if node["type"] == "Conv2d"]
    run_id = finished_run(rest, "lenet5_mnist")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/#/runs/{run_id}")
    page.get_by_test_id("tab-samples").click()
    maps = page.get_by_test_id("feature-maps")
    expect(maps).to_be_visible()
    expect(maps).to_have_attribute("data-layers", str(len(convs)))
    rows = maps.locator("[data-testid^=feature-map-]")
    expect(rows).to_have_count(len(convs))
    channels = {"conv1": 6, "conv2": 16}
    for i, node in enumerate(convs):
        row = page.get_by_test_id(f"feature-map-{node}")
        expect(rows.nth(i)).to_have_attribute("data-testid", f"feature-map-{node}")
        expect(row).to_contain_text(node)
        expect(row.locator("canvas")).to_have_count(channels[node])
    maps.scroll_into_view_if_needed()
    screenshot(page, "feature-maps")


def test_a_vae_run_shows_its_latent_space(run_page: Page, rest: Rest) -> None:
    page = run_page
    run_id = finished_run(rest, "vae_mnist")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/#/runs/{run_id}")
    page.get_by_test_id("tab-samples").click()
    latent = page.get_by_test_id("latent-space")
    expect(latent).to_be_visible()
    points = int(latent.get_attribute("data-points") or 0)
    assert points >= 50, points
    expect(latent.locator("svg circle")).to_have_count(points)
    expect(latent).to_contain_text("sample")  # the Reparameterize node's z
    expect(latent.get_by_test_id("latent-walk").locator("canvas")).to_have_count(8)
    latent.scroll_into_view_if_needed()
    screenshot(page, "latent-space")
