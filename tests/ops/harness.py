"""Running one node type for real, the way a compiled graph runs it.

A `Case` is a node type with parameters and input specs. From it the helpers make
random inputs (batch first), call the built module as `layerlab.graph.compile` does
(inputs positionally in port order, None for an unconnected gap, `batch_size` for a
source with nothing connected), count FLOPs with torch's own counter, and write the
one-node document that `layerlab.check` sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from layerlab.graph.wiring import is_source
from layerlab.ops import REGISTRY, Op, OpParams, TensorSpec

BATCH = 2
"""Samples per test batch: more than one, so batch statistics and masks are exercised."""

NODE_ID = "node"
"""The id of the node under test in `one_node_document`."""

NOT_BUILT = {"Input", "Output"}
"""Types whose module a compiled graph never builds: an Input is a placeholder
argument of forward and an Output is the returned value. Running their module
(nn.Identity) would prove nothing; their `infer` is tested on its own."""


@dataclass(frozen=True)
class Case:
    """One node type with parameters and connected input specs (batch excluded)."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, TensorSpec] = field(default_factory=dict)

    @property
    def op(self) -> Op[Any]:
        return REGISTRY[self.type]

    def parsed(self) -> OpParams:
        params: OpParams = self.op.parse_params(self.params)
        return params

    def build(self, device: str = "cpu") -> nn.Module:
        with torch.device(device):
            return self.op.module(self.parsed(), dict(self.inputs)).build()


def default_case(type_name: str) -> Case:
    """The declaration's own example: default parameters plus `example_params`."""
    op = REGISTRY[type_name]
    return Case(type_name, dict(op.example_params), dict(op.example))


def make_inputs(case: Case, device: str = "cpu", batch: int = BATCH) -> dict[str, torch.Tensor]:
    """Random tensors for the connected ports: floats that require grad (on real
    devices), and int64 ids valid for the node (below `num_embeddings` where it has one)."""
    ids_below = getattr(case.parsed(), "num_embeddings", 1)
    tensors = {}
    for port, spec in case.inputs.items():
        shape = (batch, *spec.shape)
        if spec.dtype == "int64":
            if device == "meta":
                tensors[port] = torch.empty(shape, dtype=torch.int64, device=device)
            else:
                tensors[port] = torch.randint(0, ids_below, shape, device=device)
        else:
            tensors[port] = torch.randn(shape, device=device, requires_grad=device != "meta")
    return tensors


def call(
    case: Case, module: nn.Module, inputs: dict[str, torch.Tensor], batch: int = BATCH
) -> dict[str, torch.Tensor]:
    """Outputs by port name, calling `module` exactly as a compiled graph does."""
    ports = [p.name for p in case.op.inputs]
    last = max((i for i, name in enumerate(ports) if name in inputs), default=-1)
    args = [inputs.get(name) for name in ports[: last + 1]]
    kwargs = {"batch_size": batch} if is_source(case.op) and not inputs else {}
    out = module(*args, **kwargs)
    values = out if isinstance(out, tuple) else (out,)
    names = [p.name for p in case.op.outputs]
    assert len(values) == len(names), f"{case.type} returned {len(values)} values for {names}"
    return dict(zip(names, values, strict=True))


def counted_flops(case: Case, module: nn.Module, inputs: dict[str, torch.Tensor]) -> int:
    """Forward FLOPs of one sample by torch's FlopCounterMode, in train mode.

    Attention runs under the math SDPA backend: on CPU torch otherwise dispatches to
    `_scaled_dot_product_flash_attention_for_cpu`, which has no FLOP formula in
    torch 2.13 (the score and weighted-sum products would count as zero), whereas the
    math backend computes them as counted `bmm`s.
    """
    module.train()
    with sdpa_kernel([SDPBackend.MATH]), FlopCounterMode(display=False) as counter:
        call(case, module, inputs)
    total = int(counter.get_total_flops())
    assert total % BATCH == 0, f"{total} FLOPs do not split evenly over {BATCH} samples"
    return total // BATCH


def one_node_document(case: Case) -> dict[str, Any]:
    """A document holding the node under test (id `node`), an Input per connected
    port (`in_<port>`) and an Output per output port (`out_<port>`)."""
    nodes: list[dict[str, Any]] = [
        {
            "id": f"in_{port}",
            "type": "Input",
            "params": {"shape": list(spec.shape), "dtype": spec.dtype},
        }
        for port, spec in case.inputs.items()
    ]
    nodes.append({"id": NODE_ID, "type": case.type, "params": case.params})
    nodes += [{"id": f"out_{p.name}", "type": "Output"} for p in case.op.outputs]
    edges = [
        {"source": f"in_{port}", "target": NODE_ID, "target_port": port} for port in case.inputs
    ]
    edges += [
        {"source": NODE_ID, "source_port": p.name, "target": f"out_{p.name}"}
        for p in case.op.outputs
    ]
    return {
        "format": "layerlab.graph",
        "version": 1,
        "name": f"one {case.type}",
        "nodes": nodes,
        "edges": edges,
    }
