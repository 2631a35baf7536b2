"""How steps execute (train/execution.py, fast.py): what `auto` resolves to, stored
configs that said `compile`, the run page's execution info, and fast execution (the
forward and loss under torch.compile) training like eager. The CUDA tests skip without
a GPU; run them there with `pytest tests/train/test_fast.py`."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch._dynamo.utils import counters

from layerlab.train import execution
from layerlab.train.config import parse_config
from layerlab.train.execution import Execution, resolve
from layerlab.train.model import build_trainee
from layerlab.train.precision import MixedPrecision, resolve_precision
from tests.train.helpers import (
    chain,
    config,
    dataset,
    image_blobs,
    mlp,
    n,
    of_type,
    registry,
    train,
)

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
CUDA = torch.device("cuda")


def small_cnn() -> Any:
    layers = [
        n("conv", "Conv2d", out_channels=4, kernel_size=3),
        n("act", "ReLU"),
        n("flat", "Flatten"),
        n("head", "Linear", out_features=2),
    ]
    return chain(layers, [1, 8, 8])


def blobs(count: int = 128) -> Any:
    images = image_blobs(count)
    labels = (images.sum(dim=2).amax(dim=2).squeeze(1) > 7).long()  # a vertical bar: 1
    return dataset(
        {"kind": "image", "target": "class", "num_classes": 2},
        (images, labels),
        (images[:32], labels[:32]),
    )


# -- resolution ------------------------------------------------------------------------


def test_auto_is_float32_and_eager_on_the_cpu() -> None:
    cfg = parse_config({})
    assert (cfg.precision, cfg.execution) == ("auto", "auto")
    chosen = resolve(cfg, torch.device("cpu"), build_trainee(small_cnn(), 0))
    assert chosen == Execution(precision="off", mode="eager")  # no graphs, NCHW, no TF32
    assert MixedPrecision("auto", torch.device("cpu")).note is None  # auto asks nothing


def test_auto_picks_bf16_where_the_gpu_has_it_and_fp16_with_a_scaler_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert resolve_precision("auto", CUDA) == "bf16"
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert resolve_precision("auto", CUDA) == "fp16"
    assert resolve_precision("off", CUDA) == "off"
    assert resolve_precision("bf16", torch.device("mps")) == "off"
    assert MixedPrecision("bf16", torch.device("cpu")).note  # asked for, said why not


def test_cuda_choices_follow_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # `resolve` only reads the device's name and the model: no GPU needed to check it.
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    cnn, net = build_trainee(small_cnn(), 0), build_trainee(mlp(), 0)
    auto = resolve(parse_config({}), CUDA, cnn)
    assert auto.precision == "bf16" and auto.tf32 and auto.channels_last
    assert auto.mode == "eager" and not auto.cuda_graphs  # until the GPU benchmark says
    assert not resolve(parse_config({}), CUDA, net).channels_last  # no Conv2d
    fast = parse_config({"execution": "fast"})
    assert resolve(fast, CUDA, net).cuda_graphs and resolve(fast, CUDA, net).compile_mode
    assert not resolve(fast, CUDA, net, processes=2).cuda_graphs
    assert not resolve(fast, CUDA, net, whole_step=False).cuda_graphs  # a GAN
    assert not resolve(fast, torch.device("cpu"), net).cuda_graphs
    monkeypatch.setattr(execution, "CUDA_GRAPHS_MAX_PARAMS", 100)  # the MLP has 354
    assert not resolve(fast, CUDA, net).cuda_graphs  # bound by its kernels, not launches


def test_stored_configs_that_say_compile_still_load() -> None:
    assert parse_config({"compile": True}).execution == "fast"
    assert parse_config({"compile": False}).execution == "auto"
    assert parse_config({"compile": True, "execution": "eager"}).execution == "eager"
    loaded = parse_config({"compile": True, "precision": "off", "epochs": 2})
    assert "compile" not in loaded.model_dump()
    assert parse_config(loaded.model_dump()) == loaded  # stored again, it means the same
    assert parse_config({"precision": "off"}).precision == "off"  # an old explicit choice
    with pytest.raises(ValueError, match="compile"):
        parse_config({"compile": "yes"})
    assert "compile" not in parse_config({}).model_json_schema()["properties"]


# -- what the run page is told ---------------------------------------------------------


def test_the_first_status_says_how_the_run_executes() -> None:
    _, events = train(mlp(), registry("moons", size=100), config(epochs=1))
    statuses = of_type(events, "status")
    assert [s.status for s in statuses] == ["running", "finished"]
    info = statuses[0].execution
    assert info is not None and info.model_dump() == {
        "precision": "off",
        "execution": "eager",
        "cuda_graphs": False,
        "channels_last": False,
        "tf32": False,
        "compiling": False,
        "compile_s": None,
    }
    assert statuses[1].execution is None


# -- fast execution --------------------------------------------------------------------


def step_losses(events: list[Any]) -> list[float]:
    return [e.values["train/loss"] for e in of_type(events, "metrics") if "train/loss" in e.values]


@pytest.mark.slow  # torch.compile of a forward and backward: 20-60 s on two shared cores
def test_fast_on_the_cpu_compiles_the_step_and_trains_like_eager() -> None:
    data = registry("moons", size=200)
    every = {"scalars_every": 1, "max_scalars_per_s": 10_000, "max_events_per_s": 10_000}
    settings = dict(epochs=2, lr=0.02, telemetry=every)
    eager, eager_events = train(mlp(), data, config(**settings, execution="eager"))
    counters.clear()
    fast, fast_events = train(mlp(), data, config(**settings, execution="fast"))
    assert fast.status == "finished", fast.message

    # Compiled for real: graphs were made, and the step traced whole (no graph break).
    assert counters["stats"]["unique_graphs"] >= 1
    assert not counters["graph_break"], dict(counters["graph_break"])
    # The same losses, step by step, to float32 rounding of differently fused kernels.
    expected, got = step_losses(eager_events), step_losses(fast_events)
    assert len(got) == len(expected) == eager.step
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)
    # The steps that sample activations run eagerly, so their hooks still fire.
    assert len(of_type(fast_events, "activations")) == len(of_type(eager_events, "activations"))
    assert of_type(fast_events, "activations")

    # The compile is its own phase: announced on the first status, timed once done.
    running = [s for s in of_type(fast_events, "status") if s.status == "running"]
    assert len(running) == 2
    first, compiled = running[0].execution, running[1].execution
    assert first.execution == "fast" and first.compiling and first.compile_s is None
    assert not compiled.compiling and compiled.compile_s is not None and compiled.compile_s > 0
    assert not first.cuda_graphs  # the CPU has none


@pytest.mark.slow
def test_an_old_compile_true_document_trains_fast() -> None:
    result, events = train(
        mlp(hidden=(8,)), registry("moons", size=100), config(epochs=1, compile=True)
    )
    assert result.status == "finished", result.message
    assert of_type(events, "status")[0].execution.execution == "fast"


# -- on a GPU --------------------------------------------------------------------------


@cuda
def test_auto_on_cuda_trains_in_bf16_with_tf32_and_channels_last() -> None:
    doc = small_cnn()
    trainee = build_trainee(doc, 0)
    from layerlab.train.loop import fit
    from layerlab.train.run import RunOptions

    events: list[Any] = []
    tf32_before = torch.backends.cuda.matmul.allow_tf32
    result = fit(trainee, blobs(), config(device="cuda", epochs=2), RunOptions(sink=events.append))
    assert result.status == "finished", result.message
    info = of_type(events, "status")[0].execution
    assert info.precision == ("bf16" if torch.cuda.is_bf16_supported() else "fp16")
    assert info.tf32 and info.channels_last and info.execution == "eager"
    conv = trainee.module.get_submodule("conv")
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    assert torch.backends.cuda.matmul.allow_tf32 == tf32_before  # undone when the run ended
    assert (result.metrics["val/acc"] or 0) > 0.5


@cuda
def test_fast_on_cuda_replays_cuda_graphs_and_learns() -> None:
    cfg = config(device="cuda", execution="fast", lr=0.02, epochs=5)
    result, events = train(mlp(), registry("moons", size=400), cfg)
    assert result.status == "finished", result.message
    assert (result.metrics["val/acc"] or 0) >= 0.9
    running = [s.execution for s in of_type(events, "status") if s.status == "running"]
    assert running[0].cuda_graphs and running[0].compiling
    assert running[1].compile_s is not None and running[1].compile_s > 0


@pytest.mark.slow  # two networks compiled, each forward and backward: about a minute here
def test_fast_compiles_each_network_of_a_gan_and_it_still_learns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two optimizers: the step is not traced whole; each network's forward is compiled,
    # and the GAN test of test_learning.py passes as it does eagerly.
    from tests.train import helpers, test_learning

    original = helpers.config
    monkeypatch.setattr(
        "tests.train.test_learning.config",
        lambda **fields: original(**{**fields, "execution": "fast"}),
    )
    counters.clear()
    test_learning.test_gan_moves_generated_points_onto_the_data()
    assert counters["stats"]["unique_graphs"] >= 2
