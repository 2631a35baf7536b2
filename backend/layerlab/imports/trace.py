"""The front end of `from_torch`: a module and example inputs become one fx graph whose
calls are leaf modules (Conv2d, LSTM, LayerLab's own), functions and methods, with the
facts the mapping needs beside it: every node's concrete value on the example inputs,
the modules each node sits in, the source line that made it, and the arguments and
results of every call of a module that is traced through (what a block's ports are).

`torch.fx` symbolic tracing comes first; a module it cannot trace (data-dependent
control flow, say) goes through `torch.export` instead, whose aten-level graph is
folded back to one call per leaf module (see `export.py`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import fx, nn
from torch.utils import _pytree as pytree

from layerlab.imports.errors import ImportRefused, Unsupported

_TORCH_DIR = str(Path(torch.__file__).resolve().parent)
_HERE = str(Path(__file__).resolve().parent)
_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


@dataclass
class Call:
    """One call of a module that was traced through (not a leaf): its forward's
    arguments by name (the node each tensor argument came from) and its results."""

    path: str
    cls: type[nn.Module]
    args: list[tuple[str, fx.Node]]
    outputs: list[fx.Node]


@dataclass
class Traced:
    root: nn.Module
    graph: fx.Graph
    via: str
    """"torch.fx" or "torch.export"."""
    batch: int
    calls: dict[str, list[Call]] = field(default_factory=dict)
    values: dict[fx.Node, Any] = field(default_factory=dict)
    """Each node's value on the example inputs (eval mode, no gradients)."""
    modules: dict[str, nn.Module] = field(default_factory=dict)
    synthetic: dict[str, Any] = field(default_factory=dict)
    """Modules that patterns made (`patterns.py`), by the path their call targets."""

    def __post_init__(self) -> None:
        self.modules = dict(self.root.named_modules())

    def module(self, path: str) -> nn.Module:
        if path in self.synthetic:
            module: nn.Module = self.synthetic[path].module
            return module
        return self.modules[path]

    def scope(self, node: fx.Node) -> tuple[str, ...]:
        """The paths of the modules a node sits in, outermost first (the root and a leaf
        module's own path left out)."""
        stack = node.meta.get("nn_module_stack") or {}
        paths = [value[0] for value in stack.values()]
        out = tuple(p for p in paths if p)
        if node.op == "call_module" and out and out[-1] == node.target:
            out = out[:-1]
        return out

    def path(self, node: fx.Node) -> str:
        """The module a node belongs to: its own for a leaf call, else the innermost."""
        if node.op == "call_module":
            return str(node.target)
        scope = self.scope(node)
        return scope[-1] if scope else ""

    def where(self, node: fx.Node) -> str | None:
        """`file.py:42`: the innermost frame of the node's stack outside torch and
        LayerLab (the line inside the submodule's forward, not the call of it)."""
        found = None
        for match in _FRAME.finditer(node.meta.get("stack_trace") or ""):
            file = match.group(1)
            if not file.startswith((_TORCH_DIR, _HERE)):
                found = f"{Path(file).name}:{match.group(2)}"
        return found


class _Tracer(fx.Tracer):
    """Symbolic tracing that treats mappable modules as leaves, records stack traces,
    and notes the arguments and results of every module it traces through."""

    def __init__(self, leaf: Callable[[nn.Module], bool]):
        super().__init__()
        self.record_stack_traces = True
        self.proxy_buffer_attributes = True  # self.pe[:, :T] slices a traced buffer
        self.leaf = leaf
        self.calls: dict[str, list[Call]] = {}

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return self.leaf(m) or super().is_leaf_module(m, module_qualified_name)

    def call_module(
        self,
        m: nn.Module,
        forward: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        path = self.path_of_module(m)
        out = super().call_module(m, forward, args, kwargs)
        if not self.is_leaf_module(m, path):
            self.calls.setdefault(path, []).append(
                Call(path, type(m), _bound_nodes(m, args, kwargs), _nodes_in(out))
            )
        return out


def _bound_nodes(
    m: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[tuple[str, fx.Node]]:
    try:
        bound = inspect.signature(m.forward).bind(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {f"x{i}": a for i, a in enumerate(args)} | kwargs
    out = []
    for name, value in bound.items():
        nodes = _nodes_in(value)
        for i, node in enumerate(nodes):
            out.append((name if len(nodes) == 1 else f"{name}_{i}", node))
    return out


def _nodes_in(value: Any) -> list[fx.Node]:
    leaves = pytree.tree_leaves(value)
    return [
        v.node if isinstance(v, fx.Proxy) else v
        for v in leaves
        if isinstance(v, fx.Proxy | fx.Node)
    ]


def trace_fx(root: nn.Module, inputs: Sequence[Any], leaf: Callable[[nn.Module], bool]) -> Traced:
    """Trace `root` with torch.fx; raises whatever symbolic tracing raises. Refuses a
    forward that traces differently in train and eval mode (it branches on
    `self.training`), since a document behaves the same way in both."""
    concrete = _concrete_args(root, len(inputs))
    was_training = root.training
    try:
        graphs = {}
        for mode in (False, True):
            root.train(mode)
            tracer = _Tracer(leaf)
            graphs[mode] = (tracer.trace(root, concrete_args=concrete), tracer)
    finally:
        root.train(was_training)
    graph, tracer = graphs[False]
    differs = _first_difference(graphs[False][0], graphs[True][0])
    traced = Traced(root, graph, "torch.fx", _batch_of(inputs), calls=tracer.calls)
    if differs is not None:
        raise ImportRefused(
            [
                Unsupported(
                    call="forward",
                    path=traced.path(differs),
                    where=traced.where(differs),
                    reason="traces differently in train and eval mode (it reads self.training); "
                    "a document runs the same code in both",
                )
            ],
            "torch.fx",
        )
    traced.values = run_values(root, graph, inputs)
    return traced


def _concrete_args(root: nn.Module, given: int) -> dict[str, Any] | None:
    """Forward's parameters beyond the example inputs keep their defaults while tracing
    (a `mask=None` would otherwise be a proxy, and `mask is not None` true)."""
    params = list(inspect.signature(root.forward).parameters.values())[given:]
    concrete = {
        p.name: p.default
        for p in params
        if p.default is not inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    }
    return concrete or None


def _first_difference(eval_graph: fx.Graph, train_graph: fx.Graph) -> fx.Node | None:
    nodes_a: list[fx.Node] = list(eval_graph.nodes)
    nodes_b: list[fx.Node] = list(train_graph.nodes)
    for x, y in zip(nodes_a, nodes_b, strict=False):
        if (x.op, x.target) != (y.op, y.target) or not _same_args(
            (x.args, x.kwargs), (y.args, y.kwargs)
        ):
            return x
    if len(nodes_a) != len(nodes_b):
        return nodes_a[min(len(nodes_a), len(nodes_b)) - 1]
    return None


def _same_args(a: Any, b: Any) -> bool:
    """Arguments of the eval-mode and train-mode traces agree: nodes by name, and a flag
    that is False in one and True in the other is the mode itself (training=self.training)."""
    if isinstance(a, fx.Node) or isinstance(b, fx.Node):
        return isinstance(a, fx.Node) and isinstance(b, fx.Node) and a.name == b.name
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b or (a is False and b is True)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(_same_args(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_args(a[k], b[k]) for k in a)
    return type(a) is type(b) and repr(a) == repr(b)


def _batch_of(inputs: Sequence[Any]) -> int:
    for x in inputs:
        if isinstance(x, torch.Tensor) and x.dim() > 0:
            return int(x.shape[0])
        if isinstance(x, int) and not isinstance(x, bool):
            return x
    raise ImportRefused(
        [Unsupported(call="forward", reason="needs a tensor input (batch first) or a batch size")],
        "torch.fx",
    )


class _Recorder(fx.Interpreter):
    def __init__(self, module: fx.GraphModule):
        super().__init__(module)
        self.values: dict[fx.Node, Any] = {}

    def run_node(self, n: fx.Node) -> Any:
        out = super().run_node(n)
        # A copy: an in-place operation later on (ReLU(inplace=True), +=) would change it.
        self.values[n] = pytree.tree_map_only(torch.Tensor, torch.clone, out)
        return out


def run_values(root: nn.Module, graph: fx.Graph, inputs: Sequence[Any]) -> dict[fx.Node, Any]:
    """Every node's value on `inputs`, in eval mode without gradients (the module's
    running statistics stay as they were)."""
    module = fx.GraphModule(root, graph)
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    args = list(inputs)
    for node in placeholders[len(args) :]:
        args.append(node.args[0] if node.args else None)  # a default kept while tracing
    was_training = root.training
    recorder = _Recorder(module)
    try:
        root.eval()
        module.eval()
        with torch.no_grad():
            recorder.run(*args)
    finally:
        root.train(was_training)
    return recorder.values
