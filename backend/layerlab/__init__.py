"""LayerLab: design neural networks as graphs, see every shape, train them live.

The Python API, usable from a notebook, the CLI or the worker alike:

    doc = layerlab.load_graph("graphs/lenet5_mnist.json")
    report = layerlab.check(doc)          # shapes, params, FLOPs, errors per node
    model = layerlab.build(doc)           # a torch.fx.GraphModule (nn.Module)
    source = layerlab.export_python(doc)  # standalone PyTorch source
    imported = layerlab.from_torch(module, example_inputs)  # a PyTorch model as a document
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from torch import nn

from layerlab.graph.check import CheckResult, analyze_or_raise
from layerlab.graph.check import check as check_document
from layerlab.graph.compile import compile_analysis
from layerlab.graph.document import GraphDocument, load_document
from layerlab.graph.errors import GraphError, GraphIssue
from layerlab.graph.limits import Limits

if TYPE_CHECKING:  # imported when called: tracing needs none of it before
    from layerlab.imports import Imported

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


def from_torch(module: nn.Module, example_inputs: Any, *, name: str | None = None) -> Imported:
    """A PyTorch module as a document with its weights (`imported.document`,
    `imported.weights`); raises ImportRefused listing every call with no exact
    equivalent. See `layerlab.imports.from_torch`."""
    from layerlab.imports import from_torch as import_module

    return import_module(module, example_inputs, name=name)


__all__ = [
    "CheckResult",
    "GraphDocument",
    "GraphError",
    "GraphIssue",
    "Limits",
    "build",
    "check",
    "export_python",
    "from_torch",
    "load_graph",
]
