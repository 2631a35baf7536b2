"""Spaces: what each path names, what a space is refused for, and sampled documents of
presets that check (or fail their trial with the check's error) with the parameter
counts they should have. No training: trials here are checks of their documents."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import optuna
from pydantic import TypeAdapter

from layerlab.graph.check import check
from layerlab.graph.document import load_document
from layerlab.sweeps.driver import SweepDriver, Told, TrialProgress, TrialRefused
from layerlab.sweeps.space import Applied, Space, SpaceError, apply_point, check_space
from layerlab.sweeps.spec import SweepSpec, spec_problem
from layerlab.sweeps.study import create_study
from layerlab.train.config import config_of
from tests.conftest import GRAPHS

SPACE: TypeAdapter[Any] = TypeAdapter(Space)


def preset(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((GRAPHS / f"{name}.json").read_text())
    return document


def problems(space: dict[str, Any], document: dict[str, Any]) -> dict[str, str]:
    doc = load_document(document)
    try:
        check_space(SPACE.validate_python(space), doc, config_of(doc))
    except SpaceError as exc:
        return dict(exc.problems)
    return {}


def test_every_path_form_names_a_place_of_the_document() -> None:
    resnet = preset("resnet20_cifar10")
    assert (
        problems(
            {
                "lr": {"log_uniform": [1e-4, 1.0]},
                "optimizer": {"choice": ["sgd", "adam"]},
                "nodes.fc.params.out_features": {"int": [10, 20]},
                "nodes.stage3.params.channels": {"choice": [32, 64]},
                "nodes.stage3.repeat": {"int": [1, 3]},
                "blocks.BasicBlock.params.channels": {"choice": [16]},
            },
            resnet,
        )
        == {}
    )


def test_a_space_is_refused_at_each_path_at_fault() -> None:
    found = problems(
        {
            "learning_rate": {"uniform": [0.1, 0.2]},
            "lr": {"uniform": [-1.0, 1.0]},
            "weight_decay": {"uniform": [0.5, 0.1]},
            "nodes.nope.params.out_features": {"int": [1, 2]},
            "nodes.fc.params.widthness": {"int": [1, 2]},
            "nodes.fc.repeat": {"int": [1, 2]},
            "nodes.stage1.repeat": {"choice": [0, 2]},
            "blocks.NoSuchBlock.params.channels": {"choice": [1]},
            "blocks.BasicBlock.params.kernel": {"choice": [1]},
            "nodes..params": {"choice": [1]},
        },
        preset("resnet20_cifar10"),
    )
    assert set(found) == {
        "learning_rate",
        "lr",
        "weight_decay",
        "nodes.nope.params.out_features",
        "nodes.fc.params.widthness",
        "nodes.fc.repeat",
        "nodes.stage1.repeat",
        "blocks.NoSuchBlock.params.channels",
        "blocks.BasicBlock.params.kernel",
        "nodes..params",
    }
    assert "no training field" in found["learning_rate"]
    assert "greater than 0" in found["lr"]
    assert "lo < hi" in found["weight_decay"]
    assert "only blocks repeat" in found["nodes.fc.repeat"]
    assert "not a path" in found["nodes..params"]


def test_the_grid_sampler_takes_choices_and_int_ranges_no_bigger_than_asked() -> None:
    grid = {"space": {"lr": {"choice": [0.1, 0.01]}, "batch_size": {"int": [16, 64], "step": 16}}}
    assert spec_problem(SweepSpec.model_validate({**grid, "sampler": "grid", "trials": 8})) is None
    too_many = SweepSpec.model_validate({**grid, "sampler": "grid", "trials": 9})
    assert spec_problem(too_many) == ("trials", "the grid has 8 points: ask for at most 8 trials")
    floats = SweepSpec.model_validate(
        {"space": {"lr": {"uniform": [0.1, 0.2]}}, "sampler": "grid", "trials": 2}
    )
    assert spec_problem(floats) is not None and spec_problem(floats)[0] == "sampler"  # type: ignore[index]
    huge = {"space": {"lr": {"int": [0, 2**40]}}, "sampler": "grid", "trials": 1}
    assert spec_problem(SweepSpec.model_validate(huge))[0] == "space"  # type: ignore[index]


def test_the_objective_direction_follows_the_metric_unless_given() -> None:
    space = {"lr": {"uniform": [0.1, 0.2]}}
    assert SweepSpec.model_validate({"space": space}).objective.direction == "maximize"
    loss = {"space": space, "objective": {"metric": "val/loss"}}
    assert SweepSpec.model_validate(loss).objective.direction == "minimize"
    given = {"space": space, "objective": {"metric": "val/loss", "direction": "maximize"}}
    assert SweepSpec.model_validate(given).objective.direction == "maximize"


def test_a_point_is_written_where_its_paths_say() -> None:
    resnet = preset("resnet20_cifar10")
    applied = apply_point(
        resnet,
        {"epochs": 2},
        {
            "lr": 0.05,
            "nodes.fc.params.out_features": 12,
            "nodes.stage3.repeat": 3,
            "blocks.BasicBlock.params.channels": 8,
        },
    )
    assert applied.overrides == {"epochs": 2, "lr": 0.05}
    nodes = {node["id"]: node for node in applied.document["nodes"]}
    assert nodes["fc"]["params"]["out_features"] == 12
    assert nodes["stage3"]["repeat"] == 3
    # A block's parameter is the block's everywhere: its default and every instance's.
    blocks = {block["name"]: block for block in applied.document["blocks"]}
    assert blocks["BasicBlock"]["params"]["channels"] == 8
    assert [nodes[i]["params"]["channels"] for i in ("stage1", "stage2", "stage3")] == [8, 8, 8]
    assert nodes["stage2_down"]["params"]["channels"] == 32  # another block's: unchanged
    assert resnet["nodes"][4]["params"]["channels"] == 16, "the document itself is not changed"


# -- sampled documents of presets, checked -------------------------------------------------


class CheckedTrials:
    """Trials that check their document and end at once, their value its parameter count."""

    def __init__(self) -> None:
        self.params: dict[int, int] = {}
        self.points: dict[int, dict[str, Any]] = {}

    def progress(self) -> Mapping[int, TrialProgress]:
        return {
            n: TrialProgress(values={0: float(count)}, ended="finished")
            for n, count in self.params.items()
        }

    def launch(self, number: int, point: dict[str, Any], applied: Applied) -> None:
        self.points[number] = point
        report = check(applied.document)
        if not report.ok:
            raise TrialRefused.of(report.errors)
        self.params[number] = report.totals.params

    def prune(self, number: int, reason: str) -> None:
        raise AssertionError("nothing is pruned here")

    def stop(self, number: int) -> None:
        raise AssertionError("nothing is stopped here")


def sweep_checks(
    document: dict[str, Any], space: dict[str, Any]
) -> tuple[CheckedTrials, list[Told]]:
    spec = SweepSpec.model_validate(
        {"space": space, "sampler": "grid", "trials": 10**3, "objective": {"metric": "params"}}
    )
    size = 1
    for distribution in space.values():
        size *= len(distribution["choice"])
    spec = spec.model_copy(update={"trials": size, "parallel": 3})
    trials, told = CheckedTrials(), []
    driver = SweepDriver(create_study(None, "checks", spec), spec, document, trials, told.append)
    for _ in range(4 * size):
        if driver.step().done:
            break
    assert driver.step().done
    return trials, told


def test_a_choice_of_widths_and_repeats_of_resnet20_yields_documents_whose_parameters_differ_as_expected() -> (
    None
):
    # ResNet-20's stage 3: a DownBlock (3x3 convolutions and a 1x1 projection from 32
    # channels) then BasicBlocks whose identity shortcut needs the DownBlock's width.
    resnet = preset("resnet20_cifar10")
    trials, told = sweep_checks(
        resnet,
        {
            "nodes.stage3_down.params.channels": {"choice": [48, 64]},
            "nodes.stage3.params.channels": {"choice": [48, 64]},
            "nodes.stage3.repeat": {"choice": [1, 2, 3]},
        },
    )
    assert len(told) == 12 and len(trials.points) == 12
    points = {tuple(p.values()) for p in trials.points.values()}
    assert len(points) == 12, "the grid visits every combination once"

    def expected(width: int, repeat: int) -> int:
        down = 9 * 32 * width + 9 * width * width + 32 * width + 3 * 2 * width
        basic = 2 * 9 * width * width + 2 * 2 * width
        return down + repeat * basic + 10 * width + 10

    preset_params = check(resnet).totals.params
    assert preset_params == 272_474
    checked = 0
    for entry in told:
        point = trials.points[entry.trial.number]
        down = point["nodes.stage3_down.params.channels"]
        width, repeat = point["nodes.stage3.params.channels"], point["nodes.stage3.repeat"]
        if down == width:
            checked += 1
            assert entry.status == "finished"
            assert trials.params[entry.trial.number] == preset_params + expected(
                width, repeat
            ) - expected(64, 2)
        else:  # the shortcut cannot add 48 to 64 channels: the trial fails, the sweep goes on
            assert entry.status == "failed"
            assert entry.trial.state == optuna.trial.TrialState.FAIL
            assert "stage3" in entry.message
    assert checked == 6
    assert len(set(trials.params.values())) == 6


def test_a_block_parameter_changes_every_instance_of_the_block() -> None:
    # ViT-tiny: four chained EncoderBlocks of width 64; dim_feedforward is a block parameter.
    vit = preset("vit_tiny_mnist")
    trials, told = sweep_checks(
        vit, {"blocks.EncoderBlock.params.dim_feedforward": {"choice": [64, 128, 256]}}
    )
    assert all(entry.status == "finished" for entry in told)
    by_ff = {
        trials.points[n]["blocks.EncoderBlock.params.dim_feedforward"]: p
        for n, p in trials.params.items()
    }
    per_unit = 4 * (64 + 64 + 1)  # four layers, each: Linear(64, ff) and Linear(ff, 64)
    assert by_ff[128] == check(vit).totals.params
    assert by_ff[256] - by_ff[128] == 128 * per_unit
    assert by_ff[128] - by_ff[64] == 64 * per_unit
