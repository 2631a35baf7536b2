"""Functions and tensor methods -> LayerLab nodes: `+` as Add, `torch.cat` as Concat,
`view`/`reshape`/`flatten` as Flatten or Reshape, `x[:, 0]` as Select, the functional
activations, pooling and dropout. torch's functions, Tensor methods and (for graphs
from `torch.export`) aten operators share one rule per meaning.

A shape argument may hold the batch size only as the input's own (`x.size(0)`, -1):
a document never fixes the batch, so a literal batch size is refused.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx

from layerlab.imports.lower import Lowering, Pending, Ref, Refuse, Rule

aten = torch.ops.aten

# -- what each target means, and its parameters in order --------------------------------

_FUNCTIONS: dict[Any, str] = {
    operator.add: "add",
    operator.iadd: "add",
    torch.add: "add",
    aten.add.Tensor: "add",
    torch.cat: "cat",
    torch.concat: "cat",
    aten.cat.default: "cat",
    torch.flatten: "flatten",
    aten.flatten.using_ints: "flatten",
    torch.reshape: "reshape",
    aten.view.default: "reshape",
    aten.reshape.default: "reshape",
    aten._unsafe_view.default: "reshape",
    torch.squeeze: "reshape",
    torch.unsqueeze: "reshape",
    aten.squeeze.dim: "reshape",
    aten.unsqueeze.default: "reshape",
    torch.relu: "relu",
    F.relu: "relu",
    aten.relu.default: "relu",
    torch.sigmoid: "sigmoid",
    F.sigmoid: "sigmoid",
    aten.sigmoid.default: "sigmoid",
    torch.tanh: "tanh",
    F.tanh: "tanh",
    aten.tanh.default: "tanh",
    F.silu: "silu",
    aten.silu.default: "silu",
    F.gelu: "gelu",
    aten.gelu.default: "gelu",
    F.leaky_relu: "leaky_relu",
    aten.leaky_relu.default: "leaky_relu",
    F.softmax: "softmax",
    torch.softmax: "softmax",
    aten.softmax.int: "softmax",
    aten._softmax.default: "softmax",
    F.dropout: "dropout",
    aten.dropout.default: "dropout",
    operator.getitem: "getitem",
    aten.select.int: "select",
    aten.slice.Tensor: "slice",
    F.adaptive_avg_pool2d: "adaptive_avg_pool2d",
    aten.adaptive_avg_pool2d.default: "adaptive_avg_pool2d",
    F.max_pool2d: "max_pool2d",
    aten.max_pool2d.default: "max_pool2d",
    F.avg_pool2d: "avg_pool2d",
    aten.avg_pool2d.default: "avg_pool2d",
    aten.clone.default: "identity",
    aten.alias.default: "identity",
}

_METHODS: dict[str, str] = {
    "add": "add",
    "__add__": "add",
    "add_": "add",
    "view": "reshape",
    "reshape": "reshape",
    "squeeze": "reshape",
    "unsqueeze": "reshape",
    "flatten": "flatten",
    "relu": "relu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softmax": "softmax",
    "contiguous": "identity",
    "clone": "identity",
}

_NAMES: dict[str, tuple[str, ...]] = {
    "add": ("input", "other", "alpha"),
    "cat": ("tensors", "dim"),
    "flatten": ("input", "start_dim", "end_dim"),
    "relu": ("input", "inplace"),
    "sigmoid": ("input",),
    "tanh": ("input",),
    "silu": ("input", "inplace"),
    "gelu": ("input", "approximate"),
    "leaky_relu": ("input", "negative_slope", "inplace"),
    "softmax": ("input", "dim", "dtype"),
    "dropout": ("input", "p", "training", "inplace"),
    "getitem": ("input", "index"),
    "select": ("input", "dim", "index"),
    "slice": ("input", "dim", "start", "end", "step"),
    "adaptive_avg_pool2d": ("input", "output_size"),
    "max_pool2d": (
        "input",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "ceil_mode",
        "return_indices",
    ),
    "avg_pool2d": (
        "input",
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    ),
    "identity": ("input",),
}
_SPECIAL_NAMES: dict[Any, tuple[str, ...]] = {
    F.softmax: ("input", "dim", "_stacklevel", "dtype"),
    aten._softmax.default: ("input", "dim", "half_to_float"),
    aten.dropout.default: ("input", "p", "training"),
}
_DEFAULTS: dict[str, Any] = {
    "alpha": 1,
    "dim": 0,
    "start_dim": 0,
    "end_dim": -1,
    "approximate": "none",
    "negative_slope": 0.01,
    "p": 0.5,
    "training": True,
    "stride": None,
    "padding": 0,
    "dilation": 1,
    "ceil_mode": False,
    "return_indices": False,
    "count_include_pad": True,
}


def meaning(node: fx.Node) -> str | None:
    if node.op == "call_method":
        return _METHODS.get(str(node.target))
    if node.op == "call_function":
        try:
            return _FUNCTIONS.get(node.target)
        except TypeError:  # an unhashable target
            return None
    return None


def bind(node: fx.Node, name: str) -> dict[str, Any]:
    names = _SPECIAL_NAMES.get(node.target, _NAMES[name])
    if len(node.args) > len(names):
        raise Refuse(f"called with {len(node.args)} arguments")
    bound = dict(zip(names, node.args, strict=False))
    for key, value in node.kwargs.items():
        bound[{"self": "input", "train": "training"}.get(key, key)] = value
    if name == "softmax" and "dim" not in bound:
        raise Refuse("softmax without dim has no LayerLab equivalent")
    return {n: bound.get(n, _DEFAULTS.get(n)) for n in (*names, *bound)}


# -- the rules ------------------------------------------------------------------------------


def _axis(dim: int, what: str = "dim") -> int:
    if dim == 0:
        raise Refuse(f"{what}=0 is the batch axis, which a LayerLab node never changes")
    return dim - 1 if dim > 0 else dim


def _node(lw: Lowering, node: fx.Node, type_name: str, params: dict[str, Any], x: Ref) -> Ref:
    return lw.add_node(node, type_name, params, {"x": x}, key=type_name.lower())


def _add(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    if a["alpha"] != 1:
        raise Refuse("add with alpha has no LayerLab equivalent")
    left, right = lw.ref(a["input"], "first summand"), lw.ref(a["other"], "second summand")
    return add_node(lw, node, left, right)


def add_node(lw: Lowering, node: fx.Node, left: Ref, right: Ref) -> Ref:
    params, inputs = add_summands(lw, left, right)
    return lw.add_node(node, "Add", params, inputs, key="add")


def add_summands(lw: Lowering, left: Ref, right: Ref) -> tuple[dict[str, Any], dict[str, Ref]]:
    """Add's parameters and inputs for left + right: when the shapes differ, the smaller
    summand is b, broadcast over a (a sum commutes); Add's own check refuses what it
    cannot broadcast (another rank)."""
    if lw.spec(left).shape == lw.spec(right).shape:
        return {}, {"a": left, "b": right}
    if lw.spec(left).numel < lw.spec(right).numel:
        left, right = right, left
    return {"broadcast": True}, {"a": left, "b": right}


def _cat(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    parts = [lw.ref(t, "part") for t in a["tensors"]]
    dim = _axis(int(lw.value(a["dim"])))
    if len(parts) < 2:
        raise Refuse("concatenates fewer than two tensors")
    ports = ("a", "b", "c", "d")
    done = parts[0]
    rest = parts[1:]
    while rest:  # 2 to 4 parts per Concat; more chain exactly
        take, rest = rest[:3], rest[3:]
        inputs = dict(zip(ports, [done, *take], strict=False))
        done = lw.add_node(node, "Concat", {"dim": dim}, inputs, key="concat")
    return done


def _flatten(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    x = lw.ref(a["input"])
    params = {
        "start_dim": _axis(a["start_dim"], "start_dim"),
        "end_dim": _axis(a["end_dim"], "end_dim"),
    }
    return _node(lw, node, "Flatten", params, x)


def _reshape(lw: Lowering, node: fx.Node) -> Ref:
    """view, reshape, squeeze, unsqueeze: the new sample shape is read from the example
    run, once the batch axis is shown to stay where it is."""
    source = node.args[0] if node.args else node.kwargs.get("input")
    name = str(node.target) if node.op == "call_method" else getattr(node.target, "__name__", "")
    entry = lw.env.get(source) if isinstance(source, fx.Node) else None
    squeezed = entry.squeezed if isinstance(entry, Pending) else None
    squeezes_first = [*node.args[1:], *node.kwargs.values()] == [0]
    if name.startswith("squeeze") and squeezes_first and isinstance(squeezed, Ref):
        return squeezed  # h_n.squeeze(0) of one layer: the final state
    x = lw.ref(source)
    out = lw.traced.values[node]
    if name.startswith(("squeeze", "unsqueeze")):
        dims = [*node.args[1:], *node.kwargs.values()]
        if not dims or any(_is_batch_dim(d, out.dim()) for d in _flat(dims)):
            raise Refuse("it squeezes or unsqueezes without a dim or at the batch axis")
    else:
        shape = _flat(list(node.args[1:]) + [v for k, v in node.kwargs.items() if k != "input"])
        first = shape[0] if shape else None
        batch_kept = first == -1 or (isinstance(first, fx.Node) and first in lw.batchy)
        if not batch_kept:
            raise Refuse(
                "its shape fixes the batch size; write x.size(0) (or -1) for the batch axis"
            )
        if any(isinstance(d, fx.Node) and d in lw.batchy for d in shape[1:]):
            raise Refuse("its shape uses the batch size past the batch axis")
    sample = tuple(out.shape[1:])
    if not sample:
        raise Refuse("it leaves each sample without an axis; LayerLab keeps at least one")
    if len(sample) == 1 and len(lw.spec(x).shape) > 1:
        return _node(lw, node, "Flatten", {}, x)
    if sample == lw.spec(x).shape:
        return x
    return _node(lw, node, "Reshape", {"shape": list(sample)}, x)


def _is_batch_dim(dim: Any, rank: int) -> bool:
    return isinstance(dim, int) and dim % max(rank, 1) == 0


def _flat(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        out.extend(_flat(list(v)) if isinstance(v, tuple | list | torch.Size) else [v])
    return out


def _getitem(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Any:
    source, index = a["input"], lw.value(a["index"])
    entry = lw.env.get(source)
    if isinstance(entry, Pending):
        return entry.resolve(index)
    x = lw.ref(source)
    return _select(lw, node, x, index if isinstance(index, tuple) else (index,))


def _select(lw: Lowering, node: fx.Node, x: Ref, index: tuple[Any, ...]) -> Ref:
    """x[:, 0], x[:, -1, :]: one integer at one axis past the batch, whole slices
    elsewhere, is LayerLab's Select."""
    whole = slice(None)
    picks = [(i, v) for i, v in enumerate(index) if v != whole and v is not Ellipsis]
    if Ellipsis in index[:-1] or len(picks) != 1 or not isinstance(picks[0][1], int):
        raise Refuse(
            "indexing other than one position along one axis (x[:, 0]) has no LayerLab equivalent"
        )
    axis, position = picks[0]
    if axis == 0:
        raise Refuse("it indexes the batch axis")
    return _node(lw, node, "Select", {"dim": axis - 1, "index": position}, x)


def _aten_select(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Any:
    entry = lw.env.get(a["input"])
    if isinstance(entry, Pending) and a["dim"] == 0:
        return entry.resolve(int(a["index"]))  # h_n[-1], as aten writes it
    x = lw.ref(a["input"])
    dim = int(a["dim"]) % (len(lw.spec(x).shape) + 1)
    if dim == 0:
        raise Refuse("it indexes the batch axis")
    return _node(lw, node, "Select", {"dim": dim - 1, "index": int(a["index"])}, x)


def _aten_slice(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    """A slice that keeps the whole axis is the input itself (aten writes x[:, 0] so)."""
    x = lw.ref(a["input"])
    value = lw.traced.values[node]
    if tuple(value.shape) != (lw.traced.batch, *lw.spec(x).shape) or (a["step"] or 1) != 1:
        raise Refuse("slicing part of an axis has no LayerLab equivalent")
    return x


def _activation(
    type_name: str, read: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> Callable[..., Ref]:
    def rule(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
        params = read(a) if read else {}
        return _node(lw, node, type_name, params, lw.ref(a["input"]))

    return rule


def _softmax(a: dict[str, Any]) -> dict[str, Any]:
    if a.get("dtype") not in (None, torch.float32) or a.get("half_to_float"):
        raise Refuse("softmax with a dtype has no LayerLab equivalent")
    return {"dim": _axis(int(a["dim"]))}


def _dropout(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    # Traced in eval mode: training=self.training reads False here (the train-mode
    # trace, compared in trace.py, read True); True would mean dropout in eval too.
    if a["training"] is not False:
        raise Refuse("dropout that stays on in eval mode has no LayerLab equivalent")
    return _node(lw, node, "Dropout", {"p": float(a["p"])}, lw.ref(a["input"]))


def _pool(type_name: str) -> Callable[..., Ref]:
    def rule(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
        if a.get("dilation", 1) not in (1, [1, 1], (1, 1)) or a.get("return_indices"):
            raise Refuse("pooling with dilation or indices has no LayerLab equivalent")
        if not a.get("count_include_pad", True) or a.get("divisor_override") is not None:
            raise Refuse("average pooling that leaves out padding has no LayerLab equivalent")
        stride = a["stride"] if a["stride"] not in (None, [], ()) else a["kernel_size"]
        params = {
            "kernel_size": _size(a["kernel_size"]),
            "stride": _size(stride),
            "padding": _size(a["padding"]),
            "ceil_mode": bool(a["ceil_mode"]),
        }
        return _node(lw, node, type_name, params, lw.ref(a["input"]))

    return rule


def _size(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return value[0] if all(v == value[0] for v in value) else list(value)
    return value


def _adaptive(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    return _node(
        lw, node, "AdaptiveAvgPool2d", {"output_size": _size(a["output_size"])}, lw.ref(a["input"])
    )


def _identity(lw: Lowering, node: fx.Node, a: dict[str, Any]) -> Ref:
    return lw.ref(a["input"])


_RULES: dict[str, Callable[..., Any]] = {
    "add": _add,
    "cat": _cat,
    "flatten": _flatten,
    "relu": _activation("ReLU"),
    "sigmoid": _activation("Sigmoid"),
    "tanh": _activation("Tanh"),
    "silu": _activation("SiLU"),
    "gelu": _activation("GELU", lambda a: {"approximate": a["approximate"]}),
    "leaky_relu": _activation(
        "LeakyReLU", lambda a: {"negative_slope": float(a["negative_slope"])}
    ),
    "softmax": _activation("Softmax", _softmax),
    "dropout": _dropout,
    "getitem": _getitem,
    "select": _aten_select,
    "slice": _aten_slice,
    "adaptive_avg_pool2d": _adaptive,
    "max_pool2d": _pool("MaxPool2d"),
    "avg_pool2d": _pool("AvgPool2d"),
    "identity": _identity,
}


def function_rule(node: fx.Node) -> Rule | None:
    name = meaning(node)
    if name is None:
        return None
    if name == "reshape":
        return _reshape

    def rule(lw: Lowering, n: fx.Node) -> Any:
        return _RULES[name](lw, n, bind(n, name))

    return rule
