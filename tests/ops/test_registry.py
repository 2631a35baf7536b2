"""Every node type, held against real execution: its defaults build and train, and
its shape function, parameter count and FLOP formula agree with what torch does.

Parametrized over the whole registry (ids are type names, so a new type is covered
the moment it is declared), plus the non-default variants of `cases.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import layerlab
from layerlab.ops import REGISTRY, spec
from layerlab.ops.base import TORCH_DTYPES
from tests.ops.cases import VARIANT_PARAMS
from tests.ops.harness import (
    BATCH,
    NODE_ID,
    NOT_BUILT,
    Case,
    call,
    counted_flops,
    default_case,
    make_inputs,
    one_node_document,
)
from tests.ops.recurrent_oracle import unrolled

DEFAULTS = [pytest.param(default_case(name), id=name) for name in REGISTRY]
BUILT_DEFAULTS = [p for p in DEFAULTS if p.id not in NOT_BUILT]
CASES = BUILT_DEFAULTS + VARIANT_PARAMS


@pytest.fixture(autouse=True)
def _seeded() -> Iterator[None]:
    torch.manual_seed(0)
    yield


@pytest.mark.parametrize("case", CASES)
def test_forward_and_backward_reach_every_parameter(case: Case) -> None:
    module = case.build().train()
    inputs = make_inputs(case)
    outputs = call(case, module, inputs)
    differentiable = [y for y in outputs.values() if y.requires_grad]
    if not differentiable:
        # Only a source of noise or integer data may produce nothing to train.
        assert not list(module.parameters())
        assert not any(x.is_floating_point() for x in inputs.values())
        return
    # A random projection, so d(loss)/dy is never constant (a plain sum would give
    # BatchNorm's and Softmax's inputs exactly zero gradient).
    loss = torch.stack([(y * torch.randn_like(y)).sum() for y in differentiable]).sum()
    torch.autograd.backward(loss)
    for name, parameter in module.named_parameters():
        if not parameter.requires_grad:
            continue
        assert parameter.grad is not None, f"{name} got no gradient"
        assert torch.isfinite(parameter.grad).all(), f"{name} has a non-finite gradient"
        assert parameter.grad.abs().sum() > 0, f"{name} has an all-zero gradient"
    for port, x in inputs.items():
        if x.is_floating_point():
            assert x.grad is not None, f"input {port} got no gradient"
            assert torch.isfinite(x.grad).all()


@pytest.mark.parametrize("case", CASES)
def test_inferred_shapes_equal_real_and_meta_execution(case: Case) -> None:
    inferred = case.op.infer(case.parsed(), dict(case.inputs))
    real = call(case, case.build(), make_inputs(case))
    meta = call(case, case.build("meta"), make_inputs(case, "meta"))
    assert set(inferred) == set(real) == {p.name for p in case.op.outputs}
    for port, expected in inferred.items():
        for where, got in (("real", real[port]), ("meta", meta[port])):
            assert tuple(got.shape) == (BATCH, *expected.shape), f"{where} {port}"
            assert got.dtype == TORCH_DTYPES[expected.dtype], f"{where} {port}"
    assert all(y.device.type == "meta" for y in meta.values())


@pytest.mark.parametrize("case", CASES)
def test_param_count_equals_the_real_module(case: Case) -> None:
    real = sum(p.numel() for p in case.build().parameters())
    assert case.op.param_count(case.parsed(), dict(case.inputs)) == real


@pytest.mark.parametrize("case", CASES)
def test_flops_equal_torch_flop_counter(case: Case) -> None:
    p, x = case.parsed(), dict(case.inputs)
    declared = case.op.flops(p, x, case.op.infer(p, x))
    module = case.build()
    inputs = make_inputs(case)
    if not isinstance(module, nn.RNNBase):
        assert declared == counted_flops(case, module, inputs)
        return
    # Recurrent: count the same computation unrolled into cells (see recurrent_oracle),
    # after showing that it is the same computation.
    with torch.no_grad():
        outputs = call(case, module, inputs)
        y, h = unrolled(module, inputs["x"])
        torch.testing.assert_close(y, outputs["y"])
        torch.testing.assert_close(h, outputs["h"])
    with FlopCounterMode(display=False) as counter:
        unrolled(module, inputs["x"])
    oracle = counter.get_total_flops() // BATCH
    assert declared == oracle
    # On CPU torch counts the RNN and GRU kernels (they run as matmuls) but sees zero
    # inside the fused LSTM kernel; whatever it does count must agree.
    assert counted_flops(case, module, inputs) in (0, oracle)


@pytest.mark.parametrize("case", DEFAULTS + VARIANT_PARAMS)
def test_check_reports_what_the_op_declares(case: Case) -> None:
    """Through `layerlab.check`, a one-node document shows the op's own facts."""
    result = layerlab.check(one_node_document(case))
    assert result.ok, result.errors
    report = next(n for n in result.nodes if n.id == NODE_ID)
    p, x = case.parsed(), dict(case.inputs)
    outputs = case.op.infer(p, x)
    assert report.outputs == outputs
    assert report.params == case.op.param_count(p, x)
    assert report.flops == case.op.flops(p, x, outputs)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, spec(1, 28, 28)),
        ({"shape": [7]}, spec(7)),
        ({"shape": [2, 3, 4, 5, 6], "dtype": "int64"}, spec(2, 3, 4, 5, 6, dtype="int64")),
    ],
)
def test_input_gives_the_sample_its_params_describe(
    params: dict[str, object], expected: object
) -> None:
    op = REGISTRY["Input"]
    assert op.infer(op.parse_params(params), {}) == {"y": expected}


def test_output_produces_nothing_further() -> None:
    op = REGISTRY["Output"]
    assert op.infer(op.parse_params({}), {"x": spec(3, 2)}) == {}
    assert op.param_count(op.parse_params({}), {"x": spec(3, 2)}) == 0
