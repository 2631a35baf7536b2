"""A process's one-time costs, paid before its first run instead of during it.

The first optimizer built in a process imports torch._dynamo (about 2 s on a CPU), and
the first compiled graph, forward and backward each have lazy setup of their own. A
worker calls `warm_up` when it starts (in the background), so a person's first run
shows its first loss point within a second of Train instead of after these."""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)

_TINY = {
    "nodes": [
        {"id": "x", "type": "Input", "params": {"shape": [2]}},
        {"id": "fc", "type": "Linear", "params": {"out_features": 2}},
        {"id": "act", "type": "Tanh"},
        {"id": "y", "type": "Output"},
    ],
    "edges": [
        {"source": "x", "target": "fc"},
        {"source": "fc", "target": "act"},
        {"source": "act", "target": "y"},
    ],
}


def warm_up() -> float:
    """Build, step and measure a tiny network once; returns the seconds it took."""
    start = time.monotonic()
    import torch

    from layerlab.graph.document import load_document
    from layerlab.train.layers import Layer
    from layerlab.train.model import build_trainee
    from layerlab.train.stats import activation_summary, grouped_norms

    trainee = build_trainee(load_document(_TINY), seed=0)
    params = trainee.net().parameters()
    optimizer = torch.optim.Adam(params)  # imports torch._dynamo
    summaries: list[torch.Tensor] = []

    def summarize(layer: Layer) -> Any:
        def hook(module: Any, args: Any, y: torch.Tensor) -> None:  # None: y stays as it is
            summaries.append(activation_summary(y, layer.health_kind, layer.saturated_outside))

        return hook

    hooks = [layer.module.register_forward_hook(summarize(layer)) for layer in trainee.layers]
    loss = trainee.net()(torch.zeros(4, 2)).pow(2).mean()
    torch.autograd.backward(loss)
    grads = [p.grad for p in params if p.grad is not None]
    grouped_norms(grads, list(range(len(grads))), len(grads)).tolist()
    optimizer.step()
    torch.cat(summaries).tolist()
    for hook in hooks:
        hook.remove()
    seconds = time.monotonic() - start
    log.info("warmed up in %.1f s", seconds)
    return seconds
