"""The order a run takes its training samples in: one sampler per training part.

A sampler answers "which samples make global batch `position` of epoch `epoch`?" as a
pure function of (seed, epoch, position). Its random state at any point is therefore
those three numbers: a checkpoint stores them (`SamplerState`, beside the progress) and a
resumed run continues with exactly the batches an uninterrupted one would have taken,
however far a loader had prefetched, and however many data-parallel ranks share each
batch (every rank computes the same global batch and takes its own slice of it).

- `Shuffled`: a permutation per epoch, every sample once (today's in-memory order,
  unchanged: the permutation depends on (seed, epoch) alone).
- `UniformOffsets`: `batch_size` indices drawn uniformly from [0, positions) per step, as
  nanoGPT draws its random windows: no epoch ever repeats another's windows. Each step
  seeds its own generator from (seed, epoch, position) (about 7 us on a CPU).
"""

from __future__ import annotations

import hashlib
from typing import Literal

import torch
from pydantic import BaseModel, Field

SamplerKind = Literal["shuffle", "uniform"]


class SamplerState(BaseModel):
    """Where a sampler stands: with the seed, everything its next batch depends on."""

    kind: SamplerKind
    seed: int
    samples: int = Field(description="Samples an epoch takes (the part's length)")
    positions: int = Field(description="How many distinct indices the sampler draws from")
    epoch: int
    position: int = Field(description="Global batches of `epoch` already taken")

    def same_order(self, other: SamplerState) -> bool:
        """Whether both draw the same batches (the data and seed did not change)."""
        keys = ("kind", "seed", "samples", "positions")
        return all(getattr(self, key) == getattr(other, key) for key in keys)


class Sampler:
    kind: SamplerKind

    def __init__(self, samples: int, positions: int, batch_size: int, seed: int):
        self.samples, self.positions = samples, positions
        self.batch_size, self.seed = batch_size, seed

    def batch(self, epoch: int, position: int) -> torch.Tensor:
        """The global batch (batch_size,) int64 of sample indices, on the CPU."""
        raise NotImplementedError

    def state(self, epoch: int, position: int) -> SamplerState:
        return SamplerState(
            kind=self.kind,
            seed=self.seed,
            samples=self.samples,
            positions=self.positions,
            epoch=epoch,
            position=position,
        )


class Shuffled(Sampler):
    """Every sample once per epoch, in a permutation of (seed, epoch)."""

    kind: SamplerKind = "shuffle"

    def __init__(self, samples: int, batch_size: int, seed: int):
        super().__init__(samples, samples, batch_size, seed)
        self._cached: tuple[int, torch.Tensor] | None = None

    def order(self, epoch: int) -> torch.Tensor:
        if self._cached is None or self._cached[0] != epoch:
            self._cached = (epoch, epoch_order(self.samples, self.seed, epoch))
        return self._cached[1]

    def batch(self, epoch: int, position: int) -> torch.Tensor:
        size = self.batch_size
        return self.order(epoch)[position * size : (position + 1) * size]


class UniformOffsets(Sampler):
    """Indices drawn uniformly with replacement from [0, positions), fresh every step."""

    kind: SamplerKind = "uniform"

    def batch(self, epoch: int, position: int) -> torch.Tensor:
        generator = torch.Generator().manual_seed(step_seed(self.seed, epoch, position))
        return torch.randint(self.positions, (self.batch_size,), generator=generator)


def epoch_order(count: int, seed: int, epoch: int) -> torch.Tensor:
    """The epoch's sample order (count,) int64: a permutation that depends on (seed,
    epoch) alone, so a resumed run recomputes it instead of storing it."""
    generator = torch.Generator().manual_seed((seed + 1_000_003 * (epoch + 1)) % 2**63)
    return torch.randperm(count, generator=generator)


def step_seed(seed: int, epoch: int, position: int) -> int:
    """A generator seed for one step: a hash, so neighbouring steps' streams share nothing."""
    key = f"{seed}/{epoch}/{position}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") % 2**63
