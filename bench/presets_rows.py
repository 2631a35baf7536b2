"""One benchmark row per preset: the run (the preset's own training section, plus the
few overrides that fit a CPU budget), what is measured afterwards, and the bar it is
held to. A preset without a row here still gets one: it trains as its document says
and its main validation metric is reported, so a new preset is never left out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

from layerlab.graph.document import GraphDocument
from presets_course import (
    BERT_ACC_BAR,
    BERT_BASELINE_FACTOR,
    CLIP_ZERO_SHOT_BAR,
    DDPM_CPU_BUDGET_S,
    LOCAL_ATTENTION_SHARE,
    MOBILENET_ACC_GAP,
    MOBILENET_FLOP_SHARE,
    measure_contrastive,
    measure_diffusion,
    measure_lightweight,
    measure_local_language_model,
    measure_masked_lm,
)
from presets_data import DataPlaces
from presets_judge import Judge, channel_statistics
from presets_measured import GPT_CPU_BUDGET_S, GPT_LOSS_BAR, Measured, at_least, pixels
from presets_train import Trained, train_preset

EARLY_LAYERS = ("fc1", "fc2", "fc3")
"""The deep sigmoid stack's first layers: where vanishing gradients must be named."""
SAMPLES_JUDGED = 1000
"""Generated digits per judged generator."""
DENOISING_STD = 0.4
"""Noise of the denoising row's held-out inputs, the std of the preset's Noise node."""


@dataclass
class Context:
    places: DataPlaces
    quick: bool
    trained: dict[str, Trained] = field(default_factory=dict)
    """Each preset trains once; twins and the judge reuse earlier rows."""

    def train(self, preset: str) -> Trained:
        if preset not in self.trained:
            row = ROWS.get(preset, Row(preset, "", report_main_metric))
            # A measurement under no_grad may ask for a row not trained yet (the judge).
            with torch.enable_grad():
                trained = train_preset(preset, self.places, row.overrides, self.quick)
            self.trained[preset] = trained
        return self.trained[preset]

    def judge(self) -> Judge:
        lenet = self.train("lenet5_mnist")
        mean, std = channel_statistics(lenet.data.extras, channels=1)
        return Judge(lenet.trainee.net(), mean, std, lenet.metric("val/acc"))


Measure = Callable[[Trained, Context], Measured]


@dataclass(frozen=True)
class Row:
    preset: str
    bar: str
    """What the row must show, in words; empty when the metric is only reported."""
    measure: Measure
    overrides: dict[str, Any] = field(default_factory=dict)
    """Changes to the preset's training section for this benchmark (shorter runs)."""


# -- classification and regression ------------------------------------------------------


def report_main_metric(run: Trained, ctx: Context) -> Measured:
    """What a preset without a row of its own reports: its headline validation metric."""
    for key in ("val/acc", "val/r2", "val/loss"):
        if run.result.metrics.get(key) is not None:
            return Measured(f"{key} {run.metric(key):.4f}", {key: run.metric(key)}, None)
    return Measured("no validation metric", {}, None)


def accuracy_bar(bar: float | None) -> Measure:
    def measure(run: Trained, ctx: Context) -> Measured:
        acc = run.metric("val/acc")
        passed = None if bar is None else at_least(acc, bar, ctx.quick)
        return Measured(f"val accuracy {acc:.4f}", {"val/acc": acc}, passed)

    return measure


def r2_bar(bar: float) -> Measure:
    def measure(run: Trained, ctx: Context) -> Measured:
        r2, mse = run.metric("val/r2"), run.metric("val/loss")
        text = f"val R^2 {r2:.4f}, val MSE {mse:.5f}"
        return Measured(text, {"val/r2": r2, "val/mse": mse}, at_least(r2, bar, ctx.quick))

    return measure


# -- sequences and text -----------------------------------------------------------------


@torch.no_grad()
def greedy_token_accuracy(run: Trained) -> float:
    """Token accuracy of greedy decoding on the held-out sequences: each output token is
    fed back as the next decoder input, so no answer is ever shown (no teacher forcing)."""
    net = run.trainee.net()
    x, y = run.data.val.x, run.data.val.y
    bos, pad = int(run.data.extras["bos"]), int(run.data.extras["pad"])
    length = y.shape[1]
    decoder_in = torch.full_like(y, pad)
    decoder_in[:, 0] = bos
    decoded = torch.empty_like(y)
    for t in range(length):
        logits = net(x, decoder_in).reshape(x.shape[0], length, -1)
        decoded[:, t] = logits[:, t].argmax(dim=-1)
        if t + 1 < length:
            decoder_in[:, t + 1] = decoded[:, t]
    return float((decoded == y).double().mean())


def measure_reversal(run: Trained, ctx: Context) -> Measured:
    accuracy = greedy_token_accuracy(run)
    sequences = run.metric("val/seq_acc")
    text = (
        f"greedy token accuracy {accuracy:.4f} on {len(run.data.val):,} held-out sequences "
        f"(exact sequences {sequences:.3f})"
    )
    values = {"greedy_token_acc": accuracy, "val/seq_acc": sequences}
    return Measured(text, values, at_least(accuracy, 0.95, ctx.quick))


def measure_language_model(run: Trained, ctx: Context) -> Measured:
    loss = run.metric("val/loss")
    text = (
        f"val loss {loss:.3f} (perplexity {run.metric('val/perplexity'):.2f}) "
        f"after {run.result.step:,} steps, {run.cpu_s:.0f} s CPU"
    )
    passed = None if ctx.quick else loss <= GPT_LOSS_BAR and run.cpu_s <= GPT_CPU_BUDGET_S
    return Measured(text, {"val/loss": loss, "cpu_s": run.cpu_s}, passed)


# -- image generators, judged by LeNet --------------------------------------------------


@torch.no_grad()
def measure_autoencoder(run: Trained, ctx: Context) -> Measured:
    judge = ctx.judge()
    val = run.data.val
    rebuilt = run.trainee.net()(val.x).reshape(val.x.shape)
    verdict = judge.judge(pixels(run, rebuilt), val.y)
    loss = run.metric("val/loss")
    text = f"val BCE {loss:.4f} per pixel; reconstructions: {verdict.text()}"
    values = {
        "val/loss": loss,
        "judge_acc": verdict.accuracy,
        "judge_real_acc": judge.real_accuracy,
    }
    assert verdict.accuracy is not None
    return Measured(text, values, at_least(verdict.accuracy, 0.9, ctx.quick))


@torch.no_grad()
def measure_denoising(run: Trained, ctx: Context) -> Measured:
    judge = ctx.judge()
    clean, labels = run.data.val.x, run.data.val.y
    generator = torch.Generator().manual_seed(1)
    noisy = clean + DENOISING_STD * torch.randn(clean.shape, generator=generator)
    denoised = run.trainee.net()(noisy).reshape(clean.shape)  # eval: the Noise node is off
    noisy_mse, denoised_mse = F.mse_loss(noisy, clean).item(), F.mse_loss(denoised, clean).item()
    verdict = judge.judge(pixels(run, denoised), labels)
    noisy_verdict = judge.judge(pixels(run, noisy), labels)
    assert verdict.accuracy is not None and noisy_verdict.accuracy is not None
    text = (
        f"MSE to the clean digit {denoised_mse:.4f} (the noisy input's: {noisy_mse:.4f}); "
        f"judge accuracy {verdict.accuracy:.3f} denoised vs {noisy_verdict.accuracy:.3f} noisy"
    )
    values = {
        "denoised_mse": denoised_mse,
        "noisy_mse": noisy_mse,
        "judge_acc_denoised": verdict.accuracy,
        "judge_acc_noisy": noisy_verdict.accuracy,
    }
    passed = None if ctx.quick else denoised_mse < noisy_mse / 4 and verdict.accuracy >= 0.9
    return Measured(text, values, passed)


def decoder_chain(doc: GraphDocument, start: str, port: str) -> list[str]:
    """Node ids from the edge leaving `start`'s `port` to the next Output, in order (the
    VAE's decoder), so random codes can be decoded without the encoder."""
    types = {node.id: node.type for node in doc.nodes}
    chain: list[str] = []
    edge = next(e for e in doc.edges if e.source == start and e.source_port == port)
    while types[edge.target] != "Output":
        chain.append(edge.target)
        edge = next(e for e in doc.edges if e.source == edge.target)
    return chain


@torch.no_grad()
def measure_vae(run: Trained, ctx: Context) -> Measured:
    judge = ctx.judge()
    net = run.trainee.net()
    val = run.data.val
    rebuilt = net(val.x).reshape(val.x.shape)  # eval: decoded from the mean code
    rebuilt_verdict = judge.judge(pixels(run, rebuilt), val.y)

    sampler = next(node.id for node in run.doc.nodes if node.type == "Reparameterize")
    # The code size is the width of the layer feeding the sampler's mean.
    mean_layer = next(
        e.source for e in run.doc.edges if e.target == sampler and e.target_port == "mean"
    )
    x = torch.randn(SAMPLES_JUDGED, net.module.get_submodule(mean_layer).out_features)
    for node in decoder_chain(run.doc, sampler, "z"):
        x = net.module.get_submodule(node)(x)
    sample_verdict = judge.judge(pixels(run, x.reshape(-1, *val.x.shape[1:])))
    assert rebuilt_verdict.accuracy is not None
    text = (
        f"reconstructions: {rebuilt_verdict.text()}; "
        f"{SAMPLES_JUDGED} decoded N(0, I) codes: {sample_verdict.text()}; "
        f"val loss {run.metric('val/loss'):.1f}"
    )
    values = {
        "recon_judge_acc": rebuilt_verdict.accuracy,
        "recon_confidence": rebuilt_verdict.confidence,
        "sample_confidence": sample_verdict.confidence,
        "sample_classes": sample_verdict.classes_covered,
        "sample_entropy": sample_verdict.entropy,
        "sample_class_shares": list(sample_verdict.shares),
        "val/loss": run.metric("val/loss"),
    }
    passed = (
        None
        if ctx.quick
        else rebuilt_verdict.accuracy >= 0.9 and sample_verdict.classes_covered == 10
    )
    return Measured(text, values, passed)


@torch.no_grad()
def measure_gan(run: Trained, ctx: Context) -> Measured:
    judge = ctx.judge()
    torch.manual_seed(0)
    fakes = run.trainee.net("generator")(batch_size=SAMPLES_JUDGED)
    verdict = judge.judge(pixels(run, fakes))
    text = (
        f"{SAMPLES_JUDGED} samples: {verdict.text()}; "
        f"D(real) {run.metric('val/d_real'):.2f}, D(G(z)) {run.metric('val/d_fake'):.2f}"
    )
    values = {
        "sample_confidence": verdict.confidence,
        "sample_classes": verdict.classes_covered,
        "sample_entropy": verdict.entropy,
        "sample_class_shares": list(verdict.shares),
    }
    # A GAN may drop a mode or two (a digit it rarely makes); the bar allows two.
    passed = None if ctx.quick else verdict.confidence >= 0.8 and verdict.classes_covered >= 8
    return Measured(text, values, passed)


# -- health twins -----------------------------------------------------------------------


def vanishing_summary(run: Trained) -> tuple[list[str], str]:
    nodes = sorted({e.node or "network" for e in run.diagnoses("vanishing_gradients")})
    said = ", ".join(nodes) if nodes else "none"
    return nodes, f"vanishing-gradient diagnosis: {said}; val accuracy {run.metric('val/acc'):.3f}"


def measure_sigmoid(run: Trained, ctx: Context) -> Measured:
    nodes, text = vanishing_summary(run)
    passed = None if ctx.quick else any(node in EARLY_LAYERS for node in nodes)
    return Measured(text, {"vanishing_nodes": len(nodes), "val/acc": run.metric("val/acc")}, passed)


def measure_residual(run: Trained, ctx: Context) -> Measured:
    nodes, text = vanishing_summary(run)
    twin = ctx.train("deep_sigmoid_mlp")
    same_steps = run.result.step == twin.result.step
    text += f" (the sigmoid twin: {twin.metric('val/acc'):.3f}, same data, {run.result.step} steps each)"
    passed = None if ctx.quick else not nodes and same_steps
    return Measured(text, {"vanishing_nodes": len(nodes), "val/acc": run.metric("val/acc")}, passed)


def generalisation_gap(run: Trained) -> tuple[float, str]:
    val_loss, train_loss = run.metric("val/loss"), run.metric("train/epoch_loss")
    gap = val_loss - train_loss
    warned = "raised" if run.diagnoses("overfitting") else "not raised"
    text = (
        f"train loss {train_loss:.3f}, val loss {val_loss:.3f}, gap {gap:.3f}; "
        f"val accuracy {run.metric('val/acc'):.3f}; overfitting diagnosis {warned}"
    )
    return gap, text


def measure_overfit(run: Trained, ctx: Context) -> Measured:
    gap, text = generalisation_gap(run)
    warned = bool(run.diagnoses("overfitting"))
    return Measured(text, {"gap": gap}, None if ctx.quick else warned and gap > 0.5)


def measure_regularised(run: Trained, ctx: Context) -> Measured:
    gap, text = generalisation_gap(run)
    twin_gap, _ = generalisation_gap(ctx.train("overfit_mlp"))
    text += f" (the unregularised twin's gap: {twin_gap:.3f})"
    return Measured(text, {"gap": gap}, None if ctx.quick else gap < twin_gap / 2)


# -- the rows, in the table's order ---------------------------------------------------------

# The CIFAR-10 networks train on whatever CIFAR-10 data is here (offline: the digits
# stand-in, 1,438 images) in short runs. Batches of 32 give such a small set enough
# steps; SGD's lr follows the batch size down (the linear scaling rule), except
# AlexNet's, which needs the preset's full lr to leave its starting plateau.
ALEXNET_SHORT = {"batch_size": 32, "epochs": 6}
RESNET20_SHORT = {"batch_size": 32, "lr": 0.1 * 32 / 128, "epochs": 3}
RESNET18_SHORT = {"batch_size": 32, "lr": 0.1 * 32 / 128, "epochs": 1}

ROWS: dict[str, Row] = {
    row.preset: row
    for row in [
        Row("mlp_playground", "val accuracy >= 0.97", accuracy_bar(0.97)),
        Row("mlp_regression", "val R^2 >= 0.95", r2_bar(0.95)),
        Row("lenet5_mnist", "val accuracy >= 0.98 within 5 epochs", accuracy_bar(0.98)),
        Row("vit_tiny_mnist", "val accuracy >= 0.93 within 5 epochs", accuracy_bar(0.93)),
        Row("alexnet_cifar10", "", accuracy_bar(None), ALEXNET_SHORT),
        Row("resnet20_cifar10", "", accuracy_bar(None), RESNET20_SHORT),
        Row("resnet18_cifar10", "", accuracy_bar(None), RESNET18_SHORT),
        Row(
            "mobilenet_cifar10",
            f"FLOPs <= {MOBILENET_FLOP_SHARE:.0%} of ResNet-20's; val accuracy within "
            f"{MOBILENET_ACC_GAP} of ResNet-20's (same data, same steps)",
            measure_lightweight,
            RESNET20_SHORT,
        ),
        Row("rnn_sine", "val R^2 >= 0.95", r2_bar(0.95)),
        Row("gru_sine", "val R^2 >= 0.95", r2_bar(0.95)),
        Row("lstm_parity", "val accuracy >= 0.95", accuracy_bar(0.95)),
        Row(
            "transformer_seq2seq",
            "greedy token accuracy >= 0.95 on held-out sequences",
            measure_reversal,
        ),
        Row(
            "gpt_char",
            f"val loss <= {GPT_LOSS_BAR} within {GPT_CPU_BUDGET_S:.0f} s of CPU time",
            measure_language_model,
        ),
        Row(
            "gpt_char_local",
            f"val loss <= {GPT_LOSS_BAR} within {GPT_CPU_BUDGET_S:.0f} s of CPU time (the GPT's "
            f"bar) at a 4x longer block; attention scores <= {LOCAL_ATTENTION_SHARE:.0%} of full "
            "attention's",
            measure_local_language_model,
        ),
        Row(
            "bert_char",
            f"masked accuracy >= {BERT_ACC_BAR} and >= {BERT_BASELINE_FACTOR:.0f}x the unigram "
            f"baseline's, within {GPT_CPU_BUDGET_S:.0f} s of CPU time",
            measure_masked_lm,
        ),
        Row(
            "clip_mnist",
            f"zero-shot accuracy >= {CLIP_ZERO_SHOT_BAR} on held-out images (chance 0.10)",
            measure_contrastive,
        ),
        Row(
            "autoencoder_mnist",
            "LeNet judges >= 90% of reconstructions as their digit",
            measure_autoencoder,
        ),
        Row(
            "denoising_autoencoder_mnist",
            "MSE < 1/4 of the noisy input's; LeNet accuracy on denoised >= 0.9",
            measure_denoising,
        ),
        Row(
            "vae_mnist",
            "LeNet accuracy on reconstructions >= 0.9; samples: 10 of 10 digits each >= 2%",
            measure_vae,
        ),
        Row(
            "dcgan_mnist",
            "LeNet confidence on samples >= 0.8; >= 8 of 10 digits each >= 2% of samples",
            measure_gan,
        ),
        Row(
            "ddpm_mnist",
            "LeNet confidence on samples >= 0.8; >= 8 of 10 digits each >= 2% of samples; "
            f"training and sampling within {DDPM_CPU_BUDGET_S:.0f} s of CPU time",
            measure_diffusion,
        ),
        Row(
            "deep_sigmoid_mlp",
            "vanishing-gradient diagnosis on an early layer",
            measure_sigmoid,
        ),
        Row(
            "deep_residual_mlp",
            "no vanishing-gradient diagnosis (same data and steps as the sigmoid twin)",
            measure_residual,
        ),
        Row(
            "overfit_mlp",
            "overfitting diagnosis raised; val - train loss gap > 0.5",
            measure_overfit,
        ),
        Row(
            "regularized_mlp",
            "gap under half the unregularised twin's",
            measure_regularised,
        ),
    ]
}


def run_row(preset: str, ctx: Context) -> tuple[Trained, Measured]:
    row = ROWS.get(preset, Row(preset, "", report_main_metric))
    run = ctx.train(preset)
    return run, row.measure(run, ctx)


def bar_of(preset: str) -> str:
    row = ROWS.get(preset)
    return row.bar if row is not None else ""
