"""Tiny documents and datasets for training tests: built in code, small and fast."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from torch import nn

from layerlab.graph.document import GraphDocument, load_document
from layerlab.ops import HealthKind
from layerlab.train.config import TrainingConfig, parse_config
from layerlab.train.data import LoadContext, LoadedDataset, load_dataset
from layerlab.train.data.base import DatasetInfo, Split
from layerlab.train.events import Event
from layerlab.train.layers import Layer
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import FitResult, RunOptions

QUIET = {"scalars_every": 5, "grad_norms_every": 10, "weights_every": 20, "activations_every": 20}
"""Telemetry rates for learning tests: some of everything, little cost."""


EVERY_STEP = {
    "scalars_every": 1,
    "grad_norms_every": 1,
    "weights_every": 1,
    "activations_every": 1,
    "max_events_per_s": 10_000,
    "max_scalars_per_s": 10_000,
}
"""Telemetry that measures everything on every step, the rate caps out of the way."""


def n(node_id: str, node_type: str, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "params": params}


def chain(
    layers: list[dict[str, Any]],
    shape: list[int],
    dtype: str = "float32",
    training: dict[str, Any] | None = None,
    name: str = "test",
) -> GraphDocument:
    """Input -> layers, in order -> Output."""
    nodes = [n("x", "Input", shape=shape, dtype=dtype), *layers, n("out", "Output")]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    return load_document({"name": name, "nodes": nodes, "edges": edges, "training": training or {}})


def mlp(
    inputs: int = 2,
    hidden: tuple[int, ...] = (16, 16),
    outputs: int = 2,
    activation: str = "ReLU",
    dropout: float = 0.0,
) -> GraphDocument:
    layers = []
    for i, width in enumerate(hidden, start=1):
        layers.append(n(f"fc{i}", "Linear", out_features=width))
        layers.append(n(f"act{i}", activation))
        if dropout:
            layers.append(n(f"drop{i}", "Dropout", p=dropout))
    layers.append(n("head", "Linear", out_features=outputs))
    return chain(layers, [inputs])


def dataset(
    info: dict[str, Any],
    train: tuple[torch.Tensor, torch.Tensor],
    val: tuple[torch.Tensor, torch.Tensor],
    **extras: Any,
) -> LoadedDataset:
    x, y = train
    return LoadedDataset(
        info=DatasetInfo(
            name=info.pop("name", "tiny"),
            input_shape=list(x.shape[1:]),
            input_dtype="int64" if x.dtype == torch.int64 else "float32",
            target_shape=list(y.shape[1:]),
            train_size=len(x),
            val_size=len(val[0]),
            **info,
        ),
        train=Split(*train),
        val=Split(*val),
        extras=extras,
    )


def registry(name: str, **options: Any) -> LoadedDataset:
    """A generated dataset from the data registry (no files needed)."""
    return load_dataset(name, options, LoadContext(Path("unused")))


def config(**fields: Any) -> TrainingConfig:
    fields.setdefault("device", "cpu")
    fields.setdefault("telemetry", QUIET)
    return parse_config(fields)


def train(
    doc: GraphDocument,
    data: LoadedDataset,
    cfg: TrainingConfig,
    **options: Any,
) -> tuple[FitResult, list[Event]]:
    """Fit from `cfg.seed`; returns the result and every event."""
    events: list[Event] = []
    result = fit(build_trainee(doc, cfg.seed), data, cfg, RunOptions(sink=events.append, **options))
    return result, events


def of_type(events: list[Event], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


def first_train_loss(events: list[Event]) -> float:
    value = of_type(events, "metrics")[0].values["train/loss"]
    assert value is not None and math.isfinite(value)
    return float(value)


def image_blobs(count: int, seed: int = 0, side: int = 8) -> torch.Tensor:
    """(N, 1, side, side) images in [0, 1]: one bright bar, horizontal or vertical, at a
    random place: few degrees of freedom, so a small autoencoder can learn them."""
    g = torch.Generator().manual_seed(seed)
    place = torch.nn.functional.one_hot(torch.randint(0, side, (count,), generator=g), side)
    place = place.float()  # (N, side)
    rows = place[:, :, None].expand(count, side, side)  # a horizontal bar
    columns = place[:, None, :].expand(count, side, side)  # a vertical bar
    vertical = (torch.rand(count, generator=g) < 0.5)[:, None, None]
    return torch.where(vertical, columns, rows).unsqueeze(1)


def linear_layers(*names: str) -> list[Layer]:
    """Telemetry's view of some 2 -> 2 Linear layers, by node id (for health checks)."""
    out = []
    for name in names:
        module = nn.Linear(2, 2)
        out.append(Layer(name, module, HealthKind.OTHER, list(module.parameters())))
    return out
