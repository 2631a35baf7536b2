"""Lowering: each node of a traced graph becomes LayerLab nodes, or is refused.

A node's value in the lowering's environment is one of: a `Ref` to a port of a
LayerLab node (a tensor of data), `STATIC` (a value that follows from shapes,
parameters and constants alone: a size, a causal mask, a positional table; read from
the example run when a rule needs it), a `Pending` (a call with several results that
getitem resolves, such as an LSTM's `(y, (h_n, c_n))`), or `BROKEN` (refused already:
a call downstream of it is listed only when no rule could ever take it).

Every LayerLab node is run as it is made, on its inputs' values with its weights, and
each traced node mapped to one of its ports must have the value the original computed:
a mapping that is wrong anywhere fails here, at the call that made it, not later.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from pydantic import ValidationError
from torch import fx, nn

from layerlab.imports.errors import Unsupported
from layerlab.imports.trace import Traced
from layerlab.ops import REGISTRY, ModuleCall, ShapeError, TensorSpec

TOLERANCE = 1e-5
"""Largest difference, relative to the values' size, between an original call and
the LayerLab node that stands for it (float32)."""


class Refuse(Exception):
    """A rule's refusal: the reason is for people, the call is named by the caller."""


@dataclass(frozen=True)
class Ref:
    node: str
    port: str


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


STATIC = _Marker("STATIC")
BROKEN = _Marker("BROKEN")


@dataclass
class Pending:
    """Results of a call that getitem takes apart: `resolve(index)` is the entry for
    `call[index]`."""

    resolve: Callable[[Any], Any]
    what: str
    squeezed: Any = None
    """What `.squeeze(0)` of it is, where that is a port (h_n of one layer)."""


class Unavailable:
    """A result of a call that no port gives: refused only if something uses it."""

    def __init__(self, reason: str):
        self.reason = reason


@dataclass
class DocNode:
    """A LayerLab node being made: its type, parameters and inputs, where it came from
    (for ids, blocks and errors) and its weights (keys of the built module's state)."""

    key: str
    type: str
    params: dict[str, Any]
    inputs: dict[str, Ref]
    scope: tuple[str, ...]
    path: str | None
    """The original module's path, for a node that stands for one module."""
    origin: fx.Node | None
    weights: dict[str, tuple[str, torch.Tensor]] = field(default_factory=dict)
    """Built module's state key -> (the original's state key, the tensor)."""
    outputs: dict[str, TensorSpec] = field(default_factory=dict)
    values: dict[str, torch.Tensor] = field(default_factory=dict)
    call: ModuleCall | None = None


Rule = Callable[["Lowering", fx.Node], Any]


class Lowering:
    def __init__(
        self,
        traced: Traced,
        module_rule: Callable[[nn.Module], Rule | None],
        function_rule: Callable[[fx.Node], Rule | None],
        random_module: Callable[[nn.Module], bool],
    ):
        self.traced = traced
        self.module_rule = module_rule
        self.function_rule = function_rule
        self.nodes: dict[str, DocNode] = {}
        self.env: dict[fx.Node, Any] = {}
        self.issues: list[Unsupported] = []
        self.outputs: list[tuple[str, Ref]] = []
        self.used_weights: dict[str, tuple[str, str]] = {}
        """Each weight taken (by name and by storage) -> the node and original name."""
        self.static, self.batchy = classify(traced, random_module)

    # -- the walk ---------------------------------------------------------------------

    def run(self) -> None:
        for node in self.traced.graph.nodes:
            if node.op == "output":
                self._outputs(node)
                continue
            if node.op == "placeholder":
                self.env[node] = self._placeholder(node)
                continue
            if node in self.static:
                self.env[node] = STATIC
                continue
            rule = (
                self.module_rule(self.traced.module(str(node.target)))
                if node.op == "call_module"
                else self.function_rule(node)
            )
            if any(self.env.get(a) is BROKEN for a in node.all_input_nodes):
                # Downstream of a refusal: a call with no rule at all is still listed
                # (every one a person must change), one with a rule cannot be judged.
                if rule is None:
                    self.refuse(node, "LayerLab has no node type that computes this")
                self.env[node] = BROKEN
                continue
            try:
                if rule is None:
                    raise Refuse("LayerLab has no node type that computes this")
                entry = rule(self, node)
                self.env[node] = entry
                if isinstance(entry, Ref):
                    self.check_value(node, entry)
            except Refuse as exc:
                self.refuse(node, str(exc))

    def refuse(self, node: fx.Node, reason: str) -> None:
        self.env[node] = BROKEN
        self.issues.append(
            Unsupported(
                call=describe(self.traced, node),
                path=self.traced.path(node),
                where=self.traced.where(node),
                reason=reason,
            )
        )

    def _placeholder(self, node: fx.Node) -> Any:
        value = self.traced.values.get(node)
        if not isinstance(value, torch.Tensor):
            return STATIC  # a batch size (a noise-fed network) or a default kept
        dtype = {torch.float32: "float32", torch.int64: "int64"}.get(value.dtype)
        if dtype is None or value.dim() < 2:
            self.refuse(
                node,
                f"inputs are float32 or int64 with a batch and at least one more axis, got "
                f"{value.dtype} {tuple(value.shape)}",
            )
            return BROKEN
        return self.add_node(
            node,
            "Input",
            {"shape": list(value.shape[1:]), "dtype": dtype},
            {},
            key=node.name,
            values={"y": value},
        )

    def _outputs(self, node: fx.Node) -> None:
        results = _flatten(node.args[0])
        for i, value in enumerate(results):
            entry = self.env.get(value) if isinstance(value, fx.Node) else None
            name = "output" if len(results) == 1 else f"output_{i}"
            if isinstance(entry, Ref):
                self.outputs.append((name, entry))
            elif entry is not BROKEN:
                self.issues.append(
                    Unsupported(
                        call="return",
                        where=self.traced.where(value) if isinstance(value, fx.Node) else None,
                        reason="forward returns something other than tensors computed "
                        "from its inputs (a constant, a size or a dict)",
                    )
                )

    # -- what rules use ---------------------------------------------------------------

    def ref(self, value: Any, what: str = "input") -> Ref:
        entry = self.env.get(value) if isinstance(value, fx.Node) else None
        if isinstance(entry, Ref):
            return entry
        if isinstance(entry, Unavailable):
            raise Refuse(entry.reason)
        if entry is STATIC:
            raise Refuse(
                f"its {what} is a constant tensor (made from parameters, buffers or sizes), "
                "which no LayerLab node holds"
            )
        raise Refuse(f"its {what} is not a tensor computed from the inputs")

    def value(self, value: Any) -> Any:
        """A static argument's value on the example run (constants as they are)."""
        if isinstance(value, fx.Node):
            if self.env.get(value) is not STATIC:
                raise Refuse(f"{value.name} must be a constant here, but depends on the data")
            return self.traced.values[value]
        if isinstance(value, tuple | list):
            return type(value)(self.value(v) for v in value)
        return value

    def spec(self, ref: Ref) -> TensorSpec:
        return self.nodes[ref.node].outputs[ref.port]

    def tensor(self, ref: Ref) -> torch.Tensor:
        return self.nodes[ref.node].values[ref.port]

    def add_node(
        self,
        origin: fx.Node | None,
        type_name: str,
        params: dict[str, Any],
        inputs: dict[str, Ref],
        *,
        key: str | None = None,
        path: str | None = None,
        weights: dict[str, tuple[str, torch.Tensor]] | None = None,
        values: dict[str, torch.Tensor] | None = None,
        scope: tuple[str, ...] | None = None,
    ) -> Ref:
        """Make a node, check its parameters and shapes, run it on its inputs' values;
        returns a Ref to its first output port."""
        op = REGISTRY[type_name]
        try:
            parsed = op.parse_params(params)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise Refuse(f"{type_name}.{where}: {first['msg']}") from None
        specs = {port: self.spec(ref) for port, ref in inputs.items()}
        try:
            outputs = op.infer(parsed, specs)
            call = op.module(parsed, specs) if type_name not in ("Input", "Output") else None
        except ShapeError as exc:
            raise Refuse(f"{type_name}: {exc}") from None
        key = self._unique_key(key or (origin.name if origin is not None else type_name.lower()))
        node = DocNode(
            key=key,
            type=type_name,
            params=params,
            inputs=inputs,
            scope=scope if scope is not None else self._scope(origin),
            path=path,
            origin=origin,
            weights=dict(weights or {}),
            outputs=outputs,
            call=call,
        )
        for name, tensor in node.weights.values():
            # By storage too: tied weights have two names for one tensor.
            for seen in (name, f"@{tensor.data_ptr()}" if tensor.numel() else name):
                owner, previous = self.used_weights.setdefault(seen, (key, name))
                if owner == key:
                    continue
                if previous == name:
                    raise Refuse("the module is called more than once, so its weights are shared")
                raise Refuse(f"{name} is shared with {previous} (tied weights)")
        node.values = values if values is not None else self._run(node)
        self.nodes[key] = node
        return Ref(key, next(iter(outputs), "y"))

    def check_value(self, node: fx.Node, ref: Ref) -> None:
        """The traced node's value must be what LayerLab's node computes."""
        want = self.traced.values.get(node)
        if not isinstance(want, torch.Tensor):
            return
        got = self.tensor(ref)
        if got.shape != want.shape or got.dtype != want.dtype:
            raise Refuse(
                f"LayerLab's {self.nodes[ref.node].type} gives {got.dtype} "
                f"{tuple(got.shape)} where the original gives {want.dtype} {tuple(want.shape)}"
            )
        if not close(got, want):
            error = float((got.double() - want.double()).abs().max())
            raise Refuse(
                f"LayerLab's {self.nodes[ref.node].type} computes something else here "
                f"(largest difference {error:.3g})"
            )

    # -- internals --------------------------------------------------------------------

    def _unique_key(self, wanted: str) -> str:
        key, n = wanted, 1
        while key in self.nodes:
            key, n = f"{wanted}_{n}", n + 1
        return key

    def _scope(self, origin: fx.Node | None) -> tuple[str, ...]:
        return self.traced.scope(origin) if origin is not None else ()

    def _run(self, node: DocNode) -> dict[str, torch.Tensor]:
        assert node.call is not None
        module = node.call.build()
        state = module.state_dict()
        if set(state) != set(node.weights):
            missing = sorted(set(state) - set(node.weights))
            extra = sorted(set(node.weights) - set(state))
            raise Refuse(
                f"the weights do not fit LayerLab's {node.type} (missing {missing}, extra {extra})"
            )
        for key, (source, tensor) in node.weights.items():
            if tensor.shape != state[key].shape:
                raise Refuse(
                    f"{source} has shape {tuple(tensor.shape)}; LayerLab's {node.type} keeps "
                    f"{key} as {tuple(state[key].shape)}"
                )
        module.load_state_dict({k: t for k, (_, t) in node.weights.items()})
        module.eval()
        op = REGISTRY[node.type]
        ports = [p.name for p in op.inputs]
        last = max((i for i, p in enumerate(ports) if p in node.inputs), default=-1)
        args = [
            self.tensor(node.inputs[p]) if p in node.inputs else None for p in ports[: last + 1]
        ]
        kwargs = {} if node.inputs or op.inputs == () else {"batch_size": self.traced.batch}
        with torch.no_grad():
            out = module(*args, **kwargs)
        results = out if isinstance(out, tuple) else (out,)
        return dict(zip(node.outputs, results, strict=True))


def close(got: torch.Tensor, want: torch.Tensor) -> bool:
    if not got.is_floating_point():
        return bool(torch.equal(got, want))
    scale = max(1.0, float(want.abs().max())) if want.numel() else 1.0
    return bool(((got - want).abs() <= TOLERANCE * scale).all())


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, tuple | list):
        return [v for item in value for v in _flatten(item)]
    return [value]


def describe(traced: Traced, node: fx.Node) -> str:
    """How a call reads in an error: `nn.PReLU`, `torch.erf`, `Tensor.permute`."""
    if node.op == "call_module":
        cls = type(traced.module(str(node.target)))
        prefix = "nn." if cls.__module__.startswith("torch.nn") else ""
        return f"{prefix}{cls.__name__}"
    if node.op == "call_method":
        return f"Tensor.{node.target}"
    target = node.target
    if isinstance(target, torch._ops.OpOverload):
        # Inside one of torch's layers (torch.export breaks them up): name the layer.
        stack = list((node.meta.get("nn_module_stack") or {}).values())
        layer = str(stack[-1][1]) if stack else ""
        if layer.startswith("torch.nn.modules."):
            return f"nn.{layer.rsplit('.', 1)[-1]} (aten.{target.__name__})"
        return f"aten.{target.__name__}"
    module = getattr(target, "__module__", "") or ""
    name = getattr(target, "__name__", str(target))
    if module.startswith("torch.nn.functional"):
        return f"F.{name}"
    if module.startswith("torch") or module == "_operator" or target in vars(operator).values():
        return f"{'operator' if module == '_operator' else 'torch'}.{name}"
    return f"{module}.{name}" if module else name


# -- which values follow from shapes and constants alone --------------------------------

_SHAPE_METHODS = {"size", "dim", "ndimension", "numel"}
_SHAPE_ATTRIBUTES = {"shape", "ndim", "dtype", "device", "is_cuda"}


_RANDOM = {
    torch.randn,
    torch.rand,
    torch.randint,
    torch.randn_like,
    torch.rand_like,
    torch.randint_like,
    torch.normal,
    torch.bernoulli,
    torch.multinomial,
    torch.randperm,
}


def classify(
    traced: Traced, random_module: Callable[[nn.Module], bool]
) -> tuple[set[fx.Node], set[fx.Node]]:
    """(static nodes, batchy nodes): a node is static when its value does not depend on
    the input data (sizes, masks from sizes, parameters, constants) and is not random,
    and batchy when it depends on the batch size (x.size(0)), which a document never
    fixes."""
    static: set[fx.Node] = set()
    batchy: set[fx.Node] = set()
    shape_of: set[fx.Node] = set()
    for node in traced.graph.nodes:
        value = traced.values.get(node)
        if node.op == "placeholder":
            if not isinstance(value, torch.Tensor):
                static.add(node)
                batchy.add(node)
            continue
        if node.op == "get_attr":
            static.add(node)
            continue
        if node.op == "output":
            continue
        target = node.target
        first = node.args[0] if node.args else None
        if node.op == "call_method" and target in _SHAPE_METHODS:
            static.add(node)
            dim = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim")
            if target == "size" and dim is None:
                shape_of.add(node)
            elif target in ("size", "numel") and (dim is None or dim == 0):
                batchy.add(node)
            continue
        if target is getattr and len(node.args) > 1 and node.args[1] in _SHAPE_ATTRIBUTES:
            static.add(node)
            if node.args[1] == "shape":
                shape_of.add(node)
            continue
        if target is torch.ops.aten.sym_size.int:
            static.add(node)
            if node.args[1] == 0:
                batchy.add(node)
            continue
        if target is operator.getitem and first in shape_of:
            static.add(node)
            index = node.args[1]
            if isinstance(index, slice) or index == 0:
                batchy.add(node)
            continue
        inputs = node.all_input_nodes
        if target in _RANDOM or (
            node.op == "call_module" and random_module(traced.module(str(target)))
        ):
            continue
        if all(n in static for n in inputs):
            static.add(node)
            if any(n in batchy or n in shape_of for n in inputs):
                batchy.add(node)
    return static, batchy
