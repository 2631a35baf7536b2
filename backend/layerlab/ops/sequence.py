"""Recurrent layers over (T, F) sequences, always batch first."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import LearnCard, ModuleCall, Op, OpParams, Port, TensorSpec, need_rank, spec
from layerlab.text import Text


class RecurrentParams(OpParams):
    hidden_size: int = Field(
        default=32,
        ge=1,
        le=65_536,
        description="Size of the hidden state per direction",
        json_schema_extra={"description_zh": "每个方向的隐藏状态大小"},
    )
    num_layers: int = Field(
        default=1,
        ge=1,
        le=16,
        description="Recurrent layers stacked on each other",
        json_schema_extra={"description_zh": "堆叠的循环层数"},
    )
    bidirectional: bool = Field(
        default=False,
        description="Also read the sequence backwards; outputs concatenate",
        json_schema_extra={"description_zh": "同时反向读取序列；两个方向的输出拼接在一起"},
    )
    dropout: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="Dropout between stacked layers",
        json_schema_extra={"description_zh": "堆叠的各层之间使用的 Dropout 概率"},
    )
    bias: bool = Field(
        default=True,
        description="Learn input and hidden biases",
        json_schema_extra={"description_zh": "学习输入和隐藏状态的偏置"},
    )


class RNNParams(RecurrentParams):
    nonlinearity: Literal["tanh", "relu"] = Field(
        default="tanh",
        description="The cell's activation",
        json_schema_extra={"description_zh": "循环单元的激活函数"},
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
        need_rank(x["x"], (2,), "(T, F)", sequence=True)
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
    summary_zh = "Elman 循环神经网络：h_t = tanh(W x_t + U h_(t-1))；梯度会随时间步消失。"
    Params = RNNParams
    torch_class = tm.RNNOutputs
    gates = 1
    learn = LearnCard(
        formula="h_t = tanh(W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh) (or relu)",
        shape=Text(
            en="(T, F) → y (T, hidden_size × directions), h (hidden_size × directions)",
            zh_cn="(T, F) → y (T, hidden_size × 方向数)，h (hidden_size × 方向数)",
        ),
        params=Text(
            en="per layer and direction: hidden_size × (input_size + hidden_size) + 2 × hidden_size (biases); input_size is F in the first layer, hidden_size × directions above",
            zh_cn="每层每个方向：hidden_size × (input_size + hidden_size) + 2 × hidden_size（偏置）；第一层 input_size = F，之上各层为 hidden_size × 方向数",
        ),
        when=Text(
            en="Short sequences and learning how recurrence works: the simplest recurrent neural network, a hidden state passed from step to step.",
            zh_cn="短序列，以及理解循环机制：最简单的循环神经网络，隐藏状态逐个时间步向后传递。",
        ),
        mistakes=Text(
            en="Long sequences: gradients vanish or explode through time, so it forgets distant steps (use an LSTM or GRU, clip gradients); and input as (F, T) instead of (T, F).",
            zh_cn="处理长序列：梯度沿时间步消失或爆炸，远处的信息会被遗忘（改用 LSTM 或 GRU，并做梯度裁剪）；以及输入写成了 (F, T) 而不是 (T, F)。",
        ),
    )


class LSTM(_Recurrent):
    name = "LSTM"
    summary = "Long short-term memory: gated cell state that carries gradients across long spans."
    summary_zh = "长短期记忆网络：带门控的细胞状态能把梯度传过很长的时间跨度。"
    Params = RecurrentParams
    torch_class = tm.LSTMOutputs
    gates = 4
    learn = LearnCard(
        formula="c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t, h_t = o_t ⊙ tanh(c_t); gates i, f, g, o from x_t and h_(t−1)",
        shape=Text(
            en="(T, F) → y (T, hidden_size × directions), h (hidden_size × directions)",
            zh_cn="(T, F) → y (T, hidden_size × 方向数)，h (hidden_size × 方向数)",
        ),
        params=Text(
            en="per layer and direction: 4 × [hidden_size × (input_size + hidden_size) + 2 × hidden_size]; input_size is F in the first layer, hidden_size × directions above",
            zh_cn="每层每个方向：4 × [hidden_size × (input_size + hidden_size) + 2 × hidden_size]；第一层 input_size = F，之上各层为 hidden_size × 方向数",
        ),
        when=Text(
            en="Sequences with long-range dependencies (text, time series): the gated cell state carries gradients across many steps.",
            zh_cn="具有长程依赖的序列（文本、时间序列）：带门控的细胞状态能让梯度跨越很多个时间步。",
        ),
        mistakes=Text(
            en="Classifying from y when one summary is needed (use h, or Select the last step), and a hidden_size too large for little data (overfitting).",
            zh_cn="只需要一个整体表示时却用 y 去分类（应该用 h，或用 Select 取最后一步）；数据少时 hidden_size 过大，导致过拟合。",
        ),
    )


class GRU(_Recurrent):
    name = "GRU"
    summary = "Gated recurrent unit: an LSTM with fewer gates and no separate cell state."
    summary_zh = "门控循环单元：门更少、没有单独细胞状态的 LSTM。"
    Params = RecurrentParams
    torch_class = tm.GRUOutputs
    gates = 3
    learn = LearnCard(
        formula="h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1); update gate z, reset gate r, candidate n",
        shape=Text(
            en="(T, F) → y (T, hidden_size × directions), h (hidden_size × directions)",
            zh_cn="(T, F) → y (T, hidden_size × 方向数)，h (hidden_size × 方向数)",
        ),
        params=Text(
            en="per layer and direction: 3 × [hidden_size × (input_size + hidden_size) + 2 × hidden_size]; input_size is F in the first layer, hidden_size × directions above",
            zh_cn="每层每个方向：3 × [hidden_size × (input_size + hidden_size) + 2 × hidden_size]；第一层 input_size = F，之上各层为 hidden_size × 方向数",
        ),
        when=Text(
            en="Long sequences like an LSTM, with a quarter fewer parameters and often similar accuracy.",
            zh_cn="和 LSTM 一样适合长序列，参数少四分之一，效果往往相近。",
        ),
        mistakes=Text(
            en="Looking for a separate cell state (it has only h), and the layout error of every recurrent layer: the input must be (T, F).",
            zh_cn="以为它像 LSTM 一样有单独的细胞状态（它只有 h）；以及所有循环层都常见的布局错误：输入必须是 (T, F)。",
        ),
    )
