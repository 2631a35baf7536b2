"""One benchmark row per preset: the run (the preset's own training section, plus the
few overrides that fit a CPU budget), what is measured afterwards, and the bar it is
held to. A preset without a row here still gets one: it trains as its document says
and its main validation metric is reported, so a new preset is never left out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

import layerlab
from layerlab.graph.document import GraphDocument
from presets_data import DataPlaces
from presets_judge import Judge, channel_statistics
from presets_train import Trained, train_preset

EARLY_LAYERS = ("fc1", "fc2", "fc3")
"""The deep sigmoid stack's first layers: where vanishing gradients must be named."""
SAMPLES_JUDGED = 1000
"""Generated digits per judged generator."""
DENOISING_STD = 0.4
"""Noise of the denoising row's held-out inputs, the std of the preset's Noise node."""


@dataclass(frozen=True)
class Measured:
    metric: str
    """The row's numbers for the table, in words."""
    values: dict[str, Any]
    passed: bool | None
    """None when the metric is reported without a bar."""


@dataclass
class Context:
    places: DataPlaces
    quick: bool
    trained: dict[str, Trained] = field(default_factory=dict)
    """Each preset trains once; twins and the judge reuse earlier rows."""

    def train(self, preset: str) -> Trained:
        if preset not in self.trained:
            row = ROWS.get(preset, Row(preset, "", report_main_metric))
            self.trained[preset] = train_preset(preset, self.places, row.overrides, self.quick)
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


def at_least(value: float, bar: float, quick: bool) -> bool | None:
    return None if quick else value >= bar


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


MOBILENET_FLOP_SHARE = 0.4
MOBILENET_ACC_GAP = 0.05


def measure_lightweight(run: Trained, ctx: Context) -> Measured:
    """MobileNet beside ResNet-20, trained on the same data for the same steps: the
    lesson is accuracy per FLOP (and that fewer FLOPs need not mean less CPU time)."""
    twin = ctx.train("resnet20_cifar10")
    acc, twin_acc = run.metric("val/acc"), twin.metric("val/acc")
    totals = layerlab.check(run.doc).totals
    twin_totals = layerlab.check(twin.doc).totals
    flop_share = totals.flops / twin_totals.flops
    per_mflop = acc / (totals.flops / 1e6)
    twin_per_mflop = twin_acc / (twin_totals.flops / 1e6)
    text = (
        f"val accuracy {acc:.4f} with {totals.params:,} params and {totals.flops / 1e6:.1f} "
        f"MFLOPs ({per_mflop:.4f} per MFLOP, {run.cpu_s:.0f} s CPU); ResNet-20: {twin_acc:.4f} "
        f"with {twin_totals.params:,} params and {twin_totals.flops / 1e6:.1f} MFLOPs "
        f"({twin_per_mflop:.4f} per MFLOP, {twin.cpu_s:.0f} s CPU); same data, "
        f"{run.result.step} and {twin.result.step} steps"
    )
    values = {
        "val/acc": acc,
        "params": totals.params,
        "flops": totals.flops,
        "resnet20_val/acc": twin_acc,
        "resnet20_params": twin_totals.params,
        "resnet20_flops": twin_totals.flops,
        "flop_share": flop_share,
        "cpu_s": run.cpu_s,
        "resnet20_cpu_s": twin.cpu_s,
    }
    passed = (
        None
        if ctx.quick
        else flop_share <= MOBILENET_FLOP_SHARE
        and acc >= twin_acc - MOBILENET_ACC_GAP
        and run.result.step == twin.result.step
    )
    return Measured(text, values, passed)


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


GPT_LOSS_BAR = 2.0
GPT_CPU_BUDGET_S = 600.0


def measure_language_model(run: Trained, ctx: Context) -> Measured:
    loss = run.metric("val/loss")
    text = (
        f"val loss {loss:.3f} (perplexity {run.metric('val/perplexity'):.2f}) "
        f"after {run.result.step:,} steps, {run.cpu_s:.0f} s CPU"
    )
    passed = None if ctx.quick else loss <= GPT_LOSS_BAR and run.cpu_s <= GPT_CPU_BUDGET_S
    return Measured(text, {"val/loss": loss, "cpu_s": run.cpu_s}, passed)


LOCAL_ATTENTION_SHARE = 1 / 3


def scored_pairs(doc: GraphDocument | dict[str, Any]) -> int:
    """Query-key scores per sample over the self-attention of every attention node,
    blocks' insides included, by the ops' own rule (their FLOPs and memory use it)."""
    from layerlab.graph.analysis import analyze
    from layerlab.graph.inference import every_node
    from layerlab.ops.attention import PatternParams, pattern_pairs

    analysis = analyze(GraphDocument.model_validate(doc) if isinstance(doc, dict) else doc)
    assert analysis.result is not None, analysis.errors
    total = 0
    for node in every_node(analysis.result):
        if isinstance(node.op_params, PatternParams):
            length = (node.inputs.get("x") or node.inputs["query"]).shape[0]
            causal = bool(getattr(node.op_params, "causal", False))
            total += pattern_pairs(node.op_params, length, length, causal)
    return total


def windows_removed(doc: GraphDocument) -> dict[str, Any]:
    """The document with every sliding window set to 0: full attention, same block."""
    raw = doc.model_dump(mode="json", exclude_none=True)
    for node in [*raw["nodes"], *(n for block in raw.get("blocks", []) for n in block["nodes"])]:
        params = node.get("params", {})
        for name in ("window", "global_tokens"):
            if isinstance(params.get(name), int):
                params[name] = 0
    for block in raw.get("blocks", []):
        for name in ("window", "global_tokens"):
            if isinstance(block.get("params", {}).get(name), int):
                block["params"][name] = 0
    return raw


def measure_local_language_model(run: Trained, ctx: Context) -> Measured:
    """The GPT's bar at a four times longer block, with the attention it does not pay."""
    loss = run.metric("val/loss")
    full_doc = windows_removed(run.doc)
    local, full = layerlab.check(run.doc), layerlab.check(full_doc)
    local_pairs, full_pairs = scored_pairs(run.doc), scored_pairs(full_doc)
    share = local_pairs / full_pairs
    text = (
        f"val loss {loss:.3f} (perplexity {run.metric('val/perplexity'):.2f}) after "
        f"{run.result.step:,} steps, {run.cpu_s:.0f} s CPU; attention scores "
        f"{local_pairs:,} vs {full_pairs:,} per sample with full attention at the same block "
        f"({share:.0%}); {local.totals.flops / 1e6:.0f} vs {full.totals.flops / 1e6:.0f} "
        f"MFLOPs per sample, training memory {local.totals.memory_bytes / 2**20:.0f} vs "
        f"{full.totals.memory_bytes / 2**20:.0f} MB at batch {local.totals.batch_size}"
    )
    values = {
        "val/loss": loss,
        "cpu_s": run.cpu_s,
        "attention_pairs": local_pairs,
        "full_attention_pairs": full_pairs,
        "flops": local.totals.flops,
        "full_flops": full.totals.flops,
        "memory_bytes": local.totals.memory_bytes,
        "full_memory_bytes": full.totals.memory_bytes,
    }
    passed = (
        None
        if ctx.quick
        else loss <= GPT_LOSS_BAR
        and run.cpu_s <= GPT_CPU_BUDGET_S
        and share <= LOCAL_ATTENTION_SHARE
    )
    return Measured(text, values, passed)


BERT_ACC_BAR = 0.45
BERT_BASELINE_FACTOR = 3.0


def measure_masked_lm(run: Trained, ctx: Context) -> Measured:
    """Masked-character accuracy beside the unigram baseline (always the most frequent
    training character), on the same held-out masks."""
    acc, unigram = run.metric("val/masked_acc"), run.metric("val/unigram_acc")
    text = (
        f"masked accuracy {acc:.3f} vs the unigram baseline's {unigram:.3f} "
        f"({acc / unigram:.1f}x); val loss {run.metric('val/loss'):.3f} after "
        f"{run.result.step:,} steps, {run.cpu_s:.0f} s CPU"
    )
    values = {"val/masked_acc": acc, "val/unigram_acc": unigram, "cpu_s": run.cpu_s}
    passed = (
        None
        if ctx.quick
        else acc >= BERT_ACC_BAR
        and acc >= BERT_BASELINE_FACTOR * unigram
        and run.cpu_s <= GPT_CPU_BUDGET_S
    )
    return Measured(text, values, passed)


CLIP_ZERO_SHOT_BAR = 0.95


def measure_contrastive(run: Trained, ctx: Context) -> Measured:
    """Zero-shot classification of held-out images by the nearest class name."""
    acc, scale = run.metric("val/zero_shot_acc"), run.metric("val/logit_scale")
    classes = run.data.info.num_classes or 10
    text = (
        f"zero-shot accuracy {acc:.4f} on {len(run.data.val):,} held-out images (chance "
        f"{1 / classes:.2f}); learned logit scale {scale:.1f} (temperature {1 / scale:.3f}, "
        f"from 0.07); {run.cpu_s:.0f} s CPU"
    )
    values = {"val/zero_shot_acc": acc, "val/logit_scale": scale, "cpu_s": run.cpu_s}
    return Measured(text, values, at_least(acc, CLIP_ZERO_SHOT_BAR, ctx.quick))


# -- image generators, judged by LeNet --------------------------------------------------


def pixels(run: Trained, x: torch.Tensor) -> torch.Tensor:
    """Undo the dataset's scaling: images in [0, 1] (the extras say how)."""
    mean, std = channel_statistics(run.data.extras, channels=x.shape[1])
    return (x * std + mean).clamp(0, 1)


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


DDPM_SAMPLES = 500
"""Samples the diffusion row judges: each walks back through every noise level."""
DDPM_CPU_BUDGET_S = 900.0


@torch.no_grad()
def measure_diffusion(run: Trained, ctx: Context) -> Measured:
    """Ancestral samples judged by LeNet as the GAN's are, within a CPU budget that
    counts the sampling too (every sample walks back through every noise level)."""
    from layerlab.train.tasks import make_task
    from layerlab.train.tasks.diffusion import Diffusion

    judge = ctx.judge()
    task = make_task(run.trainee, run.data, run.config)
    assert isinstance(task, Diffusion)
    count = 16 if ctx.quick else DDPM_SAMPLES
    cpu = time.process_time()
    samples, _ = task.sample(count, torch.Generator().manual_seed(0))
    sampling_s = time.process_time() - cpu
    verdict = judge.judge(pixels(run, samples))
    total_s = run.cpu_s + sampling_s
    text = (
        f"{count} samples ({task.steps} steps each): {verdict.text()}; noise MSE "
        f"{run.metric('val/loss'):.4f}; {run.cpu_s:.0f} s CPU training + {sampling_s:.0f} s "
        "sampling"
    )
    values = {
        "sample_confidence": verdict.confidence,
        "sample_classes": verdict.classes_covered,
        "sample_entropy": verdict.entropy,
        "sample_class_shares": list(verdict.shares),
        "val/loss": run.metric("val/loss"),
        "cpu_s": run.cpu_s,
        "sampling_cpu_s": sampling_s,
    }
    passed = (
        None
        if ctx.quick
        else verdict.confidence >= 0.8
        and verdict.classes_covered >= 8
        and total_s <= DDPM_CPU_BUDGET_S
    )
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
