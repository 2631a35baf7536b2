"""Inputs and parameters a node cannot accept: each shape function refuses them with a
ShapeError that says where (port, field), and `layerlab.check` turns that into one
located error on the node, with both shapes in the message where two meet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

import layerlab
from layerlab.graph.errors import Code
from layerlab.ops import REGISTRY, ShapeError, TensorSpec, spec
from tests.ops.harness import NODE_ID, Case, one_node_document


@dataclass(frozen=True)
class Refusal:
    """An invalid case and where its error must point. `shapes` must all appear in
    the message (the two shapes that disagree, or the one that does not fit)."""

    case: Case
    port: str | None = None
    field: str | None = None
    shapes: tuple[TensorSpec, ...] = ()


def refusal(
    case_id: str,
    type_name: str,
    params: dict[str, Any],
    inputs: dict[str, TensorSpec],
    *,
    port: str | None = None,
    field: str | None = None,
    shapes: tuple[TensorSpec, ...] = (),
) -> Any:
    return pytest.param(Refusal(Case(type_name, params, inputs), port, field, shapes), id=case_id)


REFUSALS = [
    refusal("Conv2d-rank2", "Conv2d", {}, {"x": spec(8, 8)}, port="x", shapes=(spec(8, 8),)),
    refusal("Conv1d-rank3", "Conv1d", {}, {"x": spec(2, 8, 8)}, port="x", shapes=(spec(2, 8, 8),)),
    refusal(
        "Conv2d-kernel-larger-than-input",
        "Conv2d",
        {"kernel_size": 5},
        {"x": spec(3, 4, 4)},
        field="kernel_size",
        shapes=(spec(3, 4, 4),),
    ),
    refusal(
        "Conv2d-same-with-stride2",
        "Conv2d",
        {"padding": "same", "stride": 2},
        {"x": spec(3, 8, 8)},
        field="padding",
    ),
    refusal(
        "Conv2d-groups-not-dividing-in-channels",
        "Conv2d",
        {"groups": 2, "out_channels": 4},
        {"x": spec(3, 8, 8)},
        field="groups",
    ),
    refusal(
        "Conv2d-groups-not-dividing-out-channels",
        "Conv2d",
        {"groups": 2, "out_channels": 5},
        {"x": spec(4, 8, 8)},
        field="groups",
    ),
    refusal(
        "ConvTranspose2d-output-padding-not-below-stride",
        "ConvTranspose2d",
        {"stride": 2, "output_padding": 2},
        {"x": spec(4, 5, 5)},
        field="output_padding",
    ),
    refusal(
        "MaxPool2d-padding-over-half-window",
        "MaxPool2d",
        {"kernel_size": 2, "padding": 2},
        {"x": spec(3, 8, 8)},
        field="padding",
    ),
    refusal(
        "AvgPool2d-window-larger-than-input",
        "AvgPool2d",
        {"kernel_size": 5},
        {"x": spec(3, 4, 4)},
        field="kernel_size",
        shapes=(spec(3, 4, 4),),
    ),
    refusal("Upsample-rank2", "Upsample", {}, {"x": spec(4, 4)}, port="x", shapes=(spec(4, 4),)),
    refusal("BatchNorm2d-rank2", "BatchNorm2d", {}, {"x": spec(3, 4)}, port="x"),
    refusal("LayerNorm-dims-over-rank", "LayerNorm", {"dims": 3}, {"x": spec(3, 4)}, field="dims"),
    refusal("LSTM-rank3", "LSTM", {}, {"x": spec(2, 5, 3)}, port="x", shapes=(spec(2, 5, 3),)),
    refusal(
        "PatchEmbedding-patch-not-dividing-image",
        "PatchEmbedding",
        {"patch_size": 3},
        {"x": spec(3, 8, 8)},
        field="patch_size",
    ),
    refusal(
        "MultiheadAttention-heads-not-dividing-embed",
        "MultiheadAttention",
        {"num_heads": 3},
        {"query": spec(5, 8)},
        port="query",
        field="num_heads",
    ),
    refusal(
        "MultiheadAttention-value-length-differs-from-key",
        "MultiheadAttention",
        {"num_heads": 2},
        {"query": spec(5, 8), "key": spec(7, 8), "value": spec(6, 8)},
        port="value",
        shapes=(spec(6, 8), spec(7, 8)),
    ),
    refusal(
        "MultiheadAttention-causal-cross-lengths",
        "MultiheadAttention",
        {"causal": True},
        {"query": spec(5, 8), "key": spec(7, 8)},
        field="causal",
    ),
    refusal(
        "GroupNorm-channels-not-divisible",
        "GroupNorm",
        {"num_groups": 4},
        {"x": spec(6, 4, 4)},
        field="num_groups",
    ),
    refusal(
        "TimestepEmbedding-two-steps-per-sample",
        "TimestepEmbedding",
        {},
        {"t": spec(2, dtype="int64")},
        port="t",
        shapes=(spec(2, dtype="int64"),),
    ),
    refusal(
        "Add-broadcast-needs-the-same-rank",
        "Add",
        {"broadcast": True},
        {"a": spec(4, 3, 3), "b": spec(4)},
        port="b",
        shapes=(spec(4, 3, 3), spec(4)),
    ),
    refusal(
        "Add-without-broadcast-refuses-size-1-axes",
        "Add",
        {},
        {"a": spec(4, 3, 3), "b": spec(4, 1, 1)},
        port="b",
        shapes=(spec(4, 3, 3), spec(4, 1, 1)),
    ),
    refusal(
        "MultiheadAttention-window-cross-lengths",
        "MultiheadAttention",
        {"window": 2},
        {"query": spec(5, 8), "key": spec(7, 8)},
        field="window",
    ),
    refusal(
        "MultiheadAttention-global-tokens-without-window",
        "MultiheadAttention",
        {"global_tokens": 1},
        {"query": spec(5, 8)},
        field="global_tokens",
    ),
    refusal(
        "TransformerEncoderLayer-more-global-tokens-than-positions",
        "TransformerEncoderLayer",
        {"nhead": 2, "window": 2, "global_tokens": 6},
        {"x": spec(5, 8)},
        field="global_tokens",
    ),
    refusal(
        "TransformerEncoderLayer-heads-not-dividing-embed",
        "TransformerEncoderLayer",
        {"nhead": 3},
        {"x": spec(5, 8)},
        port="x",
        field="nhead",
    ),
    refusal(
        "TransformerDecoderLayer-memory-width-mismatch",
        "TransformerDecoderLayer",
        {},
        {"x": spec(5, 8), "memory": spec(7, 6)},
        port="memory",
        shapes=(spec(7, 6), spec(5, 8)),
    ),
    refusal(
        "PositionalEncoding-longer-than-max-len",
        "PositionalEncoding",
        {"max_len": 8},
        {"x": spec(10, 4)},
        field="max_len",
    ),
    refusal(
        "Add-different-shapes",
        "Add",
        {},
        {"a": spec(4, 3), "b": spec(4, 1)},
        port="b",
        shapes=(spec(4, 3), spec(4, 1)),
    ),
    refusal(
        "Concat-mismatch-off-axis",
        "Concat",
        {"dim": 0},
        {"a": spec(2, 3), "b": spec(5, 4)},
        port="b",
        shapes=(spec(2, 3), spec(5, 4)),
    ),
    refusal(
        "Concat-rank-mismatch-in-c",
        "Concat",
        {"dim": 0},
        {"a": spec(2, 3), "b": spec(1, 3), "c": spec(6)},
        port="c",
        shapes=(spec(2, 3), spec(6)),
    ),
    refusal(
        "Concat-dim-out-of-range", "Concat", {"dim": 2}, {"a": spec(2), "b": spec(3)}, field="dim"
    ),
    refusal(
        "Reshape-impossible",
        "Reshape",
        {"shape": [5]},
        {"x": spec(2, 6)},
        field="shape",
        shapes=(spec(2, 6),),
    ),
    refusal(
        "Reshape-minus-one-not-dividing",
        "Reshape",
        {"shape": [-1, 5]},
        {"x": spec(2, 6)},
        field="shape",
        shapes=(spec(2, 6),),
    ),
    refusal("Reshape-two-unknowns", "Reshape", {"shape": [-1, -1]}, {"x": spec(12)}, field="shape"),
    refusal(
        "Flatten-start-after-end",
        "Flatten",
        {"start_dim": 2, "end_dim": 1},
        {"x": spec(2, 3, 4)},
        field="start_dim",
    ),
    refusal(
        "Flatten-end-out-of-range", "Flatten", {"end_dim": 3}, {"x": spec(2, 3, 4)}, field="end_dim"
    ),
    refusal("Softmax-dim-out-of-range", "Softmax", {"dim": 2}, {"x": spec(3, 4)}, field="dim"),
    refusal(
        "Select-index-out-of-range",
        "Select",
        {"dim": 1, "index": 4},
        {"x": spec(3, 4)},
        field="index",
        shapes=(spec(3, 4),),
    ),
    refusal(
        "Reparameterize-mean-logvar-mismatch",
        "Reparameterize",
        {},
        {"mean": spec(4), "logvar": spec(5)},
        port="logvar",
        shapes=(spec(4), spec(5)),
    ),
]


@pytest.mark.parametrize("refused", REFUSALS)
def test_shape_function_raises_a_located_shape_error(refused: Refusal) -> None:
    case = refused.case
    with pytest.raises(ShapeError) as caught:
        case.op.infer(case.parsed(), dict(case.inputs))
    error = caught.value
    assert str(error).strip()
    assert (error.port, error.field) == (refused.port, refused.field)
    # Locations name real things: the editor marks this port or this inspector field.
    assert error.port is None or error.port in {p.name for p in case.op.inputs}
    assert error.field is None or error.field in case.op.Params.model_fields
    for shape in refused.shapes:
        assert str(shape) in str(error)


@pytest.mark.parametrize("refused", REFUSALS)
def test_check_reports_one_shape_mismatch_on_the_node(refused: Refusal) -> None:
    result = layerlab.check(one_node_document(refused.case))
    assert not result.ok
    # Only the root cause: nothing about the Outputs downstream of the node.
    [error] = result.errors
    assert error.code == Code.SHAPE_MISMATCH
    assert (error.node_id, error.port, error.field) == (NODE_ID, refused.port, refused.field)
    for shape in refused.shapes:
        assert str(shape) in error.message


BAD_PARAMS = [
    pytest.param("Linear", {"out_features": 0}, "out_features", id="Linear-out_features-0"),
    pytest.param("Linear", {"out_features": "ten"}, "out_features", id="Linear-wrong-type"),
    pytest.param("Linear", {"out_features": 2.5}, "out_features", id="Linear-fractional"),
    # Sizes that follow from the input are inferred, never typed.
    pytest.param("Linear", {"in_features": 8}, "in_features", id="Linear-inferred-field"),
    pytest.param("Conv2d", {"kernel_size": [3, 3, 3]}, "kernel_size", id="Conv2d-3-axes"),
    pytest.param("Conv2d", {"padding": "full"}, "padding", id="Conv2d-unknown-padding"),
    pytest.param("Dropout", {"p": 1.0}, "p", id="Dropout-p-1"),
    pytest.param("GELU", {"approximate": "erf"}, "approximate", id="GELU-unknown-literal"),
    pytest.param("LSTM", {"hidden_size": -4}, "hidden_size", id="LSTM-negative"),
    pytest.param("ReLU", {"inplace": True}, "inplace", id="ReLU-unknown-field"),
]


@pytest.mark.parametrize(("type_name", "params", "field"), BAD_PARAMS)
def test_bad_param_names_the_node_and_the_field(
    type_name: str, params: dict[str, Any], field: str
) -> None:
    op = REGISTRY[type_name]
    with pytest.raises(ValidationError):
        op.parse_params(params)
    result = layerlab.check(one_node_document(Case(type_name, params, dict(op.example))))
    [error] = result.errors
    assert error.code == Code.BAD_PARAM
    assert (error.node_id, error.field) == (NODE_ID, field)
    assert field in error.message
