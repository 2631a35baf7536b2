"""The document's networks, ready to train: modules, how to call them, what they return.

Conventions a task relies on (documented for people drawing graphs):
- A network's positional inputs are its Input nodes in document order (seq2seq: the
  source first, then the decoder input).
- The first Output that is not a KL term is the prediction (logits, a reconstruction,
  generated samples, a discriminator score).
- An Output with id `kl`, or fed by a Reparameterize node's `kl` port, is a KL term
  per sample; the VAE task adds it to the loss.
- A network whose only sources are Noise nodes (a GAN generator) is called with
  `batch_size`; one with an Input is fed Gaussian noise of that Input's shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from layerlab.graph.analysis import Analysis
from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import Networks, Signature, compile_analysis, signature
from layerlab.graph.document import GraphDocument
from layerlab.ops import REGISTRY, TensorSpec
from layerlab.train.layers import Layer, node_layers


@dataclass
class Net:
    """One network of the document and how to call it."""

    name: str
    module: nn.Module
    """The GraphModule: parameters, state_dict, train()/eval()."""
    signature: Signature
    input_specs: list[TensorSpec]
    """One sample's spec per positional input (batch excluded)."""
    output_specs: dict[str, TensorSpec]
    kl_outputs: frozenset[str]
    prediction_source: str | None
    """Node type that makes the prediction, looking through shape-only nodes such as
    Flatten (e.g. "Sigmoid": values in (0, 1), fit for a binary cross-entropy)."""
    forward: Callable[..., Any]
    """The module itself."""
    compiled: Callable[..., Any] | None = None
    """Its torch.compile wrapper (fast execution, train/fast.py), called instead of the
    module in training steps: train mode, with gradients, and not `eager`."""
    eager: bool = False
    """Call the module even where `compiled` would serve: forward hooks (activation
    telemetry) do not fire inside a compiled module."""

    def outputs(
        self, *inputs: torch.Tensor, batch_size: int | None = None
    ) -> dict[str, torch.Tensor]:
        """Every Output by node id."""
        forward = self.forward
        training = self.module.training and torch.is_grad_enabled()
        if self.compiled is not None and training and not self.eager:
            forward = self.compiled  # evaluation (other batch sizes) stays eager
        if self.signature.needs_batch_size:
            assert batch_size is not None, f"network {self.name} takes batch_size"
            result = forward(batch_size)
        else:
            result = forward(*inputs)
        values = result if isinstance(result, tuple) else (result,)
        return dict(zip(self.signature.outputs, values, strict=True))

    def __call__(self, *inputs: torch.Tensor, batch_size: int | None = None) -> torch.Tensor:
        """The prediction: the first Output that is not a KL term."""
        found = self.outputs(*inputs, batch_size=batch_size)
        return found[self.prediction_id]

    @property
    def prediction_id(self) -> str:
        return next(o for o in self.signature.outputs if o not in self.kl_outputs)

    def parameters(self) -> list[nn.Parameter]:
        return [p for p in self.module.parameters() if p.requires_grad]


@dataclass
class Trainee:
    """The document compiled: the root module (what checkpoints hold) and its networks."""

    name: str
    module: nn.Module
    nets: dict[str, Net]
    layers: list[Layer]

    def net(self, name: str | None = None) -> Net:
        if name is None:
            if len(self.nets) != 1:
                raise KeyError(f"the document has {len(self.nets)} networks; name one")
            return next(iter(self.nets.values()))
        return self.nets[name]

    def to(self, device: torch.device) -> None:
        self.module.to(device)

    def train(self, mode: bool = True) -> None:
        self.module.train(mode)

    def compile(self, mode: str | None = None) -> None:
        """Compile each network's forward for training steps (`Net.compiled`)."""
        for net in self.nets.values():
            net.compiled = torch.compile(net.module, mode=mode)

    @contextmanager
    def eager(self, on: bool = True) -> Iterator[None]:
        """Within: every network runs its plain module (when `on`)."""
        before = {name: net.eager for name, net in self.nets.items()}
        for net in self.nets.values():
            net.eager = net.eager or on
        try:
            yield
        finally:
            for name, net in self.nets.items():
                net.eager = before[name]


def build_trainee(doc: GraphDocument, seed: int) -> Trainee:
    """Compile the document with its initial weights drawn from `seed`."""
    analysis = analyze_or_raise(doc)
    torch.manual_seed(seed)
    module = compile_analysis(analysis)
    return trainee_of(analysis, module)


def trainee_of(analysis: Analysis, module: nn.Module) -> Trainee:
    modules = dict(module.items()) if isinstance(module, Networks) else {"": module}
    nets = {}
    for graph_module in modules.values():
        sig = signature(graph_module)
        nets[sig.name] = Net(
            name=sig.name,
            module=graph_module,
            signature=sig,
            input_specs=[_spec(analysis, node, "y", output=True) for node in sig.inputs],
            output_specs={node: _spec(analysis, node, "x", output=False) for node in sig.outputs},
            kl_outputs=kl_outputs(analysis.document, sig.outputs),
            prediction_source=None,
            forward=graph_module,
        )
    for net in nets.values():
        net.prediction_source = source_type(analysis.document, net.prediction_id)
    return Trainee(analysis.document.name, module, nets, node_layers(module))


def _spec(analysis: Analysis, node: str, port: str, *, output: bool) -> TensorSpec:
    assert analysis.result is not None
    result = analysis.result.nodes[node]
    return (result.outputs if output else result.inputs)[port]


def kl_outputs(doc: GraphDocument, outputs: tuple[str, ...]) -> frozenset[str]:
    """Outputs that carry a KL term: id `kl`, or wired from a Reparameterize `kl` port."""
    types = {node.id: node.type for node in doc.nodes}
    found = {node for node in outputs if node == "kl"}
    for edge in doc.edges:
        from_kl_port = types.get(edge.source) == "Reparameterize" and edge.source_port == "kl"
        if edge.target in outputs and from_kl_port:
            found.add(edge.target)
    return frozenset(found)


SHAPE_ONLY = frozenset(name for name, op in REGISTRY.items() if op.shape_only)
"""Node types that rearrange values without changing them, as their ops declare."""


def source_type(doc: GraphDocument, node: str) -> str | None:
    """The type of the node whose values reach `node`, through shape-only nodes."""
    types = {n.id: n.type for n in doc.nodes}
    feeding = {edge.target: edge.source for edge in doc.edges}
    source = feeding.get(node)
    while source is not None and types.get(source) in SHAPE_ONLY:
        source = feeding.get(source)
    return types.get(source) if source is not None else None
