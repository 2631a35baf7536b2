"""Who watches runs: the live fan-out (`hub`), how writers reach it (`publish`), one
viewer's websocket stream (`stream`) and its messages (`protocol`). Route:
routes/run_stream.py."""
