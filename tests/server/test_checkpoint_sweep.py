"""What a server killed mid-write leaves in its checkpoint folder is removed at its next
start: unfinished uploads and copies, checkpoint files no database row names, and the
folders of runs that do not exist; recorded checkpoints and foreign files stay."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import live_server
from tests.worker.harness import (
    Api,
    FakeWorker,
    checkpoint_headers,
    fake_pack,
    fast_settings,
    moons_document,
)


def test_a_restart_sweeps_leftovers_of_interrupted_writes_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    settings = fast_settings(tmp_path)
    with live_server(settings) as live, live.client() as client:
        run_id = Api(client).create(moons_document())
        worker = FakeWorker(live.url, "w")
        lease = worker.lease()
        pack = fake_pack(tmp_path / "pack.safetensors", 3)
        url = f"/api/worker/runs/{run_id}/checkpoints/step-00000003"
        stored = client.put(url, content=pack, headers=checkpoint_headers(worker, lease))
        assert stored.status_code == 201, stored.text
        worker.close()

    root = settings.checkpoints
    run = root / run_id

    def files() -> list[str]:
        return sorted(p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file())

    recorded = files()
    lease_folder = f"f{lease.fencing}"  # a folder per lease
    assert recorded == [
        f"{lease_folder}/step-00000003.pack.safetensors",
        f"{lease_folder}/step-00000003.weights.safetensors",
    ]
    # As a kill could leave them: an upload cut short, a fork's copy cut short, a
    # checkpoint moved into place but never recorded, a fork whose row was never written.
    leftovers = [
        run / ".upload-0123456789ab",
        run / ".copy-0123456789ab",
        run / lease_folder / "step-00000009.pack.safetensors",
        run / lease_folder / "step-00000009.weights.safetensors",
        run / "f99" / "step-00000012.pack.safetensors",  # a lease whose upload never landed
        root / "r_000000000000" / "start.weights.safetensors",
    ]
    for path in leftovers:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"partial")
    (run / "start.weights.safetensors").write_bytes(b"a fork's start is its own")
    foreign = root / "notes" / "readme.txt"
    foreign.parent.mkdir()
    foreign.write_text("not LayerLab's")

    with live_server(settings) as live, live.client() as client:
        assert not any(path.exists() for path in leftovers)
        assert not (root / "r_000000000000").exists()
        assert files() == sorted([*recorded, "start.weights.safetensors"])
        assert not (run / "f99").exists()  # its emptied folder too
        assert foreign.read_text() == "not LayerLab's"
        latest = client.get(f"/api/runs/{run_id}/checkpoint")
        assert latest.status_code == 200
        assert latest.headers["X-LayerLab-Checkpoint"] == "step-00000003"
