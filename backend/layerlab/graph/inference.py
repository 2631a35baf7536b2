"""Shape inference: what every node of a wired document receives and returns.

Shapes come from each op's own `infer` (fast for every type, recurrent ones
included); parameters are counted on the meta device, so nothing real is allocated.
Block instances are inferred copy by copy, with the block's parameters substituted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from layerlab.graph.document import BlockDoc, NodeDoc
from layerlab.graph.errors import Code, GraphIssue
from layerlab.graph.limits import Limits
from layerlab.graph.wiring import Body, is_op
from layerlab.messages import Param, validation_message
from layerlab.ops import Op, OpParams, ParamTerm, ShapeError, TensorSpec


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
    """Bytes kept for the backward pass (outputs, and what an op keeps besides, such as
    attention weights: `Op.kept_bytes`), this node and everything inside it."""
    op_params: OpParams | None = None
    copies: list[BodyResult] = field(default_factory=list)
    """For a block instance: the inside of each repeated copy."""
    param_terms: list[ParamTerm] = field(default_factory=list)
    """Each parameter tensor of an op's module, summing to `params` (`Op.param_terms`);
    empty for a block instance, whose inner nodes carry their own."""


@dataclass
class BodyResult:
    body: Body
    nodes: dict[str, NodeResult] = field(default_factory=dict)

    def output_specs(self) -> dict[str, TensorSpec] | None:
        """What reaches each Output node of a block, or None if any is missing."""
        specs = {}
        for node_id, definition in self.body.definitions.items():
            if is_op(definition, "Output"):
                if node_id not in self.nodes:
                    return None
                specs[node_id] = self.nodes[node_id].inputs["x"]
        return specs


def every_node(result: BodyResult) -> list[NodeResult]:
    """Every node result, block insides included, in order."""
    out = []
    for node in result.nodes.values():
        out.append(node)
        for copy in node.copies:
            out.extend(every_node(copy))
    return out


def infer(
    top: Body, blocks: dict[str, Body], limits: Limits, errors: list[GraphIssue]
) -> BodyResult:
    """Infer the document's top level (and, through its instances, every block). Each
    problem is reported once to `errors`; nodes downstream of one are left out."""
    return _infer_body(_Context(limits, blocks, errors), top, None, {}, "", depth=0)


class _Context:
    """State shared while inferring one document."""

    def __init__(self, limits: Limits, blocks: dict[str, Body], errors: list[GraphIssue]):
        self.limits = limits
        self.blocks = blocks
        self.errors = errors
        self._seen: set[tuple[Any, ...]] = set()
        self._param_terms: dict[tuple[Any, ...], list[ParamTerm]] = {}

    def report(self, issue: GraphIssue) -> None:
        # A block's inner error shows once, not once per instance and copy.
        key = (issue.code, issue.block, issue.node_id, issue.port, issue.field, issue.message)
        if key not in self._seen:
            self._seen.add(key)
            self.errors.append(issue)

    def param_terms(self, op: Op[Any], p: OpParams, x: dict[str, TensorSpec]) -> list[ParamTerm]:
        key = (op.name, p.model_dump_json(), tuple(sorted(x.items())))
        if key not in self._param_terms:
            self._param_terms[key] = op.param_terms(p, x)
        return self._param_terms[key]


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
    def fail(code: Code, key: str, params: dict[str, Param], **where: str | None) -> None:
        ctx.report(
            GraphIssue(
                code=code,
                key=key,
                params=params,
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
            "block.unknown_reference",
            {"reference": str(node.params[unknown]), "block": body.block},
            field=unknown,
        )
        return None
    definition = body.definitions[node.id]
    if isinstance(definition, BlockDoc):
        return _infer_instance(ctx, node, definition, inputs, raw, path, depth, fail)

    if definition.name == "Input" and block_inputs is not None:
        # Inside a block, an Input's sample comes from what the instance receives.
        return NodeResult(path, node.type, {}, {"y": block_inputs[node.id]})
    for port in definition.inputs:
        got = inputs.get(port.name)
        if got is not None and port.dtype != "any" and got.dtype != port.dtype:
            fail(
                Code.SHAPE_MISMATCH,
                "input.dtype_tokens" if got.dtype == "int64" else "input.dtype",
                {"port": port.name, "expected": port.dtype, "got": str(got)},
                port=port.name,
            )
            return None
    try:
        p = definition.parse_params(raw)
    except ValidationError as exc:
        reported: set[str | None] = set()
        for err in exc.errors(include_url=False):
            name = str(err["loc"][0]) if err["loc"] else None
            if name in reported:
                continue  # a union type (3 or [3, 5]) fails once per branch; one is enough
            reported.add(name)
            key, said = validation_message(err, f"{node.type}.{name}" if name else node.type)
            fail(Code.BAD_PARAM, key, said, field=name)
        return None
    try:
        outputs = definition.infer(p, inputs)
        terms = ctx.param_terms(definition, p, inputs)
        flops = definition.flops(p, inputs, outputs)
    except ShapeError as exc:
        fail(
            Code.SHAPE_MISMATCH,
            exc.key,
            {"op": node.type, **exc.params},
            port=exc.port,
            field=exc.field,
        )
        return None
    except (ValueError, RuntimeError, TypeError) as exc:
        fail(Code.BAD_PARAM, "node.build_failed", {"op": node.type, "detail": str(exc)})
        return None
    kept = (
        0 if definition.name in ("Input", "Output") else definition.kept_bytes(p, inputs, outputs)
    )
    params = sum(t.count for t in terms)
    return NodeResult(
        path, node.type, inputs, outputs, params, flops, kept, op_params=p, param_terms=terms
    )


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
        fail(
            Code.BAD_PARAM,
            "block.no_such_param" if block.params else "block.no_params",
            {"block": block.name, "name": unknown[0], "known": list(block.params)}
            if block.params
            else {"block": block.name, "name": unknown[0]},
            field=unknown[0],
        )
        return None
    if node.repeat > ctx.limits.max_repeat:
        fail(
            Code.LIMIT_EXCEEDED,
            "limit.repeat",
            {"repeat": node.repeat, "limit": ctx.limits.max_repeat},
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
