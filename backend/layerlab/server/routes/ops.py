from __future__ import annotations

from fastapi import APIRouter

from layerlab.ops import REGISTRY
from layerlab.server.schemas import OpSchema

router = APIRouter(tags=["ops"])


@router.get(
    "/ops",
    response_model=list[OpSchema],
    summary="Every node type: palette entry, ports and the JSON Schema of its parameters",
)
def list_ops() -> list[OpSchema]:
    return [OpSchema.model_validate(op.schema()) for op in REGISTRY.values()]
