"""Who trains runs: the scheduler that leases runs to workers (`scheduler`), one
worker's websocket (`session`, `connection`), and the worker processes `layerlab serve`
starts beside the server (`local`). Routes: routes/worker_link.py, routes/workers.py."""
