"""The layers telemetry watches: every node with parameters, and every activation, read
as its op declares (`Op.health_kind`), inside repeated blocks too."""

from __future__ import annotations

from layerlab.graph.document import load_document
from layerlab.ops import REGISTRY, HealthKind
from layerlab.train.layers import parameter_layers
from layerlab.train.model import build_trainee
from tests.train.helpers import chain, n


def test_activations_are_read_as_their_op_declares() -> None:
    doc = chain(
        [
            n("fc1", "Linear", out_features=8),
            n("relu", "ReLU"),
            n("fc2", "Linear", out_features=8),
            n("sig", "Sigmoid"),
            n("tanh", "Tanh"),
            n("leaky", "LeakyReLU"),
            n("drop", "Dropout", p=0.0),  # neither parameters nor an activation: not watched
            n("head", "Linear", out_features=2),
        ],
        [4],
    )
    layers = build_trainee(doc, seed=0).layers
    assert [(layer.node, layer.health_kind) for layer in layers] == [
        ("fc1", HealthKind.OTHER),
        ("relu", HealthKind.RELU_LIKE),
        ("fc2", HealthKind.OTHER),
        ("sig", HealthKind.SATURATING),
        ("tanh", HealthKind.SATURATING),
        ("leaky", HealthKind.OTHER),
        ("head", HealthKind.OTHER),
    ]
    assert [layer.node for layer in parameter_layers(layers)] == ["fc1", "fc2", "head"]
    assert REGISTRY["ReLU"].health_kind is HealthKind.RELU_LIKE


def test_layers_inside_repeated_blocks_are_found_by_their_node_type() -> None:
    block = {
        "name": "Unit",
        "nodes": [
            {"id": "x", "type": "Input"},
            {"id": "fc", "type": "Linear", "params": {"out_features": 4}},
            {"id": "act", "type": "Tanh"},
            {"id": "y", "type": "Output"},
        ],
        "edges": [
            {"source": "x", "target": "fc"},
            {"source": "fc", "target": "act"},
            {"source": "act", "target": "y"},
        ],
    }
    doc = load_document(
        {
            "name": "blocks",
            "blocks": [block],
            "nodes": [
                n("x", "Input", shape=[4]),
                {"id": "body", "type": "Unit", "repeat": 2},
                n("out", "Output"),
            ],
            "edges": [{"source": "x", "target": "body"}, {"source": "body", "target": "out"}],
        }
    )
    layers = build_trainee(doc, seed=0).layers
    assert [(layer.node, layer.health_kind) for layer in layers] == [
        ("body.0.fc", HealthKind.OTHER),
        ("body.0.act", HealthKind.SATURATING),
        ("body.1.fc", HealthKind.OTHER),
        ("body.1.act", HealthKind.SATURATING),
    ]
