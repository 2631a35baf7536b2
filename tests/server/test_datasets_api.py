"""Uploading your own data: POST /api/datasets stores a file once by content, finds its
kind, parses it in a bounded child, and keeps a record with its facts and preview;
failures are located 4xx with nothing kept; delete is refused while a run needs it."""

from __future__ import annotations

import base64
import hashlib
import io
import pickle
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.server.conftest import LiveServer, live_server, make_settings
from tests.train.data.fixtures import idx_bytes, png_bytes, write_mnist_folder, write_zip
from tests.worker.harness import wait_for

UPLOAD_LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path_factory.mktemp("uploads"), max_upload_bytes=UPLOAD_LIMIT)
    with live_server(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def iris_like(rows: int = 60, delimiter: str = ",") -> bytes:
    """Two numeric features and a text class that the features separate."""
    rng = np.random.default_rng(0)
    lines = [delimiter.join(["length", "width", "species"])]
    for i in range(rows):
        label = "setosa" if i % 2 else "virginica"
        centre = 1.0 if i % 2 else 4.0
        a, b = rng.normal(centre, 0.3, size=2)
        lines.append(delimiter.join([f"{a:.3f}", f"{b:.3f}", label]))
    return ("\n".join(lines) + "\n").encode()


def upload(client: httpx.Client, data: bytes, filename: str, **fields: str) -> httpx.Response:
    return client.post("/api/datasets", files={"file": (filename, data)}, data=fields)


def stored_files(server: LiveServer) -> list[Path]:
    root = server.app.state.settings.data_dir / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def test_a_csv_upload_is_stored_once_by_content_and_trains_as_its_config(
    server: LiveServer, client: httpx.Client
) -> None:
    data = iris_like()
    first = upload(client, data, "iris.csv")
    assert first.status_code == 201, first.text
    record = first.json()
    sha = hashlib.sha256(data).hexdigest()
    assert record["kind"] == "csv" and record["sha256"] == sha and record["bytes"] == len(data)
    assert record["name"] == "iris.csv" and record["id"].startswith("d_")
    assert record["config"] == {
        "dataset": "csv",
        "dataset_options": {"upload": sha, "delimiter": ","},
    }
    info = record["info"]
    assert info["input_shape"] == [2] and info["classes"] == ["setosa", "virginica"]
    assert info["train"] + info["val"] == 60 and info["target"] == "class"
    path = server.app.state.settings.data_dir / "uploads" / sha / "data"
    assert path.read_bytes() == data

    again = upload(client, data, "copy.csv")
    assert again.status_code == 200 and again.json()["id"] == record["id"]
    assert [p for p in stored_files(server) if sha in str(p)] == [path]

    preview = client.get(f"/api/datasets/{record['id']}/preview").json()
    assert [c["name"] for c in preview["table"]["columns"]] == ["length", "width", "species"]
    assert [c["role"] for c in preview["table"]["columns"]] == ["feature", "feature", "target"]
    assert preview["table"]["columns"][2]["type"] == "text"
    assert len(preview["table"]["rows"]) == 20 and preview["table"]["rows"][0][2] == "virginica"
    assert preview["class_counts"] == [
        {"name": "setosa", "count": 30},
        {"name": "virginica", "count": 30},
    ]
    assert client.get(f"/api/datasets/{record['id']}").json() == record
    listed = client.get("/api/datasets").json()["uploads"]
    assert record["id"] in [d["id"] for d in listed]

    # What a client copies into POST /api/runs trains as is (accepted at intake).
    document = tabular_document(2, 2)
    run = client.post("/api/runs", json={"document": document, "config": record["config"]})
    assert run.status_code == 201, run.text
    assert client.delete(f"/api/runs/{run.json()['id']}").status_code == 204


def tabular_document(features: int, classes: int) -> dict[str, Any]:
    return {
        "format": "layerlab.graph",
        "version": 1,
        "name": "mlp",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [features]}},
            {"id": "fc", "type": "Linear", "params": {"out_features": classes}},
            {"id": "y", "type": "Output"},
        ],
        "edges": [{"source": "x", "target": "fc"}, {"source": "fc", "target": "y"}],
        "training": {"task": "classification", "epochs": 1},
    }


def test_semicolon_csv_is_sniffed(client: httpx.Client) -> None:
    response = upload(client, iris_like(delimiter=";"), "semi.csv")
    assert response.status_code == 201, response.text
    assert response.json()["config"]["dataset_options"]["delimiter"] == ";"


def test_image_zip_upload_has_labelled_thumbnails(client: httpx.Client) -> None:
    members = {
        f"{name}/{i}.png": png_bytes(colour, (9, 7))
        for name, colour in (("red", (250, 0, 0)), ("blue", (0, 0, 250)))
        for i in range(6)
    }
    buffer = io.BytesIO()
    write_zip(buffer, members)  # type: ignore[arg-type]
    response = upload(client, buffer.getvalue(), "colours.zip", name="Colours")
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["kind"] == "image_zip" and record["name"] == "Colours"
    assert record["info"]["classes"] == ["blue", "red"]
    assert record["info"]["input_shape"] == [3, 32, 32]
    preview = client.get(f"/api/datasets/{record['id']}/preview").json()
    assert len(preview["images"]) == 12
    first = preview["images"][0]
    picture = Image.open(io.BytesIO(base64.b64decode(first["png"])))
    red, green, blue = picture.convert("RGB").getpixel((5, 5))
    assert first["label"] == "blue" and blue > 200 and red < 30
    assert preview["class_counts"] == [{"name": "blue", "count": 6}, {"name": "red", "count": 6}]


def test_text_upload_previews_its_head(client: httpx.Client) -> None:
    text = "To be, or not to be, that is the question.\n" * 40
    response = upload(client, text.encode(), "hamlet.txt")
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["kind"] == "text" and record["info"]["input_dtype"] == "int64"
    preview = client.get(f"/api/datasets/{record['id']}/preview").json()
    assert preview["text"] == text[:2000] and preview["class_counts"] == []


def test_npz_upload_is_memory_mapped_arrays(client: httpx.Client) -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(60, 2)).astype(np.float32)
    buffer = io.BytesIO()
    np.savez(buffer, x=x, y=(x[:, 0] > 0).astype(np.int64))
    response = upload(client, buffer.getvalue(), "points.npz")
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["kind"] == "arrays" and record["info"]["input_shape"] == [2]
    assert record["info"]["classes"] == ["0", "1"]
    preview = client.get(f"/api/datasets/{record['id']}/preview").json()
    assert sum(c["count"] for c in preview["class_counts"]) == 60


def test_idx_zip_upload(client: httpx.Client) -> None:
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(40, 12, 12), dtype=np.uint8)
    labels = (np.arange(40) % 4).astype(np.uint8)
    buffer = io.BytesIO()
    write_zip(  # type: ignore[arg-type]
        buffer,
        {
            "set/train-images-idx3-ubyte": idx_bytes(images),
            "set/train-labels-idx1-ubyte": idx_bytes(labels),
        },
    )
    response = upload(client, buffer.getvalue(), "digits.zip")
    assert response.status_code == 201, response.text
    info = response.json()["info"]
    assert response.json()["kind"] == "idx"
    assert info["input_shape"] == [1, 12, 12] and info["classes"] == ["0", "1", "2", "3"]


@pytest.mark.parametrize(
    ("data", "filename", "fields", "status", "message"),
    [
        (b"a,b,c\n1,2,x\n1,2\n", "short.csv", {}, 422, "row 3 has 2 fields, the header has 3"),
        (b"a,b\nSECRET,x\nSECRET,y\n", "s.csv", {}, 422, "row 2, column 1 is not a number"),
        (pickle.dumps({"SECRET": 1}), "data.csv", {}, 422, "neither a zip nor UTF-8 text"),
        (pickle.dumps({"SECRET": 1}), "data.csv", {"kind": "csv"}, 422, "not UTF-8 text"),
        (b"SECRET line", "x.gz", {"kind": "idx"}, 422, "not a zip file"),
        (b"\x1f\x8bSECRET", "x.gz", {}, 422, "gzip-compressed"),
        (b"", "empty.csv", {}, 422, "the file is empty"),
        (b"x" * (UPLOAD_LIMIT + 1), "big.txt", {}, 413, "limit"),
        (b"a,b\n1,2\n", "x.csv", {"kind": "exe"}, 422, "`kind` is one of "),
    ],
)
def test_a_bad_upload_is_refused_located_unechoed_and_nothing_is_kept(
    server: LiveServer,
    client: httpx.Client,
    data: bytes,
    filename: str,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    before = stored_files(server)
    listed = len(client.get("/api/datasets").json()["uploads"])
    response = upload(client, data, filename, **fields)
    assert response.status_code == status, response.text
    body = response.json()
    assert message in body["message"] and "SECRET" not in response.text
    assert body["field"] in ("body.file", "body.kind")
    assert stored_files(server) == before
    assert len(client.get("/api/datasets").json()["uploads"]) == listed


def test_not_multipart_is_415(client: httpx.Client) -> None:
    response = client.post("/api/datasets", json={"file": "x"})
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_delete_is_refused_while_a_queued_run_needs_the_file(
    server: LiveServer, client: httpx.Client
) -> None:
    record = upload(client, iris_like(40), "queued.csv").json()
    # The same bytes read as text: a second record sharing the file.
    as_text = upload(client, iris_like(40), "queued.txt", kind="text").json()
    assert as_text["id"] != record["id"] and as_text["sha256"] == record["sha256"]
    run = client.post(
        "/api/runs", json={"document": tabular_document(2, 2), "config": record["config"]}
    ).json()["id"]  # no worker here: it stays queued
    refused = client.delete(f"/api/datasets/{record['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "dataset_in_use"
    assert run in refused.json()["message"]
    assert client.delete(f"/api/runs/{run}").status_code == 204
    assert client.delete(f"/api/datasets/{record['id']}").status_code == 204
    assert client.get(f"/api/datasets/{record['id']}").status_code == 404
    file = server.app.state.settings.data_dir / "uploads" / record["sha256"] / "data"
    assert file.is_file()  # the text record still reads it
    assert client.delete(f"/api/datasets/{as_text['id']}").status_code == 204
    assert not file.exists() and not file.parent.exists()


def test_intake_refuses_an_unknown_upload_and_an_escaping_path(
    server: LiveServer, client: httpx.Client
) -> None:
    document = tabular_document(2, 2)
    link = server.app.state.settings.data_dir / "passwd.csv"
    link.unlink(missing_ok=True)
    link.symlink_to("/etc/passwd")
    for options, field in (
        ({"path": "passwd.csv"}, "body.config.dataset_options.path"),
        ({"upload": "0" * 64}, "body.config.dataset_options.upload"),
        ({"upload": "../../etc"}, "body.config.dataset_options.upload"),
        ({"path": "../../etc/passwd"}, "body.config.dataset_options.path"),
        ({"path": "/etc/passwd"}, "body.config.dataset_options.path"),
        ({"path": "~/.bashrc"}, "body.config.dataset_options.path"),
    ):
        config = {"dataset": "csv", "dataset_options": options}
        response = client.post("/api/runs", json={"document": document, "config": config})
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field, response.text
        assert "root:" not in response.text


def test_unknown_dataset_id_is_404_and_a_malformed_one_422(client: httpx.Client) -> None:
    assert client.get("/api/datasets/d_000000000000").status_code == 404
    assert client.get("/api/datasets/d_000000000000/preview").status_code == 404
    assert client.delete("/api/datasets/d_000000000000").status_code == 404
    assert client.get("/api/datasets/..%2Fetc").status_code in (404, 422)


def test_an_interrupted_upload_leaves_nothing(server: LiveServer, client: httpx.Client) -> None:
    """The sender goes away halfway through the body: no file, no record, and the
    server goes on serving."""
    before = stored_files(server)
    listed = len(client.get("/api/datasets").json()["uploads"])
    boundary = "cut-here"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    declared = len(head) + 1_000_000
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            (
                f"POST /api/datasets HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {declared}\r\n\r\n"
            ).encode()
            + head
            + iris_like(2000)[:200_000]
        )
    wait_for(lambda: client.get("/api/health").status_code == 200, 10, "the server to answer again")
    assert stored_files(server) == before
    assert len(client.get("/api/datasets").json()["uploads"]) == listed
    assert upload(client, iris_like(30), "after.csv").status_code in (200, 201)


def test_a_partial_upload_left_by_a_kill_is_swept_at_start(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / ".partial-0123456789abcdef").write_bytes(b"half a file")
    kept = uploads / ("ab" * 32) / "data"
    kept.parent.mkdir()
    kept.write_bytes(b"a whole one")
    with live_server(make_settings(tmp_path)):
        assert sorted(p.name for p in uploads.iterdir()) == ["ab" * 32]
        assert kept.read_bytes() == b"a whole one"


def test_a_set_whose_files_are_here_is_on_this_server(tmp_path: Path) -> None:
    write_mnist_folder(tmp_path / "mnist", train_count=None, test_count=20)
    with live_server(make_settings(tmp_path)) as live, live.client() as client:
        builtin = {d["name"]: d for d in client.get("/api/datasets").json()["builtin"]}
    assert builtin["mnist"]["availability"] == {
        "state": "on_server",
        "message": "on this server",
        "upload_kind": None,
    }
    assert builtin["fashion_mnist"]["availability"]["state"] == "stand_in"
