"""A CPU step reuses the memory the step before it freed (host_memory.py): glibc would
otherwise hand megabyte activation buffers back to the OS and fault them in afresh."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A conv net at batch 64 whose activations are megabytes, trained in a fresh process
# (the heap as a worker's starts); page faults counted over steps 40 to 100.
SCRIPT = """
import json, resource, torch
from layerlab.train.hooks import Hooks
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions
from tests.train.helpers import chain, config, dataset, n

torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
x, y = torch.rand(6464, 1, 28, 28, generator=g), torch.arange(6464) % 10
data = dataset({"kind": "image", "target": "class", "num_classes": 10},
               (x[:6400], y[:6400]), (x[6400:], y[6400:]))
doc = chain([
    n("conv1", "Conv2d", out_channels=8, kernel_size=3, padding=1), n("act1", "ReLU"),
    n("conv2", "Conv2d", out_channels=8, kernel_size=3, padding=1), n("act2", "ReLU"),
    n("pool", "MaxPool2d", kernel_size=4), n("flat", "Flatten"),
    n("fc", "Linear", out_features=10),
], [1, 28, 28])

class Faults(Hooks):
    steps = 0
    def on_batch_end(self, state):
        self.steps += 1
        if self.steps == 40:
            self.start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        if self.steps == 100:
            self.faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - self.start

faults = Faults()
cfg = config(epochs=1, batch_size=64, device="cpu", telemetry={"enabled": False})
fit(build_trainee(doc, 0), data, cfg, RunOptions(hooks=[faults]))
print(json.dumps({"per_step": faults.faults / 60}))
"""


def faults_per_step() -> float:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    per_step: float = json.loads(done.stdout.strip().splitlines()[-1])["per_step"]
    return per_step


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the thresholds are glibc's",
)
def test_a_cpu_step_faults_in_no_fresh_pages() -> None:
    # Each step allocates and frees megabytes (64x8x28x28 activations and their
    # gradients, 1.6 MB each): with glibc's adaptive thresholds this script faulted in
    # 1,200 to 2,100 pages a step; with LayerLab's, none.
    assert faults_per_step() < 10
