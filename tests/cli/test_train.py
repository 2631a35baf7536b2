"""`layerlab train`: headless training, JSON-line events, a summary, checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layerlab.cli import main
from layerlab.graph.document import document_json
from layerlab.train.events import parse_event
from tests.train.helpers import mlp


def write_graph(folder: Path, training: dict[str, object]) -> Path:
    path = folder / "graph.json"
    doc = mlp().model_copy(update={"training": training})
    path.write_text(document_json(doc))
    return path


def test_json_events_parse_line_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = write_graph(
        tmp_path, {"dataset": "moons", "dataset_options": {"size": 200}, "device": "cpu"}
    )
    code = main(
        [
            "train",
            str(graph),
            "--epochs",
            "2",
            "--lr",
            "0.02",
            "--json-events",
            "--checkpoint-dir",
            str(tmp_path / "ck"),
            "--data-dir",
            str(tmp_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    lines = out.splitlines()
    events = [parse_event(line) for line in lines]  # every stdout line is one event
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].type == "status" and events[-1].type == "status"
    assert events[-1].status == "finished"  # type: ignore[union-attr]
    assert {"metrics", "grad_norms", "checkpoint", "samples"} <= {e.type for e in events}
    for line in lines:
        json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    # The summary goes to stderr when stdout carries events.
    assert "finished: 10 steps, 2 epochs" in err and "val/acc" in err
    assert (tmp_path / "ck" / "latest.json").is_file()


def test_flags_override_and_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = write_graph(
        tmp_path,
        {"dataset": "moons", "dataset_options": {"size": 200}, "epochs": 50, "device": "cpu"},
    )
    folder = str(tmp_path / "ck")
    assert (
        main(
            [
                "train",
                str(graph),
                "--steps",
                "3",
                "--checkpoint-dir",
                folder,
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    first = capsys.readouterr().out
    assert "finished: 3 steps" in first and "checkpoint:" in first
    assert (
        main(
            [
                "train",
                str(graph),
                "--steps",
                "7",
                "--checkpoint-dir",
                folder,
                "--resume",
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert "finished: 7 steps" in capsys.readouterr().out


def test_init_weights_starts_a_run_from_a_checkpoints_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from safetensors.torch import load_file

    graph = write_graph(
        tmp_path, {"dataset": "moons", "dataset_options": {"size": 200}, "device": "cpu"}
    )
    common = ["--data-dir", str(tmp_path), "--steps", "3"]
    assert main(["train", str(graph), "--checkpoint-dir", str(tmp_path / "a"), *common]) == 0
    start = tmp_path / "a" / "step-00000003" / "model.safetensors"
    forked = ["train", str(graph), "--init-weights", str(start), "--lr", "1e-12", "--seed", "7"]
    assert main([*forked, "--checkpoint-dir", str(tmp_path / "b"), *common]) == 0
    capsys.readouterr()
    ended = load_file(str(tmp_path / "b" / "step-00000003" / "model.safetensors"))
    started = load_file(str(start))
    assert ended.keys() == started.keys()
    for name, tensor in started.items():  # a learning rate of 1e-12 moves nothing
        assert (ended[name] - tensor).abs().max() < 1e-6, name

    (tmp_path / "junk.safetensors").write_bytes(b"not safetensors")
    code = main(
        ["train", str(graph), "--init-weights", str(tmp_path / "junk.safetensors"), *common]
    )
    assert code == 1
    assert "start weights" in capsys.readouterr().err


def test_setup_errors_exit_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = write_graph(tmp_path, {"dataset": "moons", "device": "cpu"})
    assert main(["train", str(graph), "--lr", "-1"]) == 1
    assert "training.lr" in capsys.readouterr().err
    assert main(["train", str(graph), "--dataset", "nosuchset"]) == 1
    assert "unknown dataset" in capsys.readouterr().err
    # Sine points are 1-D; the MLP's Input takes 2 values.
    wrong = write_graph(tmp_path, {"dataset": "sine", "task": "regression", "device": "cpu"})
    assert main(["train", str(wrong), "--data-dir", str(tmp_path)]) == 1
    assert "Input 'x' takes (2)" in capsys.readouterr().err


def test_divergence_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = write_graph(
        tmp_path, {"dataset": "moons", "optimizer": "sgd", "lr": 1e4, "device": "cpu"}
    )
    assert main(["train", str(graph), "--data-dir", str(tmp_path)]) == 3
    assert "diverged" in capsys.readouterr().out


def test_processes_train_on_local_ranks_as_one_process_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--processes 2` (issue 14): two gloo ranks, the same losses as one process."""
    graph = write_graph(
        tmp_path,
        {
            "dataset": "moons",
            "dataset_options": {"size": 200},
            "device": "cpu",
            "batch_size": 32,
            "telemetry": {"scalars_every": 1, "max_events_per_s": 10_000},
        },
    )

    def losses(*flags: str) -> dict[int, float]:
        code = main(["train", str(graph), "--steps", "12", "--json-events", *flags])
        out, err = capsys.readouterr()
        assert code == 0, err
        events = [parse_event(line) for line in out.splitlines()]
        found = {
            e.step: e.values["train/loss"]  # type: ignore[union-attr]
            for e in events
            if e.type == "metrics" and e.values.get("train/loss") is not None  # type: ignore[union-attr]
        }
        assert sorted(found) == list(range(1, 13))
        return found

    alone, pair = losses(), losses("--processes", "2")
    for step, loss in alone.items():
        assert pair[step] == pytest.approx(loss, abs=1e-5), step
    assert main(["train", str(graph), "--steps", "2", "--processes", "3"]) == 1
    assert "batch_size 32 does not divide among 3 processes" in capsys.readouterr().err
