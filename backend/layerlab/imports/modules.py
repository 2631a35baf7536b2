"""Leaf modules -> LayerLab nodes: torch's own layers and LayerLab's modules.

A rule reads the module's configuration into the op's parameters (torch's names), then
`verify` builds what the op would build and compares it with the original, submodule
by submodule: class, every plain attribute (padding_mode, track_running_stats,
batch_first, ...) and every state tensor's shape. What a rule does not read is still
compared, so a configuration the op cannot express is refused, never dropped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from itertools import zip_longest
from types import BuiltinFunctionType, FunctionType
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn

from layerlab.imports.lower import STATIC, Lowering, Pending, Ref, Refuse, Rule, Unavailable
from layerlab.ops import REGISTRY, ModuleCall
from layerlab.ops import torch_modules as tm

_PLAIN = (bool, int, float, str, type(None), tuple, list, FunctionType, BuiltinFunctionType)
_NOT_COMPARED = {"training", "inplace"}
"""`inplace` changes where a result is written, never what it is."""


_KNOWN: dict[type, str | None] = {}


def layerlab_class(cls: type) -> str | None:
    """The name of the LayerLab module `cls` is, or is an exported copy of (the
    Python exporter copies their source verbatim), else None."""
    if cls not in _KNOWN:
        _KNOWN[cls] = _layerlab_class(cls)
    return _KNOWN[cls]


def _layerlab_class(cls: type) -> str | None:
    ours = getattr(tm, cls.__name__, None)
    if not (isinstance(ours, type) and issubclass(ours, nn.Module)):
        return None
    if cls is ours:
        return cls.__name__
    if cls.__module__ == tm.__name__:
        return None
    try:
        same = inspect.getsource(cls).strip() == inspect.getsource(ours).strip()
    except (OSError, TypeError):
        return None
    return cls.__name__ if same else None


def _same_class(built: type, original: type) -> bool:
    if built is original:
        return True
    if layerlab_class(original) is not None and layerlab_class(original) == built.__name__:
        return True
    # LayerLab's subclass of a torch layer that only changes what forward returns
    # (LSTMOutputs, Attention, EncoderLayer): the rule maps the results.
    return built.__module__ == tm.__name__ and built.__bases__[0] is original


def _plain(value: Any) -> Any:
    return tuple(_plain(v) for v in value) if isinstance(value, tuple | list) else value


def _equal(got: Any, want: Any) -> bool:
    """Equal settings; torch reads 2 and (2, 2) alike for a size per axis."""
    got, want = _plain(got), _plain(want)
    if isinstance(got, int) and isinstance(want, tuple):
        got, want = want, got
    if isinstance(got, tuple) and isinstance(want, int) and not isinstance(want, bool):
        return all(g == want for g in got)
    return bool(got == want) and type(got) is type(want) or got == want


def verify(call: ModuleCall, original: nn.Module, ignore: frozenset[str] = frozenset()) -> None:
    """Refuse unless what `call` builds is configured as `original` is."""
    with torch.device("meta"):
        built = call.build()
    pairs = zip_longest(built.named_modules(), original.named_modules(), fillvalue=(None, None))
    for (name_b, b), (name_o, o) in pairs:
        if b is None or o is None or name_b != name_o:
            raise Refuse(f"it holds submodule {name_o!r}, which LayerLab's node does not")
        if not _same_class(type(b), type(o)):
            raise Refuse(
                f"{name_o or 'it'} is a {type(o).__name__}; LayerLab builds a {type(b).__name__}"
            )
        for key, want in vars(o).items():
            if key.startswith("_") or key in _NOT_COMPARED or key in ignore:
                continue
            if not isinstance(want, _PLAIN):
                continue
            got = vars(b).get(key, "(absent)")
            if not _equal(got, want):
                where = f"{name_o}." if name_o else ""
                raise Refuse(f"{where}{key}={want!r} has no LayerLab equivalent ({got!r})")
    state_b, state_o = built.state_dict(), original.state_dict()
    if set(state_b) != set(state_o):
        raise Refuse(f"its state {sorted(state_o)} differs from LayerLab's {sorted(state_b)}")
    for key, tensor in state_o.items():
        if tuple(tensor.shape) != tuple(state_b[key].shape):
            raise Refuse(f"{key} has shape {tuple(tensor.shape)}, not {tuple(state_b[key].shape)}")


def module_node(
    lw: Lowering,
    node: fx.Node,
    type_name: str,
    params: dict[str, Any],
    inputs: dict[str, Ref],
    *,
    original: nn.Module | None = None,
    path: str | None = None,
    ignore: frozenset[str] = frozenset(),
    values: dict[str, torch.Tensor] | None = None,
) -> Ref:
    """A node standing for one module: its weights are the module's state, by name.
    `values`: its outputs on the example, where running it again would not repeat
    them (a noise source draws anew)."""
    path = path if path is not None else str(node.target)
    original = original if original is not None else lw.traced.module(path)
    sources = getattr(lw.traced.synthetic.get(path), "sources", {})
    weights = {
        k: (sources.get(k, f"{path}.{k}"), t.detach()) for k, t in original.state_dict().items()
    }
    ref = lw.add_node(
        node, type_name, params, inputs, key=path, path=path, weights=weights, values=values
    )
    made = lw.nodes[ref.node]
    try:
        assert made.call is not None
        verify(made.call, original, ignore)
    except Refuse:
        del lw.nodes[ref.node]
        raise
    return ref


def _args(node: fx.Node, names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments by forward's parameter names."""
    if len(node.args) > len(names):
        raise Refuse(f"called with {len(node.args)} arguments")
    bound = dict(zip(names, node.args, strict=False))
    for key, value in node.kwargs.items():
        if key not in names:
            raise Refuse(f"called with {key}=, which LayerLab's node does not take")
        bound[key] = value
    return {name: bound.get(name, defaults.get(name)) for name in names}


def _one_input(lw: Lowering, node: fx.Node) -> dict[str, Ref]:
    if len(node.args) != 1 or node.kwargs:
        raise Refuse("LayerLab's node is called with its input alone")
    return {"x": lw.ref(node.args[0])}


def _size(value: Any) -> Any:
    """(3, 3) -> 3 and (3, 5) -> [3, 5]: the op's one-or-per-axis parameters."""
    if isinstance(value, tuple | list):
        return value[0] if all(v == value[0] for v in value) else list(value)
    return value


def _axis(dim: int, what: str) -> int:
    """A dim counting the batch -> a dim without it (negative ones are the same)."""
    if dim == 0:
        raise Refuse(f"{what}=0 is the batch axis, which a LayerLab node never changes")
    return dim - 1 if dim > 0 else dim


# -- the rules --------------------------------------------------------------------------


def _simple(type_name: str, read: Callable[[Any], dict[str, Any]], ignore: str = "") -> Rule:
    def rule(lw: Lowering, node: fx.Node) -> Ref:
        m: Any = lw.traced.module(str(node.target))
        return module_node(
            lw,
            node,
            type_name,
            read(m),
            _one_input(lw, node),
            ignore=frozenset(ignore.split()),
        )

    return rule


def _conv(m: Any) -> dict[str, Any]:
    return {
        "out_channels": m.out_channels,
        "kernel_size": _size(m.kernel_size),
        "stride": _size(m.stride),
        "padding": m.padding if isinstance(m.padding, str) else _size(m.padding),
        "dilation": _size(m.dilation),
        "groups": m.groups,
        "bias": m.bias is not None,
    }


def _conv_transpose(m: Any) -> dict[str, Any]:
    return {
        **{k: v for k, v in _conv(m).items()},
        "output_padding": _size(m.output_padding),
    }


def _pool(m: Any) -> dict[str, Any]:
    return {
        "kernel_size": _size(m.kernel_size),
        "stride": _size(m.stride),
        "padding": _size(m.padding),
        "ceil_mode": m.ceil_mode,
    }


def _adaptive(m: Any) -> dict[str, Any]:
    if m.output_size is None or (isinstance(m.output_size, tuple) and None in m.output_size):
        raise Refuse("output_size None (keep that axis) has no LayerLab equivalent")
    return {"output_size": _size(m.output_size)}


def _upsample(m: Any) -> dict[str, Any]:
    factor = m.scale_factor
    if m.size is not None or not isinstance(factor, float | int) or float(factor) != int(factor):
        raise Refuse("LayerLab's Upsample takes one whole scale_factor")
    return {"scale_factor": int(factor), "mode": m.mode}


def _batch_norm(m: Any) -> dict[str, Any]:
    if m.momentum is None:
        raise Refuse("momentum=None (a cumulative average) has no LayerLab equivalent")
    return {"eps": m.eps, "momentum": m.momentum, "affine": m.affine}


def _layer_norm(m: Any) -> dict[str, Any]:
    return {
        "dims": len(m.normalized_shape),
        "eps": m.eps,
        "elementwise_affine": m.elementwise_affine,
    }


def _flatten(m: Any) -> dict[str, Any]:
    return {
        "start_dim": _axis(m.start_dim, "start_dim"),
        "end_dim": _axis(m.end_dim, "end_dim"),
    }


def _recurrent(type_name: str, layerlab_outputs: bool = False) -> Rule:
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
        ref = module_node(lw, node, type_name, params, _one_input(lw, node))
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


def _attention(lw: Lowering, node: fx.Node) -> Any:
    m: Any = lw.traced.module(str(node.target))
    a = _args(
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


def _layer_params(m: Any) -> dict[str, Any]:
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


def _encoder_layer(lw: Lowering, node: fx.Node) -> Ref:
    m: Any = lw.traced.module(str(node.target))
    a = _args(node, ("src", "src_mask", "src_key_padding_mask", "is_causal"), {})
    if a["src_key_padding_mask"] is not None:
        raise Refuse("src_key_padding_mask has no LayerLab equivalent")
    x = lw.ref(a["src"])
    causal = causal_flag(lw, a["src_mask"], a["is_causal"], lw.spec(x).shape[0])
    params = {**_layer_params(m), "causal": causal}
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


def _decoder_layer(lw: Lowering, node: fx.Node) -> Ref:
    m: Any = lw.traced.module(str(node.target))
    a = _args(node, _DECODER_ARGS, {})
    _no_masks(a, "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask")
    x, memory = lw.ref(a["tgt"]), lw.ref(a["memory"], "memory")
    causal = causal_flag(lw, a["tgt_mask"], a["tgt_is_causal"], lw.spec(x).shape[0])
    params = {**_layer_params(m), "causal": causal}
    return module_node(lw, node, "TransformerDecoderLayer", params, {"x": x, "memory": memory})


def _no_masks(a: dict[str, Any], *names: str) -> None:
    for name in names:
        if a[name] is not None:
            raise Refuse(f"{name} has no LayerLab equivalent")


def _stack(decoder: bool) -> Rule:
    """nn.TransformerEncoder / Decoder: its layers in turn, then its norm."""

    def rule(lw: Lowering, node: fx.Node) -> Ref:
        path = str(node.target)
        m: Any = lw.traced.module(path)
        if decoder:
            a = _args(node, _DECODER_ARGS, {})
            _no_masks(a, "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask")
            x, memory = lw.ref(a["tgt"]), lw.ref(a["memory"], "memory")
            mask, flag = a["tgt_mask"], a["tgt_is_causal"]
        else:
            a = _args(node, ("src", "mask", "src_key_padding_mask", "is_causal"), {})
            _no_masks(a, "src_key_padding_mask")
            x, memory, mask, flag = lw.ref(a["src"]), None, a["mask"], a["is_causal"]
        causal = causal_flag(lw, mask, flag, lw.spec(x).shape[0])
        kind = "TransformerDecoderLayer" if decoder else "TransformerEncoderLayer"
        for i, layer in enumerate(m.layers):
            inputs = {"x": x} if memory is None else {"x": x, "memory": memory}
            params = {**_layer_params(layer), "causal": causal}
            x = module_node(
                lw, node, kind, params, inputs, original=layer, path=f"{path}.layers.{i}"
            )
        if m.norm is not None:
            x = module_node(
                lw,
                node,
                "LayerNorm",
                _layer_norm(m.norm),
                {"x": x},
                original=m.norm,
                path=f"{path}.norm",
            )
        return x

    return rule


# -- LayerLab's own modules (and the exporter's copies of them) ---------------------------


def _fields(type_name: str, m: Any) -> dict[str, Any]:
    """The op's parameters that the module keeps as attributes of the same name (what
    LayerLab's own modules do): a parameter added to the op is read with no change here."""
    names = REGISTRY[type_name].Params.model_fields
    found = {k: v for k, v in vars(m).items() if k in names}
    return {k: float(v) if isinstance(v, float) else v for k, v in found.items()}


def _layerlab(lw: Lowering, node: fx.Node) -> Any:
    m: Any = lw.traced.module(str(node.target))
    name = layerlab_class(type(m))
    args = [lw.ref(a) if a is not None else None for a in node.args]
    if name == "Reshape":
        return module_node(lw, node, "Reshape", {"shape": list(m.shape)}, _one_input(lw, node))
    if name == "Select":
        params = {"dim": _axis(m.dim, "dim"), "index": m.index}
        return module_node(lw, node, "Select", params, _one_input(lw, node))
    if name in ("Add", "Concat"):
        ports = ("a", "b", "c", "d")
        inputs = {p: a for p, a in zip(ports, args, strict=False) if a is not None}
        params = {"dim": _axis(m.dim, "dim")} if name == "Concat" else {}
        return module_node(lw, node, name, params, inputs, ignore=frozenset({"dim"}))
    if name in ("RNNOutputs", "LSTMOutputs", "GRUOutputs"):
        return _recurrent(name.removesuffix("Outputs"), layerlab_outputs=True)(lw, node)
    if name == "Attention":
        a = _args(node, ("query", "key", "value"), {})
        inputs = {p: lw.ref(a[p], p) for p in ("query", "key", "value") if a[p] is not None}
        params = {
            **_fields("MultiheadAttention", m),
            "num_heads": m.num_heads,
            "dropout": float(m.dropout),
            "bias": m.in_proj_bias is not None,
            "causal": m.causal,
        }
        return module_node(lw, node, "MultiheadAttention", params, inputs)
    if name in ("EncoderLayer", "DecoderLayer"):
        inputs = {p: a for p, a in zip(("x", "memory"), args, strict=False) if a is not None}
        params = {**_fields(f"Transformer{name}", m), **_layer_params(m), "causal": m.causal}
        return module_node(lw, node, f"Transformer{name}", params, inputs)
    if name == "PositionalEncoding":
        table = m.weight if m.kind == "learned" else m.table
        params = {"kind": m.kind, "max_len": table.shape[0], "dropout": float(m.dropout.p)}
        return module_node(lw, node, "PositionalEncoding", params, _one_input(lw, node))
    if name == "PatchEmbedding":
        params = {
            "patch_size": m.proj.kernel_size[0],
            "embed_dim": m.proj.out_channels,
            "class_token": m.class_token is not None,
        }
        return module_node(lw, node, "PatchEmbedding", params, _one_input(lw, node))
    if name == "Reparameterize":
        inputs = {p: a for p, a in zip(("mean", "logvar"), args, strict=False) if a is not None}
        ref = module_node(lw, node, "Reparameterize", {}, inputs)
        return Pending(lambda i: Ref(ref.node, ("z", "kl")[i]), "(z, kl)")
    if name == "Noise":
        return _noise(lw, node, m)
    raise Refuse(f"LayerLab's {name} cannot be read back")


def _noise(lw: Lowering, node: fx.Node, m: Any) -> Ref:
    a = _args(node, ("x", "batch_size"), {})
    inputs = {} if a["x"] is None else {"x": lw.ref(a["x"])}
    params = {"std": float(m.std), "shape": list(m.shape), "train_only": m.train_only}
    drawn = {"y": lw.traced.values[node]} if not inputs else None
    return module_node(lw, node, "Noise", params, inputs, values=drawn)


MODULE_RULES: dict[type, Rule] = {
    nn.Linear: _simple(
        "Linear", lambda m: {"out_features": m.out_features, "bias": m.bias is not None}
    ),
    nn.Conv1d: _simple("Conv1d", _conv),
    nn.Conv2d: _simple("Conv2d", _conv),
    nn.ConvTranspose2d: _simple("ConvTranspose2d", _conv_transpose),
    nn.MaxPool2d: _simple("MaxPool2d", _pool),
    nn.AvgPool2d: _simple("AvgPool2d", _pool),
    nn.AdaptiveAvgPool2d: _simple("AdaptiveAvgPool2d", _adaptive),
    nn.Upsample: _simple("Upsample", _upsample),
    nn.BatchNorm1d: _simple("BatchNorm1d", _batch_norm),
    nn.BatchNorm2d: _simple("BatchNorm2d", _batch_norm),
    nn.LayerNorm: _simple("LayerNorm", _layer_norm),
    nn.Dropout: _simple("Dropout", lambda m: {"p": float(m.p)}),
    nn.Embedding: _simple(
        "Embedding",
        lambda m: {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim},
    ),
    nn.Flatten: _simple("Flatten", _flatten, ignore="start_dim end_dim"),
    nn.Identity: _simple("Identity", lambda m: {}),
    nn.RNN: _recurrent("RNN"),
    nn.LSTM: _recurrent("LSTM"),
    nn.GRU: _recurrent("GRU"),
    nn.MultiheadAttention: _attention,
    nn.TransformerEncoderLayer: _encoder_layer,
    nn.TransformerDecoderLayer: _decoder_layer,
    nn.TransformerEncoder: _stack(decoder=False),
    nn.TransformerDecoder: _stack(decoder=True),
}


def _activations() -> dict[type, Rule]:
    """An activation op names its torch class; its parameters are the module's
    attributes of the same names (a `dim` counted without the batch)."""
    rules: dict[type, Rule] = {}
    for op in REGISTRY.values():
        cls = getattr(op, "torch_class", None)
        if op.health_kind is None or cls is None or cls in MODULE_RULES:
            continue

        def read(m: Any, fields: tuple[str, ...] = tuple(op.Params.model_fields)) -> dict[str, Any]:
            params = {f: getattr(m, f) for f in fields}
            if "dim" in params:
                if params["dim"] is None:
                    raise Refuse("an activation over no dim has no LayerLab equivalent")
                params["dim"] = _axis(params["dim"], "dim")
            return {k: float(v) if isinstance(v, float) else v for k, v in params.items()}

        rules[cls] = _simple(op.name, read, ignore="dim")
    return rules


MODULE_RULES.update(_activations())


def module_rule(m: nn.Module) -> Rule | None:
    if type(m) in MODULE_RULES:
        return MODULE_RULES[type(m)]
    if layerlab_class(type(m)) is not None:
        return _layerlab
    return None


def is_mapped(m: nn.Module) -> bool:
    """A leaf for tracing: a module a rule reads whole."""
    return module_rule(m) is not None


def is_random_source(m: nn.Module) -> bool:
    """A module whose value is not a function of its arguments (LayerLab's Noise)."""
    return layerlab_class(type(m)) == "Noise"
