"""One traversal of a graph body, shared by everything that emits a network from it.

`traverse` visits one body (a network of the top level, or one block) and holds the
rules that every emitter must agree on, so that `compile` (torch.fx nodes) and
`export_python` (lines of source) cannot drift apart:

- forward's arguments: the body's Input nodes in document order, then `batch_size`
  when noise is the network's only source;
- a node's arguments: its wired inputs in input-port order, up to the last connected
  port, with None for an unconnected one before it;
- a node with several output ports returns a tuple, and only the ports that something
  reads are taken from it (by index); a node with one port is its own value;
- a noise source with nothing wired in is passed `batch_size`: forward's argument,
  or else the first input's batch dimension, taken once where the first source needs it;
- a repeated block calls its copies in turn: copy i's first output feeds copy i+1's
  first input, the other inputs go to every copy (a block used once is called as one
  module, several copies by index).

As in `torch.fx.Interpreter`, the traversal keeps the environment (the value each
node's output port holds) and asks an `Emitter` for each value; what a value is, an
`fx.Node` or the name a line of source assigns, is the emitter's business.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from layerlab.graph.document import BlockDoc
from layerlab.graph.inference import BodyResult, NodeResult
from layerlab.graph.wiring import Body, Definition, Wire, input_ports, is_op, output_ports

V = TypeVar("V")


@dataclass(frozen=True)
class Step:
    """One node to call, with what the traversal resolved for it."""

    node_id: str
    definition: Definition
    result: NodeResult
    args: tuple[Wire | None, ...]
    """The wire into each input port, in port order, up to the last connected one."""
    ports: tuple[str, ...]
    """Every output port, in order: a tuple is returned when there are several."""
    bound: tuple[str, ...]
    """The output ports given a value: the one port, or those of several that are read."""
    noise: bool
    """A noise source with nothing wired in: it is passed `batch_size`."""

    @property
    def is_block(self) -> bool:
        return isinstance(self.definition, BlockDoc)

    @property
    def unpacks(self) -> bool:
        """Whether the call returns a tuple, one item per output port."""
        return len(self.ports) > 1


class Emitter(Protocol[V]):
    """What a traversal asks of the code it builds; `V` is one value in that code."""

    def input(self, node_id: str) -> V:
        """Forward's argument for an Input node."""
        ...

    def batch_size(self) -> V:
        """Forward's `batch_size` argument, for a network fed by noise alone."""
        ...

    def batch_size_of(self, first_input: V) -> V:
        """The batch dimension of an input, for a noise source beside it."""
        ...

    def module(self, step: Step) -> None:
        """Make the node's module (a block's copies), once, before it is called."""
        ...

    def call(self, step: Step, copy: int | None, args: Sequence[V | None], batch: V | None) -> V:
        """Call the node's module (copy `copy` of a block made of several); `batch` is
        the batch size for a noise source, None otherwise."""
        ...

    def item(self, call: V, index: int) -> V:
        """Item `index` of what a call that returns a tuple returned."""
        ...

    def output(self, values: Sequence[V]) -> None:
        """Return these values from forward: one, or a tuple of several."""
        ...


def steps(body: Body, result: BodyResult, members: Collection[str]) -> Iterator[Step]:
    """The nodes to call, in topological order: every member but Input and Output."""
    for node_id in body.order:
        definition = body.definitions[node_id]
        if node_id not in members or is_op(definition, "Input") or is_op(definition, "Output"):
            continue
        ports = tuple(p.name for p in output_ports(definition))
        read = {w.source_port for w in body.wires_out[node_id]}
        yield Step(
            node_id,
            definition,
            result.nodes[node_id],
            _arguments(body, node_id),
            ports,
            ports if len(ports) == 1 else tuple(p for p in ports if p in read),
            noise=body.is_unfed_source(node_id),
        )


def traverse(
    body: Body,
    result: BodyResult,
    emitter: Emitter[V],
    members: Collection[str] | None = None,
    needs_batch_size: bool = False,
) -> None:
    """Emit one body's forward through `emitter`; `members` narrows the top level to
    one network's nodes (a block is emitted whole)."""
    inside = set(body.nodes) if members is None else set(members)
    in_order = [n for n in body.nodes if n in inside]
    inputs = [n for n in in_order if is_op(body.definitions[n], "Input")]
    values: dict[tuple[str, str], V] = {(n, "y"): emitter.input(n) for n in inputs}
    batch = emitter.batch_size() if needs_batch_size else None

    for step in steps(body, result, inside):
        args = [None if w is None else values[(w.source, w.source_port)] for w in step.args]
        emitter.module(step)
        if step.is_block:
            call = _call_copies(emitter, step, args)
        else:
            if step.noise and batch is None:
                batch = emitter.batch_size_of(values[(inputs[0], "y")])
            call = emitter.call(step, None, args, batch if step.noise else None)
        if step.unpacks:
            for port in step.bound:
                values[(step.node_id, port)] = emitter.item(call, step.ports.index(port))
        else:
            values[(step.node_id, step.ports[0])] = call

    returned = [body.wires_in[n]["x"] for n in in_order if is_op(body.definitions[n], "Output")]
    emitter.output([values[(w.source, w.source_port)] for w in returned])


def _arguments(body: Body, node_id: str) -> tuple[Wire | None, ...]:
    ports = [p.name for p in input_ports(body.definitions[node_id])]
    wires = body.wires_in[node_id]
    last = max((i for i, p in enumerate(ports) if p in wires), default=-1)
    return tuple(wires.get(p) for p in ports[: last + 1])


def _call_copies(emitter: Emitter[V], step: Step, args: list[V | None]) -> V:
    copies = len(step.result.copies)
    call: V | None = None
    for copy in range(copies):
        call = emitter.call(step, copy if copies > 1 else None, args, None)
        # The next copy's first input: this copy's first output (taken after the last
        # copy too, where nothing reads it: the compiled graph keeps an unused getitem).
        args = [emitter.item(call, 0) if step.unpacks else call, *args[1:]]
    assert call is not None
    return call
