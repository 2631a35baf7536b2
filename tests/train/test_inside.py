"""Views inside a network: a CNN's feature maps, an autoencoder's latent space."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch

from layerlab.graph.document import GraphDocument, load_document
from layerlab.train.data import LoadedDataset
from layerlab.train.data.digits import digits_images
from layerlab.train.events import FeatureMapsView, LatentView, event_json
from layerlab.train.inside import LATENT_POINTS, WALK_STEPS, pca2
from layerlab.train.telemetry import MAX_EVENT_BYTES
from tests.train.helpers import config, dataset, of_type, train

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"


def preset(name: str) -> GraphDocument:
    return load_document(json.loads((GRAPHS / f"{name}.json").read_text()))


def digits28(train_size: int = 192, val_size: int = 64) -> LoadedDataset:
    """The bundled digits at MNIST's size: what the presets expect, offline."""
    x, y = digits_images(size=28)
    cut = train_size + val_size
    return dataset(
        {"name": "digits28", "kind": "image", "target": "class", "num_classes": 10},
        (x[:train_size], y[:train_size]),
        (x[train_size:cut], y[train_size:cut]),
    )


def views_of(events: list[Any], kind: str) -> list[Any]:
    return [v for e in of_type(events, "samples") for v in e.views if v.kind == kind]


def test_a_lenet_run_shows_each_conv_layers_feature_maps() -> None:
    doc = preset("lenet5_mnist")
    convs = [(node.id, node.params["out_channels"]) for node in doc.nodes if node.type == "Conv2d"]
    assert [c for c, _ in convs] == ["conv1", "conv2"]
    result, events = train(doc, digits28(), config(task="classification", epochs=2))
    assert result.status == "finished"
    views = views_of(events, "feature_maps")
    assert len(views) == 2  # one per epoch: the timeline scrubs through them
    sides = {"conv1": 28, "conv2": 10}  # 'same' padding, then a pool and a 5x5 kernel
    for view in views:
        assert isinstance(view, FeatureMapsView)
        assert [layer.node for layer in view.layers] == [c for c, _ in convs]
        assert view.image.width == view.image.height == 28
        assert view.label is not None
        for layer, (_, out_channels) in zip(view.layers, convs, strict=True):
            assert layer.shape == [out_channels, sides[layer.node], sides[layer.node]]
            assert len(layer.channels) == min(16, out_channels)
            for channel in layer.channels:
                side = sides[layer.node]
                assert (channel.width, channel.height, channel.channels) == (side, side, 1)
                pixels = base64.b64decode(channel.data)
                assert len(pixels) == side * side
    # The maps change as the network learns.
    assert views[0].layers[0].channels[0].data != views[-1].layers[0].channels[0].data
    for event in of_type(events, "samples"):
        assert len(event_json(event).encode()) <= MAX_EVENT_BYTES


def test_feature_maps_of_a_wide_network_shrink_to_fit() -> None:
    """Many wide layers: fewer channels and smaller sides, the event still fits."""
    layers: list[dict[str, Any]] = [
        {
            "id": f"conv{i}",
            "type": "Conv2d",
            "params": {"out_channels": 32, "kernel_size": 3, "padding": 1},
        }
        for i in range(1, 7)
    ]
    nodes = [
        {"id": "x", "type": "Input", "params": {"shape": [1, 28, 28]}},
        *layers,
        {"id": "flat", "type": "Flatten", "params": {}},
        {"id": "head", "type": "Linear", "params": {"out_features": 10}},
        {"id": "out", "type": "Output", "params": {}},
    ]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    doc = load_document({"name": "wide", "nodes": nodes, "edges": edges})
    _, events = train(doc, digits28(64, 16), config(task="classification", epochs=1))
    (view,) = views_of(events, "feature_maps")
    assert [layer.node for layer in view.layers] == [f"conv{i}" for i in range(1, 7)]
    assert all(len(layer.channels) < 16 or layer.channels[0].width < 28 for layer in view.layers)
    assert len(view.model_dump_json()) <= 48 * 1024


@pytest.mark.parametrize("name", ["vae_mnist", "autoencoder_mnist"])
def test_an_autoencoder_run_shows_its_latent_space(name: str) -> None:
    doc = preset(name)
    cfg = config(task=doc.training["task"], epochs=1, batch_size=32)
    data = digits28()
    result, events = train(doc, data, cfg)
    assert result.status == "finished"
    (view,) = views_of(events, "latent")
    assert isinstance(view, LatentView)
    shown = min(LATENT_POINTS, data.info.val_size)
    assert len(view.points) == shown
    assert all(x is not None and y is not None for x, y, _ in view.points)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y, _ in view.points)  # type: ignore[arg-type]
    assert [c for _, _, c in view.points] == data.val.y[:shown].tolist()
    assert view.classes == [str(i) for i in range(10)]
    xs = [x for x, _, _ in view.points]
    assert max(xs) > min(xs)  # type: ignore[type-var]
    if name == "vae_mnist":
        assert (view.node, view.dims) == ("sample", 16)  # the Reparameterize node's z
        assert view.walk is not None and len(view.walk) == WALK_STEPS
        assert view.walk_labels is not None and view.walk_labels[0] != view.walk_labels[1]
    else:
        assert (view.node, view.dims) == ("bottleneck", 32)  # the narrowest layer
        assert view.walk is None
    assert any(v.kind == "reconstructions" for v in views_of(events, "reconstructions"))


def test_pca_finds_the_widest_spread_first() -> None:
    g = torch.Generator().manual_seed(0)
    codes = torch.randn(100, 5, generator=g) * torch.tensor([5.0, 0.1, 2.0, 0.1, 0.1])
    projected, (first, second) = pca2(codes)
    assert projected.shape == (100, 2)
    assert first > second > 0 and first + second > 0.95
    assert projected[:, 0].std() > projected[:, 1].std()
    flat, shares = pca2(torch.ones(10, 3))
    assert shares == (0.0, 0.0) and float(flat.abs().max()) == 0.0
