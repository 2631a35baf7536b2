"""The start screen's preset cards: each preset's gallery entry with what its document
says (dataset, parameter count, a sketch of its top level). Checking a document costs a
few milliseconds (a second for one whose vocabulary is read from its data), so each is
checked once per file version and remembered."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

from layerlab.graph.check import check
from layerlab.graph.limits import Limits
from layerlab.presets import FAMILIES, Preset, gallery, list_presets
from layerlab.server.schemas import PresetSketch, PresetSummary, SketchEdge, SketchNode

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=256)
def _facts(path: str, _mtime_ns: int) -> tuple[str, str | None, int | None, PresetSketch]:
    """(description, dataset, params, sketch) of one preset document version."""
    raw = json.loads(Path(path).read_text())
    dataset = raw.get("training", {}).get("dataset")
    sketch = PresetSketch(
        nodes=[
            SketchNode(id=n["id"], type=n["type"], repeat=int(n.get("repeat", 1)))
            for n in raw.get("nodes", [])
        ],
        edges=[SketchEdge(source=e["source"], target=e["target"]) for e in raw.get("edges", [])],
    )
    params: int | None = None
    try:
        result = check(raw, Limits())
        params = int(result.totals.params) if result.ok else None
    except Exception:  # a preset that does not check still gets its card
        log.exception("preset %s does not check", path)
    return str(raw.get("description", "")), dataset, params, sketch


def summary(preset: Preset) -> PresetSummary:
    description, dataset, params, sketch = _facts(str(preset.path), preset.path.stat().st_mtime_ns)
    return PresetSummary(
        name=preset.name,
        title=preset.title,
        title_zh=preset.title_zh,
        family=preset.family,
        teaches=preset.teaches,
        teaches_zh=preset.teaches_zh,
        description=description,
        twin=preset.twin,
        cpu_seconds=preset.cpu_seconds,
        dataset=dataset if isinstance(dataset, str) else None,
        params=params,
        sketch=sketch,
    )


def gallery_cards(folder: Path) -> list[PresetSummary]:
    """The cards by family (in FAMILIES' order, others last), each family in the order
    of the gallery file (simplest first)."""
    place = {name: i for i, name in enumerate(gallery(folder))}

    def key(p: Preset) -> tuple[int, int, str]:
        family = FAMILIES.index(p.family) if p.family in FAMILIES else len(FAMILIES)
        return family, place.get(p.name, len(place)), p.name

    return [summary(p) for p in sorted(list_presets(folder), key=key)]
