"""Compile an analysed document into `torch.fx.GraphModule`s.

Each network becomes one GraphModule whose submodules are named by node id, so
`state_dict` keys read `conv1.weight`; a block instance is a nested GraphModule (a
`ModuleList` of them when repeated: `layer1.0.conv1.weight`). The generated forward
is plain Python (print `module.code`), so training runs at hand-written speed.
Each GraphModule also records which node type built each of its submodules
(`node_types`), so telemetry can ask the op's declaration rather than the torch class.
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import fx, nn

from layerlab.graph.analysis import Analysis
from layerlab.graph.document import BlockDoc
from layerlab.graph.inference import BodyResult
from layerlab.graph.structure import Network
from layerlab.graph.traversal import Step, traverse
from layerlab.graph.wiring import Body


@dataclass(frozen=True)
class Signature:
    """How to call a compiled network: its forward takes `inputs` (Input node ids, in
    document order; or `batch_size` alone when noise is its only source) and returns
    the `outputs` (Output node ids): one tensor, or a tuple when there are several."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    needs_batch_size: bool


SIGNATURE = "layerlab.signature"
NODE_TYPES = "layerlab.node_types"


class Networks(nn.ModuleDict):
    """Several networks of one document (a GAN's generator and discriminator), by name."""


def class_name(text: str) -> str:
    """'LeNet-5 (MNIST)' -> 'LeNet5MNIST'; a safe Python class name."""
    words = "".join(c if c.isalnum() else " " for c in text).split()
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Network"
    return name if name[0].isalpha() else f"Net{name}"


def compile_analysis(analysis: Analysis) -> nn.Module:
    """The document's module: one GraphModule, or `Networks` when there are several."""
    assert analysis.ok and analysis.top is not None and analysis.result is not None
    if len(analysis.networks) == 1:
        return compile_network(analysis, analysis.networks[0])
    return Networks({net.name: compile_network(analysis, net) for net in analysis.networks})


def compile_network(analysis: Analysis, network: Network) -> fx.GraphModule:
    assert analysis.top is not None and analysis.result is not None
    name = analysis.document.name if len(analysis.networks) == 1 else network.name
    module = _compile_body(
        analysis,
        analysis.top,
        analysis.result,
        network.nodes,
        class_name(name),
        network.needs_batch_size,
    )
    module.meta[SIGNATURE] = Signature(
        network.name, tuple(network.inputs), tuple(network.outputs), network.needs_batch_size
    )
    return module


def signature(module: nn.Module) -> Signature:
    """How to call a network that `compile_network` built."""
    found = getattr(module, "meta", {}).get(SIGNATURE)
    if not isinstance(found, Signature):
        raise TypeError(f"{type(module).__name__} was not compiled by LayerLab")
    return found


def node_types(module: nn.Module) -> dict[str, str]:
    """Submodule name -> node type id, for the node submodules of a GraphModule that
    `compile_network` built (block instances are absent: they are GraphModules too)."""
    found = getattr(module, "meta", {}).get(NODE_TYPES, {})
    return dict(found) if isinstance(found, dict) else {}


def _compile_body(
    analysis: Analysis,
    body: Body,
    result: BodyResult,
    members: Collection[str] | None,
    name: str,
    needs_batch_size: bool,
) -> fx.GraphModule:
    builder = _GraphBuilder(analysis)
    traverse(body, result, builder, members, needs_batch_size)
    module = fx.GraphModule(builder.root, builder.graph, class_name=name)
    module.graph.lint()
    module.meta[NODE_TYPES] = builder.types
    return module


class _GraphBuilder:
    """Builds one body's fx graph and the root module that holds its submodules."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.root = nn.Module()
        self.graph = fx.Graph()
        self.types: dict[str, str] = {}

    def input(self, node_id: str) -> fx.Node:
        return self.graph.placeholder(node_id)

    def batch_size(self) -> fx.Node:
        return self.graph.placeholder("batch_size", default_value=1)

    def batch_size_of(self, first_input: fx.Node) -> fx.Node:
        return self.graph.call_method("size", (first_input, 0))

    def module(self, step: Step) -> None:
        if isinstance(step.definition, BlockDoc):
            body = self.analysis.blocks[step.definition.name]
            built = [
                _compile_body(self.analysis, body, copy, None, step.definition.name, False)
                for copy in step.result.copies
            ]
            self.root.add_module(
                step.node_id, built[0] if len(built) == 1 else nn.ModuleList(built)
            )
        else:
            node = step.result
            self.root.add_module(
                step.node_id, step.definition.module(node.op_params, node.inputs).build()
            )
            self.types[step.node_id] = step.definition.name

    def call(
        self, step: Step, copy: int | None, args: Sequence[fx.Node | None], batch: fx.Node | None
    ) -> fx.Node:
        target = step.node_id if copy is None else f"{step.node_id}.{copy}"
        kwargs: dict[str, Any] = {} if batch is None else {"batch_size": batch}
        return self.graph.call_module(target, tuple(args), kwargs)

    def item(self, call: fx.Node, index: int) -> fx.Node:
        return self.graph.call_function(operator.getitem, (call, index))

    def output(self, values: Sequence[fx.Node]) -> None:
        self.graph.output(values[0] if len(values) == 1 else tuple(values))


def example_inputs(
    analysis: Analysis, network: Network, batch: int = 2
) -> tuple[torch.Tensor | int, ...]:
    """Random inputs of the right shapes and dtypes, for tests, export and ONNX."""
    assert analysis.result is not None
    if network.needs_batch_size:
        return (batch,)
    out: list[torch.Tensor | int] = []
    for node_id in network.inputs:
        spec = analysis.result.nodes[node_id].outputs["y"]
        if spec.dtype == "int64":
            out.append(torch.zeros(batch, *spec.shape, dtype=torch.int64))
        else:
            out.append(torch.randn(batch, *spec.shape))
    return tuple(out)
