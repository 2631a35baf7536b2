"""Sets bigger than memory train in bounded memory (issue 15), as `layerlab train`
processes whose peak resident memory is watched: an image folder decoded by loader
processes and a text read as random windows. Each run is also stopped by SIGTERM and
resumed, and must end with the same weights as an uninterrupted one.

The slow versions are the issue's: 50,000 images of 64x64 (2.5 GB as floats) and 200 MB
of text (1.6 GB of int64 ids); the fast ones run the same checks on small sets.
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from layerlab.train.checkpoint import LATEST, MODEL_FILE
from tests.train.data.fixtures import write_image_folder
from tests.train.processes import PeakMemory, Trainer, write_document

MB = 2**20
TRAINER_BOUND = 700 * MB
"""Peak resident memory allowed to the trainer: python, torch and the model take about
350-450 MB here (a third of it torch's libraries, mapped); the rest is room, well under
what either big set decodes to."""
LOADER_BOUND = 600 * MB
"""Peak resident memory allowed to each loader process (and their fork server)."""


@dataclass
class Scale:
    images: int
    side: int
    text_mb: int
    steps: int


FAST = Scale(images=1_000, side=16, text_mb=8, steps=30)
SLOW = Scale(images=50_000, side=64, text_mb=200, steps=150)
SCALES = [
    pytest.param(FAST, id="fast"),
    pytest.param(SLOW, id="slow", marks=[pytest.mark.slow, pytest.mark.timeout(3600)]),
]


def final_weights(folder: Path) -> dict[str, torch.Tensor]:
    latest = json.loads((folder / LATEST).read_text())["name"]
    return load_file(str(folder / latest / MODEL_FILE))


def train_three_ways(graph: Path, data_dir: Path, steps: int) -> PeakMemory:
    """Uninterrupted; then stopped by SIGTERM a third of the way and resumed: the same
    weights at the end. Returns the uninterrupted run's peak memory."""
    whole_dir, cut_dir = data_dir / "whole", data_dir / "cut"
    whole = Trainer(graph, data_dir, "--steps", str(steps), "--checkpoint-dir", str(whole_dir))
    try:
        peaks = PeakMemory(whole.process.pid)
        ended = whole.wait_for("status", status="finished")
        peaks.stop()
        assert whole.process.wait(timeout=120) == 0, whole.stderr()
    finally:
        whole.close()
    assert ended["step"] == steps

    cut = Trainer(graph, data_dir, "--steps", str(steps), "--checkpoint-dir", str(cut_dir))
    try:
        for event in cut.events():
            if event["type"] == "metrics" and event["step"] >= steps // 3:
                cut.process.send_signal(signal.SIGTERM)
                break
        stopped = cut.wait_for("status", status="stopped")
        assert cut.process.wait(timeout=120) == 0
    finally:
        cut.close()
    assert 0 < stopped["step"] < steps
    resumed = Trainer(
        graph, data_dir, "--steps", str(steps), "--checkpoint-dir", str(cut_dir), "--resume"
    )
    try:
        resumed.wait_for("status", status="finished")
        assert resumed.process.wait(timeout=120) == 0
    finally:
        resumed.close()
    a, b = final_weights(whole_dir), final_weights(cut_dir)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    return peaks


@pytest.mark.parametrize("scale", SCALES)
def test_an_image_folder_trains_in_bounded_memory(tmp_path: Path, scale: Scale) -> None:
    write_image_folder(tmp_path / "photos", scale.images, classes=10, side=scale.side)
    decoded = scale.images * 3 * scale.side**2 * 4
    side = scale.side
    nodes: list[dict[str, Any]] = [
        {"id": "x", "type": "Input", "params": {"shape": [3, side, side]}},
        {"id": "conv", "type": "Conv2d", "params": {"out_channels": 8, "kernel_size": 5}},
        {"id": "act", "type": "ReLU"},
        {"id": "pool", "type": "AdaptiveAvgPool2d", "params": {"output_size": 4}},
        {"id": "flat", "type": "Flatten"},
        {"id": "head", "type": "Linear", "params": {"out_features": 10}},
        {"id": "out", "type": "Output"},
    ]
    options = {
        "path": "photos",
        "image_size": side,
        "storage": "disk",
        "loader_workers": 2,
        "val_fraction": 0.05,
    }
    training = {
        "dataset": "image_folder",
        "dataset_options": options,
        "epochs": 1000,  # --steps ends it
        "batch_size": 64,
        "lr": 0.01,
        "device": "cpu",
        "checkpoint_every_steps": 25,
    }
    graph = write_document(tmp_path / "photos.json", nodes, training)
    peaks = train_three_ways(graph, tmp_path, scale.steps)
    print(f"peaks: trainer {peaks.trainer / MB:.0f} MB, loaders {peaks.loaders / MB:.0f} MB")
    assert peaks.trainer < TRAINER_BOUND, (peaks.trainer / MB, decoded / MB)
    assert 0 < peaks.loaders < LOADER_BOUND, (peaks.loaders / MB, decoded / MB)
    if scale is SLOW:
        assert peaks.trainer < decoded / 2


def write_text(path: Path, megabytes: int, seed: int = 0) -> None:
    """Random words of a 2,000-word vocabulary, a sentence a line."""
    rng = np.random.default_rng(seed)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    words = np.array(
        ["".join(rng.choice(letters, size=int(rng.integers(1, 9)))).encode() for _ in range(2000)],
        dtype=object,
    )
    written = 0
    with path.open("wb") as out:
        while written < megabytes * MB:
            line = b" ".join(words[rng.integers(0, len(words), size=100_000)]) + b".\n"
            out.write(line)
            written += len(line)


@pytest.mark.parametrize("scale", SCALES)
def test_a_big_text_trains_as_random_windows_in_bounded_memory(
    tmp_path: Path, scale: Scale
) -> None:
    write_text(tmp_path / "words.txt", scale.text_mb)
    as_int64_windows = scale.text_mb * MB * 8  # the old in-memory way, before any overlap
    nodes: list[dict[str, Any]] = [
        {"id": "x", "type": "Input", "params": {"shape": [64], "dtype": "int64"}},
        {"id": "embed", "type": "Embedding", "params": {"num_embeddings": 29, "embedding_dim": 32}},
        {"id": "mix", "type": "Linear", "params": {"out_features": 64}},
        {"id": "act", "type": "GELU"},
        {"id": "head", "type": "Linear", "params": {"out_features": 29}},
        {"id": "out", "type": "Output"},
    ]
    training = {
        "task": "language_model",
        "dataset": "text",
        "dataset_options": {"path": "words.txt", "block_size": 64, "val_windows": 200},
        "epochs": 1000,  # --steps ends it
        "batch_size": 32,
        "lr": 0.003,
        "device": "cpu",
        "sample_length": 50,
        "checkpoint_every_steps": 25,
    }
    graph = write_document(tmp_path / "words.json", nodes, training)
    peaks = train_three_ways(graph, tmp_path, scale.steps)
    print(f"peak: trainer {peaks.trainer / MB:.0f} MB")
    assert peaks.trainer < TRAINER_BOUND, (peaks.trainer / MB, as_int64_windows / MB)
    if scale is SLOW:
        assert peaks.trainer < as_int64_windows / 2
