"""`layerlab sweep`: a sweep with no server, its trials in local `layerlab train`
processes, one JSON line per finished trial and the best at the end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.serving import LAYERLAB
from tests.sweeps.harness import LR_SPACE, SEED, playground
from tests.worker.harness import WAIT


def sweep(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    document = tmp_path / "playground.json"
    document.write_text(json.dumps(playground()))
    return subprocess.run(
        [*LAYERLAB, "sweep", str(document), *args],
        capture_output=True,
        text=True,
        timeout=4 * WAIT,
        cwd=tmp_path,
    )


@pytest.mark.slow  # about a minute on two busy cores: each trial starts a Python with torch
def test_an_lr_sweep_of_the_playground_finds_a_trial_with_val_acc_095(tmp_path: Path) -> None:
    done = sweep(
        tmp_path,
        "--space",
        json.dumps(LR_SPACE),
        "--trials",
        "8",
        "--parallel",
        "2",
        "--objective",
        "val/acc",
        "--direction",
        "maximize",
        "--sampler",
        "tpe",
        "--seed",
        str(SEED),
        "--out",
        "trials",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    *trials, last = lines
    assert sorted(t["trial"] for t in trials) == list(range(8))
    assert all(set(t) == {"trial", "params", "value", "status"} for t in trials)
    assert all(t["status"] == "finished" for t in trials)
    best = last["best"]
    assert best["value"] >= 0.95
    assert best["value"] == max(t["value"] for t in trials)
    assert best["params"] == next(t["params"] for t in trials if t["trial"] == best["trial"])
    # --out keeps each trial's document (its lr written in) and its checkpoints.
    kept = tmp_path / "trials" / f"trial-{best['trial']:04d}"
    assert (
        json.loads((kept / "document.json").read_text())["training"]["lr"] == best["params"]["lr"]
    )
    assert any((kept / "checkpoints").iterdir())


def test_a_space_that_does_not_fit_the_document_is_refused_before_any_trial(
    tmp_path: Path,
) -> None:
    space = {"nodes.nope.params.out_features": {"int": [2, 8]}}
    done = sweep(tmp_path, "--space", json.dumps(space), "--trials", "2", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "no node 'nope'" in done.stderr


def test_a_trial_whose_document_does_not_check_fails_and_the_sweep_goes_on(
    tmp_path: Path,
) -> None:
    # fc3 is the head: 2 classes; 3 outputs train, 0 does not check (out_features >= 1
    # is the op's bound, which the space does not know).
    space = {"nodes.fc3.params.out_features": {"choice": [0, 2]}}
    done = sweep(
        tmp_path,
        "--space",
        json.dumps(space),
        "--sampler",
        "grid",
        "--trials",
        "2",
        "--epochs",
        "2",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    *trials, last = [json.loads(line) for line in done.stdout.splitlines()]
    by_width = {t["params"]["nodes.fc3.params.out_features"]: t for t in trials}
    assert by_width[0]["status"] == "failed" and by_width[0]["value"] is None
    assert by_width[2]["status"] == "finished"
    assert last["best"]["trial"] == by_width[2]["trial"]
