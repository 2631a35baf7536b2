"""from_torch beyond the zoo: what it refuses (every call, located), how it names and
groups, the torch.export fallback, and the weights file it writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import layerlab
from layerlab.graph.weights import load_weights
from layerlab.imports import ImportRefused, from_torch
from tests.imports.exactness import as_if_trained, same_gradients, same_outputs
from tests.imports.zoo import GPT, resnet18


def _line(marker: str) -> str:
    """`test_torch_fx.py:N`: where `marker` is written in this file."""
    lines = Path(__file__).read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if marker in line and "_line(" not in line)
    return f"test_torch_fx.py:{number}"


class Gated(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(6, 6)
        self.act = nn.PReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.fc(x))


class Unmappable(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = Gated()
        self.second = Gated()
        self.head = nn.Linear(6, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.second(self.first(x))
        x = torch.erf(x)  # marker: erf
        x = x.unsqueeze(1).permute(0, 2, 1)  # marker: permute
        return self.head(x.flatten(1)) * 2.0  # marker: scale


def test_every_unsupported_call_is_listed_with_its_module_and_line() -> None:
    with pytest.raises(ImportRefused) as refused:
        from_torch(Unmappable(), torch.randn(3, 6))
    found = [(u.call, u.path, u.where) for u in refused.value.unsupported]
    line = _line("return self.act(self.fc(x))")
    # Every call without a rule, downstream of another refusal or not; the calls that
    # have one (unsqueeze, flatten, head) cannot be judged downstream and are not listed.
    assert found == [
        ("nn.PReLU", "first.act", line),
        ("nn.PReLU", "second.act", line),
        ("torch.erf", "", _line("marker: erf")),
        ("Tensor.permute", "", _line("marker: permute")),
        ("operator.mul", "", _line("marker: scale")),
    ]
    assert f"nn.PReLU in first.act at {line}" in str(refused.value)


def test_a_refused_call_downstream_of_nothing_is_named_too() -> None:
    class Permutes(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.permute(0, 2, 1)  # marker: alone

    with pytest.raises(ImportRefused) as refused:
        from_torch(Permutes(), torch.randn(2, 3, 4))
    (only,) = refused.value.unsupported
    assert (only.call, only.where) == ("Tensor.permute", _line("marker: alone"))
    assert "no node type" in only.reason


def test_tied_weights_are_refused() -> None:
    model = GPT()
    model.lm_head.weight = model.wte.weight
    with pytest.raises(ImportRefused, match="lm_head.weight is shared with wte.weight"):
        from_torch(model, torch.randint(0, 48, (2, 8)))


def test_a_forward_that_reads_the_training_flag_is_refused() -> None:
    class Sampler(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if self.training:
                x = x + 0.1 * torch.randn_like(x)
            return self.fc(x)

    with pytest.raises(ImportRefused, match="self.training"):
        from_torch(Sampler(), torch.randn(2, 4))


def test_a_batch_size_written_into_a_shape_is_refused() -> None:
    class Fixed(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return F.relu(x).view(3, -1)

    with pytest.raises(ImportRefused, match="fixes the batch size"):
        from_torch(Fixed(), torch.randn(3, 2, 2))


def test_resnet_blocks_repeat_and_keep_torch_names() -> None:
    model = resnet18()
    imported = from_torch(model, torch.randn(2, 3, 32, 32))
    doc = imported.document
    nodes = {n.id: n for n in doc.nodes}
    assert {b.name for b in doc.blocks} == {"BasicBlock", "BasicBlock2"}
    assert (nodes["layer1"].type, nodes["layer1"].repeat) == ("BasicBlock", 2)
    for stage in ("layer2", "layer3", "layer4"):
        assert nodes[f"{stage}_0"].type == "BasicBlock2"  # with the projection shortcut
        assert nodes[f"{stage}_1"].type == "BasicBlock"
    plain = next(b for b in doc.blocks if b.name == "BasicBlock")
    assert plain.params == {"out_channels": 16}  # one parameter: the width, everywhere
    assert nodes["layer3_1"].params == {"out_channels": 64}
    # Repeated instances keep torch's own keys; the others say where each came from.
    assert imported.names["layer1.1.conv2.weight"] == "layer1.1.conv2.weight"
    assert imported.names["layer2_0.downsample_0.weight"] == "layer2.0.downsample.0.weight"
    assert set(imported.names.values()) == set(model.state_dict())


def test_weights_saved_load_into_the_built_document_by_name(tmp_path: Path) -> None:
    model = resnet18()
    as_if_trained(model)
    imported = from_torch(model, torch.randn(2, 3, 32, 32))
    imported.save_weights(tmp_path / "w.safetensors")
    built = layerlab.build(imported.document)
    load_weights(built, tmp_path / "w.safetensors")
    same_outputs(model, built, (torch.randn(4, 3, 32, 32),))


class Branching(nn.Module):
    """Control flow on a size: symbolic tracing cannot follow it; torch.export can."""

    def __init__(self) -> None:
        super().__init__()
        self.wide = nn.Linear(6, 8)
        self.lstm = nn.LSTM(8, 5, batch_first=True)
        self.head = nn.Linear(5, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] > 2:
            x = F.relu(self.wide(x))
        _, (h_n, _) = self.lstm(x)
        flat = h_n[-1].view(h_n.size(1), -1)
        return self.head(flat)


def test_torch_export_takes_what_fx_cannot_trace() -> None:
    model = Branching()
    as_if_trained(model)
    imported = from_torch(model, torch.randn(3, 4, 6))
    assert imported.via == "torch.export"
    assert [n.type for n in imported.document.nodes] == [
        "Input",
        "Linear",
        "ReLU",
        "LSTM",
        "Linear",
        "Output",
    ]
    inputs = (torch.randn(2, 4, 6),)
    same_outputs(model, imported.build(), inputs)
    same_gradients(model, imported, inputs)


def test_a_module_called_twice_is_refused_as_shared() -> None:
    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(self.fc(x))

    with pytest.raises(ImportRefused, match="shared"):
        from_torch(Twice(), torch.randn(2, 4))


def test_classes_without_source_are_not_taken_for_layerlab_modules() -> None:
    source = layerlab.export_python(Path(__file__).parents[2] / "graphs" / "dcgan_mnist.json")
    assert "batch_size: int = 1" in source  # the generator is fed by noise alone
    namespace: dict[str, object] = {}
    exec(compile(source, "dcgan.py", "exec"), namespace)  # noqa: S102 - our own export
    generator = namespace["Generator"]()  # type: ignore[operator]
    with pytest.raises(ImportRefused):
        # Classes made by exec have no source to compare with LayerLab's own: refused,
        # never guessed (tests/imports/test_round_trip.py imports it from a file).
        from_torch(generator, 2, name="G")
