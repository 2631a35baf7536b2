"""The HTTP server: a FastAPI app over the core and the store.

`create_app(settings)` (app.py) builds it; `layerlab serve` runs it with uvicorn. Route
modules under `routes/` are thin: they parse and check input, call the core or the
store, and map the result to schemas (`schemas.py`, or their package's). Shared
dependencies (the app's state, parsed bodies) live in `deps.py`, settings in
`settings.py`. One package per concept:

    runs/        intake checks, sources, run schemas and timers, checkpoint files
    viewers/     the live hub, store-and-publish, one viewer's stream and messages
    workers/     the scheduler, a worker's websocket session, local worker processes
    datasets/    the built-in catalog, uploads and their records
    middleware/  Host, Origin and token guards; request body bounds
"""
