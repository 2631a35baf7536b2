"""Errors are data with a location: what went wrong, where, and a message for people."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from layerlab.messages import MESSAGES, Param, render


class Code(StrEnum):
    INVALID_DOCUMENT = "invalid_document"
    """Not a well-formed graph document: bad JSON, NaN/Infinity, unknown field, wrong type."""
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_TYPE = "unknown_type"
    BAD_ID = "bad_id"
    BAD_PARAM = "bad_param"
    BAD_BLOCK = "bad_block"
    DUPLICATE_ID = "duplicate_id"
    DANGLING_EDGE = "dangling_edge"
    UNKNOWN_PORT = "unknown_port"
    MISSING_INPUT = "missing_input"
    EXTRA_INPUT = "extra_input"
    CROSS_NETWORK_EDGE = "cross_network_edge"
    CYCLE = "cycle"
    NO_INPUT = "no_input"
    NO_OUTPUT = "no_output"
    UNREACHABLE = "unreachable"
    UNUSED = "unused"
    """A warning: the node's result reaches no Output."""
    SHAPE_MISMATCH = "shape_mismatch"
    LIMIT_EXCEEDED = "limit_exceeded"
    NO_PARAMETERS = "no_parameters"
    """Not trainable: an optimizer of the training task would get no parameters (run intake)."""


def _message_required(schema: dict[str, Any]) -> None:
    schema["required"] = sorted({*schema.get("required", []), "message"})


class GraphIssue(BaseModel):
    """One error or warning. `node_id` is the node as the document names it (inside a
    block definition when `block` is set); `path` is where it sits once blocks are
    expanded (`layer1.0.conv1`); `port` and `field` narrow it down when known.

    Built from a message of the catalog (`layerlab/messages`): `key` and `params`;
    `message` is then that message in English, filled in here."""

    # `message` is always there (rendered from `key` when not given): required in the schema.
    model_config = ConfigDict(frozen=True, json_schema_extra=_message_required)

    code: Code
    message: str = Field(default="", description="The message in English")
    key: str = Field(
        default="",
        description="The message's key in the catalog (GET /api/meta `messages`); empty "
        "for a message that is not from it",
    )
    params: dict[str, Param] = Field(
        default_factory=dict, description="The values the message's template names"
    )
    node_id: str | None = None
    port: str | None = None
    field: str | None = None
    block: str | None = None
    path: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _render(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("key") in MESSAGES and not data.get("message"):
            data = {**data, "message": render(data["key"], data.get("params") or {})}
        return data

    def __hash__(self) -> int:  # params is a dict; the message says the same
        return hash((self.code, self.message, self.node_id, self.port, self.field, self.block))

    def __str__(self) -> str:
        where = [
            f"{k}={v}"
            for k, v in (
                ("block", self.block),
                ("node", self.node_id),
                ("port", self.port),
                ("field", self.field),
            )
            if v
        ]
        return (
            f"[{self.code}] {' '.join(where)}: {self.message}"
            if where
            else f"[{self.code}] {self.message}"
        )


class GraphError(ValueError):
    """Raised by the public API when a document cannot be used; carries every issue."""

    def __init__(self, issues: list[GraphIssue]):
        self.issues = issues
        super().__init__(
            "; ".join(str(i) for i in issues[:5]) + (" ..." if len(issues) > 5 else "")
        )
