"""The top bar's batch suggestion (issue 21), against a server with one local worker:
beside the memory estimate it says the largest batch that fits the worker's device, and
when the batch does not fit, one click sets the largest that does."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect  # noqa: E402

from layerlab.graph.check import check
from layerlab.graph.limits import DeviceMemory
from layerlab.worker.device import label_parts
from tests.e2e.editor import deselect, open_preset, wait_checked
from tests.e2e.runs import Rest
from tests.server.conftest import ROOT

PRESET = "resnet18_cifar10"
TOO_BIG = 65_536
"""A batch whose estimate is hundreds of GB for ResNet-18: over any worker's memory."""


def connected_worker(rest: Rest, timeout: float = 60.0) -> DeviceMemory:
    """The local worker's device, once it has said hello (it starts after the server)."""
    deadline = time.monotonic() + timeout
    while True:
        workers = [w for w in rest.call("GET", "/api/workers") if w["memory_bytes"]]
        if workers:
            worker = max(workers, key=lambda w: w["memory_bytes"])
            kind, name = label_parts(worker["device"])
            return DeviceMemory(name=name, type=kind, memory_bytes=worker["memory_bytes"])
        assert time.monotonic() < deadline, "no worker connected"
        time.sleep(0.2)  # polling the server's list with a deadline, not a guess


def test_the_top_bar_suggests_the_largest_batch_and_sets_it(run_page: Page, rest: Rest) -> None:
    device = connected_worker(rest)
    preset = (ROOT / "graphs" / f"{PRESET}.json").read_text()
    largest = check(preset, device=device).totals.max_batch_size  # the oracle: the same formula
    assert largest is not None and 128 < largest < TOO_BIG
    rest.call("GET", "/api/presets")  # their cards take the server a while the first time
    page = run_page
    page.goto("/")
    open_preset(page, PRESET)  # batch 128

    hint = page.get_by_test_id("memory-hint")
    expect(hint).to_have_attribute("data-kind", "fits")
    expect(hint).to_have_text(f"fits up to batch {largest:,} on {device.name}")
    memory = "GPU memory" if device.type == "cuda" else "of memory"
    expect(hint).to_have_attribute("title", re.compile(rf"\d+% of the .+ {memory} on "))
    expect(page.get_by_test_id("use-batch")).to_have_count(0)

    deselect(page)
    batch = page.get_by_test_id("training-batch_size")
    batch.fill(str(TOO_BIG))
    batch.press("Tab")
    wait_checked(page)
    expect(page.get_by_test_id("totals")).to_contain_text(f"@ batch {TOO_BIG}")
    expect(hint).to_have_attribute("data-kind", "over")
    expect(hint).to_contain_text(f"batch {TOO_BIG:,} does not fit on {device.name}")
    use = page.get_by_test_id("use-batch")
    expect(use).to_have_text(f"use batch {largest:,}")

    use.click()
    expect(batch).to_have_value(str(largest))  # the training panel shows the new size
    wait_checked(page)
    expect(page.get_by_test_id("totals")).to_contain_text(f"@ batch {largest}")
    expect(hint).to_have_attribute("data-kind", "fits")
    expect(use).to_have_count(0)
    # One step of undo takes the suggestion back.
    page.get_by_test_id("undo").click()
    expect(batch).to_have_value(str(TOO_BIG))
