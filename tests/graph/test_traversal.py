"""The one traversal that `compile` and `export_python` share.

The rules it holds (port order with gaps, unpacking only the outputs read, a noise
source's batch size, chaining a repeated block's copies) are checked on the steps it
yields, and by running both emitters' results on the same weights: the exported
source, executed here, must compute what the compiled GraphModule computes. The
presets and the documents in tests/graph/documents make the same comparison in a
fresh interpreter without LayerLab (tests/presets/test_documents.py, test_export.py);
these documents are small and aimed at the rules' corners.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

import layerlab
from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import signature
from layerlab.graph.traversal import Step, steps
from layerlab.graph.wiring import Wire
from layerlab.ops import torch_modules
from tests.graph.drafting import edge, node
from tests.weights import perturb

TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def split_block() -> dict[str, Any]:
    """Two outputs: main (8 wide, chained into the next copy) and side (2 wide)."""
    return {
        "name": "Split",
        "nodes": [
            node("i", "Input"),
            node("main", "Linear", out_features=8),
            node("side", "Linear", out_features=2),
            node("main_out", "Output"),
            node("side_out", "Output"),
        ],
        "edges": [edge("i", "main"), edge("main", "main_out"), edge("i", "side")]
        + [edge("side", "side_out")],
    }


DOCUMENTS: dict[str, dict[str, Any]] = {
    # Two noise sources beside an Input: both take the input's batch size.
    "noise beside an input": {
        "name": "Noisy",
        "nodes": [
            node("x", "Input", shape=[6]),
            node("z1", "Noise", shape=[6]),
            node("z2", "Noise", shape=[6]),
            node("a", "Add"),
            node("b", "Add"),
            node("y", "Output"),
        ],
        "edges": [edge("x", "a", "a"), edge("z1", "a", "b"), edge("a", "b", "a")]
        + [edge("z2", "b", "b"), edge("b", "y")],
    },
    # Attention without a key, and a Concat without its third part: None fills each gap.
    "unconnected ports before connected ones": {
        "name": "Gaps",
        "nodes": [
            node("x", "Input", shape=[4, 8]),
            node("v", "Input", shape=[4, 8]),
            node("att", "MultiheadAttention", num_heads=2),
            node("cat", "Concat"),
            node("y", "Output"),
        ],
        "edges": [edge("x", "att", "query"), edge("v", "att", "value"), edge("att", "cat", "a")]
        + [edge("x", "cat", "b"), edge("x", "cat", "d"), edge("cat", "y")],
    },
    "an LSTM read at its final state only": {
        "name": "Final state",
        "nodes": [
            node("x", "Input", shape=[5, 3]),
            node("lstm", "LSTM", hidden_size=4),
            node("fc", "Linear", out_features=2),
            node("y", "Output"),
        ],
        "edges": [edge("x", "lstm"), edge("lstm", "fc", source_port="h"), edge("fc", "y")],
    },
    # Three copies chained through main_out, which nothing outside reads.
    "a repeated two-output block read at its second output": {
        "name": "Side",
        "blocks": [split_block()],
        "nodes": [
            node("x", "Input", shape=[8]),
            {"id": "s", "type": "Split", "repeat": 3},
            {"id": "t", "type": "Split"},
            node("y", "Output"),
            node("y2", "Output"),
        ],
        "edges": [edge("x", "s"), edge("s", "y", source_port="side_out"), edge("x", "t")]
        + [edge("t", "y2", source_port="main_out")],
    },
    "a noise source inside a repeated block": {
        "name": "Jittered",
        "blocks": [
            {
                "name": "Jitter",
                "nodes": [
                    node("i", "Input"),
                    node("z", "Noise", shape=[6]),
                    node("a", "Add"),
                    node("o", "Output"),
                ],
                "edges": [edge("i", "a", "a"), edge("z", "a", "b"), edge("a", "o")],
            }
        ],
        "nodes": [
            node("x", "Input", shape=[6]),
            {"id": "j", "type": "Jitter", "repeat": 2},
            node("y", "Output"),
        ],
        "edges": [edge("x", "j"), edge("j", "y")],
    },
}


def exported_class(source: str, name: str) -> type[nn.Module]:
    namespace: dict[str, Any] = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)  # our own generated code
    found = namespace[name]
    assert isinstance(found, type) and issubclass(found, nn.Module)
    return found


def as_tuple(value: Any) -> tuple[torch.Tensor, ...]:
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("case", list(DOCUMENTS))
def test_exported_forward_equals_compiled_forward(case: str) -> None:
    doc = DOCUMENTS[case]
    torch.manual_seed(0)
    compiled = layerlab.build(doc)
    perturb(compiled)
    compiled.eval()
    exported = exported_class(layerlab.export_python(doc), type(compiled).__name__)()
    exported.load_state_dict(compiled.state_dict())
    exported.eval()
    assert type(compiled).__name__ not in vars(torch_modules)

    generator = torch.Generator().manual_seed(3)
    report = {n.id: n for n in layerlab.check(doc).nodes}
    specs = [report[n].outputs["y"] for n in signature(compiled).inputs]
    inputs = [torch.randn(3, *spec.shape, generator=generator) for spec in specs]
    with torch.no_grad():
        torch.manual_seed(7)  # the noise sources draw from the global generator
        want = as_tuple(compiled(*inputs))
        torch.manual_seed(7)
        got = as_tuple(exported(*inputs))
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, **TOLERANCE)


def steps_of(doc: dict[str, Any]) -> dict[str, Step]:
    analysis = analyze_or_raise(layerlab.load_graph(doc))
    assert analysis.top is not None and analysis.result is not None
    return {s.node_id: s for s in steps(analysis.top, analysis.result, analysis.top.nodes)}


def test_arguments_follow_port_order_with_none_for_gaps() -> None:
    found = steps_of(DOCUMENTS["unconnected ports before connected ones"])

    assert found["att"].args == (
        Wire("x", "y", "att", "query"),
        None,
        Wire("v", "y", "att", "value"),
    )
    assert [w and w.source for w in found["cat"].args] == ["att", "x", None, "x"]


def test_only_the_outputs_read_are_bound() -> None:
    found = steps_of(DOCUMENTS["an LSTM read at its final state only"])
    lstm, fc = found["lstm"], found["fc"]

    assert (lstm.ports, lstm.bound, lstm.unpacks) == (("y", "h"), ("h",), True)
    assert (fc.ports, fc.bound, fc.unpacks) == (("y",), ("y",), False)


def test_noise_sources_are_marked_and_inputs_are_not_steps() -> None:
    found = steps_of(DOCUMENTS["noise beside an input"])

    assert list(found) == ["z1", "z2", "a", "b"]
    assert [s.node_id for s in found.values() if s.noise] == ["z1", "z2"]


def test_the_compiled_graph_takes_the_batch_size_once() -> None:
    model = layerlab.build(DOCUMENTS["noise beside an input"])
    sizes = [n for n in model.graph.nodes if n.op == "call_method" and n.target == "size"]

    assert len(sizes) == 1
    assert "batch_size=x.shape[0]" in layerlab.export_python(DOCUMENTS["noise beside an input"])


def test_repeated_copies_chain_their_first_output() -> None:
    doc = DOCUMENTS["a repeated two-output block read at its second output"]
    model = layerlab.build(doc).eval()
    x = torch.randn(2, 8)

    main = x
    for copy in range(3):
        main, side = model.get_submodule(f"s.{copy}")(main)
    with torch.no_grad():
        got_side, _ = model(x)
    torch.testing.assert_close(got_side, side.detach())
    source = layerlab.export_python(doc)
    assert "_, s_side_out = self.s[1](_)" in source
