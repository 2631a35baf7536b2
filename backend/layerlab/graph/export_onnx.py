"""ONNX export through torch's dynamo exporter, with a clear message where it cannot."""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from layerlab.graph.analysis import Analysis
from layerlab.graph.compile import Networks, compile_analysis, example_inputs
from layerlab.graph.weights import load_weights

log = logging.getLogger(__name__)


class OnnxExportError(RuntimeError):
    """The graph (or this machine) cannot be exported to ONNX; the message says why."""


def export_onnx(
    analysis: Analysis,
    path: str | Path,
    network: str | None = None,
    weights: str | Path | None = None,
) -> Path:
    """Write one network of the document as an ONNX file with a dynamic batch axis.

    `weights` is a safetensors file of the whole document (as `save_weights` writes it
    for `layerlab.build`); without it the network is freshly initialised. Raises
    WeightsError when the file does not fit the document."""
    nets = {n.name: n for n in analysis.networks}
    if network is None:
        if len(nets) > 1:
            raise OnnxExportError(
                f"the document holds several networks ({', '.join(nets)}); name one"
            )
        net = analysis.networks[0]
    elif network in nets:
        net = nets[network]
    else:
        raise OnnxExportError(f"no network {network!r} (has: {', '.join(nets)})")
    if net.needs_batch_size:
        raise OnnxExportError(
            f"network {net.name!r} has no Input (only noise sources); ONNX needs a tensor input"
        )
    try:
        import onnxscript  # noqa: F401  (the dynamo exporter needs it)
    except ImportError:
        raise OnnxExportError(
            "ONNX export needs the onnx and onnxscript packages: pip install 'layerlab[onnx]'"
        ) from None
    # Build the whole document so that a weights file of every network loads as saved.
    built = compile_analysis(analysis)
    if weights is not None:
        load_weights(built, weights)
    model = (built[net.name] if isinstance(built, Networks) else built).eval()
    args = example_inputs(analysis, net, batch=2)
    batch = torch.export.Dim("batch", min=1)
    dynamic = {name: {0: batch} for name in net.inputs}
    path = Path(path)
    try:
        program = torch.onnx.export(
            model,
            args,
            dynamo=True,
            verbose=False,
            input_names=list(net.inputs),
            output_names=list(net.outputs),
            dynamic_shapes=dynamic,
        )
        assert program is not None
        program.save(str(path))
    except Exception as exc:  # the exporter raises many types; all mean "not supported"
        log.info("ONNX export failed", exc_info=True)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OnnxExportError(f"ONNX export does not support this graph: {first[:500]}") from None
    return path
