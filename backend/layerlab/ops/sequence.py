"""Recurrent layers over (T, F) sequences, always batch first."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import ModuleCall, Op, OpParams, Port, TensorSpec, need_rank, spec


class RecurrentParams(OpParams):
    hidden_size: int = Field(
        default=32, ge=1, le=65_536, description="Size of the hidden state per direction"
    )
    num_layers: int = Field(
        default=1, ge=1, le=16, description="Recurrent layers stacked on each other"
    )
    bidirectional: bool = Field(
        default=False, description="Also read the sequence backwards; outputs concatenate"
    )
    dropout: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="Dropout between stacked layers"
    )
    bias: bool = Field(default=True, description="Learn input and hidden biases")


class RNNParams(RecurrentParams):
    nonlinearity: Literal["tanh", "relu"] = Field(
        default="tanh", description="The cell's activation"
    )


class _Recurrent(Op[RecurrentParams]):
    category = "Sequence"
    torch_class: type[nn.Module]
    gates: int
    """Weight matrices per cell: 1 (RNN), 3 (GRU), 4 (LSTM)."""
    inputs = (Port("x", "sequence (T, F)"),)
    outputs = (
        Port("y", "the top layer's output at every step (T, H * directions)"),
        Port("h", "the top layer's final hidden state (H * directions): a summary for many-to-one"),
    )
    key_params = ("hidden_size", "num_layers", "bidirectional")
    example = {"x": spec(5, 3)}

    def infer(self, p: RecurrentParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "sequence (T, F)")
        width = p.hidden_size * (2 if p.bidirectional else 1)
        return {"y": spec(x["x"].shape[0], width), "h": spec(width)}

    def module(self, p: RecurrentParams, x: dict[str, TensorSpec]) -> ModuleCall:
        kwargs = {"input_size": x["x"].shape[-1], **p.model_dump(), "batch_first": True}
        return ModuleCall(self.torch_class, kwargs)

    def flops(self, p: RecurrentParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]) -> int:
        steps, features = x["x"].shape
        directions = 2 if p.bidirectional else 1
        total = 0
        for layer in range(p.num_layers):
            width_in = features if layer == 0 else p.hidden_size * directions
            total += 2 * self.gates * p.hidden_size * (width_in + p.hidden_size)
        return total * steps * directions


class RNN(_Recurrent):
    name = "RNN"
    summary = "Elman recurrent network: h_t = tanh(W x_t + U h_(t-1)); gradients vanish over time."
    Params = RNNParams
    torch_class = tm.RNNOutputs
    gates = 1


class LSTM(_Recurrent):
    name = "LSTM"
    summary = "Long short-term memory: gated cell state that carries gradients across long spans."
    Params = RecurrentParams
    torch_class = tm.LSTMOutputs
    gates = 4


class GRU(_Recurrent):
    name = "GRU"
    summary = "Gated recurrent unit: an LSTM with fewer gates and no separate cell state."
    Params = RecurrentParams
    torch_class = tm.GRUOutputs
    gates = 3
