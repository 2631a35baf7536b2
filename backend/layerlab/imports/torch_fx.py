"""`from_torch`: a PyTorch module, traced, mapped, grouped, checked and verified."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save_file
from torch import nn

from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import compile_analysis
from layerlab.graph.document import GraphDocument
from layerlab.graph.errors import GraphError
from layerlab.imports.assemble import assemble
from layerlab.imports.blocks import Grouper
from layerlab.imports.errors import ImportRefused, Unsupported
from layerlab.imports.functions import function_rule
from layerlab.imports.lower import Lowering, close
from layerlab.imports.modules import is_mapped, is_random_source, module_rule
from layerlab.imports.patterns import rewrite
from layerlab.imports.trace import Traced, trace_fx

log = logging.getLogger(__name__)


@dataclass
class Imported:
    """An imported model: the document, its weights keyed as `layerlab.build` names
    them, and which of the original's state keys each one is."""

    document: GraphDocument
    weights: dict[str, torch.Tensor]
    names: dict[str, str]
    via: str
    """How it was traced: "torch.fx" or "torch.export"."""

    def save_weights(self, path: str | Path) -> None:
        tensors = {k: t.detach().cpu().contiguous().clone() for k, t in self.weights.items()}
        save_file(tensors, str(path), metadata={"format": "layerlab.weights"})

    def build(self) -> nn.Module:
        """The document's module with the imported weights loaded."""
        model = compile_analysis(analyze_or_raise(self.document))
        model.load_state_dict(self.weights)
        return model


def from_torch(
    module: nn.Module,
    example_inputs: Any,
    *,
    name: str | None = None,
    verify: bool = True,
) -> Imported:
    """Import `module` as a document: every leaf module and function call mapped to a
    registered node type, repeated submodules grouped into blocks, weights by name.

    `example_inputs` is one tensor or a tuple of them, batch first (an int stands for
    forward's `batch_size` of a network fed by noise alone). Raises ImportRefused with
    every call that has no exact equivalent, each with its module path and source line.
    With `verify`, the built document must give the module's outputs on the example
    inputs (eval mode, to 1e-5)."""
    inputs = (
        tuple(example_inputs) if isinstance(example_inputs, tuple | list) else (example_inputs,)
    )
    traced = trace(module, inputs)
    rewrite(traced)
    lowering = Lowering(traced, module_rule, function_rule, is_random_source)
    lowering.run()
    if not lowering.issues and not lowering.outputs:
        lowering.issues.append(Unsupported(call="forward", reason="returns no tensor"))
    if lowering.issues:
        raise ImportRefused(lowering.issues, traced.via)
    grouper = Grouper(lowering)
    top = grouper.group()
    variants = grouper.variants(top)
    title = name or type(module).__name__
    description = (
        f"Imported from {type(module).__module__}.{type(module).__qualname__} through {traced.via}."
    )
    made = assemble(title, description, top, variants, lowering.nodes, lowering.outputs)
    imported = Imported(made.document, made.weights, made.names, traced.via)
    _check(imported, module, inputs, verify)
    return imported


def trace(module: nn.Module, inputs: tuple[Any, ...]) -> Traced:
    """torch.fx first; torch.export for what symbolic tracing cannot follow."""
    try:
        return trace_fx(module, inputs, is_mapped)
    except ImportRefused:
        raise
    except Exception as fx_error:  # symbolic tracing raises many kinds; all mean "cannot"
        log.info(
            "torch.fx cannot trace %s; trying torch.export", type(module).__name__, exc_info=True
        )
        from layerlab.imports.export import trace_export

        try:
            return trace_export(module, inputs, is_mapped)
        except ImportRefused as refused:
            first = Unsupported(
                call="forward", reason=f"torch.fx cannot trace it ({_first_line(fx_error)})"
            )
            raise ImportRefused(
                [first, *refused.unsupported], "torch.fx and torch.export"
            ) from None
        except Exception as export_error:
            raise ImportRefused(
                [
                    Unsupported(
                        call="forward",
                        reason=f"torch.fx cannot trace it ({_first_line(fx_error)}) and neither "
                        f"can torch.export ({_first_line(export_error)})",
                    )
                ],
                "torch.fx and torch.export",
            ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def _check(imported: Imported, module: nn.Module, inputs: tuple[Any, ...], verify: bool) -> None:
    """The document must check, hold exactly the imported weights and, with `verify`,
    compute what the module computes."""
    try:
        built = imported.build()
    except (GraphError, RuntimeError) as exc:
        raise ImportRefused(
            [Unsupported(call="document", reason=f"the imported document does not build: {exc}")],
            imported.via,
        ) from None
    if not verify:
        return
    was_training = module.training
    try:
        module.eval()
        built.eval()
        with torch.no_grad():
            torch.manual_seed(0)
            want = module(*inputs)
            torch.manual_seed(0)
            got = built(*inputs)
    finally:
        module.train(was_training)
    wants = want if isinstance(want, tuple | list) else (want,)
    gots = got if isinstance(got, tuple | list) else (got,)
    for i, (w, g) in enumerate(zip(wants, gots, strict=True)):
        if not (isinstance(w, torch.Tensor) and w.shape == g.shape and close(g, w)):
            raise ImportRefused(
                [
                    Unsupported(
                        call="forward",
                        reason=f"the imported document's output {i} differs from the module's",
                    )
                ],
                imported.via,
            )
