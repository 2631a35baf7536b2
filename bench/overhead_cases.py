"""The networks of `train_overhead.py`, their synthetic data, and the hand-written loop
that LayerLab's `fit` is measured against.

Each network is a LayerLab document (a preset of graphs/ or a bench graph) and a
hand-written twin with the same parameters: a plain `nn.Module` of `compile_twins.py`,
or, for the character GPT, the plain-PyTorch code LayerLab exports for the preset
(`layerlab.export_python`), run as it is. `train_overhead.py` checks that both sides
hold the same number of parameters before it times them.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

import layerlab
from compile_twins import ResNet18, TransformerLM, lenet_twin
from layerlab.train.data.base import DatasetInfo, LoadedDataset, Split

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOG_EVERY = 10
"""The hand-written loop reads its loss on the host this often (a logging interval)."""


# -- synthetic data -----------------------------------------------------------------------


def random_images(
    samples: int, shape: tuple[int, ...] = (1, 28, 28), classes: int = 10
) -> LoadedDataset:
    """Random images of `shape` with random labels (MNIST-shaped by default)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(samples, *shape, generator=g)
    y = torch.randint(0, classes, (samples,), generator=g)
    info = DatasetInfo(
        name=f"random-images-{'x'.join(map(str, shape))}",
        kind="image",
        input_shape=list(shape),
        target="class",
        num_classes=classes,
        train_size=samples,
        val_size=64,
    )
    return LoadedDataset(info, Split(x, y), Split(x[:64], y[:64]))


def random_tokens(samples: int, vocab: int = 1000, length: int = 64) -> LoadedDataset:
    """Random token windows and random next tokens (a language model's shapes)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, vocab, (samples, length), generator=g)
    y = torch.randint(0, vocab, (samples, length), generator=g)
    info = DatasetInfo(
        name=f"random-tokens-{vocab}",
        kind="text",
        input_shape=[length],
        input_dtype="int64",
        target="sequence",
        target_shape=[length],
        num_classes=vocab,
        train_size=samples,
        val_size=64,
    )
    return LoadedDataset(info, Split(x, y), Split(x[:64], y[:64]))


# -- the networks -------------------------------------------------------------------------


def exported_twin(text: str) -> Callable[[], nn.Module]:
    """The plain-PyTorch module LayerLab exports for a document, as a class to call."""
    code = layerlab.export_python(text)
    found = re.search(r"^    model = (\w+)\(\)", code, re.MULTILINE)
    assert found, "the exported code names its model in its __main__ block"
    # A real module: torch.compile looks a function's globals up by its module's name.
    module = types.ModuleType(f"layerlab_exported_{found.group(1)}")
    sys.modules[module.__name__] = module
    exec(compile(code, f"<{module.__name__}>", "exec"), module.__dict__)
    model_class: Callable[[], nn.Module] = getattr(module, found.group(1))
    return model_class


def transformer_document(layers: int) -> dict[str, Any]:
    """bench/graphs/transformer6_tokens.json with its encoder block repeated `layers` times."""
    doc = json.loads((BENCH / "graphs" / "transformer6_tokens.json").read_text())
    for node in doc["nodes"]:
        if node["id"] == "encoder":
            node["repeat"] = layers
    doc["name"] = f"Transformer, {layers} layers"
    return doc


@dataclass
class Case:
    """One network as both sides train it: the document for `fit`, the twin by hand."""

    key: str  # the name on the command line
    name: str  # the name in the report
    document: dict[str, Any]
    hand_written: Callable[[], nn.Module]
    make_data: Callable[[int], LoadedDataset]  # samples -> data set
    task: str
    batch: int  # the overhead rows' batch
    mfu_batch: int  # a batch that fills a large GPU
    optimizer: dict[str, Any] = field(default_factory=lambda: {"optimizer": "adam", "lr": 1e-3})
    baseline: str = "hand-written twin (compile_twins.py)"
    tiny_batch: int = 4  # --quick


def case(key: str) -> Case:
    """The network named `key` (one of NETWORKS)."""
    if key == "lenet5":
        text = (ROOT / "graphs" / "lenet5_mnist.json").read_text()
        return Case(
            key,
            "LeNet-5",
            json.loads(text),
            lenet_twin(text),
            random_images,
            "classification",
            batch=64,
            mfu_batch=4096,
        )
    if key == "resnet18":
        # The preset (graphs/) has the bench graph's layers under other node ids.
        text = (ROOT / "graphs" / "resnet18_cifar10.json").read_text()
        return Case(
            key,
            "ResNet-18 (CIFAR-10)",
            json.loads(text),
            ResNet18,
            partial(random_images, shape=(3, 32, 32)),
            "classification",
            batch=128,
            mfu_batch=1024,
            # The preset's optimizer; lr 0.01 rather than 0.1, as the labels are random.
            optimizer={"optimizer": "sgd", "lr": 0.01, "momentum": 0.9, "weight_decay": 5e-4},
        )
    if key in ("transformer", "transformer2"):
        layers = 6 if key == "transformer" else 2
        return Case(
            key,
            f"Transformer, {layers} layers",
            transformer_document(layers),
            partial(TransformerLM, layers=layers),
            random_tokens,
            "language_model",
            batch=32,
            mfu_batch=1024,
            tiny_batch=2,
        )
    if key == "gpt":
        text = (ROOT / "graphs" / "gpt_char.json").read_text()
        return Case(
            key,
            "GPT (characters)",
            json.loads(text),
            exported_twin(text),
            partial(random_tokens, vocab=65),
            "language_model",
            batch=32,
            mfu_batch=4096,
            optimizer={"optimizer": "adamw", "lr": 2e-3},  # the preset's
            baseline="the preset's exported PyTorch code (layerlab.export_python)",
            tiny_batch=2,
        )
    raise ValueError(f"unknown network {key!r}; choose from {', '.join(NETWORKS)}")


NETWORKS = ("lenet5", "resnet18", "transformer", "transformer2", "gpt")
"""Every network `case` knows. transformer2 is the CPU's small Transformer."""
DEFAULT_NETWORKS = {
    "cpu": ("lenet5", "transformer2"),
    "cuda": ("lenet5", "resnet18", "transformer", "gpt"),
}
MFU_NETWORKS = ("resnet18", "gpt")


# -- the hand-written loop ----------------------------------------------------------------


def hand_optimizer(params: list[nn.Parameter], settings: dict[str, Any]) -> torch.optim.Optimizer:
    """The optimizer as a person writes it, with the settings LayerLab is given."""
    lr, decay = settings["lr"], settings.get("weight_decay", 0.0)
    if settings["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=settings["momentum"], weight_decay=decay)
    if settings["optimizer"] == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=decay)
    return torch.optim.Adam(params, lr=lr, weight_decay=decay)


@dataclass(frozen=True)
class HandSettings:
    """How the hand-written loop executes: what LayerLab resolved for the same config
    (`layerlab.train.execution.resolve`), written by hand."""

    dtype: torch.dtype | None = None  # autocast dtype; None: float32
    compiled: bool = False  # torch.compile of the forward and loss
    compile_mode: str | None = None  # torch.compile's mode (None: its default)
    channels_last: bool = False  # convolution weights and image batches NHWC
    tf32: bool = False  # float32 matmuls and convolutions on tensor cores

    @property
    def precision(self) -> str:
        """bf16, fp16, or off (float32)."""
        if self.dtype is None:
            return "off"
        return "bf16" if self.dtype is torch.bfloat16 else "fp16"


DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def mirror(config: Any, device: torch.device, trainee: Any) -> HandSettings:
    """The hand loop's settings for a TrainingConfig: LayerLab's own resolution of its
    `auto`s (precision, execution, CUDA graphs, memory format, TF32) on this device."""
    try:
        from layerlab.train.execution import resolve
    except ImportError:  # a LayerLab before issue 21: precision only, eager
        mode = getattr(config, "precision", "off")
        dtype = DTYPES.get(mode) if device.type == "cuda" else None
        return HandSettings(dtype=dtype)
    chosen = resolve(config, device, trainee)
    return HandSettings(
        dtype=DTYPES.get(chosen.precision),
        compiled=chosen.mode == "fast",
        compile_mode=chosen.compile_mode,
        channels_last=chosen.channels_last,
        tf32=chosen.tf32,
    )


@contextlib.contextmanager
def tf32(on: bool) -> Iterator[None]:
    """TF32 matmuls and convolutions while the block runs (as LayerLab's run sets them)."""
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    if on:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


class HandLoop:
    """The hand-written loop, one step per call (nanoGPT style): index a batch from a
    seeded permutation, forward and cross-entropy under autocast when a dtype is given,
    zero_grad, backward (through a gradient scaler for fp16), step; the loss read on the
    host every LOG_EVERY steps, as logging does. Compiled: the forward and loss go
    through `torch.compile` (with CUDA graphs in "reduce-overhead" mode), as a person
    speeding up this loop would write it."""

    def __init__(
        self,
        case: Case,
        data: LoadedDataset,
        device: torch.device,
        settings: HandSettings,
        batch: int,
    ):
        torch.manual_seed(0)
        self.model = case.hand_written().to(device)
        if settings.channels_last:
            self.model.to(memory_format=torch.channels_last)
        self.optimizer = hand_optimizer(list(self.model.parameters()), case.optimizer)
        self.batch, self.device, self.settings = batch, device, settings
        self.x, self.y = data.train.x.to(device), data.train.y.to(device)
        self.order = torch.randperm(len(self.x)).to(device)
        self.scaler = torch.amp.GradScaler("cuda", enabled=settings.dtype is torch.float16)
        self.loss_of = (
            torch.compile(self._loss, mode=settings.compile_mode)
            if settings.compiled
            else self._loss
        )
        self.graphs = settings.compiled and settings.compile_mode == "reduce-overhead"
        self.step = 0

    def _loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        logits = self.model(x)  # (B, classes) or (B, T, vocab)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.settings.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.settings.dtype)

    def params(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def __call__(self) -> None:
        i = self.step % (len(self.x) // self.batch)
        index = self.order[i * self.batch : (i + 1) * self.batch]
        x = self.x[index]
        if self.settings.channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)  # (B, C, H, W), NHWC in memory
        if self.graphs:
            torch.compiler.cudagraph_mark_step_begin()
        with self.autocast():
            loss = self.loss_of(x, self.y[index])
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
        if self.step % LOG_EVERY == 0:
            loss.item()
        self.step += 1
