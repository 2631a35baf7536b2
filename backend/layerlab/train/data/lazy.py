"""Datasets that stay on disk: a `LazyDataset` holds two `LazyPart`s instead of tensors.

A lazy part is a small description of where its samples are (a token file, a folder of
images, an array file) that fetches any batch of them by index. It is a pydantic model,
so the process that prepared it (the bounded loading child of isolated.py) hands it back
as JSON, and it pickles small (a rank, a loader worker) because open files and memory
maps are private and reopened wherever the part lands.

The fit loop never sees the difference: `train/data/feed.py` turns either kind of part
into batches on the device, and `train/data/sampling.py` orders them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import torch
from pydantic import BaseModel, ConfigDict, PrivateAttr

from layerlab.train.data.base import DataError, DatasetInfo, LoadedDataset, Split
from layerlab.train.data.sampling import SamplerKind

Batch = tuple[torch.Tensor, torch.Tensor]
"""Inputs and targets of one batch: x (B, *input_shape), y (B, *target_shape)."""
PROBE_SAMPLES = 256
"""Samples of a lazy part that stand for all of it where a task or a view looks at data
(a sample grid, the autoencoder's guess of the input range)."""

LAZY_PARTS: dict[str, type[LazyPart]] = {}
"""Every kind of lazy part by its `kind`, for reading one back from JSON."""


def _nothing(index: int) -> None:
    return None


class LazyPart(BaseModel):
    """One split of a set on disk. Subclasses set `kind` and implement the methods."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    data_dir: str
    """The data dir every file the part reads must lie in (checked at each open)."""
    label: str
    """What messages call the data (the user's path, or "the uploaded file")."""
    loader_workers: int = 0
    """Processes that fetch batches ahead of the loop (0: the loop fetches them)."""
    prefetch: int = 2
    """Batches each loader worker keeps ready."""

    sampling: ClassVar[SamplerKind] = "shuffle"
    _handle: Any = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        kind = cls.model_fields["kind"].default
        if isinstance(kind, str) and kind:
            LAZY_PARTS[kind] = cls

    def __getstate__(self) -> dict[Any, Any]:
        # Open files and memory maps stay behind; the copy reopens its own.
        state = super().__getstate__()
        state["__pydantic_private__"] = {k: None for k in state["__pydantic_private__"] or {}}
        return state

    # -- what every part provides ---------------------------------------------------------

    def __len__(self) -> int:
        """Samples an epoch takes."""
        raise NotImplementedError

    def positions(self) -> int:
        """How many distinct indices `fetch` takes (the length, but for random windows:
        every offset)."""
        return len(self)

    def fetch(self, indices: Sequence[int], mark: Callable[[int], None] = _nothing) -> Batch:
        """The samples at `indices` as CPU tensors, in their raw dtype (`finish` makes
        them what the network takes). Calls `mark(index)` before reading each one, so a
        loader that dies names what it was reading. A sample that cannot be read raises
        DataError naming its file and the reason."""
        raise NotImplementedError

    def finish(self, x: torch.Tensor, y: torch.Tensor) -> Batch:
        """A fetched batch, on the training device, as the network takes it."""
        return x, y

    def describe(self, index: int) -> str:
        """What a message calls sample `index` (its file, its row)."""
        return f"{self.label}, sample {index:,}"

    def class_ids(self) -> Sequence[int]:
        """Every sample's class id, where the targets are classes (a preview counts them)."""
        return []

    def head_part(self, count: int) -> LazyPart:
        """The first `count` samples only (a quick run)."""
        raise NotImplementedError

    def probe(self, count: int = PROBE_SAMPLES, device: torch.device | str = "cpu") -> Split:
        """The first `count` samples, finished, as whole tensors on `device`."""
        indices = list(range(min(count, self.positions())))
        x, y = self.fetch(indices)
        return Split(*self.finish(x.to(device), y.to(device)))

    def check_file(self, path: Path) -> Path:
        """`path` if it lies inside the part's data dir (links followed)."""
        root = Path(self.data_dir).resolve()
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            raise DataError(f"{self.label}: leads outside the data dir")
        return resolved


def read_part(raw: dict[str, Any]) -> LazyPart:
    """A part from its JSON (as `model_dump(mode="json")` wrote it)."""
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in LAZY_PARTS:
        raise ValueError(f"unknown kind of lazy part {str(kind)[:40]!r}")
    return LAZY_PARTS[kind].model_validate(raw)


@dataclass
class LazyDataset:
    """A dataset whose samples stay on disk until a batch needs them."""

    info: DatasetInfo
    train: LazyPart
    val: LazyPart
    extras: dict[str, Any] = field(default_factory=dict)

    def head(self, train: int, val: int) -> LazyDataset:
        """The first `train` and `val` samples: a quick or smoke run needs few."""
        first_train, first_val = self.train.head_part(train), self.val.head_part(val)
        info = self.info.model_copy(
            update={"train_size": len(first_train), "val_size": len(first_val)}
        )
        return LazyDataset(info, first_train, first_val, self.extras)


Dataset = LoadedDataset | LazyDataset
"""What a run trains on: whole tensors (the fast path for sets that fit) or parts on disk."""


def input_probe(data: Dataset) -> torch.Tensor:
    """Training inputs to judge the data by (the range of pixel values): all of them
    in memory, the first PROBE_SAMPLES of a lazy set."""
    if isinstance(data, LoadedDataset):
        return data.train.x
    return data.train.probe().x
