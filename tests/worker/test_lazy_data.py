"""A set kept on disk (issue 15) through the whole system: a real server and a real
`layerlab worker`, an image folder in the worker's data dir, loaded in its bounded child
(which hands the parts back, not tensors) and decoded by loader processes that a stop
ends and a kill of the worker takes with it."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

from tests.server.test_faults import served_with_workers, status_events
from tests.train.data.fixtures import write_image_folder
from tests.train.processes import descendants, wait_gone
from tests.worker.harness import WAIT, wait_for

GONE_WITHIN_S = 5.0


def image_document(epochs: int) -> dict[str, Any]:
    nodes = [
        {"id": "x", "type": "Input", "params": {"shape": [3, 8, 8]}},
        {"id": "flat", "type": "Flatten"},
        {"id": "head", "type": "Linear", "params": {"out_features": 4}},
        {"id": "out", "type": "Output"},
    ]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    options = {"path": "shapes", "image_size": 8, "storage": "disk", "loader_workers": 2}
    training = {
        "dataset": "image_folder",
        "dataset_options": options,
        "epochs": epochs,
        "batch_size": 16,
        "lr": 0.01,
        "device": "cpu",
        "checkpoint_every_steps": 10,
    }
    return {"name": "shapes", "nodes": nodes, "edges": edges, "training": training}


def loaders_of(pid: int) -> set[int]:
    """Processes below the worker that are not its own children: the loader processes
    (children of its fork server)."""
    below = descendants(pid)
    children = {p for p in below if _parent(p) == pid}
    return below - children


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_a_worker_trains_an_image_folder_on_disk_and_leaves_no_loader(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (_live, _client, api, start):
        write_image_folder(tmp_path / "workers" / "disk" / "shapes", 400, side=8)
        worker = start("disk")
        done = api.create(image_document(epochs=2))
        api.wait_status(done, "finished")
        events = api.events(done)
        assert status_events(events)[-1]["step"] == 40  # 320 training images, 16 a step, 2 epochs
        logs = " ".join(e.get("message", "") for e in events if e["type"] == "log")
        assert "decoded when needed, by 2 loader processes" in logs

        stopped = api.create(image_document(epochs=1000))
        wait_for(lambda: len(loaders_of(worker.pid)) >= 2, WAIT, "loader processes")
        loaders = loaders_of(worker.pid)
        asked = time.monotonic()
        assert api.control(stopped, "stop").status_code == 200
        api.wait_status(stopped, "stopped", timeout=GONE_WITHIN_S)
        assert time.monotonic() - asked < GONE_WITHIN_S
        assert wait_gone(loaders, GONE_WITHIN_S) == set()
        assert status_events(api.events(stopped))[-1]["status"] == "stopped"

        killed = api.create(image_document(epochs=1000))
        wait_for(lambda: len(loaders_of(worker.pid)) >= 2, WAIT, "loader processes again")
        everything = descendants(worker.pid)  # the fork server and the loaders too
        assert killed
        worker.process.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
        worker.process.wait()  # type: ignore[union-attr]
        assert wait_gone(everything, GONE_WITHIN_S) == set()
