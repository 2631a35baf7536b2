"""Oracle tests: documents drawn in LayerLab against the same networks written by hand.

Each case builds a document with `layerlab.build`, copies its weights (renamed where
the hand-written module names things differently) into a hand-written `nn.Module`,
and requires the same outputs, the same gradients with respect to the float inputs
and the same gradient for every parameter, to 1e-6. Both sides run in float64 so
that only a real difference in the computation, not rounding, can fail a test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

import layerlab
from tests.weights import perturb

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = Path(__file__).parent / "documents"
# The original LeNet-5 (tanh, average pooling) as a fixture of its own; the preset in
# graphs/ may modernise its activations, but keeps the 61,706 parameters.
LENET = DOCUMENTS / "lenet5.json"
PRESET_LENET = ROOT / "graphs" / "lenet5_mnist.json"
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}

Rename = Callable[[str], str]


def load(path: Path, **changes: Any) -> dict[str, Any]:
    """A document as a dict; `changes` maps node id -> params to merge into that node."""
    doc: dict[str, Any] = json.loads(path.read_text())
    for node in doc["nodes"]:
        node["params"] = {**node.get("params", {}), **changes.get(node["id"], {})}
    return doc


def build_float64(doc: dict[str, Any]) -> nn.Module:
    torch.manual_seed(0)
    return layerlab.build(doc).double()


def renamer(*pairs: tuple[str, str]) -> Rename:
    """Rename state_dict keys by regular expression, in order: the documented map from a
    document's node ids to the hand-written module's attribute names."""

    def rename(key: str) -> str:
        for pattern, replacement in pairs:
            key = re.sub(pattern, replacement, key)
        return key

    return rename


def transfer(drawn: nn.Module, hand: nn.Module, rename: Rename) -> dict[str, str]:
    """Copy the drawn model's state into the hand-written one; strict, so every tensor of
    the hand-written model must receive one of the right shape. Returns drawn -> hand."""
    state = drawn.state_dict()
    mapping = {key: rename(key) for key in state}
    assert len(set(mapping.values())) == len(mapping), "the rename merges keys"
    hand.load_state_dict({mapping[key]: value for key, value in state.items()}, strict=True)
    return mapping


def as_tuple(value: torch.Tensor | tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    return value if isinstance(value, tuple) else (value,)


def assert_same_computation(
    drawn: nn.Module,
    hand: nn.Module,
    inputs: tuple[torch.Tensor, ...],
    rename: Rename,
    train: bool,
) -> None:
    """Same outputs, input gradients, parameter gradients (and, in train mode, the same
    running statistics afterwards) for the drawn and the hand-written model."""
    mapping = transfer(drawn, hand, rename)
    drawn.train(train)
    hand.train(train)

    def run(model: nn.Module) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
        xs = tuple(
            x.clone().requires_grad_(x.is_floating_point()) for x in inputs
        )  # fresh leaves per side
        outs = as_tuple(model(*xs))
        # A fixed random weighting of every output, so each element's gradient matters.
        gen = torch.Generator().manual_seed(7)
        loss = sum(
            (out * torch.randn(out.shape, generator=gen, dtype=out.dtype)).sum() for out in outs
        )
        assert isinstance(loss, torch.Tensor)
        loss.backward()
        return outs, xs

    drawn_outs, drawn_xs = run(drawn)
    hand_outs, hand_xs = run(hand)

    assert len(drawn_outs) == len(hand_outs)
    for got, want in zip(drawn_outs, hand_outs, strict=True):
        assert got.dtype == torch.float64
        torch.testing.assert_close(got, want, **TOLERANCE)
    for got_x, want_x in zip(drawn_xs, hand_xs, strict=True):
        if got_x.is_floating_point():
            assert got_x.grad is not None and want_x.grad is not None
            torch.testing.assert_close(got_x.grad, want_x.grad, **TOLERANCE)

    hand_params = dict(hand.named_parameters())
    drawn_params = dict(drawn.named_parameters())
    assert {mapping[name] for name in drawn_params} == set(hand_params)
    for name, param in drawn_params.items():
        twin = hand_params[mapping[name]]
        assert param.grad is not None, f"no gradient for {name}"
        assert twin.grad is not None, f"no gradient for {mapping[name]}"
        torch.testing.assert_close(param.grad, twin.grad, **TOLERANCE, msg=name)

    hand_state = hand.state_dict()
    for name, value in drawn.state_dict().items():
        torch.testing.assert_close(value, hand_state[mapping[name]], **TOLERANCE, msg=name)


# -- LeNet-5 ---------------------------------------------------------------------------


class LeNet5(nn.Module):
    """LeCun et al. 1998 as the preset draws it: tanh activations, average pooling."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = nn.functional.avg_pool2d(torch.tanh(self.conv1(image)), 2)  # (B, 6, 14, 14)
        x = nn.functional.avg_pool2d(torch.tanh(self.conv2(x)), 2)  # (B, 16, 5, 5)
        x = torch.tanh(self.fc1(x.flatten(1)))  # (B, 120)
        x = torch.tanh(self.fc2(x))  # (B, 84)
        return self.fc3(x)  # (B, 10)


@pytest.mark.parametrize("path", [LENET, PRESET_LENET], ids=["fixture", "preset"])
def test_lenet_has_61706_parameters(path: Path) -> None:
    hand = sum(p.numel() for p in LeNet5().parameters())
    drawn = sum(p.numel() for p in layerlab.build(path).parameters())
    assert hand == drawn == 61_706
    assert layerlab.check(path).totals.params == 61_706


def test_lenet_matches_hand_written() -> None:
    drawn = build_float64(load(LENET))
    perturb(drawn)
    inputs = (torch.randn(3, 1, 28, 28, dtype=torch.float64),)
    assert_same_computation(drawn, LeNet5().double(), inputs, renamer(), train=True)


# -- ResNet basic block with a projection shortcut -------------------------------------


class BasicBlock(nn.Module):
    """He et al. 2016's basic block with a projection (1x1 conv + BN) shortcut."""

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.shortcut = nn.Sequential(
            nn.Conv2d(in_channels, channels, 1, stride=stride, bias=False),
            nn.BatchNorm2d(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + self.shortcut(x))


class ResNetStage(nn.Module):
    """The fixture: stem, one strided block (4 -> 6 channels), two blocks of stride 1."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.layer1 = BasicBlock(4, 6, stride=2)
        self.layer2 = nn.Sequential(BasicBlock(6, 6, stride=1), BasicBlock(6, 6, stride=1))
        self.fc = nn.Linear(6, 5)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.layer2(self.layer1(self.stem(image)))  # (B, 6, 8, 8)
        return self.fc(x.mean(dim=(2, 3)))  # (B, 5)


# The block draws its shortcut as two nodes; the hand-written block nests them.
RESNET_RENAME = renamer((r"\.shortcut\.", ".shortcut.0."), (r"\.shortcut_bn\.", ".shortcut.1."))


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_resnet_block_matches_hand_written(train: bool) -> None:
    drawn = build_float64(load(DOCUMENTS / "resnet_stage.json"))
    # The repeated instance compiles to two copies with weights of their own.
    first, second = drawn.get_submodule("layer2.0"), drawn.get_submodule("layer2.1")
    assert first is not second
    perturb(drawn)
    inputs = (torch.randn(4, 3, 16, 16, dtype=torch.float64),)
    assert_same_computation(drawn, ResNetStage().double(), inputs, RESNET_RENAME, train)


def test_block_parameters_are_substituted_per_instance() -> None:
    """$channels and $stride take each instance's value, or the block's default."""
    drawn = layerlab.build(DOCUMENTS / "resnet_stage.json")
    strided = drawn.get_submodule("layer1.conv1")
    plain = drawn.get_submodule("layer2.1.conv1")
    assert isinstance(strided, nn.Conv2d) and isinstance(plain, nn.Conv2d)
    assert (strided.in_channels, strided.out_channels, strided.stride) == (4, 6, (2, 2))
    assert (plain.in_channels, plain.out_channels, plain.stride) == (6, 6, (1, 1))


# -- Transformer encoder layer ---------------------------------------------------------


class EncoderOnly(nn.Module):
    def __init__(self, causal: bool, **kwargs: Any) -> None:
        super().__init__()
        self.causal = causal
        self.layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True, **kwargs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        length = x.shape[1]
        mask = (
            nn.Transformer.generate_square_subsequent_mask(length, dtype=x.dtype)
            if self.causal
            else None
        )  # (T, T): -inf above the diagonal
        out: torch.Tensor = self.layer(x, src_mask=mask)
        return out


@pytest.mark.parametrize(
    "options",
    [{}, {"norm_first": True, "activation": "gelu"}, {"causal": True}],
    ids=["post-norm", "pre-norm-gelu", "causal"],
)
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_transformer_encoder_layer_matches_hand_written(
    options: dict[str, Any], train: bool
) -> None:
    drawn = build_float64(load(DOCUMENTS / "transformer_encoder.json", encoder=options))
    perturb(drawn)
    hand_options = {k: v for k, v in options.items() if k != "causal"}
    hand = EncoderOnly(causal=options.get("causal", False), **hand_options).double()
    inputs = (torch.randn(3, 6, 16, dtype=torch.float64),)
    assert_same_computation(drawn, hand, inputs, renamer((r"^encoder\.", "layer.")), train)


# -- LSTM classifier -------------------------------------------------------------------


class LSTMClassifier(nn.Module):
    def __init__(self, layers: int, bidirectional: bool) -> None:
        super().__init__()
        self.embedding = nn.Embedding(50, 12)
        self.lstm = nn.LSTM(
            12, 16, num_layers=layers, bidirectional=bidirectional, batch_first=True
        )
        self.classifier = nn.Linear(16 * (2 if bidirectional else 1), 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        _, (h_n, _) = self.lstm(self.embedding(tokens))  # h_n: (layers * directions, B, 16)
        # The top layer's last state; forward and backward directions side by side.
        last = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.lstm.bidirectional else h_n[-1]
        out: torch.Tensor = self.classifier(last)
        return out


@pytest.mark.parametrize(
    ("layers", "bidirectional"), [(1, False), (2, True)], ids=["one-layer", "two-layer-bi"]
)
def test_lstm_classifier_matches_hand_written(layers: int, bidirectional: bool) -> None:
    options = {"num_layers": layers, "bidirectional": bidirectional}
    drawn = build_float64(load(DOCUMENTS / "lstm_classifier.json", lstm=options))
    perturb(drawn)
    hand = LSTMClassifier(layers, bidirectional).double()
    tokens = torch.randint(0, 50, (4, 7), generator=torch.Generator().manual_seed(3))
    rename = renamer((r"^embed\.", "embedding."), (r"^head\.", "classifier."))
    assert_same_computation(drawn, hand, (tokens,), rename, train=True)


# -- DCGAN generator -------------------------------------------------------------------


class DCGANGenerator(nn.Module):
    """Radford et al. 2015, narrowed: (B, 100) latent -> (B, 1, 32, 32) image."""

    def __init__(self) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(100, 32, 4, 1, 0, bias=False),  # (B, 32, 4, 4)
            nn.BatchNorm2d(32),
            nn.ReLU(True),
            nn.ConvTranspose2d(32, 16, 4, 2, 1, bias=False),  # (B, 16, 8, 8)
            nn.BatchNorm2d(16),
            nn.ReLU(True),
            nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False),  # (B, 8, 16, 16)
            nn.BatchNorm2d(8),
            nn.ReLU(True),
            nn.ConvTranspose2d(8, 1, 4, 2, 1, bias=False),  # (B, 1, 32, 32)
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.main(z.view(z.shape[0], 100, 1, 1))
        return out


DCGAN_RENAME = renamer(
    *(
        (rf"^{node}\.", f"main.{index}.")
        for node, index in {
            "up1": 0,
            "bn1": 1,
            "up2": 3,
            "bn2": 4,
            "up3": 6,
            "bn3": 7,
            "up4": 9,
        }.items()
    )
)


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_dcgan_generator_matches_hand_written(train: bool) -> None:
    drawn = build_float64(load(DOCUMENTS / "dcgan_generator.json"))
    perturb(drawn)
    z = torch.randn(4, 100, dtype=torch.float64)
    with torch.no_grad():
        assert drawn.eval()(z).shape == (4, 1, 32, 32)
    assert_same_computation(drawn, DCGANGenerator().double(), (z,), DCGAN_RENAME, train)
