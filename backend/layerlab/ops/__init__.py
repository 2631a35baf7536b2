"""The registry of node types: `REGISTRY` maps each type id to its one declaration.

Importing this package imports every family module, and defining an `Op` subclass
registers it. To add a node type, write one class in one of these modules.
"""

# The import order below is the palette's order (REGISTRY keeps declaration order),
# so it must not be sorted alphabetically.
# isort: off
from layerlab.ops import structure  # noqa: F401  (imported for its registrations)
from layerlab.ops import dense  # noqa: F401
from layerlab.ops import activations  # noqa: F401
from layerlab.ops import conv  # noqa: F401
from layerlab.ops import norm  # noqa: F401
from layerlab.ops import sequence  # noqa: F401
from layerlab.ops import attention  # noqa: F401
from layerlab.ops import generative  # noqa: F401

# isort: on
from layerlab.ops.base import (
    REGISTRY,
    HealthKind,
    LearnCard,
    ModuleCall,
    Op,
    OpParams,
    ParamTerm,
    Port,
    ShapeError,
    TensorSpec,
    spec,
)

__all__ = [
    "REGISTRY",
    "HealthKind",
    "LearnCard",
    "ModuleCall",
    "Op",
    "OpParams",
    "ParamTerm",
    "Port",
    "ShapeError",
    "TensorSpec",
    "spec",
]
