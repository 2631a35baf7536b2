"""The built frontend (frontend/dist) at /, when it exists: files as they are, and
index.html for every other path, so the browser app's own routes survive a reload.
Only files inside the folder are ever served; /api paths never fall back to it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from layerlab.server.errors import ApiError


def frontend_router(dist: Path) -> APIRouter:
    root = dist.resolve()
    index = root / "index.html"
    router = APIRouter(include_in_schema=False)

    @router.get("/{path:path}", response_class=Response)
    def frontend(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            raise ApiError(404, "not_found", "no such API route")
        if "\x00" not in path and path:
            candidate = (root / path).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return router
