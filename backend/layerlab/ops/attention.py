"""Attention and the Transformer's pieces, over (T, E) sequences, batch first."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from layerlab.ops import torch_modules as tm
from layerlab.ops.base import (
    LearnCard,
    ModuleCall,
    Op,
    OpParams,
    Port,
    ShapeError,
    TensorSpec,
    need_rank,
    spec,
)
from layerlab.text import Text


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
        json_schema_extra={
            "description_zh": "滑动窗口：每个位置只关注距离不超过该值的 key（0 表示关注所有位置）；计算量随 序列长度 × 窗口大小 增长"
        },
    )
    global_tokens: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description="With a window: the first this many positions see and are seen by "
        "every position (Longformer, BigBird)",
        json_schema_extra={
            "description_zh": "配合窗口使用：前这么多个位置能关注所有位置，也被所有位置关注（Longformer、BigBird）"
        },
    )


def check_pattern(p: PatternParams, queries: int, keys: int) -> None:
    """A window needs self-attention's geometry; global tokens need a window."""
    if p.global_tokens and not p.window:
        raise ShapeError("shape.global_needs_window", field="global_tokens")
    if p.window and keys != queries:
        raise ShapeError("shape.window_square", field="window")
    if p.global_tokens > queries:
        raise ShapeError(
            "shape.global_too_many", field="global_tokens", tokens=p.global_tokens, length=queries
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
        raise ShapeError("shape.heads", port=port, field=field, embed=embed, heads=heads)


class MultiheadAttentionParams(PatternParams):
    num_heads: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Parallel heads; must divide the embedding size",
        json_schema_extra={"description_zh": "并行的注意力头数；必须能整除嵌入维度"},
    )
    dropout: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="Dropout on the attention weights",
        json_schema_extra={"description_zh": "作用在注意力权重上的 Dropout 概率"},
    )
    bias: bool = Field(
        default=True,
        description="Learn biases in the projections",
        json_schema_extra={"description_zh": "在投影层中学习偏置"},
    )
    causal: bool = Field(
        default=False,
        description="Each position attends only to itself and earlier ones",
        json_schema_extra={"description_zh": "每个位置只关注自己和之前的位置（因果掩码）"},
    )


class MultiheadAttention(Op[MultiheadAttentionParams]):
    name = "MultiheadAttention"
    category = "Attention"
    summary = "Scaled dot-product attention in parallel heads: self-attention, or cross-attention via key/value."
    summary_zh = "多个头并行的缩放点积注意力：自注意力，或通过 key/value 实现交叉注意力。"
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
    learn = LearnCard(
        formula="headᵢ = softmax(Qᵢ·Kᵢᵀ / √d_head)·Vᵢ, y = concat(head₁, …, head_h)·W_oᵀ",
        shape=Text(
            en="query (T, E), key (S, K), value (S, V) → (T, E); num_heads must divide E",
            zh_cn="query (T, E)，key (S, K)，value (S, V) → (T, E)；num_heads 必须整除 E",
        ),
        params=Text(
            en="4 × E² + 4 × E (in_proj 3E × E + 3E, out_proj E × E + E); with key and value sizes K, V ≠ E: E × (E + K + V) + E² + 4 × E",
            zh_cn="4 × E² + 4 × E（in_proj 为 3E × E + 3E，out_proj 为 E × E + E）；key、value 维度 K、V 不等于 E 时：E × (E + K + V) + E² + 4 × E",
        ),
        when=Text(
            en="Letting every position gather information from all the others (self-attention), or from another sequence through key and value (cross-attention): the core of the Transformer.",
            zh_cn="让每个位置从所有其他位置汇聚信息（自注意力），或者通过 key、value 从另一个序列获取信息（交叉注意力）：Transformer 的核心。",
        ),
        mistakes=Text(
            en="causal off in a model that predicts the next token (it sees the future), and no positional encoding (attention alone ignores order).",
            zh_cn="预测下一个 token 的模型没有开启 causal（模型偷看到了未来）；没有加位置编码（注意力机制本身不感知顺序）。",
        ),
    )

    def _dims(
        self, p: MultiheadAttentionParams, x: dict[str, TensorSpec]
    ) -> tuple[int, int, int, int, int]:
        """(T, S, E, kdim, vdim) after checking every input's shape."""
        query = x["query"]
        key = x.get("key", query)
        value = x.get("value", key)
        for port, t in (("query", query), ("key", key), ("value", value)):
            need_rank(t, (2,), "(T, E)", port=port, sequence=True)
        if value.shape[0] != key.shape[0]:
            raise ShapeError(
                "shape.value_key_length",
                port="value",
                value=str(value),
                value_length=value.shape[0],
                key=str(key),
                key_length=key.shape[0],
            )
        embed = query.shape[1]
        _check_heads(embed, p.num_heads, "query", field="num_heads")
        if p.causal and key.shape[0] != query.shape[0]:
            raise ShapeError("shape.causal_square", field="causal")
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
        json_schema_extra={
            "description_zh": "固定的正弦位置编码（原始 Transformer），或可学习的位置表（GPT、ViT）"
        },
    )
    max_len: int = Field(
        default=512,
        ge=1,
        le=100_000,
        description="Longest sequence the table covers",
        json_schema_extra={"description_zh": "位置表能覆盖的最大序列长度"},
    )
    dropout: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="Dropout after adding positions",
        json_schema_extra={"description_zh": "加上位置编码之后的 Dropout 概率"},
    )


class PositionalEncoding(Op[PositionalEncodingParams]):
    name = "PositionalEncoding"
    category = "Attention"
    summary = "Add each position's code to a (T, E) sequence, so attention knows order."
    summary_zh = "给 (T, E) 序列的每个位置加上位置编码，让注意力知道顺序。"
    Params = PositionalEncodingParams
    key_params = ("kind",)
    example = {"x": spec(6, 8)}
    learn = LearnCard(
        formula="y = x + P[:T], P[t, 2i] = sin(t / 10000^(2i/E)), P[t, 2i+1] = cos(t / 10000^(2i/E)), or a learned P",
        shape=Text(en="(T, E) → (T, E), T ≤ max_len", zh_cn="(T, E) → (T, E)，T ≤ max_len"),
        params=Text(
            en="none when sinusoidal; max_len × E when kind is learned",
            zh_cn="无（正弦编码）；kind 为 learned 时为 max_len × E",
        ),
        when=Text(
            en="Right after the token embedding of a Transformer: attention is blind to order, so each position's code is added.",
            zh_cn="在 Transformer 中紧跟在 token 嵌入之后：注意力机制本身不感知顺序，需要加上每个位置的编码。",
        ),
        mistakes=Text(
            en="Leaving it out (the model sees a bag of tokens), or a max_len shorter than the sequences you train or generate.",
            zh_cn="完全忘了位置编码（模型看到的只是一袋无序的 token）；或者 max_len 比训练或生成时的序列还短。",
        ),
    )

    def infer(self, p: PositionalEncodingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "(T, E)", sequence=True)
        if x["x"].shape[0] > p.max_len:
            raise ShapeError(
                "shape.max_len", field="max_len", length=x["x"].shape[0], max_len=p.max_len
            )
        return {"y": x["x"]}

    def module(self, p: PositionalEncodingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.PositionalEncoding, {"d_model": x["x"].shape[1], **p.model_dump()})


class TransformerLayerParams(PatternParams):
    nhead: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Attention heads; must divide the embedding size",
        json_schema_extra={"description_zh": "注意力头数；必须能整除嵌入维度"},
    )
    dim_feedforward: int = Field(
        default=256,
        ge=1,
        le=1_000_000,
        description="Hidden width of the feed-forward block",
        json_schema_extra={"description_zh": "前馈网络隐藏层的宽度"},
    )
    dropout: float = Field(
        default=0.1,
        ge=0.0,
        lt=1.0,
        description="Dropout in attention and feed-forward",
        json_schema_extra={"description_zh": "注意力和前馈网络中的 Dropout 概率"},
    )
    activation: Literal["relu", "gelu"] = Field(
        default="relu",
        description="Feed-forward activation",
        json_schema_extra={"description_zh": "前馈网络的激活函数"},
    )
    norm_first: bool = Field(
        default=False,
        description="Pre-norm (LayerNorm before each block) instead of post-norm",
        json_schema_extra={
            "description_zh": "使用 Pre-Norm（在每个子层之前做 LayerNorm），而不是 Post-Norm"
        },
    )
    layer_norm_eps: float = Field(
        default=1e-5,
        gt=0.0,
        le=1.0,
        description="LayerNorm's epsilon",
        json_schema_extra={"description_zh": "LayerNorm 的 epsilon（加到方差上的小常数）"},
    )
    bias: bool = Field(
        default=True,
        description="Learn biases in linear layers and norms",
        json_schema_extra={"description_zh": "在全连接层和归一化层中学习偏置"},
    )


class EncoderLayerParams(TransformerLayerParams):
    causal: bool = Field(
        default=False,
        description="Mask the future (decoder-only models such as GPT)",
        json_schema_extra={"description_zh": "遮住未来的位置（GPT 这类仅解码器模型）"},
    )


class DecoderLayerParams(TransformerLayerParams):
    causal: bool = Field(
        default=True,
        description="Mask the future in self-attention (teacher forcing)",
        json_schema_extra={"description_zh": "在自注意力中遮住未来的位置（教师强制）"},
    )


class TransformerEncoderLayer(Op[EncoderLayerParams]):
    name = "TransformerEncoderLayer"
    category = "Attention"
    summary = "Self-attention then feed-forward, each with a residual connection and LayerNorm."
    summary_zh = "自注意力后接前馈网络，每个子层都带残差连接和 LayerNorm。"
    Params = EncoderLayerParams
    key_params = ("nhead", "dim_feedforward")
    example = {"x": spec(5, 8)}
    learn = LearnCard(
        formula="x = LN(x + MHA(x)), y = LN(x + FFN(x)), FFN(x) = W₂·act(W₁·x + b₁) + b₂ (post-norm; norm_first normalises before each block)",
        shape=Text(
            en="(T, E) → (T, E); nhead must divide E", zh_cn="(T, E) → (T, E)；nhead 必须整除 E"
        ),
        params=Text(
            en="4 × E² + 4 × E (attention) + 2 × E × dim_feedforward + dim_feedforward + E (feed-forward) + 4 × E (two LayerNorms)",
            zh_cn="4 × E² + 4 × E（注意力）+ 2 × E × dim_feedforward + dim_feedforward + E（前馈层）+ 4 × E（两个层归一化）",
        ),
        when=Text(
            en="Stacked into encoders (BERT, ViT) or, with causal on, into decoder-only language models (GPT).",
            zh_cn="堆叠起来构成编码器（BERT、ViT）；开启 causal 后也可以构成仅解码器的语言模型（GPT）。",
        ),
        mistakes=Text(
            en="No positional encoding before the first layer, causal off for next-token prediction, and deep post-norm stacks without learning-rate warm-up (norm_first trains more easily).",
            zh_cn="第一层之前没有位置编码；做下一个 token 预测时没开 causal；很深的 Post-Norm 堆叠又没有学习率预热（norm_first 即 Pre-Norm，更容易训练）。",
        ),
    )

    def infer(self, p: EncoderLayerParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "(T, E)", sequence=True)
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
    summary_zh = "带掩码的自注意力、对编码器输出（memory）的交叉注意力，再接前馈网络。"
    Params = DecoderLayerParams
    inputs = (
        Port("x", "target sequence (T, E)"),
        Port("memory", "encoder output (S, E)"),
    )
    key_params = ("nhead", "dim_feedforward")
    example = {"x": spec(5, 8), "memory": spec(7, 8)}
    learn = LearnCard(
        formula="x = LN(x + MaskedMHA(x)), x = LN(x + MHA(x, memory)), y = LN(x + FFN(x))",
        shape=Text(
            en="x (T, E), memory (S, E) → (T, E); nhead must divide E",
            zh_cn="x (T, E)，memory (S, E) → (T, E)；nhead 必须整除 E",
        ),
        params=Text(
            en="8 × E² + 8 × E (self- and cross-attention) + 2 × E × dim_feedforward + dim_feedforward + E (feed-forward) + 6 × E (three LayerNorms)",
            zh_cn="8 × E² + 8 × E（自注意力与交叉注意力）+ 2 × E × dim_feedforward + dim_feedforward + E（前馈层）+ 6 × E（三个层归一化）",
        ),
        when=Text(
            en="Encoder–decoder (seq2seq) models such as translation: each target position attends to the earlier targets and to the whole source.",
            zh_cn="编码器–解码器（seq2seq）模型，例如机器翻译：每个目标位置既关注之前的目标位置，也关注整个源序列。",
        ),
        mistakes=Text(
            en="Building a GPT-style model from it (that takes encoder layers with causal on, no memory), or a memory whose embedding size differs from x's.",
            zh_cn="用它来搭 GPT 式的模型（那应该用开启 causal 的编码器层，不需要 memory）；或者 memory 的嵌入维度与 x 不一致。",
        ),
    )

    def infer(self, p: DecoderLayerParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (2,), "(T, E)", sequence=True)
        need_rank(x["memory"], (2,), "(S, E)", port="memory", sequence=True)
        if x["memory"].shape[1] != x["x"].shape[1]:
            raise ShapeError(
                "shape.memory_embed", port="memory", memory=str(x["memory"]), x=str(x["x"])
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
        default=4,
        ge=1,
        le=1024,
        description="Side of the square patches the image is cut into",
        json_schema_extra={"description_zh": "图像切成的正方形图块的边长"},
    )
    embed_dim: int = Field(
        default=64,
        ge=1,
        le=65_536,
        description="Length of each patch's embedding",
        json_schema_extra={"description_zh": "每个图块嵌入向量的长度"},
    )
    class_token: bool = Field(
        default=True,
        description="Prepend a learned [class] token whose output classifies",
        json_schema_extra={
            "description_zh": "在序列开头加一个可学习的 [class] token，用它的输出做分类"
        },
    )


class PatchEmbedding(Op[PatchEmbeddingParams]):
    name = "PatchEmbedding"
    category = "Attention"
    summary = "ViT: cut a (C, H, W) image into patches and embed each: (N (+1), E)."
    summary_zh = "ViT：把 (C, H, W) 图像切成图块，并把每块嵌入成向量：(N (+1), E)。"
    Params = PatchEmbeddingParams
    key_params = ("patch_size", "embed_dim")
    example = {"x": spec(3, 8, 8)}
    learn = LearnCard(
        formula="y = [cls; vec(patchᵢ)·Wᵀ + b for each p×p patch i], p = patch_size",
        shape=Text(
            en="(C, H, W) → (N + 1, embed_dim) with class_token, else (N, embed_dim); N = (H / p)·(W / p), p must divide H and W",
            zh_cn="(C, H, W) → 开启 class_token 时为 (N + 1, embed_dim)，否则为 (N, embed_dim)；N = (H / p)·(W / p)，p 必须整除 H 和 W",
        ),
        params=Text(
            en="embed_dim × C × patch_size² + embed_dim (projection) + embed_dim (class token)",
            zh_cn="embed_dim × C × patch_size² + embed_dim（投影）+ embed_dim（分类 token）",
        ),
        when=Text(
            en="The first layer of a Vision Transformer (ViT): it cuts the image into patches and turns each into a token for the Transformer layers.",
            zh_cn="视觉 Transformer（ViT）的第一层：把图像切成图块，每个图块变成一个 token，交给后面的 Transformer 层。",
        ),
        mistakes=Text(
            en="Patches so small that the sequence, and attention's cost, explode (or so large that a small image gives a handful of tokens), and no positional encoding after it.",
            zh_cn="图块太小，序列长度和注意力的计算量急剧增加（或图块太大，小图像只剩几个 token）；后面没有加位置编码。",
        ),
    )

    def infer(self, p: PatchEmbeddingParams, x: dict[str, TensorSpec]) -> dict[str, TensorSpec]:
        need_rank(x["x"], (3,), "(C, H, W)")
        _, h, w = x["x"].shape
        if h % p.patch_size or w % p.patch_size:
            raise ShapeError(
                "shape.patches", field="patch_size", height=h, width=w, patch=p.patch_size
            )
        patches = (h // p.patch_size) * (w // p.patch_size)
        return {"y": spec(patches + int(p.class_token), p.embed_dim)}

    def module(self, p: PatchEmbeddingParams, x: dict[str, TensorSpec]) -> ModuleCall:
        return ModuleCall(tm.PatchEmbedding, {"in_channels": x["x"].shape[0], **p.model_dump()})

    def flops(
        self, p: PatchEmbeddingParams, x: dict[str, TensorSpec], y: dict[str, TensorSpec]
    ) -> int:
        return 2 * x["x"].numel * p.embed_dim  # each pixel enters exactly one patch
