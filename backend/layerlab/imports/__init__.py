"""Bringing existing models in: PyTorch modules (`from_torch`, through torch.fx or
torch.export) and ONNX files (`from_onnx`) become graph documents with their weights.

Every call is mapped to a registered node type exactly or refused, located; nothing is
approximated. See docs/import.md for what the model zoo shows.
"""

from layerlab.imports.errors import ImportRefused, Unsupported
from layerlab.imports.torch_fx import Imported, from_torch

__all__ = ["ImportRefused", "Imported", "Unsupported", "from_torch"]
