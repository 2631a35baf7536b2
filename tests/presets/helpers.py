"""The presets as tests see them: every document in graphs/, its dataset loaded the way
an offline machine loads it, and small training runs whose events are kept."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import layerlab
from layerlab.graph.document import GraphDocument
from layerlab.train.config import TrainingConfig, config_of
from layerlab.train.data import LoadedDataset
from layerlab.train.data.official import OFFICIAL_FILES
from layerlab.train.data.registry import SubstitutableSource, get_source
from layerlab.train.entry import load_data, train_document
from layerlab.train.events import Event, HealthEvent, LogEvent, MetricsEvent
from layerlab.train.run import FitResult, RunOptions
from tests.conftest import GRAPHS, SHARED_DATASETS

PRESET_PATHS = sorted(GRAPHS.glob("*.json"))

NEEDS_DOWNLOAD = frozenset(OFFICIAL_FILES)
"""Datasets whose files come from the internet (MNIST, CIFAR-10, tiny Shakespeare, ...);
every other registered set is generated or bundled."""

# Tiny Shakespeare's 65 characters: the GPT preset's embedding and head are sized to them,
# so a stand-in corpus must use exactly these.
SHAKESPEARE_VOCABULARY = (
    "\n !$&',-.3:;?" + "".join(map(chr, range(65, 91))) + "".join(map(chr, range(97, 123)))
)
STAND_IN_LINES = (
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\n",
    "All:\nSpeak, speak.\n\n",
    "First Citizen:\nYou are all resolved rather to die than to famish?\n\n",
)


def preset_ids() -> list[str]:
    return [path.stem for path in PRESET_PATHS]


def load_preset(name: str) -> GraphDocument:
    return layerlab.load_graph(GRAPHS / f"{name}.json")


def substitutable(dataset: str | None) -> bool:
    return dataset is not None and isinstance(get_source(dataset), SubstitutableSource)


def stand_in_corpus(folder: Path) -> Path:
    """A small text in tiny Shakespeare's layout and with its 65-character vocabulary,
    for machines without ../shared/datasets."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(STAND_IN_LINES) * 40 + SHAKESPEARE_VOCABULARY + "\n"
    (folder / "input.txt").write_text(text)
    return folder


def offline_data(config: TrainingConfig, empty_dir: Path) -> LoadedDataset:
    """The config's dataset as a machine without internet loads it: MNIST and CIFAR-10
    are absent from `empty_dir`, so their stand-ins load (and say so); tiny Shakespeare
    comes from the shared copy, or a stand-in corpus when that is absent too."""
    if config.dataset == "tiny_shakespeare":
        folder = empty_dir / "tinyshakespeare"  # the set's own folder in the data dir
        shared = SHARED_DATASETS / "tinyshakespeare" / "input.txt"
        if shared.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shared, folder / "input.txt")
        else:
            stand_in_corpus(folder)
    return load_data(config, empty_dir, allow_substitute=True)


@dataclass
class Run:
    config: TrainingConfig
    data: LoadedDataset
    result: FitResult
    events: list[Event]

    def series(self, key: str) -> list[float]:
        """Every step's value of a scalar (train/loss, train/d_loss, ...), in order."""
        return [
            float(value)
            for e in self.events
            if isinstance(e, MetricsEvent) and (value := e.values.get(key)) is not None
        ]

    def logs(self) -> list[str]:
        return [e.message for e in self.events if isinstance(e, LogEvent)]

    def raised(self, diagnosis: str) -> list[HealthEvent]:
        return [
            e
            for e in self.events
            if isinstance(e, HealthEvent) and e.diagnosis == diagnosis and e.active
        ]


def train(doc: GraphDocument, config: TrainingConfig, data: LoadedDataset) -> Run:
    events: list[Event] = []
    result = train_document(doc, config, data=data, options=RunOptions(sink=events.append))
    assert result.status == "finished", result.message
    return Run(config, data, result, events)


def preset_config(doc: GraphDocument, **overrides: Any) -> TrainingConfig:
    return config_of(doc).with_overrides(device="cpu", **overrides)
