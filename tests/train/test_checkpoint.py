"""Checkpoints: atomic, complete, finite; a resumed run ends with exactly the weights of
an uninterrupted one (CPU, same seed); a kill during a save leaves the previous one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from layerlab.graph.document import document_json
from layerlab.train.checkpoint import (
    MODEL_FILE,
    OPTIMIZER_FILE,
    CheckpointError,
    latest_checkpoint,
    load_checkpoint,
    read_meta,
)
from layerlab.train.config import TrainingConfig
from layerlab.train.control import Control
from layerlab.train.faults import FAULT_ENV, FAULT_EXIT_CODE
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.optim import build_optimizer
from layerlab.train.run import RunOptions
from tests.train.helpers import config, mlp, registry, train

ROOT = Path(__file__).resolve().parents[2]


def weights_of(folder: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(str(folder / MODEL_FILE))


class CrashAt(Hooks):
    """Simulates a crash (an exception) right after a given step."""

    def __init__(self, step: int):
        self.step = step

    def on_batch_end(self, state: LoopState) -> None:
        if state.step == self.step:
            raise RuntimeError(f"simulated crash after step {state.step}")


class StopAt(Hooks):
    def __init__(self, control: Control, step: int):
        self.control, self.step = control, step

    def on_batch_end(self, state: LoopState) -> None:
        if state.step == self.step:
            self.control.stop("test stop")


# Dropout and Adam make resumption depend on the RNG state and the optimizer state.
DOC = mlp(hidden=(16, 16), dropout=0.2)


def resumable_config(**fields: Any) -> TrainingConfig:
    return config(
        **{"lr": 0.01, "epochs": 3, "batch_size": 32, "checkpoint_every_steps": 5, **fields}
    )


def test_a_resumed_run_ends_with_the_same_weights(tmp_path: Path) -> None:
    data = registry("moons", size=200)  # 5 steps an epoch
    cfg = resumable_config()

    whole, _ = train(DOC, data, cfg, checkpoint_dir=tmp_path / "whole")
    assert whole.status == "finished" and whole.step == 15

    crashed, _ = train(DOC, data, cfg, checkpoint_dir=tmp_path / "cut", hooks=[CrashAt(12)])
    assert crashed.status == "failed" and "simulated crash" in crashed.message
    latest = latest_checkpoint(tmp_path / "cut")
    assert latest is not None and read_meta(latest).progress.step == 10  # mid-epoch 2

    resumed, events = train(DOC, data, cfg, checkpoint_dir=tmp_path / "cut", resume=True)
    assert resumed.status == "finished" and resumed.step == 15
    assert "resumed from step-00000010" in events[0].message  # type: ignore[union-attr]

    a = weights_of(whole.checkpoint)  # type: ignore[arg-type]
    b = weights_of(resumed.checkpoint)  # type: ignore[arg-type]
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    # The comparison can fail: a fresh run with another seed ends elsewhere.
    other, _ = train(DOC, data, resumable_config(seed=1), checkpoint_dir=tmp_path / "other")
    c = weights_of(other.checkpoint)  # type: ignore[arg-type]
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_stop_writes_a_checkpoint_that_resumes_exactly(tmp_path: Path) -> None:
    data = registry("moons", size=200)
    cfg = resumable_config(checkpoint_every_steps=None)
    whole, _ = train(DOC, data, cfg, checkpoint_dir=tmp_path / "whole")
    control = Control()
    stopped, events = train(
        DOC, data, cfg, checkpoint_dir=tmp_path / "cut", control=control, hooks=[StopAt(control, 7)]
    )
    assert stopped.status == "stopped" and stopped.step == 7
    assert [e.reason for e in events if e.type == "checkpoint"][-1] == "stop"  # type: ignore[union-attr]
    resumed, _ = train(DOC, data, cfg, checkpoint_dir=tmp_path / "cut", resume=True)
    a, b = weights_of(whole.checkpoint), weights_of(resumed.checkpoint)  # type: ignore[arg-type]
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_checkpoint_layout_and_optimizer_state_round_trip(tmp_path: Path) -> None:
    data = registry("moons", size=200)
    result, _ = train(DOC, data, resumable_config(epochs=1), checkpoint_dir=tmp_path)
    folder = result.checkpoint
    assert folder is not None and folder.name == "step-00000005"
    assert json.loads((tmp_path / "latest.json").read_text())["name"] == folder.name
    meta = read_meta(folder)
    assert meta.progress.step == 5 and meta.config["lr"] == 0.01
    assert not list(tmp_path.glob(".tmp-*"))

    # Load into fresh objects: the optimizer's moments come back tensor for tensor.
    trainee = build_trainee(DOC, 123)
    optimizer = build_optimizer(list(trainee.module.parameters()), resumable_config())
    load_checkpoint(folder, trainee.module, {"model": optimizer})
    from safetensors.torch import load_file

    saved = load_file(str(folder / OPTIMIZER_FILE))
    state = optimizer.state_dict()["state"]
    for index, entries in state.items():
        for key, value in entries.items():
            assert torch.equal(value, saved[f"optimizer/model/{index}/{key}"])

    # A checkpoint of another network is refused with a message, not a crash.
    with pytest.raises(CheckpointError, match="keys do not match|shape"):
        other = build_trainee(mlp(hidden=(8,)), 0)
        load_checkpoint(
            folder,
            other.module,
            {"model": build_optimizer(list(other.module.parameters()), resumable_config())},
        )


def test_old_checkpoints_are_pruned(tmp_path: Path) -> None:
    data = registry("moons", size=200)
    cfg = resumable_config(
        checkpoint_every_steps=2, keep_checkpoints=2, checkpoint_at_epoch_end=False
    )
    train(DOC, data, cfg, checkpoint_dir=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert names == ["step-00000014", "step-00000015"]


SCRIPT = """
import sys
from pathlib import Path
from typing import Any
from layerlab.graph.document import load_document
from layerlab.train.config import parse_config
from layerlab.train.entry import train_document
from layerlab.train.run import RunOptions
from tests.train.helpers import registry

doc = load_document(Path(sys.argv[1]))
cfg = parse_config({**doc.training, "max_steps": int(sys.argv[3])})
result = train_document(doc, cfg, data=registry("moons", size=200),
                        options=RunOptions(checkpoint_dir=Path(sys.argv[2]), resume=True))
print(result.status, result.step)
"""


def test_a_kill_while_saving_leaves_the_previous_checkpoint(tmp_path: Path) -> None:
    doc = DOC.model_copy(
        update={"training": {"lr": 0.01, "epochs": 3, "checkpoint_every_steps": 4, "device": "cpu"}}
    )
    graph = tmp_path / "graph.json"
    graph.write_text(document_json(doc))
    folder = tmp_path / "checkpoints"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    # First run (in this process): checkpoints at steps 4, 5 (epoch end) and 8.
    first = fit(
        build_trainee(doc, 0),
        registry("moons", size=200),
        config(**{**doc.training, "max_steps": 8}),
        RunOptions(checkpoint_dir=folder),
    )
    assert first.status == "finished"
    before = latest_checkpoint(folder)
    assert before is not None and read_meta(before).progress.step == 8

    # A second process resumes, then dies between writing the next checkpoint's files and renaming them.
    killed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(graph), str(folder), "15"],
        env={**env, FAULT_ENV: "checkpoint_before_rename"},
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert killed.returncode == FAULT_EXIT_CODE, killed.stderr[-2000:]
    partial = list(folder.glob(".tmp-step-*"))
    assert len(partial) == 1 and (partial[0] / MODEL_FILE).is_file()  # written, never renamed
    assert latest_checkpoint(folder) == before  # the partial one is never "latest"
    trainee = build_trainee(DOC, 0)
    optimizer = build_optimizer(list(trainee.module.parameters()), resumable_config())
    assert load_checkpoint(before, trainee.module, {"model": optimizer}).progress.step == 8

    # A third run resumes from step 8, finishes, and clears the leftover.
    trainee = build_trainee(doc, 0)
    result = fit(
        trainee,
        registry("moons", size=200),
        config(**{**doc.training, "max_steps": 15}),
        RunOptions(checkpoint_dir=folder, resume=True),
    )
    assert result.status == "finished" and result.step == 15
    assert not list(folder.glob(".tmp-*"))
