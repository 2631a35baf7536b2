"""Text a person reads, in both languages of the interface: English and Simplified
Chinese side by side, where it is declared (lessons, op Learn cards)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """One text in English and in Simplified Chinese (`zh-CN` in JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    en: str = Field(min_length=1, max_length=2000)
    zh_cn: str = Field(alias="zh-CN", min_length=1, max_length=2000)
