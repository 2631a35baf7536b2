from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

import layerlab
from layerlab.server.deps import SettingsDep, get_database
from layerlab.server.schemas import Health
from layerlab.store.db import Database

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="The server is up and its database answers")
def health(settings: SettingsDep, database: Annotated[Database, Depends(get_database)]) -> Health:
    database.ping()
    return Health(
        version=layerlab.__version__, database=database.backend, auth=settings.auth_required
    )
