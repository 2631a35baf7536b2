"""Resource limits, checked by estimation before anything is allocated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from layerlab.graph.errors import Code, GraphIssue

if TYPE_CHECKING:  # inference needs the document model, which needs Limits
    from layerlab.graph.inference import BodyResult

OPTIMIZER_COPIES = 4
"""Training memory per parameter, in float32 copies: weight, gradient and Adam's two moments."""


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
                    f"{node.path} has {node.params:,} parameters; the limit is {limits.max_params:,}",
                )
            )
    params = sum(n.params for n in top)
    if params > limits.max_params and not any(e.code == Code.LIMIT_EXCEEDED for e in errors):
        biggest = max(top, key=lambda n: n.params)
        errors.append(
            _exceeded(
                biggest.path,
                "params",
                f"the network has {params:,} parameters (the largest, {biggest.path}, has {biggest.params:,}); "
                f"the limit is {limits.max_params:,}",
            )
        )
    memory = training_memory(result, batch)
    if memory > limits.max_memory_bytes and top:
        biggest = max(top, key=lambda n: n.activation_bytes)
        errors.append(
            _exceeded(
                biggest.path,
                "memory",
                f"training at batch size {batch} needs about {memory / 2**30:,.1f} GiB "
                f"(the largest activation is {biggest.path}'s); the limit is {limits.max_memory_bytes / 2**30:,.1f} GiB",
            )
        )


def _exceeded(node_id: str, field: str, message: str) -> GraphIssue:
    return GraphIssue(code=Code.LIMIT_EXCEEDED, node_id=node_id, field=field, message=message)


def training_memory(result: BodyResult, batch: int) -> int:
    """Bytes to train at `batch`: parameters with gradients and Adam state, plus every
    activation kept for the backward pass. An estimate, not a measurement."""
    nodes = result.nodes.values()
    params = sum(n.params for n in nodes)
    activations = sum(n.activation_bytes for n in nodes)
    return params * 4 * OPTIMIZER_COPIES + activations * batch
