"""Structural validation: resolve types and ports, wire edges, order the nodes.

Works on one *body* at a time: the document's top level or one block definition.
Every problem becomes a located `GraphIssue`; only root causes are reported (a node
downstream of a broken one is left alone, not flagged again).
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from layerlab.graph.document import BlockDoc, EdgeDoc, NodeDoc, is_reserved_id
from layerlab.graph.errors import Code, GraphIssue
from layerlab.messages import Param
from layerlab.ops import REGISTRY, Op, Port

Definition = Op[Any] | BlockDoc
"""What a node's `type` names: a registered op, or a block of the document."""

DEFAULT_NETWORK = "main"


def input_ports(definition: Definition) -> tuple[Port, ...]:
    if isinstance(definition, BlockDoc):
        return tuple(
            Port(n.id, f"block input {n.id}", dtype="any")
            for n in definition.nodes
            if n.type == "Input"
        )
    return definition.inputs


def output_ports(definition: Definition) -> tuple[Port, ...]:
    if isinstance(definition, BlockDoc):
        return tuple(
            Port(n.id, f"block output {n.id}", dtype="any")
            for n in definition.nodes
            if n.type == "Output"
        )
    return definition.outputs


def is_source(definition: Definition) -> bool:
    """A node that produces data with nothing connected (Input, a Noise source)."""
    return bool(output_ports(definition)) and all(p.optional for p in input_ports(definition))


def is_op(definition: Definition | None, name: str) -> bool:
    """Whether `definition` is the registered op `name` (a block never is)."""
    return isinstance(definition, Op) and definition.name == name


@dataclass(frozen=True)
class Wire:
    source: str
    source_port: str
    target: str
    target_port: str


@dataclass
class Body:
    """One graph body, wired: the nodes whose type resolved, each input port's wire,
    and a topological order of the nodes that are not in a cycle."""

    block: str | None
    nodes: dict[str, NodeDoc]
    definitions: dict[str, Definition] = field(default_factory=dict)
    wires_in: dict[str, dict[str, Wire]] = field(default_factory=dict)
    wires_out: dict[str, list[Wire]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Nodes with a root-cause error of their own: shape inference skips them and
    everything downstream."""

    def network_of(self, node_id: str) -> str:
        return self.nodes[node_id].network or DEFAULT_NETWORK

    def is_unfed_source(self, node_id: str) -> bool:
        """A source with nothing wired in: an Input, or a noise source that makes as
        many samples as the batch has."""
        return is_source(self.definitions[node_id]) and not self.wires_in[node_id]


class _Issues:
    def __init__(self, block: str | None, sink: list[GraphIssue]):
        self.block = block
        self.sink = sink
        self.seen: set[GraphIssue] = set()

    def add(
        self,
        code: Code,
        key: str,
        params: dict[str, Param],
        node_id: str | None = None,
        **where: str | None,
    ) -> None:
        issue = GraphIssue(
            code=code, key=key, params=params, node_id=node_id, block=self.block, **where
        )
        # The same edge written 10,000 times is one problem, not 10,000.
        if issue not in self.seen:
            self.seen.add(issue)
            self.sink.append(issue)


def resolve_definition(type_name: str, blocks: dict[str, BlockDoc]) -> Definition | None:
    if type_name in REGISTRY:
        return REGISTRY[type_name]
    return blocks.get(type_name)


def _unknown_type_message(
    type_name: str, blocks: dict[str, BlockDoc]
) -> tuple[str, dict[str, Param]]:
    known = [*REGISTRY, *blocks]
    close = difflib.get_close_matches(type_name, known, n=1)
    if close:
        return "node.unknown_type_close", {"type": type_name[:64], "close": close[0]}
    return "node.unknown_type", {"type": type_name[:64]}


def wire_body(
    nodes: list[NodeDoc],
    edges: list[EdgeDoc],
    blocks: dict[str, BlockDoc],
    issues: list[GraphIssue],
    block: str | None = None,
) -> Body:
    """Validate one body's structure and wire it. Problems go to `issues`."""
    report = _Issues(block, issues)
    body = Body(block=block, nodes={})
    for node in nodes:
        if node.id in body.nodes:
            report.add(Code.DUPLICATE_ID, "node.duplicate_id", {"node": node.id}, node.id)
            continue
        body.nodes[node.id] = node
        if is_reserved_id(node.id):
            report.add(Code.BAD_ID, "node.reserved_id", {"node": node.id}, node.id)
            body.broken.add(node.id)
        definition = resolve_definition(node.type, blocks)
        if definition is None:
            key, params = _unknown_type_message(node.type, blocks)
            report.add(Code.UNKNOWN_TYPE, key, params, node.id, field="type")
            body.broken.add(node.id)
            continue
        if isinstance(definition, BlockDoc) and not (
            input_ports(definition) and output_ports(definition)
        ):
            # A block without ports cannot be wired; its own bad_block error is the cause.
            body.broken.add(node.id)
            continue
        if node.repeat > 1 and not isinstance(definition, BlockDoc):
            report.add(
                Code.BAD_PARAM,
                "node.repeat_not_block",
                {"type": node.type},
                node.id,
                field="repeat",
            )
        body.definitions[node.id] = definition
        body.wires_in[node.id] = {}
        body.wires_out[node.id] = []

    _wire_edges(body, edges, report)
    _check_inputs(body, report)
    _order(body, report)
    return body


def _wire_edges(body: Body, edges: list[EdgeDoc], report: _Issues) -> None:
    # Edges naming their target port first, so port-less edges fill what is left.
    for edge in sorted(edges, key=lambda e: e.target_port is None):
        missing = [end for end in (edge.source, edge.target) if end not in body.nodes]
        if missing:
            known = edge.target if edge.source in missing else edge.source
            report.add(
                Code.DANGLING_EDGE,
                "edge.dangling",
                {"source": edge.source, "target": edge.target, "missing": missing[0]},
                known if known in body.nodes else None,
            )
            if edge.target in body.nodes:
                body.broken.add(edge.target)  # not "unreachable" as well
            continue
        if edge.source not in body.definitions or edge.target not in body.definitions:
            body.broken.add(edge.target)  # the unknown type is the root cause
            continue
        if (
            body.nodes[edge.source].network != body.nodes[edge.target].network
            and body.block is None
        ):
            report.add(
                Code.CROSS_NETWORK_EDGE,
                "edge.cross_network",
                {
                    "source": edge.source,
                    "target": edge.target,
                    "first": body.network_of(edge.source),
                    "second": body.network_of(edge.target),
                },
                edge.target,
            )
            body.broken.add(edge.target)
            continue
        source_port = _source_port(body, edge, report)
        target_port = _target_port(body, edge, report)
        if source_port is None or target_port is None:
            body.broken.add(edge.target)
            continue
        wire = Wire(edge.source, source_port, edge.target, target_port)
        body.wires_in[edge.target][target_port] = wire
        body.wires_out[edge.source].append(wire)


def _source_port(body: Body, edge: EdgeDoc, report: _Issues) -> str | None:
    ports = output_ports(body.definitions[edge.source])
    if not ports:
        report.add(
            Code.UNKNOWN_PORT,
            "port.no_outputs",
            {"type": body.nodes[edge.source].type},
            edge.source,
        )
        return None
    if edge.source_port is None:
        return ports[0].name
    if edge.source_port not in {p.name for p in ports}:
        report.add(
            Code.UNKNOWN_PORT,
            "port.unknown_output",
            {"port": edge.source_port[:64], "ports": [p.name for p in ports]},
            edge.source,
            port=edge.source_port[:64],
        )
        return None
    return edge.source_port


def _target_port(body: Body, edge: EdgeDoc, report: _Issues) -> str | None:
    node = body.nodes[edge.target]
    ports = input_ports(body.definitions[edge.target])
    taken = body.wires_in[edge.target]
    if not ports:
        report.add(
            Code.EXTRA_INPUT,
            "input.takes_none",
            {"type": node.type, "source": edge.source},
            edge.target,
        )
        return None
    if edge.target_port is None:
        free = [p.name for p in ports if p.name not in taken]
        if not free:
            report.add(
                Code.EXTRA_INPUT,
                "input.all_taken",
                {"node": edge.target, "source": edge.source},
                edge.target,
            )
            return None
        return free[0]
    if edge.target_port not in {p.name for p in ports}:
        report.add(
            Code.UNKNOWN_PORT,
            "port.unknown_input",
            {"port": edge.target_port[:64], "ports": [p.name for p in ports]},
            edge.target,
            port=edge.target_port[:64],
        )
        return None
    if edge.target_port in taken:
        report.add(
            Code.EXTRA_INPUT,
            "input.twice",
            {
                "port": edge.target_port,
                "first": taken[edge.target_port].source,
                "second": edge.source,
            },
            edge.target,
            port=edge.target_port,
        )
        return None
    return edge.target_port


def _check_inputs(body: Body, report: _Issues) -> None:
    for node_id, definition in body.definitions.items():
        if node_id in body.broken:
            continue
        required = [p.name for p in input_ports(definition) if not p.optional]
        connected = body.wires_in[node_id]
        missing = [p for p in required if p not in connected]
        if not missing:
            continue
        body.broken.add(node_id)
        if not connected:
            report.add(
                Code.UNREACHABLE,
                "input.unfed_many" if len(missing) > 1 else "input.unfed",
                {"node": node_id, "ports": missing} if len(missing) > 1 else {"node": node_id},
                node_id,
                port=missing[0],
            )
        else:
            for port in missing:
                report.add(
                    Code.MISSING_INPUT,
                    "input.missing",
                    {"port": port, "node": node_id},
                    node_id,
                    port=port,
                )


def _order(body: Body, report: _Issues) -> None:
    """Kahn's algorithm; whatever is left over sits on a cycle or behind one. Each
    cycle is reported once; nodes merely downstream of a cycle are not reported."""
    pending = {n: len(body.wires_in[n]) for n in body.definitions}
    ready = deque(n for n in body.definitions if pending[n] == 0)
    while ready:
        node_id = ready.popleft()
        body.order.append(node_id)
        for wire in body.wires_out[node_id]:
            pending[wire.target] -= 1
            if pending[wire.target] == 0:
                ready.append(wire.target)
    ordered = set(body.order)
    stuck = [n for n in body.definitions if n not in ordered]  # document order, for stable reports
    remaining = set(stuck)
    rank = {n: i for i, n in enumerate(stuck)}
    for start in stuck:
        if start not in remaining:
            continue
        cycle = _find_cycle(body, start, remaining)
        first = cycle.index(min(cycle, key=rank.__getitem__))
        cycle = cycle[first:] + cycle[:first]  # start where the document does
        loop = " -> ".join([*cycle, cycle[0]])
        report.add(Code.CYCLE, "graph.cycle", {"cycle": loop}, cycle[0])
        body.broken.update(cycle)
        _drop_downstream(body, cycle, remaining)


def _find_cycle(body: Body, start: str, stuck: set[str]) -> list[str]:
    """A cycle among the stuck nodes, walking backwards from `start` until a node
    repeats: every stuck node has a stuck predecessor, so the walk always closes."""
    node = start
    seen: dict[str, int] = {}
    path: list[str] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(w.source for w in body.wires_in[node].values() if w.source in stuck)
    return list(reversed(path[seen[node] :]))


def _drop_downstream(body: Body, cycle: list[str], stuck: set[str]) -> None:
    """Remove a reported cycle and everything it feeds from `stuck`."""
    queue = deque(cycle)
    stuck.difference_update(cycle)
    while queue:
        for wire in body.wires_out[queue.popleft()]:
            if wire.target in stuck:
                stuck.discard(wire.target)
                queue.append(wire.target)
