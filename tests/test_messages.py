"""Server messages come from one catalog, in both languages (issue 19).

Every entry has an English and a Chinese template naming the same parameters; every
message the checker, the ops and the health monitor produce is a catalog key whose
parameters fill its template exactly; no message is written as an f-string beside the
catalog; every issue code has a title in both of the browser's languages."""

from __future__ import annotations

import ast
import json
import pickle
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from torch import nn

import layerlab
from layerlab.graph.check import check
from layerlab.graph.errors import Code, GraphIssue
from layerlab.messages import (
    FORMAT_SPEC,
    LEADS,
    MESSAGES,
    Message,
    MessageError,
    fields,
    fill,
    format_param,
    render,
    validation_message,
)
from layerlab.ops import HealthKind, ShapeError
from layerlab.train.control import Control
from layerlab.train.events import ActivationStats, HealthEvent, Histogram, StatusEvent
from layerlab.train.health import HealthMonitor
from layerlab.train.hooks import Hooks, LoopState
from layerlab.train.layers import Layer
from tests.train.helpers import config, linear_layers, mlp, registry, train

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(layerlab.__file__).parent
HAN = re.compile(r"[\u4e00-\u9fff]")
SPEC_IN_TEMPLATE = re.compile(r"\{\w+:([^{}]*)\}")
PLACEHOLDER = re.compile(r"\{\w+(?::[^{}]*)?\}")

# -- the catalog -----------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_entry_has_both_languages_with_the_same_parameters(key: str) -> None:
    text = MESSAGES[key]
    assert text.en.strip() and text.zh_cn.strip()
    assert fields(text.en) == fields(text.zh_cn), key
    assert HAN.search(text.zh_cn), f"{key}: the Chinese template has no Chinese"
    for spec in SPEC_IN_TEMPLATE.findall(text.en) + SPEC_IN_TEMPLATE.findall(text.zh_cn):
        assert FORMAT_SPEC.match(spec), f"{key}: format {spec!r} is not one the browser knows"
    # Each parameter with the same format in both languages: the numbers read the same.
    assert set(PLACEHOLDER.findall(text.en)) == set(PLACEHOLDER.findall(text.zh_cn)), key


def test_messages_with_a_subject_start_with_it_in_both_languages() -> None:
    prefixes = {"shape.": "op", "validation.": "where"}
    for key, text in MESSAGES.items():
        for prefix, name in prefixes.items():
            if key.startswith(prefix):
                en, zh = LEADS[name]
                assert text.en.startswith(en) and text.zh_cn.startswith(zh), key


def test_the_catalog_is_served_in_meta() -> None:
    from layerlab.server.routes.meta import server_meta

    served = server_meta().model_dump(mode="json", by_alias=True)["messages"]
    assert served.keys() == MESSAGES.keys()
    assert served["shape.heads"] == {
        "en": MESSAGES["shape.heads"].en,
        "zh-CN": MESSAGES["shape.heads"].zh_cn,
    }


def test_filling_matches_the_documented_rules() -> None:
    # These are the browser's cases too (frontend/src/i18n/messages.test.ts).
    assert format_param(61706, ",") == "61,706"
    assert format_param(1234.5, ",.1f") == "1,234.5"
    assert format_param(0.000123, ".2e") == "1.23e-04"
    assert format_param(0.5, ".0%") == "50%"
    assert format_param(0.4, ".4g") == "0.4"
    assert format_param(12345.6, ".4g") == "1.235e+04"
    assert format_param(["x", "h0"]) == "x, h0"
    assert format_param(None) == ""
    assert fill("{a} and {b:.1f}", {"a": "(3, 32, 32)", "b": 2}) == "(3, 32, 32) and 2.0"
    with pytest.raises(KeyError):
        render("no.such.key", {})


# -- every message produced is from the catalog ----------------------------------------


def assert_from_catalog(key: str, params: dict[str, Any], message: str) -> None:
    assert key in MESSAGES, f"{key!r} is not in the catalog ({message})"
    assert fields(MESSAGES[key].en) == set(params), (key, sorted(params))
    assert render(key, params) == message
    assert render(key, params, "zh-CN")


def assert_issue(issue: GraphIssue) -> None:
    assert_from_catalog(issue.key, issue.params, issue.message)


def _documents() -> Iterator[tuple[str, Any, Any]]:
    """(name, source, limits) of every preset, every test document and every bad
    document the graph and op tests hold."""
    from tests.graph import test_hostile, test_validation
    from tests.ops.harness import one_node_document
    from tests.ops.test_shape_errors import REFUSALS

    for path in sorted((ROOT / "graphs").glob("*.json")):
        yield path.name, path.read_text(), None
    for path in sorted((ROOT / "tests/graph/documents").glob("*.json")):
        yield path.name, path.read_text(), None
    for param in test_validation.CASES:
        source, limits, _ = param.values
        yield f"validation:{param.id}", source, limits
    for hostile in test_hostile.CASES:
        yield f"hostile:{hostile.name}", hostile.make(), None
    for param in REFUSALS:
        yield f"refusal:{param.id}", one_node_document(param.values[0].case), None


def test_every_issue_of_every_document_is_from_the_catalog() -> None:
    seen: set[str] = set()
    count = 0
    for name, source, limits in _documents():
        result = check(source, limits)  # a str is JSON text here, never a path
        for issue in [*result.errors, *result.warnings]:
            try:
                assert_issue(issue)
            except AssertionError as exc:
                raise AssertionError(f"{name}: {issue}") from exc
            seen.add(issue.key)
            count += 1
    assert count > 100 and len(seen) > 40, (count, sorted(seen))


def test_shape_errors_carry_their_key_and_read_without_the_op() -> None:
    error = ShapeError("shape.heads", port="x", field="nhead", embed=10, heads=3)
    assert str(error) == "embedding size 10 is not divisible by 3 heads"
    assert (error.key, error.params, error.port, error.field) == (
        "shape.heads",
        {"embed": 10, "heads": 3},
        "x",
        "nhead",
    )


def test_pydantic_refusals_become_catalog_messages() -> None:
    from pydantic import BaseModel, Field, ValidationError

    from layerlab.graph.document import JSON_INTEGER

    class Probe(BaseModel, extra="forbid"):
        size: int = Field(ge=1, le=4)
        mode: str = Field(pattern="^[a-z]+$")
        choice: Literal["valid", "same", "full"] = "valid"
        items: list[int] = Field(min_length=1)

    cases = [
        ({"size": 0, "mode": "a", "items": [1]}, "validation.greater_than_equal"),
        ({"size": 5, "mode": "a", "items": [1]}, "validation.less_than_equal"),
        ({"size": "x", "mode": "a", "items": [1]}, "validation.int_type"),
        ({"size": 1, "mode": "A", "items": [1]}, "validation.string_pattern_mismatch"),
        ({"size": 1, "mode": "a", "items": []}, "validation.too_short"),
        ({"size": 1, "mode": "a", "items": [1], "what": 1}, "validation.extra_forbidden"),
        ({"mode": "a", "items": [1]}, "validation.missing"),
        ({"size": 1, "mode": "a", "items": [1], "choice": "x"}, "validation.literal_error"),
    ]
    for raw, key in cases:
        with pytest.raises(ValidationError) as caught:
            Probe.model_validate(raw)
        [err] = caught.value.errors(include_url=False)
        got, params = validation_message(err, "Probe.field")
        assert got == key
        assert fields(MESSAGES[key].en) == set(params)
        if key == "validation.literal_error":
            assert params["choices"] == ["'valid'", "'same'", "'full'"]

    # A literal's choices, and a validator's own catalog message.
    doc = {
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [3, 8, 8]}},
            {"id": "c", "type": "Conv2d", "params": {"padding": "full", "out_channels": 0}},
            {"id": "y", "type": "Output"},
        ],
        "edges": [{"source": "x", "target": "c"}, {"source": "c", "target": "y"}],
    }
    refused = [e for e in layerlab.check(doc).errors if e.code == Code.BAD_PARAM]
    assert refused and all(e.key.startswith("validation.") for e in refused)
    for issue in refused:
        assert_issue(issue)
    assert JSON_INTEGER is not None
    with pytest.raises(MessageError) as raised:
        raise MessageError("validation.json_integer")
    assert str(raised.value) == "Input should be an integer, not a boolean or a string"


def _stats(**fraction: float) -> ActivationStats:
    return ActivationStats(
        mean=0.0, std=1.0, histogram=Histogram(low=0, high=1, counts=[]), **fraction
    )


class StopAt(Hooks):
    """Asks the run to stop, as the stop button does, once `step` steps are done."""

    def __init__(self, control: Control, step: int):
        self.control, self.step = control, step

    def on_batch_end(self, state: LoopState) -> None:
        if state.step == self.step:
            self.control.stop()


def test_a_runs_status_line_is_from_the_catalog() -> None:
    data = registry("moons", size=200)
    # Never better by 10: early stopping after the second epoch.
    rule = {"metric": "val/loss", "patience": 1, "min_delta": 10.0}
    result, events = train(mlp(), data, config(epochs=5, early_stopping=rule))
    last = [e for e in events if isinstance(e, StatusEvent)][-1]
    assert (last.status, last.key) == ("finished", "run.early_stopping")
    assert last.params["metric"] == "val/loss" and last.params["patience"] == 1
    assert last.message == result.message == render(last.key, last.params)
    assert render(last.key, last.params, "zh-CN").startswith("提前停止：val/loss 已经连续 1 轮")

    control = Control()
    _, events = train(mlp(), data, config(epochs=5), control=control, hooks=[StopAt(control, 3)])
    last = [e for e in events if isinstance(e, StatusEvent)][-1]
    assert (last.status, last.key, last.message) == (
        "stopped",
        "run.stopped_on_request",
        "stopped on request",
    )
    assert render(last.key, last.params, "zh-CN") == "已按请求停止"


def test_every_health_message_is_from_the_catalog() -> None:
    said: list[tuple[str, str]] = []

    def emit(diagnosis: Any, node: Any, active: bool, message: str, value: Any) -> None:
        assert isinstance(message, Message)
        assert_from_catalog(message.key, message.params, str(message))
        event = HealthEvent(
            seq=1, run="r", step=1, time=0.0, diagnosis=diagnosis, node=node, message=message
        )
        assert (event.key, event.params, event.message) == (message.key, message.params, message)
        said.append((message.key, diagnosis))

    layers = [
        *linear_layers("fc1", "fc2"),
        Layer("act", nn.ReLU(), HealthKind.RELU_LIKE),
        Layer("sig", nn.Sigmoid(), HealthKind.SATURATING),
    ]
    monitor = HealthMonitor(layers, emit)
    for _ in range(3):
        monitor.gradients({"fc1": 1e-6, "fc2": 1.0}, 1.0)
    for _ in range(3):
        monitor.gradients({"fc1": 1.0, "fc2": 1.0}, 1.0)
    monitor.gradients({"fc1": None, "fc2": 1.0}, None)
    for _ in range(3):
        monitor.gradients({"fc1": 1.0, "fc2": 1.0}, 1.0)
    for _ in range(3):
        monitor.gradients({"fc1": 1e4, "fc2": 1e4}, 1e4)
    for dead, saturated in ((0.9, 0.9), (0.9, 0.9), (0.0, 0.0)):
        monitor.activations(
            {"act": _stats(dead_fraction=dead), "sig": _stats(saturated_fraction=saturated)}
        )
    for train_loss, val in [(0.5, 0.52), (0.3, 0.4), (0.2, 0.42), (0.12, 0.45), (0.08, 0.47)]:
        monitor.epoch(train_loss, val)
    monitor.epoch(0.07, 0.39)
    keys = {key for key, _ in said}
    assert {
        "health.vanishing_gradients",
        "health.cleared.vanishing_gradients",
        "health.exploding_gradients",
        "health.not_finite",
        "health.dead_relu",
        "health.cleared.dead_relu",
        "health.saturated",
        "health.cleared.saturated",
        "health.overfitting",
        "health.overfitting_cleared",
    } <= keys, sorted(keys)


def test_a_health_message_survives_pickling() -> None:
    message = Message("health.dead_relu", node="act", fraction=0.75)
    again = pickle.loads(pickle.dumps(message))
    assert (again, again.key, again.params) == (message, message.key, message.params)


def test_a_health_event_without_a_catalog_message_keeps_its_text() -> None:
    event = HealthEvent(
        seq=1, run="r", step=1, time=0.0, diagnosis="divergence", node=None, message="loss is nan"
    )
    assert (event.key, event.params, event.message) == ("", {}, "loss is nan")
    again = HealthEvent.model_validate_json(event.model_dump_json())
    assert again == event


# -- no message beside the catalog ------------------------------------------------------

KEY_LITERAL = re.compile(
    r"^(document|validation|block|limit|graph|network|node|edge|port|input|shape|health)"
    r"\.[a-z_]+(\.[a-z_]+)?$"
)
MESSAGE_CALLS = {"GraphIssue", "ShapeError", "MessageError", "Message"}
BUILDERS = (
    "graph/",
    "ops/",
    "train/health.py",
    "train/loop.py",
    "server/deps.py",
    "server/runs/intake.py",
)
"""The modules that build catalog messages."""


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_message_is_written_beside_the_catalog() -> None:
    problems = []
    for where, tree in _sources():
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", None))
            if name not in MESSAGE_CALLS:
                continue
            if any(k.arg == "message" for k in call.keywords):
                problems.append(f"{where}:{call.lineno} {name}(message=...)")
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and not (
                isinstance(first.value, str) and first.value in MESSAGES
            ):
                problems.append(f"{where}:{call.lineno} {name}({first.value!r}) not a key")
            if isinstance(first, ast.JoinedStr) and name != "Message":
                problems.append(f'{where}:{call.lineno} {name}(f"...")')
    assert not problems, "build messages from the catalog:\n" + "\n".join(problems)


def test_every_key_named_in_the_source_is_in_the_catalog() -> None:
    named = {
        (where, node.value)
        for where, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and KEY_LITERAL.match(node.value)
        and where.startswith(BUILDERS)
    }
    missing = sorted(f"{where}: {key}" for where, key in named if key not in MESSAGES)
    # Names that look like keys but are not messages (a dotted field path, say) are few;
    # none are expected in the package today.
    assert not missing, missing


# -- every issue code has a title in both languages -------------------------------------


def _issue_titles(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  issue: {")
    body = text[start : text.index("\n  },", start)]
    return dict(re.findall(r"^\s+(\w+): '([^']*)',$", body, re.MULTILINE))


def test_every_code_has_a_title_in_both_languages() -> None:
    # The titles live with the browser's texts (frontend/src/i18n, section `issue`), beside
    # the browser's own codes (no_dataset, hint); a code the server adds needs both there.
    english = _issue_titles(ROOT / "frontend/src/i18n/en.ts")
    chinese = _issue_titles(ROOT / "frontend/src/i18n/zh-CN.ts")
    for code in Code:
        assert english.get(code.value), f"no English title for issue code {code.value}"
        assert HAN.search(chinese.get(code.value, "")), f"no Chinese title for {code.value}"


def test_the_served_issue_schema_names_key_and_params() -> None:
    schema = GraphIssue.model_json_schema()
    assert {"key", "params", "message"} <= set(schema["properties"])
    assert "message" in schema["required"]
    issue = GraphIssue(code=Code.CYCLE, key="graph.cycle", params={"cycle": "a -> b -> a"})
    assert issue.message == "cycle: a -> b -> a"
    assert json.loads(issue.model_dump_json())["params"] == {"cycle": "a -> b -> a"}
    assert GraphIssue.model_validate_json(issue.model_dump_json()) == issue
