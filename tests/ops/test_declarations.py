"""Every declaration is complete: parameters that round-trip through JSON, a JSON
Schema the browser can use (a description and a default per field), torch-style
names, and ports and examples that agree with each other."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pydantic import ValidationError

from layerlab.ops import REGISTRY, Op
from tests.ops.cases import VARIANTS

OPS = [pytest.param(op, id=name) for name, op in REGISTRY.items()]
TYPE_ID = re.compile(r"[A-Z][A-Za-z0-9]*")
"""Torch class names: Conv2d, MultiheadAttention, LSTM."""
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
"""Torch keyword names: out_channels, kernel_size, num_heads."""


@pytest.mark.parametrize("op", OPS)
def test_names_follow_torch(op: Op[Any]) -> None:
    assert REGISTRY[op.name] is op
    assert TYPE_ID.fullmatch(op.name), op.name
    for field in op.Params.model_fields:
        assert SNAKE_CASE.fullmatch(field), field
    for port in (*op.inputs, *op.outputs):
        assert SNAKE_CASE.fullmatch(port.name), port.name


@pytest.mark.parametrize("op", OPS)
def test_summary_and_category_are_one_line(op: Op[Any]) -> None:
    assert op.category.strip() and "\n" not in op.category
    assert op.summary.strip() and "\n" not in op.summary


@pytest.mark.parametrize("op", OPS)
def test_activations_say_how_telemetry_reads_them(op: Op[Any]) -> None:
    # The one place that makes a node an activation for telemetry (train/layers.py asks).
    assert (op.health_kind is not None) == (op.category == "Activation"), op.name


@pytest.mark.parametrize("op", OPS)
def test_every_field_has_a_description_and_a_default(op: Op[Any]) -> None:
    for name, field in op.Params.model_fields.items():
        assert field.description and field.description.strip(), f"{name} has no description"
        assert not field.is_required(), f"{name} has no default"
    op.parse_params({})  # the defaults satisfy their own bounds


@pytest.mark.parametrize("op", OPS)
def test_defaults_and_example_params_round_trip_through_json(op: Op[Any]) -> None:
    for raw in ({}, op.example_params):
        params = op.parse_params(raw)
        again = op.Params.model_validate_json(params.model_dump_json())
        assert again == params


@pytest.mark.parametrize(("type_name", "params"), [(c.type, c.params) for _, c in VARIANTS])
def test_variant_params_round_trip_through_json(type_name: str, params: dict[str, Any]) -> None:
    op = REGISTRY[type_name]
    parsed = op.parse_params(params)
    assert op.Params.model_validate_json(parsed.model_dump_json()) == parsed
    assert op.Params.model_validate_json(json.dumps(params)) == parsed


@pytest.mark.parametrize("op", OPS)
def test_schema_serialises_and_describes_every_field(op: Op[Any]) -> None:
    schema = json.loads(json.dumps(op.schema()))
    assert schema["type"] == op.name
    assert schema["category"] == op.category
    properties = schema["params_schema"].get("properties", {})
    assert set(properties) == set(op.Params.model_fields)
    for name, prop in properties.items():
        assert prop.get("description"), name
        assert "default" in prop, name
    assert [p["name"] for p in schema["inputs"]] == [p.name for p in op.inputs]
    assert [p["name"] for p in schema["outputs"]] == [p.name for p in op.outputs]
    assert set(schema["key_params"]) <= set(op.Params.model_fields)


@pytest.mark.parametrize("op", OPS)
def test_params_refuse_unknown_fields_and_are_frozen(op: Op[Any]) -> None:
    with pytest.raises(ValidationError):
        op.parse_params({"no_such_parameter": 1})
    params = op.parse_params({})
    for name in op.Params.model_fields:
        with pytest.raises(ValidationError):
            setattr(params, name, getattr(params, name))


@pytest.mark.parametrize("op", OPS)
def test_ports_and_example_agree(op: Op[Any]) -> None:
    for ports in (op.inputs, op.outputs):
        names = [p.name for p in ports]
        assert len(names) == len(set(names)), f"duplicate port in {names}"
        assert all(p.description.strip() for p in ports)
    inputs = {p.name: p for p in op.inputs}
    assert set(op.example) <= set(inputs)
    assert {name for name, p in inputs.items() if not p.optional} <= set(op.example)
    for name, spec in op.example.items():
        assert inputs[name].dtype in ("any", spec.dtype), f"example {name} is {spec}"
    op.parse_params(op.example_params)


def test_categories_are_contiguous_in_palette_order() -> None:
    """The palette and docs/ops.md group types by category in REGISTRY order, so no
    category may be split across the order."""
    order = [op.category for op in REGISTRY.values()]
    seen: list[str] = []
    for category in order:
        if not seen or seen[-1] != category:
            assert category not in seen, f"{category} is split in {order}"
            seen.append(category)


def test_palette_starts_where_a_network_starts() -> None:
    """The palette's first category is Structure (Input, Output), as the docs and the
    editor show it: the registry's order is the family modules' import order."""
    assert next(iter(REGISTRY.values())).category == "Structure"
    assert list(REGISTRY)[:2] == ["Input", "Output"]
