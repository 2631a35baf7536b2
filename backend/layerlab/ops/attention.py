"""Attention and the Transformer's pieces, over (T, E) sequences, batch first."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import (
    ModuleCall,
    Op,
    OpParams,
    Port,
    ShapeError,
    TensorSpec,
    need_rank,
    spec,
)


def attention_flops(
    queries: int, keys: int, embed: int, kdim: int, vdim: int, pairs: int | None = None
) -> int:
    """Multi-head attention of `queries` positions over `keys` positions: the four
    projections plus the score and weighted-sum products (heads split `embed`) over
    the query-key `pairs` scored (every pair unless a pattern says fewer)."""
    projections = 2 * embed * (queries * embed + keys * kdim + keys * vdim + queries * embed)
    scored = queries * keys if pairs is None else pairs
    return projections + 2 * 2 * scored * embed


class PatternParams(OpParams):
    """Which keys each query may see: all, or (with `window`) a sliding window."""

    window: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description="Sliding window: each position sees only keys at most this many "
        "positions away (0: every position); the cost grows as length x window",
    )
    global_tokens: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description="With a window: the first this many positions see and are seen by "
        "every position (Longformer, BigBird)",
    )


def check_pattern(p: PatternParams, queries: int, keys: int) -> None:
    """A window needs self-attention's geometry; global tokens need a window."""
    if p.global_tokens and not p.window:
        raise ShapeError("global tokens need a sliding window (window > 0)", field="global_tokens")
    if p.window and keys != queries:
        raise ShapeError(
            "a sliding window needs as many key positions as query positions", field="window"
        )
    if p.global_tokens > queries:
        raise ShapeError(
            f"{p.global_tokens} global tokens exceed the sequence of {queries}",
            field="global_tokens",
        )


def pattern_pairs(p: PatternParams, queries: int, keys: int, causal: bool) -> int:
    """Query-key scores the module computes for this pattern (the kernel's own rule)."""
    return tm.attention_pairs(queries, keys, causal, p.window, p.global_tokens)


def attention_kept_bytes(heads: int, pairs: int) -> int:
    """The attention weights a layer keeps for its backward pass: (heads, pairs) floats."""
    return 4 * heads * pairs


def _check_heads(embed: int, heads: int, port: str = "x", field: str = "nhead") -> None:
    """`field` is the heads parameter's name: `num_heads` (attention) or `nhead` (layers)."""
    if embed % heads:
        raise ShapeError(
            f"embedding size {embed} is not divisible by {heads} heads",
            port=port,
            field=field,
        )


class MultiheadAttentionParams(PatternParams):
    num_heads: int = Field(
        default=4, ge=1, le=256, description="Parallel heads; must divide the embedding size"
    )
    dropout: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="Dropout on the attention weights"
    )
    bias: bool = Field(default=True, description="Learn biases in the projections")
    causal: bool = Field(
        default=False, description="Each position attends only to itself and earlier ones"
    )


class MultiheadAttention(Op[MultiheadAttentionParams]):
    name = "MultiheadAttention"
    category = "Attention"
    summary = "Scaled dot-product attention in parallel heads: self-attention, or cross-attention via key/value."
    Params = MultiheadAttentionParams
    inputs = (
        Port("query", "sequence (T, E) that asks"),
        Port(
            "key", "sequence (S, K) attended to; the query itself when unconnected", optional=True
        ),
        Port("value", "sequence (S, V) averaged; the key when unconnected", optional=True),
    )
    key_params = ("num_heads", "causal", "window")
    example = {"query": spec(5, 8)}

    def _dims(
        self, p: MultiheadAttentionParams, x: dict[str, TensorSpec]
    ) -> tuple[int, int, int, int, int]:
        """(T, S, E, kdim, vdim) after checking every input's shape."""
        query = x["query"]
        key = x.get("key", query)
        value = x.get("value", key)
        for port, t in (("query", query), ("key", key), ("value", value)):
            need_rank(t, (2,), "sequence (T, E)", port=port)
        if value.shape[0] != key.shape[0]:
            raise ShapeError(
                f"value {value} has {value.shape[0]} positions but key {key} has {key.shape[0]}",
                port="value",
            )
        embed = query.shape[1]
        _check_heads(embed, p.num_heads, "query", field="num_heads")
        if p.causal and key.shape[0] != query.shape[0]:
            raise ShapeError(
                "causal attention needs as many key positions as query positions", field="causal"
            )
        check_pattern(p, query.shape[0], key.shape[0])
        return query.shape[0], key.shape[0], embed, key.shape[1], value.shape[1]

    def infer(self, p: MultiheadAttentionParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        length, _, embed, _, _ = self._dims(p, x)
        return {"y": spec(length, embed)}

    def module(self, p: MultiheadAttentionParams, x: dict[str, TensorSpec]) -> ModuleCall:
        _, _, embed, kdim, vdim = self._dims(p, x)
        kwargs = {"embed_dim": embed, **p.model_dump()}
        if kdim != embed or vdim != embed:
            kwargs |= {"kdim": kdim, "vdim": vdim}
        return ModuleCall(tm.Attention, kwargs)

    def flops(
        self, p: MultiheadAttentionParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        queries, keys, embed, kdim, vdim = self._dims(p, x)
        pairs = pattern_pairs(p, queries, keys, p.causal)
        return attention_flops(queries, keys, embed, kdim, vdim, pairs)

    def kept_bytes(
        self, p: MultiheadAttentionParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        queries, keys, *_ = self._dims(p, x)
        pairs = pattern_pairs(p, queries, keys, p.causal)
        return super().kept_bytes(p, x, y) + attention_kept_bytes(p.num_heads, pairs)


class PositionalEncodingParams(OpParams):
    kind: Literal["sinusoidal", "learned"] = Field(
        default="sinusoidal",
        description="Fixed sinusoids (the original Transformer) or a learned table (GPT, ViT)",
    )
    max_len: int = Field(
        default=512, ge=1, le=100_000, description="Longest sequence the table covers"
    )
    dropout: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="Dropout after adding positions"
    )


class PositionalEncoding(Op[PositionalEncodingParams]):
    name = "PositionalEncoding"
    category = "Attention"
    summary = "Add each position's code to a (T, E) sequence, so attention knows order."
    Params = PositionalEncodingParams
    key_params = ("kind",)
    example = {"x": spec(6, 8)}

    def infer(self, p: PositionalEncodingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "sequence (T, E)")
        if x["x"].shape[0] > p.max_len:
            raise ShapeError(
                f"sequence of {x['x'].shape[0]} exceeds max_len {p.max_len}", field="max_len"
            )
        return {"y": x["x"]}

    def module(self, p: PositionalEncodingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.PositionalEncoding, {"d_model": x["x"].shape[1], **p.model_dump()})


class TransformerLayerParams(PatternParams):
    nhead: int = Field(
        default=4, ge=1, le=256, description="Attention heads; must divide the embedding size"
    )
    dim_feedforward: int = Field(
        default=256, ge=1, le=1_000_000, description="Hidden width of the feed-forward block"
    )
    dropout: float = Field(
        default=0.1, ge=0.0, lt=1.0, description="Dropout in attention and feed-forward"
    )
    activation: Literal["relu", "gelu"] = Field(
        default="relu", description="Feed-forward activation"
    )
    norm_first: bool = Field(
        default=False, description="Pre-norm (LayerNorm before each block) instead of post-norm"
    )
    layer_norm_eps: float = Field(default=1e-5, gt=0.0, le=1.0, description="LayerNorm's epsilon")
    bias: bool = Field(default=True, description="Learn biases in linear layers and norms")


class EncoderLayerParams(TransformerLayerParams):
    causal: bool = Field(
        default=False, description="Mask the future (decoder-only models such as GPT)"
    )


class DecoderLayerParams(TransformerLayerParams):
    causal: bool = Field(
        default=True, description="Mask the future in self-attention (teacher forcing)"
    )


class TransformerEncoderLayer(Op[EncoderLayerParams]):
    name = "TransformerEncoderLayer"
    category = "Attention"
    summary = "Self-attention then feed-forward, each with a residual connection and LayerNorm."
    Params = EncoderLayerParams
    key_params = ("nhead", "dim_feedforward")
    example = {"x": spec(5, 8)}

    def infer(self, p: EncoderLayerParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "sequence (T, E)")
        _check_heads(x["x"].shape[1], p.nhead)
        check_pattern(p, x["x"].shape[0], x["x"].shape[0])
        return {"y": x["x"]}

    def module(self, p: EncoderLayerParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.EncoderLayer, {"d_model": x["x"].shape[1], **p.model_dump()})

    def flops(
        self, p: EncoderLayerParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        length, embed = x["x"].shape
        feed_forward = 2 * 2 * length * embed * p.dim_feedforward
        pairs = pattern_pairs(p, length, length, p.causal)
        return attention_flops(length, length, embed, embed, embed, pairs) + feed_forward

    def kept_bytes(
        self, p: EncoderLayerParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        length = x["x"].shape[0]
        weights = attention_kept_bytes(p.nhead, pattern_pairs(p, length, length, p.causal))
        return super().kept_bytes(p, x, y) + weights


class TransformerDecoderLayer(Op[DecoderLayerParams]):
    name = "TransformerDecoderLayer"
    category = "Attention"
    summary = "Masked self-attention, cross-attention to the encoder's memory, then feed-forward."
    Params = DecoderLayerParams
    inputs = (
        Port("x", "target sequence (T, E)"),
        Port("memory", "encoder output (S, E)"),
    )
    key_params = ("nhead", "dim_feedforward")
    example = {"x": spec(5, 8), "memory": spec(7, 8)}

    def infer(self, p: DecoderLayerParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "sequence (T, E)")
        need_rank(x["memory"], (2,), "sequence (S, E)", port="memory")
        if x["memory"].shape[1] != x["x"].shape[1]:
            raise ShapeError(
                f"shape mismatch: memory {x['memory']} must have the embedding size of x {x['x']}",
                port="memory",
            )
        _check_heads(x["x"].shape[1], p.nhead)
        check_pattern(p, x["x"].shape[0], x["x"].shape[0])
        return {"y": x["x"]}

    def module(self, p: DecoderLayerParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.DecoderLayer, {"d_model": x["x"].shape[1], **p.model_dump()})

    def flops(
        self, p: DecoderLayerParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        length, embed = x["x"].shape
        memory = x["memory"].shape[0]
        feed_forward = 2 * 2 * length * embed * p.dim_feedforward
        pairs = pattern_pairs(p, length, length, p.causal)
        self_attention = attention_flops(length, length, embed, embed, embed, pairs)
        return self_attention + attention_flops(length, memory, embed, embed, embed) + feed_forward

    def kept_bytes(
        self, p: DecoderLayerParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        length, memory = x["x"].shape[0], x["memory"].shape[0]
        pairs = pattern_pairs(p, length, length, p.causal) + length * memory
        return super().kept_bytes(p, x, y) + attention_kept_bytes(p.nhead, pairs)


class PatchEmbeddingParams(OpParams):
    patch_size: int = Field(
        default=4, ge=1, le=1024, description="Side of the square patches the image is cut into"
    )
    embed_dim: int = Field(
        default=64, ge=1, le=65_536, description="Length of each patch's embedding"
    )
    class_token: bool = Field(
        default=True, description="Prepend a learned [class] token whose output classifies"
    )


class PatchEmbedding(Op[PatchEmbeddingParams]):
    name = "PatchEmbedding"
    category = "Attention"
    summary = "ViT: cut a (C, H, W) image into patches and embed each: (N (+1), E)."
    Params = PatchEmbeddingParams
    key_params = ("patch_size", "embed_dim")
    example = {"x": spec(3, 8, 8)}

    def infer(self, p: PatchEmbeddingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        _, h, w = x["x"].shape
        if h % p.patch_size or w % p.patch_size:
            raise ShapeError(
                f"image {h}x{w} is not divisible into {p.patch_size}-pixel patches",
                field="patch_size",
            )
        patches = (h // p.patch_size) * (w // p.patch_size)
        return {"y": spec(patches + int(p.class_token), p.embed_dim)}

    def module(self, p: PatchEmbeddingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.PatchEmbedding, {"in_channels": x["x"].shape[0], **p.model_dump()})

    def flops(
        self, p: PatchEmbeddingParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        return 2 * x["x"].numel * p.embed_dim  # each pixel enters exactly one patch
