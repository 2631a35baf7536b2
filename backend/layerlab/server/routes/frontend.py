"""The built frontend (frontend/dist) at /, when it exists: files as they are, and
index.html for every other path, so the browser app's own routes survive a reload.
Only files inside the folder are ever served; /api paths never fall back to it.

When it was never built, / answers how to build it instead: a page for a browser, a
JSON error (`frontend_not_built`) for anything else."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from layerlab.server.errors import ApiError

BUILD_COMMAND = "make frontend"
BUILD_STEPS = "cd frontend && npm ci && npm run build"
NOT_BUILT = (
    "LayerLab's browser app is not built, so this server answers the API alone "
    "(/api, documented at /api/docs). In a source checkout, build it with "
    f"`{BUILD_COMMAND}` (or `{BUILD_STEPS}`) and restart the server; a wheel built "
    "after that ships it. LAYERLAB_FRONTEND_DIST names a build kept elsewhere."
)


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


_NOT_BUILT_PAGE = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>LayerLab: the browser app is not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The browser app is not built</h1>
<p>This LayerLab server answers the API alone: <a href="/api/docs">/api/docs</a>.</p>
<p>In a source checkout, build the app, then restart the server:</p>
<pre>{escape(BUILD_COMMAND)}</pre>
<p>or, without make:</p>
<pre>{escape(BUILD_STEPS)}</pre>
<p>A wheel built after that ships the app. <code>LAYERLAB_FRONTEND_DIST</code> names a
build kept elsewhere.</p>
</body>
</html>
"""


def not_built_router() -> APIRouter:
    """In place of `frontend_router` when there is no build to serve. It answers `/`
    alone, so every other path keeps its plain 404 (and an API route its 405)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=Response)
    def not_built(request: Request) -> Response:
        if "text/html" not in request.headers.get("accept", ""):
            raise ApiError(404, "frontend_not_built", NOT_BUILT)
        return HTMLResponse(_NOT_BUILT_PAGE, status_code=404, headers={"Cache-Control": "no-cache"})

    return router
