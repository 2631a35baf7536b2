"""ONNX files imported for the API: the document, and the imported weights kept in the
data dir (`imports/<weights_id>.safetensors`, named by the file's hash) for a person to
download or a run to start from. CPU-bound; the route runs it in a worker thread."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from pydantic import BaseModel, Field

from layerlab import build
from layerlab.graph.document import GraphDocument
from layerlab.graph.weights import WeightsError, load_weights
from layerlab.ids import IMPORTED_WEIGHTS_PATTERN
from layerlab.imports.errors import ImportRefused, Unsupported
from layerlab.imports.onnx import from_onnx
from layerlab.server.errors import ApiError

WEIGHTS_ID_PATTERN = IMPORTED_WEIGHTS_PATTERN
_WEIGHTS_ID = re.compile(WEIGHTS_ID_PATTERN)


class OnnxImport(BaseModel):
    """What an ONNX file became: a document and its weights, or every operator that
    has no exact equivalent, located."""

    ok: bool
    document: GraphDocument | None = Field(description="The imported graph (null when refused)")
    weights_id: str | None = Field(
        pattern=WEIGHTS_ID_PATTERN,
        description="The imported weights, kept on the server: GET /api/import/weights/{id}",
    )
    tensors: int = Field(description="Tensors in the weights file")
    unsupported: list[Unsupported] = Field(
        description="Operators with no exact equivalent, each with its index and name"
    )


def fitting_weights(data_dir: Path, weights_id: str, document: GraphDocument) -> Path:
    """The kept weights `weights_id`, checked to fit the document's model tensor by tensor
    (what the worker will load); ApiError 404 or 422 on `body.start_weights` otherwise."""
    path = weights_path(data_dir, weights_id)
    if path is None:
        raise ApiError(
            404, "not_found", f"no imported weights {weights_id}", field="body.start_weights"
        )
    try:
        load_weights(build(document), path)
    except WeightsError as exc:
        raise ApiError(
            422,
            "weights_mismatch",
            f"the imported weights do not fit this graph: {exc}",
            field="body.start_weights",
        ) from None
    return path


def imports_dir(data_dir: Path) -> Path:
    return data_dir / "imports"


def weights_path(data_dir: Path, weights_id: str) -> Path | None:
    """The kept weights of an import, or None for an id that is not one."""
    if not _WEIGHTS_ID.fullmatch(weights_id):
        return None
    path = imports_dir(data_dir) / f"{weights_id}.safetensors"
    return path if path.is_file() else None


def import_onnx(data: bytes, name: str | None, data_dir: Path) -> OnnxImport:
    """Import the file; keep its weights (written whole, then renamed into place)."""
    try:
        imported = from_onnx(data, name=name)
    except ImportRefused as refused:
        return OnnxImport(
            ok=False, document=None, weights_id=None, tensors=0, unsupported=refused.unsupported
        )
    weights_id = "onnx_" + hashlib.sha256(data).hexdigest()[:16]
    folder = imports_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{weights_id}.safetensors"
    partial = folder / f".partial-{secrets.token_hex(6)}"
    try:
        imported.save_weights(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return OnnxImport(
        ok=True,
        document=imported.document,
        weights_id=weights_id,
        tensors=len(imported.weights),
        unsupported=[],
    )
