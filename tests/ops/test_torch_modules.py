"""torch_modules.py is copied into exported code, which must run with torch alone."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from layerlab.ops import torch_modules

SOURCE = Path(torch_modules.__file__).read_text()


def _imported_roots(tree: ast.Module) -> list[tuple[str, int]]:
    """(top-level package, relative level) of every import anywhere in the file."""
    roots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots += [(alias.name.split(".")[0], 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            roots.append(((node.module or "").split(".")[0], node.level))
    return roots


def test_imports_nothing_but_torch_and_the_standard_library() -> None:
    roots = _imported_roots(ast.parse(SOURCE))
    assert roots, "expected at least `import torch`"
    for root, level in roots:
        assert level == 0, "a relative import would not survive being copied"
        assert root == "torch" or root in sys.stdlib_module_names, root


def test_source_runs_on_its_own() -> None:
    namespace: dict[str, object] = {"__name__": "exported"}
    exec(compile(SOURCE, "torch_modules.py", "exec"), namespace)
    assert "Attention" in namespace and "Noise" in namespace
