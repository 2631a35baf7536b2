"""The preset documents: the repository's graphs/ folder, or the copy a wheel ships
(see `layerlab.bundled`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from layerlab.bundled import PRESETS_DIR


@dataclass(frozen=True)
class Preset:
    name: str
    """File stem: lenet5_mnist."""
    title: str
    path: Path


def list_presets(folder: Path = PRESETS_DIR) -> list[Preset]:
    presets = []
    for path in sorted(folder.glob("*.json")):
        title = json.loads(path.read_text()).get("name", path.stem)
        presets.append(Preset(path.stem, str(title), path))
    return presets
