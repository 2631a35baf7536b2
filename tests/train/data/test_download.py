"""Downloads through local file:// URLs: the md5 is checked and nothing half-done is left."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from layerlab.train.data import MissingDataError
from layerlab.train.data.download import RemoteFile, fetch, md5_of


@pytest.fixture
def served(tmp_path: Path) -> Path:
    source = tmp_path / "server" / "payload.bin"
    source.parent.mkdir()
    source.write_bytes(bytes(range(256)) * 100)
    return source


def test_fetch_writes_a_verified_file(tmp_path: Path, served: Path) -> None:
    md5 = hashlib.md5(served.read_bytes()).hexdigest()
    remote = RemoteFile("payload.bin", md5, (served.as_uri(),))
    path = fetch(remote, tmp_path / "data")
    assert path == tmp_path / "data" / "payload.bin"
    assert path.read_bytes() == served.read_bytes() and md5_of(path) == md5


def test_checksum_mismatch_leaves_nothing_and_tries_every_mirror(
    tmp_path: Path, served: Path
) -> None:
    missing_mirror = (tmp_path / "nowhere" / "payload.bin").as_uri()
    remote = RemoteFile("payload.bin", "0" * 32, (missing_mirror, served.as_uri()))
    with pytest.raises(MissingDataError) as caught:
        fetch(remote, tmp_path / "data")
    message = str(caught.value)
    assert "could not download payload.bin" in message
    assert "nowhere" in message and "does not match the expected 000" in message
    assert list((tmp_path / "data").iterdir()) == []  # no temporary or partial file remains


def test_second_mirror_used_when_first_fails(tmp_path: Path, served: Path) -> None:
    md5 = md5_of(served)
    remote = RemoteFile("payload.bin", md5, ((tmp_path / "gone.bin").as_uri(), served.as_uri()))
    assert fetch(remote, tmp_path / "data").read_bytes() == served.read_bytes()


def test_present_file_is_not_fetched_again(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "payload.bin").write_bytes(b"already here")
    remote = RemoteFile("payload.bin", "0" * 32, ("file:///does/not/exist",))
    assert fetch(remote, folder).read_bytes() == b"already here"
