"""ONNX files for the import tests: presets exported by LayerLab's own exporter, and small
hand-written graphs (onnx.helper) for operators the exporter folds away (BatchNorm) or
that LayerLab has no equivalent of."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import compile_analysis
from layerlab.graph.document import load_document
from layerlab.graph.export_onnx import export_onnx
from layerlab.graph.weights import save_weights
from tests.conftest import GRAPHS
from tests.imports.exactness import as_if_trained


def exported_preset(name: str, folder: Path) -> tuple[bytes, nn.Module]:
    """A preset with trained-looking weights as ONNX bytes, and its LayerLab model."""
    analysis = analyze_or_raise(load_document(GRAPHS / f"{name}.json"))
    torch.manual_seed(0)
    model = compile_analysis(analysis)
    as_if_trained(model)
    save_weights(model, folder / "w.safetensors")
    path = export_onnx(analysis, folder / f"{name}.onnx", weights=folder / "w.safetensors")
    return path.read_bytes(), model.eval()


def _init(name: str, value: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(value.astype(np.float32), name)


def conv_bn_net() -> bytes:
    """Conv -> BatchNormalization -> Relu -> GlobalAveragePool -> Flatten -> Gemm."""
    rng = np.random.default_rng(0)
    inits = [
        _init("conv.weight", rng.standard_normal((4, 3, 3, 3)) * 0.3),
        _init("conv.bias", rng.standard_normal(4) * 0.1),
        _init("bn.weight", 1 + rng.standard_normal(4) * 0.1),
        _init("bn.bias", rng.standard_normal(4) * 0.1),
        _init("bn.running_mean", rng.standard_normal(4) * 0.1),
        _init("bn.running_var", 0.5 + rng.random(4)),
        _init("fc.weight", rng.standard_normal((5, 4)) * 0.3),
        _init("fc.bias", rng.standard_normal(5) * 0.1),
    ]
    nodes = [
        helper.make_node(
            "Conv",
            ["x", "conv.weight", "conv.bias"],
            ["c"],
            pads=[1, 1, 1, 1],
            kernel_shape=[3, 3],
            name="conv",
        ),
        helper.make_node(
            "BatchNormalization",
            ["c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"],
            ["b"],
            epsilon=1e-5,
            momentum=0.9,
            name="bn",
        ),
        helper.make_node("Relu", ["b"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="pool"),
        helper.make_node("Flatten", ["g"], ["f"], axis=1, name="flatten"),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["y"], transB=1, name="fc"),
    ]
    return _model(nodes, inits, [("x", ["batch", 3, 8, 8])], [("y", ["batch", 5])])


def unsupported_net() -> bytes:
    """Relu, then two operators LayerLab has no node for (Erf, Pad), then Sigmoid."""
    pads = numpy_helper.from_array(np.array([0, 0, 0, 1, 0, 0, 0, 1], dtype=np.int64), "pads")
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Erf", ["r"], ["e"], name="erf"),
        helper.make_node("Pad", ["e", "pads"], ["p"], name="pad"),
        helper.make_node("Sigmoid", ["p"], ["y"], name="sigmoid"),
    ]
    return _model(nodes, [pads], [("x", ["batch", 2, 4, 4])], [("y", ["batch", 2, 4, 6])])


def _model(
    nodes: list[onnx.NodeProto],
    inits: list[onnx.TensorProto],
    inputs: list[tuple[str, list[object]]],
    outputs: list[tuple[str, list[object]]],
) -> bytes:
    graph = helper.make_graph(
        nodes,
        "handmade",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model.SerializeToString()
