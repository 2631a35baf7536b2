"""The worker needs no database and no web server: importing it loads neither
SQLAlchemy nor FastAPI, so a GPU box runs it with the core's dependencies alone.

Each check runs in a fresh interpreter: this test process has imported the server
already.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SERVER_ONLY = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn")


def _loaded_server_modules(statement: str) -> list[str]:
    check = (
        f"import sys\n{statement}\nprint(','.join(m for m in {SERVER_ONLY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=120, check=True
    )
    return [m for m in done.stdout.strip().split(",") if m]


@pytest.mark.parametrize(
    "statement",
    [
        "import layerlab.worker.agent",
        "import layerlab.worker.main",
        # `layerlab worker`: the CLI's parser imports every subcommand's module.
        "from layerlab.cli import parser; parser()",
    ],
)
def test_the_worker_imports_no_server_dependency(statement: str) -> None:
    assert _loaded_server_modules(statement) == []


def test_the_check_would_see_a_server_import() -> None:
    assert "sqlalchemy" in _loaded_server_modules("import layerlab.store.runs")
