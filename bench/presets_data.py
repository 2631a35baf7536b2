"""Where the preset benchmark finds its data, and how a row names what it trained on.

The benchmark runs offline. Real sets come from `../shared/datasets` (the MNIST test
set, tiny Shakespeare) or the data folder (CIFAR-10, when someone has put it there);
generated sets (moons, spirals, sine, parity, sequences) need nothing. A row that needs
a real set which is absent is skipped with a note, never silently trained on something
else; the CIFAR-10 rows are the exception the issue asks for ("the data available
offline"): without CIFAR-10 they train on the engine's digits stand-in and say so.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layerlab.train.config import TrainingConfig
from layerlab.train.data import LoadedDataset
from layerlab.train.entry import load_data

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"
MNIST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
CIFAR_FILES = ("data_batch_1.bin", "test_batch.bin")
SHAKESPEARE_FILE = "input.txt"


class DataAbsent(Exception):
    """A row's real data set is not on this machine; the message says where it looked."""


@dataclass(frozen=True)
class Prepared:
    config: TrainingConfig
    """The row's config, with the dataset options that point at the files found."""
    data: LoadedDataset
    label: str
    """What the row trained on, for the table: "MNIST t10k (8,000 / 2,000 split)"."""


@dataclass(frozen=True)
class DataPlaces:
    data_dir: Path
    """The engine's data folder (CIFAR-10 is looked for in <data_dir>/cifar10)."""
    shared: Path = SHARED_DATASETS

    def mnist(self) -> Path | None:
        folder = self.shared / "mnist-t10k"
        return folder if all((folder / f).is_file() for f in MNIST_FILES) else None

    def cifar10(self) -> Path | None:
        for folder in (self.data_dir / "cifar10", self.shared / "cifar10"):
            for candidate in (folder, folder / "cifar-10-batches-bin"):
                if all((candidate / f).is_file() for f in CIFAR_FILES):
                    return candidate
        return None

    def shakespeare(self) -> Path | None:
        folder = self.shared / "tinyshakespeare"
        return folder if (folder / SHAKESPEARE_FILE).is_file() else None

    def inside(self, folder: Path) -> str:
        """`folder` as a path relative to the data dir, which is all a dataset may read:
        a folder elsewhere (the shared sets) is copied in first."""
        data_dir = self.data_dir.resolve()
        if folder.resolve().is_relative_to(data_dir):
            return str(folder.resolve().relative_to(data_dir))
        copy = data_dir / "shared" / folder.name
        if not copy.is_dir():
            shutil.copytree(folder, copy)
        return str(copy.relative_to(data_dir))

    def prepare(self, config: TrainingConfig) -> Prepared:
        """Load the config's dataset from the files found here (DataAbsent if a real set
        the row needs is missing)."""
        options: dict[str, Any] = dict(config.dataset_options)
        name = config.dataset
        if name == "mnist":
            folder = self.mnist()
            if folder is None:
                raise DataAbsent(f"MNIST t10k files not found in {self.shared / 'mnist-t10k'}")
            options["path"] = self.inside(folder)
        elif name == "tiny_shakespeare":
            folder = self.shakespeare()
            if folder is None:
                raise DataAbsent(f"tiny Shakespeare not found in {self.shared / 'tinyshakespeare'}")
            options["path"] = self.inside(folder)
        elif name == "cifar10":
            folder = self.cifar10()
            if folder is not None:
                options["path"] = self.inside(folder)
        config = config.with_overrides(dataset_options=options)
        # Substitution is allowed only where no file was found above: CIFAR-10.
        data = load_data(config, self.data_dir, allow_substitute=name == "cifar10")
        return Prepared(config, data, describe(data))


def describe(data: LoadedDataset) -> str:
    """A short name for the table; the full notes go to the JSON results."""
    info = data.info
    notes = " ".join(info.notes)
    sizes = f"{info.train_size:,} / {info.val_size:,}"
    if "scikit-learn digits" in notes and info.name != "digits":
        return f"scikit-learn digits as a {info.name} stand-in ({sizes}); {info.name} is absent"
    if info.name == "mnist":
        return f"MNIST t10k ({sizes} split)" if "test images" in notes else f"MNIST ({sizes})"
    if info.name == "cifar10":
        return f"CIFAR-10 ({sizes})"
    if info.name == "tiny_shakespeare":
        return f"tiny Shakespeare ({sizes} windows of {info.input_shape[0]})"
    return f"{info.name}, generated ({sizes})"
