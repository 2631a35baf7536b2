"""Analysis of a whole document: wiring, block expansion, shape inference and limits.

Shapes come from each op's own `infer` (fast for every type, recurrent ones
included); parameters are counted on the meta device, so nothing real is allocated.
The result is what `check` reports and what `compile` and the exporters build from.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from layerlab.graph.document import BlockDoc, GraphDocument, NodeDoc
from layerlab.graph.errors import Code, GraphIssue
from layerlab.graph.limits import Limits
from layerlab.graph.wiring import DEFAULT_NETWORK, Body, is_source, wire_body
from layerlab.ops import REGISTRY, Op, OpParams, ShapeError, TensorSpec

BYTES = {"float32": 4, "int64": 8}
OPTIMIZER_COPIES = 4
"""Training memory per parameter, in float32 copies: weight, gradient and Adam's two moments."""


@dataclass
class NodeResult:
    """One node's inferred facts, for one sample (batch excluded)."""

    path: str
    type: str
    inputs: dict[str, TensorSpec]
    outputs: dict[str, TensorSpec]
    params: int = 0
    flops: int = 0
    activation_bytes: int = 0
    """Bytes of outputs kept for the backward pass, this node and everything inside it."""
    op_params: OpParams | None = None
    copies: list[BodyResult] = field(default_factory=list)
    """For a block instance: the inside of each repeated copy."""


@dataclass
class BodyResult:
    body: Body
    nodes: dict[str, NodeResult] = field(default_factory=dict)

    def output_specs(self) -> dict[str, TensorSpec] | None:
        """What reaches each Output node of a block, or None if any is missing."""
        specs = {}
        for node_id, kind in self.body.kinds.items():
            if isinstance(kind, Op) and kind.name == "Output":
                if node_id not in self.nodes:
                    return None
                specs[node_id] = self.nodes[node_id].inputs["x"]
        return specs


@dataclass
class Network:
    name: str
    inputs: list[str]
    outputs: list[str]
    nodes: list[str]
    needs_batch_size: bool
    """True when the only sources are noise: forward then takes `batch_size`."""


@dataclass
class Analysis:
    document: GraphDocument
    limits: Limits
    errors: list[GraphIssue]
    warnings: list[GraphIssue]
    top: Body | None = None
    result: BodyResult | None = None
    blocks: dict[str, Body] = field(default_factory=dict)
    networks: list[Network] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Context:
    """State shared while inferring one document."""

    def __init__(
        self, doc: GraphDocument, limits: Limits, blocks: dict[str, Body], errors: list[GraphIssue]
    ):
        self.doc = doc
        self.limits = limits
        self.blocks = blocks
        self.errors = errors
        self._seen: set[tuple[Any, ...]] = set()
        self._param_counts: dict[tuple[Any, ...], int] = {}

    def report(self, issue: GraphIssue) -> None:
        # A block's inner error shows once, not once per instance and copy.
        key = (issue.code, issue.block, issue.node_id, issue.port, issue.field, issue.message)
        if key not in self._seen:
            self._seen.add(key)
            self.errors.append(issue)

    def param_count(self, op: Op[Any], p: OpParams, x: dict[str, TensorSpec]) -> int:
        key = (op.name, p.model_dump_json(), tuple(sorted(x.items())))
        if key not in self._param_counts:
            self._param_counts[key] = op.param_count(p, x)
        return self._param_counts[key]


def analyze(doc: GraphDocument, limits: Limits | None = None) -> Analysis:
    limits = limits or Limits()
    errors: list[GraphIssue] = []
    analysis = Analysis(document=doc, limits=limits, errors=errors, warnings=[])
    blocks = {b.name: b for b in doc.blocks}
    if not _check_sizes(doc, blocks, limits, errors):
        return analysis
    for block in doc.blocks:
        body = wire_body(block.nodes, block.edges, blocks, errors, block=block.name)
        _check_block_ports(block, errors)
        analysis.blocks[block.name] = body
    if not _check_block_nesting(blocks, limits, errors):
        return analysis
    if _expanded_count(doc, blocks) > limits.max_nodes:
        errors.append(
            GraphIssue(
                code=Code.LIMIT_EXCEEDED,
                field="nodes",
                message=(
                    f"the document expands to {_expanded_count(doc, blocks):,} nodes (blocks and repeats "
                    f"included); the limit is {limits.max_nodes:,}"
                ),
            )
        )
        return analysis

    top = wire_body(doc.nodes, doc.edges, blocks, errors)
    analysis.top = top
    analysis.networks = _networks(top, errors)
    analysis.warnings.extend(_unused(top))
    ctx = _Context(doc, limits, analysis.blocks, errors)
    analysis.result = _infer_body(ctx, top, None, {}, "", depth=0)
    _check_resources(analysis.result, limits, errors, batch_size_of(doc))
    return analysis


def batch_size_of(doc: GraphDocument) -> int:
    value = doc.training.get("batch_size", 32)
    return value if isinstance(value, int) and value > 0 else 32


# -- structure ------------------------------------------------------------------------


def _check_sizes(
    doc: GraphDocument, blocks: dict[str, BlockDoc], limits: Limits, errors: list[GraphIssue]
) -> bool:
    nodes = len(doc.nodes) + sum(len(b.nodes) for b in doc.blocks)
    edges = len(doc.edges) + sum(len(b.edges) for b in doc.blocks)
    for what, count, limit in (
        ("nodes", nodes, limits.max_nodes),
        ("edges", edges, limits.max_edges),
    ):
        if count > limit:
            errors.append(
                GraphIssue(
                    code=Code.LIMIT_EXCEEDED,
                    field=what,
                    message=f"the document has {count:,} {what}; the limit is {limit:,}",
                )
            )
    for block in doc.blocks:
        if block.name in blocks and blocks[block.name] is not block:
            errors.append(
                GraphIssue(
                    code=Code.DUPLICATE_ID,
                    block=block.name,
                    message=f"block name {block.name!r} is defined twice",
                )
            )
        if block.name in REGISTRY:
            errors.append(
                GraphIssue(
                    code=Code.BAD_BLOCK,
                    block=block.name,
                    message=f"block name {block.name!r} is a built-in node type; rename the block",
                )
            )
    return not errors


def _check_block_ports(block: BlockDoc, errors: list[GraphIssue]) -> None:
    types = [n.type for n in block.nodes]
    for needed in ("Input", "Output"):
        if needed not in types:
            errors.append(
                GraphIssue(
                    code=Code.BAD_BLOCK,
                    block=block.name,
                    message=f"block {block.name!r} needs at least one {needed} node (its ports)",
                )
            )


def _check_block_nesting(
    blocks: dict[str, BlockDoc], limits: Limits, errors: list[GraphIssue]
) -> bool:
    """Blocks may use blocks, but not themselves (directly or not), and not too deeply."""
    uses = {name: [n.type for n in b.nodes if n.type in blocks] for name, b in blocks.items()}
    depth: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> int:
        if name in trail:
            loop = " -> ".join([*trail[trail.index(name) :], name])
            raise _BlockLoop(name, loop)
        if name not in depth:
            depth[name] = 1 + max((visit(u, [*trail, name]) for u in uses[name]), default=0)
        return depth[name]

    for name in blocks:
        try:
            if visit(name, []) > limits.max_block_depth:
                errors.append(
                    GraphIssue(
                        code=Code.LIMIT_EXCEEDED,
                        block=name,
                        message=(
                            f"blocks nest {depth[name]} deep under {name!r}; the limit is {limits.max_block_depth}"
                        ),
                    )
                )
                return False
        except _BlockLoop as loop:
            errors.append(
                GraphIssue(
                    code=Code.BAD_BLOCK, block=loop.block, message=f"block uses itself: {loop.loop}"
                )
            )
            return False
    return True


class _BlockLoop(Exception):
    def __init__(self, block: str, loop: str):
        self.block, self.loop = block, loop


def _expanded_count(doc: GraphDocument, blocks: dict[str, BlockDoc]) -> int:
    memo: dict[str, int] = {}

    def count(nodes: list[NodeDoc]) -> int:
        total = 0
        for node in nodes:
            if node.type in blocks:
                if node.type not in memo:
                    memo[node.type] = count(blocks[node.type].nodes)
                total += node.repeat * memo[node.type]
            else:
                total += 1
        return total

    return count(doc.nodes)


def _networks(top: Body, errors: list[GraphIssue]) -> list[Network]:
    members: dict[str, list[str]] = {}
    for node_id in top.nodes:
        members.setdefault(top.network_of(node_id), []).append(node_id)
    if not members:
        errors.append(
            GraphIssue(code=Code.NO_INPUT, message="the graph is empty: add an Input node")
        )
    networks = []
    for name, node_ids in members.items():
        kinds = {n: top.kinds.get(n) for n in node_ids}
        inputs = [n for n, k in kinds.items() if isinstance(k, Op) and k.name == "Input"]
        outputs = [n for n, k in kinds.items() if isinstance(k, Op) and k.name == "Output"]
        sources = [
            n for n, k in kinds.items() if k is not None and is_source(k) and not top.wires_in[n]
        ]
        label = "the network" if name == DEFAULT_NETWORK else f"network {name!r}"
        if not sources:
            errors.append(
                GraphIssue(
                    code=Code.NO_INPUT,
                    field="network",
                    message=f"{label} has no Input node: add one where data enters",
                )
            )
        if not outputs:
            errors.append(
                GraphIssue(
                    code=Code.NO_OUTPUT,
                    field="network",
                    message=f"{label} has no Output node: mark what it returns",
                )
            )
        networks.append(
            Network(name, inputs, outputs, node_ids, needs_batch_size=bool(sources) and not inputs)
        )
    return networks


def _unused(top: Body) -> list[GraphIssue]:
    """Warnings for nodes whose result reaches no Output."""
    useful = {n for n, k in top.kinds.items() if isinstance(k, Op) and k.name == "Output"}
    queue = deque(useful)
    while queue:
        for wire in top.wires_in.get(queue.popleft(), {}).values():
            if wire.source not in useful:
                useful.add(wire.source)
                queue.append(wire.source)
    return [
        GraphIssue(code=Code.UNUSED, node_id=n, message=f"the result of {n} reaches no Output")
        for n in top.kinds
        if n not in useful and n not in top.broken
    ]


# -- inference ------------------------------------------------------------------------


def _substitute(raw: dict[str, Any], bindings: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Replace "$name" values with block parameters; returns (params, unknown name)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value.startswith("$"):
            if value[1:] not in bindings:
                return out, key
            value = bindings[value[1:]]
        out[key] = value
    return out, None


def _infer_body(
    ctx: _Context,
    body: Body,
    block_inputs: dict[str, TensorSpec] | None,
    bindings: dict[str, Any],
    path: str,
    depth: int,
) -> BodyResult:
    result = BodyResult(body)
    for node_id in body.order:
        if node_id in body.broken:
            continue
        node = body.nodes[node_id]
        inputs = {}
        for port, wire in body.wires_in[node_id].items():
            source = result.nodes.get(wire.source)
            if source is None or wire.source_port not in source.outputs:
                break  # downstream of a problem already reported
            inputs[port] = source.outputs[wire.source_port]
        else:
            node_path = f"{path}.{node_id}" if path else node_id
            done = _infer_node(ctx, body, node, inputs, block_inputs, bindings, node_path, depth)
            if done is not None:
                result.nodes[node_id] = done
    return result


def _infer_node(
    ctx: _Context,
    body: Body,
    node: NodeDoc,
    inputs: dict[str, TensorSpec],
    block_inputs: dict[str, TensorSpec] | None,
    bindings: dict[str, Any],
    path: str,
    depth: int,
) -> NodeResult | None:
    def fail(code: Code, message: str, **where: str | None) -> None:
        ctx.report(
            GraphIssue(
                code=code,
                message=message,
                node_id=node.id,
                block=body.block,
                path=path if body.block else None,
                **where,
            )
        )

    raw, unknown = _substitute(node.params, bindings)
    if unknown is not None:
        fail(
            Code.BAD_PARAM,
            f"{node.params[unknown]!r} names no parameter of block {body.block!r}",
            field=unknown,
        )
        return None
    kind = body.kinds[node.id]
    if isinstance(kind, BlockDoc):
        return _infer_instance(ctx, node, kind, inputs, raw, path, depth, fail)

    if kind.name == "Input" and block_inputs is not None:
        # Inside a block, an Input's sample comes from what the instance receives.
        return NodeResult(path, node.type, {}, {"y": block_inputs[node.id]})
    for port in kind.inputs:
        got = inputs.get(port.name)
        if got is not None and port.dtype != "any" and got.dtype != port.dtype:
            hint = " (token ids need an Embedding first)" if got.dtype == "int64" else ""
            fail(
                Code.SHAPE_MISMATCH,
                f"input {port.name!r} expects {port.dtype} values, got {got}{hint}",
                port=port.name,
            )
            return None
    try:
        p = kind.parse_params(raw)
    except ValidationError as exc:
        reported: set[str | None] = set()
        for err in exc.errors(include_url=False):
            name = str(err["loc"][0]) if err["loc"] else None
            if name in reported:
                continue  # a union type (3 or [3, 5]) fails once per branch; one is enough
            reported.add(name)
            fail(
                Code.BAD_PARAM,
                f"{node.type}.{name}: {err['msg']}" if name else err["msg"],
                field=name,
            )
        return None
    try:
        outputs = kind.infer(p, inputs)
        params = ctx.param_count(kind, p, inputs)
        flops = kind.flops(p, inputs, outputs)
    except ShapeError as exc:
        fail(Code.SHAPE_MISMATCH, f"{node.type}: {exc}", port=exc.port, field=exc.field)
        return None
    except (ValueError, RuntimeError, TypeError) as exc:
        fail(Code.BAD_PARAM, f"{node.type} cannot be built with these parameters: {exc}")
        return None
    kept = (
        0
        if kind.name in ("Input", "Output")
        else sum(s.numel * BYTES[s.dtype] for s in outputs.values())
    )
    return NodeResult(path, node.type, inputs, outputs, params, flops, kept, op_params=p)


def _infer_instance(
    ctx: _Context,
    node: NodeDoc,
    block: BlockDoc,
    inputs: dict[str, TensorSpec],
    raw: dict[str, Any],
    path: str,
    depth: int,
    fail: Any,
) -> NodeResult | None:
    unknown = sorted(set(raw) - set(block.params))
    if unknown:
        known = ", ".join(block.params) or "none"
        fail(
            Code.BAD_PARAM,
            f"block {block.name} has no parameter {unknown[0]!r} (has: {known})",
            field=unknown[0],
        )
        return None
    if node.repeat > ctx.limits.max_repeat:
        fail(
            Code.LIMIT_EXCEEDED,
            f"repeat {node.repeat} exceeds the limit {ctx.limits.max_repeat}",
            field="repeat",
        )
        return None
    bindings = {**block.params, **raw}
    body = ctx.blocks[block.name]
    first_port = next(n.id for n in block.nodes if n.type == "Input")
    first_output = next(n.id for n in block.nodes if n.type == "Output")
    current = dict(inputs)
    total = NodeResult(path, node.type, dict(inputs), {})
    for copy in range(node.repeat):
        copy_path = f"{path}.{copy}" if node.repeat > 1 else path
        inner = _infer_body(ctx, body, current, bindings, copy_path, depth + 1)
        outputs = inner.output_specs()
        if outputs is None:
            return None  # the inner problem is already reported
        total.copies.append(inner)
        for result in inner.nodes.values():
            total.params += result.params
            total.flops += result.flops
            total.activation_bytes += result.activation_bytes
        total.outputs = outputs
        current = {**current, first_port: outputs[first_output]}
    return total


def _check_resources(
    result: BodyResult, limits: Limits, errors: list[GraphIssue], batch: int
) -> None:
    top = list(result.nodes.values())
    for node in top:
        if node.params > limits.max_params:
            errors.append(
                GraphIssue(
                    code=Code.LIMIT_EXCEEDED,
                    node_id=node.path,
                    field="params",
                    message=(
                        f"{node.path} has {node.params:,} parameters; the limit is {limits.max_params:,}"
                    ),
                )
            )
    params = sum(n.params for n in top)
    if params > limits.max_params and not any(e.code == Code.LIMIT_EXCEEDED for e in errors):
        biggest = max(top, key=lambda n: n.params)
        errors.append(
            GraphIssue(
                code=Code.LIMIT_EXCEEDED,
                node_id=biggest.path,
                field="params",
                message=(
                    f"the network has {params:,} parameters (the largest, {biggest.path}, has {biggest.params:,}); "
                    f"the limit is {limits.max_params:,}"
                ),
            )
        )
    memory = training_memory(result, batch)
    if memory > limits.max_memory_bytes and top:
        biggest = max(top, key=lambda n: n.activation_bytes)
        errors.append(
            GraphIssue(
                code=Code.LIMIT_EXCEEDED,
                node_id=biggest.path,
                field="memory",
                message=(
                    f"training at batch size {batch} needs about {memory / 2**30:,.1f} GiB "
                    f"(the largest activation is {biggest.path}'s); the limit is {limits.max_memory_bytes / 2**30:,.1f} GiB"
                ),
            )
        )


def training_memory(result: BodyResult, batch: int) -> int:
    """Bytes to train at `batch`: parameters with gradients and Adam state, plus every
    activation kept for the backward pass. An estimate, not a measurement."""
    nodes = result.nodes.values()
    params = sum(n.params for n in nodes)
    activations = sum(n.activation_bytes for n in nodes)
    return params * 4 * OPTIMIZER_COPIES + activations * batch


def walk(result: BodyResult) -> list[NodeResult]:
    """Every node result, block insides included, in order."""
    out = []
    for node in result.nodes.values():
        out.append(node)
        for copy in node.copies:
            out.extend(walk(copy))
    return out
