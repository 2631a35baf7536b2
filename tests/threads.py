"""One torch thread per test, for tests that train tiny models: on a shared 2-core
machine two threads that contend with other processes ran a GPT step 9x slower.
Import `one_thread` into a conftest.py to apply it to that folder."""

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
