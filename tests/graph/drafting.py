"""Small builders for documents written inline in tests, as dicts a request would send."""

from __future__ import annotations

from typing import Any


def node(node_id: str, type_name: str, **params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": node_id, "type": type_name}
    if params:
        out["params"] = params
    return out


def edge(
    source: str, target: str, target_port: str | None = None, source_port: str | None = None
) -> dict[str, Any]:
    out = {"source": source, "target": target}
    if target_port is not None:
        out["target_port"] = target_port
    if source_port is not None:
        out["source_port"] = source_port
    return out
