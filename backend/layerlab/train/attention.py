"""Attention maps of one example, for `samples` events.

Attention layers run with `need_weights=False` while training (the fast kernels), so
the weights are recomputed for one example on sample steps only: a pre-hook asks each
torch `nn.MultiheadAttention` for its weights, averaged over heads. LayerLab's own
`Attention` node calls its parent's forward directly, so its hook recomputes the
weights from the inputs it saw. Hooks live only for that one forward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.train.events import AttentionView
from layerlab.train.layers import Layer

MAX_MAPS = 2
"""Attention views per sample event."""
MAX_LENGTH = 64
"""Longest query and key axes sent; longer maps are cut to their first positions."""


def attention_views(
    layers: Sequence[Layer],
    run_one_example: Callable[[], Any],
    source_labels: list[str] | None = None,
    target_labels: list[str] | None = None,
) -> list[AttentionView]:
    """Run one example and return the attention maps of its attention layers (at most
    MAX_MAPS, the last ones: those nearest the output). In a decoder layer, queries are
    labelled with `target_labels`; keys of cross-attention with `source_labels`."""
    captured: list[tuple[str, torch.Tensor, bool, bool]] = []
    handles = []
    for layer in layers:
        in_decoder = isinstance(layer.module, nn.TransformerDecoderLayer)
        for sub_name, sub in layer.module.named_modules():
            if not isinstance(sub, nn.MultiheadAttention):
                continue
            node = f"{layer.node}.{sub_name}" if sub_name else layer.node
            cross = sub_name.endswith("multihead_attn")
            handles.extend(_hook(sub, node, in_decoder, cross, captured))
    try:
        with torch.enable_grad():  # grad mode keeps torch off its fused fast path
            run_one_example()
    finally:
        for handle in handles:
            handle.remove()
    views = []
    for node, weights, in_decoder, cross in captured[-MAX_MAPS:]:
        query = target_labels if in_decoder else source_labels
        key = source_labels if cross else query
        w = weights[:MAX_LENGTH, :MAX_LENGTH]
        views.append(
            AttentionView(
                node=node,
                weights=[[round(float(v), 3) for v in row] for row in w.tolist()],
                query_labels=query[: w.shape[0]] if query else None,
                key_labels=key[: w.shape[1]] if key else None,
            )
        )
    return views


def _hook(
    module: nn.MultiheadAttention,
    node: str,
    in_decoder: bool,
    cross: bool,
    captured: list[tuple[str, torch.Tensor, bool, bool]],
) -> list[torch.utils.hooks.RemovableHandle]:
    def keep(weights: torch.Tensor | None) -> None:
        if weights is not None and not any(c[0] == node for c in captured):
            # (B, T, S) averaged over heads: the first example only
            captured.append((node, weights[0].detach().float().cpu(), in_decoder, cross))

    if isinstance(module, tm.Attention):

        def recompute(mod: nn.Module, args: tuple[Any, ...], output: Any) -> None:
            assert isinstance(mod, tm.Attention)
            query = args[0]
            key = args[1] if len(args) > 1 and args[1] is not None else query
            value = args[2] if len(args) > 2 and args[2] is not None else key
            mask = mod.mask(query.shape[1], query.device)  # the pattern: causal, window
            with torch.no_grad():
                _, weights = nn.MultiheadAttention.forward(
                    mod, query, key, value, attn_mask=mask, need_weights=True
                )
            keep(weights)

        return [module.register_forward_hook(recompute)]

    def ask_for_weights(
        mod: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return args, {**kwargs, "need_weights": True, "average_attn_weights": True}

    def read_weights(mod: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        if isinstance(output, tuple) and len(output) == 2:
            keep(output[1])

    return [
        module.register_forward_pre_hook(ask_for_weights, with_kwargs=True),
        module.register_forward_hook(read_weights),
    ]
