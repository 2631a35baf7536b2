"""`from_onnx`: an ONNX file as a graph document with its weights.

An ONNX file is data, not code: it is parsed (never executed as Python), its values are
computed by ONNX's own reference evaluator on random inputs, and each operator is
mapped to a node type whose output must equal the evaluator's, to 1e-5; an operator
without an exact equivalent is refused with its index, name and type. Weights are the
file's initializers, named as the layers they belong to (`conv1.weight` makes node
`conv1`). Files with external data (weights in other files) are refused: a server
never opens files a document names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import fx, nn

from layerlab.graph.errors import GraphError
from layerlab.imports.assemble import assemble
from layerlab.imports.blocks import Grouper
from layerlab.imports.errors import ImportRefused, Unsupported
from layerlab.imports.lower import Lowering, Ref, Refuse, close
from layerlab.imports.onnx_ops import RULES, STATIC_OK
from layerlab.imports.torch_fx import Imported
from layerlab.imports.trace import Traced

VIA = "ONNX"
NO_RULE = "LayerLab has no node type that computes this"
BATCH = 2
"""Samples in the random batch the reference evaluator runs, where the batch is free."""


class OnnxUnavailable(RuntimeError):
    """The onnx package is not installed here."""


@dataclass(frozen=True)
class _Static:
    """A value that follows from the file alone (an initializer, a constant, a shape)."""

    value: np.ndarray[Any, Any]


def from_onnx(data: bytes, *, name: str | None = None) -> Imported:
    """Import an ONNX model (the file's bytes). Raises ImportRefused listing every
    operator that has no exact equivalent, OnnxUnavailable without the onnx package."""
    try:
        import onnx
        from onnx.reference import ReferenceEvaluator
    except ImportError:
        raise OnnxUnavailable(
            "ONNX import needs the onnx package: pip install 'layerlab[onnx]'"
        ) from None
    try:
        model = onnx.load_model_from_string(data)
    except Exception as exc:  # protobuf's DecodeError and friends
        raise ImportRefused(
            [Unsupported(call="file", reason=f"not an ONNX model ({exc})"[:300])], VIA
        ) from None
    graph = model.graph
    if any(
        t.data_location == onnx.TensorProto.EXTERNAL or t.external_data for t in graph.initializer
    ):
        raise ImportRefused(
            [Unsupported(call="file", reason="weights in external files are not read")], VIA
        )
    try:
        reader = _read(model, ReferenceEvaluator)
    except ImportRefused:
        raise
    except Exception as exc:  # a file this hostile or odd breaks parsing anywhere
        raise ImportRefused(
            [Unsupported(call="file", reason=f"cannot read it: {exc}"[:300])], VIA
        ) from None
    if not reader.lw.issues and not reader.lw.outputs:
        reader.lw.issues.append(Unsupported(call="file", reason="the graph returns no tensor"))
    if reader.lw.issues:
        raise ImportRefused(reader.lw.issues, VIA)
    grouper = Grouper(reader.lw)
    top = grouper.group()
    title = name or graph.name or "Imported ONNX model"
    description = f"Imported from ONNX ({model.producer_name or 'unknown producer'})."
    made = assemble(title, description, top, [], reader.lw.nodes, reader.lw.outputs)
    imported = Imported(made.document, made.weights, made.names, VIA)
    _verify(imported, reader)
    return imported


def _read(model: Any, evaluator_class: Any) -> _Reader:
    """Every value on random inputs (ONNX's reference evaluator), then the mapping."""
    reader = _Reader(model)
    feeds = reader.feeds()
    try:
        values = evaluator_class(model).run(None, feeds, intermediate=True)
    except Exception as exc:  # the reference evaluator's own refusals
        reason = f"ONNX's reference evaluator cannot run it: {exc}"
        raise ImportRefused([Unsupported(call="file", reason=reason[:300])], VIA) from None
    assert isinstance(values, dict)
    reader.feeds_given = feeds
    reader.values = {**values, **feeds}
    reader.run()
    return reader


def _verify(imported: Imported, reader: _Reader) -> None:
    try:
        built = imported.build().eval()
    except (GraphError, RuntimeError) as exc:
        reason = f"the imported document does not build: {exc}"
        raise ImportRefused([Unsupported(call="document", reason=reason[:300])], VIA) from None
    args = [torch.from_numpy(np.array(reader.feeds_given[n])) for n in reader.input_names]
    with torch.no_grad():
        out = built(*args)
    got = out if isinstance(out, tuple) else (out,)
    for tensor, output in zip(got, reader.output_names, strict=True):
        want = torch.from_numpy(np.array(reader.values[output]))
        if tensor.shape != want.shape or not close(tensor, want.to(tensor.dtype)):
            raise ImportRefused(
                [
                    Unsupported(
                        call="output", where=output, reason="the document computes otherwise"
                    )
                ],
                VIA,
            )


class _Reader:
    def __init__(self, model: Any):
        from onnx import numpy_helper

        self.model = model
        self.graph = model.graph
        self.inits = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        self.values: dict[str, Any] = {}
        self.feeds_given: dict[str, Any] = {}
        self.env: dict[str, Ref | _Static | None] = {}
        self.used: dict[str, int] = {}
        for node in self.graph.node:
            for name in node.input:
                self.used[name] = self.used.get(name, 0) + 1
        self.input_names = [i.name for i in self.graph.input if i.name not in self.inits]
        self.output_names = [o.name for o in self.graph.output]
        self.batch = self._batch()
        traced = Traced(nn.Module(), fx.Graph(), VIA, self.batch)
        self.lw = Lowering(traced, lambda m: None, lambda n: None, lambda m: False)

    # -- inputs -------------------------------------------------------------------------

    def _batch(self) -> int:
        for graph_input in self.graph.input:
            if graph_input.name in self.inits:
                continue
            dims = graph_input.type.tensor_type.shape.dim
            if dims and dims[0].HasField("dim_value") and dims[0].dim_value > 0:
                return int(dims[0].dim_value)
        return BATCH

    def feeds(self) -> dict[str, np.ndarray[Any, Any]]:
        """Random inputs (ids 0 or 1 for integer inputs), the batch first."""
        from onnx import TensorProto

        rng = np.random.default_rng(0)
        feeds = {}
        for graph_input in self.graph.input:
            if graph_input.name in self.inits:
                continue
            tensor = graph_input.type.tensor_type
            dims = list(tensor.shape.dim)
            fixed = [d.dim_value for d in dims[1:]]
            if not dims or any(not d.HasField("dim_value") or d.dim_value < 1 for d in dims[1:]):
                raise ImportRefused(
                    [
                        Unsupported(
                            call="input",
                            where=graph_input.name,
                            reason="every axis but the batch needs a fixed size",
                        )
                    ],
                    VIA,
                )
            shape = (self.batch, *fixed)
            if tensor.elem_type == TensorProto.FLOAT:
                feeds[graph_input.name] = rng.standard_normal(shape).astype(np.float32)
            elif tensor.elem_type == TensorProto.INT64:
                feeds[graph_input.name] = rng.integers(0, 2, shape).astype(np.int64)
            else:
                raise ImportRefused(
                    [
                        Unsupported(
                            call="input",
                            where=graph_input.name,
                            reason="inputs are float32 or int64",
                        )
                    ],
                    VIA,
                )
        return feeds

    # -- the walk -----------------------------------------------------------------------

    def run(self) -> None:
        for name in self.inits:
            self.env[name] = _Static(self.inits[name])
        for name in self.input_names:
            value = torch.from_numpy(np.array(self.values[name]))
            dtype = "int64" if value.dtype == torch.int64 else "float32"
            self.env[name] = self.lw.add_node(
                None,
                "Input",
                {"shape": list(value.shape[1:]), "dtype": dtype},
                {},
                key=name,
                values={"y": value},
            )
        for index, node in enumerate(self.graph.node):
            where = f"node {index} {node.name!r}" if node.name else f"node {index}"
            ins = [self.env.get(i) if i else None for i in node.input]
            if all(isinstance(i, _Static) or i is None for i in ins) and node.op_type in STATIC_OK:
                for out in node.output:
                    self.env[out] = _Static(np.array(self.values[out]))
                continue
            rule = RULES.get(node.op_type)
            if any(i is None and name for i, name in zip(ins, node.input, strict=True)):
                # Downstream of a refusal: listed when no rule could ever take it.
                if rule is None:
                    self.lw.issues.append(
                        Unsupported(call=node.op_type, where=where, reason=NO_RULE)
                    )
                self._skip(node)
                continue
            try:
                if rule is None:
                    raise Refuse(NO_RULE)
                ref = rule(self, node)
                self._check(node.output[0], ref)
                self.env[node.output[0]] = ref
            except Refuse as exc:
                self._refuse(node, where, str(exc))
            except (KeyError, IndexError, ValueError, TypeError) as exc:  # odd attributes
                self._refuse(node, where, f"cannot read this operator: {exc}"[:300])
        for name in self.output_names:
            entry = self.env.get(name)
            if isinstance(entry, Ref):
                self.lw.outputs.append((_identifier(name), entry))
            elif entry is not None:
                self.lw.issues.append(
                    Unsupported(
                        call="output", where=name, reason="a constant, not computed from the inputs"
                    )
                )

    def _refuse(self, node: Any, where: str, reason: str) -> None:
        self.lw.issues.append(Unsupported(call=node.op_type, where=where, reason=reason))
        self._skip(node)

    def _skip(self, node: Any) -> None:
        for out in node.output:
            self.env[out] = None

    def _check(self, name: str, ref: Ref) -> None:
        want = torch.from_numpy(np.array(self.values[name]))
        got = self.lw.tensor(ref)
        if tuple(got.shape) != tuple(want.shape) or not close(got, want.to(got.dtype)):
            raise Refuse(f"LayerLab's {self.lw.nodes[ref.node].type} computes something else here")

    # -- what rules use -----------------------------------------------------------------

    def ref(self, name: str) -> Ref:
        entry = self.env.get(name)
        if isinstance(entry, Ref):
            return entry
        raise Refuse(f"input {name!r} is a constant, which no LayerLab node holds")

    def const(self, name: str) -> np.ndarray[Any, Any] | None:
        entry = self.env.get(name) if name else None
        return entry.value if isinstance(entry, _Static) else None

    def weight(self, name: str) -> tuple[str, torch.Tensor]:
        value = self.const(name)
        if value is None:
            raise Refuse(f"{name!r} should be a weight (an initializer) but is computed")
        if self.used.get(name, 0) > 1:
            raise Refuse(f"initializer {name!r} is used by more than one operator (shared)")
        return name, torch.from_numpy(np.array(value, dtype=np.float32))

    def node(
        self,
        node: Any,
        type_name: str,
        params: dict[str, Any],
        inputs: dict[str, Ref],
        weights: dict[str, tuple[str, torch.Tensor]] | None = None,
    ) -> Ref:
        path = None
        if weights:
            first = next(iter(weights.values()))[0]
            path = first.rsplit(".", 1)[0] if "." in first else first
        return self.lw.add_node(
            None,
            type_name,
            params,
            inputs,
            key=path or node.output[0],
            path=path,
            weights=weights,
            scope=(),
        )


def _identifier(name: str) -> str:
    from layerlab.imports.blocks import sanitize

    return sanitize(name)
