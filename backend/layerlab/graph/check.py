"""`check`: everything the editor shows while a person draws, as one typed report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from layerlab.graph.analysis import Analysis, analyze, batch_size_of
from layerlab.graph.document import GraphDocument, load_document
from layerlab.graph.errors import GraphError, GraphIssue
from layerlab.graph.inference import NodeResult, every_node
from layerlab.graph.limits import (
    DEVICE_MEMORY_SHARE,
    DeviceMemory,
    Limits,
    largest_batch,
    memory_budget,
    memory_terms,
    training_memory,
)
from layerlab.ops import ParamTerm, TensorSpec


class NodeReport(BaseModel):
    id: str = Field(description="Node id; inside blocks, the dotted path (layer1.0.conv1)")
    type: str
    inputs: dict[str, TensorSpec] = Field(description="Input spec by port name")
    outputs: dict[str, TensorSpec] = Field(description="Output spec by port name")
    params: int = Field(description="Parameters, block insides included")
    flops: int = Field(description="Forward FLOPs for one sample")
    param_terms: list[ParamTerm] = Field(
        default_factory=list,
        description="Each parameter tensor of the node's module (weight (16, 2) 32, bias (16,) "
        "16), summing to params; empty for a block instance and a node without parameters",
    )


class EdgeReport(BaseModel):
    source: str
    source_port: str
    target: str
    target_port: str
    spec: TensorSpec | None = Field(description="What the edge carries; null where unknown")


class BlockedNode(BaseModel):
    id: str
    by: list[str] = Field(description="The nodes with errors whose outputs it waits for")


class NetworkReport(BaseModel):
    name: str
    inputs: list[str]
    outputs: list[str]
    params: int
    flops: int


class Totals(BaseModel):
    params: int = Field(description="Parameters of the whole document")
    flops: int = Field(description="Forward FLOPs for one sample")
    memory_bytes: int = Field(description="Estimated training memory at batch_size (Adam, float32)")
    batch_size: int
    nodes: int = Field(description="Nodes once blocks are expanded")
    max_batch_size: int | None = Field(
        default=None,
        description="The largest batch whose estimated training memory fits "
        "memory_budget_bytes (0: not even one sample); null without a known device, or "
        "when the batch costs no memory",
    )
    memory_budget_bytes: int | None = Field(
        default=None,
        description=f"What max_batch_size is fitted into: {DEVICE_MEMORY_SHARE:.0%} of the "
        "device's memory (the rest for the framework and the estimate's misses), at most "
        "the memory limit",
    )
    device_name: str | None = Field(default=None, description="The device: NVIDIA H200, CPU")
    device_type: str | None = Field(default=None, description="cuda, mps or cpu")
    device_memory_bytes: int | None = Field(
        default=None, description="The memory of the connected worker with the most"
    )


class CheckResult(BaseModel):
    ok: bool
    errors: list[GraphIssue]
    warnings: list[GraphIssue]
    nodes: list[NodeReport] = Field(
        description="Top-level nodes whose shapes are known, in document order"
    )
    inner: list[NodeReport] = Field(description="Nodes inside block instances, by dotted path")
    edges: list[EdgeReport]
    networks: list[NetworkReport]
    totals: Totals
    blocked: list[BlockedNode] = Field(
        default_factory=list,
        description="Top-level nodes without shapes only because an error lies upstream",
    )


def _report(node: NodeResult) -> NodeReport:
    return NodeReport(
        id=node.path,
        type=node.type,
        inputs=node.inputs,
        outputs=node.outputs,
        params=node.params,
        flops=node.flops,
        param_terms=node.param_terms,
    )


def blocked_nodes(analysis: Analysis) -> list[BlockedNode]:
    """The top-level nodes left out of inference because an input waits for a node with
    an error, each with those nodes (the errors it depends on, not what is wrong with it)."""
    doc, result = analysis.document, analysis.result
    known = set(result.nodes) if result is not None else set()
    failed = {e.node_id for e in analysis.errors if e.block is None and e.node_id}
    feeds: dict[str, list[str]] = {}
    for edge in doc.edges:
        feeds.setdefault(edge.target, []).append(edge.source)
    waits: dict[str, frozenset[str]] = {}

    def roots(node_id: str) -> frozenset[str]:
        # Iterative (a chain may be longer than Python's recursion limit); a cycle
        # member seen again contributes nothing.
        stack, visiting = [node_id], {node_id}
        while stack:
            current = stack[-1]
            pending = [
                s
                for s in feeds.get(current, [])
                if s not in known and s not in failed and s not in waits and s not in visiting
            ]
            if pending:
                stack.extend(pending)
                visiting.update(pending)
                continue
            stack.pop()
            found: set[str] = set()
            for source in feeds.get(current, []):
                if source in failed:
                    found.add(source)
                elif source not in known:
                    found |= waits.get(source, frozenset())
            waits[current] = frozenset(found)
        return waits[node_id]

    order = {n.id: i for i, n in enumerate(doc.nodes)}
    out = []
    for node in doc.nodes:
        if node.id in known or node.id in failed:
            continue
        by = roots(node.id)
        if by:
            out.append(BlockedNode(id=node.id, by=sorted(by, key=lambda r: order.get(r, 0))))
    return out


def summarize(
    analysis: Analysis, device: DeviceMemory | None = None, limits: Limits | None = None
) -> CheckResult:
    doc = analysis.document
    batch = batch_size_of(doc)
    result = analysis.result
    top = result.nodes if result else {}
    ordered = [top[n.id] for n in doc.nodes if n.id in top]
    inner = [n for node in ordered for copy in node.copies for n in every_node(copy)]
    edges = []
    if analysis.top is not None:
        for node_id in analysis.top.nodes:
            for port, wire in analysis.top.wires_in.get(node_id, {}).items():
                source = top.get(wire.source)
                edges.append(
                    EdgeReport(
                        source=wire.source,
                        source_port=wire.source_port,
                        target=node_id,
                        target_port=port,
                        spec=source.outputs.get(wire.source_port) if source else None,
                    )
                )
    networks = [
        NetworkReport(
            name=net.name,
            inputs=net.inputs,
            outputs=net.outputs,
            params=sum(top[n].params for n in net.nodes if n in top),
            flops=sum(top[n].flops for n in net.nodes if n in top),
        )
        for net in analysis.networks
    ]
    totals = Totals(
        params=sum(n.params for n in ordered),
        flops=sum(n.flops for n in ordered),
        memory_bytes=training_memory(result, batch) if result else 0,
        batch_size=batch,
        nodes=len(ordered) + len(inner),
    )
    if device is not None and result is not None:
        budget = memory_budget(device, limits or Limits())
        totals = totals.model_copy(
            update={
                "max_batch_size": largest_batch(*memory_terms(result), budget),
                "memory_budget_bytes": budget,
                "device_name": device.name,
                "device_type": device.type,
                "device_memory_bytes": device.memory_bytes,
            }
        )
    return CheckResult(
        ok=analysis.ok,
        errors=analysis.errors,
        warnings=analysis.warnings,
        nodes=[_report(n) for n in ordered],
        inner=[_report(n) for n in inner],
        edges=edges,
        networks=networks,
        totals=totals,
        blocked=blocked_nodes(analysis),
    )


def check(
    source: Any,
    limits: Limits | None = None,
    batch_size: int | None = None,
    device: DeviceMemory | None = None,
) -> CheckResult:
    """Check a document (JSON text, path, dict or GraphDocument): shapes, parameters,
    FLOPs, memory and every error, located; with `device`, the largest batch that fits
    it. Never raises for a bad document."""
    try:
        doc = load_document(source, limits)
    except GraphError as exc:
        return CheckResult(
            ok=False,
            errors=exc.issues,
            warnings=[],
            nodes=[],
            inner=[],
            edges=[],
            networks=[],
            totals=Totals(params=0, flops=0, memory_bytes=0, batch_size=batch_size or 32, nodes=0),
        )
    if batch_size is not None:
        doc = doc.model_copy(update={"training": {**doc.training, "batch_size": batch_size}})
    return summarize(analyze(doc, limits), device, limits)


def analyze_or_raise(source: Any, limits: Limits | None = None) -> Analysis:
    """The analysis of a document that must be valid (to build or export it)."""
    doc = source if isinstance(source, GraphDocument) else load_document(source, limits)
    analysis = analyze(doc, limits)
    if not analysis.ok:
        raise GraphError(analysis.errors)
    return analysis
