"""The `layerlab` command: one module per subcommand, each with `add_command(sub)`.

    layerlab check | export | import | presets | serve | sweep | train | worker

`parser()` and `main()` live here (the console script is `layerlab.cli:main`, and
`python -m layerlab.cli` runs `__main__.py`). Subcommands import what they run when
they run, so building the parser stays light: `layerlab worker` loads no server code.
"""

from __future__ import annotations

import argparse
import sys

from layerlab.cli import check, exits, export, import_, presets, serve, sweep, train, worker

COMMANDS = [check, export, import_, presets, serve, sweep, train, worker]
"""In the order `layerlab --help` lists them."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="layerlab", description="Design, check, train and export neural networks."
    )
    sub = root.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_command(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FileNotFoundError as exc:
        print(f"error: {exc.filename}: no such file", file=sys.stderr)
        return exits.CANNOT_START
    except OSError as exc:  # a folder where a file should be, no permission, a full disk
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return exits.CANNOT_START
