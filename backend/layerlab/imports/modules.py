"""Leaf modules -> LayerLab nodes: torch's own layers and LayerLab's modules.

A rule reads the module's configuration into the op's parameters (torch's names), then
`verify` builds what the op would build and compares it with the original, submodule
by submodule: class, every plain attribute (padding_mode, track_running_stats,
batch_first, ...) and every state tensor's shape. What a rule does not read is still
compared, so a configuration the op cannot express is refused, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import fx, nn

from layerlab.imports.functions import add_node
from layerlab.imports.leaf import (
    call_args,
    layerlab_class,
    module_node,
    one_input,
    sample_axis,
    size_arg,
)
from layerlab.imports.lower import Lowering, Pending, Ref, Refuse, Rule
from layerlab.imports.sequence import (
    attention_rule,
    decoder_layer_rule,
    encoder_layer_rule,
    layer_norm_params,
    layer_params,
    recurrent_rule,
    stack_rule,
)
from layerlab.ops import REGISTRY

# -- the rules --------------------------------------------------------------------------


def _simple(type_name: str, read: Callable[[Any], dict[str, Any]], ignore: str = "") -> Rule:
    def rule(lw: Lowering, node: fx.Node) -> Ref:
        m: Any = lw.traced.module(str(node.target))
        return module_node(
            lw,
            node,
            type_name,
            read(m),
            one_input(lw, node),
            ignore=frozenset(ignore.split()),
        )

    return rule


def _conv(m: Any) -> dict[str, Any]:
    return {
        "out_channels": m.out_channels,
        "kernel_size": size_arg(m.kernel_size),
        "stride": size_arg(m.stride),
        "padding": m.padding if isinstance(m.padding, str) else size_arg(m.padding),
        "dilation": size_arg(m.dilation),
        "groups": m.groups,
        "bias": m.bias is not None,
    }


def _conv_transpose(m: Any) -> dict[str, Any]:
    return {
        **{k: v for k, v in _conv(m).items()},
        "output_padding": size_arg(m.output_padding),
    }


def _pool(m: Any) -> dict[str, Any]:
    return {
        "kernel_size": size_arg(m.kernel_size),
        "stride": size_arg(m.stride),
        "padding": size_arg(m.padding),
        "ceil_mode": m.ceil_mode,
    }


def _adaptive(m: Any) -> dict[str, Any]:
    if m.output_size is None or (isinstance(m.output_size, tuple) and None in m.output_size):
        raise Refuse("output_size None (keep that axis) has no LayerLab equivalent")
    return {"output_size": size_arg(m.output_size)}


def _upsample(m: Any) -> dict[str, Any]:
    factor = m.scale_factor
    if m.size is not None or not isinstance(factor, float | int) or float(factor) != int(factor):
        raise Refuse("LayerLab's Upsample takes one whole scale_factor")
    return {"scale_factor": int(factor), "mode": m.mode}


def _batch_norm(m: Any) -> dict[str, Any]:
    if m.momentum is None:
        raise Refuse("momentum=None (a cumulative average) has no LayerLab equivalent")
    return {"eps": m.eps, "momentum": m.momentum, "affine": m.affine}


def _flatten(m: Any) -> dict[str, Any]:
    return {
        "start_dim": sample_axis(m.start_dim, "start_dim"),
        "end_dim": sample_axis(m.end_dim, "end_dim"),
    }


# -- LayerLab's own modules (and the exporter's copies of them) ---------------------------


def _fields(type_name: str, m: Any) -> dict[str, Any]:
    """The op's parameters that the module keeps as attributes of the same name (what
    LayerLab's own modules do): a parameter added to the op is read with no change here."""
    names = REGISTRY[type_name].Params.model_fields
    found = {k: v for k, v in vars(m).items() if k in names}
    if isinstance(found.get("dim"), int) and found["dim"] != 0:
        found["dim"] = sample_axis(found["dim"], "dim")  # a module's dim counts the batch
    return {k: float(v) if isinstance(v, float) else v for k, v in found.items()}


def _layerlab(lw: Lowering, node: fx.Node) -> Any:
    m: Any = lw.traced.module(str(node.target))
    name = layerlab_class(type(m))
    args = [lw.ref(a) if a is not None else None for a in node.args]
    if name == "Reshape":
        return module_node(lw, node, "Reshape", {"shape": list(m.shape)}, one_input(lw, node))
    if name == "Select":
        params = {"dim": sample_axis(m.dim, "dim"), "index": m.index}
        return module_node(lw, node, "Select", params, one_input(lw, node))
    if name == "Add":  # whether it broadcasts is in the shapes, not in the module
        if len(args) != 2 or args[0] is None or args[1] is None or node.kwargs:
            raise Refuse("LayerLab's Add is called with its two summands")
        return add_node(lw, node, args[0], args[1])
    if name == "Concat":
        ports = ("a", "b", "c", "d")
        inputs = {p: a for p, a in zip(ports, args, strict=False) if a is not None}
        params = {"dim": sample_axis(m.dim, "dim")}
        return module_node(lw, node, name, params, inputs, ignore=frozenset({"dim"}))
    if name in ("RNNOutputs", "LSTMOutputs", "GRUOutputs"):
        return recurrent_rule(name.removesuffix("Outputs"), layerlab_outputs=True)(lw, node)
    if name == "Attention":
        a = call_args(node, ("query", "key", "value"), {})
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
        params = {**_fields(f"Transformer{name}", m), **layer_params(m), "causal": m.causal}
        return module_node(lw, node, f"Transformer{name}", params, inputs)
    if name == "PositionalEncoding":
        table = m.weight if m.kind == "learned" else m.table
        params = {"kind": m.kind, "max_len": table.shape[0], "dropout": float(m.dropout.p)}
        return module_node(lw, node, "PositionalEncoding", params, one_input(lw, node))
    if name == "PatchEmbedding":
        params = {
            "patch_size": m.proj.kernel_size[0],
            "embed_dim": m.proj.out_channels,
            "class_token": m.class_token is not None,
        }
        return module_node(lw, node, "PatchEmbedding", params, one_input(lw, node))
    if name == "Reparameterize":
        inputs = {p: a for p, a in zip(("mean", "logvar"), args, strict=False) if a is not None}
        ref = module_node(lw, node, "Reparameterize", {}, inputs)
        return Pending(lambda i: Ref(ref.node, ("z", "kl")[i]), "(z, kl)")
    if name == "Noise":
        return _noise(lw, node, m)
    if name == "TimestepEmbedding":  # its `dim` is a length, not an axis as _fields reads it
        params = {"dim": m.dim, "max_period": float(m.max_period)}
        step = {"t": one_input(lw, node)["x"]}
        return module_node(lw, node, "TimestepEmbedding", params, step)
    return _any_layerlab(lw, node, m, str(name))


def _any_layerlab(lw: Lowering, node: fx.Node, m: Any, name: str) -> Any:
    """A LayerLab module without a rule of its own: the op that builds this class from
    the parameters the module keeps as attributes (inputs in port order). A new op's
    module is read back with no change here; the value check refuses a wrong guess."""
    if node.kwargs:
        raise Refuse(f"LayerLab's {name} is called with keyword arguments")
    for op in REGISTRY.values():
        if len(node.args) > len(op.inputs) or not op.outputs:
            continue
        inputs = {
            p.name: lw.ref(a) for p, a in zip(op.inputs, node.args, strict=False) if a is not None
        }
        params = _fields(op.name, m)
        try:
            built = op.module(op.parse_params(params), {p: lw.spec(r) for p, r in inputs.items()})
        except Exception:  # not this op: its parameters or shapes do not fit
            continue
        if built.cls.__name__ != name:
            continue
        ref = module_node(lw, node, op.name, params, inputs, ignore=frozenset({"dim"}))
        return ref if len(op.outputs) == 1 else _ports(ref, [p.name for p in op.outputs])
    raise Refuse(f"LayerLab's {name} cannot be read back")


def _ports(ref: Ref, ports: list[str]) -> Pending:
    return Pending(lambda i: Ref(ref.node, ports[i]), f"({', '.join(ports)})")


def _noise(lw: Lowering, node: fx.Node, m: Any) -> Ref:
    a = call_args(node, ("x", "batch_size"), {})
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
    nn.LayerNorm: _simple("LayerNorm", layer_norm_params),
    nn.GroupNorm: _simple(
        "GroupNorm",
        lambda m: {"num_groups": m.num_groups, "eps": float(m.eps), "affine": m.affine},
    ),
    nn.Dropout: _simple("Dropout", lambda m: {"p": float(m.p)}),
    nn.Embedding: _simple(
        "Embedding",
        lambda m: {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim},
    ),
    nn.Flatten: _simple("Flatten", _flatten, ignore="start_dim end_dim"),
    nn.Identity: _simple("Identity", lambda m: {}),
    nn.RNN: recurrent_rule("RNN"),
    nn.LSTM: recurrent_rule("LSTM"),
    nn.GRU: recurrent_rule("GRU"),
    nn.MultiheadAttention: attention_rule,
    nn.TransformerEncoderLayer: encoder_layer_rule,
    nn.TransformerDecoderLayer: decoder_layer_rule,
    nn.TransformerEncoder: stack_rule(decoder=False),
    nn.TransformerDecoder: stack_rule(decoder=True),
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
                params["dim"] = sample_axis(params["dim"], "dim")
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
