"""The worker process: an `Agent` run until it is told to stop (`layerlab worker`, in
cli/worker.py, parses the command line and calls `run_worker`).

SIGTERM or Ctrl-C: the current run is checkpointed and handed back (requeued, no
attempt lost), then the worker exits; a second one exits at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from layerlab.worker.agent import Agent, WorkerOptions
from layerlab.worker.device import DeviceInfo

log = logging.getLogger(__name__)


def run_worker(options: WorkerOptions, device: DeviceInfo) -> int:
    """Run the worker until it is told to stop; returns the exit status."""
    agent = Agent(options, device)

    async def main() -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, agent.request_shutdown)
        log.info("worker %s on %s", options.name, device.label)
        return await agent.run()

    return asyncio.run(main())
