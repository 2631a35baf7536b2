"""`layerlab serve`: the web server (REST API, websockets and the built frontend), with
its local workers. Settings come from LAYERLAB_* variables, then these flags.

The server's modules are imported when the command runs, not when the parser is
built: `layerlab worker` on a GPU box needs neither FastAPI nor SQLAlchemy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from layerlab.cli import exits


def add_command(sub: Any) -> None:
    """Register `serve` on the CLI's subcommand parsers."""
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


def address_list(text: str) -> list[str]:
    """An argparse type: comma-separated items (`127.0.0.1, 10.0.0.0/8`)."""
    return [item.strip() for item in text.split(",") if item.strip()]


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
        return exits.CANNOT_START
    except SettingsError as exc:  # a variable that does not parse (a nested one's JSON)
        print(f"error: {exc}", file=sys.stderr)
        return exits.CANNOT_START
    settings = with_token(settings)
    if settings.auth_required:
        print("auth is on: send 'Authorization: Bearer <token>' (LAYERLAB_TOKEN) to /api")
    serve(create_app(settings), settings)
    return exits.OK
