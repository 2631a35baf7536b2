"""A sweep's search space: which places of a document vary, and over what values.

A space maps a path to a distribution. Paths name one place of the document:

    lr, batch_size, optimizer, ...        a training field (TrainingConfig's)
    nodes.<id>.params.<name>              a node's parameter (a block instance's too)
    nodes.<id>.repeat                     a block instance's repeat count
    blocks.<Block>.params.<name>          a block's parameter, wherever the block is used:
                                          its default and every instance's own value

Distributions: `{"log_uniform": [lo, hi]}`, `{"uniform": [lo, hi]}`,
`{"int": [lo, hi], "step": k}`, `{"choice": [v1, v2, ...]}` (numbers, strings, booleans
or null). `check_space` says what is wrong with a space for a document (each problem
at its path); `apply_point` writes one sampled point into a copy of the document and
the training overrides. Nothing here knows Optuna (see `study.py`).
"""

from __future__ import annotations

import builtins
import copy
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
)

from layerlab.graph.document import JSON_INTEGER, GraphDocument
from layerlab.ops import REGISTRY
from layerlab.train.config import ConfigError, TrainingConfig

MAX_PATHS = 32
MAX_CHOICES = 1_000

Number = StrictInt | StrictFloat
Scalar = StrictBool | StrictInt | StrictFloat | Annotated[str, Field(max_length=200)] | None
"""A choice's value: what Optuna records as a categorical parameter."""


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# The bounds' order (lo < hi) is checked by `check_space`, with the paths: a JSON Schema
# cannot say it, so a request that has it wrong is well formed, and refused for what it is.


class LogUniform(_Dist):
    """Floats between `lo` and `hi`, evenly on a log scale (learning rates)."""

    log_uniform: tuple[Number, Number] = Field(description="[lo, hi], 0 < lo < hi")


class Uniform(_Dist):
    """Floats between `lo` and `hi`, evenly."""

    uniform: tuple[Number, Number] = Field(description="[lo, hi], lo < hi")


JsonInt = Annotated[int, Ge(-(2**53)), Le(2**53), JSON_INTEGER]
"""An integer as JSON has them (3 or 3.0), exact in a double."""


class IntRange(_Dist):
    """Integers from `lo` to `hi` (both included), `step` apart."""

    int: tuple[JsonInt, JsonInt] = Field(description="[lo, hi], both included, lo <= hi")
    step: Annotated[builtins.int, Ge(1), Le(2**53), JSON_INTEGER] = Field(
        default=1, description="Distance between the values"
    )


def int_count(distribution: IntRange) -> int:
    """How many values an int range has (lo <= hi)."""
    lo, hi = distribution.int
    return (hi - lo) // distribution.step + 1


def int_values(distribution: IntRange) -> range:
    """Every value of an int range, in order (lazily: it may be long)."""
    lo, hi = distribution.int
    return range(lo, hi + 1, distribution.step)


class Choice(_Dist):
    """One of the listed values."""

    choice: list[Scalar] = Field(min_length=1, max_length=MAX_CHOICES)


Distribution = LogUniform | Uniform | IntRange | Choice
"""Told apart by their one key (each model forbids the others')."""

Space = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=200)], Distribution],
    Field(min_length=1, max_length=MAX_PATHS),
]


# -- paths --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingField:
    name: str


@dataclass(frozen=True)
class NodeParam:
    node: str
    param: str


@dataclass(frozen=True)
class NodeRepeat:
    node: str


@dataclass(frozen=True)
class BlockParam:
    block: str
    param: str


Place = TrainingField | NodeParam | NodeRepeat | BlockParam

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NODE_PARAM = re.compile(rf"nodes\.({_NAME})\.params\.({_NAME})")
_NODE_REPEAT = re.compile(rf"nodes\.({_NAME})\.repeat")
_BLOCK_PARAM = re.compile(rf"blocks\.({_NAME})\.params\.({_NAME})")
_FIELD = re.compile(_NAME)
PATH_FORMS = (
    "a training field (lr, batch_size, ...), nodes.<id>.params.<name>, nodes.<id>.repeat "
    "or blocks.<Block>.params.<name>"
)


class SpaceError(ValueError):
    """Problems of a space for a document, each at its path."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def place_of(path: str) -> Place | None:
    """What a path names, or None when it is none of the forms."""
    if match := _NODE_PARAM.fullmatch(path):
        return NodeParam(match[1], match[2])
    if match := _NODE_REPEAT.fullmatch(path):
        return NodeRepeat(match[1])
    if match := _BLOCK_PARAM.fullmatch(path):
        return BlockParam(match[1], match[2])
    if _FIELD.fullmatch(path):
        return TrainingField(path)
    return None


def endpoints(distribution: Distribution) -> list[Any]:
    """The values that bound a distribution: its ends, or every choice."""
    if isinstance(distribution, LogUniform):
        return list(distribution.log_uniform)
    if isinstance(distribution, Uniform):
        return list(distribution.uniform)
    if isinstance(distribution, IntRange):
        values = int_values(distribution)
        return [values[0], values[-1]] if values else []
    return list(distribution.choice)


def grid_values(distribution: Distribution) -> list[Any]:
    """Every value a grid visits: a choice's, or an int range's (see `grid_size`)."""
    if isinstance(distribution, Choice):
        return list(distribution.choice)
    if isinstance(distribution, IntRange):
        return list(int_values(distribution))
    raise ValueError("floats have no grid")


def grid_size(space: dict[str, Distribution]) -> int | None:
    """Points of the grid, or None when a distribution has no grid (floats)."""
    sizes = []
    for distribution in space.values():
        if isinstance(distribution, Choice):
            sizes.append(len(distribution.choice))
        elif isinstance(distribution, IntRange):
            sizes.append(max(0, int_count(distribution)))
        else:
            return None
    return math.prod(sizes)


# -- checking a space against a document ------------------------------------------------


def bounds_problem(distribution: Distribution) -> str | None:
    """What is wrong with a distribution's bounds, if anything."""
    if isinstance(distribution, LogUniform):
        lo, hi = distribution.log_uniform
        return None if 0 < lo < hi else "log_uniform needs 0 < lo < hi"
    if isinstance(distribution, Uniform):
        lo, hi = distribution.uniform
        return None if lo < hi else "uniform needs lo < hi"
    if isinstance(distribution, IntRange):
        lo, hi = distribution.int
        return None if lo <= hi else "int needs lo <= hi"
    return None


def check_space(
    space: dict[str, Distribution], document: GraphDocument, base: TrainingConfig
) -> None:
    """Raise SpaceError naming each path whose bounds are out of order, that does not
    name a place of `document`, or whose training values `base` refuses. Node and block
    values are checked per trial (a width that breaks a shape fails that trial, not the
    sweep)."""
    problems: list[tuple[str, str]] = []
    for path, distribution in space.items():
        message = bounds_problem(distribution) or _problem(path, distribution, document, base)
        if message:
            problems.append((path, message))
    if problems:
        raise SpaceError(problems)


def _problem(
    path: str, distribution: Distribution, document: GraphDocument, base: TrainingConfig
) -> str | None:
    place = place_of(path)
    if place is None:
        return f"not a path: use {PATH_FORMS}"
    nodes = {node.id: node for node in document.nodes}
    blocks = {block.name: block for block in document.blocks}
    if isinstance(place, TrainingField):
        if place.name not in TrainingConfig.model_fields:
            return f"no training field {place.name!r}"
        for value in endpoints(distribution):
            try:
                base.with_overrides(**{place.name: value})
            except ConfigError as exc:
                return f"{value!r}: {exc}"
        return None
    if isinstance(place, BlockParam):
        block = blocks.get(place.block)
        if block is None:
            return f"the document has no block {place.block!r}"
        if place.param not in block.params:
            return f"block {place.block} has no parameter {place.param!r}"
        return None
    node = nodes.get(place.node)
    if node is None:
        return f"the document has no node {place.node!r}"
    if isinstance(place, NodeRepeat):
        if node.type not in blocks:
            return f"node {node.id} is a {node.type}, not a block: only blocks repeat"
        if not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 1
            for v in endpoints(distribution)
        ):
            return "a repeat count is an integer >= 1"
        return None
    if node.type in blocks:
        if place.param not in blocks[node.type].params:
            return f"block {node.type} has no parameter {place.param!r}"
        return None
    op = REGISTRY.get(node.type)
    if op is None:
        return f"node {node.id} has unknown type {node.type!r}"
    if place.param not in op.Params.model_fields:
        return f"{node.type} has no parameter {place.param!r}"
    return None


# -- applying a point ---------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    document: dict[str, Any]
    """A copy of the document with the point's node and block values written in."""
    overrides: dict[str, Any]
    """Training fields to override: the base's, then the point's."""


def apply_point(
    document: dict[str, Any], overrides: dict[str, Any], point: dict[str, Any]
) -> Applied:
    """Write `point` (path -> value) into a copy of `document` (JSON, as stored) and of
    the training `overrides`. Paths were checked by `check_space`."""
    doc = copy.deepcopy(document)
    config = dict(overrides)
    nodes = {node["id"]: node for node in doc.get("nodes", [])}
    blocks = {block["name"]: block for block in doc.get("blocks", [])}
    for path, value in point.items():
        place = place_of(path)
        if isinstance(place, TrainingField):
            config[place.name] = value
        elif isinstance(place, NodeParam):
            nodes[place.node].setdefault("params", {})[place.param] = value
        elif isinstance(place, NodeRepeat):
            nodes[place.node]["repeat"] = value
        elif isinstance(place, BlockParam):
            blocks[place.block].setdefault("params", {})[place.param] = value
            for node in nodes.values():
                if node["type"] == place.block and place.param in node.get("params", {}):
                    node["params"][place.param] = value
        else:  # not checked: a programming error
            raise ValueError(f"not a path: {path}")
    return Applied(doc, config)


def describe(point: dict[str, Any]) -> str:
    """`lr=0.0031, nodes.fc1.params.out_features=64` for people."""
    return ", ".join(f"{path}={_short(value)}" for path, value in point.items())


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value) if isinstance(value, str) else str(value)
