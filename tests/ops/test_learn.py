"""Every node type's Learn card: declared with the type, in English and Simplified
Chinese, its parameter formula saying "none" exactly when the module has none, and
served (GET /api/ops's schema) and documented (docs/ops.md) from that one place."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

import pytest

from layerlab.ops import REGISTRY, LearnCard, Op, OpParams, TensorSpec, spec
from layerlab.ops.docs import render
from layerlab.text import Text
from tests.ops.harness import default_case

OPS = [pytest.param(name, id=name) for name in REGISTRY]
TEXTS = ("shape", "params", "when", "mistakes")
CJK = re.compile(r"[\u4e00-\u9fff]")


def card_of(name: str) -> LearnCard:
    card = REGISTRY[name].learn
    assert isinstance(card, LearnCard), name
    return card


@pytest.mark.parametrize("name", OPS)
def test_every_type_declares_its_own_card(name: str) -> None:
    # A family's base class (Activation, _Conv, _BatchNorm) never lends its card.
    assert isinstance(type(REGISTRY[name]).__dict__.get("learn"), LearnCard)


@pytest.mark.parametrize("name", OPS)
def test_card_texts_are_filled_in_both_languages(name: str) -> None:
    card = card_of(name)
    assert card.formula.strip() and "\n" not in card.formula
    for field in TEXTS:
        text: Text = getattr(card, field)
        assert text.en.strip() and text.zh_cn.strip(), f"{name}.{field}"
        assert "\n" not in text.en and "\n" not in text.zh_cn, f"{name}.{field}"
    # Prose is written in Chinese, not left in English.
    for field in ("when", "mistakes"):
        assert CJK.search(getattr(card, field).zh_cn), f"{name}.{field} zh-CN"


@pytest.mark.parametrize("name", OPS)
def test_params_says_none_exactly_when_the_example_module_has_none(name: str) -> None:
    module = default_case(name).build(device="meta")
    has_params = any(True for _ in module.parameters())
    params = card_of(name).params
    assert params.en.startswith("none") == (not has_params), (name, params.en)
    assert params.zh_cn.startswith("无") == (not has_params), (name, params.zh_cn)


@pytest.mark.parametrize("name", OPS)
def test_schema_serves_the_card_with_the_zh_cn_key(name: str) -> None:
    served = json.loads(json.dumps(REGISTRY[name].schema()))["learn"]
    card = card_of(name)
    assert served["formula"] == card.formula
    for field in TEXTS:
        assert served[field] == {"en": getattr(card, field).en, "zh-CN": getattr(card, field).zh_cn}
    assert LearnCard.model_validate(served) == card


def test_the_api_model_keeps_every_card() -> None:
    """GET /api/ops validates each schema() into OpSchema and sends it by alias."""
    from layerlab.server.schemas import OpSchema

    for name, op in REGISTRY.items():
        sent = OpSchema.model_validate(op.schema()).model_dump(mode="json", by_alias=True)
        assert sent["learn"] == json.loads(json.dumps(op.schema()["learn"])), name
        assert sent["learn"]["mistakes"]["zh-CN"] == op.learn.mistakes.zh_cn


def test_docs_show_each_card_in_english_under_its_type() -> None:
    text = render()
    for name in REGISTRY:
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        card = card_of(name)
        assert f"`{card.formula}`" in section, name
        for field in TEXTS:
            assert getattr(card, field).en in section, f"{name}.{field}"
        assert card.when.zh_cn not in section


class _NoCardParams(OpParams):
    pass


def test_registration_refuses_a_type_without_a_card() -> None:
    with pytest.raises(RuntimeError, match="learn card"):

        class NoCard(Op[_NoCardParams]):
            name = "NoCardForTheTest"
            category = "Test"
            summary = "A type that forgot its card."
            example: ClassVar[dict[str, TensorSpec]] = {"x": spec(2)}

    assert "NoCardForTheTest" not in REGISTRY


def test_registration_refuses_a_card_borrowed_from_a_base() -> None:
    borrowed = REGISTRY["Linear"].learn

    class _Family(Op[_NoCardParams]):
        category = "Test"
        learn = borrowed

    with pytest.raises(RuntimeError, match="learn card"):

        class Member(_Family):
            name = "BorrowedCardForTheTest"
            summary = "A type that relies on its family's card."

    assert "BorrowedCardForTheTest" not in REGISTRY


def test_a_card_refuses_empty_text() -> None:
    with pytest.raises(ValueError):
        Text.model_validate({"en": "", "zh-CN": "无"})
    fields: dict[str, Any] = {f: {"en": "x", "zh-CN": "无"} for f in TEXTS}
    with pytest.raises(ValueError):
        LearnCard.model_validate({"formula": "", **fields})
    LearnCard.model_validate({"formula": "y = x", **fields})
