"""The largest batch that fits a worker's device (issue 21): training memory is a fixed
part plus a part per sample, so the check solves for the batch within 90% of the
device's memory (and the memory limit), and POST /api/check serves it with the device
of the connected worker that has the most memory."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from layerlab.bundled import PRESETS_DIR
from layerlab.graph.analysis import analyze
from layerlab.graph.check import check
from layerlab.graph.document import load_document
from layerlab.graph.limits import (
    DEVICE_MEMORY_SHARE,
    DeviceMemory,
    Limits,
    largest_batch,
    memory_budget,
    training_memory,
)
from layerlab.server.workers.connection import WorkerConnection
from layerlab.worker.device import describe_device, label_parts
from tests.server.conftest import lenet, live_server, make_settings

GiB = 2**30
H200 = DeviceMemory(name="NVIDIA H200", type="cuda", memory_bytes=150_110_011_392)
DEVICES = [
    DeviceMemory(name="small", type="cuda", memory_bytes=512 * 2**20),
    DeviceMemory(name="CPU", type="cpu", memory_bytes=16 * GiB),
    DeviceMemory(name="NVIDIA RTX 4090", type="cuda", memory_bytes=24 * GiB),
    H200,
]
PRESETS = sorted(PRESETS_DIR.glob("*.json"))


def test_largest_batch_is_the_last_that_fits() -> None:
    rng = random.Random(21)
    for _ in range(2_000):
        fixed, per_sample = rng.randrange(0, 10**10), rng.randrange(1, 10**8)
        budget = rng.randrange(0, 10**11)
        batch = largest_batch(fixed, per_sample, budget)
        assert batch is not None and batch >= 0
        if fixed + per_sample > budget:
            assert batch == 0  # not even one sample
        else:
            assert fixed + per_sample * batch <= budget < fixed + per_sample * (batch + 1)
    assert largest_batch(100, 10, 130) == 3
    assert largest_batch(100, 10, 109) == 0
    assert largest_batch(200, 10, 100) == 0  # the weights alone do not fit
    assert largest_batch(100, 0, 1_000) is None  # any batch fits
    assert largest_batch(2_000, 0, 1_000) == 0


def test_the_budget_leaves_a_margin_and_keeps_the_limit() -> None:
    assert DEVICE_MEMORY_SHARE == 0.9
    assert memory_budget(DEVICES[1], Limits()) == int(16 * GiB * 0.9)
    # An H200's 90% is above the default 32 GiB limit: the limit is the budget.
    assert memory_budget(H200, Limits()) == Limits().max_memory_bytes
    assert memory_budget(H200, Limits(max_memory_bytes=200 * GiB)) == int(H200.memory_bytes * 0.9)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_every_preset_gets_the_largest_batch_that_fits(preset: Path) -> None:
    limits = Limits(max_memory_bytes=10**15)  # the device alone decides here
    analysis = analyze(load_document(preset.read_text(), limits), limits)
    assert analysis.ok and analysis.result is not None, preset.name
    for device in DEVICES:
        report = check(preset.read_text(), limits, device=device)
        totals = report.totals
        budget = int(device.memory_bytes * DEVICE_MEMORY_SHARE)
        assert totals.memory_budget_bytes == budget
        assert (totals.device_name, totals.device_type) == (device.name, device.type)
        assert totals.device_memory_bytes == device.memory_bytes
        batch = totals.max_batch_size
        assert batch is not None, preset.name
        if batch > 0:
            assert training_memory(analysis.result, batch) <= budget, (preset.name, device.name)
            # The served estimate at that batch agrees: it is the same formula.
            assert check(preset.read_text(), limits, batch).totals.memory_bytes <= budget
        assert training_memory(analysis.result, batch + 1) > budget, (preset.name, device.name)
        assert check(preset.read_text(), limits, batch + 1).totals.memory_bytes > budget


def test_without_a_device_there_is_no_suggestion() -> None:
    totals = check(lenet()).totals
    assert totals.max_batch_size is None and totals.device_name is None
    assert totals.memory_budget_bytes is None and totals.device_memory_bytes is None
    broken = check("{not json", device=H200).totals  # does not parse: nothing fits
    assert broken.max_batch_size is None


def test_worker_labels_name_their_device() -> None:
    assert label_parts("cuda:0 (NVIDIA H200)") == ("cuda", "NVIDIA H200")
    assert label_parts("cuda:1 (NVIDIA H100 80GB HBM3)") == ("cuda", "NVIDIA H100 80GB HBM3")
    assert label_parts("cpu") == ("cpu", "CPU")
    assert label_parts("mps") == ("mps", "MPS")
    here = describe_device("cpu")
    assert label_parts(here.label) == ("cpu", "CPU") and (here.memory_bytes or 0) > 0


class _QuietSocket:
    async def send_text(self, _text: str) -> None:
        return None

    async def close(self, _code: int = 1000, _reason: str = "") -> None:
        return None


def test_the_check_serves_the_largest_batch_for_the_biggest_worker(tmp_path: Path) -> None:
    with live_server(make_settings(tmp_path)) as live, live.client() as client:
        alone = client.post("/api/check", json=lenet()).json()["totals"]
        assert alone["max_batch_size"] is None and alone["device_name"] is None
        connections = live.app.state.scheduler.connections
        workers = [
            ("w-cpu", "cpu", 16 * GiB),
            ("w-gpu", "cuda:0 (NVIDIA H200)", H200.memory_bytes),
            ("w-mute", "cuda:1 (Unknown)", None),  # says nothing of its memory
        ]
        for worker_id, label, memory in workers:
            connections[worker_id] = WorkerConnection(
                _QuietSocket(), worker_id, worker_id, label, memory
            )  # type: ignore[arg-type]
        try:
            totals = client.post("/api/check", json=lenet(), params={"batch_size": 64}).json()[
                "totals"
            ]
        finally:
            for worker_id, _, _ in workers:
                connections.pop(worker_id, None)
    expected = check(lenet(), live.settings.limits, 64, device=H200).totals
    assert totals["device_name"] == "NVIDIA H200" and totals["device_type"] == "cuda"
    assert totals["device_memory_bytes"] == H200.memory_bytes
    assert totals["memory_budget_bytes"] == memory_budget(H200, live.settings.limits)
    assert totals["max_batch_size"] == expected.max_batch_size > 64
    assert totals["batch_size"] == 64
