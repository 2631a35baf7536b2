"""The few torch modules that torch itself does not have in the shape LayerLab needs.

This file imports torch alone, on purpose: the Python exporter copies the source of
the classes a graph uses into the exported file, so that file runs with torch alone
and computes exactly what trained. Every class here is small and self-contained.

Tensors carry the batch first: (B, ...). Dimension arguments (`dim`) count the batch.
"""

import math
from typing import Any

import torch
import torch.nn.functional as F
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


def pattern_mask(
    length: int, causal: bool, window: int, global_tokens: int, device: torch.device
) -> torch.Tensor | None:
    """(L, L) boolean mask of an attention pattern, True where a query (row) may not look
    at a key (column): keys more than `window` positions away (0: none are), except
    that the first `global_tokens` positions see and are seen by all; with `causal`,
    never the future. None when every position may look everywhere."""
    if not causal and not window:
        return None
    query = torch.arange(length, device=device).unsqueeze(1)  # (L, 1)
    key = torch.arange(length, device=device).unsqueeze(0)  # (1, L)
    blocked = torch.zeros(length, length, dtype=torch.bool, device=device)
    if window:
        blocked = (query - key).abs() > window
        blocked &= (query >= global_tokens) & (key >= global_tokens)
    if causal:
        blocked |= key > query
    return blocked


def windowed_pairs(length: int, window: int, causal: bool, global_tokens: int) -> int:
    """Query-key scores the sliding-window kernel computes for `length` positions: the
    queries in chunks of `window`, each chunk scoring the keys of the chunk before, its
    own and (unless causal) the one after; global tokens add a column and a row each."""
    chunks = -(-length // window)
    span = (2 if causal else 3) * window
    return chunks * window * (span + global_tokens) + global_tokens * length


def uses_window_kernel(length: int, window: int, causal: bool, global_tokens: int) -> bool:
    """Whether the sliding-window kernel scores fewer pairs than the full (masked) one."""
    return window > 0 and windowed_pairs(length, window, causal, global_tokens) < length**2


def attention_pairs(queries: int, keys: int, causal: bool, window: int, global_tokens: int) -> int:
    """Query-key scores an Attention computes (and keeps for its backward pass)."""
    if uses_window_kernel(queries, window, causal, global_tokens):
        return windowed_pairs(queries, window, causal, global_tokens)
    return queries * keys


def sliding_window_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    window: int,
    causal: bool,
    global_tokens: int,
    dropout: float,
) -> torch.Tensor:
    """Scaled dot-product attention of (B, H, L, D) queries, keys and values, in which
    each position sees only keys at most `window` positions away (and, with `causal`,
    none after it), except the first `global_tokens` positions, which see and are seen
    by all (Longformer's sliding chunks). The cost grows as L * window, not L * L."""
    batch, heads, length, dim = q.shape
    chunks = -(-length // window)
    padded = chunks * window
    after = 0 if causal else window  # keys after a chunk: the next chunk's
    span = 2 * window + after
    q = q * dim**-0.5
    queries = F.pad(q, (0, 0, 0, padded - length)).view(batch, heads, chunks, window, dim)

    def chunked(t: torch.Tensor) -> torch.Tensor:
        """(B, H, n, D, span): each chunk's keys, from the chunk before on."""
        return F.pad(t, (0, 0, window, padded - length + after)).unfold(2, span, window)

    scores = queries @ chunked(k)  # (B, H, n, w, span)
    # Query i = m * w + a sees key j = m * w + b - w: offset i - j = a - b + w.
    offset = torch.arange(window, device=q.device).unsqueeze(1) - torch.arange(
        span, device=q.device
    ).unsqueeze(0)
    offset = offset + window  # (w, span)
    near = (offset <= window) & (offset >= (0 if causal else -window))
    first_key = torch.arange(chunks, device=q.device).unsqueeze(1) * window - window
    key = first_key + torch.arange(span, device=q.device).unsqueeze(0)  # (n, span)
    allowed = near.unsqueeze(0) & ((key >= 0) & (key < length)).unsqueeze(1)  # (n, w, span)
    lowest = torch.finfo(scores.dtype).min
    scores = scores.masked_fill(~allowed, lowest)
    values = chunked(v).transpose(-1, -2)  # (B, H, n, span, D)
    if not global_tokens:
        weights = F.dropout(scores.softmax(dim=-1), dropout)
        out = (weights @ values).reshape(batch, heads, padded, dim)  # (B, H, L', D)
        return out[:, :, :length]

    # Every query also scores the global keys that its window does not reach.
    query_at = torch.arange(padded, device=q.device).unsqueeze(1)  # (L', 1)
    global_at = torch.arange(global_tokens, device=q.device).unsqueeze(0)  # (1, g)
    distance = query_at - global_at
    reached = (distance <= window) & (distance >= (0 if causal else -window))
    extra = ~reached & (global_at <= query_at) if causal else ~reached  # (L', g)
    global_scores = queries.reshape(batch, heads, padded, dim) @ k[:, :, :global_tokens].transpose(
        -1, -2
    )  # (B, H, L', g)
    global_scores = global_scores.masked_fill(~extra, lowest)
    joint = torch.cat([scores, global_scores.view(batch, heads, chunks, window, -1)], dim=-1)
    weights = F.dropout(joint.softmax(dim=-1), dropout)  # (B, H, n, w, span + g)
    out = weights[..., :span] @ values + weights[..., span:] @ v[:, :, :global_tokens].unsqueeze(2)
    out = out.reshape(batch, heads, padded, dim)[:, :, :length]  # (B, H, L, D)
    # The global queries see every key (but, with causal, not the future).
    rows = q[:, :, :global_tokens] @ k.transpose(-1, -2)  # (B, H, g, L)
    if causal:
        rows = rows.masked_fill(causal_mask(length, q.device)[:global_tokens], lowest)
    global_out = F.dropout(rows.softmax(dim=-1), dropout) @ v  # (B, H, g, D)
    return torch.cat([global_out, out[:, :, global_tokens:]], dim=2)


class Attention(nn.MultiheadAttention):
    """nn.MultiheadAttention, batch first: self-attention when only `query` is given,
    cross-attention when `key` (and optionally `value`) are; `causal` masks the future,
    `window` limits each position to keys at most that far away (with `global_tokens`
    first positions that see and are seen by all), computed by the sliding-window
    kernel where that is cheaper than masking the full score matrix."""

    def __init__(
        self,
        *args: Any,
        causal: bool = False,
        window: int = 0,
        global_tokens: int = 0,
        **kwargs: Any,
    ):
        kwargs["batch_first"] = True  # LayerLab sequences are always (B, T, E)
        super().__init__(*args, **kwargs)
        self.causal = causal
        self.window = window
        self.global_tokens = global_tokens

    def mask(self, length: int, device: torch.device) -> torch.Tensor | None:
        """The pattern as a (L, L) mask, True where a query may not look."""
        if not self.window:
            return causal_mask(length, device) if self.causal else None
        return pattern_mask(length, self.causal, self.window, self.global_tokens, device)

    def forward(  # type: ignore[override]
        self,
        query: torch.Tensor,
        key: torch.Tensor | None = None,
        value: torch.Tensor | None = None,
    ) -> torch.Tensor:
        key = query if key is None else key
        value = key if value is None else value
        length = query.shape[1]
        if uses_window_kernel(length, self.window, self.causal, self.global_tokens):
            return self.windowed(query, key, value)
        mask = self.mask(length, query.device)
        out, _weights = super().forward(query, key, value, attn_mask=mask, need_weights=False)
        return out

    def windowed(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        """The projections of nn.MultiheadAttention around the sliding-window kernel."""
        if self._qkv_same_embed_dim:
            w_q, w_k, w_v = self.in_proj_weight.chunk(3)
        else:
            w_q, w_k, w_v = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        b_q, b_k, b_v = (
            self.in_proj_bias.chunk(3) if self.in_proj_bias is not None else (None, None, None)
        )
        batch, length, _ = query.shape

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.num_heads, self.head_dim).transpose(1, 2)

        q = heads(F.linear(query, w_q, b_q))  # (B, H, L, D)
        k = heads(F.linear(key, w_k, b_k))
        v = heads(F.linear(value, w_v, b_v))
        dropout = self.dropout if self.training else 0.0
        out = sliding_window_attention(
            q, k, v, self.window, self.causal, self.global_tokens, dropout
        )
        out = out.transpose(1, 2).reshape(batch, length, self.embed_dim)  # (B, L, E)
        projected: torch.Tensor = self.out_proj(out)
        return projected


class EncoderLayer(nn.TransformerEncoderLayer):
    """nn.TransformerEncoderLayer, batch first, with an optional causal mask, and an
    optional sliding window (`window`, `global_tokens`) on its self-attention."""

    def __init__(
        self,
        *args: Any,
        causal: bool = False,
        window: int = 0,
        global_tokens: int = 0,
        **kwargs: Any,
    ):
        kwargs["batch_first"] = True  # LayerLab sequences are always (B, T, E)
        super().__init__(*args, **kwargs)
        self.causal = causal
        self.window = window
        if window:
            self.self_attn = _patterned(self.self_attn, causal, window, global_tokens)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        if not self.window:
            mask = causal_mask(x.shape[1], x.device) if self.causal else None
            return super().forward(x, src_mask=mask, is_causal=self.causal)
        # torch's own order of operations, without its fused path (which would attend
        # to every position).
        if self.norm_first:
            x = x + self.dropout1(self.self_attn(self.norm1(x)))
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self.dropout1(self.self_attn(x)))
        out: torch.Tensor = self.norm2(x + self._ff_block(x))
        return out


class DecoderLayer(nn.TransformerDecoderLayer):
    """nn.TransformerDecoderLayer, batch first: masked self-attention over `x` (optionally
    in a sliding window), then cross-attention to the encoder's `memory`, then the
    feed-forward block."""

    def __init__(
        self,
        *args: Any,
        causal: bool = True,
        window: int = 0,
        global_tokens: int = 0,
        **kwargs: Any,
    ):
        kwargs["batch_first"] = True  # LayerLab sequences are always (B, T, E)
        super().__init__(*args, **kwargs)
        self.causal = causal
        self.window = window
        if window:
            self.self_attn = _patterned(self.self_attn, causal, window, global_tokens)

    def forward(self, x: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        mask = causal_mask(x.shape[1], x.device) if self.causal and not self.window else None
        causal = self.causal and not self.window
        return super().forward(x, memory, tgt_mask=mask, tgt_is_causal=causal)

    def _sa_block(
        self,
        x: torch.Tensor,
        attn_mask: torch.Tensor | None,
        key_padding_mask: torch.Tensor | None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        if not self.window:
            return super()._sa_block(x, attn_mask, key_padding_mask, is_causal)
        out: torch.Tensor = self.dropout1(self.self_attn(x))
        return out


def _patterned(
    attention: nn.MultiheadAttention, causal: bool, window: int, global_tokens: int
) -> Attention:
    """A layer's self-attention as an Attention with the same sizes and the pattern."""
    return Attention(
        attention.embed_dim,
        attention.num_heads,
        dropout=attention.dropout,
        bias=attention.in_proj_bias is not None,
        causal=causal,
        window=window,
        global_tokens=global_tokens,
    )


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


class Normalize(nn.Module):
    """Scale each vector along `dim` to unit length (L2): embeddings whose dot products
    are cosine similarities."""

    def __init__(self, dim: int = -1, eps: float = 1e-12):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(x, dim=self.dim, eps=self.eps)


class LogitScale(nn.Module):
    """Multiply by a learned positive scalar exp(s), capped at `max_scale`: CLIP's inverse
    temperature, which sharpens cosine similarities into logits as it grows."""

    def __init__(self, init: float = 1 / 0.07, max_scale: float = 100.0):
        super().__init__()
        self.log_scale = nn.Parameter(torch.tensor(math.log(init)))
        self.max_scale = max_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.log_scale.exp().clamp(max=self.max_scale)


class TimestepEmbedding(nn.Module):
    """A diffusion step's number as a vector (B, 1) -> (B, dim): sines and cosines of t at
    `dim / 2` frequencies from 1 down to 1 / max_period, as the Transformer encodes
    positions (Ho et al. 2020)."""

    frequencies: torch.Tensor

    def __init__(self, dim: int, max_period: float = 10_000.0):
        super().__init__()
        # Kept as given, so that an import reads the op's parameters back (imports/).
        self.dim = dim
        self.max_period = max_period
        half = dim // 2
        exponents = torch.arange(half, dtype=torch.float32) / half
        # Not persistent: the frequencies follow from the shape, so they stay out of weights.
        self.register_buffer("frequencies", max_period**-exponents, persistent=False)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        angles = t.float().reshape(-1, 1) * self.frequencies  # (B, dim / 2)
        return torch.cat([angles.sin(), angles.cos()], dim=1)  # (B, dim)


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
