"""The layers of a compiled network, named by node id, for per-layer telemetry.

`layerlab.build` names every submodule after its node id; a block instance is a nested
GraphModule (a ModuleList of them when repeated), so inner nodes read `layer1.0.conv1`.
A torch layer with parts of its own (an encoder layer's attention and feed-forward) is
one node: all its parameters count towards that node. For a multi-network document the
network name is left out, since node ids are unique across the document.

Which layers are activations, and how their outputs are read, is the op's declaration
(`Op.health_kind`, and `Op.saturated_outside` for a saturating one), found through the
node type that `compile` records for each submodule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torch import fx, nn

from layerlab.graph.compile import Networks, node_types
from layerlab.ops import REGISTRY, HealthKind


@dataclass
class Layer:
    node: str
    """Node id, dotted inside blocks: `layer1.0.conv1`."""
    module: nn.Module
    health_kind: HealthKind
    """How its outputs are read: OTHER for a layer that is not an activation."""
    parameters: list[nn.Parameter] = field(default_factory=list)
    saturated_outside: tuple[float, float] | None = None
    """Where a saturating activation's tails begin, as its op declares."""


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
    types = node_types(graph_module)
    for name, child in graph_module.named_children():
        path = f"{prefix}{name}"
        # A block instance is a GraphModule; repeated copies sit in a plain container
        # (fx makes `encoder` an nn.Module holding `encoder.0`, `encoder.1`).
        if isinstance(child, fx.GraphModule) or type(child) in (nn.Module, nn.ModuleList):
            _collect(f"{path}.", child, out)
            continue
        params = [p for p in child.parameters() if p.requires_grad]
        op = REGISTRY.get(types.get(name, ""))
        health_kind = op.health_kind if op is not None else None
        if params or health_kind is not None:
            tails = op.saturated_outside if op is not None else None
            out.append(Layer(path, child, health_kind or HealthKind.OTHER, params, tails))


def parameter_layers(layers: list[Layer]) -> list[Layer]:
    """The layers that learn, in order: gradient and weight telemetry is about these."""
    return [layer for layer in layers if layer.parameters]
