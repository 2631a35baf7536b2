"""The rows of the course's later presets (issue 20): a lightweight CNN beside ResNet-20,
local attention beside full attention, BERT beside a unigram guess, CLIP's zero-shot
accuracy, and diffusion samples judged by LeNet."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import torch

import layerlab
from layerlab.graph.document import GraphDocument
from presets_measured import GPT_CPU_BUDGET_S, GPT_LOSS_BAR, Measured, at_least, pixels
from presets_train import Trained

if TYPE_CHECKING:
    from presets_rows import Context

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
