"""What a worker keeps on disk for a run (`<data dir>/runs/<run id>/attempt-<n>/`: its
checkpoints, a fork's start weights), and when it lets go: once the server has the
run's end, or has deleted the run, none of it stays, and nothing else in the data dir
goes with it. A real server and a real worker process."""

from __future__ import annotations

from pathlib import Path

from layerlab.worker.job import remove_run_folder
from tests.server.test_faults import served_with_workers
from tests.worker.harness import WAIT, moons_document, wait_for


def test_a_runs_folder_goes_when_the_run_is_deleted_or_ends(tmp_path: Path) -> None:
    data = tmp_path / "workers" / "keeper"  # the worker's data dir
    bystander = data / "runs" / "r_0000000000ff" / "attempt-1"
    bystander.mkdir(parents=True)
    (bystander / "step-00000001").write_text("another run's")
    (data / "notes.txt").write_text("mine")
    with served_with_workers(tmp_path) as (_live, client, api, start):
        worker = start("keeper")

        # Deleted mid-run (paused first, so that it cannot finish in between).
        deleted = api.create(moons_document(epochs=500, checkpoint_every=5))
        folder = data / "runs" / deleted
        wait_for(lambda: list(folder.glob("attempt-1/step-*")), WAIT, "a checkpoint on disk")
        assert api.control(deleted, "pause").status_code == 200
        api.wait_status(deleted, "paused")
        assert client.delete(f"/api/runs/{deleted}").status_code == 204
        wait_for(lambda: not folder.exists(), WAIT, "the deleted run's folder to go")

        # Finished: the server holds its checkpoints; the worker needs none of them.
        finished = api.create(moons_document(epochs=2, checkpoint_every=5))
        api.wait_status(finished, "finished")
        wait_for(
            lambda: not (data / "runs" / finished).exists(), WAIT, "the finished run's folder to go"
        )
        assert f"run {finished} attempt 1: lease lost" not in worker.log()  # ended, not lost
        assert worker.alive()
    assert (bystander / "step-00000001").read_text() == "another run's"
    assert (data / "notes.txt").read_text() == "mine"


def test_only_a_run_folder_is_ever_removed(tmp_path: Path) -> None:
    """The removal itself, against names that are no run id and against links."""
    outside = tmp_path / "outside"
    (outside / "attempt-1").mkdir(parents=True)
    data = tmp_path / "data"
    (data / "runs").mkdir(parents=True)
    for name in ("..", "../outside", "r_0123456789ab/..", "", "/tmp", "r_0123456789AB"):
        remove_run_folder(data, name, None)
        remove_run_folder(data, name, 1)
    linked = data / "runs" / "r_0123456789ab"
    linked.symlink_to(outside, target_is_directory=True)  # a link in a run's place
    remove_run_folder(data, "r_0123456789ab", None)
    remove_run_folder(data, "r_0123456789ab", 1)
    assert (outside / "attempt-1").is_dir() and linked.is_symlink()

    run = data / "runs" / "r_00000000000a"
    for attempt in (1, 2):
        (run / f"attempt-{attempt}").mkdir(parents=True)
        (run / f"attempt-{attempt}" / "step-00000001").write_text("x")
    (run / "attempt-2" / "out").symlink_to(outside, target_is_directory=True)
    remove_run_folder(data, run.name, 2)  # one attempt: the others stay
    assert not (run / "attempt-2").exists() and (run / "attempt-1").is_dir()
    assert (outside / "attempt-1").is_dir()  # the link inside was removed, not followed
    remove_run_folder(data, run.name, 1)  # the last attempt: the run's folder goes too
    assert not run.exists() and (data / "runs").is_dir()
