"""Preset tests train small models: one torch thread each. On the shared 2-core machine
two threads ran a GPT step 9x slower than one (they contend with other processes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
