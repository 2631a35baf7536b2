"""Errors are data with a location: what went wrong, where, and a message for people."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


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


class GraphIssue(BaseModel):
    """One error or warning. `node_id` is the node as the document names it (inside a
    block definition when `block` is set); `path` is where it sits once blocks are
    expanded (`layer1.0.conv1`); `port` and `field` narrow it down when known."""

    model_config = ConfigDict(frozen=True)

    code: Code
    message: str
    node_id: str | None = None
    port: str | None = None
    field: str | None = None
    block: str | None = None
    path: str | None = None

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
