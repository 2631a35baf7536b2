"""The preset documents: the repository's graphs/ folder, or the copy a wheel ships
(see `layerlab.bundled`), each with its gallery entry from graphs/gallery.toml (the
family it is shown under on the start screen, what it teaches, its twin, and about how
long it trains on a CPU, and the title and what it teaches in Simplified Chinese)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from layerlab.bundled import PRESETS_DIR

GALLERY_FILE = "gallery.toml"
"""The gallery entries, beside the documents in the presets folder."""

FAMILIES = ("MLP", "CNN", "RNN", "Transformer", "Generative", "Teaching pairs")
"""The start screen's groups, in the order it shows them."""

OTHER = "Other"
"""The family of a preset without a gallery entry (a folder of one's own)."""


@dataclass(frozen=True)
class Preset:
    name: str
    """File stem: lenet5_mnist."""
    title: str
    path: Path
    family: str = OTHER
    teaches: str = ""
    """What the preset teaches, in one line."""
    title_zh: str = ""
    """`title` in Simplified Chinese (from the gallery entry; the document has only `title`)."""
    teaches_zh: str = ""
    """`teaches` in Simplified Chinese."""
    twin: str | None = None
    """The preset to train beside it (the cure of what it shows, or its counterpart)."""
    cpu_seconds: float | None = None
    """About how long its own training section takes on a 2-core CPU."""


def gallery(folder: Path = PRESETS_DIR) -> dict[str, dict[str, object]]:
    """The gallery entries by preset name (empty when the folder has none)."""
    path = folder / GALLERY_FILE
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text())


def list_presets(folder: Path = PRESETS_DIR) -> list[Preset]:
    entries = gallery(folder)
    presets = []
    for path in sorted(folder.glob("*.json")):
        title = json.loads(path.read_text()).get("name", path.stem)
        entry = entries.get(path.stem, {})
        twin = entry.get("twin")
        seconds = entry.get("cpu_seconds")
        presets.append(
            Preset(
                path.stem,
                str(title),
                path,
                family=str(entry.get("family", OTHER)),
                teaches=str(entry.get("teaches", "")),
                title_zh=str(entry.get("title_zh", "")),
                teaches_zh=str(entry.get("teaches_zh", "")),
                twin=str(twin) if twin else None,
                cpu_seconds=float(seconds) if isinstance(seconds, int | float) else None,
            )
        )
    return presets
