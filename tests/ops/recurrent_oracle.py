"""The recurrent layers recomputed step by step from single-step cells.

torch's FlopCounterMode does not see inside the fused LSTM kernel on CPU (it counts
zero), so the recurrent FLOP formula is held against this unrolled loop instead:
nn.LSTMCell / nn.GRUCell / nn.RNNCell sharing the layer's own weights, one cell call
per layer, direction and time step, each counted as two plain matmuls. The loop is
first shown to compute the same outputs as the layer, so it counts the same work.
"""

from __future__ import annotations

import torch
from torch import nn


def _cell(layer: nn.RNNBase, depth: int, reverse: bool) -> nn.RNNCellBase:
    """A single-step cell sharing the weights of one layer and direction of `layer`."""
    width_in = layer.input_size if depth == 0 else layer.hidden_size * _directions(layer)
    cell: nn.RNNCellBase
    if layer.mode == "LSTM":
        cell = nn.LSTMCell(width_in, layer.hidden_size, bias=layer.bias)
    elif layer.mode == "GRU":
        cell = nn.GRUCell(width_in, layer.hidden_size, bias=layer.bias)
    else:
        nonlinearity = "relu" if layer.mode == "RNN_RELU" else "tanh"
        cell = nn.RNNCell(width_in, layer.hidden_size, bias=layer.bias, nonlinearity=nonlinearity)
    suffix = f"_l{depth}" + ("_reverse" if reverse else "")
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if layer.bias else [])
    for name in names:
        setattr(cell, name, getattr(layer, name + suffix))
    return cell


def _directions(layer: nn.RNNBase) -> int:
    return 2 if layer.bidirectional else 1


def unrolled(layer: nn.RNNBase, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(y, h) as LayerLab's recurrent modules return them, from x (B, T, F): y is the
    top layer's output at every step (B, T, H * directions), h the top layer's final
    hidden state per direction, concatenated (B, H * directions). Needs dropout 0."""
    assert layer.batch_first and layer.dropout == 0
    batch, steps, _ = x.shape
    layer_input = x
    finals: list[torch.Tensor] = []
    for depth in range(layer.num_layers):
        sequences, finals = [], []
        for reverse in (False, True)[: _directions(layer)]:
            cell = _cell(layer, depth, reverse)
            h = x.new_zeros(batch, layer.hidden_size)  # (B, H)
            c = x.new_zeros(batch, layer.hidden_size)  # the LSTM's cell state, (B, H)
            outputs: list[torch.Tensor] = [h] * steps
            for t in reversed(range(steps)) if reverse else range(steps):
                if isinstance(cell, nn.LSTMCell):
                    h, c = cell(layer_input[:, t], (h, c))
                else:
                    h = cell(layer_input[:, t], h)
                outputs[t] = h
            sequences.append(torch.stack(outputs, dim=1))  # (B, T, H)
            finals.append(h)
        layer_input = torch.cat(sequences, dim=-1)  # (B, T, H * directions)
    return layer_input, torch.cat(finals, dim=-1)
