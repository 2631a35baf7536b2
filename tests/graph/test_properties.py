"""Properties of `check` and `build` over generated documents (hypothesis).

`valid_documents` draws random DAGs of shape-compatible layers (branches, residual
adds, concatenations, repeated blocks, several Outputs) and computes, by its own simple
rules, the shape each Output must receive. `mutated_documents` breaks such a document
in one to three random ways. The properties:

- `check` never raises, and every error carries a code and, where the code is about a
  node, the id of a node that exists (in the named block, when one is named);
- `build` raises GraphError or nothing;
- a document that checks ok compiles, runs forward on `example_inputs`, and returns
  exactly the shapes and dtypes the check report promised.

The default run stays near 140 examples; `pytest -m slow` runs many more.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

import layerlab
from layerlab.graph.check import CheckResult, analyze_or_raise, check
from layerlab.graph.compile import compile_analysis, example_inputs
from layerlab.graph.document import document_json, load_document
from layerlab.graph.errors import Code, GraphError
from layerlab.ops import REGISTRY

FAST = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# Codes that are always about one node: the error must say which.
NODE_CODES = {
    Code.UNKNOWN_TYPE,
    Code.BAD_ID,
    Code.BAD_PARAM,
    Code.UNKNOWN_PORT,
    Code.MISSING_INPUT,
    Code.EXTRA_INPUT,
    Code.CROSS_NETWORK_EDGE,
    Code.CYCLE,
    Code.UNREACHABLE,
    Code.SHAPE_MISMATCH,
}

Shape = tuple[int, ...]

# -- valid documents ------------------------------------------------------------------------

DENSE_STACK = {
    "name": "DenseStack",
    "params": {"width": 4},
    "nodes": [
        {"id": "i", "type": "Input"},
        {"id": "fc", "type": "Linear", "params": {"out_features": "$width"}},
        {"id": "act", "type": "ReLU"},
        {"id": "o", "type": "Output"},
    ],
    "edges": [
        {"source": "i", "target": "fc"},
        {"source": "fc", "target": "act"},
        {"source": "act", "target": "o"},
    ],
}

CONV_STACK = {
    "name": "ConvStack",
    "params": {"channels": 2},
    "nodes": [
        {"id": "i", "type": "Input"},
        {
            "id": "conv",
            "type": "Conv2d",
            "params": {"out_channels": "$channels", "kernel_size": 3, "padding": 1},
        },
        {"id": "bn", "type": "BatchNorm2d"},
        {"id": "act", "type": "ReLU"},
        {"id": "o", "type": "Output"},
    ],
    "edges": [
        {"source": "i", "target": "conv"},
        {"source": "conv", "target": "bn"},
        {"source": "bn", "target": "act"},
        {"source": "act", "target": "o"},
    ],
}

ACTIVATIONS = ["ReLU", "Tanh", "Sigmoid", "GELU", "SiLU", "LeakyReLU", "Identity"]


@dataclass
class Draft:
    """A document being drawn, with the shape each node produces."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    shapes: dict[str, Shape] = field(default_factory=dict)
    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, type_name: str, shape: Shape, params: dict[str, Any] | None = None) -> str:
        node_id = f"n{len(self.nodes)}"
        node: dict[str, Any] = {"id": node_id, "type": type_name}
        if params:
            node["params"] = params
        self.nodes.append(node)
        self.shapes[node_id] = shape
        return node_id

    def wire(
        self, source: str, target: str, port: str | None = None, source_port: str | None = None
    ) -> None:
        wire: dict[str, Any] = {"source": source, "target": target}
        if port is not None:
            wire["target_port"] = port
        if source_port is not None:
            wire["source_port"] = source_port
        self.edges.append(wire)


def conv_size(n: int, kernel: int, stride: int, padding: int) -> int:
    return (n + 2 * padding - kernel) // stride + 1


@st.composite
def input_shapes(draw: st.DrawFn) -> Shape:
    rank = draw(st.sampled_from([1, 2, 3]))
    if rank == 1:
        return (draw(st.integers(1, 16)),)
    if rank == 2:
        return (draw(st.integers(1, 6)), draw(st.integers(1, 8)))
    return (draw(st.integers(1, 3)), draw(st.integers(1, 9)), draw(st.integers(1, 9)))


def unary_layers(draw: st.DrawFn, shape: Shape) -> tuple[str, dict[str, Any], Shape]:
    """One layer that accepts `shape`: (type, params, output shape)."""
    rank = len(shape)
    options = ["activation", "dropout", "layernorm", "linear"]
    if rank >= 2:
        options.append("flatten")
    if rank in (1, 2):
        options.append("batchnorm1d")
    if rank == 2:
        options += ["attention", "encoder", "positions"]
    if rank == 3:
        options += ["conv", "conv", "batchnorm2d", "adaptive"]
        if min(shape[1:]) >= 2:
            options += ["pool", "pool"]
    choice = draw(st.sampled_from(options))
    if choice == "activation":
        return draw(st.sampled_from(ACTIVATIONS)), {}, shape
    if choice == "dropout":
        return "Dropout", {"p": draw(st.floats(0.0, 0.9))}, shape
    if choice == "layernorm":
        return "LayerNorm", {"dims": draw(st.integers(1, rank))}, shape
    if choice == "linear":
        width = draw(st.integers(1, 12))
        return "Linear", {"out_features": width, "bias": draw(st.booleans())}, (*shape[:-1], width)
    if choice == "flatten":
        return "Flatten", {}, (math.prod(shape),)
    if choice == "batchnorm1d":
        return "BatchNorm1d", {}, shape
    if choice == "batchnorm2d":
        return "BatchNorm2d", {}, shape
    if choice in ("attention", "encoder"):
        embed = shape[1]
        heads = draw(st.sampled_from([h for h in range(1, embed + 1) if embed % h == 0]))
        if choice == "attention":
            return "MultiheadAttention", {"num_heads": heads, "causal": draw(st.booleans())}, shape
        layer = {"nhead": heads, "dim_feedforward": draw(st.integers(1, 16)), "dropout": 0.0}
        return "TransformerEncoderLayer", layer, shape
    if choice == "positions":
        return (
            "PositionalEncoding",
            {"kind": draw(st.sampled_from(["sinusoidal", "learned"]))},
            shape,
        )
    if choice == "adaptive":
        size = draw(st.integers(1, 2))
        return "AdaptiveAvgPool2d", {"output_size": size}, (shape[0], size, size)
    if choice == "pool":
        kind = draw(st.sampled_from(["MaxPool2d", "AvgPool2d"]))
        return kind, {"kernel_size": 2}, (shape[0], shape[1] // 2, shape[2] // 2)
    # conv: only geometries whose output is at least 1 x 1
    channels, height, width_ = shape
    kernel = draw(st.integers(1, 3))
    padding = draw(st.integers(0, 1))
    stride = draw(st.integers(1, 2))
    out = (conv_size(height, kernel, stride, padding), conv_size(width_, kernel, stride, padding))
    if min(out) < 1:
        return "Identity", {}, shape
    params = {"out_channels": draw(st.integers(1, 6)), "kernel_size": kernel}
    params |= {"padding": padding, "stride": stride}
    return "Conv2d", params, (params["out_channels"], *out)


def add_step(draw: st.DrawFn, draft: Draft) -> None:
    """Grow the draft by one layer, a binary merge, or a repeated block."""
    source = draw(st.sampled_from(sorted(draft.shapes)))
    shape = draft.shapes[source]
    kinds = ["unary", "unary", "unary", "add", "concat", "block"]
    kind = draw(st.sampled_from([*kinds, "recurrent"] if len(shape) == 2 else kinds))
    port_names = draw(st.booleans())  # named ports, or port-less edges filled in order

    if kind == "add":
        same = sorted(n for n, s in draft.shapes.items() if s == shape)
        other = draw(st.sampled_from(same))
        node = draft.add("Add", shape)
        draft.wire(source, node, "a" if port_names else None)
        draft.wire(other, node, "b" if port_names else None)
        return
    if kind == "concat":
        fits = sorted(
            n for n, s in draft.shapes.items() if len(s) == len(shape) and s[1:] == shape[1:]
        )
        other = draw(st.sampled_from(fits))
        joined = (shape[0] + draft.shapes[other][0], *shape[1:])
        node = draft.add("Concat", joined)
        draft.wire(source, node, "a" if port_names else None)
        draft.wire(other, node, "b" if port_names else None)
        return
    if kind == "block":
        repeat = draw(st.integers(1, 3))
        if len(shape) == 3:
            channels = draw(st.integers(1, 4))
            draft.blocks["ConvStack"] = CONV_STACK
            node = draft.add("ConvStack", (channels, *shape[1:]), {"channels": channels})
        else:
            width = draw(st.integers(1, 8))
            draft.blocks["DenseStack"] = DENSE_STACK
            node = draft.add("DenseStack", (*shape[:-1], width), {"width": width})
        draft.nodes[-1]["repeat"] = repeat
        draft.wire(source, node)
        return
    if kind == "recurrent":
        # Two outputs: y (T, H * directions) feeds port-less edges; h (H * directions)
        # is picked up by an Identity, so that both ports get used.
        hidden, both_ways = draw(st.integers(1, 6)), draw(st.booleans())
        width = hidden * (2 if both_ways else 1)
        params = {"hidden_size": hidden, "bidirectional": both_ways}
        node = draft.add(draw(st.sampled_from(["RNN", "LSTM", "GRU"])), (shape[0], width), params)
        draft.wire(source, node)
        summary = draft.add("Identity", (width,))
        draft.wire(node, summary, source_port="h")
        return
    type_name, params, out = unary_layers(draw, shape)
    node = draft.add(type_name, out, params)
    draft.wire(source, node)


@dataclass(frozen=True)
class Generated:
    document: dict[str, Any]
    expected: dict[str, Shape]
    """Output node id -> the shape it must receive, by the strategy's own rules."""


@st.composite
def valid_documents(draw: st.DrawFn) -> Generated:
    draft = Draft()
    for _ in range(draw(st.integers(1, 2))):
        shape = draw(input_shapes())
        draft.add("Input", shape, {"shape": list(shape)})
    for _ in range(draw(st.integers(1, 8))):
        add_step(draw, draft)

    candidates = [n["id"] for n in draft.nodes if n["type"] != "Input"] or [draft.nodes[0]["id"]]
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3, unique=True))
    expected = {}
    for source in chosen:
        out = draft.add("Output", ())
        draft.wire(source, out)
        expected[out] = draft.shapes[source]

    # Document order and edge order are free: the graph, not the listing, decides.
    nodes = draw(st.permutations(draft.nodes))
    for node in nodes:
        if draw(st.booleans()):
            node["position"] = {"x": draw(st.integers(-500, 500)), "y": 0}
    document = {
        "format": "layerlab.graph",
        "version": 1,
        "name": "generated",
        "nodes": nodes,
        "edges": draw(st.permutations(draft.edges)),
        "blocks": list(draft.blocks.values()),
    }
    return Generated(copy.deepcopy(document), expected)


# -- mutations ------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)

names = st.one_of(
    st.sampled_from(sorted(REGISTRY)),
    st.sampled_from(["DenseStack", "ConvStack", "relu", "Conv2D", "__class__", "os.system"]),
    st.text(max_size=12),
)

port_names = st.one_of(
    st.sampled_from(["x", "y", "a", "b", "c", "d", "h", "z", "kl", "query", "key", "memory"]),
    st.text(min_size=1, max_size=8),
)

ids = st.one_of(
    st.sampled_from(["self", "forward", "training", "__x", "n0", "n1", "n2", "ghost", "a-b"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
)


def mutate(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """Break `doc` in place in one random way; returns what was done, for the report."""
    nodes, edges = doc["nodes"], doc["edges"]
    what = draw(
        st.sampled_from(
            [
                "drop edge",
                "duplicate edge",
                "retype node",
                "delete node",
                "corrupt param",
                "unknown field",
                "change port",
                "reverse edge",
                "redirect edge",
                "rename node",
                "move to another network",
                "repeat",
                "corrupt input shape",
                "corrupt block",
                "corrupt training",
            ]
        )
    )
    if what in ("drop edge", "duplicate edge", "change port", "reverse edge", "redirect edge"):
        if not edges:
            return "nothing to do"
        i = draw(st.integers(0, len(edges) - 1))
        if what == "drop edge":
            edges.pop(i)
        elif what == "duplicate edge":
            edges.append(dict(edges[i]))
        elif what == "change port":
            edges[i][draw(st.sampled_from(["source_port", "target_port"]))] = draw(port_names)
        elif what == "reverse edge":
            edges.append({"source": edges[i]["target"], "target": edges[i]["source"]})
        else:
            edges[i]["source"] = draw(st.sampled_from([n["id"] for n in nodes]))
        return what
    if what == "corrupt block":
        if not doc["blocks"]:
            return "nothing to do"
        block = doc["blocks"][draw(st.integers(0, len(doc["blocks"]) - 1))]
        mutate(draw, block | {"blocks": []})  # the block's nodes and edges, in place
        if draw(st.booleans()):
            block["params"][draw(st.sampled_from(["width", "channels", "zz"]))] = draw(json_values)
        return what
    if what == "corrupt training":
        doc["training"] = {"batch_size": draw(json_values)}
        return what
    if not nodes:
        return "nothing to do"
    node = nodes[draw(st.integers(0, len(nodes) - 1))]
    if what == "retype node":
        node["type"] = draw(names)
        if draw(st.booleans()):
            node.pop("params", None)
    elif what == "delete node":
        nodes.remove(node)
    elif what == "corrupt param":
        params = node.setdefault("params", {})
        key = draw(st.one_of(st.sampled_from([*params, "shape", "p"]), st.text(max_size=6)))
        params[key] = draw(json_values)
    elif what == "unknown field":
        target = draw(st.sampled_from(["document", "node", "params"]))
        holder = {"document": doc, "node": node, "params": node.setdefault("params", {})}[target]
        holder[draw(st.text(min_size=1, max_size=6))] = draw(json_values)
    elif what == "rename node":
        node["id"] = draw(ids)
    elif what == "move to another network":
        node["network"] = draw(st.sampled_from(["gen", "disc"]))
    elif what == "repeat":
        node["repeat"] = draw(st.integers(0, 300))
    elif what == "corrupt input shape":
        inputs = [n for n in nodes if n.get("type") == "Input"] or [node]
        inputs[0]["params"] = {"shape": draw(json_values)}
    return what


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[Any, list[str]]:
    doc = copy.deepcopy(draw(valid_documents()).document)
    done = [mutate(draw, doc) for _ in range(draw(st.integers(1, 3)))]
    if draw(st.integers(0, 4)) == 0:  # sometimes as JSON text, the way a request sends it
        return json.dumps(doc), done
    return doc, done


# -- the properties -------------------------------------------------------------------------


def node_ids(raw: Any, block: str | None) -> set[str]:
    """Ids of the raw document's nodes (of the named block's nodes when `block` is set)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return set()
    if not isinstance(raw, dict):
        return set()
    blocks = raw.get("blocks")
    blocks = [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
    bodies = [raw] if block is None else [b for b in blocks if b.get("name") == block]
    return {
        n["id"]
        for body in bodies
        if isinstance(body.get("nodes"), list)
        for n in body["nodes"]
        if isinstance(n, dict) and isinstance(n.get("id"), str)
    }


def assert_errors_are_located(result: CheckResult, raw: Any) -> None:
    for error in result.errors:
        assert isinstance(error.code, Code)
        assert error.message
        if error.code in NODE_CODES:
            assert error.node_id is not None, str(error)
        if error.node_id is not None and error.code != Code.LIMIT_EXCEEDED:
            assert error.node_id in node_ids(raw, error.block), str(error)


def run_networks(source: Any, result: CheckResult) -> None:
    """Compile what checked ok, run each network, compare with the report."""
    analysis = analyze_or_raise(load_document(source))
    compiled = compile_analysis(analysis)
    reported = {n.id: n for n in result.nodes}
    with torch.no_grad():
        for network in analysis.networks:
            module = compiled if len(analysis.networks) == 1 else compiled[network.name]
            assert isinstance(module, nn.Module)
            out = module(*example_inputs(analysis, network, batch=2))
            outs = out if isinstance(out, tuple) else (out,)
            assert len(outs) == len(network.outputs)
            for output_id, tensor in zip(network.outputs, outs, strict=True):
                spec = reported[output_id].inputs["x"]
                assert tuple(tensor.shape) == (2, *spec.shape), output_id
                assert str(tensor.dtype).removeprefix("torch.") == spec.dtype, output_id
    params = sum(p.numel() for p in compiled.parameters())
    assert params == result.totals.params


def check_valid(generated: Generated) -> None:
    doc = generated.document
    result = check(doc)

    assert result.ok, [str(e) for e in result.errors]
    reported = {n.id: n.inputs["x"].shape for n in result.nodes if n.id in generated.expected}
    assert reported == generated.expected
    run_networks(doc, result)
    assert load_document(document_json(load_document(doc))) == load_document(doc)


def check_mutated(source: Any) -> None:
    result = check(source)  # must not raise, whatever the document holds

    assert isinstance(result, CheckResult)
    assert result.ok == (not result.errors)
    assert_errors_are_located(result, source)
    try:
        layerlab.build(source.encode() if isinstance(source, str) else source)
    except GraphError as exc:
        assert not result.ok and exc.issues
    else:
        assert result.ok
    if result.ok:
        run_networks(source, result)


@settings(FAST, max_examples=40)
@given(valid_documents())
def test_valid_documents_check_ok_and_run_with_the_reported_shapes(generated: Generated) -> None:
    check_valid(generated)


@settings(FAST, max_examples=100)
@given(mutated_documents())
def test_mutated_documents_never_crash_and_errors_are_located(
    mutated: tuple[Any, list[str]],
) -> None:
    check_mutated(mutated[0])


@pytest.mark.slow
@settings(FAST, max_examples=1_000)
@given(valid_documents())
def test_valid_documents_long_run(generated: Generated) -> None:
    check_valid(generated)


@pytest.mark.slow
@settings(FAST, max_examples=3_000)
@given(mutated_documents())
def test_mutated_documents_long_run(mutated: tuple[Any, list[str]]) -> None:
    check_mutated(mutated[0])
