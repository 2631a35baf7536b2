"""`layerlab import model.py:ClassName`: a PyTorch module as a graph document.

Runs the user's file on the user's machine, as any Python would: the module is made
from `--kwargs`, traced on random inputs of `--input-shape` (one per forward argument;
`12:int64` for token ids), and written as a document (`-o`) with its weights
(`--weights`, safetensors). What cannot be mapped exactly is listed, located, and
nothing is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from layerlab.cli import exits


def add_command(sub: Any) -> None:
    """Register `import` on the CLI's subcommand parsers."""
    p = sub.add_parser(
        "import", help="import a PyTorch module (file.py:ClassName) as a graph document"
    )
    p.add_argument("source", help="the module's file and class: model.py:ClassName")
    p.add_argument(
        "--input-shape",
        action="append",
        default=[],
        metavar="SHAPE",
        help="one sample of a forward argument, batch excluded: 3,32,32 (float32) or "
        "12:int64 (token ids); once per argument; none for a network fed by noise alone",
    )
    p.add_argument("--kwargs", default="{}", help="the class's keyword arguments, as JSON")
    p.add_argument("--batch-size", type=int, default=2, help="batch of the example inputs")
    p.add_argument("--name", help="the document's name (default: the class name)")
    p.add_argument("-o", "--output", required=True, help="the document to write (.json)")
    p.add_argument("--weights", help="also write the imported weights (.safetensors)")
    p.set_defaults(func=cmd_import)


class _BadArguments(ValueError):
    pass


def cmd_import(args: argparse.Namespace) -> int:
    try:
        module = _instantiate(args.source, args.kwargs)
        inputs = _example_inputs(args.input_shape, args.batch_size)
    except _BadArguments as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exits.CANNOT_START

    from layerlab.graph.document import document_json
    from layerlab.imports import ImportRefused, from_torch

    try:
        imported = from_torch(module, inputs, name=args.name)
    except ImportRefused as exc:
        print(f"error: cannot import {args.source} through {exc.via}:", file=sys.stderr)
        for item in exc.unsupported:
            print(f"  {item}", file=sys.stderr)
        return exits.ERROR
    out = Path(args.output)
    out.write_text(document_json(imported.document))
    doc = imported.document
    blocks = ", ".join(b.name for b in doc.blocks) or "none"
    print(
        f"imported {args.source} through {imported.via}: {len(doc.nodes)} nodes, blocks: {blocks}"
    )
    print(f"wrote {out}")
    if args.weights:
        imported.save_weights(args.weights)
        print(f"wrote {args.weights} ({len(imported.weights)} tensors)")
    return exits.OK


def _instantiate(source: str, kwargs_json: str) -> Any:
    from torch import nn

    path_text, _, class_name = source.rpartition(":")
    if not path_text or not class_name:
        raise _BadArguments(f"{source}: name the file and the class, as model.py:ClassName")
    path = Path(path_text)
    if not path.is_file():
        raise _BadArguments(f"{path}: no such file")
    try:
        kwargs = json.loads(kwargs_json)
    except json.JSONDecodeError as exc:
        raise _BadArguments(f"--kwargs is not JSON: {exc}") from None
    if not isinstance(kwargs, dict):
        raise _BadArguments("--kwargs must be a JSON object of keyword arguments")
    # The file's own folder first, so its imports of neighbouring files work.
    sys.path.insert(0, str(path.resolve().parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    user_module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = user_module
    spec.loader.exec_module(user_module)
    cls = getattr(user_module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise _BadArguments(f"{path} has no nn.Module class {class_name!r}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise _BadArguments(f"{class_name}(**{kwargs_json}): {exc}") from None


def _example_inputs(shapes: list[str], batch: int) -> tuple[Any, ...]:
    import torch

    if batch < 1:
        raise _BadArguments("--batch-size must be at least 1")
    if not shapes:
        return (batch,)  # forward(batch_size): a network fed by noise alone
    inputs = []
    for text in shapes:
        dims, _, dtype = text.partition(":")
        try:
            shape = [int(d) for d in dims.split(",") if d.strip()]
        except ValueError:
            raise _BadArguments(f"--input-shape {text}: write sizes as 3,32,32") from None
        if not shape or any(d < 1 for d in shape):
            raise _BadArguments(f"--input-shape {text}: sizes must be positive")
        if dtype in ("", "float32"):
            inputs.append(torch.randn(batch, *shape))
        elif dtype == "int64":
            inputs.append(torch.randint(0, 2, (batch, *shape)))  # ids every vocabulary has
        else:
            raise _BadArguments(f"--input-shape {text}: the dtype is float32 or int64")
    return tuple(inputs)
