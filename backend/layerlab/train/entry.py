"""Train a graph document: the entry point for the worker, the CLI and notebooks.

    result = train_document(doc, options=RunOptions(run_id="r_8f2c", sink=upload,
                            control=control, checkpoint_dir=Path("runs/r_8f2c"), resume=True))

Setup problems raise before the first event: GraphError (the document), ConfigError
(the training section or overrides), DataError (the dataset), TaskError (graph and
data do not fit the task), CheckpointError (a checkpoint that does not fit). From
the first `status: running` event on, the outcome is reported as events and in the
returned FitResult (finished, stopped, failed, diverged), never raised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from layerlab.graph.document import GraphDocument
from layerlab.train.config import ConfigError, TrainingConfig, config_of
from layerlab.train.data import LoadContext, load_dataset
from layerlab.train.data.lazy import Dataset
from layerlab.train.distributed import current_ranks
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.ranks import train_in_processes
from layerlab.train.run import FitResult, RunOptions


def dataset_request(config: TrainingConfig) -> tuple[str, dict[str, Any]]:
    """The config's dataset name and options, with `val_split` folded into the options
    (the one place that folding happens, whichever process loads the set)."""
    if config.dataset is None:
        raise ConfigError(["training.dataset: no dataset is named; set one (or pass --dataset)"])
    options: dict[str, Any] = dict(config.dataset_options)
    if config.val_split is not None:
        options["val_fraction"] = config.val_split
    return config.dataset, options


def load_data(
    config: TrainingConfig,
    data_dir: Path,
    allow_download: bool = False,
    allow_substitute: bool = False,
) -> Dataset:
    """The config's dataset (see `dataset_request`). With `allow_substitute`, a real set
    whose files are absent is replaced by its offline look-alike (info.notes says so,
    and the run logs it)."""
    name, options = dataset_request(config)
    context = LoadContext(data_dir, allow_download)
    return load_dataset(name, options, context, allow_substitute=allow_substitute)


def train_document(
    doc: GraphDocument,
    config: TrainingConfig | None = None,
    *,
    data: Dataset | None = None,
    data_dir: Path = Path("data"),
    options: RunOptions | None = None,
) -> FitResult:
    """Build the document's networks from `config.seed` and train them. `config`
    defaults to the document's training section; `data` to loading config.dataset."""
    config = config or config_of(doc)
    data = data if data is not None else load_data(config, data_dir)
    if config.processes > 1 and not current_ranks().distributed:
        # Not yet inside a process group: start the ranks, which come back here.
        return train_in_processes(doc, config, data, options or RunOptions())
    trainee = build_trainee(doc, config.seed)
    return fit(trainee, data, config, options)
