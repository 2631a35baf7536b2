"""Train one preset the way a person would (its own training section, through the
engine's `train_document`), keeping what a benchmark row measures afterwards: the
events, the trained networks, and the wall and CPU seconds it took."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

import layerlab
from layerlab.graph.document import GraphDocument
from layerlab.train.config import TrainingConfig, config_of
from layerlab.train.data import LoadedDataset
from layerlab.train.entry import train_document
from layerlab.train.events import Event, HealthEvent
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.model import Trainee
from layerlab.train.run import FitResult, RunOptions
from presets_data import DataPlaces, Prepared, describe

GRAPHS = Path(__file__).resolve().parents[1] / "graphs"

QUICK = {"max_steps": 2, "batch_size": 8, "sample_length": 8}
"""--quick: two small steps per row, only to prove the code paths still run."""
QUICK_SAMPLES = (64, 32)
"""--quick: training and validation samples kept."""


class KeepTrainee(Hooks):
    """The loop builds the networks; a row needs them after training to measure them."""

    trainee: Trainee | None = None

    def on_start(self, state: LoopState) -> None:
        self.trainee = state.trainee


@dataclass
class Trained:
    preset: str
    doc: GraphDocument
    config: TrainingConfig
    prepared: Prepared
    result: FitResult
    events: list[Event]
    trainee: Trainee
    wall_s: float
    cpu_s: float

    @property
    def data(self) -> LoadedDataset:
        return self.prepared.data

    def metric(self, key: str) -> float:
        value = self.result.metrics.get(key)
        if value is None:
            raise RuntimeError(f"{self.preset}: no finite {key} (status {self.result.status})")
        return value

    def diagnoses(self, name: str) -> list[HealthEvent]:
        """Health events that raised `name` (not the ones saying it cleared)."""
        return [
            e
            for e in self.events
            if isinstance(e, HealthEvent) and e.diagnosis == name and e.active
        ]


def train_preset(
    preset: str, places: DataPlaces, overrides: dict[str, Any], quick: bool
) -> Trained:
    """Train graphs/<preset>.json with its training section and `overrides`, on the CPU.
    Raises DataAbsent before training when the row's real data set is missing."""
    doc = layerlab.load_graph(GRAPHS / f"{preset}.json")
    config = config_of(doc).with_overrides(device="cpu", **overrides)
    if quick:
        config = config.with_overrides(
            **{**QUICK, "batch_size": min(config.batch_size, QUICK["batch_size"])}
        )
    prepared = places.prepare(config)
    data = prepared.data.head(*QUICK_SAMPLES) if quick else prepared.data
    prepared = Prepared(prepared.config, data, describe(data))
    events: list[Event] = []
    keeper = KeepTrainee()
    wall, cpu = time.perf_counter(), time.process_time()
    result = train_document(
        doc,
        prepared.config,
        data=data,
        options=RunOptions(run_id=preset, sink=events.append, hooks=[keeper]),
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if result.status != "finished" or keeper.trainee is None:
        raise RuntimeError(f"{preset}: the run ended {result.status}: {result.message}")
    keeper.trainee.train(False)  # every measurement after training is in eval mode
    torch.manual_seed(0)  # and draws its noise from a fixed seed
    return Trained(
        preset, doc, prepared.config, prepared, result, events, keeper.trainee, wall, cpu
    )
