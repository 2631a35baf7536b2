"""Resource limits, checked by estimation before anything is allocated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from layerlab.graph.errors import Code, GraphIssue
from layerlab.messages import Param

if TYPE_CHECKING:  # inference needs the document model, which needs Limits
    from layerlab.graph.inference import BodyResult

OPTIMIZER_COPIES = 4
"""Training memory per parameter, in float32 copies: weight, gradient and Adam's two moments."""
DEVICE_MEMORY_SHARE = 0.9
"""Share of a device's memory the suggested batch may fill: the rest is left to the
framework (CUDA context, allocator slack) and to what the estimate misses."""


class Limits(BaseModel):
    """What a document may ask for. Defaults suit one workstation; servers pass their own
    (for example the worker's advertised memory)."""

    model_config = ConfigDict(frozen=True)

    max_document_bytes: int = Field(default=5_000_000, description="Raw JSON size")
    max_json_depth: int = Field(default=32, description="Nesting of JSON arrays and objects")
    max_nodes: int = Field(default=5_000, description="Nodes after expanding blocks and repeats")
    max_edges: int = Field(default=20_000, description="Edges in one document, blocks included")
    max_block_depth: int = Field(default=8, description="Blocks nested inside blocks")
    max_repeat: int = Field(default=256, description="Copies of one block instance")
    max_params: int = Field(
        default=500_000_000, description="Parameters in one document (4 bytes each)"
    )
    max_memory_bytes: int = Field(
        default=32 * 2**30, description="Estimated training memory at the checked batch size"
    )


def check_resources(
    result: BodyResult, limits: Limits, errors: list[GraphIssue], batch: int
) -> None:
    """Parameters (per top-level node, then in all) and training memory within the limits."""
    top = list(result.nodes.values())
    for node in top:
        if node.params > limits.max_params:
            errors.append(
                _exceeded(
                    node.path,
                    "params",
                    "limit.node_params",
                    {"node": node.path, "params": node.params, "limit": limits.max_params},
                )
            )
    params = sum(n.params for n in top)
    if params > limits.max_params and not any(e.code == Code.LIMIT_EXCEEDED for e in errors):
        biggest = max(top, key=lambda n: n.params)
        errors.append(
            _exceeded(
                biggest.path,
                "params",
                "limit.network_params",
                {
                    "params": params,
                    "node": biggest.path,
                    "largest": biggest.params,
                    "limit": limits.max_params,
                },
            )
        )
    memory = training_memory(result, batch)
    if memory > limits.max_memory_bytes and top:
        biggest = max(top, key=lambda n: n.activation_bytes)
        errors.append(
            _exceeded(
                biggest.path,
                "memory",
                "limit.memory",
                {
                    "batch": batch,
                    "gib": memory / 2**30,
                    "node": biggest.path,
                    "limit_gib": limits.max_memory_bytes / 2**30,
                },
            )
        )


def _exceeded(node_id: str, field: str, key: str, params: dict[str, Param]) -> GraphIssue:
    return GraphIssue(
        code=Code.LIMIT_EXCEEDED, node_id=node_id, field=field, key=key, params=params
    )


def training_memory(result: BodyResult, batch: int) -> int:
    """Bytes to train at `batch`: parameters with gradients and Adam state, plus every
    activation kept for the backward pass. An estimate, not a measurement."""
    fixed, per_sample = memory_terms(result)
    return fixed + per_sample * batch


def memory_terms(result: BodyResult) -> tuple[int, int]:
    """Training memory as (bytes whatever the batch, bytes per sample of the batch)."""
    nodes = result.nodes.values()
    params = sum(n.params for n in nodes)
    activations = sum(n.activation_bytes for n in nodes)
    return params * 4 * OPTIMIZER_COPIES, activations


class DeviceMemory(BaseModel):
    """The memory of the device a run would train on (a connected worker's)."""

    name: str = Field(description="NVIDIA H200, CPU")
    type: str = Field(description="The torch device type: cuda, mps, cpu")
    memory_bytes: int = Field(ge=0)


def memory_budget(device: DeviceMemory, limits: Limits) -> int:
    """Bytes the suggested batch may take: DEVICE_MEMORY_SHARE of the device's memory,
    and never more than the limit the check itself holds documents to."""
    return min(int(device.memory_bytes * DEVICE_MEMORY_SHARE), limits.max_memory_bytes)


def largest_batch(fixed: int, per_sample: int, budget: int) -> int | None:
    """The largest batch b with fixed + per_sample * b <= budget: 0 when not even one
    sample fits, None when the batch costs no memory (any batch fits)."""
    if per_sample <= 0:
        return None if fixed <= budget else 0
    return max(0, (budget - fixed) // per_sample)
