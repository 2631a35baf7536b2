"""Each task learns on its smallest data in seconds: the loss falls by a stated factor
and the task's main metric passes a stated bar (CPU, fixed seeds)."""

from __future__ import annotations

import math

import torch

from layerlab.graph.document import load_document
from tests.train.helpers import (
    chain,
    config,
    dataset,
    first_train_loss,
    image_blobs,
    mlp,
    n,
    of_type,
    registry,
    train,
)


def test_classification_mlp_on_moons() -> None:
    result, events = train(mlp(), registry("moons", size=400), config(lr=0.02, epochs=15))
    assert result.status == "finished"
    assert result.metrics["val/acc"] is not None and result.metrics["val/acc"] >= 0.95
    assert result.metrics["val/loss"] is not None
    assert result.metrics["val/loss"] < first_train_loss(events) / 4
    views = {v.kind for e in of_type(events, "samples") for v in e.views}
    assert {"predictions", "confusion_matrix", "decision_boundary"} <= views


def test_regression_mlp_on_sine() -> None:
    doc = mlp(inputs=1, hidden=(32, 32), outputs=1, activation="Tanh")
    result, events = train(
        doc, registry("sine", size=400), config(task="regression", lr=0.01, epochs=30)
    )
    assert result.status == "finished"
    r2 = result.metrics["val/r2"]
    assert r2 is not None and r2 >= 0.9
    assert result.metrics["val/loss"] is not None
    assert result.metrics["val/loss"] < first_train_loss(events) / 4
    curves = [v for e in of_type(events, "samples") for v in e.views if v.kind == "curve"]
    assert curves and len(curves[-1].x) == len(curves[-1].predicted)


def test_many_to_one_gru_on_sine_forecast() -> None:
    doc = load_document(
        {
            "nodes": [
                n("seq", "Input", shape=[20, 1]),
                n("gru", "GRU", hidden_size=16),
                n("head", "Linear", out_features=1),
                n("next", "Output"),
            ],
            "edges": [
                {"source": "seq", "target": "gru"},
                {"source": "gru", "source_port": "h", "target": "head"},
                {"source": "head", "target": "next"},
            ],
        }
    )
    data = registry("sine_forecast", size=600)
    result, events = train(doc, data, config(task="many_to_one", lr=0.01, epochs=8))
    assert result.status == "finished"
    r2 = result.metrics["val/r2"]
    assert r2 is not None and r2 >= 0.9, result.metrics
    assert result.metrics["val/loss"] is not None
    assert result.metrics["val/loss"] < first_train_loss(events) / 4


def seq2seq_doc(vocabulary: int, length: int) -> dict:
    layer = {"nhead": 2, "dim_feedforward": 64, "dropout": 0.0}
    return {
        "nodes": [
            n("source", "Input", shape=[length], dtype="int64"),
            n("src_embed", "Embedding", num_embeddings=vocabulary, embedding_dim=32),
            n("src_pos", "PositionalEncoding", max_len=32),
            n("encoder", "TransformerEncoderLayer", **layer),
            n("target", "Input", shape=[length], dtype="int64"),
            n("tgt_embed", "Embedding", num_embeddings=vocabulary, embedding_dim=32),
            n("tgt_pos", "PositionalEncoding", max_len=32),
            n("decoder", "TransformerDecoderLayer", **layer),
            n("head", "Linear", out_features=vocabulary),
            n("logits", "Output"),
        ],
        "edges": [
            {"source": "source", "target": "src_embed"},
            {"source": "src_embed", "target": "src_pos"},
            {"source": "src_pos", "target": "encoder"},
            {"source": "target", "target": "tgt_embed"},
            {"source": "tgt_embed", "target": "tgt_pos"},
            {"source": "tgt_pos", "target": "decoder", "target_port": "x"},
            {"source": "encoder", "target": "decoder", "target_port": "memory"},
            {"source": "decoder", "target": "head"},
            {"source": "head", "target": "logits"},
        ],
    }


def test_seq2seq_transformer_on_reverse() -> None:
    data = registry("reverse", size=1000, length=5, symbols=4)
    vocabulary = data.info.num_classes
    assert vocabulary is not None
    doc = load_document(seq2seq_doc(vocabulary, 5))
    result, events = train(doc, data, config(task="seq2seq", lr=0.003, epochs=8, batch_size=32))
    assert result.status == "finished"
    assert result.metrics["val/token_acc"] is not None and result.metrics["val/token_acc"] >= 0.95
    # Greedy decoding, fed its own outputs, gets whole sequences right.
    assert result.metrics["val/seq_acc"] is not None and result.metrics["val/seq_acc"] >= 0.8
    assert result.metrics["val/loss"] is not None
    assert result.metrics["val/loss"] < first_train_loss(events) / 4
    views = [v for e in of_type(events, "samples") for v in e.views]
    sequences = [v for v in views if v.kind == "sequences"]
    assert sequences and sum(item.correct for item in sequences[-1].items) >= 6
    assert any(v.kind == "attention" for v in views)


def test_char_language_model_on_a_text_file(tmp_path) -> None:
    (tmp_path / "corpus.txt").write_text("the quick brown fox jumps over the lazy dog. " * 60)
    data = load_data_text(tmp_path)
    vocabulary = data.info.num_classes
    assert vocabulary is not None
    doc = chain(
        [
            n("embed", "Embedding", num_embeddings=vocabulary, embedding_dim=32),
            n("pos", "PositionalEncoding", kind="learned", max_len=16),
            n(
                "block",
                "TransformerEncoderLayer",
                nhead=2,
                dim_feedforward=64,
                dropout=0.0,
                causal=True,
            ),
            n("head", "Linear", out_features=vocabulary),
        ],
        [16],
        dtype="int64",
    )
    cfg = config(task="language_model", lr=0.003, epochs=3, batch_size=32, sample_length=60)
    result, events = train(doc, data, cfg)
    assert result.status == "finished"
    perplexity = result.metrics["val/perplexity"]
    # A uniform guess has perplexity = vocabulary (~28); the sentence is nearly determined.
    assert perplexity is not None and perplexity < 1.5, result.metrics
    assert result.metrics["val/loss"] is not None
    assert result.metrics["val/loss"] < first_train_loss(events) / 4
    texts = [v for e in of_type(events, "samples") for v in e.views if v.kind == "text"]
    assert texts and len(texts[-1].text) == 60
    # The sampled text reuses the corpus's words.
    assert sum(word in texts[-1].text for word in ("quick", "brown", "fox", "lazy", "dog")) >= 2


def load_data_text(folder):
    from pathlib import Path

    from layerlab.train.data import LoadContext, load_dataset

    return load_dataset("text", {"path": "corpus.txt", "block_size": 16}, LoadContext(Path(folder)))


def bars(count: int = 480) -> object:
    images = image_blobs(count)
    labels = torch.zeros(count, dtype=torch.long)
    split = count * 5 // 6
    return dataset(
        {"kind": "image", "target": "class", "num_classes": 1},
        (images[:split], labels[:split]),
        (images[split:], labels[split:]),
    )


def autoencoder_layers(code: int = 8) -> list[dict]:
    return [
        n("flat", "Flatten"),
        n("enc", "Linear", out_features=32),
        n("enc_act", "ReLU"),
        n("bottleneck", "Linear", out_features=code),
        n("dec", "Linear", out_features=32),
        n("dec_act", "ReLU"),
        n("pixels_fc", "Linear", out_features=64),
        n("pixels", "Sigmoid"),
        n("unflat", "Reshape", shape=[1, 8, 8]),
    ]


def test_autoencoder_on_bar_images() -> None:
    doc = chain(autoencoder_layers(), [1, 8, 8])
    result, events = train(doc, bars(), config(task="autoencoder", lr=0.01, epochs=25))
    assert result.status == "finished"
    assert result.metrics["val/loss"] is not None
    assert result.metrics["val/loss"] < first_train_loss(events) / 5, result.metrics
    views = [v for e in of_type(events, "samples") for v in e.views if v.kind == "reconstructions"]
    assert views and len(views[-1].inputs) == len(views[-1].outputs) == 8
    assert views[-1].originals is None


def test_denoising_autoencoder_cleans_noisy_inputs() -> None:
    doc = chain(autoencoder_layers(), [1, 8, 8])
    cfg = config(task="denoising_autoencoder", loss="mse", lr=0.01, epochs=25, noise_std=0.3)
    result, events = train(doc, bars(), cfg)
    assert result.status == "finished"
    # The noise alone costs std^2 = 0.09 in MSE; the reconstruction must beat copying it.
    assert result.metrics["val/loss"] is not None and result.metrics["val/loss"] < 0.09 / 3
    views = [v for e in of_type(events, "samples") for v in e.views if v.kind == "reconstructions"]
    assert views and views[-1].originals is not None


def test_vae_adds_the_kl_term() -> None:
    doc = load_document(
        {
            "nodes": [
                n("image", "Input", shape=[1, 8, 8]),
                n("flat", "Flatten"),
                n("enc", "Linear", out_features=32),
                n("enc_act", "ReLU"),
                n("mean", "Linear", out_features=4),
                n("logvar", "Linear", out_features=4),
                n("sample", "Reparameterize"),
                n("dec", "Linear", out_features=32),
                n("dec_act", "ReLU"),
                n("pixels_fc", "Linear", out_features=64),
                n("pixels", "Sigmoid"),
                n("unflat", "Reshape", shape=[1, 8, 8]),
                n("reconstruction", "Output"),
                n("divergence", "Output"),
            ],
            "edges": [
                {"source": "image", "target": "flat"},
                {"source": "flat", "target": "enc"},
                {"source": "enc", "target": "enc_act"},
                {"source": "enc_act", "target": "mean"},
                {"source": "enc_act", "target": "logvar"},
                {"source": "mean", "target": "sample", "target_port": "mean"},
                {"source": "logvar", "target": "sample", "target_port": "logvar"},
                {"source": "sample", "source_port": "z", "target": "dec"},
                {"source": "dec", "target": "dec_act"},
                {"source": "dec_act", "target": "pixels_fc"},
                {"source": "pixels_fc", "target": "pixels"},
                {"source": "pixels", "target": "unflat"},
                {"source": "unflat", "target": "reconstruction"},
                # The KL Output is found by its wire from the kl port, whatever its id.
                {"source": "sample", "source_port": "kl", "target": "divergence"},
            ],
        }
    )
    result, events = train(doc, bars(), config(task="vae", lr=0.01, epochs=25))
    assert result.status == "finished"
    m = result.metrics
    assert (
        m["val/reconstruction"] is not None
        and m["val/kl"] is not None
        and m["val/loss"] is not None
    )
    assert m["val/kl"] > 0.1  # the code carries information: KL is not collapsed to zero
    assert math.isclose(m["val/loss"], m["val/reconstruction"] + m["val/kl"], rel_tol=1e-5)
    assert m["val/loss"] < first_train_loss(events) / 3, m
    train_metrics = of_type(events, "metrics")[0].values
    assert "train/kl" in train_metrics and "train/reconstruction" in train_metrics


def test_gan_moves_generated_points_onto_the_data() -> None:
    target = torch.tensor([2.0, -1.0])
    g = torch.Generator().manual_seed(0)
    points = target + 0.3 * torch.randn(600, 2, generator=g)
    labels = torch.zeros(600, dtype=torch.long)
    data = dataset(
        {"kind": "points", "target": "class", "num_classes": 1},
        (points[:500], labels[:500]),
        (points[500:], labels[500:]),
    )
    doc = load_document(
        {
            "nodes": [
                {**n("z", "Noise", shape=[4]), "network": "generator"},
                {**n("g1", "Linear", out_features=16), "network": "generator"},
                {**n("g_act", "ReLU"), "network": "generator"},
                {**n("g2", "Linear", out_features=2), "network": "generator"},
                {**n("fake", "Output"), "network": "generator"},
                {**n("point", "Input", shape=[2]), "network": "discriminator"},
                {**n("d1", "Linear", out_features=16), "network": "discriminator"},
                {**n("d_act", "LeakyReLU", negative_slope=0.2), "network": "discriminator"},
                {**n("d2", "Linear", out_features=1), "network": "discriminator"},
                {**n("score", "Output"), "network": "discriminator"},
            ],
            "edges": [
                {"source": "z", "target": "g1"},
                {"source": "g1", "target": "g_act"},
                {"source": "g_act", "target": "g2"},
                {"source": "g2", "target": "fake"},
                {"source": "point", "target": "d1"},
                {"source": "d1", "target": "d_act"},
                {"source": "d_act", "target": "d2"},
                {"source": "d2", "target": "score"},
            ],
        }
    )
    cfg = config(task="gan", lr=0.005, betas=(0.5, 0.999), epochs=12, batch_size=50)
    result, events = train(doc, data, cfg)
    assert result.status == "finished"
    clouds = [v for e in of_type(events, "samples") for v in e.views if v.kind == "points"]
    first, last = (torch.tensor(c.generated).mean(dim=0) for c in (clouds[0], clouds[-1]))
    assert float((first - target).norm()) > 1.0  # it starts far away
    assert float((last - target).norm()) < 0.4, last  # and ends on the data
    metrics = of_type(events, "metrics")[0].values
    assert {"train/d_loss", "train/g_loss", "train/d_real", "train/d_fake"} <= set(metrics)
    grads = of_type(events, "grad_norms")[0].values
    assert {"g1", "g2", "d1", "d2"} <= set(grads)  # both networks, keyed by node id
