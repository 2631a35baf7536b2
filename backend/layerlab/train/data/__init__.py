"""Datasets for training: one `DatasetSource` per set, looked up by name.

Call `load_dataset(name, options, ctx)`; it returns whole tensors (`Split`) for the
train and validation parts and a `DatasetInfo` describing them, or, for a set that stays
on disk, a `LazyDataset` whose parts fetch batches (lazy.py; feed.py batches both). Importing this package
imports every dataset module, and defining a `DatasetSource` subclass registers it.
"""

from layerlab.train.data import (  # noqa: F401  (imported for their registrations)
    arrays,
    cifar,
    digits,
    idx_zip,
    image_folder,
    image_zip,
    mnist,
    points,
    recurrent,
    regression,
    seq2seq,
    tabular,
    text,
)
from layerlab.train.data.base import (
    DATASETS,
    DataError,
    DatasetInfo,
    DatasetOptions,
    DatasetSource,
    LoadContext,
    LoadedDataset,
    Split,
    split,
)
from layerlab.train.data.registry import (
    MissingDataError,
    describe_datasets,
    get_source,
    load_dataset,
)

__all__ = [
    "DATASETS",
    "DataError",
    "DatasetInfo",
    "DatasetOptions",
    "DatasetSource",
    "LoadContext",
    "LoadedDataset",
    "MissingDataError",
    "Split",
    "describe_datasets",
    "get_source",
    "load_dataset",
    "split",
]
