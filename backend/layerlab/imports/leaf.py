"""What every rule for a leaf module shares: recognising LayerLab's own module classes
(and the Python exporter's copies of them), `verify` (build what the op would build and
compare it with the original, submodule by submodule: class, every plain attribute, every
state tensor's shape), `module_node` (a node whose weights are the module's state), and
reading a call's arguments.
"""

from __future__ import annotations

import inspect
from itertools import zip_longest
from types import BuiltinFunctionType, FunctionType
from typing import Any

import torch
from torch import fx, nn

from layerlab.imports.lower import Lowering, Ref, Refuse
from layerlab.ops import ModuleCall
from layerlab.ops import torch_modules as tm

_PLAIN = (bool, int, float, str, type(None), tuple, list, FunctionType, BuiltinFunctionType)
_NOT_COMPARED = {"training", "inplace"}
"""`inplace` changes where a result is written, never what it is."""


_KNOWN: dict[type, str | None] = {}


def layerlab_class(cls: type) -> str | None:
    """The name of the LayerLab module `cls` is, or is an exported copy of (the
    Python exporter copies their source verbatim), else None."""
    if cls not in _KNOWN:
        _KNOWN[cls] = _layerlab_class(cls)
    return _KNOWN[cls]


def _layerlab_class(cls: type) -> str | None:
    ours = getattr(tm, cls.__name__, None)
    if not (isinstance(ours, type) and issubclass(ours, nn.Module)):
        return None
    if cls is ours:
        return cls.__name__
    if cls.__module__ == tm.__name__:
        return None
    try:
        same = inspect.getsource(cls).strip() == inspect.getsource(ours).strip()
    except (OSError, TypeError):
        return None
    return cls.__name__ if same else None


def _same_class(built: type, original: type) -> bool:
    if built is original:
        return True
    if layerlab_class(original) is not None and layerlab_class(original) == built.__name__:
        return True
    # LayerLab's subclass of a torch layer that only changes what forward returns
    # (LSTMOutputs, Attention, EncoderLayer): the rule maps the results.
    return built.__module__ == tm.__name__ and built.__bases__[0] is original


def _plain(value: Any) -> Any:
    return tuple(_plain(v) for v in value) if isinstance(value, tuple | list) else value


def _equal(got: Any, want: Any) -> bool:
    """Equal settings; torch reads 2 and (2, 2) alike for a size per axis."""
    got, want = _plain(got), _plain(want)
    if isinstance(got, int) and isinstance(want, tuple):
        got, want = want, got
    if isinstance(got, tuple) and isinstance(want, int) and not isinstance(want, bool):
        return all(g == want for g in got)
    return bool(got == want) and type(got) is type(want) or got == want


def verify(call: ModuleCall, original: nn.Module, ignore: frozenset[str] = frozenset()) -> None:
    """Refuse unless what `call` builds is configured as `original` is."""
    with torch.device("meta"):
        built = call.build()
    pairs = zip_longest(built.named_modules(), original.named_modules(), fillvalue=(None, None))
    for (name_b, b), (name_o, o) in pairs:
        if b is None or o is None or name_b != name_o:
            raise Refuse(f"it holds submodule {name_o!r}, which LayerLab's node does not")
        if not _same_class(type(b), type(o)):
            raise Refuse(
                f"{name_o or 'it'} is a {type(o).__name__}; LayerLab builds a {type(b).__name__}"
            )
        for key, want in vars(o).items():
            if key.startswith("_") or key in _NOT_COMPARED or key in ignore:
                continue
            if not isinstance(want, _PLAIN):
                continue
            got = vars(b).get(key, "(absent)")
            if not _equal(got, want):
                where = f"{name_o}." if name_o else ""
                raise Refuse(f"{where}{key}={want!r} has no LayerLab equivalent ({got!r})")
    state_b, state_o = built.state_dict(), original.state_dict()
    if set(state_b) != set(state_o):
        raise Refuse(f"its state {sorted(state_o)} differs from LayerLab's {sorted(state_b)}")
    for key, tensor in state_o.items():
        if tuple(tensor.shape) != tuple(state_b[key].shape):
            raise Refuse(f"{key} has shape {tuple(tensor.shape)}, not {tuple(state_b[key].shape)}")


def module_node(
    lw: Lowering,
    node: fx.Node,
    type_name: str,
    params: dict[str, Any],
    inputs: dict[str, Ref],
    *,
    original: nn.Module | None = None,
    path: str | None = None,
    ignore: frozenset[str] = frozenset(),
    values: dict[str, torch.Tensor] | None = None,
) -> Ref:
    """A node standing for one module: its weights are the module's state, by name.
    `values`: its outputs on the example, where running it again would not repeat
    them (a noise source draws anew)."""
    path = path if path is not None else str(node.target)
    original = original if original is not None else lw.traced.module(path)
    sources = getattr(lw.traced.synthetic.get(path), "sources", {})
    weights = {
        k: (sources.get(k, f"{path}.{k}"), t.detach()) for k, t in original.state_dict().items()
    }
    ref = lw.add_node(
        node, type_name, params, inputs, key=path, path=path, weights=weights, values=values
    )
    made = lw.nodes[ref.node]
    try:
        assert made.call is not None
        verify(made.call, original, ignore)
    except Refuse:
        del lw.nodes[ref.node]
        raise
    return ref


def call_args(node: fx.Node, names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments by forward's parameter names."""
    if len(node.args) > len(names):
        raise Refuse(f"called with {len(node.args)} arguments")
    bound = dict(zip(names, node.args, strict=False))
    for key, value in node.kwargs.items():
        if key not in names:
            raise Refuse(f"called with {key}=, which LayerLab's node does not take")
        bound[key] = value
    return {name: bound.get(name, defaults.get(name)) for name in names}


def one_input(lw: Lowering, node: fx.Node) -> dict[str, Ref]:
    if len(node.args) != 1 or node.kwargs:
        raise Refuse("LayerLab's node is called with its input alone")
    return {"x": lw.ref(node.args[0])}


def size_arg(value: Any) -> Any:
    """(3, 3) -> 3 and (3, 5) -> [3, 5]: the op's one-or-per-axis parameters."""
    if isinstance(value, tuple | list):
        return value[0] if all(v == value[0] for v in value) else list(value)
    return value


def sample_axis(dim: int, what: str) -> int:
    """A dim counting the batch -> a dim without it (negative ones are the same)."""
    if dim == 0:
        raise Refuse(f"{what}=0 is the batch axis, which a LayerLab node never changes")
    return dim - 1 if dim > 0 else dim
