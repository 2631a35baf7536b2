"""Network faults between the server and its workers or viewers, made by a TCP relay
(tests/relay.py) on the wire: a partition, resets, latency. Unlike SIGSTOP or closing
a socket from the client's side, both programs run on and each sees only what the
network does.

Real `layerlab worker` processes (their websocket and their checkpoint REST calls go
to the URL they are given: the relay's) against a real server on loopback, with the
short timers of the harness (heartbeat 0.2 s, lease 1 s); the oracles are the
database, the stored events and the final weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosedError

from tests.relay import Relay
from tests.server.test_faults import (
    STEPS_PER_EPOCH,
    assert_ran_once_whole,
    assert_taken_over_and_fenced,
    attempts_by_seq,
    held_past_a_checkpoint,
    holder,
    long_document,
    server_checkpoint,
    uninterrupted_weights,
)
from tests.server.test_stream import _play
from tests.worker.harness import (
    WAIT,
    Api,
    Viewer,
    finished_status,
    same_weights,
    seqs,
    serving,
    wait_for,
    worker_processes,
)


def test_a_worker_partitioned_past_its_lease_is_replaced_and_fenced_off_when_it_heals(
    tmp_path: Path,
) -> None:
    with (
        serving(tmp_path) as live,
        live.client() as client,
        Relay(live.url) as relay_one,
        Relay(live.url) as relay_two,
        worker_processes(relay_one.url, tmp_path / "workers") as start_one,
        worker_processes(relay_two.url, tmp_path / "workers") as start_two,
    ):
        # Each worker behind its own relay, both up before the run exists (one that
        # boots later may find the run over); the one that takes it is cut off.
        pair = [start_one("one"), start_two("two")]
        relays = {"one": relay_one, "two": relay_two}
        wait_for(
            lambda: len(client.get("/api/workers").json()) == 2, WAIT, "both workers to connect"
        )
        # And done warming up: on two busy cores their warm-ups once starved the server
        # past the harness's 1 s lease, and the run took a spurious second attempt before
        # the partition this test makes.
        wait_for(lambda: all("warmed up" in w.log() for w in pair), WAIT, "both workers to warm up")
        api = Api(client)
        run_id = api.create(long_document())
        cut_off, other = held_past_a_checkpoint(client, run_id, pair)
        assert api.run(run_id)["attempt"] == 1, "no takeover before the partition"
        relay = relays[cut_off.name]

        relay.blackhole(True)  # the partition: its websocket and its uploads go silent
        wait_for(lambda: api.run(run_id)["attempt"] == 2, WAIT, "another worker to take over")
        assert holder(client, run_id, [cut_off, other]) is other
        wait_for(
            lambda: "the server said nothing" in cut_off.log(),
            WAIT,
            "the cut-off worker to notice the silence",
        )
        assert "lease lost" not in cut_off.log()  # it cannot know yet
        reconnects = relay.accepted
        relay.blackhole(False)  # it heals: what was held goes through, late
        database = live.app.state.database
        requeued = assert_taken_over_and_fenced(api, database, run_id, cut_off)
        assert "lease expired" in requeued["message"]
        # And everything before the requeue is the first attempt's.
        attempts = attempts_by_seq(database, run_id)
        assert all(attempts[s] == 1 for s in seqs(api.events(run_id)) if s < requeued["seq"])
        assert relay.accepted > reconnects, "it came back through the relay"
        assert cut_off.alive() and other.alive()
        assert same_weights(api.weights(run_id), uninterrupted_weights(long_document()))


def test_a_viewer_reset_20_times_by_the_network_loses_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as live, live.client() as client, Relay(live.url) as relay:
        api = Api(client)
        run_id, player = _play(live.url, api, 3000, batch=20, pause_s=0.01)
        relay.delay(0.02)  # so that a cut usually finds frames still on their way
        seen: list[dict[str, Any]] = []
        for _cut_number in range(20):
            viewer = Viewer.open(relay.url, run_id, since=seen[-1]["seq"] if seen else 0)
            # Few events per connection: 20 reconnects take far less than the run lasts.
            viewer.read_until(lambda v: len(v.events) >= 50 or finished_status(v))
            assert relay.cut("rst") == 1
            with pytest.raises(ConnectionClosedError):  # a reset, not a close handshake
                viewer.read_until(lambda _v: False)  # and what it got until then
            seen += viewer.events
        assert not finished_status(Viewer(viewer.connection, seen)), "cut mid-run, 20 times"
        viewer = Viewer.open(relay.url, run_id, since=seen[-1]["seq"])
        viewer.read_until(finished_status)
        seen += viewer.events
        viewer.close()
        player.join(60)
        assert not player.is_alive()
        stored = api.events(run_id)
        assert seqs(seen) == list(range(1, 3002))  # 3000 metrics, then the status
        assert seen == stored
        assert relay.accepted == 21


def test_a_worker_150_ms_away_trains_a_run_to_the_end_and_every_event_is_stored_once(
    tmp_path: Path,
) -> None:
    epochs = 4
    document = long_document(epochs=epochs)
    with (
        serving(tmp_path) as live,
        live.client() as client,
        Relay(live.url) as relay,
        worker_processes(relay.url, tmp_path / "workers") as start,
    ):
        relay.delay(0.15)  # each way: 300 ms more per round trip, against a 1 s lease
        api = Api(client)
        run_id = api.create(document)
        start("far")
        finished = api.wait_status(run_id, "finished")
        assert finished["status"] == "finished"
        assert_ran_once_whole(api, run_id, epochs)
        assert set(attempts_by_seq(live.app.state.database, run_id).values()) == {1}
        total = epochs * STEPS_PER_EPOCH
        # Its checkpoints came through the relay too (a connection per upload).
        assert relay.accepted >= 2
        assert server_checkpoint(client, run_id) == total
        assert same_weights(api.weights(run_id), uninterrupted_weights(document))
