"""From grouped bodies to a graph document and its weights, keyed as `layerlab.build`
names them; `names` says which original state key each one holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from layerlab.graph.document import BlockDoc, EdgeDoc, GraphDocument, NodeDoc
from layerlab.imports.blocks import Body, Item, Variant, locate, output_ids, render
from layerlab.imports.lower import DocNode
from layerlab.ops import REGISTRY


@dataclass
class Assembled:
    document: GraphDocument
    weights: dict[str, torch.Tensor]
    names: dict[str, str]


def assemble(
    name: str,
    description: str,
    top: Body,
    variants: list[Variant],
    nodes: dict[str, DocNode],
    outputs: list[tuple[str, Any]],
) -> Assembled:
    taken = {item.id for item in top.items}
    top_nodes = [_node_doc(item, nodes, {}) for item in top.items]
    edges = _edges(top, nodes, {})
    where = locate(top, nodes)
    for out_name, ref in outputs:
        out_id = out_name
        n = 1
        while out_id in taken:
            out_id, n = f"{out_name}_{n}", n + 1
        taken.add(out_id)
        top_nodes.append(NodeDoc(id=out_id, type="Output"))
        source, port = where[ref]
        edges.append(_edge(source, port, out_id, "x", top, nodes))
    blocks = [_block_doc(v, nodes) for v in variants]
    document = GraphDocument(
        name=name, description=description, nodes=top_nodes, edges=edges, blocks=blocks
    )
    weights: dict[str, torch.Tensor] = {}
    names: dict[str, str] = {}
    _weights(top, nodes, "", weights, names)
    return Assembled(document, weights, names)


def _node_doc(item: Item, nodes: dict[str, DocNode], lifted: dict[tuple[str, str], str]) -> NodeDoc:
    if item.key is not None:
        node = nodes[item.key]
        defaults = REGISTRY[node.type].Params.model_fields
        params = {
            k: f"${lifted[(item.id, k)]}" if (item.id, k) in lifted else v
            for k, v in node.params.items()
            # An Input keeps its shape even where it is the default: it reads as the data.
            if (item.id, k) in lifted
            or k not in defaults
            or defaults[k].default != v
            or (node.type == "Input" and k == "shape")
        }
        return NodeDoc(id=item.id, type=node.type, params=params)
    first = item.bodies[0]
    assert first.variant is not None
    params = {
        k: f"${lifted[(item.id, k)]}" if (item.id, k) in lifted else v
        for k, v in first.bindings.items()
    }
    return NodeDoc(id=item.id, type=first.variant.name, params=params, repeat=len(item.bodies))


def _ports(item_id: str, body: Body, nodes: dict[str, DocNode]) -> tuple[int, int]:
    """(input ports, output ports) of what `item_id` names in `body`."""
    for item in body.items:
        if item.id != item_id:
            continue
        if item.key is not None:
            op = REGISTRY[nodes[item.key].type]
            return len(op.inputs), len(op.outputs)
        first = item.bodies[0]
        return len(first.inputs), len(first.outputs)
    return 0, 1  # a body's Input node


def _edge(
    source: str,
    source_port: str,
    target: str,
    target_port: str,
    body: Body,
    nodes: dict[str, DocNode],
) -> EdgeDoc:
    _, outs = _ports(source, body, nodes)
    ins, _ = _ports(target, body, nodes) if target in {i.id for i in body.items} else (1, 0)
    return EdgeDoc(
        source=source,
        target=target,
        source_port=source_port if outs > 1 else None,
        target_port=target_port if ins > 1 else None,
    )


def _edges(body: Body, nodes: dict[str, DocNode], _: Any) -> list[EdgeDoc]:
    rendered = render(body, nodes, lambda b: "", True)
    return [_edge(s, sp, t, tp, body, nodes) for s, sp, t, tp in rendered["edges"]]


def _block_doc(variant: Variant, nodes: dict[str, DocNode]) -> BlockDoc:
    body = variant.bodies[0]
    block_nodes = [NodeDoc(id=name, type="Input") for name, _ in body.inputs]
    block_nodes += [_node_doc(item, nodes, variant.lifted) for item in body.items]
    edges = _edges(body, nodes, None)
    where = locate(body, nodes)
    for out_id, ref in zip(output_ids(body), body.outputs, strict=True):
        block_nodes.append(NodeDoc(id=out_id, type="Output"))
        source, port = where[ref]
        edges.append(_edge(source, port, out_id, "x", body, nodes))
    doc = (variant.cls.__doc__ or "").strip().split("\n\n")[0]
    return BlockDoc(
        name=variant.name,
        description=" ".join(doc.split())[:5_000],
        params=variant.params,
        nodes=block_nodes,
        edges=edges,
    )


def _weights(
    body: Body,
    nodes: dict[str, DocNode],
    prefix: str,
    weights: dict[str, torch.Tensor],
    names: dict[str, str],
) -> None:
    for item in body.items:
        if item.key is not None:
            for key, (source, tensor) in nodes[item.key].weights.items():
                weights[f"{prefix}{item.id}.{key}"] = tensor.detach().clone()
                names[f"{prefix}{item.id}.{key}"] = source
        elif len(item.bodies) == 1:
            _weights(item.bodies[0], nodes, f"{prefix}{item.id}.", weights, names)
        else:
            for i, copy in enumerate(item.bodies):
                _weights(copy, nodes, f"{prefix}{item.id}.{i}.", weights, names)
