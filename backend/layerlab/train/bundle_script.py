"""The plain PyTorch training script of a reproducibility bundle (train/bundle.py): a
template filled with the model's class name, read top to bottom as nanoGPT's train.py.

It repeats what LayerLab's fit loop does for the classification and regression tasks,
with torch alone: the seeded model, the epoch permutation (the same formula as
train/data/sampling.py), the optimizer and learning-rate schedule (as train/optim.py),
gradient clipping, and validation each epoch; tests/train/test_bundle.py holds it to
LayerLab's own run."""

from __future__ import annotations

SCRIPT = '''"""Retrain {title} with plain PyTorch: LayerLab run {run}, its task and settings.

    python train.py                  # the run's epochs, from its seed
    python train.py --epochs 1       # fewer epochs
    python train.py --from-weights   # start from the run's weights (needs safetensors)

model.py is the network; config.json the run's training settings (seed included);
data.pt the exact tensors the run trained and validated on, as LayerLab loaded them
(split and normalised); weights.safetensors the run's weights. Needs torch alone.
Prints one JSON line per epoch: the validation metrics, named as LayerLab names them.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # model.py, however this script is started
from model import {model_class} as Model  # noqa: E402

C = json.loads((HERE / "config.json").read_text())


def lr_at(step, total_steps, steps_per_epoch):
    """The learning rate of optimizer step `step` (from 0), as LayerLab schedules it."""
    peak, floor = C["lr"], C["lr"] * C["min_lr_ratio"]
    warmup = min(C["warmup_steps"], max(total_steps - 1, 0))
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(max((step - warmup) / max(total_steps - warmup - 1, 1), 0.0), 1.0)
    if C["schedule"] == "step":
        return peak * C["step_gamma"] ** (step // max(steps_per_epoch, 1) // C["step_epochs"])
    if C["schedule"] == "cosine":
        return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    if C["schedule"] == "one_cycle":
        start = peak / 25.0
        end = floor if floor > 0 else peak / (25.0 * 1e4)
        if progress < 0.3:
            return start + (peak - start) * 0.5 * (1 - math.cos(math.pi * progress / 0.3))
        fall = (progress - 0.3) / 0.7
        return end + (peak - end) * 0.5 * (1 + math.cos(math.pi * fall))
    return peak


def epoch_order(count, seed, epoch):
    """The epoch's sample order: a permutation that depends on (seed, epoch) alone."""
    generator = torch.Generator().manual_seed((seed + 1_000_003 * (epoch + 1)) % 2**63)
    return torch.randperm(count, generator=generator)


def optimizer_for(params):
    if C["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=C["lr"], momentum=C["momentum"],
                               nesterov=C["nesterov"] and C["momentum"] > 0,
                               weight_decay=C["weight_decay"])
    if C["optimizer"] == "adam":
        return torch.optim.Adam(params, lr=C["lr"], betas=C["betas"], weight_decay=C["weight_decay"])
    if C["optimizer"] == "adamw":
        return torch.optim.AdamW(params, lr=C["lr"], betas=C["betas"], weight_decay=C["weight_decay"])
    return torch.optim.RMSprop(params, lr=C["lr"], momentum=C["momentum"], weight_decay=C["weight_decay"])


def prediction(model, x):
    out = model(x)
    return out[0] if isinstance(out, tuple) else out


def loss_of(out, y):
    if C["task"] == "classification":  # logits (B, C) against class ids (B,)
        return F.cross_entropy(out.reshape(out.shape[0], -1), y, label_smoothing=C["label_smoothing"])
    out = out.reshape(y.shape)
    if C["loss"] in ("auto", "mse"):
        return F.mse_loss(out, y)
    if C["loss"] == "l1":
        return F.l1_loss(out, y)
    return F.smooth_l1_loss(out, y)


@torch.no_grad()
def validate(model, x, y):
    model.eval()
    sums = {{"loss": 0.0, "hits": 0.0, "sq": 0.0}}
    for i in range(0, len(x), 1024):
        out, target = prediction(model, x[i : i + 1024]), y[i : i + 1024]
        sums["loss"] += float(loss_of(out, target)) * len(target)
        if C["task"] == "classification":
            sums["hits"] += float((out.reshape(len(target), -1).argmax(1) == target).sum())
        else:
            sums["sq"] += float(((out.reshape(target.shape) - target) ** 2).sum())
    model.train()
    n = len(y)
    if C["task"] == "classification":
        return {{"val/loss": sums["loss"] / n, "val/acc": sums["hits"] / n}}
    variance = float(((y - y.mean()) ** 2).sum())
    return {{"val/loss": sums["loss"] / n, "val/mse": sums["sq"] / y.numel(),
            "val/r2": 1 - sums["sq"] / variance if variance > 0 else 0.0}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    parser.add_argument("--epochs", type=int, default=C["epochs"])
    parser.add_argument("--from-weights", action="store_true", help="start from weights.safetensors")
    args = parser.parse_args()
    if C["task"] not in ("classification", "regression"):
        raise SystemExit(f"this script trains classification and regression; the run's task is {{C['task']}}")
    data = torch.load(HERE / "data.pt", weights_only=True)
    train_x, train_y, val_x, val_y = data["train_x"], data["train_y"], data["val_x"], data["val_y"]

    torch.manual_seed(C["seed"])
    model = Model()
    if args.from_weights:
        from safetensors.torch import load_file
        model.load_state_dict(load_file(HERE / "weights.safetensors"))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = optimizer_for(params)
    batch = min(C["batch_size"], len(train_x))
    steps_per_epoch = len(train_x) // batch  # a last partial batch is left out
    total = steps_per_epoch * args.epochs
    if C["max_steps"] is not None:
        total = min(total, C["max_steps"])

    step = 0
    for epoch in range(args.epochs):
        order = epoch_order(len(train_x), C["seed"], epoch)
        for b in range(steps_per_epoch):
            if step >= total:
                break
            index = order[b * batch : (b + 1) * batch]
            x, y = train_x[index], train_y[index]
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, total, steps_per_epoch)
            loss = loss_of(prediction(model, x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if C["clip_grad_value"] is not None:
                torch.nn.utils.clip_grad_value_(params, C["clip_grad_value"])
            if C["clip_grad_norm"] is not None:
                torch.nn.utils.clip_grad_norm_(params, C["clip_grad_norm"])
            optimizer.step()
            step += 1
        print(json.dumps({{"epoch": epoch + 1, "step": step, **validate(model, val_x, val_y)}}), flush=True)
    torch.save(model.state_dict(), HERE / "retrained.pt")


if __name__ == "__main__":
    main()
'''
