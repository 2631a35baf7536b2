"""Every validation code, located: one or more bad documents per `Code`.

Each case lists the COMPLETE set of errors `check` must report, as
(code, node_id, port, field, block): a missing error fails, and so does any extra one,
which is how "root causes only" is proven (nodes downstream of a broken node stay quiet).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import layerlab
from layerlab.graph.check import CheckResult, check
from layerlab.graph.document import GraphDocument, document_json, load_document
from layerlab.graph.errors import Code, GraphError, GraphIssue
from layerlab.graph.limits import Limits
from tests.graph.drafting import edge, node

Where = tuple[Code, str | None, str | None, str | None, str | None]


# -- small builders ---------------------------------------------------------------------


def document(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {"format": "layerlab.graph", "version": 1, "nodes": nodes, "edges": edges, **extra}


def chain(*nodes: dict[str, Any], extra_nodes: tuple[dict[str, Any], ...] = (), **kw: Any) -> dict:
    """Nodes wired one after another with port-less edges, plus unconnected extras."""
    edges = [edge(a["id"], b["id"]) for a, b in zip(nodes, nodes[1:], strict=False)]
    return document([*nodes, *extra_nodes], edges, **kw)


def mlp(fc: dict[str, Any] | None = None, act: dict[str, Any] | None = None) -> dict:
    """x (8) -> fc Linear(4) -> act ReLU -> y: valid unless a part is swapped."""
    return chain(
        node("x", "Input", shape=[8]),
        fc or node("fc", "Linear", out_features=4),
        act or node("act", "ReLU"),
        node("y", "Output"),
    )


def where(issue: GraphIssue) -> Where:
    return (issue.code, issue.node_id, issue.port, issue.field, issue.block)


def errors_at(result: CheckResult) -> list[Where]:
    return sorted(where(e) for e in result.errors)


def block(name: str, nodes: list[dict], edges: list[dict], **params: Any) -> dict[str, Any]:
    return {"name": name, "params": params, "nodes": nodes, "edges": edges}


def relu_block(name: str = "Stage", inner: str = "ReLU") -> dict[str, Any]:
    return block(
        name,
        [node("i", "Input"), node("r", inner), node("o", "Output")],
        [edge("i", "r"), edge("r", "o")],
    )


def use_block(type_name: str, blocks: list[dict], repeat: int = 1, **params: Any) -> dict:
    """x (8) -> stage (an instance of `type_name`) -> y."""
    stage: dict[str, Any] = {"id": "stage", "type": type_name, "repeat": repeat}
    if params:
        stage["params"] = params
    return chain(node("x", "Input", shape=[8]), stage, node("y", "Output"), blocks=blocks)


def nested_blocks(depth: int) -> list[dict]:
    """B0 holds a ReLU; B(k) holds one B(k-1): `depth` blocks nested."""
    out = [relu_block("B0")]
    for k in range(1, depth):
        out.append(relu_block(f"B{k}", inner=f"B{k - 1}"))
    return out


E = Code  # keeps the table below readable

# -- the table: (document, limits, every expected error) ----------------------------------

CASES = [
    # invalid_document: not a graph document at all, or a field it does not have
    pytest.param("{", None, [(E.INVALID_DOCUMENT, None, None, None, None)], id="truncated-json"),
    pytest.param(
        {**mlp(), "colour": "red"},
        None,
        [(E.INVALID_DOCUMENT, None, None, "colour", None)],
        id="unknown-top-level-field",
    ),
    pytest.param(
        mlp(fc={**node("fc", "Linear"), "weight": 3}),
        None,
        [(E.INVALID_DOCUMENT, "fc", None, "nodes.1.weight", None)],
        id="unknown-node-field",
    ),
    pytest.param(
        {**mlp(), "nodes": {"x": "Input"}},
        None,
        [(E.INVALID_DOCUMENT, None, None, "nodes", None)],
        id="nodes-not-a-list",
    ),
    pytest.param(
        chain(
            node("x", "Input", shape=[8]), node("y", "Output"), extra_nodes=(node("a-b", "ReLU"),)
        ),
        None,
        [(E.INVALID_DOCUMENT, "a-b", None, "nodes.2.id", None)],
        id="id-not-an-identifier",
    ),
    pytest.param(
        {**mlp(), "format": "onnx"},
        None,
        [(E.INVALID_DOCUMENT, None, None, "format", None)],
        id="wrong-format",
    ),
    # unsupported_version
    pytest.param(
        {**mlp(), "version": 2},
        None,
        [(E.UNSUPPORTED_VERSION, None, None, "version", None)],
        id="newer-version",
    ),
    pytest.param(
        {**mlp(), "version": 0},
        None,
        [(E.UNSUPPORTED_VERSION, None, None, "version", None)],
        id="unknown-old-version",
    ),
    # unknown_type: the ReLU after it is not reported as unreachable
    pytest.param(
        mlp(fc=node("fc", "Lineer")),
        None,
        [(E.UNKNOWN_TYPE, "fc", None, "type", None)],
        id="unknown-type",
    ),
    # bad_id: reserved names (Python keywords, torch module attributes, mangled names)
    *(
        pytest.param(
            mlp(fc=node(name, "Linear")),
            None,
            [(E.BAD_ID, name, None, None, None)],
            id=f"reserved-id-{name}",
        )
        for name in ("forward", "self", "class", "training", "state_dict", "batch_size", "__x")
    ),
    # bad_param
    pytest.param(
        mlp(fc=node("fc", "Linear", out_features=0)),
        None,
        [(E.BAD_PARAM, "fc", None, "out_features", None)],
        id="param-out-of-range",
    ),
    pytest.param(
        mlp(fc=node("fc", "Linear", out_features="ten")),
        None,
        [(E.BAD_PARAM, "fc", None, "out_features", None)],
        id="param-wrong-type",
    ),
    pytest.param(
        mlp(fc=node("fc", "Linear", out_feature=4)),
        None,
        [(E.BAD_PARAM, "fc", None, "out_feature", None)],
        id="param-unknown",
    ),
    pytest.param(
        mlp(act={**node("act", "ReLU"), "repeat": 3}),
        None,
        [(E.BAD_PARAM, "act", None, "repeat", None)],
        id="repeat-on-a-layer",
    ),
    pytest.param(
        mlp(fc=node("fc", "Linear", out_features="$width")),
        None,
        [(E.BAD_PARAM, "fc", None, "out_features", None)],
        id="block-param-outside-a-block",
    ),
    pytest.param(
        chain(
            node("x", "Input", shape=[3, 8, 8]),
            node("c", "Conv2d", kernel_size=0),
            node("y", "Output"),
        ),
        None,
        [(E.BAD_PARAM, "c", None, "kernel_size", None)],
        id="union-param-reported-once",
    ),
    # bad_block
    pytest.param(
        use_block("Stage", [relu_block("Stage", inner="Stage")]),
        None,
        [(E.BAD_BLOCK, None, None, None, "Stage")],
        id="block-uses-itself",
    ),
    pytest.param(
        use_block(
            "Stage", [block("Stage", [node("r", "ReLU"), node("o", "Output")], [edge("r", "o")])]
        ),
        None,
        # r inside has nothing feeding it: a true statement about the block, not a symptom
        [(E.BAD_BLOCK, None, None, None, "Stage"), (E.UNREACHABLE, "r", "x", None, "Stage")],
        id="block-without-input",
    ),
    pytest.param(
        use_block("Tanh", [relu_block("Tanh")]),
        None,
        [(E.BAD_BLOCK, None, None, None, "Tanh")],
        id="block-named-like-a-layer",
    ),
    # duplicate_id
    pytest.param(
        {**mlp(), "nodes": [*mlp()["nodes"], node("fc", "Tanh")]},
        None,
        [(E.DUPLICATE_ID, "fc", None, None, None)],
        id="duplicate-node-id",
    ),
    pytest.param(
        use_block("Stage", [relu_block("Stage"), relu_block("Stage")]),
        None,
        [(E.DUPLICATE_ID, None, None, None, "Stage")],
        id="duplicate-block-name",
    ),
    # dangling_edge: located at the end that exists; its target is then not "unreachable"
    pytest.param(
        {**mlp(), "edges": [*mlp()["edges"], edge("ghost", "act")]},
        None,
        [(E.DANGLING_EDGE, "act", None, None, None)],
        id="edge-from-nowhere",
    ),
    pytest.param(
        {**mlp(), "edges": [edge("x", "fc"), edge("ghost", "act"), edge("act", "y")]},
        None,
        [(E.DANGLING_EDGE, "act", None, None, None)],
        id="edge-from-nowhere-is-the-only-input",
    ),
    pytest.param(
        {**mlp(), "edges": [*mlp()["edges"], edge("act", "ghost")]},
        None,
        [(E.DANGLING_EDGE, "act", None, None, None)],
        id="edge-to-nowhere",
    ),
    # unknown_port
    pytest.param(
        {**mlp(), "edges": [edge("x", "fc"), edge("fc", "act", target_port="q"), edge("act", "y")]},
        None,
        [(E.UNKNOWN_PORT, "act", "q", None, None)],
        id="unknown-input-port",
    ),
    pytest.param(
        {**mlp(), "edges": [edge("x", "fc"), edge("fc", "act", source_port="h"), edge("act", "y")]},
        None,
        [(E.UNKNOWN_PORT, "fc", "h", None, None)],
        id="unknown-output-port",
    ),
    # missing_input
    pytest.param(
        document(
            [node("x", "Input", shape=[8]), node("add", "Add"), node("y", "Output")],
            [edge("x", "add", "a"), edge("add", "y")],
        ),
        None,
        [(E.MISSING_INPUT, "add", "b", None, None)],
        id="second-summand-missing",
    ),
    # extra_input
    pytest.param(
        document(
            [
                node("x", "Input", shape=[8]),
                node("r", "ReLU"),
                node("add", "Add"),
                node("y", "Output"),
            ],
            [edge("x", "r"), edge("x", "add", "a"), edge("r", "add", "a"), edge("add", "y")],
        ),
        None,
        [(E.EXTRA_INPUT, "add", "a", None, None)],
        id="port-connected-twice",
    ),
    pytest.param(
        {**mlp(), "edges": [*mlp()["edges"], edge("x", "act")]},
        None,
        [(E.EXTRA_INPUT, "act", None, None, None)],
        id="port-less-edge-with-no-free-port",
    ),
    pytest.param(
        {**mlp(), "edges": [*mlp()["edges"], edge("act", "x")]},
        None,
        [(E.EXTRA_INPUT, "x", None, None, None)],
        id="edge-into-an-input",
    ),
    # cross_network_edge: the two networks' own gaps are real problems of their own
    pytest.param(
        document(
            [
                {**node("x", "Input", shape=[8]), "network": "gen"},
                {**node("gy", "Output"), "network": "gen"},
                {**node("z", "Input", shape=[8]), "network": "disc"},
                {**node("d", "ReLU"), "network": "disc"},
                {**node("dy", "Output"), "network": "disc"},
            ],
            [edge("x", "gy"), edge("z", "d"), edge("d", "dy"), edge("x", "d")],
        ),
        None,
        [(E.CROSS_NETWORK_EDGE, "d", None, None, None)],
        id="edge-between-networks",
    ),
    # cycle
    pytest.param(
        document(
            [
                node("x", "Input", shape=[8]),
                node("add", "Add"),
                node("a", "ReLU"),
                node("b", "Tanh"),
                node("after", "Sigmoid"),
                node("y", "Output"),
            ],
            [
                edge("x", "add", "a"),
                edge("b", "add", "b"),
                edge("add", "a"),
                edge("a", "b"),
                edge("b", "after"),
                edge("after", "y"),
            ],
        ),
        None,
        [(E.CYCLE, "add", None, None, None)],
        id="cycle-with-a-tail",
    ),
    # no_input / no_output
    pytest.param(
        document([node("n", "Noise", shape=[4]), node("y", "Output")], [edge("n", "y")]),
        None,
        [],
        id="noise-source-counts-as-an-input",
    ),
    pytest.param(
        chain(node("x", "Input", shape=[8]), node("fc", "Linear")),
        None,
        [(E.NO_OUTPUT, None, None, "network", None)],
        id="no-output",
    ),
    pytest.param(
        document([], []),
        None,
        [(E.NO_INPUT, None, None, None, None)],
        id="empty-graph",
    ),
    pytest.param(
        chain(node("c", "Constant"), node("y", "Output")),
        None,
        [
            (E.UNKNOWN_TYPE, "c", None, "type", None),
            (E.NO_INPUT, None, None, "network", None),
        ],
        id="no-input",
    ),
    # unreachable
    pytest.param(
        mlp() | {"nodes": [*mlp()["nodes"], node("orphan", "ReLU")]},
        None,
        [(E.UNREACHABLE, "orphan", "x", None, None)],
        id="node-fed-by-nothing",
    ),
    # shape_mismatch, at the node and port that receives the wrong shape
    pytest.param(
        document(
            [
                node("x", "Input", shape=[8]),
                node("fc", "Linear", out_features=4),
                node("add", "Add"),
                node("after", "ReLU"),
                node("y", "Output"),
            ],
            [
                edge("x", "fc"),
                edge("fc", "add", "a"),
                edge("x", "add", "b"),
                edge("add", "after"),
                edge("after", "y"),
            ],
        ),
        None,
        [(E.SHAPE_MISMATCH, "add", "b", None, None)],
        id="residual-of-the-wrong-width",
    ),
    pytest.param(
        chain(node("x", "Input", shape=[8]), node("conv", "Conv2d"), node("y", "Output")),
        None,
        [(E.SHAPE_MISMATCH, "conv", "x", None, None)],
        id="conv-on-a-vector",
    ),
    pytest.param(
        document(
            [
                node("t", "Input", shape=[5, 8]),
                node("m", "Input", shape=[7, 6]),
                node("dec", "TransformerDecoderLayer", nhead=2),
                node("y", "Output"),
            ],
            [edge("t", "dec", "x"), edge("m", "dec", "memory"), edge("dec", "y")],
        ),
        None,
        [(E.SHAPE_MISMATCH, "dec", "memory", None, None)],
        id="decoder-memory-width",
    ),
    pytest.param(
        document(
            [node("x", "Input", shape=[5]), node("emb", "Embedding"), node("y", "Output")],
            [edge("x", "emb"), edge("emb", "y")],
        ),
        None,
        [(E.SHAPE_MISMATCH, "emb", "x", None, None)],
        id="float-into-embedding",
    ),
    # limit_exceeded
    pytest.param(
        mlp(fc=node("fc", "Linear", out_features=64)),
        Limits(max_params=100),
        [(E.LIMIT_EXCEEDED, "fc", None, "params", None)],
        id="too-many-parameters",
    ),
    pytest.param(
        mlp(),
        Limits(max_memory_bytes=1_000),
        [(E.LIMIT_EXCEEDED, "fc", None, "memory", None)],
        id="too-much-memory",
    ),
    pytest.param(
        mlp(),
        Limits(max_nodes=3),
        [(E.LIMIT_EXCEEDED, None, None, "nodes", None)],
        id="too-many-nodes",
    ),
    pytest.param(
        use_block("Stage", [relu_block("Stage")], repeat=10),
        Limits(max_nodes=20),
        [(E.LIMIT_EXCEEDED, None, None, "nodes", None)],
        id="too-many-nodes-once-expanded",
    ),
    pytest.param(
        mlp(),
        Limits(max_edges=2),
        [(E.LIMIT_EXCEEDED, None, None, "edges", None)],
        id="too-many-edges",
    ),
    pytest.param(
        use_block("Stage", [relu_block("Stage")], repeat=5),
        Limits(max_repeat=4),
        [(E.LIMIT_EXCEEDED, "stage", None, "repeat", None)],
        id="repeat-too-high",
    ),
    pytest.param(
        use_block("B2", nested_blocks(3)),
        Limits(max_block_depth=2),
        [(E.LIMIT_EXCEEDED, None, None, None, "B2")],
        id="blocks-nested-too-deep",
    ),
    pytest.param(
        json.dumps(mlp()),
        Limits(max_document_bytes=100),
        [(E.LIMIT_EXCEEDED, None, None, None, None)],
        id="document-too-large",
    ),
]


@pytest.mark.parametrize(("source", "limits", "expected"), CASES)
def test_check_reports_exactly_the_root_causes(
    source: Any, limits: Limits | None, expected: list[Where]
) -> None:
    result = check(source, limits)

    assert errors_at(result) == sorted(expected), [str(e) for e in result.errors]
    assert result.ok is (not expected)


@pytest.mark.parametrize(("source", "limits", "expected"), [c for c in CASES if c.values[2]])
def test_build_raises_the_same_issues(
    source: Any, limits: Limits | None, expected: list[Where]
) -> None:
    raw = source.encode() if isinstance(source, str) else source  # bytes: JSON, never a path
    with pytest.raises(GraphError) as caught:
        layerlab.build(raw, limits)

    assert sorted(where(i) for i in caught.value.issues) == sorted(expected)


# -- messages say what a person needs ------------------------------------------------------


def first_error(source: Any, limits: Limits | None = None) -> GraphIssue:
    result = check(source, limits)
    assert result.errors, "expected an error"
    return result.errors[0]


def test_unknown_type_suggests_the_closest_name() -> None:
    assert "did you mean 'Linear'?" in first_error(mlp(fc=node("fc", "Lineer"))).message
    assert "did you mean 'Conv2d'?" in first_error(mlp(fc=node("fc", "Conv2D"))).message


def test_unknown_type_suggests_a_block_of_the_document() -> None:
    doc = use_block("Stag", [relu_block("Stage")])

    assert "did you mean 'Stage'?" in first_error(doc).message


def test_unknown_type_without_a_close_name_has_no_hint() -> None:
    assert "did you mean" not in first_error(mlp(fc=node("fc", "Zzzzzzzz"))).message


def test_shape_mismatch_message_names_both_shapes() -> None:
    doc = document(
        [
            node("x", "Input", shape=[8]),
            node("fc", "Linear", out_features=3),
            node("add", "Add"),
            node("y", "Output"),
        ],
        [edge("x", "fc"), edge("fc", "add", "a"), edge("x", "add", "b"), edge("add", "y")],
    )

    message = first_error(doc).message

    assert "(3)" in message and "(8)" in message


def test_cycle_message_lists_the_cycle_in_order() -> None:
    doc = document(
        [
            node("x", "Input", shape=[8]),
            node("add", "Add"),
            node("p", "ReLU"),
            node("q", "Tanh"),
            node("y", "Output"),
        ],
        [
            edge("x", "add", "a"),
            edge("q", "add", "b"),
            edge("add", "p"),
            edge("p", "q"),
            edge("q", "y"),
        ],
    )

    assert first_error(doc).message == "cycle: add -> p -> q -> add"


def test_independent_cycles_are_each_reported_once() -> None:
    loop_nodes = []
    loop_edges = []
    for name in ("left", "right"):
        loop_nodes += [
            node(f"{name}_add", "Add"),
            node(f"{name}_act", "ReLU"),
            node(f"{name}_out", "Output"),
        ]
        loop_edges += [
            edge("x", f"{name}_add", "a"),
            edge(f"{name}_act", f"{name}_add", "b"),
            edge(f"{name}_add", f"{name}_act"),
            edge(f"{name}_act", f"{name}_out"),
        ]
    doc = document([node("x", "Input", shape=[8]), *loop_nodes], loop_edges)

    cycles = [e for e in check(doc).errors if e.code == Code.CYCLE]

    assert sorted(e.node_id or "" for e in cycles) == ["left_add", "right_add"]


def test_a_self_loop_is_a_cycle_of_one() -> None:
    doc = document(
        [node("x", "Input", shape=[8]), node("add", "Add"), node("y", "Output")],
        [edge("x", "add", "a"), edge("add", "add", "b"), edge("add", "y")],
    )

    assert first_error(doc).message == "cycle: add -> add"


def test_limit_messages_give_the_amount_and_the_limit() -> None:
    doc = mlp(fc=node("fc", "Linear", out_features=64))

    message = first_error(doc, Limits(max_params=100)).message

    assert "576" in message and "100" in message  # 8 * 64 weights + 64 biases


# -- one pass finds every independent problem ---------------------------------------------


def test_check_collects_all_independent_errors_in_one_pass() -> None:
    doc = document(
        [
            node("x", "Input", shape=[8]),
            node("a", "Relu"),  # unknown type
            node("b", "Linear", out_features=0),  # bad parameter
            node("c", "Tanh"),  # fed by nothing
            node("a_out", "Output"),
            node("b_out", "Output"),
            node("c_out", "Output"),
        ],
        [
            edge("x", "a"),
            edge("a", "a_out"),
            edge("x", "b"),
            edge("b", "b_out"),
            edge("c", "c_out"),
        ],
    )

    assert errors_at(check(doc)) == sorted(
        [
            (E.UNKNOWN_TYPE, "a", None, "type", None),
            (E.BAD_PARAM, "b", None, "out_features", None),
            (E.UNREACHABLE, "c", "x", None, None),
        ]
    )


def test_errors_in_blocks_and_at_the_top_level_come_together() -> None:
    broken = block(
        "Stage",
        [node("i", "Input"), node("fc", "Linear", out_features=-1), node("o", "Output")],
        [edge("i", "fc"), edge("fc", "o")],
    )
    doc = chain(
        node("x", "Input", shape=[8]),
        {"id": "stage", "type": "Stage"},
        node("y", "Output"),
        extra_nodes=(node("self", "ReLU"),),
        blocks=[broken],
    )

    assert errors_at(check(doc)) == sorted(
        [
            (E.BAD_PARAM, "fc", None, "out_features", "Stage"),
            (E.BAD_ID, "self", None, None, None),
        ]
    )


def test_the_same_bad_edge_many_times_is_one_error() -> None:
    doc = {**mlp(), "edges": [*mlp()["edges"], *[edge("x", "act")] * 500]}

    assert errors_at(check(doc)) == [(E.EXTRA_INPUT, "act", None, None, None)]


def test_a_broken_node_silences_everything_downstream() -> None:
    # Downstream of `bad`: a Linear, an Add that would mismatch, a Conv2d that would
    # reject its rank. None of them may be reported: only `bad` is a root cause.
    doc = document(
        [
            node("x", "Input", shape=[8]),
            node("bad", "Linear", out_features=0),
            node("fc", "Linear", out_features=5),
            node("add", "Add"),
            node("conv", "Conv2d"),
            node("y", "Output"),
        ],
        [
            edge("x", "bad"),
            edge("bad", "fc"),
            edge("fc", "add", "a"),
            edge("x", "add", "b"),
            edge("add", "conv"),
            edge("conv", "y"),
        ],
    )

    result = check(doc)
    assert errors_at(result) == [(E.BAD_PARAM, "bad", None, "out_features", None)]
    # What waits for `bad` is said, and only that (x is inferred, `bad` has its error).
    assert [(b.id, b.by) for b in result.blocked] == [
        ("fc", ["bad"]),
        ("add", ["bad"]),
        ("conv", ["bad"]),
        ("y", ["bad"]),
    ]


def test_a_healthy_branch_beside_a_broken_one_is_still_inferred() -> None:
    doc = document(
        [
            node("x", "Input", shape=[8]),
            node("bad", "Lineer"),
            node("good", "Linear", out_features=3),
            node("bad_out", "Output"),
            node("good_out", "Output"),
        ],
        [edge("x", "bad"), edge("bad", "bad_out"), edge("x", "good"), edge("good", "good_out")],
    )

    result = check(doc)

    shapes = {n.id: n.outputs for n in result.nodes}
    assert shapes["good"]["y"].shape == (3,)
    assert "bad" not in shapes and "bad_out" not in shapes
    # The unknown type is the root cause even though wiring left its edge out.
    assert [(b.id, b.by) for b in result.blocked] == [("bad_out", ["bad"])]


# -- warnings ------------------------------------------------------------------------------


def test_unused_is_a_warning_not_an_error() -> None:
    doc = {
        **mlp(),
        "nodes": [*mlp()["nodes"], node("side", "Tanh")],
        "edges": [*mlp()["edges"], edge("x", "side")],
    }

    result = check(doc)

    assert result.ok and result.errors == []
    assert [(w.code, w.node_id) for w in result.warnings] == [(E.UNUSED, "side")]
    layerlab.build(doc)  # a warning does not stop a build


# -- ports ---------------------------------------------------------------------------------


def wired_ports(result: CheckResult, target: str) -> dict[str, str]:
    return {e.target_port: e.source for e in result.edges if e.target == target}


def test_port_less_edges_fill_a_multi_input_node_in_port_order() -> None:
    doc = document(
        [
            node("x", "Input", shape=[2, 4]),
            node("fc", "Linear", out_features=4),
            node("r", "ReLU"),
            node("cat", "Concat"),
            node("y", "Output"),
        ],
        [
            edge("x", "fc"),
            edge("x", "r"),
            edge("fc", "cat"),
            edge("r", "cat"),
            edge("x", "cat"),
            edge("cat", "y"),
        ],
    )

    result = check(doc)

    assert result.ok, result.errors
    assert wired_ports(result, "cat") == {"a": "fc", "b": "r", "c": "x"}
    cat = next(n for n in result.nodes if n.id == "cat")
    assert cat.outputs["y"].shape == (6, 4)


def test_named_ports_are_taken_first_and_port_less_edges_fill_the_rest() -> None:
    # The port-less edge comes first in the list, yet port "a" is named by the later edge.
    doc = document(
        [node("x", "Input", shape=[8]), node("r", "ReLU"), node("add", "Add"), node("y", "Output")],
        [edge("x", "r"), edge("x", "add"), edge("r", "add", "a"), edge("add", "y")],
    )

    result = check(doc)

    assert result.ok, result.errors
    assert wired_ports(result, "add") == {"a": "r", "b": "x"}


def test_single_port_nodes_need_no_port_names() -> None:
    result = check(mlp())

    assert result.ok
    assert [(e.source, e.source_port, e.target, e.target_port) for e in result.edges] == [
        ("x", "y", "fc", "x"),
        ("fc", "y", "act", "x"),
        ("act", "y", "y", "x"),
    ]


# -- round trip ----------------------------------------------------------------------------


def test_positions_and_labels_survive_a_round_trip() -> None:
    doc = mlp()
    doc["name"] = "Round trip"
    doc["nodes"][0]["position"] = {"x": -12.5, "y": 40.0}
    doc["nodes"][1]["label"] = "hidden layer"
    doc["nodes"][1]["position"] = {"x": 200.0, "y": 40.0}
    doc["training"] = {"epochs": 3, "batch_size": 16}

    loaded = load_document(doc)
    text = document_json(loaded)
    again = load_document(text)

    assert again == loaded
    assert document_json(again) == text
    assert again.nodes[0].position is not None and again.nodes[0].position.x == -12.5
    assert again.nodes[1].label == "hidden layer"
    assert again.training == {"epochs": 3, "batch_size": 16}


def test_canonical_json_leaves_defaults_out() -> None:
    text = document_json(load_document(mlp()))

    body = json.loads(text)
    assert body["format"] == "layerlab.graph" and body["version"] == 1
    assert all("repeat" not in n and "position" not in n for n in body["nodes"])


def test_a_loaded_document_is_accepted_as_is() -> None:
    loaded = load_document(mlp())

    assert isinstance(loaded, GraphDocument)
    assert load_document(loaded) is loaded
    assert check(loaded).ok
