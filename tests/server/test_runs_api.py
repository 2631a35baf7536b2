"""`/api/runs` over REST, on SQLite and PostgreSQL, with workers played by hand
(`FakeWorker` speaks the worker protocol): validation before queueing, listing and
reading, control, deletion, per-client limits, memory matching, and what a lease
allows a worker to write."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from layerlab.server.workers.connection import WorkerConnection
from layerlab.store.workers import new_worker
from layerlab.worker.protocol import (
    Closed,
    ControlRequest,
    Lease,
    ProtocolError,
    Refused,
    Release,
    RunResult,
)
from tests.server.conftest import Databases
from tests.worker.harness import (
    FAST,
    WORKER_TOKEN,
    Api,
    FakeWorker,
    checkpoint_headers,
    fake_pack,
    moons_document,
    n,
    pump_all,
    seqs,
    serving,
    synthetic_events,
    wait_for,
    ws_url,
)


@pytest.fixture
def database_url(backend: str, databases: Databases) -> str:
    return databases.new(backend)


def _broken() -> dict[str, Any]:
    document = moons_document()
    document["nodes"][1]["params"] = {"out_features": 0}  # fc1: not a valid size
    return document


def test_a_run_is_checked_completely_before_it_is_queued(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        broken = client.post("/api/runs", json={"document": _broken()})
        assert broken.status_code == 422
        assert broken.json()["issues"][0]["node_id"] == "fc1"

        bad_config = client.post(
            "/api/runs", json={"document": moons_document(), "config": {"lr": -1}}
        )
        assert bad_config.status_code == 422
        assert (
            bad_config.json()["code"] == "invalid_config" and "lr" in bad_config.json()["message"]
        )

        unknown = client.post(
            "/api/runs", json={"document": moons_document(), "config": {"dataset": "moonz"}}
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_dataset"
        assert "moons" in unknown.json()["message"]  # did you mean

        nothing = moons_document()
        del nothing["training"]["dataset"]
        assert (
            client.post("/api/runs", json={"document": nothing}).json()["code"] == "invalid_config"
        )

        assert client.post("/api/runs", json={}).status_code == 422
        both = {"document": moons_document(), "graph_id": "g_0123456789ab"}
        assert client.post("/api/runs", json=both).status_code == 422
        missing = client.post("/api/runs", json={"graph_id": "g_0123456789ab"})
        assert missing.status_code == 404
        nan = client.post(
            "/api/runs", content=b'{"document": {"name": "x", "nodes": [], "edges": []}, "x": NaN}'
        )
        assert nan.status_code == 422
        assert client.get("/api/runs").json()["total"] == 0  # none of them was queued


def test_runs_are_listed_read_stopped_and_deleted(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        api = Api(client)
        graph = client.post("/api/graphs", json=moons_document()).json()
        from_graph = client.post(
            "/api/runs", json={"graph_id": graph["id"], "graph_version": 1, "config": {"epochs": 7}}
        )
        assert from_graph.status_code == 201, from_graph.text
        run = from_graph.json()
        assert from_graph.headers["location"] == f"/api/runs/{run['id']}"
        assert run["status"] == "queued" and run["attempt"] == 0 and run["graph_id"] == graph["id"]
        assert run["config"]["epochs"] == 7 and run["document"]["name"] == "moons-mlp"
        assert run["memory_bytes"] > 0
        other = api.create(moons_document())

        listed = client.get("/api/runs", params={"status": "queued"}).json()
        assert listed["total"] == 2 and {r["id"] for r in listed["items"]} == {run["id"], other}
        by_graph = client.get("/api/runs", params={"graph_id": graph["id"]}).json()
        assert [r["id"] for r in by_graph["items"]] == [run["id"]]
        assert client.get("/api/runs", params={"status": "nonsense"}).status_code == 422

        assert api.events(run["id"]) == []
        stopped = api.control(run["id"], "stop")
        assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
        events = api.events(run["id"])
        assert seqs(events) == [1] and events[0]["status"] == "stopped"
        assert api.control(run["id"], "stop").status_code == 409
        assert api.control(run["id"], "pause").json()["code"] == "run_ended"
        assert client.get(f"/api/runs/{run['id']}/checkpoint").json()["code"] == "no_checkpoint"
        assert (
            client.get(f"/api/runs/{run['id']}/events", params={"types": "bogus"}).status_code
            == 422
        )

        assert client.delete(f"/api/runs/{run['id']}").status_code == 204
        assert client.get(f"/api/runs/{run['id']}").status_code == 404
        assert client.get(f"/api/runs/{run['id']}/events").status_code == 404
        assert client.delete(f"/api/runs/{run['id']}").status_code == 404
        assert client.get("/api/runs/r_nothexdigits").status_code == 422


def test_events_are_paged_and_filtered(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        worker = FakeWorker(live.url)
        lease = worker.lease()
        assert lease.run == run_id and lease.attempt == 1 and lease.checkpoint is None
        for i in range(3):
            worker.ack(lease, worker.send_events(lease, synthetic_events(run_id, 400, i * 400)))
        worker.ack(lease, worker.send_events(lease, [worker.log(lease, "hello")]))
        page = client.get(f"/api/runs/{run_id}/events", params={"since": 10, "limit": 100}).json()
        assert seqs(page["events"]) == list(range(11, 111)) and page["more"]
        assert page["next_since"] == 110
        logs = client.get(f"/api/runs/{run_id}/events", params={"types": "log,status"}).json()
        assert [e["message"] for e in logs["events"]] == ["hello"]
        assert seqs(api.events(run_id)) == list(range(1, 1202))
        worker.close()


def test_a_resent_batch_is_stored_once(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        worker = FakeWorker(live.url)
        lease = worker.lease()
        events = synthetic_events(run_id, 5)
        first = worker.ack(lease, worker.send_events(lease, events, batch_seq=1))
        again = worker.ack(lease, worker.send_events(lease, events, batch_seq=1))
        assert (first.first_seq, first.count) == (again.first_seq, again.count) == (1, 5)
        worker.ack(lease, worker.send_events(lease, synthetic_events(run_id, 2, 5), batch_seq=2))
        assert seqs(api.events(run_id)) == [1, 2, 3, 4, 5, 6, 7]
        worker.close()


def test_results_releases_and_control_requests(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        api = Api(client)
        worker = FakeWorker(live.url)
        first = api.create(moons_document())
        lease = worker.lease()
        worker.send(RunResult(run=first, attempt=1, fencing=lease.fencing, status="finished"))
        worker.expect(Closed)
        assert api.run(first)["status"] == "finished" and api.run(first)["worker"] is None

        second = api.create(moons_document())
        lease = worker.lease()
        assert lease.run == second
        worker.send(Release(run=second, attempt=1, fencing=lease.fencing, reason="shutting down"))
        worker.expect(Closed)
        worker.leases.clear()
        requeued = api.run(second)
        assert requeued["status"] == "queued" and requeued["failures"] == 0
        assert "shutting down" in api.events(second)[-1]["message"]

        lease = worker.lease()
        assert (lease.run, lease.attempt) == (second, 2) and api.run(second)["attempt"] == 2
        paused = api.control(second, "pause").json()
        assert paused["requested"] == "pause" and paused["status"] == "running"
        assert worker.expect(ControlRequest).action == "pause"
        status = {
            "seq": 0,
            "run": second,
            "step": 3,
            "time": 0.1,
            "type": "status",
            "status": "paused",
        }
        from layerlab.train.events import EVENT_ADAPTER

        worker.ack(lease, worker.send_events(lease, [EVENT_ADAPTER.validate_python(status)]))
        wait_for(lambda: api.run(second)["status"] == "paused", 10, "the run to show paused")
        api.control(second, "resume")
        assert worker.expect(ControlRequest).action == "resume"
        assert api.run(second)["requested"] is None
        api.control(second, "stop")
        assert worker.expect(ControlRequest).action == "stop"
        worker.send(RunResult(run=second, attempt=2, fencing=lease.fencing, status="stopped"))
        worker.expect(Closed)
        assert api.run(second)["status"] == "stopped"
        worker.close()


def test_per_client_limits(tmp_path: Path, database_url: str) -> None:
    limits = {"max_queued_runs_per_client": 2, "max_active_runs_per_client": 1}
    with serving(tmp_path, database_url, **limits) as live, live.client() as client:
        api = Api(client)
        first, second = api.create(moons_document()), api.create(moons_document())
        refused = client.post("/api/runs", json={"document": moons_document()})
        assert refused.status_code == 429 and refused.json()["code"] == "too_many_runs"
        assert refused.headers["retry-after"]

        one, two = FakeWorker(live.url, "one"), FakeWorker(live.url, "two")
        lease = one.lease()
        assert lease.run == first
        two.ready()
        pump_all([one, two], 1.5)  # idle, ready, and yet: the client has its one active run
        assert not two.leases and api.run(second)["status"] == "queued"
        assert client.post("/api/runs", json={"document": moons_document()}).status_code == 201
        one.send(RunResult(run=first, attempt=1, fencing=lease.fencing, status="finished"))
        one.expect(Closed)
        assert two.expect(Lease).run == second
        one.close()
        two.close()


def test_runs_go_to_workers_with_enough_memory(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        need = api.run(run_id)["memory_bytes"]
        small = FakeWorker(live.url, "small", memory=need // 2)
        small.ready()
        small.pump(1.0)
        assert not small.leases
        too_big = client.post("/api/runs", json={"document": moons_document()})
        assert too_big.status_code == 422 and too_big.json()["code"] == "too_large_for_workers"
        workers = client.get("/api/workers").json()
        assert [w["name"] for w in workers] == ["small"] and not workers[0]["busy"]
        big = FakeWorker(live.url, "big", memory=need * 100)
        assert big.lease().run == run_id
        small.close()
        big.close()


def test_a_lost_lease_is_fenced_off(tmp_path: Path, database_url: str) -> None:
    with serving(tmp_path, database_url) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        stale = FakeWorker(live.url, "stale")
        old = stale.lease()
        stale.ack(old, stale.send_events(old, synthetic_events(run_id, 3)))
        pack = fake_pack(tmp_path / "pack.safetensors", 3)
        url = f"/api/worker/runs/{run_id}/checkpoints/step-00000003"
        stored = client.put(url, content=pack, headers=checkpoint_headers(stale, old))
        assert stored.status_code == 201 and stored.json()["step"] == 3

        # `stale` goes silent past its lease; another worker takes the run over.
        fresh = FakeWorker(live.url, "fresh")
        new = fresh.lease(timeout=30)
        assert (new.run, new.attempt) == (run_id, 2) and new.fencing > old.fencing
        assert new.checkpoint is not None and new.checkpoint.step == 3
        run = api.run(run_id)
        assert run["failures"] == 1 and run["worker"] == fresh.welcome.worker_id  # type: ignore[union-attr]
        requeue = api.events(run_id)[-1]
        assert requeue["status"] == "queued" and "lease expired" in requeue["message"]

        # The server closed the silent worker's connection; it comes back, naming its lease.
        assert stale.welcome is not None
        back = FakeWorker(
            live.url,
            "stale",
            worker_id=stale.welcome.worker_id,
            worker_key=stale.welcome.worker_key,
            runs=stale.held(),
        )
        assert back.welcome is not None and back.welcome.worker_id == stale.welcome.worker_id
        assert back.welcome.kept == []
        assert back.expect(Refused).code == "stale_lease"
        back.send_events(old, synthetic_events(run_id, 2, 3))
        refused = back.expect(Refused)
        assert refused.code == "stale_lease" and refused.run == run_id
        later = client.put(
            f"/api/worker/runs/{run_id}/checkpoints/step-00000004",
            content=pack,
            headers=checkpoint_headers(back, old),
        )
        assert later.status_code == 409 and later.json()["code"] == "stale_lease"
        assert seqs(api.events(run_id)) == [1, 2, 3, 4]  # nothing of the stale worker after

        resumed = client.get(
            f"/api/worker/runs/{run_id}/checkpoint", headers=checkpoint_headers(fresh, new)
        )
        assert resumed.status_code == 200 and resumed.content == pack
        assert resumed.headers["x-layerlab-checkpoint"] == "step-00000003"
        fresh.close()
        back.close()


def test_an_upload_still_arriving_from_a_lost_lease_spares_the_new_holders_checkpoint(
    tmp_path: Path,
) -> None:
    """The old holder's PUT passed the lease check, then its lease was lost while its
    body was still on the way; the new holder meanwhile stored the same checkpoint
    name. The late body is refused and must neither replace nor delete the new one."""
    with serving(tmp_path) as live, live.client() as client:
        run_id = Api(client).create(moons_document())
        stale = FakeWorker(live.url, "stale")
        old = stale.lease()
        url = f"/api/worker/runs/{run_id}/checkpoints/step-00000040"
        late_pack = fake_pack(tmp_path / "late.safetensors", 40)
        release = threading.Event()

        def body() -> Iterator[bytes]:
            yield late_pack[:1000]
            release.wait(60)  # the rest comes once the lease has moved on
            yield late_pack[1000:]

        answers: list[httpx.Response] = []

        def upload() -> None:
            with httpx.Client(base_url=live.url, timeout=60) as late:
                answers.append(
                    late.put(url, content=body(), headers=checkpoint_headers(stale, old))
                )

        uploading = threading.Thread(target=upload)
        uploading.start()
        try:
            fresh = FakeWorker(live.url, "fresh")
            new = fresh.lease(timeout=30)  # `stale` is silent past its lease
            assert new.attempt == 2
            current = fake_pack(tmp_path / "current.safetensors", 40)
            stored = client.put(url, content=current, headers=checkpoint_headers(fresh, new))
            assert stored.status_code == 201, stored.text
        finally:
            release.set()
            uploading.join(60)
        assert answers[0].status_code == 409 and answers[0].json()["code"] == "stale_lease"

        resume = client.get(
            f"/api/worker/runs/{run_id}/checkpoint", headers=checkpoint_headers(fresh, new)
        )
        assert resume.status_code == 200 and resume.content == current
        weights = client.get(f"/api/runs/{run_id}/checkpoint")
        assert weights.status_code == 200 and weights.headers["X-LayerLab-Step"] == "40"
        stale.close()
        fresh.close()


class _StuckSocket:
    """A worker's websocket whose peer stopped reading: a send never completes."""

    async def send_text(self, _text: str) -> None:
        await asyncio.Event().wait()

    async def close(self, _code: int = 1000, _reason: str = "") -> None:
        return None


def test_a_worker_that_stopped_reading_holds_up_only_its_own_lease(tmp_path: Path) -> None:
    with serving(tmp_path) as live, live.client() as client:
        api = Api(client)
        # Queued first: with no worker connected it waits, however long the create takes.
        first = api.create(moons_document())
        with live.app.state.database.session() as session:
            stuck_id = new_worker(session, "stuck", "cpu", None)[0].id
        stuck = WorkerConnection(
            _StuckSocket(),  # type: ignore[arg-type]
            stuck_id,
            "stuck",
            "cpu",
            None,
            idle=True,
        )
        # It stopped reading, not writing: its heartbeats still arrive, so it is heard
        # from for the whole test (the harness's 1 s lease would drop a silent one before
        # a busy machine's next tick could lease it anything).
        stuck.last_heard = time.monotonic() + 60
        live.app.state.scheduler.connections[stuck_id] = stuck  # picked up at the next tick
        wait_for(lambda: api.run(first)["worker"] == stuck_id, 10, "the stuck worker's lease")
        second = api.create(moons_document())
        worker = FakeWorker(live.url, "healthy")
        # Well inside the 30 s a send to the stuck worker may take before it gives up.
        lease = worker.lease(timeout=5)
        assert lease.run == second
        worker.close()


def test_a_run_that_loses_every_worker_fails_after_three(tmp_path: Path) -> None:
    with serving(tmp_path) as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        for attempt in (1, 2, 3):
            worker = FakeWorker(live.url, f"doomed-{attempt}")
            assert worker.lease(timeout=30).attempt == attempt
            worker.close()  # and never comes back
        failed = api.wait_status(run_id, "failed", 30)
        assert failed["attempt"] == 3 and failed["failures"] == 3
        assert failed["failure_reason"].startswith("worker lost 3 times: lease expired")
        last = FakeWorker(live.url, "survivor")
        last.ready()
        last.pump(1.5)
        assert not last.leases
        last.close()


# -- who may do what -------------------------------------------------------------------------


def test_worker_and_user_tokens_do_not_mix(tmp_path: Path) -> None:
    with serving(tmp_path, token="user-token-0123456789") as live, live.client() as client:
        api = Api(client)
        run_id = api.create(moons_document())
        with httpx.Client(base_url=live.url) as anonymous:
            as_worker = {"Authorization": f"Bearer {WORKER_TOKEN}"}
            assert anonymous.get("/api/runs", headers=as_worker).status_code == 401
            assert anonymous.post(f"/api/runs/{run_id}/stop", headers=as_worker).status_code == 401

            user = FakeWorker(live.url, "impostor", token="user-token-0123456789")
            assert isinstance(user.first, ProtocolError) and user.first.code == "unauthorized"
            nobody = FakeWorker(live.url, "nobody", token="")
            assert isinstance(nobody.first, ProtocolError)

            owner = FakeWorker(live.url, "owner")
            lease = owner.lease()
            pack = fake_pack(tmp_path / "pack.safetensors", 1)
            url = f"/api/worker/runs/{run_id}/checkpoints/step-00000001"
            headers = checkpoint_headers(owner, lease)
            with_user_token = {**headers, "Authorization": "Bearer user-token-0123456789"}
            assert anonymous.put(url, content=pack, headers=with_user_token).status_code == 401
            no_token = {k: v for k, v in headers.items() if k != "Authorization"}
            assert anonymous.put(url, content=pack, headers=no_token).status_code == 401

            # Another worker, with the worker token, cannot write to the owner's run.
            intruder = FakeWorker(live.url, "intruder")
            assert intruder.welcome is not None
            intruder.send_events(lease, synthetic_events(run_id, 1))
            assert intruder.expect(Refused).code == "stale_lease"
            theirs = checkpoint_headers(intruder, lease)  # the owner's fencing token
            assert anonymous.put(url, content=pack, headers=theirs).status_code == 409
            borrowed_id = {**theirs, "X-LayerLab-Worker": owner.welcome.worker_id}  # type: ignore[union-attr]
            assert anonymous.put(url, content=pack, headers=borrowed_id).status_code == 403
            assert anonymous.put(url, content=pack, headers=headers).status_code == 201
            assert api.events(run_id) == []

            # A fork's start weights: the lease holder only (this run is no fork).
            start = f"/api/worker/runs/{run_id}/start-weights"
            assert anonymous.get(start, headers=with_user_token).status_code == 401
            assert anonymous.get(start, headers=theirs).status_code == 409
            assert anonymous.get(start, headers=borrowed_id).status_code == 403
            none = anonymous.get(start, headers=headers)
            assert none.status_code == 404 and none.json()["code"] == "no_start_weights"
            # The uploaded file a run trains on: likewise (this run trains on none).
            dataset = f"/api/worker/runs/{run_id}/dataset"
            assert anonymous.get(dataset, headers=with_user_token).status_code == 401
            assert anonymous.get(dataset, headers=theirs).status_code == 409
            assert anonymous.get(dataset, headers=borrowed_id).status_code == 403
            none = anonymous.get(dataset, headers=headers)
            assert none.status_code == 404 and none.json()["code"] == "no_upload"
            owner.close()
            intruder.close()


# -- refused at intake: nothing to train --------------------------------------------------


def _chain(ids: list[str]) -> list[dict[str, str]]:
    return [{"source": a, "target": b} for a, b in zip(ids, ids[1:], strict=False)]


def _relu_chain(count: int) -> dict[str, Any]:
    """`count` nodes, Input -> ReLUs -> Output: a valid graph with no parameters."""
    nodes = [n("x", "Input", shape=[2])]
    nodes += [n(f"relu{i}", "ReLU") for i in range(count - 2)]
    nodes += [n("out", "Output")]
    training = moons_document()["training"]
    return {
        "name": "relus",
        "nodes": nodes,
        "edges": _chain([x["id"] for x in nodes]),
        "training": training,
    }


def _repeated_relus(repeat: int = 256, inner: int = 8) -> dict[str, Any]:
    """A block of `inner` ReLUs, instantiated once with `repeat` copies."""
    body = [n("x", "Input"), *(n(f"relu{i}", "ReLU") for i in range(inner)), n("y", "Output")]
    block = {"name": "Relus", "nodes": body, "edges": _chain([x["id"] for x in body])}
    nodes = [n("x", "Input", shape=[2]), {"id": "stack", "type": "Relus", "repeat": repeat}]
    nodes += [n("out", "Output")]
    return {
        "name": "repeated relus",
        "nodes": nodes,
        "edges": _chain([x["id"] for x in nodes]),
        "blocks": [block],
        "training": moons_document()["training"],
    }


def _gan(discriminator_weights: bool) -> dict[str, Any]:
    """A 2-D GAN on moons; its discriminator scores with or without a Linear layer."""
    generator = [
        n("z", "Noise", shape=[8]),
        n("make", "Linear", out_features=2),
        n("fake", "Output"),
    ]
    scorer = (
        [n("fc", "Linear", out_features=1)]
        if discriminator_weights
        else [n("pick", "Select", dim=0, index=0)]  # (2) -> (): one value, no weights
    )
    discriminator = [n("points", "Input", shape=[2]), *scorer, n("score", "Output")]
    for node in generator:
        node["network"] = "generator"
    for node in discriminator:
        node["network"] = "discriminator"
    edges = _chain([x["id"] for x in generator]) + _chain([x["id"] for x in discriminator])
    training = {**moons_document()["training"], "task": "gan"}
    return {"name": "gan", "nodes": generator + discriminator, "edges": edges, "training": training}


def test_a_network_with_nothing_to_train_is_refused_at_intake(tmp_path: Path) -> None:
    """Workers refused these at setup ("optimizer got an empty parameter list") after
    intake had queued them; intake refuses them now, naming the network and its Output."""
    with serving(tmp_path) as live, live.client() as client:
        for document in (_relu_chain(4_990), _repeated_relus()):
            refused = client.post("/api/runs", json={"document": document})
            assert refused.status_code == 422, refused.text[:300]
            error = refused.json()
            assert error["code"] == "no_parameters"
            assert "the network has no trainable parameters" in error["message"]
            assert [(i["code"], i["node_id"]) for i in error["issues"]] == [
                ("no_parameters", "out")
            ]

        # A GAN trains each network with its own optimizer: a discriminator without
        # weights is refused although the document as a whole has some.
        gan = client.post("/api/runs", json={"document": _gan(discriminator_weights=False)})
        assert gan.status_code == 422, gan.text[:300]
        issues = gan.json()["issues"]
        assert [(i["code"], i["node_id"]) for i in issues] == [("no_parameters", "score")]
        assert "network 'discriminator'" in issues[0]["message"]
        assert "discriminator optimizer" in issues[0]["message"]
        assert client.get("/api/runs").json()["total"] == 0

        fine = client.post("/api/runs", json={"document": _gan(discriminator_weights=True)})
        assert fine.status_code == 201, fine.text[:300]


# -- worker routes: the token first -----------------------------------------------------------


def _worker_routes(live: Any) -> list[tuple[str, str]]:
    """(method, URL) of every route under /api/worker/, enumerated from the app."""
    routes = [
        (method, context.path)
        for context in iter_route_contexts(live.app.routes)
        if isinstance(context.original_route, APIRoute)
        and context.path
        and context.path.startswith("/api/worker/")
        for method in sorted(context.methods or ())
    ]
    assert len(routes) >= 4, routes
    return [
        (method, path.format(run_id="r_0123456789ab", name="step-00000001"))
        for method, path in routes
    ]


def test_worker_routes_refuse_the_unauthenticated_before_anything_else(tmp_path: Path) -> None:
    """401 whatever else is missing or malformed (a 422 would tell a stranger which
    headers to send); then, for the token's holder, 422 naming the headers at fault."""
    worker_headers = ("X-LayerLab-Worker", "X-LayerLab-Worker-Key", "X-LayerLab-Fencing")
    with serving(tmp_path) as live, httpx.Client(base_url=live.url) as client:
        for method, url in _worker_routes(live):
            body = b"x" if method == "PUT" else None
            complete = {
                "X-LayerLab-Worker": "w_0123456789ab",
                "X-LayerLab-Worker-Key": "key",
                "X-LayerLab-Fencing": "1",
            }
            strangers = [
                {},
                {"Authorization": "Bearer wrong"},
                {"Authorization": f"Bearer {WORKER_TOKEN}x", **complete},
                {"Authorization": "Bearer wrong", "X-LayerLab-Fencing": "not a number"},
            ]
            for headers in strangers:
                refused = client.request(method, url, headers=headers, content=body)
                assert refused.status_code == 401, (method, url, headers, refused.text)
                assert refused.json()["code"] == "unauthorized"
                assert refused.headers["www-authenticate"] == "Bearer"
                assert not any(h.lower() in refused.text.lower() for h in worker_headers)
            bad_path = url.replace("r_0123456789ab", "r_nope")
            assert client.request(method, bad_path, content=body).status_code == 401

            token = {"Authorization": f"Bearer {WORKER_TOKEN}"}
            missing = client.request(method, url, headers=token, content=body)
            assert missing.status_code == 422, (method, url, missing.text)
            assert missing.json()["field"] == "header.X-LayerLab-Worker"
            assert all(h in missing.json()["message"] for h in worker_headers)
            for fencing in ("+1", "1_0", "1.0", "0", "x"):
                malformed = {**token, **complete, "X-LayerLab-Fencing": fencing}
                answer = client.request(method, url, headers=malformed, content=body)
                assert answer.status_code == 422, (method, url, fencing, answer.text)
                assert answer.json()["field"] == "header.X-LayerLab-Fencing"
            unknown = client.request(method, url, headers={**token, **complete}, content=body)
            assert unknown.status_code == 403, (method, url, unknown.text)


def test_a_worker_socket_without_hello_is_closed_with_a_reason(tmp_path: Path) -> None:
    runs = FAST.model_copy(update={"auth_timeout_s": 0.5})
    with serving(tmp_path, runs=runs) as live:
        with ws_connect(ws_url(live.url, "/ws/worker")) as silent:
            start = time.monotonic()
            with pytest.raises(ConnectionClosed) as closed:
                silent.recv(timeout=10)
            waited = time.monotonic() - start
        assert closed.value.rcvd is not None, "closed without a close frame"
        assert closed.value.rcvd.code == 1008  # policy violation
        assert closed.value.rcvd.reason == "no hello within 0.5 s"
        assert 0.4 < waited < 5
