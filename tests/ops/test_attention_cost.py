"""An attention pattern's cost, as the check reports it: a sliding window scores about
length x window query-key pairs instead of length^2, and both the FLOPs and the
training-memory estimate (the attention weights kept for backward) follow. The FLOPs
are held to torch's counter for every variant in test_registry; here, the totals."""

from __future__ import annotations

import layerlab
from layerlab.ops import REGISTRY, spec
from tests.ops.harness import Case, one_node_document

LENGTH, EMBED, HEADS = 64, 16, 2


def layer(**pattern: object) -> Case:
    params = {"nhead": HEADS, "dim_feedforward": 32, **pattern}
    return Case("TransformerEncoderLayer", params, {"x": spec(LENGTH, EMBED)})


def attention_core_flops(pairs: int) -> int:
    return 2 * 2 * pairs * EMBED  # scores and weighted sums, over all heads


def test_causal_window_scores_chunks_of_the_window_and_the_chunk_before() -> None:
    full, local = layer(causal=True), layer(causal=True, window=8)
    flops = [
        c.op.flops(c.parsed(), c.inputs, c.op.infer(c.parsed(), c.inputs)) for c in (full, local)
    ]
    # 8 chunks of 8 queries, each scoring 16 keys: 1,024 pairs instead of 4,096.
    assert flops[0] - flops[1] == attention_core_flops(LENGTH * LENGTH - 8 * 8 * 16)


def test_global_tokens_add_a_row_and_a_column_each() -> None:
    plain, with_global = layer(window=8), layer(window=8, global_tokens=2)
    op = REGISTRY["TransformerEncoderLayer"]
    flops = [op.flops(c.parsed(), c.inputs, {}) for c in (plain, with_global)]
    # Every (padded) query scores the 2 global keys; the 2 global queries score every key.
    assert flops[1] - flops[0] == attention_core_flops(2 * LENGTH + 2 * LENGTH)


def test_training_memory_estimate_keeps_the_pattern_s_weights_only() -> None:
    batch = 32
    reports = []
    for case in (layer(causal=True), layer(causal=True, window=8)):
        doc = one_node_document(case)
        doc["training"] = {"batch_size": batch}
        reports.append(layerlab.check(doc))
    assert all(r.ok for r in reports)
    saved = reports[0].totals.memory_bytes - reports[1].totals.memory_bytes
    assert saved == batch * 4 * HEADS * (LENGTH * LENGTH - 8 * 8 * 16)


def test_a_window_covering_the_block_costs_what_full_attention_costs() -> None:
    op = REGISTRY["MultiheadAttention"]
    full = Case("MultiheadAttention", {"num_heads": 2}, {"query": spec(6, 8)})
    wide = Case("MultiheadAttention", {"num_heads": 2, "window": 5}, {"query": spec(6, 8)})
    assert op.flops(wide.parsed(), wide.inputs, {}) == op.flops(full.parsed(), full.inputs, {})
