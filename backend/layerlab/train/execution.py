"""How a run's steps execute on its device, decided once per run: the device itself
(`pick_device`), precision, eager or compiled, CUDA graphs, the convolutions' memory
format and TF32 matmuls.

`resolve` turns the config's `auto`s into choices for this device and model; `prepare`
applies the global ones (the memory format of the weights, the TF32 switches) and undoes
them when the run ends; `ExecutionInfo` (events.py) tells the run page what was chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from layerlab.train.config import ConfigError, ExecutionUsed, PrecisionUsed, TrainingConfig
from layerlab.train.events import ExecutionInfo
from layerlab.train.model import Trainee
from layerlab.train.precision import resolve_precision

FAST_BY_DEFAULT_ON_CUDA = False
"""What `execution: auto` picks on CUDA. Eager until the GPU benchmark (bench/) has
measured compiled steps against eager ones on the presets: it sets this. The CPU and MPS
stay eager (DESIGN.md "Measured here": torch.compile made LeNet 0.6x on the CPU)."""

CUDA_GRAPHS_MAX_PARAMS = 50_000_000
"""Fast execution on CUDA replays the compiled step as CUDA graphs (torch.compile's
"reduce-overhead") for networks up to this many parameters. Small networks are bound by
kernel launches, which a graph replays in one call; a large one is bound by its kernels
and would only pay the graphs' private memory pool."""


def pick_device(name: str) -> torch.device:
    """`auto`: CUDA, then Apple MPS, then the CPU. A named device must exist."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError([f"training.device: {name} requested but CUDA is not available here"])
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(
            [f"training.device: {name} requested but Apple MPS is not available here"]
        )
    return device


@dataclass(frozen=True)
class Execution:
    precision: PrecisionUsed
    mode: ExecutionUsed
    cuda_graphs: bool = False
    channels_last: bool = False
    tf32: bool = False

    @property
    def compile_mode(self) -> str | None:
        """torch.compile's mode: CUDA graphs ("reduce-overhead") or its default."""
        return "reduce-overhead" if self.cuda_graphs else None

    def info(self, compiling: bool = False, compile_s: float | None = None) -> ExecutionInfo:
        return ExecutionInfo(
            precision=self.precision,
            execution=self.mode,
            cuda_graphs=self.cuda_graphs,
            channels_last=self.channels_last,
            tf32=self.tf32,
            compiling=compiling,
            compile_s=None if compile_s is None else round(compile_s, 2),
        )


def resolve(
    config: TrainingConfig,
    device: torch.device,
    trainee: Trainee,
    processes: int = 1,
    whole_step: bool = True,
) -> Execution:
    """The config's choices on `device` for this model, trained by `processes` ranks;
    `whole_step`: fast execution compiles the task's whole step (fast.py), not only
    each network."""
    cuda = device.type == "cuda"
    mode: ExecutionUsed = "fast" if cuda and FAST_BY_DEFAULT_ON_CUDA else "eager"
    if config.execution != "auto":
        mode = config.execution
    params = sum(p.numel() for p in trainee.module.parameters())
    return Execution(
        precision=resolve_precision(config.precision, device),
        mode=mode,
        # Graphs for one static step: one process (data parallelism's all-reduce and
        # gradient buckets stay outside), one phase (a GAN calls its networks several
        # times between updates).
        cuda_graphs=cuda
        and mode == "fast"
        and params <= CUDA_GRAPHS_MAX_PARAMS
        and processes == 1
        and whole_step,
        channels_last=cuda and has_conv2d(trainee.module),
        tf32=cuda,
    )


def has_conv2d(module: nn.Module) -> bool:
    return any(isinstance(m, nn.Conv2d) for m in module.modules())


def prepare(execution: Execution, trainee: Trainee) -> Callable[[], None]:
    """Apply the run-wide choices; returns what undoes the process-wide ones (TF32)."""
    if execution.channels_last:
        # 4-D weights (Conv2d) are stored NHWC, what cuDNN's tensor-core kernels read; a
        # convolution with a channels-last weight also gives channels-last outputs.
        trainee.module.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    if not execution.tf32:
        return lambda: None
    matmul, cudnn = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = True  # float32 matmuls on tensor cores
    torch.backends.cudnn.allow_tf32 = True

    def undo() -> None:
        torch.backends.cuda.matmul.allow_tf32 = matmul
        torch.backends.cudnn.allow_tf32 = cudnn

    return undo


def channels_last_input(x: torch.Tensor, execution: Execution) -> torch.Tensor:
    """An image batch (B, C, H, W) in the weights' memory format."""
    if execution.channels_last and x.dim() == 4:
        return x.contiguous(memory_format=torch.channels_last)  # (B, C, H, W), NHWC in memory
    return x
