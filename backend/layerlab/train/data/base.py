"""The one declaration a dataset needs, mirroring the op registry.

A dataset is a subclass of `DatasetSource` in one `train/data/*.py` module; defining
it registers it. `load(options, ctx)` returns the whole set as tensors (a
`LoadedDataset`: small sets live on the training device and are batched by index,
never through a per-sample Python loop), or, for a set bigger than memory, a
`LazyDataset` (lazy.py) whose parts fetch batches from disk. Options are a pydantic
model with bounds, defaults and descriptions, like op parameters, so the browser can
render a form for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

import torch
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from layerlab.train.data.lazy import Dataset

log = logging.getLogger(__name__)

DataKind = Literal["points", "image", "sequence", "text", "tabular"]
"""What one sample is (how the editor previews a set and which tasks fit it); not an
upload's kind, which names the `DatasetSource` a file is read as."""
Target = Literal["class", "value", "sequence", "none"]


class DataError(ValueError):
    """A dataset that cannot be loaded; the message names the file, row or column."""


class DatasetOptions(BaseModel):
    """Base of every dataset's options: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    val_fraction: float = Field(
        default=0.2, ge=0.0, lt=1.0, description="Share of samples held out for validation"
    )
    seed: int = Field(
        default=0, ge=0, description="Seed of the generator and of the train/validation split"
    )


class DatasetInfo(BaseModel):
    """What the editor and the task need to know about a loaded dataset."""

    name: str
    kind: DataKind
    input_shape: list[int] = Field(description="One sample's shape, batch excluded")
    input_dtype: Literal["float32", "int64"] = "float32"
    target: Target
    target_shape: list[int] = Field(
        default_factory=list, description="One target's shape ([] for a class id)"
    )
    num_classes: int | None = Field(
        default=None, description="Classes, or the vocabulary size for token targets"
    )
    classes: list[str] | None = Field(
        default=None, description="Class names or vocabulary, in id order"
    )
    train_size: int = 0
    val_size: int = 0
    notes: list[str] = Field(
        default_factory=list, description="Substitutions and splits, said out loud"
    )
    stand_in: str | None = Field(
        default=None, description="What trains instead of the named set, when its files are absent"
    )

    def used(self) -> str:
        """The data a run trains on, in a few words: "mnist", or its stand-in."""
        return f"{self.stand_in} (stand-in for {self.name})" if self.stand_in else self.name


@dataclass
class Split:
    """Inputs and targets as whole tensors: x (N, *input_shape), y (N, *target_shape)."""

    x: torch.Tensor
    y: torch.Tensor

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def to(self, device: torch.device | str) -> Split:
        return Split(self.x.to(device), self.y.to(device))


@dataclass
class LoadedDataset:
    info: DatasetInfo
    train: Split
    val: Split
    extras: dict[str, Any] = field(default_factory=dict)
    """Task-specific facts, e.g. {"bos": id} for sequence sets, {"mean": ..., "std": ...}."""

    def head(self, train: int, val: int) -> LoadedDataset:
        """The first `train` and `val` samples: a quick or smoke run needs few."""
        info = self.info.model_copy(
            update={"train_size": min(train, len(self.train)), "val_size": min(val, len(self.val))}
        )
        return LoadedDataset(
            info,
            Split(self.train.x[:train], self.train.y[:train]),
            Split(self.val.x[:val], self.val.y[:val]),
            self.extras,
        )


@dataclass(frozen=True)
class LoadContext:
    """Where files live and whether the network may be used."""

    data_dir: Path
    allow_download: bool = False


OptionsT = TypeVar("OptionsT", bound=DatasetOptions)

DATASETS: dict[str, DatasetSource[Any]] = {}
"""Every dataset by name, in declaration order."""


class DatasetSource(Generic[OptionsT]):
    name: ClassVar[str]
    summary: ClassVar[str]
    kind: ClassVar[DataKind]
    Options: ClassVar[type[DatasetOptions]] = DatasetOptions
    max_upload_bytes: ClassVar[int] = 0
    """Above 0, a person may upload a file of up to this many bytes as this set (its
    name is then the upload's kind, and its Options take `upload`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if cls.name in DATASETS:
                raise RuntimeError(f"dataset {cls.name!r} declared twice")
            DATASETS[cls.name] = cls()

    def load(self, options: OptionsT, ctx: LoadContext) -> Dataset:
        raise NotImplementedError

    def parse_options(self, raw: dict[str, Any]) -> OptionsT:
        return self.Options.model_validate(raw)  # type: ignore[return-value]

    def schema(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "kind": self.kind,
            "options_schema": self.Options.model_json_schema(),
            "max_upload_bytes": self.max_upload_bytes or None,
        }


def split(x: torch.Tensor, y: torch.Tensor, val_fraction: float, seed: int) -> tuple[Split, Split]:
    """A deterministic shuffled train/validation split."""
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(seed))
    n_val = int(round(x.shape[0] * val_fraction))
    val, train = order[:n_val], order[n_val:]
    return Split(x[train], y[train]), Split(x[val], y[val])
