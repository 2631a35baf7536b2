"""The fit loop's contract beyond learning: hooks in order, early stopping, step limits,
augmentation, empty validation, setup errors."""

from __future__ import annotations

import pytest
import torch

from layerlab.train.augment import augment
from layerlab.train.data.base import Split
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.tasks import TaskError
from tests.train.helpers import config, dataset, image_blobs, mlp, of_type, registry, train


class Recorder(Hooks):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def on_start(self, state: LoopState) -> None:
        self.calls.append(("start", state.step))

    def on_batch_end(self, state: LoopState) -> None:
        self.calls.append(("batch", state.step))

    def on_validation_end(self, state: LoopState, metrics: dict[str, float]) -> None:
        assert "val/loss" in metrics
        self.calls.append(("validation", state.step))

    def on_epoch_end(self, state: LoopState) -> None:
        self.calls.append(("epoch", state.epoch))


def test_hooks_run_in_order_and_steps_are_counted() -> None:
    recorder = Recorder()
    result, events = train(
        mlp(), registry("moons", size=100), config(epochs=2, batch_size=40), hooks=[recorder]
    )
    assert result.step == 4  # 80 training points: 2 full batches an epoch, the rest left out
    assert recorder.calls == [
        ("start", 0),
        ("batch", 1),
        ("batch", 2),
        ("validation", 2),
        ("epoch", 1),
        ("batch", 3),
        ("batch", 4),
        ("validation", 4),
        ("epoch", 2),
    ]
    assert [e.status for e in of_type(events, "status")] == ["running", "finished"]
    assert of_type(events, "status")[0].total_steps == 4


def test_max_steps_ends_mid_epoch_with_a_validation() -> None:
    result, events = train(mlp(), registry("moons", size=400), config(epochs=50, max_steps=7))
    assert result.status == "finished" and result.step == 7 and result.epoch == 0
    assert result.metrics["val/acc"] is not None


def test_early_stopping_ends_an_overfitting_run() -> None:
    tiny = registry("moons", size=60, noise=0.35, val_fraction=0.5)
    rule = {"metric": "val/loss", "patience": 3}
    result, events = train(
        mlp(hidden=(128, 128)), tiny, config(lr=0.01, epochs=300, early_stopping=rule)
    )
    assert result.status == "finished" and result.epoch < 300
    assert result.message.startswith("early stopping: val/loss has not improved")
    losses = [e.values["val/loss"] for e in of_type(events, "metrics") if "val/loss" in e.values]
    best = min(losses)
    assert losses.index(best) == len(losses) - 1 - 3  # stopped 3 epochs after the best


def test_no_validation_split_still_trains_and_samples() -> None:
    moons = registry("moons", size=100)
    moons.val = Split(moons.val.x[:0], moons.val.y[:0])
    result, events = train(mlp(), moons, config(epochs=1))
    assert result.status == "finished" and "val/loss" not in result.metrics
    assert of_type(events, "samples")  # drawn from the training split


def test_an_empty_training_split_is_a_setup_error() -> None:
    moons = registry("moons", size=100)
    moons.train = Split(moons.train.x[:0], moons.train.y[:0])
    with pytest.raises(TaskError, match="no training samples"):
        train(mlp(), moons, config())


def test_augmentation_keeps_shapes_and_moves_pixels() -> None:
    images = image_blobs(64)
    torch.manual_seed(0)
    out = augment(images, "crop_flip")
    assert out.shape == images.shape
    assert not torch.equal(out, images)
    assert out.sum() <= images.sum()  # crops only cut pixels off, never add ink
    data = dataset(
        {"kind": "image", "target": "class", "num_classes": 2},
        (images, torch.arange(64) % 2),
        (images[:8], torch.arange(8) % 2),
    )
    from tests.train.helpers import chain, n

    doc = chain([n("flat", "Flatten"), n("fc", "Linear", out_features=2)], [1, 8, 8])
    result, _ = train(doc, data, config(epochs=1, augment="crop_flip"))
    assert result.status == "finished"
