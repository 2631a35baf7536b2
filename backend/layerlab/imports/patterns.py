"""Idioms that compute what one LayerLab node computes, rewritten into a call of that
node's module before lowering, where each rewritten call is checked like any other:

- a positional table added to a (B, T, E) sequence: a learned parameter (`x +
  self.pos_embed`, sliced to T or not), an `nn.Embedding` of `arange(T)` (GPT), or a
  buffer holding the sinusoids of "Attention is all you need" -> PositionalEncoding;
- ViT's patch embedding: a convolution whose kernel is its stride, `flatten(2)`,
  `transpose(1, 2)`, and optionally a learned class token expanded over the batch and
  concatenated in front -> PatchEmbedding.

The rewritten module is made with the original's tensors and remembers their names, so
its weights load by name like any module's.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import torch
from torch import fx, nn

from layerlab.imports.functions import meaning
from layerlab.imports.lower import classify
from layerlab.imports.modules import is_random_source
from layerlab.imports.trace import Traced
from layerlab.ops import torch_modules as tm

aten = torch.ops.aten


@dataclass
class Synthetic:
    """A module a pattern made: the call's target, and its state's original names."""

    module: nn.Module
    sources: dict[str, str]


def rewrite(traced: Traced) -> None:
    static, _ = classify(traced, is_random_source)
    for node in list(traced.graph.nodes):
        if node.graph is not traced.graph or node.op == "output":
            continue  # removed by an earlier rewrite
        if meaning(node) == "add":
            _positional(traced, node, static)
        elif _is(node, "transpose"):
            _patches(traced, node, static)


def _is(node: fx.Node, name: str) -> bool:
    if node.op == "call_method":
        return node.target == name
    targets = {
        "transpose": (torch.transpose, aten.transpose.int),
        "flatten": (torch.flatten, aten.flatten.using_ints),
        "expand": (aten.expand.default,),
    }
    return node.op == "call_function" and node.target in targets.get(name, ())


def _only_user(node: fx.Node) -> fx.Node | None:
    users = list(node.users)
    return users[0] if len(users) == 1 else None


def _replace(
    traced: Traced, last: fx.Node, path: str, made: Synthetic, arg: fx.Node, own: bool = False
) -> None:
    """Call `made` on `arg` where `last` was; `own`: the path is a module the pattern
    consumed whole (GPT's wpe), so the new call may take its name."""
    path = path if own and path not in traced.synthetic else _free_path(traced, path)
    traced.synthetic[path] = made
    with traced.graph.inserting_after(last):
        new = traced.graph.create_node("call_module", path, (arg,))
    new.meta = dict(last.meta)
    traced.values[new] = traced.values[last]
    last.replace_all_uses_with(new)
    _erase(traced, last)


def _erase(traced: Traced, node: fx.Node) -> None:
    """Remove a replaced node and whatever only it used (the table, the token, ...)."""
    inputs = node.all_input_nodes
    traced.graph.erase_node(node)
    for source in inputs:
        if not source.users and source.op != "placeholder" and source.graph is traced.graph:
            _erase(traced, source)


def _free_path(traced: Traced, wanted: str) -> str:
    path, n = wanted, 1
    while path in traced.synthetic or (path in traced.modules and _is_leaf_path(traced, path)):
        path, n = f"{wanted}_{n}", n + 1
    return path


def _is_leaf_path(traced: Traced, path: str) -> bool:
    return any(n.op == "call_module" and n.target == path for n in traced.graph.nodes)


# -- positional tables ----------------------------------------------------------------------


def _positional(traced: Traced, node: fx.Node, static: set[fx.Node]) -> None:
    args = [a for a in (*node.args, *node.kwargs.values()) if isinstance(a, fx.Node)]
    if len(args) != 2 or len(node.args) + len(node.kwargs) != 2:
        return
    tables = [a for a in args if a in static]
    data = [a for a in args if a not in static]
    if len(tables) != 1 or len(data) != 1:
        return
    x, table = traced.values.get(data[0]), traced.values.get(tables[0])
    if not isinstance(x, torch.Tensor) or not isinstance(table, torch.Tensor) or x.dim() != 3:
        return
    length, width = x.shape[1], x.shape[2]
    if tuple(table.shape) not in ((1, length, width), (length, width)):
        return
    found = _table_source(traced, tables[0], length)
    if found is None:
        return
    path, full, sources, kind = found
    own = path in traced.modules
    values = full.detach().reshape(full.shape[-2], full.shape[-1])
    if not torch.equal(values[:length], table.reshape(length, width)):
        return
    module = tm.PositionalEncoding(width, values.shape[0], kind=kind)
    if kind == "learned":
        module.weight = nn.Parameter(values)
    elif not torch.allclose(module.table, values, atol=1e-6, rtol=0):
        return  # a fixed table, but not the sinusoids
    _replace(traced, node, path, Synthetic(module, sources), data[0], own)


def _table_source(
    traced: Traced, node: fx.Node, length: int
) -> tuple[str, torch.Tensor, dict[str, str], str] | None:
    """(path, the whole table, source names, kind) when `node` is a parameter or buffer
    (its first `length` rows), or an embedding of arange(length); used nowhere else."""
    while node.op == "call_function" and node.target is operator.getitem:
        if _only_user(node) is None:
            return None
        node = node.args[0]  # type: ignore[assignment]
    if _only_user(node) is None:
        return None
    if node.op == "get_attr":
        name = str(node.target)
        tensor = traced.values[node]
        parameters = dict(traced.root.named_parameters())
        if name in parameters:
            return name.replace(".", "_"), tensor, {"weight": name}, "learned"
        return name.replace(".", "_"), tensor, {}, "sinusoidal"
    if node.op == "call_module":
        module = traced.modules.get(str(node.target))
        if type(module) is not nn.Embedding or len(node.args) != 1 or node.kwargs:
            return None
        positions = traced.values.get(node.args[0])  # type: ignore[arg-type]
        if not isinstance(positions, torch.Tensor) or not torch.equal(
            positions.flatten(), torch.arange(length)
        ):
            return None
        path = str(node.target)
        return path, module.weight, {"weight": f"{path}.weight"}, "learned"
    return None


# -- ViT's patch embedding --------------------------------------------------------------------


def _patches(traced: Traced, transpose: fx.Node, static: set[fx.Node]) -> None:
    dims = [*transpose.args[1:], *transpose.kwargs.values()]
    if sorted(d % 3 for d in dims if isinstance(d, int)) != [1, 2] or len(dims) != 2:
        return
    flatten = transpose.args[0]
    if (
        not isinstance(flatten, fx.Node)
        or not _is(flatten, "flatten")
        or _only_user(flatten) is None
    ):
        return
    if [*flatten.args[1:], *flatten.kwargs.values()] not in ([2], [2, -1]):
        return
    conv = flatten.args[0]
    if not isinstance(conv, fx.Node) or conv.op != "call_module" or _only_user(conv) is None:
        return
    proj = traced.modules.get(str(conv.target))
    if not _patchwise(proj):
        return
    assert isinstance(proj, nn.Conv2d)
    conv_path = str(conv.target)
    last, token_name = transpose, None
    readers = [u for u in transpose.users if not _reads_batch_size(u)]
    cat = readers[0] if len(readers) == 1 else None
    if cat is not None and meaning(cat) == "cat":
        token_name = _class_token(traced, cat, transpose, static)
        if token_name is not None:
            last = cat
    for user in list(transpose.users):
        if user is not cat and user is not last:
            if not _reads_batch_size(user):
                return
            user.replace_input_with(transpose, conv.args[0])  # type: ignore[arg-type]
    module = tm.PatchEmbedding(
        proj.in_channels, proj.out_channels, proj.kernel_size[0], class_token=token_name is not None
    )
    module.proj = proj
    sources = {"proj.weight": f"{conv_path}.weight", "proj.bias": f"{conv_path}.bias"}
    if token_name is not None:
        module.class_token = traced.root.get_parameter(token_name)
        sources["class_token"] = token_name
    path = conv_path.rsplit(".", 1)[0] if "." in conv_path else "patch_embedding"
    image = conv.args[0]
    assert isinstance(image, fx.Node)
    _replace(traced, last, path, Synthetic(module, sources), image)


def _reads_batch_size(node: fx.Node) -> bool:
    """x.shape[0] or x.size(0): what the class token is expanded by; the image input
    has the same batch size."""
    if node.op == "call_method" and node.target == "size":
        return list(node.args[1:]) == [0]
    if node.op == "call_function" and node.target is getattr and node.args[1] == "shape":
        return all(u.target is operator.getitem and u.args[1] == 0 for u in node.users)
    return False


def _patchwise(proj: Any) -> bool:
    """A convolution that embeds non-overlapping square patches, as LayerLab's does."""
    return (
        type(proj) is nn.Conv2d
        and proj.kernel_size[0] == proj.kernel_size[1]
        and proj.stride == proj.kernel_size
        and proj.padding == (0, 0)
        and proj.dilation == (1, 1)
        and proj.groups == 1
        and proj.padding_mode == "zeros"
        and proj.bias is not None
    )


def _class_token(
    traced: Traced, cat: fx.Node, patches: fx.Node, static: set[fx.Node]
) -> str | None:
    """The parameter name when `cat` is cat([token.expand(B, -1, -1), patches], dim=1)."""
    parts = cat.args[0] if cat.args else cat.kwargs.get("tensors")
    dim = cat.args[1] if len(cat.args) > 1 else cat.kwargs.get("dim", 0)
    if not isinstance(parts, list | tuple) or len(parts) != 2 or parts[1] is not patches:
        return None
    if dim not in (1, -2):
        return None
    expand = parts[0]
    if not isinstance(expand, fx.Node) or expand not in static or not _is(expand, "expand"):
        return None
    token = expand.args[0]
    if not isinstance(token, fx.Node) or token.op != "get_attr" or _only_user(token) is None:
        return None
    name = str(token.target)
    value = traced.values[token]
    if name not in dict(traced.root.named_parameters()) or value.dim() != 3:
        return None
    if tuple(value.shape[:2]) != (1, 1):
        return None
    return name
