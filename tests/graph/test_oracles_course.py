"""Oracle tests for the course's later presets (issue 20), as in test_oracles.py: the
preset document built by LayerLab against the same network written by hand, in
float64, with the same outputs, input gradients and parameter gradients to 1e-6."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from tests.graph.test_oracles import (
    ROOT,
    assert_same_computation,
    build_float64,
    load,
    renamer,
)
from tests.weights import perturb

GRAPHS = ROOT / "graphs"


# -- MobileNetV2 (CIFAR-10) --------------------------------------------------------------


class InvertedResidual(nn.Module):
    """Sandler et al. 2018's block, as torchvision writes it: expand (1x1), depthwise
    (3x3, groups = channels), linear projection (1x1); a shortcut when shapes allow."""

    def __init__(self, in_channels: int, channels: int, hidden: int, stride: int) -> None:
        super().__init__()
        self.use_shortcut = stride == 1 and in_channels == channels
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(),
            nn.Conv2d(hidden, channels, 1, bias=False),
            nn.BatchNorm2d(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.conv(x)
        return x + out if self.use_shortcut else out


class MobileNetCifar(nn.Module):
    # (in, out, hidden, stride) per block, as graphs/mobilenet_cifar10.json draws them.
    BLOCKS = (
        (16, 16, 64, 1),
        (16, 24, 64, 2),
        (24, 24, 144, 1),
        (24, 32, 144, 2),
        (32, 32, 192, 1),
        (32, 32, 192, 1),
        (32, 64, 192, 1),
        (64, 64, 384, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU6()
        )
        self.features = nn.Sequential(*(InvertedResidual(*b) for b in self.BLOCKS))
        self.head = nn.Sequential(
            nn.Conv2d(64, 256, 1, bias=False), nn.BatchNorm2d(256), nn.ReLU6()
        )
        self.fc = nn.Linear(256, 10)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.head(self.features(self.stem(image)))  # (B, 256, 8, 8)
        return self.fc(x.mean(dim=(2, 3)))  # (B, 10)


MOBILENET_RENAME = renamer(
    (r"^stem\.", "stem.0."),
    (r"^stem_bn\.", "stem.1."),
    (r"^head\.", "head.0."),
    (r"^head_bn\.", "head.1."),
    *(
        (rf"^{node}\.", f"features.{index}.")
        for index, node in enumerate(
            [
                "stage1",
                "stage2_down",
                "stage2",
                "stage3_down",
                r"stage3\.0",
                r"stage3\.1",
                "stage4_down",
                "stage4",
            ]
        )
    ),
    *(
        (rf"\.{part}\.", f".conv.{index}.")
        for part, index in {
            "expand": 0,
            "expand_bn": 1,
            "depthwise": 3,
            "depthwise_bn": 4,
            "project": 6,
            "project_bn": 7,
        }.items()
    ),
)


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_mobilenet_matches_hand_written(train: bool) -> None:
    drawn = build_float64(load(GRAPHS / "mobilenet_cifar10.json"))
    perturb(drawn)
    inputs = (torch.randn(2, 3, 32, 32, dtype=torch.float64),)
    assert_same_computation(drawn, MobileNetCifar().double(), inputs, MOBILENET_RENAME, train)


def test_mobilenet_depthwise_layers_have_one_filter_per_channel() -> None:
    drawn = build_float64(load(GRAPHS / "mobilenet_cifar10.json"))
    depthwise = drawn.get_submodule("stage3.1.depthwise")
    assert isinstance(depthwise, nn.Conv2d)
    assert depthwise.groups == depthwise.in_channels == depthwise.out_channels == 192
    assert tuple(depthwise.weight.shape) == (192, 1, 3, 3)
