"""One home per fact: the names that registries and unions hold are never written out
again elsewhere in the package.

The scan reads every module's syntax tree and fails on a tuple, list, set or Literal
that spells two or more names of one vocabulary (event types, run statuses, task
names, control actions), or on a string that joins them with `|` (a regex), outside
the module that is their home. Derive instead: `EVENT_TYPES`, `END_STATUSES`,
`ACTIVE_STATUSES`, `FAILURE_STATUSES`, `HELD_REQUESTS`, `TASKS`.

Facts the op declarations hold are read from them, never by torch class or a list of
names (`health_kind`, `saturated_outside`, `shape_only`); a checkpoint's name is made
and read by `layerlab/ids.py` alone; every command's exit status comes from
`cli/exits.py`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest
import torch

import layerlab
from layerlab.cli import exits
from layerlab.ids import CHECKPOINT_NAME_PATTERN, checkpoint_position, new_checkpoint_name
from layerlab.ops import REGISTRY, HealthKind
from layerlab.train.control import ControlAction
from layerlab.train.events import END_STATUSES, EVENT_TYPES, FAILURE_STATUSES, RunStatus
from layerlab.train.model import SHAPE_ONLY
from layerlab.train.stats import SUMMARY_FIELDS, activation_summary
from layerlab.train.tasks import TASKS

PACKAGE = Path(layerlab.__file__).parent

VOCABULARIES: dict[str, tuple[frozenset[str], set[str]]] = {
    # name: (the names, modules allowed to spell several of them, relative to the package)
    "event types": (frozenset(EVENT_TYPES), set()),
    "run statuses": (frozenset(get_args(RunStatus)), {"train/events.py"}),
    "task names": (
        frozenset(TASKS),
        # TaskName, the static twin of the registry (tests/train/test_config.py holds them
        # equal); and how a CSV's target column is read, which is not the registry.
        {"train/config.py", "train/data/tabular.py"},
    ),
    "control actions": (frozenset(get_args(ControlAction)), {"train/control.py"}),
}


def _docstrings(tree: ast.AST) -> set[int]:
    """Ids of string statements (docstrings, attribute docstrings): prose, not lists."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _spelled_lists(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """(line, strings) of every literal collection, and of every `|`-joined string."""
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            found.append((node.lineno, words))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "|" in node.value
            and id(node) not in prose
        ):
            found.append((node.lineno, re.findall(r"\w+", node.value)))
    return found


def second_lists(source: str, vocabulary: frozenset[str]) -> list[tuple[int, list[str]]]:
    """Where `source` spells two or more names of `vocabulary` together."""
    hits = []
    for line, words in _spelled_lists(ast.parse(source)):
        named = sorted({w for w in words if w in vocabulary})
        if len(named) >= 2:
            hits.append((line, named))
    return hits


@pytest.mark.parametrize("vocabulary", list(VOCABULARIES))
def test_no_second_list_of_registry_names(vocabulary: str) -> None:
    names, homes = VOCABULARIES[vocabulary]
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where in homes:
            continue
        for line, named in second_lists(path.read_text(encoding="utf-8"), names):
            problems.append(f"{where}:{line} spells {vocabulary} {named}")
    assert not problems, "derive these from their one home:\n" + "\n".join(problems)


def test_the_scan_catches_what_it_is_for() -> None:
    statuses = VOCABULARIES["run statuses"][0]
    events = VOCABULARIES["event types"][0]
    assert second_lists('TERMINAL = ("finished", "stopped")\n', statuses) == [
        (1, ["finished", "stopped"])
    ]
    assert second_lists('S = Literal["paused", "running"]\n', statuses)
    assert second_lists('P = r"^(metrics|log)(,(metrics|log))*$"\n', events)
    assert second_lists('E = frozenset({"status", "health"})\n', events)
    # Prose and single names are not lists.
    assert not second_lists('"""A status (queued | running) event."""\n', statuses)
    assert not second_lists('if s == "finished" or t == "stopped": pass\n', statuses)


# -- thresholds and sets the op declarations hold ------------------------------------


def _activation_classes() -> set[str]:
    """The torch classes of the activation ops, by name (nn.Sigmoid's `Sigmoid`)."""
    return {
        op.torch_class.__name__
        for op in REGISTRY.values()
        if op.health_kind is not None and hasattr(op, "torch_class")
    }


def test_activation_readings_come_from_the_declarations() -> None:
    """Telemetry and health read an activation through its op's `health_kind` and
    `saturated_outside`, never by asking which torch class a module is."""
    classes = _activation_classes()
    assert {"Sigmoid", "Tanh", "ReLU"} <= classes
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("ops/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in classes:
                problems.append(f"{where}:{node.lineno} names nn.{node.attr}")
    assert not problems, "read the op's declaration instead:\n" + "\n".join(problems)


def test_saturation_is_measured_at_the_declared_tails() -> None:
    for op in REGISTRY.values():
        if op.health_kind is not HealthKind.SATURATING:
            continue
        assert op.saturated_outside is not None, op.name
        low, high = op.saturated_outside
        inside = torch.tensor([[low, high, (low + high) / 2]])
        outside = torch.tensor([[low - 1e-3, high + 1e-3, (low + high) / 2]])
        field = SUMMARY_FIELDS.index("saturated_fraction")
        assert activation_summary(inside, op.health_kind, (low, high))[field] == 0.0
        share = activation_summary(outside, op.health_kind, (low, high))[field]
        assert share == pytest.approx(2 / 3)


def _checkpoint_name_spellings(tree: ast.AST) -> list[int]:
    """Lines that make a checkpoint name (an f-string starting `step-`) or spell its
    pattern (a string with `step-` and a regex digit class)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if any(isinstance(p, str) and "step-" in p for p in parts):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "step-" in node.value
            and ("\\d" in node.value or "[0-9]" in node.value)
        ):
            lines.append(node.lineno)
    return lines


def test_checkpoint_names_are_made_and_read_in_ids_alone() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where == "ids.py":
            continue
        for line in _checkpoint_name_spellings(ast.parse(path.read_text(encoding="utf-8"))):
            problems.append(f"{where}:{line}")
    assert not problems, (
        "use ids.new_checkpoint_name / checkpoint_position / CHECKPOINT_NAME_PATTERN:\n"
        + "\n".join(problems)
    )
    assert _checkpoint_name_spellings(ast.parse('_NAME = re.compile(r"^step-(\\d{8})$")'))
    assert _checkpoint_name_spellings(ast.parse('name = f"step-{step:08d}"'))
    assert not _checkpoint_name_spellings(ast.parse('Field(description="e.g. step-00000120")'))


def test_checkpoint_names_round_trip() -> None:
    assert new_checkpoint_name(120) == "step-00000120"
    assert new_checkpoint_name(120, 2) == "step-00000120-2"
    for name in (new_checkpoint_name(7), new_checkpoint_name(7, 1), new_checkpoint_name(12)):
        assert re.match(CHECKPOINT_NAME_PATTERN, name)
    assert checkpoint_position("step-00000120-2") == (120, 2)
    assert checkpoint_position("step-00000120") == (120, 0)
    for other in (".tmp-step-00000001-99", "step-1", "step-00000001-", "latest.json"):
        assert checkpoint_position(other) is None


def test_shape_only_types_are_the_declared_ones() -> None:
    declared = {name for name, op in REGISTRY.items() if op.shape_only}
    assert declared >= {"Flatten", "Reshape", "Identity"}
    assert declared == SHAPE_ONLY
    # Written out again anywhere, the shape-only names are a second list.
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("ops/"):
            continue
        for line, named in second_lists(path.read_text(encoding="utf-8"), frozenset(declared)):
            problems.append(f"{where}:{line} spells {named}")
    assert not problems, "derive from Op.shape_only:\n" + "\n".join(problems)


# -- exit statuses -------------------------------------------------------------------


def _int_returns_and_status_maps(tree: ast.AST, statuses: frozenset[str]) -> list[int]:
    """Lines that return a bare number, or map run statuses to numbers in a dict."""
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Return)
            and isinstance(node.value, ast.Constant)
            and type(node.value.value) is int
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if keys & statuses and any(
                isinstance(v, ast.Constant) and type(v.value) is int for v in node.values
            ):
                lines.append(node.lineno)
    return lines


def test_every_command_exits_through_cli_exits() -> None:
    statuses = VOCABULARIES["run statuses"][0]
    problems = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        if path.name == "exits.py":
            continue
        for line in _int_returns_and_status_maps(ast.parse(path.read_text("utf-8")), statuses):
            problems.append(f"cli/{path.name}:{line}")
    assert not problems, "return a layerlab.cli.exits status:\n" + "\n".join(problems)
    assert _int_returns_and_status_maps(ast.parse("def f():\n    return 2\n"), statuses)
    assert _int_returns_and_status_maps(ast.parse('E = {"finished": 0}\n'), statuses)


def test_a_runs_end_as_an_exit_status_follows_the_status_groups() -> None:
    for status in get_args(RunStatus):
        code = exits.run_exit(status)
        if status == "diverged":
            assert code == exits.DIVERGED
        elif status in FAILURE_STATUSES or status not in END_STATUSES:
            assert code == exits.ERROR, status
        else:
            assert code == exits.OK, status
    assert exits.run_exit("finished") == exits.run_exit("stopped") == 0
    assert (exits.run_exit("failed"), exits.run_exit("diverged")) == (1, 3)
