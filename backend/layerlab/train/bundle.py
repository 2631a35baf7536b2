"""A run's reproducibility bundle: what it takes to train it again with plain PyTorch.

    model.py             the network as PyTorch source (graph/export_python.py)
    train.py             a plain training script for the run's task and settings
    config.json          the run's training settings, seed included
    data.pt              the tensors it trained and validated on, as LayerLab loaded them
    weights.safetensors  the weights of the checkpoint asked for
    document.json        the graph document, to open in LayerLab again
    README.md            what each file is and how to run it

The data go in as tensors (loaded through LayerLab's own loaders: the same split and
normalisation, built-in sets and uploads alike) up to MAX_DATA_BYTES; a larger set is
left out and README says so. The script trains the classification and regression
tasks; for another task the bundle still carries the rest and the script says so.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

import torch

from layerlab.graph.check import analyze_or_raise
from layerlab.graph.document import GraphDocument, document_json
from layerlab.graph.export_python import python_source
from layerlab.train.bundle_script import SCRIPT
from layerlab.train.config import TrainingConfig
from layerlab.train.data.base import LoadedDataset

MAX_DATA_BYTES = 64 * 2**20
"""Largest data.pt a bundle carries (MNIST's 60,000 images as float32 are 188 MB)."""

SCRIPT_TARGETS = ("class", "value")
"""What train.py's one supervised loop predicts per sample (the classification and
regression tasks' targets)."""


@dataclass(frozen=True)
class Bundle:
    files: dict[str, bytes]
    notes: list[str]

    def zip(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files.items():
                archive.writestr(name, content)
        return out.getvalue()


def model_class(source: str) -> str:
    """The network class the exported source builds in its __main__ block."""
    found = re.search(r"^    model = (\w+)\(\)", source, re.MULTILINE)
    if found is None:
        raise ValueError("the exported source builds more than one network")
    return found.group(1)


def data_tensors(data: LoadedDataset) -> bytes | None:
    """data.pt: train_x, train_y, val_x, val_y; None when larger than MAX_DATA_BYTES."""
    tensors = {
        "train_x": data.train.x,
        "train_y": data.train.y,
        "val_x": data.val.x,
        "val_y": data.val.y,
    }
    size = sum(t.numel() * t.element_size() for t in tensors.values())
    if size > MAX_DATA_BYTES:
        return None
    out = io.BytesIO()
    torch.save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, out)
    return out.getvalue()


def build_bundle(
    run_id: str,
    document: GraphDocument,
    config: TrainingConfig,
    data: LoadedDataset | None,
    weights: bytes | None,
) -> Bundle:
    source = python_source(analyze_or_raise(document))
    files: dict[str, bytes] = {"model.py": source.encode()}
    notes: list[str] = []
    try:
        name = model_class(source)
        files["train.py"] = SCRIPT.format(
            title=document.name, run=run_id, model_class=name
        ).encode()
    except ValueError as exc:
        notes.append(f"train.py is left out: {exc} (a GAN's two networks train together)")
    if data is None or data.info.target not in SCRIPT_TARGETS:
        notes.append(
            f"train.py trains classification and regression; this run's task is {config.task}: "
            "the model, data and weights are here, the training loop is yours to write"
        )
    files["config.json"] = (json.dumps(config.model_dump(mode="json"), indent=2) + "\n").encode()
    tensors = data_tensors(data) if data is not None else None
    if tensors is not None:
        files["data.pt"] = tensors
    else:
        notes.append(
            "data.pt is left out: the data set is larger than "
            f"{MAX_DATA_BYTES // 2**20} MB (or could not be loaded here); save train_x, "
            "train_y, val_x and val_y with torch.save to data.pt to use train.py"
        )
    if weights is not None:
        files["weights.safetensors"] = weights
    else:
        notes.append("weights.safetensors is left out: the run has no checkpoint yet")
    files["document.json"] = document_json(document).encode()
    files["README.md"] = readme(run_id, document, config, data, notes).encode()
    return Bundle(files, notes)


def readme(
    run_id: str,
    document: GraphDocument,
    config: TrainingConfig,
    data: LoadedDataset | None,
    notes: list[str],
) -> str:
    dataset = data.info.name if data is not None else config.dataset
    lines = [
        f"# {document.name}: LayerLab run {run_id}",
        "",
        f"Task {config.task} on {dataset}, {config.epochs} epochs, batch {config.batch_size}, "
        f"{config.optimizer} at lr {config.lr:g} ({config.schedule}), seed {config.seed}.",
        "",
        "    pip install torch          # all train.py needs",
        "    python train.py            # retrain from the seed, one JSON line per epoch",
        "    python train.py --epochs 1",
        "",
        "- `model.py`: the network as PyTorch source (`python model.py` checks it builds).",
        "- `train.py`: the training loop for the run's task and settings, as LayerLab runs it.",
        "- `config.json`: every training setting of the run, the seed included.",
        "- `data.pt`: the tensors the run trained and validated on, as LayerLab loaded them.",
        "- `weights.safetensors`: the run's weights (`python train.py --from-weights`).",
        "- `document.json`: the graph, to open in LayerLab again.",
    ]
    if data is not None and data.info.notes:
        lines += ["", "The data:", *(f"- {n}" for n in data.info.notes)]
    if notes:
        lines += ["", "Left out:", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"
