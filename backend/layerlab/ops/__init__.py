"""The registry of node types: `REGISTRY` maps each type id to its one declaration.

Importing this package imports every family module, and defining an `Op` subclass
registers it. To add a node type, write one class in one of these modules.
"""

from layerlab.ops import (  # noqa: F401  (imported for their registrations)
    activations,
    attention,
    conv,
    dense,
    generative,
    norm,
    sequence,
    structure,
)
from layerlab.ops.base import REGISTRY, ModuleCall, Op, OpParams, Port, ShapeError, TensorSpec, spec

__all__ = ["REGISTRY", "ModuleCall", "Op", "OpParams", "Port", "ShapeError", "TensorSpec", "spec"]
