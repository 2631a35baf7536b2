"""The contrastive (CLIP) task: class names as character ids, the symmetric InfoNCE loss
with every same-class pair a match, its checks of the two networks, and zero-shot
accuracy with a similarity matrix after a short run of the clip_mnist preset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from layerlab.graph.document import load_document
from layerlab.train.data import LoadedDataset
from layerlab.train.events import SimilarityView
from layerlab.train.model import build_trainee
from layerlab.train.tasks import TaskError, make_task
from layerlab.train.tasks.contrastive import Contrastive, character_ids, class_texts, matching
from tests.conftest import GRAPHS
from tests.presets.helpers import offline_data, preset_config, train

PRESET = GRAPHS / "clip_mnist.json"


def test_digit_classes_are_spelled_out_as_padded_character_ids() -> None:
    texts = class_texts([str(d) for d in range(10)])
    assert texts[7] == "seven" and texts[0] == "zero"
    assert class_texts(["cat", "dog"]) == ["cat", "dog"]
    ids, vocabulary = character_ids(texts, 6)
    assert len(vocabulary) == 16  # padding and the 15 letters of the ten names
    assert "".join(vocabulary[i] for i in ids[7].tolist()) == "seven"
    assert ids[1].tolist()[3:] == [0, 0, 0]  # "one", padded


def test_loss_is_clip_s_when_every_class_differs_and_spreads_over_repeats() -> None:
    logits = torch.randn(4, 4, generator=torch.Generator().manual_seed(0))
    distinct = torch.tensor([3, 1, 0, 2])
    clip = (
        F.cross_entropy(logits, torch.arange(4)) + F.cross_entropy(logits.T, torch.arange(4))
    ) / 2
    torch.testing.assert_close(Contrastive.loss(logits, distinct), clip)
    repeated = torch.tensor([5, 5, 2, 5])
    targets = matching(repeated)
    torch.testing.assert_close(targets[0], torch.tensor([1 / 3, 1 / 3, 0.0, 1 / 3]))
    torch.testing.assert_close(targets.sum(dim=1), torch.ones(4))


@pytest.fixture(scope="module")
def digits(tmp_path_factory: pytest.TempPathFactory) -> LoadedDataset:
    config = preset_config(load_document(json.loads(PRESET.read_text())))
    data = offline_data(config, tmp_path_factory.mktemp("offline"))
    assert isinstance(data, LoadedDataset)
    return data


def preset_with(**changes: Any) -> dict[str, Any]:
    """The preset's JSON with node params changed (node id -> params to merge) or, for
    key "network", every text_encoder node moved to another network name."""
    raw: dict[str, Any] = json.loads(PRESET.read_text())
    for node in raw["nodes"]:
        if node["id"] in changes:
            node["params"] = {**node.get("params", {}), **changes[node["id"]]}
        if "network" in changes and node.get("network") == "text_encoder":
            node["network"] = changes["network"]
    return raw


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"network": "captions"}, "image_encoder and text_encoder"),
        ({"chars": {"num_embeddings": 12}}, "num_embeddings 16"),
        ({"name": {"shape": [4]}}, "'three' has 5 characters"),
        ({"text_proj": {"out_features": 32}}, "64-number embeddings but text_encoder gives 32"),
    ],
    ids=["network-names", "embedding-too-small", "name-too-long", "widths-differ"],
)
def test_documents_that_do_not_fit_are_refused_with_what_to_change(
    digits: LoadedDataset, changes: dict[str, Any], message: str
) -> None:
    doc = load_document(preset_with(**changes))
    config = preset_config(doc)
    with pytest.raises(TaskError, match=message):
        make_task(build_trainee(doc, 0), digits, config)


def test_short_run_classifies_zero_shot_and_shows_the_similarity_matrix(
    digits: LoadedDataset, tmp_path: Path
) -> None:
    doc = load_document(json.loads(PRESET.read_text()))
    telemetry = {"samples_every_epochs": 1, "scalars_every": 10}
    config = preset_config(doc, max_steps=60, epochs=60, batch_size=64, telemetry=telemetry)
    run = train(doc, config, digits.head(640, 200))
    accuracy = run.result.metrics["val/zero_shot_acc"]
    assert accuracy is not None and accuracy > 0.5, run.result.metrics  # chance: 0.1
    scale = run.result.metrics["val/logit_scale"]
    assert scale is not None and 1 < scale <= 100
    views = [v for e in run.events if e.type == "samples" for v in e.views]
    (matrix, *_) = [v for v in views if isinstance(v, SimilarityView)][-1:]
    assert matrix.texts[:3] == ["zero", "one", "two"]
    assert matrix.labels == matrix.texts  # the first held-out image of each class, in order
    assert len(matrix.values) == 10 and all(len(row) == 10 for row in matrix.values)
    for row in matrix.values:
        assert sum(v or 0.0 for v in row) == pytest.approx(1.0, abs=0.02)
    confusion = [v for v in views if v.kind == "confusion_matrix"]
    assert confusion and confusion[-1].classes == matrix.texts
