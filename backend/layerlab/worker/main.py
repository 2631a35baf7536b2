"""The worker process: an `Agent` run until it is told to stop (`layerlab worker`, in
cli/worker.py, parses the command line and calls `run_worker`).

SIGTERM or Ctrl-C: the current run is checkpointed and handed back (requeued, no
attempt lost), then the worker exits; a second one exits at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

from layerlab.train.warmup import warm_up
from layerlab.worker.agent import Agent, WorkerOptions
from layerlab.worker.device import DeviceInfo

log = logging.getLogger(__name__)


def run_worker(options: WorkerOptions, device: DeviceInfo) -> int:
    """Run the worker until it is told to stop; returns the exit status."""
    agent = Agent(options, device)
    # The first run's one-time costs (imports, lazy setup: seconds on a CPU) are paid now,
    # beside the connection, so a person's first Train shows its first point at once.
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()

    async def main() -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, agent.request_shutdown)
        log.info("worker %s on %s", options.name, device.label)
        return await agent.run()

    return asyncio.run(main())


def _warm_up() -> None:
    try:
        warm_up()
    except Exception:  # a failed warm-up costs the first run its seconds, nothing more
        log.warning("warm-up failed", exc_info=True)
