"""The few torch modules that torch itself does not have in the shape LayerLab needs.

This file imports torch alone, on purpose: the Python exporter copies the source of
the classes a graph uses into the exported file, so that file runs with torch alone
and computes exactly what trained. Every class here is small and self-contained.

Tensors carry the batch first: (B, ...). Dimension arguments (`dim`) count the batch.
"""

import math
from typing import Any

import torch
from torch import nn


class Reshape(nn.Module):
    """Reshape every sample to `shape`; the batch dimension is kept."""

    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.shape)


class Select(nn.Module):
    """Pick one position along `dim`, dropping that axis (ViT's class token: x[:, 0])."""

    def __init__(self, dim: int, index: int):
        super().__init__()
        self.dim = dim
        self.index = index

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.select(self.dim, self.index)


class Add(nn.Module):
    """Elementwise sum of two tensors of the same shape (a residual connection)."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return a + b


class Concat(nn.Module):
    """Concatenate the connected inputs along `dim`."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim

    def forward(
        self,
        a: torch.Tensor,
        b: torch.Tensor,
        c: torch.Tensor | None = None,
        d: torch.Tensor | None = None,
    ) -> torch.Tensor:
        parts = [t for t in (a, b, c, d) if t is not None]
        return torch.cat(parts, dim=self.dim)


def _last_hidden(h_n: torch.Tensor, directions: int) -> torch.Tensor:
    """(layers * directions, B, H) -> (B, directions * H): the top layer's final state."""
    top = h_n[-directions:]  # (directions, B, H)
    return top.transpose(0, 1).reshape(top.shape[1], -1)


class RNNOutputs(nn.RNN):
    """nn.RNN (batch first) returning the sequence and the top layer's last hidden state."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # type: ignore[override]
        y, h_n = super().forward(x)
        return y, _last_hidden(h_n, 2 if self.bidirectional else 1)


class LSTMOutputs(nn.LSTM):
    """nn.LSTM (batch first) returning the sequence and the top layer's last hidden state."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # type: ignore[override]
        y, (h_n, _c_n) = super().forward(x)
        return y, _last_hidden(h_n, 2 if self.bidirectional else 1)


class GRUOutputs(nn.GRU):
    """nn.GRU (batch first) returning the sequence and the top layer's last hidden state."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # type: ignore[override]
        y, h_n = super().forward(x)
        return y, _last_hidden(h_n, 2 if self.bidirectional else 1)


def causal_mask(length: int, device: torch.device) -> torch.Tensor:
    """(L, L) boolean mask, True where a position may not look (the future)."""
    return torch.ones(length, length, dtype=torch.bool, device=device).triu(1)


class Attention(nn.MultiheadAttention):
    """nn.MultiheadAttention, batch first: self-attention when only `query` is given,
    cross-attention when `key` (and optionally `value`) are; `causal` masks the future."""

    def __init__(self, *args: Any, causal: bool = False, **kwargs: Any):
        kwargs["batch_first"] = True  # LayerLab sequences are always (B, T, E)
        super().__init__(*args, **kwargs)
        self.causal = causal

    def forward(  # type: ignore[override]
        self,
        query: torch.Tensor,
        key: torch.Tensor | None = None,
        value: torch.Tensor | None = None,
    ) -> torch.Tensor:
        key = query if key is None else key
        value = key if value is None else value
        mask = causal_mask(query.shape[1], query.device) if self.causal else None
        out, _weights = super().forward(query, key, value, attn_mask=mask, need_weights=False)
        return out


class EncoderLayer(nn.TransformerEncoderLayer):
    """nn.TransformerEncoderLayer, batch first, with an optional causal mask."""

    def __init__(self, *args: Any, causal: bool = False, **kwargs: Any):
        kwargs["batch_first"] = True  # LayerLab sequences are always (B, T, E)
        super().__init__(*args, **kwargs)
        self.causal = causal

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        mask = causal_mask(x.shape[1], x.device) if self.causal else None
        return super().forward(x, src_mask=mask, is_causal=self.causal)


class DecoderLayer(nn.TransformerDecoderLayer):
    """nn.TransformerDecoderLayer, batch first: masked self-attention over `x`, then
    cross-attention to the encoder's `memory`, then the feed-forward block."""

    def __init__(self, *args: Any, causal: bool = True, **kwargs: Any):
        kwargs["batch_first"] = True  # LayerLab sequences are always (B, T, E)
        super().__init__(*args, **kwargs)
        self.causal = causal

    def forward(self, x: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        mask = causal_mask(x.shape[1], x.device) if self.causal else None
        return super().forward(x, memory, tgt_mask=mask, tgt_is_causal=self.causal)


class PositionalEncoding(nn.Module):
    """Adds position information to (B, T, E) sequences: the fixed sinusoids of
    "Attention is all you need" (kind="sinusoidal") or a learned table (kind="learned")."""

    table: torch.Tensor

    def __init__(self, d_model: int, max_len: int, kind: str = "sinusoidal", dropout: float = 0.0):
        super().__init__()
        self.kind = kind
        self.dropout = nn.Dropout(dropout)
        if kind == "learned":
            self.weight = nn.Parameter(torch.randn(max_len, d_model) * 0.02)
        else:
            position = torch.arange(max_len).unsqueeze(1)  # (T, 1)
            rate = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            table = torch.zeros(max_len, d_model)
            table[:, 0::2] = torch.sin(position * rate)
            table[:, 1::2] = torch.cos(position * rate[: d_model // 2])
            # Not persistent: the table follows from the shape, so it stays out of weights.
            self.register_buffer("table", table, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        length = x.shape[1]
        positions = self.weight[:length] if self.kind == "learned" else self.table[:length]
        out: torch.Tensor = self.dropout(x + positions)
        return out


class PatchEmbedding(nn.Module):
    """ViT's patch embedding: (B, C, H, W) -> (B, N, E) with N = (H/p)(W/p) patches,
    each linearly projected; with `class_token`, a learned token is prepended (N + 1)."""

    def __init__(self, in_channels: int, embed_dim: int, patch_size: int, class_token: bool):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.class_token = nn.Parameter(torch.zeros(1, 1, embed_dim)) if class_token else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patches: torch.Tensor = self.proj(x).flatten(2).transpose(1, 2)  # (B, N, E)
        if self.class_token is None:
            return patches
        token = self.class_token.expand(x.shape[0], -1, -1)  # (B, 1, E)
        return torch.cat([token, patches], dim=1)


class Reparameterize(nn.Module):
    """The VAE's reparameterisation trick: z = mean + exp(logvar / 2) * eps while
    training (the mean itself in eval mode), and the KL divergence from N(0, I) per sample."""

    def forward(
        self, mean: torch.Tensor, logvar: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # Sample while training; the mean itself in eval mode (deterministic reconstructions).
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean) if self.training else mean
        terms = 1 + logvar - mean.pow(2) - logvar.exp()
        kl = -0.5 * terms.flatten(1).sum(dim=1)  # (B,)
        return z, kl


class Noise(nn.Module):
    """Gaussian noise. With an input: adds noise of std `std` (while training only, when
    `train_only`), as a denoising autoencoder needs. Without one: a source of
    (batch_size, *shape) standard-normal samples, as a GAN generator needs."""

    anchor: torch.Tensor

    def __init__(self, std: float, shape: tuple[int, ...], train_only: bool = True):
        super().__init__()
        self.std = std
        self.shape = tuple(shape)
        self.train_only = train_only
        # An empty buffer that follows .to(device), so sources know their device.
        self.register_buffer("anchor", torch.empty(0), persistent=False)

    def forward(self, x: torch.Tensor | None = None, batch_size: int = 1) -> torch.Tensor:
        if x is None:
            return torch.randn(batch_size, *self.shape, device=self.anchor.device) * self.std
        if self.train_only and not self.training:
            return x
        return x + torch.randn_like(x) * self.std
