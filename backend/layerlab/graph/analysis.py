"""Analysis of a whole document: structure, wiring, shape inference and limits.

Each stage lives in its own module (`structure`, `wiring`, `inference`, `limits`);
this one runs them in order, stopping where a later stage could only repeat an
earlier one's errors. The result is what `check` reports and what `compile` and the
exporters build from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layerlab.graph.document import GraphDocument
from layerlab.graph.errors import GraphIssue
from layerlab.graph.inference import BodyResult, infer
from layerlab.graph.limits import Limits, check_resources
from layerlab.graph.structure import (
    Network,
    check_block_nesting,
    check_block_ports,
    check_expanded_size,
    check_sizes,
    split_networks,
    unused_warnings,
)
from layerlab.graph.wiring import Body, wire_body


@dataclass
class Analysis:
    document: GraphDocument
    limits: Limits
    errors: list[GraphIssue]
    warnings: list[GraphIssue]
    top: Body | None = None
    result: BodyResult | None = None
    blocks: dict[str, Body] = field(default_factory=dict)
    networks: list[Network] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def analyze(doc: GraphDocument, limits: Limits | None = None) -> Analysis:
    limits = limits or Limits()
    errors: list[GraphIssue] = []
    analysis = Analysis(document=doc, limits=limits, errors=errors, warnings=[])
    blocks = {b.name: b for b in doc.blocks}
    if not check_sizes(doc, blocks, limits, errors):
        return analysis
    for block in doc.blocks:
        body = wire_body(block.nodes, block.edges, blocks, errors, block=block.name)
        check_block_ports(block, errors)
        analysis.blocks[block.name] = body
    if not check_block_nesting(blocks, limits, errors):
        return analysis
    if not check_expanded_size(doc, blocks, limits, errors):
        return analysis

    top = wire_body(doc.nodes, doc.edges, blocks, errors)
    analysis.top = top
    analysis.networks = split_networks(top, errors)
    analysis.warnings.extend(unused_warnings(top))
    analysis.result = infer(top, analysis.blocks, limits, errors)
    check_resources(analysis.result, limits, errors, batch_size_of(doc))
    return analysis


def batch_size_of(doc: GraphDocument) -> int:
    value = doc.training.get("batch_size", 32)
    return value if isinstance(value, int) and value > 0 else 32
