"""A run's data-parallel ranks all fit on the worker that leases it (issue 14): a worker
that can hold one rank is not given a run of two, one that can hold two is, and every
worker says what it can hold."""

from __future__ import annotations

from pathlib import Path

import httpx

from layerlab.worker.protocol import Lease
from tests.worker.harness import Api, FakeWorker, moons_document, serving


def test_a_run_goes_only_to_a_worker_that_holds_all_its_ranks(tmp_path: Path) -> None:
    with serving(tmp_path) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        api = Api(client)
        wide = api.create(moons_document(processes=2))
        narrow = api.create(moons_document())  # one rank, queued after the wide one

        small = FakeWorker(live.url, "small", processes=1, cpus=1)
        lease = small.lease()
        assert lease.run == narrow  # the older, wider run is passed over
        assert api.run(wide)["status"] == "queued"

        big = FakeWorker(live.url, "big", processes=4, cpus=4)
        assert big.lease().run == wide
        listed = {w["name"]: w for w in client.get("/api/workers").json()}
        assert (listed["small"]["processes"], listed["small"]["cpus"]) == (1, 1)
        assert (listed["big"]["processes"], listed["big"]["gpus"]) == (4, 0)
        for worker in (small, big):
            worker.close()
        assert isinstance(lease, Lease)
