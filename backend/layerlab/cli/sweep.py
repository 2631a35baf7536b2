"""`layerlab sweep GRAPH.json --space JSON --trials N`: a sweep with no server.

Trials train in local processes (`layerlab train`, at most --parallel at once); the
study is Optuna's, in memory. One line per finished trial, and the best at the end:
with --json, `{"trial", "params", "value", "status"}` objects and a final
`{"best": {"trial", "params", "value"}}` (null when no trial completed). Exit status:
0 when a trial completed, 1 when none did, 2 when the sweep cannot start (a space or
document that does not fit).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from layerlab.cli import exits

WAIT_S = 1.0
"""Longest wait for a trial's news between two steps of the driver."""


def add_command(sub: Any) -> None:
    """Register `sweep` on the CLI's subcommand parsers."""
    p = sub.add_parser("sweep", help="search a graph's settings with Optuna, in local processes")
    p.add_argument("graph", help="path to a graph JSON document")
    p.add_argument(
        "--space",
        required=True,
        help='path -> distribution, as JSON text or a JSON file: \'{"lr": {"log_uniform": '
        "[1e-5, 1]}}'; paths: a training field, nodes.<id>.params.<name>, nodes.<id>.repeat, "
        "blocks.<Block>.params.<name>; distributions: log_uniform, uniform, int (with step), "
        "choice",
    )
    p.add_argument("--trials", type=int, default=10, help="trials in all (default 10)")
    p.add_argument("--parallel", type=int, default=1, help="trials at once (default 1)")
    p.add_argument("--objective", default="val/acc", help="the metric to judge by (val/acc)")
    p.add_argument(
        "--direction",
        choices=["maximize", "minimize"],
        help="default: maximize accuracies, minimize losses",
    )
    p.add_argument("--sampler", choices=["tpe", "random", "grid"], default="tpe")
    p.add_argument("--pruner", choices=["none", "median", "successive_halving"], default="none")
    p.add_argument("--seed", type=int, help="the sampler's seed")
    p.add_argument("--epochs", type=int, help="epochs of every trial (overrides the document's)")
    p.add_argument("--data-dir", default="data", help="folder of dataset files (default: data)")
    p.add_argument(
        "--out",
        help="keep each trial's document and checkpoints here (default: a temporary folder)",
    )
    p.add_argument(
        "--allow-substitute",
        action="store_true",
        help="train on a dataset's offline look-alike when its files are absent",
    )
    p.add_argument("--json", action="store_true", help="print JSON lines on stdout")
    p.set_defaults(func=cmd_sweep)


def _say(out: TextIO, line: str) -> None:
    """The command's own output (CLI code: print-like by design)."""
    out.write(line + "\n")
    out.flush()


def _read_space(text: str) -> Any:
    path = Path(text)
    if not text.lstrip().startswith("{") and path.is_file():
        text = path.read_text()
    return json.loads(text)


def cmd_sweep(args: argparse.Namespace) -> int:
    import logging

    from pydantic import ValidationError

    from layerlab.graph.document import document_json, load_document
    from layerlab.graph.errors import GraphError
    from layerlab.sweeps.driver import SweepDriver, Told
    from layerlab.sweeps.local import LocalTrials
    from layerlab.sweeps.space import SpaceError, check_space, describe
    from layerlab.sweeps.spec import SweepSpec, spec_problem
    from layerlab.sweeps.study import create_study
    from layerlab.train.config import ConfigError, config_of

    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(message)s"
    )
    try:
        document = load_document(Path(args.graph))
        overrides = {"epochs": args.epochs} if args.epochs is not None else {}
        objective: dict[str, Any] = {"metric": args.objective}
        if args.direction:
            objective["direction"] = args.direction
        spec = SweepSpec.model_validate(
            {
                "space": _read_space(args.space),
                "objective": objective,
                "trials": args.trials,
                "parallel": args.parallel,
                "sampler": args.sampler,
                "pruner": args.pruner,
                "seed": args.seed,
                "config": overrides,
            }
        )
        problem = spec_problem(spec)
        if problem is not None:
            raise SpaceError([problem])
        check_space(spec.space, document, config_of(document).with_overrides(**overrides))
    except GraphError as exc:
        for issue in exc.issues:
            _say(sys.stderr, f"error: {issue}")
        return exits.CANNOT_START
    except (json.JSONDecodeError, ValidationError, SpaceError, ConfigError) as exc:
        _say(sys.stderr, f"error: {exc}")
        return exits.CANNOT_START

    with tempfile.TemporaryDirectory(prefix="layerlab-sweep-") as scratch:
        folder = Path(args.out) if args.out else Path(scratch)
        trials = LocalTrials(
            folder,
            spec.objective.metric,
            Path(args.data_dir),
            threads=max(1, (os.cpu_count() or 1) // spec.parallel),
            keep_checkpoints=bool(args.out),
            allow_substitute=args.allow_substitute,
        )

        def told(entry: Told) -> None:
            trial = entry.trial
            line = {
                "trial": trial.number,
                "params": trial.params,
                "value": trial.value,
                "status": entry.status,
            }
            if args.json:
                _say(sys.stdout, json.dumps(line))
            else:
                value = f"{trial.value:.4g}" if trial.value is not None else "-"
                why = f"  ({entry.message})" if entry.message and entry.status != "finished" else ""
                _say(
                    sys.stdout,
                    f"trial {trial.number}  {describe(trial.params)}  "
                    f"{spec.objective.metric} {value}  {entry.status}{why}",
                )

        source = json.loads(document_json(document))
        study = create_study(None, "layerlab-sweep", spec)
        driver = SweepDriver(study, spec, source, trials, told)
        stopping = False

        def interrupt(*_: Any) -> None:
            nonlocal stopping
            stopping = True
            trials.changed.set()

        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)
        try:
            while not driver.step(stopping).done:
                trials.changed.wait(WAIT_S)
                trials.changed.clear()
        finally:
            trials.kill_all()
        return _best(study, spec.objective.metric, args.json)


def _best(study: Any, metric: str, as_json: bool) -> int:
    from optuna.trial import TrialState

    from layerlab.sweeps.space import describe

    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    best = study.best_trial if complete else None
    if as_json:
        line = (
            {"trial": best.number, "params": best.params, "value": best.value}
            if best is not None
            else None
        )
        _say(sys.stdout, json.dumps({"best": line}))
    elif best is not None:
        _say(
            sys.stdout,
            f"best: trial {best.number}  {describe(best.params)}  {metric} {best.value:.4g}",
        )
    else:
        _say(sys.stdout, "best: none (no trial completed)")
    return exits.OK if best is not None else exits.ERROR
