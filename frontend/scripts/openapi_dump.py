"""Print the API server's OpenAPI schema as JSON (used by scripts/api-types.mjs).

Run with the project's Python: `.venv/bin/python frontend/scripts/openapi_dump.py`.
An optional argument names another `module:attribute` app factory.
"""

import importlib
import inspect
import json
import sys
import tempfile
from pathlib import Path


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else "layerlab.server.app:create_app"
    module_name, _, attr = target.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    if not callable(factory) or not inspect.isfunction(factory):
        app = factory
    else:
        app = factory(*_settings_args(factory))
    json.dump(app.openapi(), sys.stdout, indent=1, sort_keys=True)


def _settings_args(factory: object) -> list[object]:
    """Settings for the factory when it takes any, pointing at a throwaway folder."""
    params = inspect.signature(factory).parameters  # type: ignore[arg-type]
    if not params or all(p.default is not inspect.Parameter.empty for p in params.values()):
        return []
    from layerlab.server.settings import Settings  # type: ignore[import-not-found]

    tmp = Path(tempfile.mkdtemp(prefix="layerlab-openapi-"))
    fields = getattr(Settings, "model_fields", {})
    kwargs: dict[str, object] = {}
    if "data_dir" in fields:
        kwargs["data_dir"] = tmp
    if "local_workers" in fields:
        kwargs["local_workers"] = 0
    return [Settings(**kwargs)]


if __name__ == "__main__":
    main()
