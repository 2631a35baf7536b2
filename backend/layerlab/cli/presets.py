"""`layerlab presets`: the preset graphs, by name."""

from __future__ import annotations

import argparse
from typing import Any

from layerlab.cli import exits


def add_command(sub: Any) -> None:
    """Register `presets` on the CLI's subcommand parsers."""
    p = sub.add_parser("presets", help="list the preset graphs")
    p.set_defaults(func=cmd_presets)


def cmd_presets(args: argparse.Namespace) -> int:
    from layerlab.presets import list_presets

    for preset in list_presets():
        print(f"{preset.name:32} {preset.title}")
    return exits.OK
