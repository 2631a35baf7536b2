"""Loader processes of a set on disk (issue 15), seen from outside: `layerlab train` as a
real process, stopped by SIGTERM, killed by SIGKILL, or with a loader that dies or
hangs. No loader outlives its trainer; a dead loader fails the run naming its file; a
stop is not held up by a stuck loader."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.train.data.fixtures import write_image_folder
from tests.train.processes import Trainer, wait_gone, write_document

GONE_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("loader-processes")
    write_image_folder(folder / "shapes", 400, side=8)
    return folder


def document(folder: Path) -> Path:
    nodes = [
        {"id": "x", "type": "Input", "params": {"shape": [3, 8, 8]}},
        {"id": "flat", "type": "Flatten"},
        {"id": "head", "type": "Linear", "params": {"out_features": 4}},
        {"id": "out", "type": "Output"},
    ]
    options = {"path": "shapes", "image_size": 8, "storage": "disk", "loader_workers": 2}
    training = {
        "dataset": "image_folder",
        "dataset_options": options,
        "epochs": 1000,
        "batch_size": 16,
        "device": "cpu",
        "telemetry": {"scalars_every": 1, "max_events_per_s": 1000},
    }
    return write_document(folder / "doc.json", nodes, training)


def start(data_dir: Path, started: list[Trainer], fault: str | None = None) -> Trainer:
    checkpoints = data_dir / f"checkpoints-{fault or 'none'}-{len(started)}"
    trainer = Trainer(
        document(data_dir), data_dir, "--checkpoint-dir", str(checkpoints), fault=fault
    )
    started.append(trainer)
    return trainer


@pytest.fixture
def trainers() -> Iterator[list[Trainer]]:
    started: list[Trainer] = []
    yield started
    for trainer in started:
        trainer.close()


def test_sigterm_stops_the_run_and_its_loaders(data_dir: Path, trainers: list[Trainer]) -> None:
    trainer = start(data_dir, trainers)
    trainer.wait_for("metrics")
    loaders = trainer.loaders(3)  # the fork server and its two loader workers
    trainer.process.send_signal(signal.SIGTERM)
    ended = trainer.wait_for("status", status="stopped")
    assert ended["message"] == "terminated"
    assert trainer.process.wait(timeout=30) == 0
    assert wait_gone(loaders, GONE_WITHIN_S) == set()


def test_sigkill_of_the_trainer_takes_its_loaders_with_it(
    data_dir: Path, trainers: list[Trainer]
) -> None:
    trainer = start(data_dir, trainers)
    trainer.wait_for("metrics")
    loaders = trainer.loaders(3)  # the fork server and its two loader workers
    trainer.process.kill()
    trainer.process.wait()
    assert wait_gone(loaders, GONE_WITHIN_S) == set()


def test_a_loader_that_dies_fails_the_run_naming_its_file(
    data_dir: Path, trainers: list[Trainer]
) -> None:
    trainer = start(data_dir, trainers, fault="loader_crash")
    started = time.monotonic()
    ended = trainer.wait_for("status", status="failed")
    assert time.monotonic() - started < 60
    message = ended["message"]
    assert "a data loader process died while reading shapes: 'class" in message, message
    assert "exited unexpectedly" in message
    assert trainer.process.wait(timeout=30) == 1


def test_a_stuck_loader_does_not_hold_a_stop(data_dir: Path, trainers: list[Trainer]) -> None:
    trainer = start(data_dir, trainers, fault="loader_hang")
    trainer.wait_for("status", status="running")
    loaders = trainer.loaders(3)  # the fork server and its two loader workers
    time.sleep(1.0)  # the loop is waiting for its first batch now
    asked = time.monotonic()
    trainer.process.send_signal(signal.SIGTERM)
    trainer.wait_for("status", status="stopped")
    assert trainer.process.wait(timeout=30) == 0
    assert time.monotonic() - asked < GONE_WITHIN_S
    assert wait_gone(loaders, GONE_WITHIN_S) == set()
