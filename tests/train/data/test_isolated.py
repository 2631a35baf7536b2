"""Loads of a user's file in a child process: the same result as in-process, the same
errors, and a child that a stop, the time limit or the memory limit always ends, leaving
no process and no folder behind. Real child processes; faults armed by environment."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import torch

from layerlab.train.data import DataError, DatasetInfo, LoadContext, LoadedDataset, Split
from layerlab.train.data.isolated import (
    BALLOON_FAULT,
    HANG_FAULT,
    LoadLimits,
    LoadStopped,
    _read_result,
    _write_result,
    load_isolated,
    names_user_file,
)
from layerlab.train.data.registry import MissingDataError, load_dataset
from layerlab.train.faults import FAULT_ENV
from tests.train.data.test_tabular import iris_like, write_csv

CHILD_MODULE = "layerlab.train.data.isolated"


def load_children(parent: int) -> list[int]:
    """Live (not zombie) processes of `parent` that load data: the oracle that none is left."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]  # the name may hold ") "
        if int(ppid) == parent and state != "Z" and CHILD_MODULE in command:
            found.append(int(entry.name))
    return found


def leftovers(data_dir: Path) -> list[Path]:
    return list(data_dir.glob(".load-*"))


class HangSeen:
    """A `should_stop` that turns true once the child has reached the hang (its log says
    so on the stderr it inherits), remembering when."""

    def __init__(self, capfd: pytest.CaptureFixture[str]):
        self.capfd = capfd
        self.err = ""
        self.at: float | None = None

    def __call__(self) -> bool:
        self.err += self.capfd.readouterr().err
        if self.at is None and f"fault point {HANG_FAULT} reached" in self.err:
            self.at = time.monotonic()
        return self.at is not None


def assert_same(a: LoadedDataset, b: LoadedDataset) -> None:
    assert a.info == b.info
    assert a.extras == b.extras
    for part_a, part_b in ((a.train, b.train), (a.val, b.val)):
        assert part_a.x.dtype == part_b.x.dtype and torch.equal(part_a.x, part_b.x)
        assert part_a.y.dtype == part_b.y.dtype and torch.equal(part_a.y, part_b.y)


def test_names_user_file() -> None:
    assert names_user_file({"path": "table.csv"})
    assert names_user_file({"upload": "ab" * 32, "target": "y"})
    assert names_user_file({"url": "https://example.org/t.txt"})
    assert not names_user_file({"path": "", "size": 100})
    assert not names_user_file({"path": None})
    assert not names_user_file({})
    assert not names_user_file(None)


def test_a_csv_loads_as_it_does_in_process(tmp_path: Path) -> None:
    text, _features, _species = iris_like(60)
    write_csv(tmp_path, text)
    options = {"path": "data.csv", "target": "species", "val_fraction": 0.25}
    ctx = LoadContext(tmp_path)
    isolated = load_isolated("csv", options, ctx)
    assert_same(isolated, load_dataset("csv", options, ctx))
    assert isolated.extras["feature_names"] == ["length", "weight"]
    assert not leftovers(tmp_path) and not load_children(os.getpid())


def test_tensor_extras_and_splits_of_one_storage_come_back(tmp_path: Path) -> None:
    x = torch.arange(20, dtype=torch.float32).reshape(10, 2)  # (N, F)
    y = torch.arange(10)
    info = DatasetInfo(
        name="t", kind="tabular", input_shape=[2], target="class", train_size=8, val_size=2
    )
    extras = {"mean": torch.tensor([1.5, 2.5]), "names": ["a", "b"], "nan": float("nan")}
    loaded = LoadedDataset(info, Split(x[:8], y[:8]), Split(x[8:], y[8:]), extras)
    _write_result(tmp_path, loaded)
    (tmp_path / "outcome.json").write_text('{"ok": true}')
    back = _read_result(tmp_path, "t", 0)
    assert torch.equal(back.extras.pop("mean"), extras["mean"])
    assert back.extras.pop("nan") != back.extras.pop("nan", 0)  # NaN came back as NaN
    assert back.extras == {"names": ["a", "b"]}
    assert torch.equal(back.train.x, x[:8]) and torch.equal(back.val.y, y[8:])


def test_data_errors_come_back_as_the_same_class_and_message(tmp_path: Path) -> None:
    rows = [f"{20 + i},{i}" for i in range(20)]
    rows[15] = "abc,3"
    write_csv(tmp_path, "age,score\n" + "\n".join(rows) + "\n")
    ctx = LoadContext(tmp_path)
    with pytest.raises(DataError) as direct:
        load_dataset("csv", {"path": "data.csv"}, ctx)
    with pytest.raises(DataError) as isolated:
        load_isolated("csv", {"path": "data.csv"}, ctx)
    assert type(isolated.value) is type(direct.value)
    assert str(isolated.value) == str(direct.value) == "data.csv row 17, column 1 is not a number"

    (tmp_path / "empty").mkdir()  # a folder without MNIST's files
    with pytest.raises(MissingDataError) as missing:
        load_dataset("mnist", {"path": "empty"}, ctx)
    with pytest.raises(MissingDataError) as missing_isolated:
        load_isolated("mnist", {"path": "empty"}, ctx)
    assert type(missing_isolated.value) is type(missing.value)
    assert str(missing_isolated.value) == str(missing.value)
    assert missing_isolated.value.summary == missing.value.summary
    assert not leftovers(tmp_path) and not load_children(os.getpid())


def test_a_stop_ends_a_hanging_load_within_5_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    write_csv(tmp_path, iris_like(30)[0])
    monkeypatch.setenv(FAULT_ENV, HANG_FAULT)
    hang = HangSeen(capfd)
    with pytest.raises(LoadStopped, match="stopped while loading dataset 'csv'"):
        load_isolated("csv", {"path": "data.csv"}, LoadContext(tmp_path), should_stop=hang)
    assert hang.at is not None and time.monotonic() - hang.at < 5
    assert not load_children(os.getpid()), "the child is gone"
    assert not leftovers(tmp_path), "its folder is removed"


def test_a_load_past_its_time_limit_fails_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(tmp_path, iris_like(30)[0])
    monkeypatch.setenv(FAULT_ENV, HANG_FAULT)
    started = time.monotonic()
    with pytest.raises(DataError, match=r"^loading dataset 'csv' took longer than the 3 s limit;"):
        load_isolated("csv", {"path": "data.csv"}, LoadContext(tmp_path), limits=LoadLimits(3.0))
    assert 3.0 <= time.monotonic() - started < 3.0 + 2.0
    assert not load_children(os.getpid()) and not leftovers(tmp_path)


def test_a_load_past_its_memory_limit_fails_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Above what importing torch takes (about 250 MB), so the balloon is what crosses it.
    limits = LoadLimits(time_s=60.0, memory_bytes=600 * 10**6)
    write_csv(tmp_path, iris_like(30)[0])
    monkeypatch.setenv(FAULT_ENV, BALLOON_FAULT)
    with pytest.raises(
        DataError, match=r"needed more than the 600 MB memory limit \([67]\d\d MB resident\)"
    ):
        load_isolated("csv", {"path": "data.csv"}, LoadContext(tmp_path), limits=limits)
    assert not load_children(os.getpid()) and not leftovers(tmp_path)
