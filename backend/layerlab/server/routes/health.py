from __future__ import annotations

from fastapi import APIRouter

import layerlab
from layerlab.server.deps import DatabaseDep, SettingsDep
from layerlab.server.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="The server is up and its database answers")
def health(settings: SettingsDep, database: DatabaseDep) -> Health:
    database.ping()
    return Health(
        version=layerlab.__version__, database=database.backend, auth=settings.auth_required
    )
