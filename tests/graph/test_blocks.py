"""Blocks: reusable subgraphs with parameters, repeated and nested.

Shapes come from `check`; numbers from the compiled module, compared with the same
computation written by hand from its own state_dict.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F

import layerlab
from layerlab.graph.check import CheckResult, check
from layerlab.graph.errors import Code, GraphError
from layerlab.graph.limits import Limits
from tests.graph.drafting import edge, node


def instance(node_id: str, block: str, repeat: int = 1, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": block, "repeat": repeat, "params": params}


def chain_edges(*ids: str) -> list[dict[str, Any]]:
    return [edge(a, b) for a, b in zip(ids, ids[1:], strict=False)]


def document(nodes: list[dict], edges: list[dict], blocks: list[dict]) -> dict[str, Any]:
    return {"nodes": nodes, "edges": edges, "blocks": blocks}


def dense_block(name: str = "Dense", width: Any = 16) -> dict[str, Any]:
    """i -> fc Linear($width) -> act Tanh -> o, with `width` defaulting to `width`."""
    return {
        "name": name,
        "params": {"width": width},
        "nodes": [
            node("i", "Input"),
            node("fc", "Linear", out_features="$width"),
            node("act", "Tanh"),
            node("o", "Output"),
        ],
        "edges": chain_edges("i", "fc", "act", "o"),
    }


def one_instance(block_def: dict, repeat: int = 1, shape: list[int] | None = None, **params: Any):
    """x -> layer (an instance of the block) -> y."""
    return document(
        [
            node("x", "Input", shape=shape or [8]),
            instance("layer", block_def["name"], repeat, **params),
            node("y", "Output"),
        ],
        chain_edges("x", "layer", "y"),
        [block_def],
    )


def report(result: CheckResult, node_id: str) -> Any:
    found = [n for n in [*result.nodes, *result.inner] if n.id == node_id]
    assert found, f"{node_id} not in the report"
    return found[0]


def codes(result: CheckResult) -> list[tuple[Code, str | None, str | None, str | None]]:
    return [(e.code, e.node_id, e.field, e.block) for e in result.errors]


# -- repeat ------------------------------------------------------------------------------


def test_repeat_chains_each_copy_into_the_next() -> None:
    doc = one_instance(dense_block(), repeat=3, width=4)

    result = check(doc)

    assert result.ok, result.errors
    # copy 0 reads the document's 8 features; copies 1 and 2 read the previous copy's 4
    assert report(result, "layer.0.fc").inputs["x"].shape == (8,)
    assert report(result, "layer.1.fc").inputs["x"].shape == (4,)
    assert report(result, "layer.2.fc").inputs["x"].shape == (4,)
    assert report(result, "layer").outputs["o"].shape == (4,)


def test_repeated_copies_compute_one_after_another() -> None:
    doc = one_instance(dense_block(), repeat=3, width=4)
    model = layerlab.build(doc)
    weights = model.state_dict()
    x = torch.randn(5, 8)

    expected = x
    for copy in range(3):
        w, b = weights[f"layer.{copy}.fc.weight"], weights[f"layer.{copy}.fc.bias"]
        expected = torch.tanh(F.linear(expected, w, b))

    torch.testing.assert_close(model(x), expected)


def test_copies_have_their_own_weights() -> None:
    model = layerlab.build(one_instance(dense_block(), repeat=2, width=8))
    weights = model.state_dict()

    assert weights["layer.0.fc.weight"].data_ptr() != weights["layer.1.fc.weight"].data_ptr()
    assert not torch.equal(weights["layer.0.fc.weight"], weights["layer.1.fc.weight"])


def test_one_copy_is_not_wrapped_in_a_list() -> None:
    model = layerlab.build(one_instance(dense_block(), repeat=1, width=4))

    assert sorted(model.state_dict()) == ["layer.fc.bias", "layer.fc.weight"]


# -- parameters --------------------------------------------------------------------------


def test_dollar_values_take_the_block_default() -> None:
    result = check(one_instance(dense_block(width=6)))

    assert result.ok, result.errors
    assert report(result, "layer.fc").outputs["y"].shape == (6,)


def test_instance_params_override_the_default() -> None:
    result = check(one_instance(dense_block(width=6), width=3))

    assert report(result, "layer.fc").outputs["y"].shape == (3,)


def test_two_instances_of_one_block_with_different_params() -> None:
    doc = document(
        [
            node("x", "Input", shape=[8]),
            instance("wide", "Dense", width=32),
            instance("narrow", "Dense", width=2),
            node("y", "Output"),
        ],
        chain_edges("x", "wide", "narrow", "y"),
        [dense_block()],
    )

    result = check(doc)

    assert report(result, "wide.fc").outputs["y"].shape == (32,)
    assert report(result, "narrow.fc").inputs["x"].shape == (32,)
    assert report(result, "narrow.fc").outputs["y"].shape == (2,)


def test_unknown_instance_param_is_located_at_the_instance() -> None:
    result = check(one_instance(dense_block(), widht=3))

    assert codes(result) == [(Code.BAD_PARAM, "layer", "widht", None)]
    assert "width" in result.errors[0].message  # says which parameters exist


def test_dollar_name_that_names_no_block_param() -> None:
    broken = dense_block()
    broken["nodes"][1]["params"]["out_features"] = "$depth"

    result = check(one_instance(broken))

    assert codes(result) == [(Code.BAD_PARAM, "fc", "out_features", "Dense")]
    assert "$depth" in result.errors[0].message


def test_a_substituted_value_is_validated_like_any_param() -> None:
    result = check(one_instance(dense_block(), width=0))

    assert codes(result) == [(Code.BAD_PARAM, "fc", "out_features", "Dense")]
    assert result.errors[0].path == "layer.fc"


# -- errors inside blocks: once, located ----------------------------------------------------


def test_an_error_inside_a_block_is_reported_once_for_all_copies_and_instances() -> None:
    broken = dense_block()
    broken["nodes"][2] = node("act", "Softmax", dim=3)  # out of range for a (width,) vector
    doc = document(
        [
            node("x", "Input", shape=[8]),
            instance("first", "Dense", repeat=3),
            node("x2", "Input", shape=[8]),
            instance("second", "Dense", repeat=2),
            node("y", "Output"),
            node("y2", "Output"),
        ],
        [*chain_edges("x", "first", "y"), *chain_edges("x2", "second", "y2")],
        [broken],
    )

    result = check(doc)

    assert codes(result) == [(Code.SHAPE_MISMATCH, "act", "dim", "Dense")]
    assert result.errors[0].path == "first.0.act"  # where it was first met


def test_structural_errors_in_a_block_are_found_without_any_instance() -> None:
    broken = dense_block()
    broken["nodes"].append(node("stray", "Lineer"))
    doc = {**one_instance(dense_block("Other")), "blocks": [dense_block("Other"), broken]}

    result = check(doc)

    assert codes(result) == [(Code.UNKNOWN_TYPE, "stray", "type", "Dense")]


def test_a_shape_error_inside_one_copy_only() -> None:
    # A residual block: fine while the width stays 8, broken once a copy reads width 4.
    residual = {
        "name": "Residual",
        "params": {"width": 8},
        "nodes": [
            node("i", "Input"),
            node("fc", "Linear", out_features="$width"),
            node("add", "Add"),
            node("shrink", "Linear", out_features=4),
            node("o", "Output"),
        ],
        "edges": [
            edge("i", "fc"),
            edge("fc", "add", "a"),
            edge("i", "add", "b"),
            edge("add", "shrink"),
            edge("shrink", "o"),
        ],
    }

    result = check(one_instance(residual, repeat=3))

    assert [(e.code, e.node_id, e.port, e.block, e.path) for e in result.errors] == [
        (Code.SHAPE_MISMATCH, "add", "b", "Residual", "layer.1.add")
    ]


# -- nesting -------------------------------------------------------------------------------


def stage_of(inner: str, name: str = "Stage", repeat: int = 2) -> dict[str, Any]:
    """i -> inner (an instance of block `inner`, repeated) -> o."""
    return {
        "name": name,
        "nodes": [node("i", "Input"), instance("inner", inner, repeat), node("o", "Output")],
        "edges": chain_edges("i", "inner", "o"),
    }


def test_a_block_inside_a_block() -> None:
    doc = document(
        [node("x", "Input", shape=[8]), instance("layer1", "Stage", repeat=2), node("y", "Output")],
        chain_edges("x", "layer1", "y"),
        [dense_block(width=4), stage_of("Dense", repeat=2)],
    )

    result = check(doc)
    model = layerlab.build(doc)

    assert result.ok, result.errors
    assert report(result, "layer1.1.inner.0.fc").inputs["x"].shape == (4,)
    fc_weights = sorted(k for k in model.state_dict() if k.endswith("fc.weight"))
    assert fc_weights == [f"layer1.{s}.inner.{d}.fc.weight" for s in (0, 1) for d in (0, 1)]
    assert model(torch.randn(3, 8)).shape == (3, 4)


def test_block_nesting_at_the_limit_is_fine_and_one_deeper_is_not() -> None:
    def nested(depth: int) -> dict[str, Any]:
        blocks = [dense_block("B0", width=4)]
        blocks += [stage_of(f"B{k - 1}", name=f"B{k}", repeat=1) for k in range(1, depth)]
        return document(
            [node("x", "Input", shape=[8]), instance("top", f"B{depth - 1}"), node("y", "Output")],
            chain_edges("x", "top", "y"),
            blocks,
        )

    limits = Limits(max_block_depth=4)

    at_limit = check(nested(4), limits)
    too_deep = check(nested(5), limits)

    assert at_limit.ok, at_limit.errors
    assert report(at_limit, "top.inner.inner.inner.fc").outputs["y"].shape == (4,)
    assert codes(too_deep) == [(Code.LIMIT_EXCEEDED, None, None, "B4")]


@pytest.mark.parametrize(
    ("blocks", "looping"),
    [
        ([stage_of("Stage", name="Stage")], "Stage"),
        ([stage_of("Other", name="Stage"), stage_of("Stage", name="Other")], "Stage"),
    ],
    ids=["directly", "through-another-block"],
)
def test_a_block_that_uses_itself(blocks: list[dict], looping: str) -> None:
    doc = document(
        [node("x", "Input", shape=[8]), instance("layer", "Stage"), node("y", "Output")],
        chain_edges("x", "layer", "y"),
        blocks,
    )

    result = check(doc)

    assert codes(result) == [(Code.BAD_BLOCK, None, None, looping)]
    assert "uses itself" in result.errors[0].message
    with pytest.raises(GraphError):
        layerlab.build(doc)


# -- malformed blocks ----------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["Input", "Output"])
def test_a_block_needs_input_and_output_nodes(missing: str) -> None:
    portless = dense_block()
    portless["nodes"] = [n for n in portless["nodes"] if n["type"] != missing]
    portless["edges"] = [
        e
        for e in portless["edges"]
        if {e["source"], e["target"]} <= {n["id"] for n in portless["nodes"]}
    ]

    result = check(one_instance(portless))

    bad_block = [e for e in result.errors if e.code == Code.BAD_BLOCK]
    assert [(e.block, missing in e.message) for e in bad_block] == [("Dense", True)]
    # the instance and what it feeds are not blamed for the block's fault
    assert not [e for e in result.errors if e.block is None]


def test_a_block_named_like_a_built_in_type() -> None:
    doc = one_instance(dense_block("Linear"))

    result = check(doc)

    assert codes(result) == [(Code.BAD_BLOCK, None, None, "Linear")]


def test_repeat_beyond_the_limit() -> None:
    result = check(one_instance(dense_block(), repeat=300))

    assert codes(result) == [(Code.LIMIT_EXCEEDED, "layer", "repeat", None)]


# -- several inputs and outputs ------------------------------------------------------------


def decoder_block() -> dict[str, Any]:
    return {
        "name": "Decoder",
        "params": {"heads": 2},
        "nodes": [
            node("x", "Input"),
            node("memory", "Input"),
            node(
                "layer", "TransformerDecoderLayer", nhead="$heads", dim_feedforward=16, dropout=0.0
            ),
            node("o", "Output"),
        ],
        "edges": [edge("x", "layer", "x"), edge("memory", "layer", "memory"), edge("layer", "o")],
    }


def decoder_document(repeat: int) -> dict[str, Any]:
    return document(
        [
            node("target", "Input", shape=[5, 8]),
            node("source", "Input", shape=[7, 8]),
            instance("decoder", "Decoder", repeat),
            node("y", "Output"),
        ],
        [
            edge("target", "decoder", "x"),
            edge("source", "decoder", "memory"),
            edge("decoder", "y"),
        ],
        [decoder_block()],
    )


def test_non_first_inputs_are_shared_by_every_copy() -> None:
    result = check(decoder_document(repeat=3))

    assert result.ok, result.errors
    for copy in range(3):
        layer = report(result, f"decoder.{copy}.layer")
        assert layer.inputs["memory"].shape == (7, 8)
        assert layer.inputs["x"].shape == (5, 8)


def test_shared_inputs_reach_every_copy_when_run() -> None:
    model = layerlab.build(decoder_document(repeat=3)).eval()
    target, source = torch.randn(2, 5, 8), torch.randn(2, 7, 8)

    expected = target
    for copy in range(3):
        expected = model.get_submodule(f"decoder.{copy}")(expected, source)

    torch.testing.assert_close(model(target, source), expected)


def test_a_block_with_two_outputs_chains_its_first() -> None:
    split = {
        "name": "Split",
        "nodes": [
            node("i", "Input"),
            node("main", "Linear", out_features=6),
            node("side", "Linear", out_features=2),
            node("main_out", "Output"),
            node("side_out", "Output"),
        ],
        "edges": [*chain_edges("i", "main", "main_out"), *chain_edges("i", "side", "side_out")],
    }
    doc = document(
        [
            node("x", "Input", shape=[8]),
            instance("s", "Split", repeat=2),
            node("y_main", "Output"),
            node("y_side", "Output"),
        ],
        [
            edge("x", "s"),
            {"source": "s", "target": "y_main", "source_port": "main_out"},
            {"source": "s", "target": "y_side", "source_port": "side_out"},
        ],
        [split],
    )

    result = check(doc)
    main, side = layerlab.build(doc)(torch.randn(3, 8))

    assert result.ok, result.errors
    assert report(result, "s.1.main").inputs["x"].shape == (6,)  # fed by copy 0's main_out
    assert (main.shape, side.shape) == ((3, 6), (3, 2))


# -- what the report says about the inside -------------------------------------------------


def test_inner_nodes_are_reported_with_dotted_paths() -> None:
    result = check(one_instance(dense_block(), repeat=2, width=4))

    assert [n.id for n in result.inner] == [
        f"layer.{copy}.{inner}" for copy in (0, 1) for inner in ("i", "fc", "act", "o")
    ]
    assert result.totals.nodes == 3 + 8


def test_instance_params_and_flops_add_up_the_inside() -> None:
    result = check(one_instance(dense_block(), repeat=3, width=4))

    layer = report(result, "layer")
    inside = [n for n in result.inner if n.id.startswith("layer.")]
    model = layerlab.build(one_instance(dense_block(), repeat=3, width=4))

    assert layer.params == sum(n.params for n in inside) > 0
    assert layer.flops == sum(n.flops for n in inside) > 0
    assert layer.params == sum(p.numel() for p in model.parameters())
    assert result.totals.params == layer.params


def test_state_dict_keys_follow_instance_copy_and_node_ids() -> None:
    conv = {
        "name": "BasicBlock",
        "params": {"channels": 4},
        "nodes": [
            node("i", "Input"),
            node("conv1", "Conv2d", out_channels="$channels", kernel_size=3, padding=1),
            node("bn1", "BatchNorm2d"),
            node("o", "Output"),
        ],
        "edges": chain_edges("i", "conv1", "bn1", "o"),
    }
    doc = document(
        [
            node("x", "Input", shape=[3, 8, 8]),
            instance("layer1", "BasicBlock", 2),
            node("y", "Output"),
        ],
        chain_edges("x", "layer1", "y"),
        [conv],
    )

    keys = set(layerlab.build(doc).state_dict())

    assert {"layer1.0.conv1.weight", "layer1.1.conv1.weight", "layer1.1.bn1.running_mean"} <= keys
