"""Recurrent and attention layers: their results taken apart (`(y, (h_n, c_n))`, an
attention's weights), causal masks read from their values, and nn.TransformerEncoder /
Decoder unrolled into their layers."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import fx

from layerlab.imports.leaf import call_args, module_node, one_input
from layerlab.imports.lower import STATIC, Lowering, Pending, Ref, Refuse, Rule, Unavailable


def recurrent_rule(type_name: str, layerlab_outputs: bool = False) -> Rule:
    def rule(lw: Lowering, node: fx.Node) -> Any:
        m: Any = lw.traced.module(str(node.target))
        params = {
            "hidden_size": m.hidden_size,
            "num_layers": m.num_layers,
            "bidirectional": m.bidirectional,
            "dropout": float(m.dropout),
            "bias": m.bias,
        }
        if type_name == "RNN":
            params["nonlinearity"] = m.nonlinearity
        ref = module_node(lw, node, type_name, params, one_input(lw, node))
        if layerlab_outputs:
            return Pending(lambda i: Ref(ref.node, ("y", "h")[i]), "(y, h)")
        return _recurrent_outputs(lw, ref, m)

    return rule


def _recurrent_outputs(lw: Lowering, ref: Ref, m: Any) -> Pending:
    """torch's `(y, h_n)` (`(y, (h_n, c_n))` for an LSTM): y is the node's y; the top
    layer's final state `h_n[-1]` is its h when there is one direction."""
    layers = m.num_layers * (2 if m.bidirectional else 1)

    def final_state(index: Any) -> Any:
        if isinstance(index, int) and not m.bidirectional and index in (-1, layers - 1):
            return Ref(ref.node, "h")
        return Unavailable(
            "LayerLab's recurrent node gives the top layer's final state (h_n[-1], one "
            "direction) alone, not the other layers' or directions'"
        )

    h_n = Pending(final_state, "h_n", squeezed=Ref(ref.node, "h") if layers == 1 else None)

    def outputs(index: Any) -> Any:
        if index == 0:
            return ref
        if index == 1 and m.mode != "LSTM":
            return h_n
        if index == 1:
            cell = Unavailable("LayerLab's LSTM does not give the cell state c_n")
            return Pending(lambda i: h_n if i == 0 else cell, "(h_n, c_n)")
        return Unavailable(f"index {index!r}")

    return Pending(outputs, "(y, h_n)")


def causal_flag(lw: Lowering, mask: Any, flag: Any, length: int) -> bool:
    """Whether an attention mask argument is None (False) or the causal mask (True):
    True above the diagonal (bool) or -inf there and 0 elsewhere (float)."""
    flag_value = bool(lw.value(flag)) if flag is not None else False
    if mask is None:
        return flag_value
    if isinstance(mask, fx.Node) and lw.env.get(mask) is not STATIC:
        raise Refuse("its attention mask depends on the data; LayerLab masks only the future")
    value = lw.value(mask)
    future = torch.ones(length, length, dtype=torch.bool).triu(1)
    if not isinstance(value, torch.Tensor) or tuple(value.shape) != (length, length):
        raise Refuse("its attention mask is not a (T, T) causal mask")
    if value.dtype == torch.bool:
        causal = bool(torch.equal(value, future))
    else:
        causal = bool(torch.isneginf(value[future]).all() and (value[~future] == 0).all())
    if not causal:
        raise Refuse("its attention mask is not the causal mask (the future hidden)")
    return True


def attention_rule(lw: Lowering, node: fx.Node) -> Any:
    m: Any = lw.traced.module(str(node.target))
    a = call_args(
        node,
        (
            "query",
            "key",
            "value",
            "key_padding_mask",
            "need_weights",
            "attn_mask",
            "average_attn_weights",
            "is_causal",
        ),
        {},
    )
    if a["key_padding_mask"] is not None:
        raise Refuse("key_padding_mask has no LayerLab equivalent")
    inputs = _attention_inputs(lw, a["query"], a["key"], a["value"])
    length = lw.spec(inputs["query"]).shape[0]
    params = {
        "num_heads": m.num_heads,
        "dropout": float(m.dropout),
        "bias": m.in_proj_bias is not None,
        "causal": causal_flag(lw, a["attn_mask"], a["is_causal"], length),
    }
    ref = module_node(lw, node, "MultiheadAttention", params, inputs)
    weights = Unavailable("LayerLab's MultiheadAttention does not give the attention weights")
    return Pending(lambda i: ref if i == 0 else weights, "(output, weights)")


def _attention_inputs(lw: Lowering, query: Any, key: Any, value: Any) -> dict[str, Ref]:
    """The ports a call connects: key left out when it is the query, value when it is
    the key (what LayerLab's MultiheadAttention then uses)."""
    inputs = {"query": lw.ref(query, "query")}
    key_is_query = key is None or key is query
    if not key_is_query:
        inputs["key"] = lw.ref(key, "key")
    value_is_key = value is None or value is (query if key is None else key)
    if not value_is_key:
        inputs["value"] = lw.ref(value, "value")
    return inputs


def layer_params(m: Any) -> dict[str, Any]:
    function = getattr(m, "activation", None)
    activation = "relu" if function is F.relu else "gelu" if function is F.gelu else None
    if activation is None:
        raise Refuse("its activation is neither relu nor gelu")
    return {
        "nhead": m.self_attn.num_heads,
        "dim_feedforward": m.linear1.out_features,
        "dropout": float(m.dropout.p),
        "activation": activation,
        "norm_first": m.norm_first,
        "layer_norm_eps": m.norm1.eps,
        "bias": m.linear1.bias is not None,
    }


def encoder_layer_rule(lw: Lowering, node: fx.Node) -> Ref:
    m: Any = lw.traced.module(str(node.target))
    a = call_args(node, ("src", "src_mask", "src_key_padding_mask", "is_causal"), {})
    if a["src_key_padding_mask"] is not None:
        raise Refuse("src_key_padding_mask has no LayerLab equivalent")
    x = lw.ref(a["src"])
    causal = causal_flag(lw, a["src_mask"], a["is_causal"], lw.spec(x).shape[0])
    params = {**layer_params(m), "causal": causal}
    return module_node(lw, node, "TransformerEncoderLayer", params, {"x": x})


_DECODER_ARGS = (
    "tgt",
    "memory",
    "tgt_mask",
    "memory_mask",
    "tgt_key_padding_mask",
    "memory_key_padding_mask",
    "tgt_is_causal",
    "memory_is_causal",
)


def decoder_layer_rule(lw: Lowering, node: fx.Node) -> Ref:
    m: Any = lw.traced.module(str(node.target))
    a = call_args(node, _DECODER_ARGS, {})
    _no_masks(a, "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask")
    x, memory = lw.ref(a["tgt"]), lw.ref(a["memory"], "memory")
    causal = causal_flag(lw, a["tgt_mask"], a["tgt_is_causal"], lw.spec(x).shape[0])
    params = {**layer_params(m), "causal": causal}
    return module_node(lw, node, "TransformerDecoderLayer", params, {"x": x, "memory": memory})


def _no_masks(a: dict[str, Any], *names: str) -> None:
    for name in names:
        if a[name] is not None:
            raise Refuse(f"{name} has no LayerLab equivalent")


def stack_rule(decoder: bool) -> Rule:
    """nn.TransformerEncoder / Decoder: its layers in turn, then its norm."""

    def rule(lw: Lowering, node: fx.Node) -> Ref:
        path = str(node.target)
        m: Any = lw.traced.module(path)
        if decoder:
            a = call_args(node, _DECODER_ARGS, {})
            _no_masks(a, "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask")
            x, memory = lw.ref(a["tgt"]), lw.ref(a["memory"], "memory")
            mask, flag = a["tgt_mask"], a["tgt_is_causal"]
        else:
            a = call_args(node, ("src", "mask", "src_key_padding_mask", "is_causal"), {})
            _no_masks(a, "src_key_padding_mask")
            x, memory, mask, flag = lw.ref(a["src"]), None, a["mask"], a["is_causal"]
        causal = causal_flag(lw, mask, flag, lw.spec(x).shape[0])
        kind = "TransformerDecoderLayer" if decoder else "TransformerEncoderLayer"
        for i, layer in enumerate(m.layers):
            inputs = {"x": x} if memory is None else {"x": x, "memory": memory}
            params = {**layer_params(layer), "causal": causal}
            x = module_node(
                lw, node, kind, params, inputs, original=layer, path=f"{path}.layers.{i}"
            )
        if m.norm is not None:
            x = module_node(
                lw,
                node,
                "LayerNorm",
                layer_norm_params(m.norm),
                {"x": x},
                original=m.norm,
                path=f"{path}.norm",
            )
        return x

    return rule


def layer_norm_params(m: Any) -> dict[str, Any]:
    return {
        "dims": len(m.normalized_shape),
        "eps": m.eps,
        "elementwise_affine": m.elementwise_affine,
    }
