"""Checks of a document's structure as a whole: its size, its blocks, its networks.

What one body's wiring gets wrong is `wiring`'s to report; these are the checks that
need the whole document: sizes against the limits, block names, ports and nesting,
how far blocks and repeats expand, which networks there are, and what reaches no
Output.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from layerlab.graph.document import BlockDoc, GraphDocument, NodeDoc
from layerlab.graph.errors import Code, GraphIssue
from layerlab.graph.limits import Limits
from layerlab.graph.wiring import DEFAULT_NETWORK, Body, is_op
from layerlab.messages import Param
from layerlab.ops import REGISTRY


@dataclass
class Network:
    name: str
    inputs: list[str]
    outputs: list[str]
    nodes: list[str]
    needs_batch_size: bool
    """True when the only sources are noise: forward then takes `batch_size`."""


def check_sizes(
    doc: GraphDocument, blocks: dict[str, BlockDoc], limits: Limits, errors: list[GraphIssue]
) -> bool:
    """Node and edge counts within the limits, and block names that are unambiguous."""
    nodes = len(doc.nodes) + sum(len(b.nodes) for b in doc.blocks)
    edges = len(doc.edges) + sum(len(b.edges) for b in doc.blocks)
    for what, count, limit, key in (
        ("nodes", nodes, limits.max_nodes, "document.too_many_nodes"),
        ("edges", edges, limits.max_edges, "document.too_many_edges"),
    ):
        if count > limit:
            errors.append(
                GraphIssue(
                    code=Code.LIMIT_EXCEEDED,
                    field=what,
                    key=key,
                    params={"count": count, "limit": limit},
                )
            )
    for block in doc.blocks:
        if block.name in blocks and blocks[block.name] is not block:
            errors.append(
                GraphIssue(
                    code=Code.DUPLICATE_ID,
                    block=block.name,
                    key="block.defined_twice",
                    params={"block": block.name},
                )
            )
        if block.name in REGISTRY:
            errors.append(
                GraphIssue(
                    code=Code.BAD_BLOCK,
                    block=block.name,
                    key="block.builtin_name",
                    params={"block": block.name},
                )
            )
    return not errors


def check_block_ports(block: BlockDoc, errors: list[GraphIssue]) -> None:
    types = [n.type for n in block.nodes]
    for needed in ("Input", "Output"):
        if needed not in types:
            errors.append(
                GraphIssue(
                    code=Code.BAD_BLOCK,
                    block=block.name,
                    key="block.needs_port",
                    params={"block": block.name, "needed": needed},
                )
            )


def check_block_nesting(
    blocks: dict[str, BlockDoc], limits: Limits, errors: list[GraphIssue]
) -> bool:
    """Blocks may use blocks, but not themselves (directly or not), and not too deeply."""
    uses = {name: [n.type for n in b.nodes if n.type in blocks] for name, b in blocks.items()}
    depth: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> int:
        if name in trail:
            loop = " -> ".join([*trail[trail.index(name) :], name])
            raise _BlockLoop(name, loop)
        if name not in depth:
            depth[name] = 1 + max((visit(u, [*trail, name]) for u in uses[name]), default=0)
        return depth[name]

    for name in blocks:
        try:
            if visit(name, []) > limits.max_block_depth:
                errors.append(
                    GraphIssue(
                        code=Code.LIMIT_EXCEEDED,
                        block=name,
                        key="limit.block_depth",
                        params={
                            "depth": depth[name],
                            "block": name,
                            "limit": limits.max_block_depth,
                        },
                    )
                )
                return False
        except _BlockLoop as loop:
            errors.append(
                GraphIssue(
                    code=Code.BAD_BLOCK,
                    block=loop.block,
                    key="block.uses_itself",
                    params={"loop": loop.loop},
                )
            )
            return False
    return True


class _BlockLoop(Exception):
    def __init__(self, block: str, loop: str):
        self.block, self.loop = block, loop


def check_expanded_size(
    doc: GraphDocument, blocks: dict[str, BlockDoc], limits: Limits, errors: list[GraphIssue]
) -> bool:
    """Nodes once blocks and repeats are expanded, within the limit."""
    expanded = _expanded_count(doc, blocks)
    if expanded <= limits.max_nodes:
        return True
    errors.append(
        GraphIssue(
            code=Code.LIMIT_EXCEEDED,
            field="nodes",
            key="limit.expanded_nodes",
            params={"count": expanded, "limit": limits.max_nodes},
        )
    )
    return False


def _expanded_count(doc: GraphDocument, blocks: dict[str, BlockDoc]) -> int:
    memo: dict[str, int] = {}

    def count(nodes: list[NodeDoc]) -> int:
        total = 0
        for node in nodes:
            if node.type in blocks:
                if node.type not in memo:
                    memo[node.type] = count(blocks[node.type].nodes)
                total += node.repeat * memo[node.type]
            else:
                total += 1
        return total

    return count(doc.nodes)


def split_networks(top: Body, errors: list[GraphIssue]) -> list[Network]:
    members: dict[str, list[str]] = {}
    for node_id in top.nodes:
        members.setdefault(top.network_of(node_id), []).append(node_id)
    if not members:
        errors.append(GraphIssue(code=Code.NO_INPUT, key="graph.empty"))
    networks = []
    for name, node_ids in members.items():
        definitions = {n: top.definitions.get(n) for n in node_ids}
        inputs = [n for n, k in definitions.items() if is_op(k, "Input")]
        outputs = [n for n, k in definitions.items() if is_op(k, "Output")]
        sources = [n for n, k in definitions.items() if k is not None and top.is_unfed_source(n)]
        named = name != DEFAULT_NETWORK
        network: dict[str, Param] = {"network": name} if named else {}
        if not sources:
            errors.append(
                GraphIssue(
                    code=Code.NO_INPUT,
                    field="network",
                    key="network.no_input_named" if named else "network.no_input",
                    params=network,
                )
            )
        if not outputs:
            errors.append(
                GraphIssue(
                    code=Code.NO_OUTPUT,
                    field="network",
                    key="network.no_output_named" if named else "network.no_output",
                    params=network,
                )
            )
        networks.append(
            Network(name, inputs, outputs, node_ids, needs_batch_size=bool(sources) and not inputs)
        )
    return networks


def unused_warnings(top: Body) -> list[GraphIssue]:
    """Warnings for nodes whose result reaches no Output."""
    useful = {n for n, k in top.definitions.items() if is_op(k, "Output")}
    queue = deque(useful)
    while queue:
        for wire in top.wires_in.get(queue.popleft(), {}).values():
            if wire.source not in useful:
                useful.add(wire.source)
                queue.append(wire.source)
    return [
        GraphIssue(code=Code.UNUSED, node_id=n, key="graph.unused", params={"node": n})
        for n in top.definitions
        if n not in useful and n not in top.broken
    ]
