"""The layers of a compiled network, named by node id, for per-layer telemetry.

`layerlab.build` names every submodule after its node id; a block instance is a nested
GraphModule (a ModuleList of them when repeated), so inner nodes read `layer1.0.conv1`.
A torch layer with parts of its own (an encoder layer's attention and feed-forward) is
one node: all its parameters count towards that node. For a multi-network document the
network name is left out, since node ids are unique across the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from torch import fx, nn

from layerlab.graph.compile import Networks


class Kind(Enum):
    """How a layer's output statistics are read."""

    RELU_LIKE = "relu_like"  # zeros mean inactive units
    SATURATING = "saturating"  # outputs near the asymptotes mean flat gradients
    OTHER = "other"


ACTIVATION_KINDS: dict[type[nn.Module], Kind] = {
    nn.ReLU: Kind.RELU_LIKE,
    nn.ReLU6: Kind.RELU_LIKE,
    nn.Sigmoid: Kind.SATURATING,
    nn.Tanh: Kind.SATURATING,
    nn.LeakyReLU: Kind.OTHER,
    nn.GELU: Kind.OTHER,
    nn.SiLU: Kind.OTHER,
    nn.Softmax: Kind.OTHER,
}


@dataclass
class Layer:
    node: str
    """Node id, dotted inside blocks: `layer1.0.conv1`."""
    module: nn.Module
    kind: Kind
    parameters: list[nn.Parameter] = field(default_factory=list)

    @property
    def is_activation(self) -> bool:
        return type(self.module) in ACTIVATION_KINDS


def node_layers(module: nn.Module) -> list[Layer]:
    """Every node module with parameters or an activation, in the order the document's
    nodes compute (registration order follows the topological order)."""
    roots: list[tuple[str, nn.Module]]
    if isinstance(module, Networks):
        roots = [("", net) for net in module.values()]
    else:
        roots = [("", module)]
    layers: list[Layer] = []
    for prefix, root in roots:
        _collect(prefix, root, layers)
    return layers


def _collect(prefix: str, graph_module: nn.Module, out: list[Layer]) -> None:
    for name, child in graph_module.named_children():
        path = f"{prefix}{name}"
        # A block instance is a GraphModule; repeated copies sit in a plain container
        # (fx makes `encoder` an nn.Module holding `encoder.0`, `encoder.1`).
        if isinstance(child, fx.GraphModule) or type(child) in (nn.Module, nn.ModuleList):
            _collect(f"{path}.", child, out)
            continue
        params = [p for p in child.parameters() if p.requires_grad]
        kind = ACTIVATION_KINDS.get(type(child), Kind.OTHER)
        if params or type(child) in ACTIVATION_KINDS:
            out.append(Layer(path, child, kind, params))


def parameter_layers(layers: list[Layer]) -> list[Layer]:
    """The layers that learn, in order: gradient and weight telemetry is about these."""
    return [layer for layer in layers if layer.parameters]
