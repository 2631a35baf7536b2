"""Resource limits, checked by estimation before anything is allocated."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """What a document may ask for. Defaults suit one workstation; servers pass their own
    (for example the worker's advertised memory)."""

    model_config = ConfigDict(frozen=True)

    max_document_bytes: int = Field(default=5_000_000, description="Raw JSON size")
    max_json_depth: int = Field(default=32, description="Nesting of JSON arrays and objects")
    max_nodes: int = Field(default=5_000, description="Nodes after expanding blocks and repeats")
    max_edges: int = Field(default=20_000, description="Edges in one document, blocks included")
    max_block_depth: int = Field(default=8, description="Blocks nested inside blocks")
    max_repeat: int = Field(default=256, description="Copies of one block instance")
    max_params: int = Field(
        default=500_000_000, description="Parameters in one document (4 bytes each)"
    )
    max_memory_bytes: int = Field(
        default=32 * 2**30, description="Estimated training memory at the checked batch size"
    )
