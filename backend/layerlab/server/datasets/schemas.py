"""The datasets API's shapes: the catalog of built-in sets (with where each can come
from here) and uploaded ones, an upload's record, and its preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from layerlab.server.schemas import DatasetSchema
from layerlab.train.data.preview import DatasetPreview

__all__ = ["DatasetPreview"]

AvailabilityState = Literal["on_server", "generated", "stand_in", "needs_file"]


class Availability(BaseModel):
    """Whether a built-in set can train here, said before Train is pressed."""

    state: AvailabilityState = Field(
        description="on_server: its files are here; generated: made on the fly; stand_in: "
        "absent, an offline look-alike trains instead; needs_file: upload a file for it"
    )
    message: str = Field(description="The same, for people: 'on this server', ...")
    upload_kind: str | None = Field(
        default=None, description="The upload kind that gives this set its data, if one does"
    )


class BuiltinDataset(DatasetSchema):
    availability: Availability
    max_upload_bytes: int | None = Field(
        default=None, description="Set for kinds a person can upload: the largest file taken"
    )


class UploadInfo(BaseModel):
    """What training on an upload will see, found by loading it once."""

    input_shape: list[int] = Field(description="One sample's shape, batch excluded")
    input_dtype: Literal["float32", "int64"]
    target: str = Field(description="class, value, sequence or none")
    num_classes: int | None = None
    classes: list[str] | None = None
    train: int = Field(description="Training samples")
    val: int = Field(description="Validation samples")
    notes: list[str] = Field(default_factory=list)


class DatasetConfig(BaseModel):
    """Exactly what a run's config takes to train on the upload."""

    dataset: str
    dataset_options: dict[str, Any]


class DatasetRecord(BaseModel):
    id: str = Field(description="d_ + 12 hex")
    name: str
    kind: str = Field(description="csv, image_zip, text or idx: the dataset it is read as")
    bytes: int
    sha256: str
    created_at: datetime
    info: UploadInfo
    config: DatasetConfig


class DatasetCatalog(BaseModel):
    builtin: list[BuiltinDataset]
    uploads: list[DatasetRecord] = Field(description="Newest first")
