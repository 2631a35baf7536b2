"""A node's parameter terms (the inspector's "weight 16×2 + bias 16 = 48"): each
parameter tensor of its module, by torch's name, multiplying out to its count."""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch

import layerlab
from layerlab.graph.check import NodeReport, check
from tests.graph.drafting import edge, node


def chain(*nodes: dict[str, Any]) -> dict[str, Any]:
    edges = [edge(a["id"], b["id"]) for a, b in zip(nodes, nodes[1:], strict=False)]
    return {"format": "layerlab.graph", "version": 1, "nodes": list(nodes), "edges": edges}


def report(doc: dict[str, Any], node_id: str) -> NodeReport:
    result = check(doc)
    assert result.ok, result.errors
    return next(n for n in result.nodes if n.id == node_id)


def terms(r: NodeReport) -> list[tuple[str, tuple[int, ...], int]]:
    return [(t.name, t.shape, t.count) for t in r.param_terms]


def test_linear_terms_are_weight_and_bias() -> None:
    doc = chain(
        node("x", "Input", shape=[2]),
        node("fc", "Linear", out_features=16),
        node("y", "Output"),
    )
    r = report(doc, "fc")
    assert terms(r) == [("weight", (16, 2), 32), ("bias", (16,), 16)]
    assert r.params == 48


def test_conv2d_terms_are_weight_and_bias() -> None:
    doc = chain(
        node("x", "Input", shape=[3, 8, 8]),
        node("conv", "Conv2d", out_channels=6, kernel_size=5, groups=3),
        node("y", "Output"),
    )
    r = report(doc, "conv")
    assert terms(r) == [("weight", (6, 1, 5, 5), 150), ("bias", (6,), 6)]
    assert r.params == 156


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (node("n", "Linear", out_features=7, bias=False), [5]),
        (node("n", "Linear", out_features=3), [4, 9]),
        (node("n", "Conv2d", out_channels=4, kernel_size=[3, 2], bias=False), [2, 6, 6]),
        (node("n", "Conv2d", out_channels=8, kernel_size=1, padding="same"), [4, 5, 5]),
    ],
    ids=["linear-no-bias", "linear-3d", "conv-no-bias", "conv-1x1"],
)
def test_terms_multiply_out_to_the_count_and_name_the_torch_parameters(
    layer: dict[str, Any], shape: list[int]
) -> None:
    doc = chain(node("x", "Input", shape=shape), layer, node("y", "Output"))
    r = report(doc, "n")
    for t in r.param_terms:
        assert t.count == math.prod(t.shape)
    assert sum(t.count for t in r.param_terms) == r.params
    # The names and shapes are the compiled module's own parameters.
    model = layerlab.build(doc)
    real = {
        name.rsplit(".", 1)[-1]: tuple(p.shape)
        for name, p in model.named_parameters()
        if name.split(".")[-2] == "n"
    }
    assert {t.name: t.shape for t in r.param_terms} == real
    assert sum(p.numel() for p in model.parameters()) == r.params


def test_a_node_without_parameters_has_no_terms() -> None:
    doc = chain(node("x", "Input", shape=[4]), node("act", "ReLU"), node("y", "Output"))
    r = report(doc, "act")
    assert r.param_terms == [] and r.params == 0


def test_terms_survive_json() -> None:
    doc = chain(
        node("x", "Input", shape=[2]),
        node("fc", "Linear", out_features=16),
        node("y", "Output"),
    )
    sent = check(doc).model_dump(mode="json")
    fc = next(n for n in sent["nodes"] if n["id"] == "fc")
    assert fc["param_terms"] == [
        {"name": "weight", "shape": [16, 2], "count": 32},
        {"name": "bias", "shape": [16], "count": 16},
    ]
    assert torch.Size(fc["param_terms"][0]["shape"]).numel() == 32
