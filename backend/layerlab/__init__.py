"""LayerLab: design neural networks as graphs, see every shape, train them live.

The Python API, usable from a notebook, the CLI or the worker alike:

    doc = layerlab.load_graph("graphs/lenet5_mnist.json")
    report = layerlab.check(doc)          # shapes, params, FLOPs, errors per node
    model = layerlab.build(doc)           # a torch.fx.GraphModule (nn.Module)
    source = layerlab.export_python(doc)  # standalone PyTorch source
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch import nn

from layerlab.graph.check import CheckResult, analyze_or_raise
from layerlab.graph.check import check as check_document
from layerlab.graph.compile import compile_analysis
from layerlab.graph.document import GraphDocument, load_document
from layerlab.graph.errors import GraphError, GraphIssue
from layerlab.graph.limits import Limits

__version__ = "0.1.0"


def load_graph(
    source: str | bytes | Path | dict[str, Any] | GraphDocument, limits: Limits | None = None
) -> GraphDocument:
    """Parse a document from a path, JSON text or a dict; raises GraphError."""
    return load_document(_as_source(source), limits)


def _as_source(source: Any) -> Any:
    """A string is JSON text when it starts like JSON (an object, array or string),
    and a file path otherwise."""
    if isinstance(source, str) and source.lstrip()[:1] not in ("{", "[", '"'):
        return Path(source)
    return source


def check(source: Any, limits: Limits | None = None, batch_size: int | None = None) -> CheckResult:
    """Shapes, parameters, FLOPs, memory and every located error of a document (a path,
    JSON text, a dict or a GraphDocument). Never raises for a bad document."""
    return check_document(_as_source(source), limits, batch_size)


def build(source: Any, limits: Limits | None = None) -> nn.Module:
    """The document's torch module (a GraphModule, or `Networks` for several networks).
    Raises GraphError listing every problem when the document is not valid."""
    return compile_analysis(analyze_or_raise(load_graph(source, limits), limits))


def export_python(source: Any, limits: Limits | None = None) -> str:
    """Standalone, readable PyTorch source for the document; it runs with torch alone."""
    from layerlab.graph.export_python import python_source

    return python_source(analyze_or_raise(load_graph(source, limits), limits))


__all__ = [
    "CheckResult",
    "GraphDocument",
    "GraphError",
    "GraphIssue",
    "Limits",
    "build",
    "check",
    "export_python",
    "load_graph",
]
