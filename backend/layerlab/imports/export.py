"""The fallback front end: `torch.export` for what symbolic tracing cannot follow
(control flow on sizes, say). Its graph is aten-level; every call of a module a rule
reads whole (and of every module that may become a block) is kept with its signature
(`preserve_module_call_signature`), so the aten operations inside a leaf module fold
back into one call of it, with the arguments and results it was called with. The
batch axis is exported as dynamic, so sizes derived from it stay symbolic.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch import fx, nn
from torch.export import ExportedProgram
from torch.export.graph_signature import InputKind
from torch.utils import _pytree as pytree

from layerlab.imports.errors import ImportRefused, Unsupported
from layerlab.imports.trace import Call, Traced, run_values

VIA = "torch.export"


def trace_export(
    root: nn.Module, inputs: tuple[Any, ...], leaf: Callable[[nn.Module], bool]
) -> Traced:
    """Export `root` (eval and train mode must export alike) and fold its leaf modules."""
    counts = _call_counts(root, inputs)
    shared = [
        p
        for p, n in counts.items()
        if n > 1 and any(True for _ in root.get_submodule(p).parameters())
    ]
    if shared:
        raise ImportRefused(
            [
                Unsupported(
                    call=type(root.get_submodule(p)).__name__,
                    path=p,
                    reason=f"called {counts[p]} times with one set of weights (shared); "
                    "a node holds its own",
                )
                for p in shared
            ],
            VIA,
        )
    once = {p for p, n in counts.items() if n == 1 and not _inside_leaf(p, root, leaf)}
    leaves = {p for p in once if leaf(root.get_submodule(p))}
    blocks = {
        p for p in once - leaves if not type(root.get_submodule(p)).__module__.startswith("torch.")
    }
    programs = {}
    was_training = root.training
    try:
        for mode in (False, True):
            root.train(mode)
            programs[mode] = _export(root, inputs, leaves | blocks)
    finally:
        root.train(was_training)
    targets = [[n.target for n in p.graph.nodes] for p in programs.values()]
    if targets[0] != targets[1]:
        raise ImportRefused(
            [
                Unsupported(
                    call="forward",
                    reason="exports differently in train and eval mode (it reads "
                    "self.training); a document runs the same code in both",
                )
            ],
            VIA,
        )
    graph, calls = _fold(programs[False], root, leaves, blocks)
    traced = Traced(root, graph, VIA, _batch(inputs), calls=calls)
    traced.values = run_values(root, graph, inputs)
    return traced


def _call_counts(root: nn.Module, inputs: tuple[Any, ...]) -> dict[str, int]:
    """How many times forward calls each submodule (hooks on one eval-mode run)."""
    counts = {p: 0 for p, _ in root.named_modules() if p}
    handles = []
    for path, module in root.named_modules():
        if path:

            def count(*_: Any, path: str = path) -> None:
                counts[path] += 1

            handles.append(module.register_forward_pre_hook(count))
    was_training = root.training
    try:
        root.eval()
        with torch.no_grad():
            root(*inputs)
    finally:
        root.train(was_training)
        for handle in handles:
            handle.remove()
    return counts


def _inside_leaf(path: str, root: nn.Module, leaf: Callable[[nn.Module], bool]) -> bool:
    parts = path.split(".")
    return any(leaf(root.get_submodule(".".join(parts[:i]))) for i in range(1, len(parts)))


def _batch(inputs: tuple[Any, ...]) -> int:
    return next(int(x.shape[0]) for x in inputs if isinstance(x, torch.Tensor))


def _export(root: nn.Module, inputs: tuple[Any, ...], keep: set[str]) -> ExportedProgram:
    batch = torch.export.Dim("batch", min=1)
    dynamic = tuple({0: batch} if isinstance(x, torch.Tensor) else None for x in inputs)
    with warnings.catch_warnings():
        # torch notes that an RNN's flat weight list is rebuilt while exporting.
        warnings.filterwarnings("ignore", message=".*were assigned during export.*")
        return torch.export.export(
            root,
            inputs,
            dynamic_shapes=dynamic,
            strict=False,
            preserve_module_call_signature=tuple(sorted(keep)),
        )


def _fold(
    program: ExportedProgram, root: nn.Module, leaves: set[str], blocks: set[str]
) -> tuple[fx.Graph, dict[str, list[Call]]]:
    signatures = {e.fqn: e.signature for e in program.module_call_graph if e.signature}
    by_name = {n.name: n for n in program.graph.nodes}
    specs = {s.arg.name: s for s in program.graph_signature.input_specs if hasattr(s.arg, "name")}
    graph = fx.Graph()
    env: dict[str, fx.Node] = {}
    done: set[str] = set()
    calls: dict[str, list[Call]] = {}
    for node in program.graph.nodes:
        if node.op == "placeholder":
            spec = specs.get(node.name)
            if spec is not None and spec.kind != InputKind.USER_INPUT and spec.target:
                env[node.name] = graph.get_attr(spec.target)
            else:
                env[node.name] = graph.placeholder(node.name)
            env[node.name].meta = dict(node.meta)
            continue
        owner = _leaf_of(node, leaves)
        if owner is not None:
            if owner not in done:
                done.add(owner)
                _call(graph, env, owner, signatures[owner], by_name, node)
            continue
        if node.op == "output":
            graph.output(pytree.tree_map_only(fx.Node, lambda n: env[n.name], node.args[0]))
            continue
        copied = graph.node_copy(node, lambda n: env[n.name])
        env[node.name] = copied
    for path in blocks:
        if path in signatures:
            calls[path] = [_block_call(path, root, signatures[path], env)]
    return graph, calls


def _leaf_of(node: fx.Node, leaves: set[str]) -> str | None:
    for path, _ in (node.meta.get("nn_module_stack") or {}).values():
        if path in leaves:
            return str(path)
    return None


def _argument(arg: Any, env: dict[str, fx.Node]) -> Any:
    name = getattr(arg, "name", None)
    if name:
        return env[name]
    return getattr(arg, "value", None)


def _call(
    graph: fx.Graph,
    env: dict[str, fx.Node],
    path: str,
    signature: Any,
    by_name: dict[str, fx.Node],
    first: fx.Node,
) -> None:
    """One call_module node for a leaf's aten operations, with its outputs as getitem
    chains of it, as symbolic tracing would give."""
    flat = [_argument(a, env) for a in signature.inputs]
    args, kwargs = pytree.tree_unflatten(flat, signature.in_spec)
    call = graph.call_module(path, tuple(args), dict(kwargs))
    stack = first.meta.get("nn_module_stack") or {}
    keep: dict[str, Any] = {}
    for key, value in stack.items():
        keep[key] = value
        if value[0] == path:
            break
    call.meta = {"nn_module_stack": keep, "stack_trace": first.meta.get("stack_trace")}
    positions = pytree.tree_unflatten(list(range(len(signature.outputs))), signature.out_spec)
    for index, where in _paths(positions):
        name = getattr(signature.outputs[index], "name", None)
        if not name or name not in by_name:
            continue
        value = call
        for step in where:
            value = graph.call_function(__import__("operator").getitem, (value, step))
        env[name] = value


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[int, tuple[Any, ...]]]:
    if isinstance(tree, int):
        return [(tree, prefix)]
    if isinstance(tree, tuple | list):
        return [p for i, t in enumerate(tree) for p in _paths(t, (*prefix, i))]
    if isinstance(tree, dict):
        return [p for k, t in tree.items() for p in _paths(t, (*prefix, k))]
    return []


def _block_call(path: str, root: nn.Module, signature: Any, env: dict[str, fx.Node]) -> Call:
    module = root.get_submodule(path)
    flat = [_argument(a, env) for a in signature.inputs]
    args, kwargs = pytree.tree_unflatten(flat, signature.in_spec)
    try:
        bound = inspect.signature(module.forward).bind(*args, **kwargs).arguments
    except TypeError:
        bound = {f"x{i}": a for i, a in enumerate(args)}
    named = [(k, v) for k, v in bound.items() if isinstance(v, fx.Node)]
    outputs = [env[o.name] for o in signature.outputs if getattr(o, "name", None) in env]
    return Call(path, type(module), named, outputs)
