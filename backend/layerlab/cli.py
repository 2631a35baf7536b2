"""The `layerlab` command: check, export (and later serve, worker, train, presets)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layerlab import format as fmt
from layerlab.graph.check import CheckResult, analyze_or_raise, check
from layerlab.graph.document import load_document
from layerlab.graph.errors import GraphError


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a batch size of 0 means nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def address_list(text: str) -> list[str]:
    """An argparse type: comma-separated items (`127.0.0.1, 10.0.0.0/8`)."""
    return [item.strip() for item in text.split(",") if item.strip()]


def _print_check(result: CheckResult) -> None:
    rows = [("node", "type", "output", "params")]
    for node in result.nodes:
        shape = ", ".join(
            f"{p}={s}" if len(node.outputs) > 1 else str(s) for p, s in node.outputs.items()
        )
        rows.append((node.id, node.type, shape or "-", fmt.count(node.params)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, row in enumerate(rows):
        print(
            "  ".join(
                cell.rjust(w) if j == 3 else cell.ljust(w)
                for j, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))
    t = result.totals
    print(
        f"\n{fmt.count(t.params)} parameters, {fmt.flops(t.flops)} per sample, "
        f"~{fmt.size(t.memory_bytes)} to train at batch size {t.batch_size}"
    )
    for warning in result.warnings:
        print(f"warning: {warning}")


def cmd_check(args: argparse.Namespace) -> int:
    result = check(Path(args.graph), batch_size=args.batch_size)
    if args.json:
        print(result.model_dump_json(indent=2))
    elif result.ok:
        _print_check(result)
    else:
        for error in result.errors:
            print(f"error: {error}", file=sys.stderr)
    return 0 if result.ok else 1


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
        return 1
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
        return 1
    print(f"wrote {out}")
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    from layerlab.presets import list_presets

    for preset in list_presets():
        print(f"{preset.name:32} {preset.title}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from layerlab.server.app import create_app
    from layerlab.server.settings import Settings, with_token
    from layerlab.server.workers.local import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            database_url=args.db,
            data_dir=args.data_dir,
            local_workers=args.workers,
            forwarded_allow_ips=args.forwarded_allow_ips,
        )
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where = ".".join(str(part) for part in error["loc"])
            print(f"error: setting {where}: {error['msg']}", file=sys.stderr)
        return 2
    except SettingsError as exc:  # a variable that does not parse (a nested one's JSON)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = with_token(settings)
    if settings.auth_required:
        print("auth is on: send 'Authorization: Bearer <token>' (LAYERLAB_TOKEN) to /api")
    serve(create_app(settings), settings)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="layerlab", description="Design, check, train and export neural networks."
    )
    sub = root.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="shapes, parameters and errors of a graph document")
    p.add_argument("graph", help="path to a graph JSON document")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument(
        "--batch-size", type=positive_int, default=None, help="batch size for the memory estimate"
    )
    p.set_defaults(func=cmd_check)

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

    p = sub.add_parser("presets", help="list the preset graphs")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("serve", help="run the web server (REST API and the built frontend)")
    p.add_argument(
        "--host", help="address to listen on (default 127.0.0.1; auth is on beyond loopback)"
    )
    p.add_argument("--port", type=int, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--db", help="database URL (default: SQLite file in the data dir)")
    p.add_argument(
        "--data-dir", type=Path, help="folder for the database, checkpoints, data (default ./data)"
    )
    p.add_argument("--workers", type=int, help="local worker processes to start (default 1)")
    p.add_argument(
        "--forwarded-allow-ips",
        type=address_list,
        metavar="ADDRESSES",
        help="comma-separated proxy addresses or networks whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (default none; LAYERLAB_FORWARDED_ALLOW_IPS)",
    )
    p.set_defaults(func=cmd_serve)

    from layerlab.train.command import add_train_command
    from layerlab.worker.main import add_worker_command

    add_train_command(sub)
    add_worker_command(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FileNotFoundError as exc:
        print(f"error: {exc.filename}: no such file", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder where a file should be, no permission, a full disk
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
