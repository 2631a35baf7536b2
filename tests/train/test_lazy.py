"""Training on sets that stay on disk (issue 15): token streams and image folders train
through the same loop as whole tensors, pause and resume bit-identically on the CPU,
and leave no loader process behind."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest
import torch

from layerlab.graph.document import GraphDocument
from layerlab.train.checkpoint import read_meta
from layerlab.train.config import TrainingConfig
from layerlab.train.control import Control
from layerlab.train.data import LoadContext, LoadedDataset, load_dataset
from layerlab.train.data.lazy import Dataset, LazyDataset
from layerlab.train.hooks import Hooks, LoopState
from tests.train.data.fixtures import write_image_folder
from tests.train.helpers import chain, config, n, train
from tests.train.test_checkpoint import StopAt, weights_of

CORPUS = "".join(f"{w} " for i in range(900) for w in ("to", "be", "or", "not", str(i % 7)))


def char_model(vocabulary: int, block: int) -> GraphDocument:
    layers = [
        n("embed", "Embedding", num_embeddings=vocabulary, embedding_dim=16),
        n("mix", "Linear", out_features=32),
        n("act", "GELU"),
        n("head", "Linear", out_features=vocabulary),
    ]
    return chain(layers, [block], dtype="int64")


def image_model(side: int) -> GraphDocument:
    layers = [n("flat", "Flatten"), n("fc", "Linear", out_features=16), n("act", "ReLU")]
    return chain([*layers, n("head", "Linear", out_features=4)], [3, side, side])


def same_weights(a: Path | None, b: Path | None) -> bool:
    assert a is not None and b is not None
    left, right = weights_of(a), weights_of(b)
    return left.keys() == right.keys() and all(torch.equal(left[k], right[k]) for k in left)


def stopped_then_resumed(
    doc: GraphDocument, data: Dataset, cfg: TrainingConfig, folder: Path, at: int
) -> Path | None:
    control = Control()
    stopped, _ = train(
        doc, data, cfg, checkpoint_dir=folder, control=control, hooks=[StopAt(control, at)]
    )
    assert stopped.status == "stopped" and stopped.step == at
    resumed, events = train(doc, data, cfg, checkpoint_dir=folder, resume=True)
    assert resumed.status == "finished", resumed.message
    assert f"at step {at}" in events[0].message  # type: ignore[union-attr]
    return resumed.checkpoint


def test_random_windows_resume_bit_identically(tmp_path: Path) -> None:
    (tmp_path / "corpus.txt").write_text(CORPUS)
    options = {"path": "corpus.txt", "block_size": 16, "epoch_windows": 80, "val_windows": 64}
    data = load_dataset("text", options, LoadContext(tmp_path))
    assert isinstance(data, LazyDataset) and data.info.num_classes is not None
    doc = char_model(data.info.num_classes, 16)
    cfg = config(task="language_model", epochs=3, batch_size=8, lr=0.01, sample_length=20)
    whole, events = train(doc, data, cfg, checkpoint_dir=tmp_path / "whole")
    assert whole.status == "finished" and whole.step == 30, whole.message
    assert whole.metrics["val/loss"] is not None and whole.metrics["val/loss"] < 2.0
    assert any(v.kind == "text" for e in events if e.type == "samples" for v in e.views)  # type: ignore[union-attr]
    resumed = stopped_then_resumed(doc, data, cfg, tmp_path / "cut", at=13)
    assert same_weights(whole.checkpoint, resumed)
    # The checkpoint holds where the sampler stood (epoch 1, 3 batches in) and what it draws.
    assert resumed is not None
    meta = read_meta(tmp_path / "cut" / "step-00000013")
    assert meta.sampler is not None
    assert (meta.sampler.kind, meta.sampler.epoch, meta.sampler.position) == ("uniform", 1, 3)
    assert meta.sampler.positions == int(len(CORPUS) * 0.8) - 16


class PauseFor(Hooks):
    """Pauses the run after a step and resumes it from another thread a little later."""

    def __init__(self, control: Control, at: int, seconds: float):
        self.control, self.at, self.seconds = control, at, seconds

    def on_batch_end(self, state: LoopState) -> None:
        if state.step == self.at:
            self.control.pause()
            threading.Timer(self.seconds, self.control.resume).start()


class LoaderPids(Hooks):
    """The loader processes alive during training (children of this process's fork
    server are tracked by multiprocessing, whatever the start method)."""

    def __init__(self) -> None:
        self.pids: set[int] = set()

    def on_batch_end(self, state: LoopState) -> None:
        self.pids.update(p.pid for p in multiprocessing.active_children() if p.pid)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    write_image_folder(tmp_path / "shapes", 240, side=8)
    return tmp_path


def image_data(data_dir: Path, **options: Any) -> Dataset:
    options = {"path": "shapes", "image_size": 8, **options}
    return load_dataset("image_folder", options, LoadContext(data_dir))


def test_an_image_folder_on_disk_trains_as_in_memory_and_resumes_exactly(shapes: Path) -> None:
    memory = image_data(shapes, storage="memory")
    disk = image_data(shapes, storage="disk", loader_workers=2)
    assert isinstance(memory, LoadedDataset) and isinstance(disk, LazyDataset)
    doc = image_model(8)
    cfg = config(epochs=3, batch_size=16, lr=0.01, checkpoint_every_steps=5)
    in_memory, _ = train(doc, memory, cfg)
    pids, control = LoaderPids(), Control()
    paused = PauseFor(control, at=9, seconds=1.0)  # loaders idle meanwhile, batches ready
    on_disk, events = train(
        doc, disk, cfg, checkpoint_dir=shapes / "whole", hooks=[pids, paused], control=control
    )
    assert on_disk.status == "finished", on_disk.message
    statuses = [e.status for e in events if e.type == "status"]  # type: ignore[union-attr]
    assert statuses == ["running", "paused", "running", "finished"]
    # Same split, same order, same pixels; the statistics agree to float32 rounding.
    for key, value in in_memory.metrics.items():
        assert on_disk.metrics[key] == pytest.approx(value, abs=1e-4), key
    assert on_disk.metrics["val/acc"] is not None and on_disk.metrics["val/acc"] > 0.9
    assert len(pids.pids) >= 2 and not any(alive(pid) for pid in pids.pids)
    resumed = stopped_then_resumed(doc, disk, cfg, shapes / "cut", at=17)
    assert same_weights(on_disk.checkpoint, resumed)


def test_a_broken_file_fails_the_run_naming_it(shapes: Path) -> None:
    for workers in (0, 2):
        data = image_data(shapes, storage="disk", loader_workers=workers, val_fraction=0.0)
        assert isinstance(data, LazyDataset)
        name = data.train.files[40]  # type: ignore[attr-defined]
        path = shapes / "shapes" / name
        original = path.read_bytes()
        path.write_bytes(b"not a picture")
        try:
            result, _ = train(image_model(8), data, config(epochs=1, batch_size=16))
        finally:
            path.write_bytes(original)
        assert result.status == "failed"
        assert f"shapes: '{name}' cannot be decoded as an image" in result.message
        assert "not a picture" not in result.message


def test_data_parallel_ranks_share_a_lazy_feed(tmp_path: Path) -> None:
    """Every rank walks the same random windows and takes its slice: two ranks train as
    one process does (the global batch is the same)."""
    (tmp_path / "corpus.txt").write_text(CORPUS)
    options = {"path": "corpus.txt", "block_size": 8, "epoch_windows": 64}
    data = load_dataset("text", options, LoadContext(tmp_path))
    assert data.info.num_classes is not None
    doc = char_model(data.info.num_classes, 8)
    common = {"task": "language_model", "epochs": 2, "batch_size": 8, "lr": 0.01}
    every = {"scalars_every": 1, "max_events_per_s": 10_000}
    from tests.train.test_distributed import run, step_losses

    alone, alone_events = run(doc, config(**common, telemetry=every), data)
    pair, pair_events = run(doc, config(**common, telemetry=every, processes=2), data)
    assert alone.status == pair.status == "finished", pair.message
    single, double = step_losses(alone_events), step_losses(pair_events)
    assert sorted(single) == sorted(double) == list(range(1, 17))
    for step, loss in single.items():
        assert double[step] == pytest.approx(loss, abs=1e-5), step


def test_a_resume_on_changed_data_says_its_order_differs(tmp_path: Path) -> None:
    (tmp_path / "corpus.txt").write_text(CORPUS)
    options = {"path": "corpus.txt", "block_size": 16, "epoch_windows": 80}
    data = load_dataset("text", options, LoadContext(tmp_path))
    assert data.info.num_classes is not None
    doc = char_model(data.info.num_classes, 16)
    cfg = config(task="language_model", epochs=2, batch_size=8, max_steps=5)
    first, _ = train(doc, data, cfg, checkpoint_dir=tmp_path / "run")
    assert first.status == "finished" and first.step == 5
    longer = load_dataset("text", {**options, "epoch_windows": 96}, LoadContext(tmp_path))
    _, events = train(
        doc,
        longer,
        cfg.model_copy(update={"max_steps": 8}),
        checkpoint_dir=tmp_path / "run",
        resume=True,
    )
    notes = [e.message for e in events if e.type == "log"]  # type: ignore[union-attr]
    assert any("the data changed since the checkpoint (80 samples" in n for n in notes), notes
