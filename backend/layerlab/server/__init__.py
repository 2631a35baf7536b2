"""The HTTP server: a FastAPI app over the core and the store.

`create_app(settings)` builds it; `layerlab serve` runs it with uvicorn. Route
modules under `routes/` are thin: they parse and check input, call the core or the
store, and map the result to the schemas in `schemas.py`.
"""
