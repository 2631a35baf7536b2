"""Files LayerLab ships beside its code: the preset documents, the lessons and the built
browser app.

A wheel carries them as package data in `layerlab/_bundled/` (`graphs/`, `frontend/`),
copied there at build time from the repository's graphs/ and frontend/dist by the
build step in setup.py. A source checkout (an editable install, `make run`) has no
such folder and reads the repository's own folders in place, so graphs/ stays the
one copy of the presets and a fresh `make frontend` is served without reinstalling.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
"""The repository root, when this module runs from a source checkout."""


def _bundled() -> Path | None:
    # A wheel is always installed unpacked, so its package data are real files.
    folder = files("layerlab") / "_bundled"
    return folder if isinstance(folder, Path) and folder.is_dir() else None


def shipped(name: str, in_checkout: Path) -> Path:
    """`layerlab/_bundled/<name>` when installed from a wheel, else `in_checkout`."""
    bundled = _bundled()
    return bundled / name if bundled is not None else in_checkout


PRESETS_DIR = shipped("graphs", CHECKOUT / "graphs")
"""The preset documents, one JSON file each."""

LESSONS_DIR = shipped("lessons", CHECKOUT / "lessons")
"""The lessons, one JSON file each (layerlab/lessons.py)."""

FRONTEND_DIST = shipped("frontend", CHECKOUT / "frontend" / "dist")
"""The built browser app (index.html and its assets); absent until built."""
