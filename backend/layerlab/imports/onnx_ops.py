"""ONNX operators -> LayerLab nodes: one rule per operator type, reading its attributes
and initializers (weights keep the initializer's name); `onnx.py` checks each result
against ONNX's reference evaluator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from layerlab.imports.functions import add_summands
from layerlab.imports.lower import Ref, Refuse

if TYPE_CHECKING:
    from layerlab.imports.onnx import _Reader


def attrs(node: Any) -> dict[str, Any]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


_SHAPES = {"Constant", "ConstantOfShape", "Shape", "Gather", "Unsqueeze", "Squeeze", "Slice"}
_ARITHMETIC = {"Cast", "Concat", "Mul", "Add", "Sub", "Div", "Reshape"}
STATIC_OK = frozenset(_SHAPES | _ARITHMETIC | {"Identity"})
"""Operators that, on constants alone, give a constant (the shape of a Reshape)."""


# -- the rules ------------------------------------------------------------------------------


def _pads(a: dict[str, Any], axes: int) -> int | list[int]:
    pads = list(a.get("pads", [0] * 2 * axes))
    begin, end = pads[:axes], pads[axes:]
    if begin != end:
        raise Refuse(f"asymmetric padding {pads} has no LayerLab equivalent")
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise Refuse("auto_pad has no LayerLab equivalent; export with explicit pads")
    return _one(begin)


def _one(values: list[int]) -> int | list[int]:
    values = [int(v) for v in values]
    return values[0] if all(v == values[0] for v in values) else values


def _conv(r: _Reader, node: Any) -> Ref:
    a = attrs(node)
    w = r.weight(node.input[1])
    axes = w[1].dim() - 2
    if axes not in (1, 2):
        raise Refuse(f"{axes}-D convolution has no LayerLab equivalent")
    weights = {"weight": w}
    if len(node.input) > 2 and node.input[2]:
        weights["bias"] = r.weight(node.input[2])
    params = {
        "out_channels": int(w[1].shape[0]),
        "kernel_size": _one(list(w[1].shape[2:])),
        "stride": _one(list(a.get("strides", [1] * axes))),
        "padding": _pads(a, axes),
        "dilation": _one(list(a.get("dilations", [1] * axes))),
        "groups": int(a.get("group", 1)),
        "bias": "bias" in weights,
    }
    return r.node(
        node, "Conv2d" if axes == 2 else "Conv1d", params, {"x": r.ref(node.input[0])}, weights
    )


def _conv_transpose(r: _Reader, node: Any) -> Ref:
    a = attrs(node)
    if "output_shape" in a:
        raise Refuse("output_shape has no LayerLab equivalent; export with pads")
    w = r.weight(node.input[1])
    if w[1].dim() != 4:
        raise Refuse("only 2-D transposed convolutions have a LayerLab equivalent")
    groups = int(a.get("group", 1))
    weights = {"weight": w}
    if len(node.input) > 2 and node.input[2]:
        weights["bias"] = r.weight(node.input[2])
    params = {
        "out_channels": int(w[1].shape[1]) * groups,
        "kernel_size": _one(list(w[1].shape[2:])),
        "stride": _one(list(a.get("strides", [1, 1]))),
        "padding": _pads(a, 2),
        "output_padding": _one(list(a.get("output_padding", [0, 0]))),
        "dilation": _one(list(a.get("dilations", [1, 1]))),
        "groups": groups,
        "bias": "bias" in weights,
    }
    return r.node(node, "ConvTranspose2d", params, {"x": r.ref(node.input[0])}, weights)


def _gemm(r: _Reader, node: Any) -> Ref:
    a = attrs(node)
    if a.get("transA", 0) or float(a.get("alpha", 1.0)) != 1.0 or float(a.get("beta", 1.0)) != 1.0:
        raise Refuse("Gemm with transA, alpha or beta has no LayerLab equivalent")
    name, w = r.weight(node.input[1])
    if not a.get("transB", 0):
        w = w.t().contiguous()  # (in, out) -> Linear's (out, in)
    weights = {"weight": (name, w)}
    if len(node.input) > 2 and node.input[2]:
        bias = r.weight(node.input[2])
        if tuple(bias[1].shape) != (w.shape[0],):
            raise Refuse("a bias that broadcasts has no LayerLab equivalent")
        weights["bias"] = bias
    params = {"out_features": int(w.shape[0]), "bias": "bias" in weights}
    return r.node(node, "Linear", params, {"x": r.ref(node.input[0])}, weights)


def _activation(
    type_name: str, read: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> Callable[[_Reader, Any], Ref]:
    def rule(r: _Reader, node: Any) -> Ref:
        params = read(attrs(node)) if read else {}
        return r.node(node, type_name, params, {"x": r.ref(node.input[0])})

    return rule


def _softmax(a: dict[str, Any]) -> dict[str, Any]:
    axis = int(a.get("axis", -1))
    if axis == 0:
        raise Refuse("softmax over the batch axis")
    return {"dim": axis - 1 if axis > 0 else axis}


def _pool(type_name: str) -> Callable[[_Reader, Any], Ref]:
    def rule(r: _Reader, node: Any) -> Ref:
        a = attrs(node)
        kernel = list(a["kernel_shape"])
        if len(kernel) != 2:
            raise Refuse("only 2-D pooling has a LayerLab equivalent")
        if any(d != 1 for d in a.get("dilations", [1, 1])):
            raise Refuse("pooling with dilation has no LayerLab equivalent")
        if (
            type_name == "AvgPool2d"
            and not a.get("count_include_pad", 0)
            and any(a.get("pads", [0]))
        ):
            raise Refuse("average pooling that leaves out padding has no LayerLab equivalent")
        params = {
            "kernel_size": _one(kernel),
            "stride": _one(list(a.get("strides", [1, 1]))),
            "padding": _pads(a, 2),
            "ceil_mode": bool(a.get("ceil_mode", 0)),
        }
        return r.node(node, type_name, params, {"x": r.ref(node.input[0])})

    return rule


def _global_average(r: _Reader, node: Any) -> Ref:
    return r.node(node, "AdaptiveAvgPool2d", {"output_size": 1}, {"x": r.ref(node.input[0])})


def _reduce_mean(r: _Reader, node: Any) -> Ref:
    """Global average pooling written as a mean over H and W."""
    a = attrs(node)
    axes = r.const(node.input[1]) if len(node.input) > 1 else a.get("axes")
    x = r.ref(node.input[0])
    if axes is None or sorted(int(v) % 4 for v in np.array(axes).flatten()) != [2, 3]:
        raise Refuse("a mean over other axes than H and W has no LayerLab equivalent")
    if len(r.lw.spec(x).shape) != 3:
        raise Refuse("a mean over H and W of a tensor that is not (C, H, W)")
    pooled = r.node(node, "AdaptiveAvgPool2d", {"output_size": 1}, {"x": x})
    if a.get("keepdims", 1):
        return pooled
    return r.node(node, "Flatten", {}, {"x": pooled})


def _batch_norm(r: _Reader, node: Any) -> Ref:
    a = attrs(node)
    x = r.ref(node.input[0])
    rank = len(r.lw.spec(x).shape)
    type_name = {1: "BatchNorm1d", 2: "BatchNorm1d", 3: "BatchNorm2d"}.get(rank)
    if type_name is None:
        raise Refuse(f"batch norm over a rank-{rank} sample has no LayerLab equivalent")
    scale, bias, mean, var = (r.weight(n) for n in node.input[1:5])
    weights = {
        "weight": scale,
        "bias": bias,
        "running_mean": mean,
        "running_var": var,
        "num_batches_tracked": ("(none in ONNX)", torch.tensor(0)),
    }
    params = {
        "eps": float(a.get("epsilon", 1e-5)),
        "momentum": round(1.0 - float(a.get("momentum", 0.9)), 6),
        "affine": True,
    }
    return r.node(node, type_name, params, {"x": x}, weights)


def _layer_norm(r: _Reader, node: Any) -> Ref:
    a = attrs(node)
    x = r.ref(node.input[0])
    rank = len(r.lw.spec(x).shape) + 1
    axis = int(a.get("axis", -1)) % rank
    if axis == 0:
        raise Refuse("layer norm over the batch axis")
    weights = {"weight": r.weight(node.input[1])}
    if len(node.input) > 2 and node.input[2]:
        weights["bias"] = r.weight(node.input[2])
    else:
        raise Refuse("layer norm without a bias has no LayerLab equivalent")
    params = {"dims": rank - axis, "eps": float(a.get("epsilon", 1e-5)), "elementwise_affine": True}
    return r.node(node, "LayerNorm", params, {"x": x}, weights)


def _flatten(r: _Reader, node: Any) -> Ref:
    if int(attrs(node).get("axis", 1)) != 1:
        raise Refuse("Flatten keeps the batch axis alone in LayerLab (axis=1)")
    return r.node(node, "Flatten", {}, {"x": r.ref(node.input[0])})


def _reshape(r: _Reader, node: Any) -> Ref:
    x = r.ref(node.input[0])
    shape = r.const(node.input[1])
    if shape is None:
        raise Refuse("a shape computed from the data has no LayerLab equivalent")
    first = int(np.array(shape).flatten()[0])
    allow_zero = int(attrs(node).get("allowzero", 0))
    if first != -1 and not (first == 0 and not allow_zero):
        raise Refuse("its shape fixes the batch size")
    sample = tuple(np.array(r.values[node.output[0]]).shape[1:])
    if not sample:
        raise Refuse("it leaves each sample without an axis")
    if len(sample) == 1 and len(r.lw.spec(x).shape) > 1:
        return r.node(node, "Flatten", {}, {"x": x})
    return r.node(node, "Reshape", {"shape": list(sample)}, {"x": x})


def _add(r: _Reader, node: Any) -> Ref:
    params, inputs = add_summands(r.lw, r.ref(node.input[0]), r.ref(node.input[1]))
    return r.node(node, "Add", params, inputs)


def _concat(r: _Reader, node: Any) -> Ref:
    axis = int(attrs(node).get("axis", 0))
    if axis == 0:
        raise Refuse("concatenating along the batch axis")
    parts = [r.ref(i) for i in node.input]
    if not 2 <= len(parts) <= 4:
        raise Refuse("LayerLab's Concat joins two to four tensors")
    inputs = dict(zip(("a", "b", "c", "d"), parts, strict=False))
    return r.node(node, "Concat", {"dim": axis - 1 if axis > 0 else axis}, inputs)


def _pass(r: _Reader, node: Any) -> Ref:
    return r.ref(node.input[0])


def _dropout(r: _Reader, node: Any) -> Ref:
    ratio = r.const(node.input[1]) if len(node.input) > 1 and node.input[1] else None
    p = float(np.array(ratio)) if ratio is not None else float(attrs(node).get("ratio", 0.5))
    return r.node(node, "Dropout", {"p": p}, {"x": r.ref(node.input[0])})


RULES: dict[str, Callable[[_Reader, Any], Ref]] = {
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "Gemm": _gemm,
    "Relu": _activation("ReLU"),
    "Sigmoid": _activation("Sigmoid"),
    "Tanh": _activation("Tanh"),
    "LeakyRelu": _activation(
        "LeakyReLU", lambda a: {"negative_slope": float(a.get("alpha", 0.01))}
    ),
    "Gelu": _activation(
        "GELU",
        lambda a: {
            "approximate": a.get("approximate", b"none").decode()
            if isinstance(a.get("approximate"), bytes)
            else a.get("approximate", "none")
        },
    ),
    "Softmax": _activation("Softmax", _softmax),
    "MaxPool": _pool("MaxPool2d"),
    "AveragePool": _pool("AvgPool2d"),
    "GlobalAveragePool": _global_average,
    "ReduceMean": _reduce_mean,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Add": _add,
    "Concat": _concat,
    "Identity": _pass,
    "Dropout": _dropout,
}
