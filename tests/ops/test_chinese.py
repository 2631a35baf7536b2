"""Every node type's palette line and every parameter's description exist in Simplified
Chinese next to their English originals: `summary_zh` beside `summary` (refused at
registration when missing or borrowed from a base class), and `description_zh` beside
`description` in each parameter's JSON Schema, both served by GET /api/ops."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

import pytest

from layerlab.ops import REGISTRY, Op, OpParams, TensorSpec, spec

OPS = [pytest.param(name, id=name) for name in REGISTRY]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", OPS)
def test_every_type_declares_its_own_chinese_summary(name: str) -> None:
    op = REGISTRY[name]
    own = type(op).__dict__.get("summary_zh")
    assert isinstance(own, str) and own == own.strip() and "\n" not in own, name
    assert CJK.search(own), f"{name}.summary_zh is not written in Chinese"
    assert own != op.summary
    assert len(own) <= 120, name


def _described(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every property with a description, in the schema and its $defs."""
    found = list(schema.get("properties", {}).items())
    for model, sub in schema.get("$defs", {}).items():
        found += [(f"{model}.{k}", v) for k, v in sub.get("properties", {}).items()]
    return [(k, v) for k, v in found if "description" in v]


def test_every_parameter_description_has_its_chinese_beside_it() -> None:
    seen = 0
    for name, op in REGISTRY.items():
        for field, prop in _described(op.Params.model_json_schema()):
            zh = prop.get("description_zh")
            assert isinstance(zh, str) and zh.strip(), f"{name}.{field}: no description_zh"
            assert CJK.search(zh), f"{name}.{field}: description_zh is not written in Chinese"
            assert "\n" not in zh and zh != prop["description"], f"{name}.{field}"
            seen += 1
    assert seen >= 80  # the registry's parameters, not an empty walk


def test_every_training_setting_has_its_chinese_beside_it() -> None:
    """The training panel's form comes from TrainingConfig's schema (served in /api/meta):
    each setting, nested ones included, carries its Chinese description."""
    from layerlab.train.config import TrainingConfig

    described = _described(TrainingConfig.model_json_schema())
    for name, prop in described:
        zh = prop.get("description_zh")
        assert isinstance(zh, str) and CJK.search(zh), f"training.{name}: no description_zh"
        assert "\n" not in zh and zh != prop["description"], f"training.{name}"
    assert len(described) >= 50  # every setting, not an empty walk


def test_every_parameter_is_described() -> None:
    for name, op in REGISTRY.items():
        for field, prop in op.Params.model_json_schema().get("properties", {}).items():
            assert "description" in prop and "description_zh" in prop, f"{name}.{field}"


def test_the_api_serves_summary_zh_and_description_zh() -> None:
    """GET /api/ops validates each schema() into OpSchema; both languages survive."""
    from layerlab.server.schemas import OpSchema

    for name, op in REGISTRY.items():
        sent = OpSchema.model_validate(op.schema()).model_dump(mode="json", by_alias=True)
        assert (sent["summary"], sent["summary_zh"]) == (op.summary, op.summary_zh), name
        assert sent["params_schema"] == json.loads(json.dumps(op.Params.model_json_schema()))
    linear = OpSchema.model_validate(REGISTRY["Linear"].schema())
    out = linear.params_schema["properties"]["out_features"]
    assert out["description"] == "Number of output neurons"
    assert out["description_zh"] == "输出神经元的个数"


def test_the_ops_route_sends_both_languages() -> None:
    from pydantic import TypeAdapter

    from layerlab.server.routes.ops import list_ops
    from layerlab.server.schemas import OpSchema

    body = TypeAdapter(list[OpSchema]).dump_python(list_ops(), mode="json", by_alias=True)
    ops = {o["type"]: o for o in body}
    assert set(ops) == set(REGISTRY)
    conv = ops["Conv2d"]
    assert conv["summary_zh"] == REGISTRY["Conv2d"].summary_zh
    assert CJK.search(conv["params_schema"]["properties"]["stride"]["description_zh"])


class _Params(OpParams):
    pass


def test_registration_refuses_a_type_without_a_chinese_summary() -> None:
    with pytest.raises(RuntimeError, match="summary_zh"):

        class NoChinese(Op[_Params]):
            name = "NoChineseSummaryForTheTest"
            category = "Test"
            summary = "A type that forgot its Chinese summary."
            example: ClassVar[dict[str, TensorSpec]] = {"x": spec(2)}
            learn = REGISTRY["Identity"].learn

    assert "NoChineseSummaryForTheTest" not in REGISTRY


def test_registration_refuses_a_chinese_summary_borrowed_from_a_base() -> None:
    class _Family(Op[_Params]):
        category = "Test"
        summary_zh = "一族共用的中文简介。"

    with pytest.raises(RuntimeError, match="summary_zh"):

        class Member(_Family):
            name = "BorrowedChineseSummaryForTheTest"
            summary = "A type that relies on its family's Chinese summary."
            learn = REGISTRY["Identity"].learn

    assert "BorrowedChineseSummaryForTheTest" not in REGISTRY


def test_registration_refuses_a_blank_chinese_summary() -> None:
    with pytest.raises(RuntimeError, match="summary_zh"):

        class Blank(Op[_Params]):
            name = "BlankChineseSummaryForTheTest"
            category = "Test"
            summary = "A type with an empty Chinese summary."
            summary_zh = "  "
            learn = REGISTRY["Identity"].learn

    assert "BlankChineseSummaryForTheTest" not in REGISTRY
