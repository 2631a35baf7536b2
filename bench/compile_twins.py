"""Hand-written PyTorch twins of the compile benchmark's networks, and the generated
1,000-node document with its twin.

Written as a person would write them, with the same operations as the documents (no
in-place tricks the compiled graph does not also use). Attribute names follow the
documents' node ids, so a compiled state_dict loads as it is (or through a small key
renaming where a document wraps a layer in a block).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn


class LeNet5(nn.Module):
    """LeNet-5 with the preset's activation and pooling (Tanh and average pooling as in
    1998, or ReLU and max pooling): `lenet_twin` reads which from the document."""

    def __init__(self, activation: Callable[[torch.Tensor], torch.Tensor], pool: nn.Module):
        super().__init__()
        self.act, self.pool = activation, pool
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 1, 28, 28) -> (B, 10)
        x = self.pool(self.act(self.conv1(x)))  # (B, 6, 14, 14)
        x = self.pool(self.act(self.conv2(x)))  # (B, 16, 5, 5)
        x = self.act(self.fc1(x.flatten(1)))
        x = self.act(self.fc2(x))
        return self.fc3(x)


def lenet_twin(document: str) -> Callable[[], nn.Module]:
    """The graphs/ preset is shared and has changed its activation before; follow it."""
    types = {node["id"]: node["type"] for node in json.loads(document)["nodes"]}
    activation = {"Tanh": torch.tanh, "ReLU": F.relu}[types["act1"]]
    pool = {"AvgPool2d": nn.AvgPool2d, "MaxPool2d": nn.MaxPool2d}[types["pool1"]]
    return lambda: LeNet5(activation, pool(2))


class BasicBlock(nn.Module):
    """Two 3x3 convolutions plus a shortcut: identity, or a 1x1 projection when the
    block changes channels or size."""

    def __init__(self, channels_in: int, channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels_in, channels, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.proj: nn.Module | None = None
        if stride != 1 or channels_in != channels:
            self.proj = nn.Conv2d(channels_in, channels, 1, stride, bias=False)
            self.proj_bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.proj is None else self.proj_bn(self.proj(x))
        return F.relu(out + shortcut)


class ResNet18(nn.Module):
    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = nn.ModuleList([BasicBlock(64, 64), BasicBlock(64, 64)])
        self.layer2_down, self.layer2 = BasicBlock(64, 128, 2), BasicBlock(128, 128)
        self.layer3_down, self.layer3 = BasicBlock(128, 256, 2), BasicBlock(256, 256)
        self.layer4_down, self.layer4 = BasicBlock(256, 512, 2), BasicBlock(512, 512)
        self.fc = nn.Linear(512, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, 32, 32) -> (B, 10)
        x = F.relu(self.bn1(self.conv1(x)))
        for block in self.layer1:
            x = block(x)
        x = self.layer2(self.layer2_down(x))  # (B, 128, 16, 16)
        x = self.layer3(self.layer3_down(x))  # (B, 256, 8, 8)
        x = self.layer4(self.layer4_down(x))  # (B, 512, 4, 4)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


class SinusoidalPositions(nn.Module):
    """Adds the fixed sinusoids of "Attention is all you need" to (B, T, E)."""

    table: torch.Tensor

    def __init__(self, d_model: int, max_len: int) -> None:
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)  # (T, 1)
        rate = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(position * rate)
        table[:, 1::2] = torch.cos(position * rate)
        self.register_buffer("table", table, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.table[: x.shape[1]]


class TransformerLM(nn.Module):
    def __init__(self, vocab: int = 1000, d_model: int = 128, layers: int = 6) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = SinusoidalPositions(d_model, max_len=512)
        self.encoder = nn.ModuleList(
            nn.TransformerEncoderLayer(d_model, 4, dim_feedforward=512, batch_first=True)
            for _ in range(layers)
        )
        self.head = nn.Linear(d_model, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:  # (B, T) -> (B, T, vocab)
        x = self.pos(self.embed(tokens))
        for layer in self.encoder:
            x = layer(x)
        return self.head(x)


class ResidualUnit(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + F.relu(self.fc(self.norm(x)))


class Ladder(nn.Module):
    def __init__(self, units: int, width: int, classes: int = 10) -> None:
        super().__init__()
        self.units = nn.ModuleList(ResidualUnit(width) for _ in range(units))
        self.final_norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, width) -> (B, classes)
        for unit in self.units:
            x = unit(x)
        return self.head(self.final_norm(x))


# -- the generated document ---------------------------------------------------------------

LADDER_UNITS = 249  # 1 Input + 249 units x 4 nodes + final_norm, head, Output = 1,000 nodes
LADDER_WIDTH = 128


def ladder_document(units: int = LADDER_UNITS, width: int = LADDER_WIDTH) -> dict[str, Any]:
    """A deep pre-norm residual MLP, flat (no blocks): unit i is
    norm_i (LayerNorm) -> fc_i (Linear) -> act_i (ReLU) -> add_i (Add, skip on port b)."""
    nodes: list[dict[str, Any]] = [{"id": "x", "type": "Input", "params": {"shape": [width]}}]
    edges: list[dict[str, Any]] = []
    previous = "x"
    for i in range(units):
        nodes += [
            {"id": f"norm_{i}", "type": "LayerNorm"},
            {"id": f"fc_{i}", "type": "Linear", "params": {"out_features": width}},
            {"id": f"act_{i}", "type": "ReLU"},
            {"id": f"add_{i}", "type": "Add"},
        ]
        edges += [
            {"source": previous, "target": f"norm_{i}"},
            {"source": f"norm_{i}", "target": f"fc_{i}"},
            {"source": f"fc_{i}", "target": f"act_{i}"},
            {"source": f"act_{i}", "target": f"add_{i}", "target_port": "a"},
            {"source": previous, "target": f"add_{i}", "target_port": "b"},
        ]
        previous = f"add_{i}"
    nodes += [
        {"id": "final_norm", "type": "LayerNorm"},
        {"id": "head", "type": "Linear", "params": {"out_features": 10}},
        {"id": "y", "type": "Output"},
    ]
    edges += [
        {"source": previous, "target": "final_norm"},
        {"source": "final_norm", "target": "head"},
        {"source": "head", "target": "y"},
    ]
    return {"name": f"Residual ladder ({len(nodes):,} nodes)", "nodes": nodes, "edges": edges}
