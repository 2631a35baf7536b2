"""What an import refuses, located: every call that cannot be mapped, never approximated."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Unsupported(BaseModel):
    """One call (or ONNX node) that has no exact LayerLab equivalent."""

    call: str = Field(description="What was called: nn.PReLU, torch.erf, Tensor.permute, Erf")
    path: str = Field(
        default="", description="The module it sits in (layer1.0.conv1; empty: the top level)"
    )
    where: str | None = Field(
        default=None, description="The source line (model.py:42) or the ONNX node's name"
    )
    reason: str = Field(description="Why it cannot be mapped exactly")

    def __str__(self) -> str:
        at = " at ".join(p for p in (self.path or "(top)", self.where or "") if p)
        return f"{self.call} in {at}: {self.reason}"


class ImportRefused(ValueError):
    """The model cannot be imported exactly; `unsupported` lists every reason, located."""

    def __init__(self, unsupported: list[Unsupported], via: str):
        self.unsupported = unsupported
        self.via = via
        lines = "\n".join(f"  - {u}" for u in unsupported)
        super().__init__(f"cannot import through {via}: {len(unsupported)} unsupported\n{lines}")
