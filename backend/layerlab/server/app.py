"""`create_app(settings)`: the FastAPI application.

Middleware, outermost first: Host check, Origin check, (CORS for configured
origins), bearer token, body time, body size. (Below them all, uvicorn's config in
listener.py bounds the request head's time and decides which peers' forwarded
headers are believed.) Routes live under /api, one module per
resource; the built frontend is served at / (or, when it is not built, how to build
it). The database is opened and migrated when the app starts (lifespan), and closed
when it stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import layerlab
from layerlab.server import errors
from layerlab.server.datasets.uploads import FORM_OVERHEAD_BYTES, sweep_partials, upload_limit
from layerlab.server.gallery import gallery_cards
from layerlab.server.middleware.body_limit import BodyLimitMiddleware
from layerlab.server.middleware.body_timeout import BodyTimeoutMiddleware
from layerlab.server.middleware.guards import API_PREFIX, HostGuard, OriginGuard, TokenGuard
from layerlab.server.openapi import build_openapi
from layerlab.server.routes import (
    check,
    datasets,
    export,
    graphs,
    health,
    imports,
    lessons,
    meta,
    ops,
    presets,
    run_downloads,
    run_stream,
    runs,
    sweeps,
    worker_link,
    workers,
)
from layerlab.server.routes.frontend import frontend_router, not_built_router
from layerlab.server.runs.checkpoint_files import CheckpointFiles
from layerlab.server.settings import Settings, with_token
from layerlab.server.sweeps.runner import SweepRunner
from layerlab.server.viewers.hub import Hub
from layerlab.server.workers.local import LocalWorkers, with_worker_token
from layerlab.server.workers.scheduler import Scheduler
from layerlab.store.db import Database
from layerlab.store.migrate import upgrade
from layerlab.store.runs import recorded_checkpoints

log = logging.getLogger(__name__)

ROUTERS = [
    health,
    meta,
    ops,
    datasets,
    presets,
    lessons,
    graphs,
    check,
    export,
    imports,
    runs,
    run_downloads,
    sweeps,
    workers,
    worker_link,
]
WEBSOCKET_ROUTERS = [run_stream.router, worker_link.ws_router]


def _open_database(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.db_url)
    revision = upgrade(database.engine)
    log.info("database %s at revision %s", database.backend, revision)
    return database


def _sweep_checkpoints(database: Database, settings: Settings) -> None:
    with database.session() as session:
        recorded = recorded_checkpoints(session)
    CheckpointFiles(settings.checkpoints).sweep(recorded)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = with_worker_token(with_token(settings or Settings.from_env()))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.cpu_limiter = CapacityLimiter(settings.cpu_slots)
        app.state.database = await anyio.to_thread.run_sync(_open_database, settings)
        await anyio.to_thread.run_sync(_sweep_checkpoints, app.state.database, settings)
        await anyio.to_thread.run_sync(sweep_partials, settings.data_dir)
        # The run system: queued runs wait in the database; the scheduler leases them
        # to workers; local workers start once the port is known (see workers/local.py).
        app.state.scheduler = Scheduler(app.state.database, settings, app.state.hub)
        await app.state.scheduler.start()
        # Sweeps wait in the database too; their runner carries on where it stopped.
        app.state.sweeps = SweepRunner(
            app.state.database, settings, app.state.hub, app.state.scheduler
        )
        await app.state.sweeps.start()
        if settings.port:
            app.state.local_workers.start(settings.port)
            # The start screen's cards check every preset (seconds in all on a busy
            # CPU): a listening server checks them now, off the event loop, so that the
            # first visit finds them ready.
            threading.Thread(
                target=gallery_cards,
                args=(settings.presets_dir,),
                name="warm-gallery",
                daemon=True,
            ).start()
        try:
            yield
        finally:
            await app.state.local_workers.stop()
            await app.state.sweeps.stop()
            await app.state.scheduler.stop()
            app.state.database.close()

    app = FastAPI(
        title="LayerLab",
        version=layerlab.__version__,
        description="Design neural networks as graphs, check them, export them, train them.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        responses=errors.COMMON_RESPONSES,
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.hub = Hub(settings.runs)
    app.state.local_workers = LocalWorkers(settings)
    errors.install(app)
    for module in ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    for router in WEBSOCKET_ROUTERS:
        app.include_router(router)
    if (settings.frontend_dist / "index.html").is_file():
        log.info("browser app from %s", settings.frontend_dist)
        app.include_router(frontend_router(settings.frontend_dist))
    else:
        log.warning("no browser app built at %s: / says how to build it", settings.frontend_dist)
        app.include_router(not_built_router())

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, settings.auth_required)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    # add_middleware wraps: the last added runs first.
    # A dataset upload may be larger than any JSON body: its own limit, plus the form's
    # few fields and boundaries.
    upload_bytes = upload_limit(settings, None) + FORM_OVERHEAD_BYTES
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        by_path={
            f"{API_PREFIX}/datasets": upload_bytes,
            f"{API_PREFIX}/import/onnx": settings.max_onnx_bytes + FORM_OVERHEAD_BYTES,
        },
    )
    app.add_middleware(
        BodyTimeoutMiddleware,
        idle_s=settings.body_timeout_s,
        min_bytes_per_s=settings.body_min_bytes_per_s,
    )
    if settings.auth_required:
        assert settings.token is not None
        app.add_middleware(TokenGuard, token=settings.token.get_secret_value())
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match"],
            expose_headers=["ETag", "Location", "Content-Disposition"],
        )
    app.add_middleware(OriginGuard, allowed=settings.allowed_origins)
    app.add_middleware(HostGuard, bound_host=settings.host, allowed=settings.allowed_hosts)
    return app
