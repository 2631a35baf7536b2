"""Exports computed for the API: PyTorch source, safetensors of a fresh seeded
initialisation, ONNX. CPU-bound; the routes run these in a worker thread."""

from __future__ import annotations

import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import torch

from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import compile_analysis
from layerlab.graph.document import GraphDocument
from layerlab.graph.export_onnx import export_onnx
from layerlab.graph.export_python import python_source
from layerlab.graph.limits import Limits
from layerlab.graph.weights import state_tensors
from layerlab.server.schemas import ExportFormat

# torch's default generator is global: seeding and initialising must not interleave
# between two requests, or neither gets the weights its seed promises.
_SEEDED = threading.Lock()
# The ONNX exporter traces through torch.export and dynamo, whose state is global too.
_ONNX = threading.Lock()


class ExportTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class Exported:
    content: bytes
    media_type: str
    filename: str


MEDIA = {
    "python": ("text/x-python; charset=utf-8", ".py"),
    "safetensors": ("application/octet-stream", ".safetensors"),
    "onnx": ("application/octet-stream", ".onnx"),
}


def file_stem(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")[:64]
    return stem or "graph"


def export(
    document: GraphDocument,
    fmt: ExportFormat,
    limits: Limits,
    max_params: int,
    seed: int = 0,
    network: str | None = None,
) -> Exported:
    """Raises GraphError (document with errors), ExportTooLarge, OnnxExportError."""
    analysis = analyze_or_raise(document, limits)
    media_type, suffix = MEDIA[fmt]
    filename = file_stem(document.name) + suffix
    if fmt == "python":
        return Exported(python_source(analysis).encode(), media_type, filename)
    params = sum(n.params for n in analysis.result.nodes.values()) if analysis.result else 0
    if params > max_params:
        raise ExportTooLarge(
            f"the graph has {params:,} parameters; this server initialises at most "
            f"{max_params:,} for an export (export Python source and build it yourself)"
        )
    if fmt == "safetensors":
        from safetensors.torch import save

        with _SEEDED, torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = compile_analysis(analysis)
        return Exported(save(state_tensors(model)), media_type, filename)
    with _ONNX, tempfile.TemporaryDirectory(prefix="layerlab-onnx-") as folder:
        path = Path(folder) / "model.onnx"
        export_onnx(analysis, path, network=network)
        return Exported(path.read_bytes(), media_type, filename)
