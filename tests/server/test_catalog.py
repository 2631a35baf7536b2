"""Health, node types, datasets and presets (including path traversal in preset names)."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from layerlab.ops import REGISTRY
from layerlab.presets import list_presets
from layerlab.train.data import DATASETS
from tests.server.conftest import LiveServer


def test_health_names_the_database(server: LiveServer) -> None:
    with server.client() as client:
        body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["database"] == server.app.state.database.backend
    assert body["auth"] is False


def test_ops_serves_every_registered_type(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        ops = client.get("/api/ops").json()
    assert [op["type"] for op in ops] == list(REGISTRY)
    conv = next(op for op in ops if op["type"] == "Conv2d")
    assert "out_channels" in conv["params_schema"]["properties"]
    assert conv["inputs"] and conv["outputs"]


def test_datasets_lists_the_registry(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        names = [d["name"] for d in client.get("/api/datasets").json()["builtin"]]
    assert names == list(DATASETS)


def test_datasets_carry_their_default_shapes(sqlite_server: LiveServer) -> None:
    """The editor sets the Input shape and checks the head from these facts."""
    with sqlite_server.client() as client:
        by_name = {d["name"]: d for d in client.get("/api/datasets").json()["builtin"]}
    assert by_name["moons"]["input_shape"] == [2]
    assert by_name["moons"]["num_classes"] == 2
    assert by_name["sine"]["target"] == "value"
    # MNIST's files are absent here: its shape comes from the offline substitute, said so.
    assert by_name["mnist"]["input_shape"] == [1, 28, 28]
    assert by_name["mnist"]["num_classes"] == 10
    assert any("MNIST" in note for note in by_name["mnist"]["notes"])
    # A CSV needs its file: nothing is known before one is chosen.
    assert by_name["csv"]["input_shape"] is None


def test_datasets_say_where_they_come_from_here(sqlite_server: LiveServer) -> None:
    """Availability is shown before Train: generated, a stand-in, or a file to upload."""
    with sqlite_server.client() as client:
        by_name = {d["name"]: d for d in client.get("/api/datasets").json()["builtin"]}
    assert by_name["moons"]["availability"]["state"] == "generated"
    mnist = by_name["mnist"]["availability"]
    assert mnist["state"] == "stand_in"
    assert (
        mnist["message"]
        == "not available here: trains on scikit-learn digits upsampled to 28x28 instead"
    )
    shakespeare = by_name["tiny_shakespeare"]["availability"]
    assert shakespeare["state"] == "needs_file" and "input.txt" in shakespeare["message"]
    assert shakespeare["upload_kind"] == "text"
    for kind in ("csv", "image_zip", "text", "idx"):
        assert by_name[kind]["availability"]["upload_kind"] == kind
        assert by_name[kind]["max_upload_bytes"] > 0
    assert by_name["moons"]["max_upload_bytes"] is None


def test_presets_list_and_get(sqlite_server: LiveServer) -> None:
    expected = list_presets()
    with sqlite_server.client() as client:
        listed = client.get("/api/presets").json()
        assert sorted(p["name"] for p in listed) == [p.name for p in expected]
        # The start screen's order: by family, simplest first within one.
        assert listed[0]["name"] == "mlp_playground" and listed[0]["family"] == "MLP"
        first = expected[0]
        got = client.get(f"/api/presets/{first.name}").json()
    assert got["title"] == first.title
    on_disk = json.loads(first.path.read_text())
    assert [n["id"] for n in got["document"]["nodes"]] == [n["id"] for n in on_disk["nodes"]]


@contextmanager
def recording_opens() -> Iterator[list[str]]:
    """Paths opened by this process (server thread included) inside the block: an
    audit hook, installed once, that records only while a block is active."""
    recording: list[str] = []
    _OPEN_LOG.target = recording
    try:
        yield recording
    finally:
        _OPEN_LOG.target = None


class _OpenLog:
    target: list[str] | None = None
    lock = threading.Lock()

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        target = self.target
        if target is not None and event == "open" and isinstance(args[0], str | bytes | Path):
            with self.lock:
                target.append(str(args[0]))


_OPEN_LOG = _OpenLog()
sys.addaudithook(_OPEN_LOG)

TRAVERSAL = [
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2e%2e",
    "..",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "lenet5_mnist%00",
    "lenet5_mnist.json",
    "..%5c..%5cetc%5cpasswd",
    "{relative}",
    "{absolute}",
]


@pytest.mark.parametrize("pattern", TRAVERSAL)
def test_preset_names_cannot_escape_the_folder(
    sqlite_server: LiveServer, pattern: str, tmp_path: Path
) -> None:
    # A valid preset outside the folder: a server joining names to paths would serve it.
    secret = tmp_path / "secret.json"
    marker = "SECRET-" + tmp_path.name
    secret.write_text(json.dumps({"name": marker, "nodes": []}))
    graphs = Path(sqlite_server.settings.presets_dir).resolve()
    relative = Path(os.path.relpath(secret.with_suffix(""), graphs)).as_posix()
    name = pattern.format(
        relative=relative.replace("/", "%2f"),
        absolute=str(secret.with_suffix("")).replace("/", "%2f"),
    )
    with sqlite_server.client() as client, recording_opens() as opened_files:
        response = client.get(f"/api/presets/{name}")
    assert response.status_code in (404, 422), response.text
    assert response.json()["code"] in ("not_found", "invalid_request")
    assert marker not in response.text and "root:" not in response.text
    opened = [Path(p).resolve() for p in opened_files]
    assert secret.resolve() not in opened
    assert not [p for p in opened if str(p).startswith("/etc/")]
    for path in opened:
        if path.suffix == ".json":
            assert path.is_relative_to(graphs), f"read {path} outside {graphs}"
