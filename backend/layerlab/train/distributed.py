"""Data parallelism inside the fit loop: N ranks, one model each, one global batch.

Every rank holds the whole model and the whole dataset and walks the same seeded sample
order; of each step's `batch_size` samples rank r takes the r-th contiguous slice of
`batch_size / N`. After a phase's backward, one all-reduce averages the gradients (what
DistributedDataParallel does, written out so that every task works, a GAN's two
optimizers included, and so the layer hooks see plain modules), and in the same
message the loss and the leader's pause/stop requests travel. As DDP's
`gradient_as_bucket_view`, each parameter's `.grad` is a view into one flat buffer per
optimizer, zeroed (not freed) before each backward, so autograd accumulates straight
into it and the all-reduce needs no copy: [gradients..., loss, stop, pause]. So every rank sees the
global gradients (their norms are what telemetry reports), the global loss (every rank
finds a divergence at the same step) and the same control decisions, one step after
the leader read them.

Rank 0 is the leader: it alone emits events, validates, writes checkpoints and talks
to its `Control`; it tells the others when to stop (`agree`). With one process every
method here is a no-op and the loop runs exactly as before.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn

from layerlab.train.control import Control, StopRequested

GROUP_TIMEOUT = timedelta(days=7)
"""How long a rank waits in a collective: a paused run keeps the others waiting in one,
so the bound is the longest pause; a dead rank is found sooner (its sockets close)."""


@dataclass(frozen=True)
class Ranks:
    """This process's place among the run's data-parallel ranks."""

    rank: int = 0
    world: int = 1

    @property
    def leader(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1

    def shard(self, batch: torch.Tensor) -> torch.Tensor:
        """This rank's contiguous slice of a global batch (of sample indices)."""
        if self.world == 1:
            return batch
        per_rank = len(batch) // self.world
        return batch[self.rank * per_rank : (self.rank + 1) * per_rank]


def current_ranks() -> Ranks:
    """From the default process group when one is set up (by our launcher or Ray's)."""
    if dist.is_available() and dist.is_initialized():
        return Ranks(dist.get_rank(), dist.get_world_size())
    return Ranks()


def backend_for(device: torch.device) -> str:
    return "nccl" if device.type == "cuda" else "gloo"


class RankSync:
    """The collectives of one run's ranks (see the module docstring)."""

    def __init__(self, ranks: Ranks, control: Control, device: torch.device):
        self.ranks, self.control, self.device = ranks, control, device
        self._stop: str | None = None
        self._pause = False
        self._buckets: dict[int, torch.Tensor] = {}
        """By the id of an optimizer's parameter list: its flat buffer."""

    def backend(self) -> str:
        return str(dist.get_backend()) if self.ranks.distributed else "none"

    def share_weights(self, module: nn.Module) -> None:
        """Every rank starts from the leader's parameters and buffers."""
        if not self.ranks.distributed:
            return
        for tensor in module.state_dict().values():
            dist.broadcast(tensor, src=0)

    def zero_grad(self, optimizer: torch.optim.Optimizer, params: list[nn.Parameter]) -> None:
        """Before a phase's backward."""
        if not self.ranks.distributed:
            optimizer.zero_grad(set_to_none=True)
            return
        bucket = self._bucket(params)
        bucket.zero_()
        if not _attached(params, bucket):
            _attach(params, bucket)

    def _bucket(self, params: list[nn.Parameter]) -> torch.Tensor:
        """The flat buffer of an optimizer's parameters: [gradients..., loss, stop, pause]."""
        bucket = self._buckets.get(id(params))
        if bucket is None:
            size = sum(p.numel() for p in params)
            bucket = torch.zeros(size + 3, device=self.device, dtype=params[0].dtype)
            self._buckets[id(params)] = bucket
        return bucket

    def phase(self, params: list[nn.Parameter], loss: torch.Tensor) -> torch.Tensor:
        """After a phase's backward: average the gradients of `params` and the loss over
        the ranks, and pick up the leader's requests. Returns the global loss."""
        if not self.ranks.distributed:
            return loss
        bucket = self._bucket(params)
        attached = _attached(params, bucket)
        if not attached:  # gradients made elsewhere than the bucket: gather them in
            torch.cat([_grad_of(p).reshape(-1) for p in params], out=bucket[:-3])
        bucket[-3] = loss.detach()
        if self.ranks.leader:
            bucket[-2] = float(self.control.stop_requested)
            bucket[-1] = float(self.control.paused)
        dist.all_reduce(bucket)
        bucket[:-2] /= self.ranks.world
        if bucket[-2] > 0:
            self._stop = self.control.stop_reason or "stopped on request"
        self._pause = bool(bucket[-1] > 0)
        if not attached:
            _attach(params, bucket)
        return bucket[-3]

    def checkpoint(self, on_pause: Callable[[], None], on_resume: Callable[[], None]) -> None:
        """Between steps, as `Control.checkpoint`: every rank stops or pauses together,
        on the requests that reached it with the last step's all-reduce."""
        if not self.ranks.distributed:
            self.control.checkpoint(on_pause, on_resume)
            return
        if self._stop is not None:
            raise StopRequested(self._stop)
        if not self._pause:
            return
        self._pause = False
        stopped = torch.zeros(1, device=self.device)
        reason = ""
        if self.ranks.leader:
            try:
                self.control.checkpoint(on_pause, on_resume)
            except StopRequested as stop:
                stopped[0], reason = 1.0, str(stop)
        dist.broadcast(stopped, src=0)  # the others wait here while the leader is paused
        if stopped[0] > 0:
            self._stop = reason or "stopped on request"
            raise StopRequested(self._stop)

    def agree(self, leader_says: bool) -> bool:
        """The leader's yes/no (stop early at this epoch's end), on every rank."""
        if not self.ranks.distributed:
            return leader_says
        flag = torch.tensor([float(leader_says)], device=self.device)
        dist.broadcast(flag, src=0)
        return bool(flag[0] > 0)


def _grad_of(param: nn.Parameter) -> torch.Tensor:
    return param.grad if param.grad is not None else torch.zeros_like(param)


def _attached(params: list[nn.Parameter], bucket: torch.Tensor) -> bool:
    """Every gradient is a view into `bucket`."""
    return all(
        p.grad is not None and p.grad.untyped_storage().data_ptr() == bucket.data_ptr()
        for p in params
    )


def _attach(params: list[nn.Parameter], bucket: torch.Tensor) -> None:
    """Make each gradient its view into `bucket` (which holds the values from now on)."""
    offset = 0
    for p in params:
        p.grad = bucket[offset : offset + p.numel()].view_as(p)
        offset += p.numel()


# -- BatchNorm over the global batch ------------------------------------------------------


def sync_batch_norms(module: nn.Module) -> int:
    """Make every BatchNorm in `module` normalise over the global batch while training
    (its statistics summed over the ranks, differentiably), as one process with the
    whole batch would. torch's SyncBatchNorm does this on GPUs only, so this works on
    both. The modules stay what they are (names, hooks, state dict): only their
    forward changes. Returns how many were changed."""
    count = 0
    for layer in module.modules():
        if isinstance(layer, nn.modules.batchnorm._BatchNorm):
            layer.forward = types.MethodType(_global_batch_norm, layer)  # type: ignore[method-assign]
            count += 1
    return count


def _global_batch_norm(self: nn.modules.batchnorm._BatchNorm, x: torch.Tensor) -> torch.Tensor:
    if not self.training or not dist.is_initialized():
        result: torch.Tensor = type(self).forward(self, x)
        return result
    from torch.distributed.nn.functional import all_reduce  # differentiable all-reduce

    dims = [0, *range(2, x.dim())]  # every axis but the channels
    count = torch.tensor([x.numel() / x.shape[1]], device=x.device, dtype=x.dtype)
    local = torch.cat([x.sum(dims), (x * x).sum(dims), count])
    total: torch.Tensor = all_reduce(local)  # type: ignore[no-untyped-call]
    channels = x.shape[1]
    n = total[-1]
    mean = total[:channels] / n
    var = total[channels : 2 * channels] / n - mean * mean  # biased, as BatchNorm's output
    shape = [1, channels, *([1] * (x.dim() - 2))]
    out = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
    if self.affine:
        out = out * self.weight.view(shape) + self.bias.view(shape)
    if self.track_running_stats and self.running_mean is not None:
        with torch.no_grad():
            assert self.running_var is not None and self.num_batches_tracked is not None
            self.num_batches_tracked.add_(1)
            momentum = self.momentum
            if momentum is None:  # a cumulative average
                momentum = 1.0 / float(self.num_batches_tracked)
            unbiased = var.detach() * n / torch.clamp(n - 1, min=1)
            self.running_mean.lerp_(mean.detach(), momentum)
            self.running_var.lerp_(unbiased, momentum)
    return out
