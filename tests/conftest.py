"""Shared fixtures: paths to the repository's folders and the shared datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRAPHS = ROOT / "graphs"
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture
def repo_root() -> Path:
    return ROOT
