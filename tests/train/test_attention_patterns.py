"""The attention maps a run shows follow each layer's pattern: a sliding window's map is
a band along the diagonal (plus the global tokens' rows and columns), not the full
matrix the layer no longer computes."""

from __future__ import annotations

from typing import Any

import pytest
import torch

import layerlab
from layerlab.train.attention import attention_views
from layerlab.train.layers import node_layers

LENGTH, WINDOW = 20, 3


def windowed_document(node_type: str, global_tokens: int) -> dict[str, Any]:
    pattern = {"causal": True, "window": WINDOW, "global_tokens": global_tokens}
    params = (
        {"num_heads": 2, **pattern}
        if node_type == "MultiheadAttention"
        else {"nhead": 2, "dim_feedforward": 16, **pattern}
    )
    return {
        "format": "layerlab.graph",
        "version": 1,
        "name": "windowed",
        "nodes": [
            {"id": "tokens", "type": "Input", "params": {"shape": [LENGTH, 8]}},
            {"id": "layer", "type": node_type, "params": params},
            {"id": "out", "type": "Output"},
        ],
        "edges": [
            {"source": "tokens", "target": "layer", "target_port": "query"}
            if node_type == "MultiheadAttention"
            else {"source": "tokens", "target": "layer"},
            {"source": "layer", "target": "out"},
        ],
    }


@pytest.mark.parametrize("node_type", ["MultiheadAttention", "TransformerEncoderLayer"])
@pytest.mark.parametrize("global_tokens", [0, 2])
def test_attention_map_of_a_window_is_a_band(node_type: str, global_tokens: int) -> None:
    torch.manual_seed(0)
    model = layerlab.build(windowed_document(node_type, global_tokens)).eval()
    x = torch.randn(1, LENGTH, 8)
    with torch.no_grad():
        (view,) = attention_views(node_layers(model), lambda: model(x))
    weights = torch.tensor(view.weights)  # (queries, keys), rows sum to 1
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(LENGTH), atol=2e-3, rtol=0)
    query = torch.arange(LENGTH).unsqueeze(1)
    key = torch.arange(LENGTH).unsqueeze(0)
    seen = (query - key <= WINDOW) & (key <= query)
    seen |= ((query < global_tokens) | (key < global_tokens)) & (key <= query)
    assert torch.all(weights[~seen] == 0)
    assert torch.all(weights[seen] > 0)
