"""Views of what happens inside a network, for `samples` events: what its Conv2d layers
make of one image (feature maps), and where an autoencoder puts its inputs (latent space).

Both run the plain module (`Net.module`, not a torch.compile wrapper) with forward hooks
that live for that one call only, like the attention maps (train/attention.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from layerlab.ops import torch_modules as tm
from layerlab.train.events import FeatureMap, FeatureMapsView, ImageData, LatentView
from layerlab.train.layers import Layer
from layerlab.train.model import Net
from layerlab.train.views import MAX_SIDE, image_data, images, is_image

MAX_CHANNELS = 16
"""Channels shown per Conv2d layer: its first ones."""
FEATURE_MAPS_BYTES = 48 * 1024
"""Budget of one feature-maps view, a part of the samples event's MAX_EVENT_BYTES
(train/telemetry.py): past it, fewer channels and smaller sides are sent."""
SHRINK_STEPS = ((16, MAX_SIDE), (16, 24), (16, 16), (8, 16), (8, 12), (4, 12), (4, 8))
"""(channels, side) tried in turn until the maps fit FEATURE_MAPS_BYTES."""
LATENT_POINTS = 200
"""Validation codes in a latent-space view."""
WALK_STEPS = 8
"""Decoded codes on the walk between two validation codes, both ends included."""


# -- running the network with hooks -----------------------------------------------------


def _outputs(net: Net, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every Output of the plain module by node id (hooks on torch.compile's wrapper
    would make it recompile)."""
    result = net.module(x)
    values = result if isinstance(result, tuple) else (result,)
    return dict(zip(net.signature.outputs, values, strict=True))


@contextmanager
def _hooked(hooks: Sequence[tuple[nn.Module, Any]]) -> Iterator[None]:
    handles = [module.register_forward_hook(hook) for module, hook in hooks]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


# -- feature maps ------------------------------------------------------------------------


def conv_layers(layers: Sequence[Layer]) -> list[Layer]:
    return [layer for layer in layers if isinstance(layer.module, nn.Conv2d)]


def _side(height: int, width: int, side: int) -> tuple[int, int]:
    """(height, width) as `image_data` draws an image at most `side` pixels a side."""
    scale = min(1.0, side / max(height, width))
    if scale >= 1.0:
        return height, width
    return max(1, round(height * scale)), max(1, round(width * scale))


def _bytes(shapes: Sequence[tuple[int, int, int]], channels: int, side: int) -> int:
    """JSON bytes of the maps, about: base64 of the grey pixels plus each image's keys."""
    total = 0
    for c, h, w in shapes:
        sh, sw = _side(h, w, side)
        total += min(c, channels) * (4 * math.ceil(sh * sw / 3) + 64) + 96
    return total


def feature_maps(
    net: Net, layers: Sequence[Layer], image: torch.Tensor, label: str | None = None
) -> FeatureMapsView | None:
    """Each Conv2d layer's output for one (C, H, W) image: its first MAX_CHANNELS
    channels as grey images, each normalised to its own range. None without a Conv2d."""
    convs = {id(layer.module): layer.node for layer in conv_layers(layers)}
    if not convs:
        return None
    captured: dict[str, torch.Tensor] = {}  # in the order the layers computed

    def keep(module: nn.Module, args: Any, output: Any) -> None:
        node = convs[id(module)]
        if isinstance(output, torch.Tensor) and output.ndim == 4 and node not in captured:
            captured[node] = output[0].detach().float().cpu()

    modules = {id(layer.module): layer.module for layer in conv_layers(layers)}
    with _hooked([(module, keep) for module in modules.values()]):
        _outputs(net, image.unsqueeze(0))
    if not captured:
        return None
    shapes = [(int(m.shape[0]), int(m.shape[1]), int(m.shape[2])) for m in captured.values()]
    channels, side = SHRINK_STEPS[-1]
    for channels, side in SHRINK_STEPS:
        if _bytes(shapes, channels, side) <= FEATURE_MAPS_BYTES:
            break
    kept = list(captured.items())
    while len(kept) > 1 and _bytes(shapes[: len(kept)], channels, side) > FEATURE_MAPS_BYTES:
        kept.pop()  # a very deep network: its first layers only
    picture = image if is_image(list(image.shape)) else image[:1]
    return FeatureMapsView(
        image=image_data(picture),
        label=label,
        layers=[
            FeatureMap(
                node=node,
                shape=list(maps.shape),
                channels=[image_data(c, max_side=side) for c in maps[:channels]],
            )
            for node, maps in kept
        ],
    )


# -- latent space ------------------------------------------------------------------------


def _reparameterize(net: Net) -> tuple[str, nn.Module] | None:
    """A VAE's Reparameterize node (the first one): node id and module."""
    for name, module in net.module.named_modules():
        if isinstance(module, tm.Reparameterize):
            return name, module
    return None


def _codes(net: Net, layers: Sequence[Layer], x: torch.Tensor) -> tuple[str, torch.Tensor] | None:
    """(node id, (N, D) codes) of the bottleneck for a batch.

    A VAE's code is its Reparameterize node's `z`: the mean in eval mode, the one input
    its decoder reads, while the narrowest layer around it is the `mean`/`logvar` pair
    (equally wide: which one would be a coin toss, and `logvar` is no code). Otherwise the
    bottleneck is the layer with the fewest output values per sample, the first of equals
    (a Linear before its activation): an autoencoder squeezes its input through it. A
    network with no layer narrower than its input has no bottleneck: None."""
    found = _reparameterize(net)
    if found is not None:
        node, module = found
        codes: list[torch.Tensor] = []

        def keep_z(mod: nn.Module, args: Any, output: Any) -> None:
            if not codes:
                codes.append(output[0].detach())

        with _hooked([(module, keep_z)]):
            _outputs(net, x)
        return (node, codes[0].flatten(1)) if codes else None

    own = {id(m) for m in net.module.modules()}
    best: dict[str, Any] = {"width": x[0].numel()}

    def narrowest(node: str) -> Any:
        def keep(mod: nn.Module, args: Any, output: Any) -> None:
            if isinstance(output, torch.Tensor) and output.ndim >= 2 and len(output) == len(x):
                width = output[0].numel()
                if width < best["width"]:
                    best.update(width=width, node=node, codes=output.detach().flatten(1))

        return keep

    hooks = [(lay.module, narrowest(lay.node)) for lay in layers if id(lay.module) in own]
    with _hooked(hooks):
        _outputs(net, x)
    return (best["node"], best["codes"]) if "node" in best else None


def pca2(codes: torch.Tensor) -> tuple[torch.Tensor, tuple[float, float]]:
    """(N, 2) projections of (N, D) codes on their first two principal axes, and the
    share of the variance along each. Each axis is signed so its largest loading is
    positive: the picture does not flip between epochs for nothing."""
    z = torch.nan_to_num(codes.detach().double().cpu(), nan=0.0, posinf=0.0, neginf=0.0)
    z = z - z.mean(dim=0, keepdim=True)
    out = torch.zeros(z.shape[0], 2, dtype=torch.float64)
    if z.shape[0] < 2 or float(z.abs().max()) == 0.0:
        return out, (0.0, 0.0)
    _, s, vh = torch.linalg.svd(z, full_matrices=False)
    k = min(2, vh.shape[0])
    axes = vh[:k]
    strongest = axes.abs().argmax(dim=1)
    signs = torch.sign(axes[torch.arange(k), strongest])
    axes = axes * torch.where(signs == 0, 1.0, signs).unsqueeze(1)
    out[:, :k] = z @ axes.T
    variance = s.pow(2)
    shares = (variance[:k] / variance.sum()).tolist() + [0.0] * (2 - k)
    return out, (shares[0], shares[1])


def latent_view(
    net: Net,
    layers: Sequence[Layer],
    x: torch.Tensor,
    y: torch.Tensor | None,
    classes: list[str] | None,
) -> LatentView | None:
    """Validation codes in 2-D (PCA), coloured by class when `y` holds classes, and for a
    VAE a walk between two codes, decoded, when its decoder reads the code alone."""
    x = x[:LATENT_POINTS]
    found = _codes(net, layers, x)
    if found is None:
        return None
    node, codes = found
    projected, explained = pca2(codes)
    ids = y[: len(x)].tolist() if y is not None else [None] * len(x)
    points = [
        (round(float(px), 4), round(float(py), 4), None if c is None else int(c))
        for (px, py), c in zip(projected.tolist(), ids, strict=True)
    ]
    walk, ends = _walk(net, x, ids, classes) if is_image(list(x.shape[1:])) else (None, None)
    return LatentView(
        node=node,
        dims=int(codes.shape[1]),
        explained=(round(explained[0], 4), round(explained[1], 4)),
        points=points,
        classes=classes,
        walk=walk,
        walk_labels=ends,
    )


def _walk(
    net: Net, x: torch.Tensor, ids: list[int | None], classes: list[str] | None
) -> tuple[list[ImageData] | None, tuple[str, str] | None]:
    """Decode WALK_STEPS codes on the line from the first validation sample's code to
    that of the first sample of another class: the Reparameterize node's `z` is replaced
    by them. Only when the decoder reads `z` alone (no skip connection around it): the
    same walk fed two different images must decode the same."""
    found = _reparameterize(net)
    if found is None or len(x) < 2:
        return None, None
    _, module = found
    a = 0
    b = next((i for i in range(1, len(ids)) if ids[i] != ids[0]), 1)
    ends = x[[a, b]]
    codes: list[torch.Tensor] = []

    def keep_z(mod: nn.Module, args: Any, output: Any) -> None:
        codes.append(output[0].detach())

    with _hooked([(module, keep_z)]):
        _outputs(net, ends)
    za, zb = codes[0][0], codes[0][1]
    t = torch.linspace(0, 1, WALK_STEPS, device=za.device, dtype=za.dtype)
    t = t.reshape(-1, *([1] * za.ndim))
    walk = (1 - t) * za + t * zb  # (K, *z)

    def replace_z(mod: nn.Module, args: Any, output: Any) -> Any:
        return walk, output[1]

    decoded = []
    prediction = net.prediction_id
    with _hooked([(module, replace_z)]):
        for i in (a, b):
            inputs = x[i : i + 1].expand(WALK_STEPS, *x.shape[1:])
            decoded.append(_outputs(net, inputs)[prediction].reshape(WALK_STEPS, *x.shape[1:]))
    if not torch.allclose(decoded[0], decoded[1], atol=1e-5, rtol=1e-4):
        return None, None  # the decoder sees more than the code
    low, high = float(x.min()), float(x.max())

    def name(i: int) -> str:
        c = ids[i]
        if c is None:
            return f"sample {i + 1}"
        return classes[c] if classes is not None and 0 <= c < len(classes) else str(c)

    return images(decoded[0], low, high, limit=WALK_STEPS), (name(a), name(b))
