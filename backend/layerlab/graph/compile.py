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
from dataclasses import dataclass
from typing import Any

import torch
from torch import fx, nn

from layerlab.graph.analysis import Analysis, BodyResult, Network
from layerlab.graph.document import BlockDoc
from layerlab.graph.wiring import Body, input_ports, is_source, output_ports
from layerlab.ops import Op


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
        set(network.nodes),
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
    members: set[str],
    name: str,
    needs_batch_size: bool,
) -> fx.GraphModule:
    root = nn.Module()
    graph = fx.Graph()
    values: dict[tuple[str, str], fx.Node] = {}
    types: dict[str, str] = {}
    kinds = body.kinds
    inputs = [n for n in body.nodes if n in members and _is_op(kinds[n], "Input")]
    for node_id in inputs:
        values[(node_id, "y")] = graph.placeholder(node_id)
    batch: fx.Node | None = (
        graph.placeholder("batch_size", default_value=1) if needs_batch_size else None
    )

    for node_id in body.order:
        kind = kinds[node_id]
        if node_id not in members or _is_op(kind, "Input") or _is_op(kind, "Output"):
            continue
        args = _arguments(body, node_id, values)
        node_result = result.nodes[node_id]
        if isinstance(kind, BlockDoc):
            call = _call_block(analysis, kind, node_id, node_result.copies, root, graph, args)
        else:
            module = kind.module(node_result.op_params, node_result.inputs).build()
            root.add_module(node_id, module)
            types[node_id] = kind.name
            extra: dict[str, Any] = {}
            if is_source(kind) and not body.wires_in[node_id]:
                # A noise source makes as many samples as the batch has.
                if batch is None:
                    batch = graph.call_method("size", (values[(inputs[0], "y")], 0))
                extra["batch_size"] = batch
            call = graph.call_module(node_id, tuple(args), extra)
        _bind_outputs(body, node_id, kind, call, graph, values)

    outputs = [n for n in body.nodes if n in members and _is_op(kinds[n], "Output")]
    returned = [_wired_value(body, n, "x", values) for n in outputs]
    graph.output(returned[0] if len(returned) == 1 else tuple(returned))
    module = fx.GraphModule(root, graph, class_name=name)
    module.graph.lint()
    module.meta[NODE_TYPES] = types
    return module


def _is_op(kind: Op[Any] | BlockDoc, name: str) -> bool:
    return isinstance(kind, Op) and kind.name == name


def _wired_value(
    body: Body, node_id: str, port: str, values: dict[tuple[str, str], fx.Node]
) -> fx.Node:
    wire = body.wires_in[node_id][port]
    return values[(wire.source, wire.source_port)]


def _arguments(
    body: Body, node_id: str, values: dict[tuple[str, str], fx.Node]
) -> list[fx.Node | None]:
    """Inputs in port order, up to the last connected one; None for a gap."""
    ports = [p.name for p in input_ports(body.kinds[node_id])]
    connected = body.wires_in[node_id]
    last = max((i for i, p in enumerate(ports) if p in connected), default=-1)
    return [
        _wired_value(body, node_id, p, values) if p in connected else None
        for p in ports[: last + 1]
    ]


def _bind_outputs(
    body: Body,
    node_id: str,
    kind: Op[Any] | BlockDoc,
    call: fx.Node,
    graph: fx.Graph,
    values: dict[tuple[str, str], fx.Node],
) -> None:
    ports = [p.name for p in output_ports(kind)]
    if len(ports) == 1:
        values[(node_id, ports[0])] = call
        return
    used = {w.source_port for w in body.wires_out[node_id]}
    for index, port in enumerate(ports):
        if port in used:
            values[(node_id, port)] = graph.call_function(operator.getitem, (call, index))


def _call_block(
    analysis: Analysis,
    block: BlockDoc,
    node_id: str,
    copies: list[BodyResult],
    root: nn.Module,
    graph: fx.Graph,
    args: list[fx.Node | None],
) -> fx.Node:
    """Call each repeated copy in turn: copy i's first output feeds copy i+1's first
    input; the other inputs go to every copy."""
    body = analysis.blocks[block.name]
    members = set(body.nodes)
    built = [_compile_body(analysis, body, copy, members, block.name, False) for copy in copies]
    if len(built) == 1:
        root.add_module(node_id, built[0])
        targets = [node_id]
    else:
        root.add_module(node_id, nn.ModuleList(built))
        targets = [f"{node_id}.{i}" for i in range(len(built))]
    several_outputs = len(output_ports(block)) > 1
    call: fx.Node | None = None
    for target in targets:
        call = graph.call_module(target, tuple(args))
        chained = graph.call_function(operator.getitem, (call, 0)) if several_outputs else call
        args = [chained, *args[1:]]
    assert call is not None
    return call


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
