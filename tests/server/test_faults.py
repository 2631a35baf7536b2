"""Workers die, stall, are cut off, are told to stop; the server restarts. Real
`layerlab worker` processes, killed with real signals, against a real server on
loopback; the oracles are the database and the final weights.

Timers are short (heartbeat 0.2 s, lease 1 s), the model tiny and deterministic (an
MLP on moons, CPU, one thread, seed 0), so an interrupted and resumed run can be
compared with an uninterrupted one weight for weight.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import torch
from sqlalchemy import select

from layerlab.graph.document import load_document
from layerlab.graph.weights import state_tensors
from layerlab.store.db import Database
from layerlab.store.tables import RunEvent
from layerlab.train.checkpoint import latest_checkpoint, load_checkpoint
from layerlab.train.config import parse_config
from layerlab.train.entry import load_data
from layerlab.train.faults import FAULT_EXIT_CODE
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.optim import build_optimizer
from layerlab.train.run import RunOptions
from tests.server.conftest import LiveServer
from tests.worker.harness import (
    WAIT,
    Api,
    WorkerProcess,
    fast_settings,
    free_port,
    moons_document,
    same_weights,
    seqs,
    serving,
    serving_on,
    wait_for,
    worker_processes,
)

EVERY = 20
"""Checkpoint interval (steps) of these runs."""
STEPS_PER_EPOCH = 25  # 400 training points (500, a fifth held out) in batches of 16


def long_document(epochs: int = 16) -> dict[str, Any]:
    """400 steps: long enough to be cut mid-epoch; a checkpoint every 20 steps and at
    each epoch's end (every 25), so most interval checkpoints fall mid-epoch."""
    return moons_document(
        epochs=epochs,
        size=500,
        checkpoint_every=EVERY,
        telemetry={
            "scalars_every": 5,
            "grad_norms_every": 50,
            "weights_every": 1000,
            "activations_every": 1000,
            "max_events_per_s": 10_000,
        },
    )


def server_checkpoint(client: httpx.Client, run_id: str) -> int | None:
    """The step of the run's latest checkpoint on the server, if it has one."""
    response = client.get(f"/api/runs/{run_id}/checkpoint")
    return int(response.headers["x-layerlab-step"]) if response.status_code == 200 else None


def attempts_by_seq(database: Database, run_id: str) -> dict[int, int]:
    with database.session() as session:
        rows = session.execute(
            select(RunEvent.seq, RunEvent.attempt).where(RunEvent.run_id == run_id)
        ).all()
    return {row.seq: row.attempt for row in rows}


def status_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "status"]


def holder(client: httpx.Client, run_id: str, workers: list[WorkerProcess]) -> WorkerProcess:
    """The worker process training the run now."""

    def find() -> WorkerProcess | None:
        names = {w["name"] for w in client.get("/api/workers").json() if run_id in w["runs"]}
        return next((w for w in workers if w.name in names), None)

    return wait_for(find, WAIT, f"a worker to take {run_id}")


@contextmanager
def served_with_workers(
    tmp_path: Path,
) -> Iterator[tuple[LiveServer, httpx.Client, Api, Callable[..., WorkerProcess]]]:
    """A fresh server with the short timers, a client of it, and a factory of real
    worker processes connected to it (all killed at the end)."""
    with (
        serving(tmp_path) as live,
        live.client() as client,
        worker_processes(live.url, tmp_path / "workers") as start,
    ):
        yield live, client, Api(client), start


def held_past_a_checkpoint(
    client: httpx.Client, run_id: str, pair: list[WorkerProcess]
) -> tuple[WorkerProcess, WorkerProcess]:
    """(the worker of `pair` training the run, the other one), once the server holds the
    run's first checkpoint (so a takeover resumes rather than restarts)."""
    holding = holder(client, run_id, pair)
    other = next(w for w in pair if w is not holding)
    wait_for(lambda: (server_checkpoint(client, run_id) or 0) >= EVERY, WAIT, "a checkpoint")
    return holding, other


def assert_taken_over_and_fenced(
    api: Api, database: Database, run_id: str, stale: WorkerProcess
) -> dict[str, Any]:
    """After a worker lost the run's lease: the run finished on a second attempt, with
    gapless events, and nothing the stale worker sent after the requeue was stored; the
    stale worker learned it and came back, idle. Returns the requeue's status event."""
    wait_for(
        lambda: "lease lost" in stale.log(), WAIT, "the stale worker to learn it lost the lease"
    )
    finished = api.wait_status(run_id, "finished")
    assert (finished["attempt"], finished["failures"]) == (2, 1)
    events = api.events(run_id)
    requeued = next(e for e in status_events(events) if e["status"] == "queued")
    attempts = attempts_by_seq(database, run_id)
    assert all(attempts[s] == 2 for s in seqs(events) if s > requeued["seq"])
    assert seqs(events) == list(range(1, len(events) + 1))
    wait_for(
        lambda: any(w["name"] == stale.name for w in api.client.get("/api/workers").json()),
        WAIT,
        "the stale worker to reconnect, idle",
    )
    return requeued


def queue_under_way(
    api: Api, client: httpx.Client, start: Callable[[str], WorkerProcess], epochs: list[int]
) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """Queue a run per entry of `epochs`, start one worker, and wait until the first run
    is well under way (two checkpoints on the server) while the others wait. Returns
    the runs and the events each had stored by then."""
    runs = [api.create(long_document(epochs=n)) for n in epochs]
    start("survivor")
    wait_for(
        lambda: (server_checkpoint(client, runs[0]) or 0) >= 2 * EVERY,
        WAIT,
        "the first run to be well under way",
    )
    before = {run_id: api.events(run_id) for run_id in runs}
    statuses = [api.run(run_id)["status"] for run_id in runs]
    assert statuses == ["running"] + ["queued"] * (len(runs) - 1), "mid-run, with a queue"
    return runs, before


def assert_ran_once_whole(
    api: Api, run_id: str, epochs: int, before: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The run finished on its first attempt with every event once: gapless seqs, what
    was stored `before` an unchanged prefix, each training-loss scalar exactly once."""
    run = api.run(run_id)
    assert (run["attempt"], run["failures"]) == (1, 0), "ran once, no lease lost"
    events = api.events(run_id)
    assert seqs(events) == list(range(1, len(events) + 1)), "gapless"
    if before is not None:
        assert events[: len(before)] == before, "the past is unchanged"
    assert [e["status"] for e in status_events(events)] == ["running", "finished"]
    scalars = [e["step"] for e in events if e["type"] == "metrics" and "train/loss" in e["values"]]
    total = epochs * STEPS_PER_EPOCH
    # The first step's scalars always go out (the chart's first point), then every 5th.
    assert sorted(scalars) == sorted({1, *range(5, total + 1, 5)}), "every scalar, once"
    return events


def uninterrupted_weights(document: dict[str, Any]) -> dict[str, torch.Tensor]:
    """The run trained in one go, here (CPU, one thread, the same seed and config)."""
    doc = load_document(document)
    config = parse_config(doc.training)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the workers train
    try:
        trainee = build_trainee(doc, config.seed)
        result = fit(trainee, load_data(config, Path("unused")), config, RunOptions())
    finally:
        torch.set_num_threads(threads)
    assert result.status == "finished"
    return state_tensors(trainee.module)


def test_killed_mid_epoch_and_during_a_checkpoint_write_a_run_ends_as_if_uninterrupted(
    tmp_path: Path,
) -> None:
    with served_with_workers(tmp_path) as (live, client, api, start):
        run_id = api.create(long_document())
        first = start("first")
        kept = None
        for _try in range(5):
            # Freeze it once the server holds a mid-epoch checkpoint, a few in (so it
            # resumes mid-epoch); a newer one may slip in before the SIGSTOP lands.
            wait_for(
                lambda: (
                    (step := server_checkpoint(client, run_id) or 0) >= 2 * EVERY
                    and (step % STEPS_PER_EPOCH or api.run(run_id)["status"] != "running")
                ),
                WAIT,
                "a mid-epoch checkpoint on the server",
            )
            first.signal(signal.SIGSTOP)
            kept = server_checkpoint(client, run_id)
            if kept is not None and kept % STEPS_PER_EPOCH:
                break
            first.signal(signal.SIGCONT)
        assert kept is not None and api.run(run_id)["status"] == "running"
        first.signal(signal.SIGKILL)  # kill -9 mid-epoch
        first.wait()
        # An upload already on the wire when SIGSTOP landed may still have been stored:
        # the server's latest checkpoint once the worker is dead is the one to resume.
        kept = server_checkpoint(client, run_id)
        assert kept is not None
        reported = max(e["step"] for e in api.events(run_id))

        # Attempt 2 resumes from `kept` and is killed inside its first checkpoint write.
        faulty = start("faulty", LAYERLAB_FAULT="checkpoint_before_rename")
        assert faulty.wait() == FAULT_EXIT_CODE
        assert server_checkpoint(client, run_id) == kept  # nothing partial was uploaded
        folder = tmp_path / "workers" / "faulty" / "runs" / run_id / "attempt-2"
        assert list(folder.glob(".tmp-step-*")), "the fault struck mid-write"
        latest = latest_checkpoint(folder)
        assert latest is not None and latest.name == f"step-{kept:08d}"
        document = load_document(long_document())
        config = parse_config(document.training)
        trainee = build_trainee(document, 0)
        optimizers = {"model": build_optimizer(list(trainee.module.parameters()), config)}
        assert load_checkpoint(latest, trainee.module, optimizers).progress.step == kept

        # Attempt 3 finishes it.
        start("last")
        finished = api.wait_status(run_id, "finished")
        assert (finished["attempt"], finished["failures"]) == (3, 2)
        statuses = status_events(api.events(run_id))
        resumed = {e["message"] for e in statuses if e["message"].startswith("resumed from")}
        # (The faulty worker's own report may have died with it, unsent.)
        assert resumed == {f"resumed from step-{kept:08d} at step {kept}"}
        # Events are batched, so those reported may trail the checkpoint; what matters is
        # that no more than one interval past it is redone.
        assert reported - kept <= EVERY, "at most one checkpoint interval is redone"
        assert same_weights(api.weights(run_id), uninterrupted_weights(long_document()))


def test_a_run_that_kills_every_worker_fails_after_three_attempts(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (live, client, api, start):
        run_id = api.create(long_document(epochs=2))
        doomed = [start(f"doomed-{i}", LAYERLAB_FAULT="checkpoint_before_rename") for i in range(3)]
        for worker in doomed:
            assert worker.wait() == FAULT_EXIT_CODE
        failed = api.wait_status(run_id, "failed")
        assert (failed["attempt"], failed["failures"]) == (3, 3)
        assert failed["failure_reason"].startswith("worker lost 3 times: lease expired")
        assert status_events(api.events(run_id))[-1]["status"] == "failed"
        assert api.run(run_id)["attempt"] == 3  # and it is not handed out again


def test_a_worker_cut_off_past_its_lease_is_replaced_and_fenced_off(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (live, client, api, start):
        run_id = api.create(long_document())
        pair = [start("one"), start("two")]
        cut, other = held_past_a_checkpoint(client, run_id, pair)
        cut.signal(signal.SIGSTOP)  # no heartbeat, no socket reads: as cut off
        wait_for(lambda: api.run(run_id)["attempt"] == 2, WAIT, "another worker to take over")
        assert holder(client, run_id, pair) is other
        cut.signal(signal.SIGCONT)
        assert_taken_over_and_fenced(api, live.app.state.database, run_id, cut)
        assert cut.alive() and other.alive()


def test_sigterm_hands_the_run_back_without_losing_an_attempt(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (live, client, api, start):
        run_id = api.create(long_document())
        pair = [start("one"), start("two")]
        leaving, staying = held_past_a_checkpoint(client, run_id, pair)
        leaving.signal(signal.SIGTERM)
        assert leaving.wait() == 0
        finished = api.wait_status(run_id, "finished")
        assert (finished["attempt"], finished["failures"]) == (2, 0)
        events = api.events(run_id)
        handed = [
            e for e in events if e["type"] == "log" and "handing the run back" in e["message"]
        ]
        assert len(handed) == 1
        step = handed[0]["step"]
        requeue = next(e for e in status_events(events) if e["status"] == "queued")
        assert "shutting down" in requeue["message"]
        resumed = [e["message"] for e in status_events(events) if "resumed from" in e["message"]]
        assert len(resumed) == 1  # from the checkpoint it wrote on SIGTERM: nothing redone
        assert re.fullmatch(rf"resumed from step-{step:08d}(-\d+)? at step {step}", resumed[0])
        assert all(e["status"] != "stopped" for e in status_events(events))
        assert staying.alive()
        assert same_weights(api.weights(run_id), uninterrupted_weights(long_document()))


def test_stop_pause_and_resume_reach_the_worker(tmp_path: Path) -> None:
    with served_with_workers(tmp_path) as (live, client, api, start):
        run_id = api.create(long_document())
        start("worker")
        api.wait_status(run_id, "running")
        wait_for(lambda: api.events(run_id, types="metrics"), WAIT, "training to start")
        assert api.control(run_id, "pause").status_code == 200
        api.wait_status(run_id, "paused")
        held = max(e["step"] for e in api.events(run_id))
        watch_until = time.monotonic() + 1.5  # it stays paused: nothing moves meanwhile
        while time.monotonic() < watch_until:
            assert max(e["step"] for e in api.events(run_id)) == held
            assert api.run(run_id)["status"] == "paused"
            time.sleep(0.1)
        api.control(run_id, "resume")
        api.wait_status(run_id, "running")
        wait_for(
            lambda: max(e["step"] for e in api.events(run_id)) > held + EVERY,
            WAIT,
            "training to go on",
        )
        stopped_record = api.control(run_id, "stop").json()
        assert stopped_record["requested"] == "stop"
        stopped = api.wait_status(run_id, "stopped")
        assert stopped["finished_at"] is not None and stopped["requested"] is None
        statuses = [e["status"] for e in status_events(api.events(run_id))]
        assert statuses == ["running", "paused", "running", "stopped"]
        last_step = max(e["step"] for e in api.events(run_id))
        assert server_checkpoint(client, run_id) == last_step  # its last checkpoint is kept
        assert api.control(run_id, "resume").status_code == 409


def test_a_server_restart_loses_no_run_and_no_event_and_reruns_nothing(tmp_path: Path) -> None:
    port = free_port()
    settings = fast_settings(tmp_path, port=port)
    with worker_processes(f"http://127.0.0.1:{port}", tmp_path / "workers") as start:
        with serving_on(settings, port) as live, live.client() as client:
            runs, before = queue_under_way(Api(client), client, start, [6, 6, 6])
        # The server is down; the worker trains on and buffers its events.
        with serving_on(settings, port) as live, live.client() as client:
            api = Api(client)
            for run_id in runs:
                api.wait_status(run_id, "finished")
            for run_id in runs:
                assert_ran_once_whole(api, run_id, 6, before[run_id])
