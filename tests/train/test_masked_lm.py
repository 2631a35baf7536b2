"""The masked language model task: BERT's 80/10/10 corruption, a loss over the chosen
positions only, the [MASK] id past the vocabulary, and learning well past the unigram
guess on a small corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from layerlab.train.data import LoadContext, LoadedDataset, load_dataset
from layerlab.train.model import build_trainee
from layerlab.train.tasks import TaskError, make_task
from layerlab.train.tasks.masked_lm import MaskedLM
from tests.train.helpers import chain, config, n, of_type, train

SENTENCE = "the quick brown fox jumps over the lazy dog. "


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> LoadedDataset:
    folder: Path = tmp_path_factory.mktemp("corpus")
    (folder / "corpus.txt").write_text(SENTENCE * 60)
    options = {"path": "corpus.txt", "block_size": 16, "windows": "fixed"}
    data = load_dataset("text", options, LoadContext(folder))
    assert isinstance(data, LoadedDataset)
    return data


def encoder(vocabulary: int, embeddings: int) -> list[dict[str, object]]:
    return [
        n("embed", "Embedding", num_embeddings=embeddings, embedding_dim=32),
        n("pos", "PositionalEncoding", kind="learned", max_len=16),
        n("block", "TransformerEncoderLayer", nhead=2, dim_feedforward=64, dropout=0.0),
        n("head", "Linear", out_features=vocabulary),
    ]


def masked_task(data: LoadedDataset, embeddings: int | None = None) -> MaskedLM:
    vocabulary = data.info.num_classes
    assert vocabulary is not None
    doc = chain(encoder(vocabulary, embeddings or vocabulary + 1), [16], dtype="int64")
    cfg = config(task="masked_lm")
    task = make_task(build_trainee(doc, cfg.seed), data, cfg)
    assert isinstance(task, MaskedLM)
    return task


def test_corruption_follows_the_80_10_10_rule(corpus: LoadedDataset) -> None:
    task = masked_task(corpus)
    vocabulary = task.tokens
    x = torch.randint(0, vocabulary, (400, 250), generator=torch.Generator().manual_seed(1))
    inputs, chosen = task.corrupt(x, torch.Generator().manual_seed(2))
    # 100,000 positions: shares within ~5 standard deviations of their expectation.
    assert chosen.float().mean().item() == pytest.approx(0.15, abs=0.006)
    assert torch.equal(inputs[~chosen], x[~chosen])
    picked, original = inputs[chosen], x[chosen]
    masked = (picked == task.mask_id).float().mean().item()
    kept = (picked == original).float().mean().item()
    # A random token equals the original one time in `vocabulary`.
    assert masked == pytest.approx(0.8, abs=0.02)
    assert kept == pytest.approx(0.1 + 0.1 / vocabulary, abs=0.015)
    assert int(picked.max()) == task.mask_id and int(x.max()) < task.mask_id


def test_loss_counts_only_the_chosen_positions(corpus: LoadedDataset) -> None:
    task = masked_task(corpus)
    x = corpus.train.x[:8]
    torch.manual_seed(5)
    (phase,) = task.training_step(x, corpus.train.y[:8])
    torch.manual_seed(5)
    inputs, chosen = task.corrupt(x)
    logits = task.logits(inputs)
    expected = F.cross_entropy(logits[chosen], x[chosen])
    torch.testing.assert_close(phase.loss, expected)


def test_embedding_without_room_for_the_mask_id_is_refused(corpus: LoadedDataset) -> None:
    vocabulary = corpus.info.num_classes
    assert vocabulary is not None
    with pytest.raises(TaskError, match=rf"num_embeddings {vocabulary + 1}"):
        masked_task(corpus, embeddings=vocabulary)


def test_learns_far_past_the_unigram_guess_and_shows_fills(corpus: LoadedDataset) -> None:
    vocabulary = corpus.info.num_classes
    assert vocabulary is not None
    doc = chain(encoder(vocabulary, vocabulary + 1), [16], dtype="int64")
    cfg = config(task="masked_lm", lr=0.003, epochs=10, batch_size=32)
    result, events = train(doc, corpus, cfg)
    assert result.status == "finished"
    acc, unigram = result.metrics["val/masked_acc"], result.metrics["val/unigram_acc"]
    assert acc is not None and unigram is not None
    assert unigram < 0.3 and acc > 0.6, result.metrics  # 15 epochs reach 0.87
    views = [v for e in of_type(events, "samples") for v in e.views]
    fills = [v for v in views if v.kind == "sequences"][-1]
    assert fills.items and all(len(i.source) == len(i.target) for i in fills.items)
    assert any("_" in i.source for i in fills.items)
    assert any(v.kind == "attention" for v in views)
