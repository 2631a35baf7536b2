"""Non-default variants of the node types: parameters and inputs that exercise the
branches the defaults leave alone (padding modes, strides, groups, directions,
cross-attention, several inputs). Each is checked against real execution."""

from __future__ import annotations

from typing import Any

import pytest

from layerlab.ops import TensorSpec, spec
from tests.ops.harness import Case

ParamSet = tuple[str, Case]


def variant(case_id: str, type_name: str, params: dict[str, Any], **inputs: TensorSpec) -> ParamSet:
    return case_id, Case(type_name, dict(params), dict(inputs))


VARIANTS: list[ParamSet] = [
    # -- convolution --------------------------------------------------------------------
    variant("Conv2d-same", "Conv2d", {"out_channels": 4, "padding": "same"}, x=spec(3, 7, 6)),
    # An even kernel makes torch pad asymmetrically for "same".
    variant(
        "Conv2d-same-even-kernel",
        "Conv2d",
        {"out_channels": 4, "kernel_size": 4, "padding": "same"},
        x=spec(2, 7, 6),
    ),
    variant("Conv2d-valid", "Conv2d", {"out_channels": 4, "padding": "valid"}, x=spec(3, 7, 6)),
    variant(
        "Conv2d-tuple-kernel",
        "Conv2d",
        {"out_channels": 5, "kernel_size": [3, 5], "padding": [1, 2], "stride": [1, 2]},
        x=spec(3, 8, 9),
    ),
    variant(
        "Conv2d-stride2-pad1",
        "Conv2d",
        {"out_channels": 4, "stride": 2, "padding": 1, "bias": False},
        x=spec(3, 9, 8),
    ),
    variant("Conv2d-dilation2", "Conv2d", {"out_channels": 4, "dilation": 2}, x=spec(3, 9, 9)),
    variant("Conv2d-groups2", "Conv2d", {"out_channels": 6, "groups": 2}, x=spec(4, 6, 6)),
    variant(
        "Conv2d-depthwise",
        "Conv2d",
        {"out_channels": 4, "groups": 4, "padding": 1},
        x=spec(4, 5, 5),
    ),
    variant(
        "Conv1d-stride2-pad1",
        "Conv1d",
        {"out_channels": 5, "kernel_size": 5, "stride": 2, "padding": 1},
        x=spec(2, 17),
    ),
    variant(
        "Conv1d-same-dilation2",
        "Conv1d",
        {"out_channels": 3, "padding": "same", "dilation": 2},
        x=spec(2, 10),
    ),
    variant(
        "ConvTranspose2d-output-padding",
        "ConvTranspose2d",
        {"out_channels": 3, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        x=spec(4, 5, 6),
    ),
    variant(
        "ConvTranspose2d-groups-tuple",
        "ConvTranspose2d",
        {"out_channels": 6, "kernel_size": [3, 2], "stride": [1, 2], "padding": 0, "groups": 2},
        x=spec(4, 3, 4),
    ),
    # -- pooling and resampling -----------------------------------------------------------
    variant(
        "MaxPool2d-ceil-padding",
        "MaxPool2d",
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
        x=spec(2, 8, 7),
    ),
    # 5 + 2*1 - 2 = 5 over stride 2 rounds up to a 4th window that would start in the
    # padding: torch drops it, so the output is 3.
    variant(
        "MaxPool2d-ceil-drops-window-in-padding",
        "MaxPool2d",
        {"kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": True},
        x=spec(1, 5, 5),
    ),
    variant(
        "AvgPool2d-ceil-padding",
        "AvgPool2d",
        {"kernel_size": [3, 2], "stride": [2, 3], "padding": [1, 0], "ceil_mode": True},
        x=spec(2, 7, 8),
    ),
    variant("AvgPool2d-stride1", "AvgPool2d", {"kernel_size": 3, "stride": 1}, x=spec(2, 5, 6)),
    variant("AdaptiveAvgPool2d-3x2", "AdaptiveAvgPool2d", {"output_size": [3, 2]}, x=spec(2, 7, 5)),
    variant(
        "Upsample-bilinear", "Upsample", {"scale_factor": 3, "mode": "bilinear"}, x=spec(2, 3, 4)
    ),
    # -- recurrent --------------------------------------------------------------------------
    *(
        variant(
            f"{kind}-bidirectional-2-layers",
            kind,
            {"hidden_size": 6, "num_layers": 2, "bidirectional": True},
            x=spec(4, 3),
        )
        for kind in ("RNN", "LSTM", "GRU")
    ),
    variant(
        "RNN-relu-no-bias",
        "RNN",
        {"hidden_size": 5, "nonlinearity": "relu", "bias": False},
        x=spec(3, 4),
    ),
    variant("LSTM-3-layers", "LSTM", {"hidden_size": 4, "num_layers": 3}, x=spec(3, 2)),
    # -- attention --------------------------------------------------------------------------
    variant(
        "MultiheadAttention-cross-kdim-vdim",
        "MultiheadAttention",
        {"num_heads": 2},
        query=spec(5, 8),
        key=spec(7, 6),
        value=spec(7, 3),
    ),
    variant(
        "MultiheadAttention-cross-key-only",
        "MultiheadAttention",
        {"num_heads": 4},
        query=spec(3, 8),
        key=spec(6, 8),
    ),
    # Value without key: the key is the query, so value needs the query's length.
    variant(
        "MultiheadAttention-value-only",
        "MultiheadAttention",
        {"num_heads": 2},
        query=spec(4, 8),
        value=spec(4, 5),
    ),
    variant(
        "MultiheadAttention-causal-no-bias",
        "MultiheadAttention",
        {"num_heads": 2, "causal": True, "bias": False},
        query=spec(6, 8),
    ),
    # Sliding windows: lengths where the window kernel is cheaper than the full scores
    # (and one where it is not, so the pattern is a mask on the full scores), ragged
    # chunks, global tokens, separate key and value projections.
    variant(
        "MultiheadAttention-window-causal",
        "MultiheadAttention",
        {"num_heads": 2, "causal": True, "window": 2},
        query=spec(12, 8),
    ),
    variant(
        "MultiheadAttention-window-global",
        "MultiheadAttention",
        {"num_heads": 2, "window": 2, "global_tokens": 2},
        query=spec(12, 8),
    ),
    variant(
        "MultiheadAttention-window-causal-global-ragged",
        "MultiheadAttention",
        {"num_heads": 2, "causal": True, "window": 3, "global_tokens": 1},
        query=spec(13, 8),
    ),
    variant(
        "MultiheadAttention-window-as-mask",
        "MultiheadAttention",
        {"num_heads": 2, "window": 2, "global_tokens": 1},
        query=spec(5, 8),
    ),
    variant(
        "MultiheadAttention-window-kdim-vdim",
        "MultiheadAttention",
        {"num_heads": 2, "window": 2, "dropout": 0.2},
        query=spec(12, 8),
        key=spec(12, 6),
        value=spec(12, 4),
    ),
    variant(
        "TransformerEncoderLayer-window-causal-norm-first",
        "TransformerEncoderLayer",
        {"nhead": 2, "dim_feedforward": 16, "causal": True, "window": 3, "norm_first": True},
        x=spec(12, 8),
    ),
    variant(
        "TransformerEncoderLayer-window-global",
        "TransformerEncoderLayer",
        {"nhead": 2, "dim_feedforward": 16, "window": 2, "global_tokens": 1},
        x=spec(12, 8),
    ),
    variant(
        "TransformerDecoderLayer-window",
        "TransformerDecoderLayer",
        {"nhead": 2, "dim_feedforward": 12, "window": 2},
        x=spec(12, 8),
        memory=spec(5, 8),
    ),
    variant(
        "TransformerEncoderLayer-norm-first-gelu-causal",
        "TransformerEncoderLayer",
        {
            "nhead": 2,
            "dim_feedforward": 16,
            "norm_first": True,
            "activation": "gelu",
            "causal": True,
        },
        x=spec(5, 8),
    ),
    variant(
        "TransformerDecoderLayer-memory-3-target-5",
        "TransformerDecoderLayer",
        {"nhead": 2, "dim_feedforward": 12, "dropout": 0.0, "norm_first": True},
        x=spec(5, 8),
        memory=spec(3, 8),
    ),
    variant(
        "TransformerDecoderLayer-not-causal",
        "TransformerDecoderLayer",
        {"nhead": 1, "dim_feedforward": 8, "causal": False, "bias": False},
        x=spec(2, 6),
        memory=spec(9, 6),
    ),
    variant(
        "PatchEmbedding-no-class-token",
        "PatchEmbedding",
        {"patch_size": 4, "embed_dim": 10, "class_token": False},
        x=spec(2, 8, 12),
    ),
    variant(
        "PositionalEncoding-learned",
        "PositionalEncoding",
        {"kind": "learned", "max_len": 9},
        x=spec(9, 6),
    ),
    variant(
        "PositionalEncoding-sinusoidal-odd-d_model",
        "PositionalEncoding",
        {"kind": "sinusoidal", "max_len": 16},
        x=spec(5, 7),
    ),
    # -- generative --------------------------------------------------------------------------
    variant("Noise-source", "Noise", {"std": 0.5, "shape": [3, 4]}),
    variant(
        "Reparameterize-images", "Reparameterize", {}, mean=spec(2, 3, 3), logvar=spec(2, 3, 3)
    ),
    variant(
        "TimestepEmbedding-float-steps",
        "TimestepEmbedding",
        {"dim": 10, "max_period": 100.0},
        t=spec(1),
    ),
    # -- structure ----------------------------------------------------------------------------
    variant("Flatten-1-to-2", "Flatten", {"start_dim": 1, "end_dim": 2}, x=spec(2, 3, 4, 5)),
    variant("Flatten-negative", "Flatten", {"start_dim": -3, "end_dim": -2}, x=spec(2, 3, 4, 5)),
    variant("Flatten-int64", "Flatten", {}, x=spec(3, 4, dtype="int64")),
    variant("Reshape-minus-one", "Reshape", {"shape": [-1, 4]}, x=spec(3, 8)),
    variant("Reshape-explicit", "Reshape", {"shape": [2, 3, 4]}, x=spec(4, 6)),
    variant("Select-last-of-axis-1", "Select", {"dim": 1, "index": -1}, x=spec(3, 4, 5)),
    variant("Add-broadcast-channels", "Add", {"broadcast": True}, a=spec(4, 3, 3), b=spec(4, 1, 1)),
    variant("Add-broadcast-rows", "Add", {"broadcast": True}, a=spec(2, 3, 5), b=spec(1, 3, 5)),
    variant("Concat-3-inputs-dim1", "Concat", {"dim": 1}, a=spec(2, 3), b=spec(2, 4), c=spec(2, 1)),
    variant(
        "Concat-4-inputs-dim1",
        "Concat",
        {"dim": 1},
        a=spec(3, 1, 2),
        b=spec(3, 2, 2),
        c=spec(3, 3, 2),
        d=spec(3, 4, 2),
    ),
    variant("Concat-last-axis", "Concat", {"dim": -1}, a=spec(2, 3), b=spec(2, 5)),
    # -- activations, norms, dense ---------------------------------------------------------------
    variant("Softmax-dim0", "Softmax", {"dim": 0}, x=spec(3, 4)),
    variant("LeakyReLU-slope", "LeakyReLU", {"negative_slope": 0.2}, x=spec(6)),
    variant("GELU-tanh", "GELU", {"approximate": "tanh"}, x=spec(2, 3)),
    variant("LayerNorm-dims2", "LayerNorm", {"dims": 2}, x=spec(3, 4, 5)),
    variant("Normalize-dim0", "Normalize", {"dim": 0}, x=spec(3, 4)),
    variant("GroupNorm-sequence-4-groups", "GroupNorm", {"num_groups": 4}, x=spec(8, 5)),
    variant(
        "GroupNorm-one-group-no-affine",
        "GroupNorm",
        {"num_groups": 1, "affine": False},
        x=spec(6, 3, 4),
    ),
    variant("LogitScale-small", "LogitScale", {"init": 2.0, "max_scale": 20.0}, x=spec(2, 6)),
    variant("LayerNorm-no-affine", "LayerNorm", {"elementwise_affine": False}, x=spec(4, 6)),
    variant("BatchNorm1d-channels-length", "BatchNorm1d", {}, x=spec(3, 7)),
    variant("BatchNorm2d-no-affine", "BatchNorm2d", {"affine": False}, x=spec(3, 4, 4)),
    variant(
        "Embedding-int64-ids",
        "Embedding",
        {"num_embeddings": 11, "embedding_dim": 5},
        x=spec(3, 4, dtype="int64"),
    ),
    variant("Linear-rank3-no-bias", "Linear", {"out_features": 3, "bias": False}, x=spec(2, 4, 5)),
    variant("Dropout-high", "Dropout", {"p": 0.9}, x=spec(2, 5)),
]

EXPECTED_WARNINGS = {
    # torch warns that it copies the input to pad it asymmetrically: that is the point.
    "Conv2d-same-even-kernel": "ignore:Using padding='same' with even kernel:UserWarning",
}

VARIANT_PARAMS = [
    pytest.param(
        case,
        id=case_id,
        marks=[pytest.mark.filterwarnings(EXPECTED_WARNINGS[case_id])]
        if case_id in EXPECTED_WARNINGS
        else [],
    )
    for case_id, case in VARIANTS
]
