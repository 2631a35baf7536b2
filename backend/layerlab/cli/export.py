"""`layerlab export GRAPH.json`: PyTorch source, safetensors weights or ONNX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from layerlab.cli import exits
from layerlab.graph.check import analyze_or_raise
from layerlab.graph.document import load_document
from layerlab.graph.errors import GraphError


def add_command(sub: Any) -> None:
    """Register `export` on the CLI's subcommand parsers."""
    p = sub.add_parser(
        "export", help="export a graph as PyTorch source, safetensors weights or ONNX"
    )
    p.add_argument("graph")
    p.add_argument("--format", choices=["python", "safetensors", "onnx"], default="python")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument(
        "--weights", help="safetensors weights to export instead of a fresh initialisation"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the fresh initialisation")
    p.add_argument("--network", help="which network, for ONNX export of a multi-network document")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from layerlab.graph.compile import compile_analysis
    from layerlab.graph.export_onnx import OnnxExportError, export_onnx
    from layerlab.graph.export_python import python_source
    from layerlab.graph.weights import WeightsError, load_weights, save_weights

    try:
        analysis = analyze_or_raise(load_document(Path(args.graph)))
    except GraphError as exc:
        for issue in exc.issues:
            print(f"error: {issue}", file=sys.stderr)
        return exits.ERROR
    out = Path(args.output)
    try:
        if args.format == "python":
            out.write_text(python_source(analysis))
        elif args.format == "safetensors":
            import torch

            torch.manual_seed(args.seed)
            model = compile_analysis(analysis)
            if args.weights:
                load_weights(model, args.weights)
            save_weights(model, out)
        else:
            export_onnx(analysis, out, network=args.network, weights=args.weights)
    except (OnnxExportError, WeightsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exits.ERROR
    print(f"wrote {out}")
    return exits.OK
