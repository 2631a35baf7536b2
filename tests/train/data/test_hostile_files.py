"""The hostile-file corpus (RELIABILITY.md, data rows): every file option a request can
name, tried as an attacker would. Each case is refused with a clear message (a 4xx at
intake where the path alone says enough: tests/server/test_datasets_api.py), never read
past its limit, never echoed, with the loader's memory bounded and nothing written
outside the data dir.

The secret each case could leak is planted where the attack points (a file beside the
data dir, the environment), and no message may contain it. Loads that could be heavy
run through `load_isolated` with a 1.5 GB memory bound: a refusal that names the file's
problem (not the bound) proves the load stayed under it.
"""

from __future__ import annotations

import io
import os
import pickle
import stat
import struct
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layerlab.train.data import DataError, LoadContext, load_dataset
from layerlab.train.data.isolated import LoadLimits, load_isolated
from tests.train.data.fixtures import png_bytes

SECRET = "SECRET-7f3a91c2"
BOUNDED = LoadLimits(time_s=60.0, memory_bytes=1536 * 2**20)
QUICK_S = 10.0
"""Every refusal comes well within this, however big the file claims to be."""


class Exploit:
    """A pickle that would write a marker file if anything ever unpickled it."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, SECRET))


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """(data dir, the secret file beside it); the secret is in the environment too."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text(f"a,b\n{SECRET},1\n")
    monkeypatch.setenv("LAYERLAB_TEST_SECRET", SECRET)
    before = _outside(tmp_path, data_dir)
    yield data_dir, secret
    assert _outside(tmp_path, data_dir) == before, "a file was written outside the data dir"


def _outside(root: Path, data_dir: Path) -> set[Path]:
    return {p for p in root.rglob("*") if data_dir not in p.parents and p != data_dir}


def refused(name: str, options: dict[str, Any], data_dir: Path, isolated: bool = False) -> str:
    """The refusal's message, checked to be quick and to quote nothing secret."""
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        if isolated:
            load_isolated(name, options, LoadContext(data_dir), limits=BOUNDED)
        else:
            load_dataset(name, options, LoadContext(data_dir))
    assert time.monotonic() - started < QUICK_S
    message = str(caught.value)
    assert SECRET not in message and "root:" not in message
    return message


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/etc/passwd", "is absolute"),
        ("/proc/self/environ", "is absolute"),
        ("/dev/zero", "is absolute"),
        ("~/.bashrc", "starts with '~'"),
        ("../secret.csv", "uses '..' to leave the data dir"),
        ("a/../../secret.csv", "uses '..' to leave the data dir"),
        ("C:\\Windows\\win.ini", "is absolute"),
        ("x\x00.csv", "NUL"),
    ],
)
@pytest.mark.parametrize("dataset", ["csv", "text", "image_zip", "idx", "mnist", "cifar10"])
def test_paths_that_leave_are_refused_before_any_read(
    places: tuple[Path, Path], dataset: str, path: str, why: str
) -> None:
    data_dir, _secret = places
    message = refused(dataset, {"path": path}, data_dir)
    assert f"option 'path': the path {why}" in message or why in message


@pytest.mark.parametrize(
    "target", ["secret", "/etc/passwd", "/proc/self/environ", "/dev/zero", "/dev/urandom"]
)
def test_links_that_leave_are_refused(places: tuple[Path, Path], target: str) -> None:
    data_dir, secret = places
    link = data_dir / "innocent.csv"
    link.symlink_to(secret if target == "secret" else Path(target))
    assert "leads outside the data dir" in refused("csv", {"path": "innocent.csv"}, data_dir)
    (data_dir / "folder").symlink_to(secret.parent)  # a linked folder: the same
    assert "leads outside" in refused("csv", {"path": "folder/secret.csv"}, data_dir)
    assert "leads outside" in refused("mnist", {"path": "folder"}, data_dir)


def test_a_link_inside_the_data_dir_is_followed(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    (data_dir / "real.csv").write_text("a,b\n1,x\n2,y\n3,x\n4,y\n")
    (data_dir / "alias.csv").symlink_to(data_dir / "real.csv")
    assert len(load_dataset("csv", {"path": "alias.csv"}, LoadContext(data_dir)).train) > 0


def test_a_fifo_a_directory_and_a_socket_are_not_files(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    os.mkfifo(data_dir / "pipe.csv")  # opening it for reading would block without O_NONBLOCK
    assert "a FIFO, not a regular file" in refused("csv", {"path": "pipe.csv"}, data_dir)
    (data_dir / "folder.txt").mkdir()
    assert "a directory, not a regular file" in refused("text", {"path": "folder.txt"}, data_dir)


@pytest.mark.parametrize(("device", "numbers"), [("zero", (1, 5)), ("urandom", (1, 9))])
def test_a_device_inside_the_data_dir_is_not_read(
    places: tuple[Path, Path], device: str, numbers: tuple[int, int]
) -> None:
    """/dev/zero says its size is 0; reading it fills memory. Made inside the data dir
    (root can), it is still refused: only regular files are read."""
    data_dir, _secret = places
    try:
        os.mknod(data_dir / f"{device}.csv", stat.S_IFCHR | 0o600, os.makedev(*numbers))
    except PermissionError:
        pytest.skip("this process may not create device nodes")
    for dataset in ("csv", "text"):
        message = refused(dataset, {"path": f"{device}.csv"}, data_dir, isolated=True)
        assert "a character device, not a regular file" in message


def test_a_million_columns_are_refused_in_linear_time(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    header = ",".join(f"c{i}" for i in range(1_000_000))
    (data_dir / "wide.csv").write_text(header + "\n" + ",".join(["1"] * 1_000_000) + "\n")
    message = refused("csv", {"path": "wide.csv"}, data_dir, isolated=True)
    assert "1,000,000 columns is over the limit of 4,096" in message


def test_forty_thousand_duplicate_free_columns_check_fast(places: tuple[Path, Path]) -> None:
    """The header check was quadratic: 40k columns took 14 s. Now it is a set lookup."""
    data_dir, _secret = places
    from layerlab.train.data.tabular import _check_header

    started = time.monotonic()
    with pytest.raises(DataError, match="over the limit"):
        _check_header("wide.csv", [f"c{i}" for i in range(40_000)], ",")
    assert time.monotonic() - started < 1.0


def test_non_utf8_is_refused_without_quoting_it(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    (data_dir / "latin.csv").write_bytes(f"a,b\n{SECRET}\xe9,1\n".encode("latin-1"))
    assert "not UTF-8 text" in refused("csv", {"path": "latin.csv"}, data_dir)
    (data_dir / "latin.txt").write_bytes(f"{SECRET} caf\xe9".encode("latin-1") * 10)
    assert "not UTF-8 text" in refused("text", {"path": "latin.txt"}, data_dir)


@pytest.mark.parametrize("name", ["data.csv", "data.txt", "train-images-idx3-ubyte", "a.zip"])
def test_a_pickle_named_like_data_is_never_unpickled(places: tuple[Path, Path], name: str) -> None:
    data_dir, _secret = places
    marker = data_dir / "unpickled"
    (data_dir / name).write_bytes(pickle.dumps(Exploit(marker)))
    dataset = {"data.csv": "csv", "data.txt": "text", "a.zip": "image_zip"}.get(name)
    if dataset is None:
        refused("mnist", {"path": "."}, data_dir)
    else:
        refused(dataset, {"path": name}, data_dir)
    assert not marker.exists()


def test_a_csv_that_does_not_parse_quotes_none_of_it(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    cases = {
        "dupe.csv": f"{SECRET},{SECRET}\n1,2\n",
        "cell.csv": f"a,b\n{SECRET},x\n",
        "ragged.csv": f"a,b\n1,{SECRET},3\n",
        "target.csv": "a,b\n1,x\n",
    }
    for name, text in cases.items():
        (data_dir / name).write_text(text)
        refused("csv", {"path": name, "target": "missing"}, data_dir)
    (data_dir / "env.csv").write_bytes(f"HOME=/root\x00SECRET={SECRET}\x00".encode())
    refused("csv", {"path": "env.csv"}, data_dir)


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_declared_size(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    zeros = bytes(110 * 2**20)  # 110 MiB of zeros: about 110 KiB deflated
    members = {f"a/{i}.png": zeros for i in range(5)} | {f"b/{i}.png": zeros for i in range(5)}
    (data_dir / "bomb.zip").write_bytes(zip_bytes(members))
    assert (data_dir / "bomb.zip").stat().st_size < 2 * 2**20
    message = refused("image_zip", {"path": "bomb.zip"}, data_dir, isolated=True)
    assert "bytes uncompressed is over the limit" in message


def test_a_zip_member_that_lies_about_its_size_is_read_no_further(
    places: tuple[Path, Path],
) -> None:
    """A member whose headers say 1,000 bytes but which inflates to 50 MiB."""
    data_dir, _secret = places
    raw = bytearray(zip_bytes({"a/x.png": bytes(50 * 2**20), "b/y.png": png_bytes((1, 2, 3))}))
    _set_first_member_size(raw, 1000)
    (data_dir / "liar.zip").write_bytes(bytes(raw))
    message = refused("image_zip", {"path": "liar.zip"}, data_dir, isolated=True)
    assert "cannot be decoded" in message or "larger than" in message


def _set_first_member_size(raw: bytearray, size: int) -> None:
    """Patch the uncompressed size of the first member in its local and central headers."""
    local = raw.index(b"PK\x03\x04")
    struct.pack_into("<I", raw, local + 22, size)
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, size)


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        ("../../escape.png", "a '..' component"),
        ("/etc/cron.d/evil.png", "an absolute path"),
        ("C:/evil.png", "an absolute path"),
        ("a/..\\..\\evil.png", "a '..' component"),
        ("a/\x1b[31mred.png", "a name with control characters or over 500 characters"),
    ],
)
def test_a_zip_with_traversal_names_is_rejected_whole(
    places: tuple[Path, Path], member: str, problem: str
) -> None:
    data_dir, _secret = places
    image = png_bytes((9, 9, 9))
    members = {"a/ok.png": image, "b/ok.png": image, member: image}
    (data_dir / "walk.zip").write_bytes(zip_bytes(members))
    for dataset in ("image_zip", "idx"):
        message = refused(dataset, {"path": "walk.zip"}, data_dir)
        assert f"entry 3 is {problem}; the archive is rejected" in message
        assert member not in message


def test_a_zip_with_a_symlink_is_rejected_whole(places: tuple[Path, Path]) -> None:
    data_dir, _secret = places
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/ok.png", png_bytes((1, 1, 1)))
        archive.writestr("b/ok.png", png_bytes((2, 2, 2)))
        link = zipfile.ZipInfo("a/passwd.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    (data_dir / "links.zip").write_bytes(buffer.getvalue())
    assert "entry 3 is a symbolic link" in refused("image_zip", {"path": "links.zip"}, data_dir)
