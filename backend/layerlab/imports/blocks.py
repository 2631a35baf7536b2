"""Grouping: repeated submodules of one class become document blocks.

A module class that the model uses in two or more places (ResNet's BasicBlock, a
Transformer's layer) becomes a block: each of its calls is an instance, whose ports are
the forward's tensor arguments and results. Instances of one class that are wired alike
share one block; where their settings differ (64 or 128 channels), the block takes a
parameter for each (`$out_channels`). One class that is wired two ways (a BasicBlock with
a projection shortcut and one without) gives two blocks. Instances that chain (each one's
first result is the next one's first argument, the other arguments shared) and are equal
in every setting collapse into one node with `repeat`, named as the ModuleList or
Sequential that holds them, so their weights keep torch's names (`layer1.0.conv1.weight`).

Ids come from module paths (`downsample.0` -> `downsample_0`) and, for functions, from
the node type (`add`, `relu_1`), counted within each body, so that every instance of a
block reads alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from layerlab.graph.document import is_reserved_id
from layerlab.imports.lower import DocNode, Lowering, Ref
from layerlab.imports.trace import Call
from layerlab.ops import REGISTRY


@dataclass
class Body:
    """The top level, or one instance of a block: what it holds, in order."""

    path: str
    cls: type | None
    members: set[str]
    """DocNode keys inside, at any depth."""
    inputs: list[tuple[str, Ref]] = field(default_factory=list)
    outputs: list[Ref] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    full_key: str = ""
    shape_key: str = ""
    variant: Variant | None = None
    bindings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Item:
    """A node, or one block instance, or several chained instances (a repeat)."""

    key: str | None = None
    bodies: list[Body] = field(default_factory=list)
    id: str = ""


@dataclass
class Variant:
    name: str
    cls: type
    bodies: list[Body]
    params: dict[str, Any] = field(default_factory=dict)
    lifted: dict[tuple[str, str], str] = field(default_factory=dict)
    """(node id, field) -> the block parameter that sets it."""


class _Invalid(Exception):
    def __init__(self, path: str):
        self.path = path


def sanitize(path: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", path)
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = f"_{name}"
    name = name[:60]
    return f"{name}_" if is_reserved_id(name) else name


class Grouper:
    def __init__(self, lw: Lowering):
        self.lw = lw
        self.nodes = lw.nodes
        self.order = {key: i for i, key in enumerate(lw.nodes)}
        self.consumers: dict[Ref, set[str]] = {}
        for key, node in lw.nodes.items():
            for ref in node.inputs.values():
                self.consumers.setdefault(ref, set()).add(key)
        for name, ref in lw.outputs:
            self.consumers.setdefault(ref, set()).add(f"<output {name}>")
        self.candidates = _candidates(lw.traced.calls)

    def group(self) -> Body:
        """The top-level body, every repeated class made blocks (an instance whose calls
        cannot be a block's, such as one whose result is read from inside, is left flat)."""
        while True:
            try:
                top = Body(path="", cls=None, members=set(self.nodes))
                self._build(top, depth=0)
                return top
            except _Invalid as bad:
                cls = self.candidates[bad.path].cls
                self.candidates = {p: c for p, c in self.candidates.items() if c.cls is not cls}

    # -- bodies -----------------------------------------------------------------------

    def _build(self, body: Body, depth: int) -> None:
        children: dict[str, list[str]] = {}
        for key in sorted(body.members, key=self.order.__getitem__):
            chain = [p for p in self.nodes[key].scope if p in self.candidates]
            if len(chain) > depth:
                if chain[depth] not in children:
                    children[chain[depth]] = []
                    body.items.append(Item(bodies=[Body(chain[depth], None, set())]))
                children[chain[depth]].append(key)
            else:
                body.items.append(Item(key=key))
        for item in body.items:
            for child in item.bodies:
                child.members = set(children[child.path])
                child.cls = self.candidates[child.path].cls
                self._interface(child)
                self._build(child, depth + 1)
        body.items = self._chains(body.items)
        _name_items(body, self.nodes)
        body.full_key = self._key(body, full=True)
        body.shape_key = self._key(body, full=False)

    def _interface(self, body: Body) -> None:
        call = self.candidates[body.path]
        consumed = [
            ref
            for key in sorted(body.members, key=self.order.__getitem__)
            for ref in self.nodes[key].inputs.values()
            if ref.node not in body.members
        ]
        for name, node in call.args:
            ref = self.lw.env.get(node)
            if isinstance(ref, Ref) and ref in consumed and ref not in [r for _, r in body.inputs]:
                body.inputs.append((name, ref))
        for ref in consumed:  # read from outside but not passed in: a closure
            if ref not in [r for _, r in body.inputs]:
                body.inputs.append((f"in_{len(body.inputs)}", ref))
        for node in call.outputs:
            ref = self.lw.env.get(node)
            if not isinstance(ref, Ref):
                raise _Invalid(body.path)
            body.outputs.append(ref)
        returned = set(body.outputs)
        for key in body.members:
            for port in self.nodes[key].outputs:
                readers = self.consumers.get(Ref(key, port), set()) - body.members
                if readers and Ref(key, port) not in returned:
                    raise _Invalid(body.path)
        if not body.outputs or not body.inputs:
            raise _Invalid(body.path)

    def _chains(self, items: list[Item]) -> list[Item]:
        out: list[Item] = []
        for item in items:
            last = out[-1] if out else None
            if last is not None and item.bodies and last.bodies and self._follows(last, item):
                last.bodies.append(item.bodies[0])
            else:
                out.append(item)
        return out

    def _follows(self, chain: Item, item: Item) -> bool:
        a, b = chain.bodies[-1], item.bodies[0]
        if a.cls is not b.cls or a.full_key != b.full_key:
            return False
        if [n for n, _ in a.inputs] != [n for n, _ in b.inputs]:
            return False
        if b.inputs[0][1] != a.outputs[0] or [r for _, r in a.inputs[1:]] != [
            r for _, r in b.inputs[1:]
        ]:
            return False
        if self.consumers.get(a.outputs[0], set()) - b.members:
            return False
        return not any(self.consumers.get(ref) for ref in a.outputs[1:])

    def _key(self, body: Body, full: bool) -> str:
        rendered = render(body, self.nodes, lambda b: b.full_key if full else b.shape_key, full)
        return json.dumps([getattr(body.cls, "__qualname__", ""), rendered], sort_keys=True)

    # -- variants and their parameters ----------------------------------------------------

    def variants(self, top: Body) -> list[Variant]:
        """Group the instances into block definitions, deepest first, and lift the
        settings that differ between instances of one into block parameters."""
        by_key: dict[tuple[Any, str], Variant] = {}
        depth: dict[tuple[Any, str], int] = {}

        def visit(body: Body, level: int) -> None:
            for item in body.items:
                for child in item.bodies:
                    key = (child.cls, child.shape_key)
                    if key not in by_key:
                        by_key[key] = Variant("", child.cls, [])  # type: ignore[arg-type]
                    by_key[key].bodies.append(child)
                    depth[key] = max(depth.get(key, 0), level)
                    child.variant = by_key[key]
                    visit(child, level + 1)

        visit(top, 0)
        variants = list(by_key.values())
        _name_variants(variants)
        for key in sorted(by_key, key=lambda k: -depth[k]):
            _lift(by_key[key], self.nodes)
        return variants


def _candidates(calls: dict[str, list[Call]]) -> dict[str, Call]:
    """Module calls that may be block instances: a class (not one of torch's containers)
    called in two or more places, each place called once."""
    by_class: dict[type, list[str]] = {}
    for path, made in calls.items():
        cls = made[0].cls
        if len(made) != 1 or cls.__module__.startswith("torch.") or not path:
            continue
        by_class.setdefault(cls, []).append(path)
    return {p: calls[p][0] for paths in by_class.values() if len(paths) > 1 for p in paths}


def snake(type_name: str) -> str:
    """AdaptiveAvgPool2d -> adaptive_avg_pool2d, LeakyReLU -> leaky_relu."""
    name = type_name.replace("ReLU", "Relu").replace("SiLU", "Silu")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


def _relative(path: str, inside: str) -> str:
    return path[len(inside) + 1 :] if inside else path


def _name_items(body: Body, nodes: dict[str, DocNode]) -> None:
    taken = {name for name, _ in body.inputs}
    for item in body.items:
        if item.key is not None:
            node = nodes[item.key]
            wanted = sanitize(_relative(node.path, body.path)) if node.path else snake(node.type)
            if node.type == "Input":
                wanted = sanitize(item.key)
        else:
            paths = [_relative(b.path, body.path) for b in item.bodies]
            parent = paths[0].rsplit(".", 1)[0] if "." in paths[0] else ""
            indexed = [f"{parent}.{i}" for i in range(len(paths))]
            whole = len(paths) > 1 and parent and paths == indexed
            wanted = sanitize(parent if whole else paths[0])
        item.id = _unique(wanted, taken)


def _unique(wanted: str, taken: set[str]) -> str:
    name, n = wanted, 1
    while name in taken or is_reserved_id(name):
        name, n = f"{wanted}_{n}", n + 1
    taken.add(name)
    return name


def output_ids(body: Body) -> list[str]:
    if body.path == "":
        return []
    return ["y"] if len(body.outputs) == 1 else [f"y_{i}" for i in range(len(body.outputs))]


def locate(body: Body, nodes: dict[str, DocNode]) -> dict[Ref, tuple[str, str]]:
    """Where each value a body can read comes from: (id, port) of an Input, a node, or
    an instance's (the chain's last copy's) output port."""
    where: dict[Ref, tuple[str, str]] = {ref: (name, "y") for name, ref in body.inputs}
    for item in body.items:
        if item.key is not None:
            for port in nodes[item.key].outputs:
                where[Ref(item.key, port)] = (item.id, port)
        else:
            last = item.bodies[-1]
            for ref, port in zip(last.outputs, output_ids(last), strict=True):
                where[ref] = (item.id, port)
    return where


def render(body: Body, nodes: dict[str, DocNode], child_type: Any, values: bool) -> dict[str, Any]:
    """A body as plain data: its nodes (id, type, params or their names, repeat), edges
    and ports. Instances of one block render alike."""
    where = locate(body, nodes)
    out_nodes: list[Any] = []
    edges: list[Any] = []
    for item in body.items:
        if item.key is not None:
            node = nodes[item.key]
            params = node.params if values else sorted(node.params)
            out_nodes.append([item.id, node.type, params, 1])
            inputs = list(node.inputs.items())
        else:
            first = item.bodies[0]
            out_nodes.append([item.id, child_type(first), {}, len(item.bodies)])
            ports = [name for name, _ in first.inputs]
            inputs = list(zip(ports, [r for _, r in first.inputs], strict=True))
        for port, ref in inputs:
            edges.append([*where[ref], item.id, port])
    outputs = [
        [name, *where[ref]] for name, ref in zip(output_ids(body), body.outputs, strict=True)
    ]
    return {
        "inputs": [name for name, _ in body.inputs],
        "nodes": out_nodes,
        "edges": edges,
        "outputs": outputs,
    }


def _name_variants(variants: list[Variant]) -> None:
    taken: set[str] = set(REGISTRY)
    for variant in variants:
        base = sanitize(variant.cls.__name__)
        if base in REGISTRY:
            base = f"{base}Block"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}{n}", n + 1
        taken.add(name)
        variant.name = name


def item_params(item: Item, nodes: dict[str, DocNode]) -> dict[str, Any]:
    if item.key is not None:
        return dict(nodes[item.key].params)
    return dict(item.bodies[0].bindings)


def _lift(variant: Variant, nodes: dict[str, DocNode]) -> None:
    """Settings that differ between the variant's instances become block parameters:
    one per group of settings that always agree, named by the field where it is one."""
    columns: dict[tuple[str, str], list[Any]] = {}
    for body in variant.bodies:
        for item in body.items:
            for name, value in item_params(item, nodes).items():
                columns.setdefault((item.id, name), []).append(json.dumps(value))
    differing = {k: v for k, v in columns.items() if len(set(v)) > 1}
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for place, column in differing.items():
        groups.setdefault(tuple(column), []).append(place)
    fields = [place[1] for places in groups.values() for place in places[:1]]
    for values, places in groups.items():
        node_id, name = places[0]
        wanted = name if fields.count(name) == 1 else f"{node_id}_{name}"
        param = sanitize(wanted)
        while param in variant.params:
            param = f"{param}_"
        variant.params[param] = json.loads(values[0])
        for place in places:
            variant.lifted[place] = param
    for i, body in enumerate(variant.bodies):
        body.bindings = {
            param: json.loads(columns[places[0]][i])
            for places, param in ((p, variant.lifted[p[0]]) for p in groups.values())
        }
