"""Preset documents. A name is looked up in the listing of the presets folder and
only a listed file is read, so no name (`../x`, `/etc/passwd`, `%2e%2e`, NUL) can
reach a file outside it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from layerlab.presets import list_presets
from layerlab.server.deps import SettingsDep, run_cpu, validate_document
from layerlab.server.errors import ApiError, ErrorBody
from layerlab.server.gallery import gallery_cards
from layerlab.server.schemas import Preset, PresetSummary

router = APIRouter(tags=["presets"])

PRESET_NAME = r"^[A-Za-z0-9_-]{1,100}$"


@router.get(
    "/presets",
    response_model=list[PresetSummary],
    summary="The preset graphs, as the start screen's cards",
)
async def get_presets(request: Request, settings: SettingsDep) -> list[PresetSummary]:
    return await run_cpu(request, lambda: gallery_cards(settings.presets_dir))


@router.get(
    "/presets/{name}",
    response_model=Preset,
    responses={404: {"model": ErrorBody, "description": "No preset of that name"}},
    summary="One preset graph's document",
)
async def get_preset(
    request: Request,
    settings: SettingsDep,
    name: Annotated[str, Path(pattern=PRESET_NAME, description="A name from GET /presets")],
) -> Preset:
    def load() -> Preset:
        listed = {p.name: p for p in list_presets(settings.presets_dir)}
        preset = listed.get(name)
        if preset is None:
            raise ApiError(404, "not_found", f"no preset {name!r}")
        document = validate_document(preset.path.read_bytes(), settings)
        return Preset(
            name=preset.name,
            title=preset.title,
            title_zh=preset.title_zh,
            teaches_zh=preset.teaches_zh,
            document=document,
        )

    return await run_cpu(request, load)
