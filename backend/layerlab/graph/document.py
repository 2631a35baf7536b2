"""The graph document (format `layerlab.graph`, version 1) and its safe parsing.

A document holds nodes and edges (one or several networks, told apart by each node's
`network`), reusable `blocks` (subgraphs whose `Input`/`Output` nodes are their ports,
instantiated as nodes of their own type with a `repeat` count), and a `training`
section. Parsing never executes anything and refuses NaN/Infinity, deep nesting and
oversized input before pydantic sees it.
"""

from __future__ import annotations

import json
import keyword
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import torch
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictFloat, ValidationError

from layerlab.graph.errors import Code, GraphError, GraphIssue
from layerlab.graph.limits import Limits
from layerlab.messages import MessageError, Param, validation_message

FORMAT = "layerlab.graph"
VERSION = 1

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
TypeName = Annotated[str, Field(min_length=1, max_length=64)]
PortName = Annotated[str, Field(min_length=1, max_length=64)]

# Names a node id cannot take: Python keywords (the id is a variable in exported code),
# attributes of torch modules (the id is a submodule name), and the exporter's own names.
# Attributes set in __init__ (`training`, `meta`, `_modules`) are not in dir() of the
# class, so they come from an instance.
RESERVED_IDS = frozenset(
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | set(dir(torch.fx.GraphModule))
    | set(vars(torch.fx.GraphModule(torch.nn.Module(), torch.fx.Graph())))
    | {"self", "torch", "nn", "math", "batch_size"}
)


def is_reserved_id(name: str) -> bool:
    """Whether a node id is unusable. Names starting with two underscores are also out:
    Python mangles `self.__x` inside the exported class, so its weights would not load."""
    return name in RESERVED_IDS or name.startswith("__")


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer: 3 or 3.0, never true or "3" (pydantic's lax mode takes both).
    if isinstance(value, bool | str | bytes):
        raise MessageError("validation.json_integer")
    return value


JSON_INTEGER = BeforeValidator(_json_integer)
"""Bounds go before it (`Annotated[int, Ge(1), JSON_INTEGER]`), or the published schema
loses them."""
JsonInt = Annotated[int, JSON_INTEGER]


def _identifier_keys(schema: dict[str, Any]) -> None:
    """A dict keyed by `Identifier`: pydantic publishes the key pattern as
    `patternProperties`, which lets other keys through; `propertyNames` says it all."""
    patterns = schema.pop("patternProperties", {})
    names = schema.setdefault("propertyNames", {})
    for pattern in patterns:
        names["pattern"] = pattern
    schema["additionalProperties"] = True  # any value (openapi-typescript reads none without it)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Position(_Model):
    # Strict, as op parameters are: `false` is not a coordinate (lax mode reads it as 0.0).
    x: StrictFloat = 0.0
    y: StrictFloat = 0.0


class NodeDoc(_Model):
    id: Identifier
    type: TypeName
    params: dict[str, Any] = Field(default_factory=dict)
    repeat: JsonInt = Field(
        default=1, ge=1, description="Copies of a block, chained; only for block types"
    )
    network: Identifier | None = Field(
        default=None, description="Which network the node belongs to"
    )
    label: str | None = Field(default=None, max_length=200)
    position: Position | None = None


class EdgeDoc(_Model):
    source: Identifier
    target: Identifier
    source_port: PortName | None = None
    target_port: PortName | None = None


class BlockDoc(_Model):
    """A reusable subgraph. Its `Input` nodes are its input ports and its `Output` nodes
    its output ports (by id, in order). Inner parameter values written "$name" take the
    instance's value of block parameter `name` (default from `params`)."""

    name: Identifier
    description: str = Field(default="", max_length=5_000)
    params: dict[Identifier, Any] = Field(default_factory=dict, json_schema_extra=_identifier_keys)
    nodes: list[NodeDoc]
    edges: list[EdgeDoc] = Field(default_factory=list)


class GraphDocument(_Model):
    format: Literal["layerlab.graph"] = "layerlab.graph"
    version: Literal[1] = 1
    name: str = Field(default="Untitled", max_length=200)
    description: str = Field(default="", max_length=10_000)
    nodes: list[NodeDoc] = Field(default_factory=list)
    edges: list[EdgeDoc] = Field(default_factory=list)
    blocks: list[BlockDoc] = Field(default_factory=list)
    training: dict[str, Any] = Field(default_factory=dict)


# Upgrades from older format versions, each to the next one: {old_version: function}.
# Version 1 is the first published format, so there is nothing to upgrade yet; an old
# document is upgraded here on load, never rejected.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _reject_constant(name: str) -> float:
    raise MessageError("document.non_finite", name=name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MessageError("document.number_range", number=text[:40])
    return value


def _json_depth(value: Any) -> int:
    """Nesting depth of parsed JSON, iteratively (no recursion limit to hit). Only
    containers are stacked: a 10^5-node document has far more leaves than containers."""
    if not isinstance(value, dict | list):
        return 0
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return deepest


def _check_counts(raw: dict[str, Any], limits: Limits) -> None:
    """Refuse too many nodes or edges before pydantic builds one model per item (seconds
    for 10^5 nodes); `analyze` counts again for documents built in Python."""
    blocks = raw.get("blocks")
    bodies = [raw]
    if isinstance(blocks, list):
        bodies += [b for b in blocks if isinstance(b, dict)]
    issues = []
    for what, limit, key in (
        ("nodes", limits.max_nodes, "document.too_many_nodes"),
        ("edges", limits.max_edges, "document.too_many_edges"),
    ):
        count = sum(len(b[what]) for b in bodies if isinstance(b.get(what), list))
        if count > limit:
            issues.append(
                _invalid(
                    key,
                    {"count": count, "limit": limit},
                    Code.LIMIT_EXCEEDED,
                    field=what,
                )
            )
    if issues:
        raise GraphError(issues)


def parse_json(text: str | bytes, limits: Limits | None = None) -> Any:
    """JSON text -> Python values, refusing what a graph document never needs."""
    limits = limits or Limits()
    if len(text) > limits.max_document_bytes:
        raise GraphError(
            [
                _invalid(
                    "document.too_large",
                    {"size": len(text), "limit": limits.max_document_bytes},
                    Code.LIMIT_EXCEEDED,
                )
            ]
        )
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise GraphError(
            [_invalid("document.too_deep", {"limit": limits.max_json_depth})]
        ) from None
    except MessageError as exc:
        raise GraphError([_invalid(exc.key, exc.params)]) from None
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno, "position": exc.pos}
        raise GraphError([_invalid("document.bad_json", {"detail": exc.msg, **where})]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphError([_invalid("document.bad_text", {"detail": str(exc)})]) from None
    return value


def _invalid(
    key: str,
    params: dict[str, Param] | None = None,
    code: Code = Code.INVALID_DOCUMENT,
    field: str | None = None,
) -> GraphIssue:
    return GraphIssue(code=code, key=key, params=params or {}, field=field)


_ECHO_LIMIT = 256
"""Longest id an error repeats back: a 100 KB id is itself the error, not a location."""


def _location(loc: tuple[int | str, ...], raw: Any) -> tuple[str | None, str | None, str]:
    """(node_id, block, dotted field path) for a pydantic error location in a document."""
    node_id = block = None
    container: Any = raw
    for i, part in enumerate(loc):
        if isinstance(container, dict) and isinstance(part, str):
            container = container.get(part)
        elif isinstance(container, list) and isinstance(part, int) and part < len(container):
            container = container[part]
            parent = loc[i - 1] if i else None
            if (
                isinstance(container, dict)
                and parent == "nodes"
                and isinstance(container.get("id"), str)
                and len(container["id"]) <= _ECHO_LIMIT
            ):
                node_id = container["id"]
            if (
                isinstance(container, dict)
                and parent == "blocks"
                and isinstance(container.get("name"), str)
            ):
                block = container["name"]
        else:
            break
    return node_id, block, ".".join(str(p) for p in loc)


def load_document(
    source: str | bytes | Path | dict[str, Any] | GraphDocument, limits: Limits | None = None
) -> GraphDocument:
    """A document from JSON text, a path, a dict or a document; raises GraphError with
    every problem found, each located (node id, block, field path)."""
    limits = limits or Limits()
    if isinstance(source, GraphDocument):
        return source
    if isinstance(source, Path):
        raw: Any = parse_json(source.read_bytes(), limits)
    elif isinstance(source, str | bytes):
        raw = parse_json(source, limits)
    else:
        raw = source
    if not isinstance(raw, dict):
        raise GraphError([_invalid("document.not_object", {"kind": type(raw).__name__})])
    _check_counts(raw, limits)
    if _json_depth(raw) > limits.max_json_depth:
        raise GraphError([_invalid("document.too_deep", {"limit": limits.max_json_depth})])
    raw = _upgrade(raw)
    try:
        return GraphDocument.model_validate(raw)
    except ValidationError as exc:
        issues = []
        for err in exc.errors(include_url=False)[:50]:
            node_id, block, path = _location(tuple(err["loc"]), raw)
            key, params = validation_message(err, path or "document")
            issues.append(
                GraphIssue(
                    code=Code.INVALID_DOCUMENT,
                    key=key,
                    params=params,
                    node_id=node_id,
                    block=block,
                    field=path or None,
                )
            )
        raise GraphError(issues) from None


def _upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    version = raw.get("version", VERSION)
    if raw.get("format", FORMAT) != FORMAT:
        raise GraphError(
            [
                _invalid(
                    "document.format",
                    {"got": repr(raw.get("format")), "expected": FORMAT},
                    field="format",
                )
            ]
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise GraphError(
            [_invalid("document.version_type", {"got": repr(version)}, field="version")]
        )
    if version > VERSION:
        raise GraphError(
            [
                _invalid(
                    "document.version_newer",
                    {"version": version, "supported": VERSION},
                    Code.UNSUPPORTED_VERSION,
                    field="version",
                )
            ]
        )
    while version < VERSION:
        if version not in UPGRADES:
            raise GraphError(
                [
                    _invalid(
                        "document.version_unknown",
                        {"version": version},
                        Code.UNSUPPORTED_VERSION,
                        field="version",
                    )
                ]
            )
        raw = UPGRADES[version](raw)
        version = raw["version"]
    return raw


def document_json(doc: GraphDocument) -> str:
    """Canonical JSON text of a document (defaults omitted, stable key order)."""
    body = doc.model_dump(mode="json", exclude_defaults=True)
    return json.dumps({"format": FORMAT, "version": VERSION, **body}, indent=2) + "\n"
