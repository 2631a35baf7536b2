"""Oracle tests for the course's later presets (issue 20), as in test_oracles.py: the
preset document built by LayerLab against the same network written by hand, in
float64, with the same outputs, input gradients and parameter gradients to 1e-6."""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
import torch.nn.functional as F
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


# -- local attention ----------------------------------------------------------------------


def one_layer(node_type: str, length: int, params: dict[str, Any]) -> dict[str, Any]:
    """A document of one attention node over (length, 16) sequences."""
    port = {"MultiheadAttention": "query"}.get(node_type, "x")
    return {
        "format": "layerlab.graph",
        "version": 1,
        "name": f"one {node_type}",
        "nodes": [
            {"id": "tokens", "type": "Input", "params": {"shape": [length, 16]}},
            {"id": "layer", "type": node_type, "params": params},
            {"id": "out", "type": "Output"},
        ],
        "edges": [
            {"source": "tokens", "target": "layer", "target_port": port},
            {"source": "layer", "target": "out"},
        ],
    }


def allowed_pairs(length: int, causal: bool, window: int, global_tokens: int) -> torch.Tensor:
    """(L, L) True where query i may look at key j: within `window` positions, or either
    one a global token; never the future when causal. Written out pair by pair."""
    allowed = torch.zeros(length, length, dtype=torch.bool)
    for i in range(length):
        for j in range(length):
            near = abs(i - j) <= window or i < global_tokens or j < global_tokens
            allowed[i, j] = near and (j <= i or not causal)
    return allowed


class DenseMaskedAttention(nn.Module):
    """Self-attention that scores every pair and masks the ones the pattern forbids:
    the definition the sliding-window kernel must agree with."""

    def __init__(self, embed: int, heads: int, allowed: torch.Tensor) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(embed, 3 * embed)
        self.out = nn.Linear(embed, embed)
        self.register_buffer("allowed", allowed, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, embed = x.shape
        q, k, v = (
            t.view(batch, length, self.heads, -1).transpose(1, 2)  # (B, H, L, D)
            for t in self.qkv(x).chunk(3, dim=-1)
        )
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])  # (B, H, L, L)
        weights = scores.masked_fill(~self.allowed, -math.inf).softmax(dim=-1)
        mixed = (weights @ v).transpose(1, 2).reshape(batch, length, embed)
        out: torch.Tensor = self.out(mixed)
        return out


ATTENTION_RENAME = renamer((r"^layer\.in_proj_", "qkv."), (r"^layer\.out_proj\.", "out."))

PATTERNS = {
    # (length, causal, window, global_tokens): the kernel's chunks, ragged chunks, global
    # tokens with and without causality, and a window wide enough to fall back to a mask.
    "causal-window": (16, True, 3, 0),
    "window-ragged": (13, False, 2, 0),
    "window-global": (16, False, 2, 2),
    "causal-window-global-ragged": (14, True, 4, 1),
    "window-as-mask": (5, False, 2, 1),
}


@pytest.mark.parametrize("pattern", PATTERNS.values(), ids=PATTERNS.keys())
def test_windowed_attention_matches_dense_masked_attention(
    pattern: tuple[int, bool, int, int],
) -> None:
    length, causal, window, global_tokens = pattern
    params = {"num_heads": 2, "causal": causal, "window": window, "global_tokens": global_tokens}
    drawn = build_float64(one_layer("MultiheadAttention", length, params))
    perturb(drawn)
    hand = DenseMaskedAttention(16, 2, allowed_pairs(length, causal, window, global_tokens))
    inputs = (torch.randn(3, length, 16, dtype=torch.float64),)
    assert_same_computation(drawn, hand.double(), inputs, ATTENTION_RENAME, train=True)


class MaskedEncoderLayer(nn.Module):
    """torch's own encoder layer, given the pattern as an explicit additive mask."""

    def __init__(self, allowed: torch.Tensor, norm_first: bool) -> None:
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(
            16, 4, 32, dropout=0.0, batch_first=True, norm_first=norm_first
        )
        mask = torch.zeros(allowed.shape, dtype=torch.float64).masked_fill(~allowed, -math.inf)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.layer(x, src_mask=self.mask)
        return out


@pytest.mark.parametrize("norm_first", [False, True], ids=["post-norm", "pre-norm"])
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_windowed_encoder_layer_matches_torch_with_the_pattern_as_a_mask(
    norm_first: bool, train: bool
) -> None:
    length, causal, window, global_tokens = 16, True, 3, 1
    params = {
        "nhead": 4,
        "dim_feedforward": 32,
        "dropout": 0.0,
        "norm_first": norm_first,
        "causal": causal,
        "window": window,
        "global_tokens": global_tokens,
    }
    drawn = build_float64(one_layer("TransformerEncoderLayer", length, params))
    perturb(drawn)
    hand = MaskedEncoderLayer(allowed_pairs(length, causal, window, global_tokens), norm_first)
    inputs = (torch.randn(3, length, 16, dtype=torch.float64),)
    rename = renamer((r"^layer\.", "layer."))
    assert_same_computation(drawn, hand.double(), inputs, rename, train)


def test_a_position_sees_nothing_beyond_its_window_but_the_global_tokens() -> None:
    length, window = 24, 3
    params = {"num_heads": 2, "window": window, "global_tokens": 1}
    drawn = build_float64(one_layer("MultiheadAttention", length, params)).eval()
    x = torch.randn(1, length, 16, dtype=torch.float64)
    changed = x.clone()
    changed[:, 20] += 5.0  # a key far from position 10's window
    with torch.no_grad():
        before, after = drawn(x), drawn(changed)
    far = [i for i in range(1, length) if abs(i - 20) > window]
    torch.testing.assert_close(after[:, far], before[:, far])
    assert not torch.allclose(after[:, 0], before[:, 0])  # the global token sees it
    assert not torch.allclose(after[:, 19], before[:, 19])  # a neighbour sees it


# -- tiny CLIP -------------------------------------------------------------------------------


class ImageEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.fc = nn.Linear(64 * 7 * 7, 128)
        self.proj = nn.Linear(128, 64)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.fc(self.features(image).flatten(1)))  # (B, 128)
        x = self.proj(x)  # (B, 64)
        return x / x.norm(dim=1, keepdim=True)  # unit length: dot products are cosines


class TextEncoder(nn.Module):
    """Characters -> embedding (with learned positions) -> 2 pre-norm encoder layers ->
    LayerNorm -> all positions flattened -> projection -> unit length x exp(s)."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = nn.Embedding(16, 64)
        self.positions = nn.Parameter(torch.zeros(5, 64))
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                64, 4, 128, dropout=0.0, activation="gelu", norm_first=True, batch_first=True
            )
            for _ in range(2)
        )
        self.norm = nn.LayerNorm(64)
        self.proj = nn.Linear(5 * 64, 64)
        self.log_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def forward(self, name: torch.Tensor) -> torch.Tensor:
        x = self.chars(name) + self.positions  # (B, 5, 64)
        for layer in self.layers:
            x = layer(x)
        x = self.proj(self.norm(x).flatten(1))  # (B, 64)
        return x / x.norm(dim=1, keepdim=True) * self.log_scale.exp().clamp(max=100.0)


CLIP_RENAME = {
    "image_encoder": renamer(
        (r"^conv1\.", "features.0."),
        (r"^bn1\.", "features.1."),
        (r"^conv2\.", "features.4."),
        (r"^bn2\.", "features.5."),
        (r"^image_proj\.", "proj."),
    ),
    "text_encoder": renamer(
        (r"^positions\.weight$", "positions"),
        (r"^encoder\.(\d)\.layer\.", r"layers.\1."),
        (r"^final_norm\.", "norm."),
        (r"^text_proj\.", "proj."),
        (r"^temperature\.log_scale$", "log_scale"),
    ),
}


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_clip_encoders_match_hand_written(train: bool) -> None:
    drawn = build_float64(load(GRAPHS / "clip_mnist.json"))
    perturb(drawn)
    images = torch.randn(3, 1, 28, 28, dtype=torch.float64)
    names = torch.randint(0, 16, (3, 5), generator=torch.Generator().manual_seed(2))
    hands: dict[str, tuple[nn.Module, tuple[torch.Tensor, ...]]] = {
        "image_encoder": (ImageEncoder().double(), (images,)),
        "text_encoder": (TextEncoder().double(), (names,)),
    }
    for name, (hand, inputs) in hands.items():
        net = drawn.get_submodule(name)
        assert_same_computation(net, hand, inputs, CLIP_RENAME[name], train)


def test_clip_text_embeddings_have_the_learned_scale_as_their_length() -> None:
    drawn = build_float64(load(GRAPHS / "clip_mnist.json")).eval()
    with torch.no_grad():
        drawn.get_submodule("text_encoder.temperature").log_scale.fill_(math.log(30.0))
        text = drawn.get_submodule("text_encoder")(torch.randint(0, 16, (4, 5)))
        image = drawn.get_submodule("image_encoder")(torch.randn(4, 1, 28, 28, dtype=torch.float64))
    torch.testing.assert_close(text.norm(dim=1), torch.full((4,), 30.0, dtype=torch.float64))
    torch.testing.assert_close(image.norm(dim=1), torch.ones(4, dtype=torch.float64))


# -- DDPM U-Net ------------------------------------------------------------------------------


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """(B, 1) steps -> (B, dim): sin and cos of t / 10000^(i / (dim / 2)), Ho et al.'s."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10_000.0) * torch.arange(half, dtype=torch.float64) / half)
    angles = t.double() * frequencies  # (B, half)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(8, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.time = nn.Linear(64, channels)
        self.norm2 = nn.GroupNorm(8, channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(t)[:, :, None, None]  # (B, C, 1, 1) over every pixel
        return x + self.conv2(F.silu(self.norm2(h)))


class UNet(nn.Module):
    """graphs/ddpm_mnist.json written by hand: 16 channels at 28x28, 32 at 14 and 7."""

    def __init__(self) -> None:
        super().__init__()
        self.time_fc1, self.time_fc2 = nn.Linear(32, 64), nn.Linear(64, 64)
        self.stem = nn.Conv2d(1, 16, 3, padding=1)
        self.down1, self.down2, self.middle = ResBlock(16), ResBlock(32), ResBlock(32)
        self.pool1 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.pool2 = nn.Conv2d(32, 32, 3, stride=2, padding=1)
        self.up2_merge, self.up2 = nn.Conv2d(64, 32, 3, padding=1), ResBlock(32)
        self.up1_merge, self.up1 = nn.Conv2d(48, 16, 3, padding=1), ResBlock(16)
        self.out_norm, self.out_conv = nn.GroupNorm(8, 16), nn.Conv2d(16, 1, 3, padding=1)

    def forward(self, noisy: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        t = self.time_fc2(F.silu(self.time_fc1(timestep_embedding(step, 32))))  # (B, 64)
        h1 = self.down1(self.stem(noisy), t)  # (B, 16, 28, 28)
        h2 = self.down2(self.pool1(h1), t)  # (B, 32, 14, 14)
        h = self.middle(self.pool2(h2), t)  # (B, 32, 7, 7)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.up2(self.up2_merge(torch.cat([h, h2], dim=1)), t)  # (B, 32, 14, 14)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.up1(self.up1_merge(torch.cat([h, h1], dim=1)), t)  # (B, 16, 28, 28)
        out: torch.Tensor = self.out_conv(F.silu(self.out_norm(h)))
        return out


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_ddpm_unet_matches_hand_written(train: bool) -> None:
    drawn = build_float64(load(GRAPHS / "ddpm_mnist.json"))
    perturb(drawn)
    noisy = torch.randn(3, 1, 28, 28, dtype=torch.float64)
    steps = torch.tensor([[0], [17], [99]])
    assert_same_computation(drawn, UNet().double(), (noisy, steps), renamer(), train)
