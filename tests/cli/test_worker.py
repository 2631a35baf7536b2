"""`layerlab worker`'s own parsing (the worker process itself: tests/worker)."""

from __future__ import annotations

import argparse

import pytest

from layerlab.cli import parser
from layerlab.cli.worker import memory_size, seconds


def test_the_worker_reads_its_load_limits_in_people_s_units() -> None:
    assert memory_size("300") == memory_size("300MB") == 300 * 10**6
    assert memory_size("1.5GiB") == 3 * 2**29 and memory_size("123456789B") == 123456789
    assert seconds("2.5") == 2.5
    for bad in ("0", "-1", "3TB", "lots"):
        with pytest.raises(argparse.ArgumentTypeError):
            memory_size(bad)
    for bad in ("0", "-1", "nan", "soon"):
        with pytest.raises(argparse.ArgumentTypeError):
            seconds(bad)


def test_the_worker_command_takes_its_limits_in_people_s_units() -> None:
    args = parser().parse_args(
        ["worker", "--server", "http://lab:8000", "--data-load-memory", "2GB"]
    )
    assert args.data_load_memory == 2 * 10**9 and args.device == "auto"
