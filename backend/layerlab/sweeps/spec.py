"""What a sweep is asked for: the space, the objective, how many trials and how many at
once, the sampler, the pruner and the seed; one typed model that the server's
`POST /api/sweeps` and `layerlab sweep` both read."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from layerlab.graph.document import JSON_INTEGER
from layerlab.sweeps.space import Space, grid_size
from layerlab.train.config import EarlyStopping

SamplerName = Literal["tpe", "random", "grid"]
"""tpe: Optuna's default, learns from finished trials; random; grid: every combination
of the choices (and int ranges), in turn."""
PrunerName = Literal["none", "median", "successive_halving"]
"""median: stop a trial whose value at an epoch is worse than the median of earlier
trials at that epoch; successive_halving: keep the best third at each rung."""
Direction = Literal["maximize", "minimize"]

MAX_TRIALS = 1_000
MAX_PARALLEL = 64
MAX_GRID = 100_000
"""Points of a grid at most (Optuna's grid sampler lists them all)."""
METRIC_PATTERN = r"^[A-Za-z0-9_]+(/[A-Za-z0-9_.]+)*$"


class Objective(BaseModel):
    """The metric each trial is judged by, as its run reports it at each epoch's end."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(
        default="val/acc",
        max_length=100,
        pattern=METRIC_PATTERN,
        description="A metric the runs report per epoch: val/acc, val/loss, ...",
    )
    direction: Direction = Field(
        default="maximize",
        description="Default: maximize accuracies and r2, minimize the rest (losses)",
    )

    @model_validator(mode="before")
    @classmethod
    def _guess_direction(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and raw.get("direction") is None:
            metric = raw.get("metric", "val/acc")
            if isinstance(metric, str):
                maximize = EarlyStopping(metric=metric).maximize()
                return {**raw, "direction": "maximize" if maximize else "minimize"}
        return raw


class SweepSpec(BaseModel):
    """A sweep's settings (everything but the document)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    space: Space = Field(description="Path -> distribution: what varies, over what values")
    objective: Objective = Field(default_factory=lambda: Objective.model_validate({}))
    trials: Annotated[int, Field(ge=1, le=MAX_TRIALS), JSON_INTEGER] = Field(
        default=10, description="Trials in all (a grid: at most its size)"
    )
    parallel: Annotated[int, Field(ge=1, le=MAX_PARALLEL), JSON_INTEGER] = Field(
        default=1, description="Trials queued or training at once"
    )
    sampler: SamplerName = "tpe"
    pruner: PrunerName = "none"
    seed: Annotated[int, Field(ge=0, le=2**32 - 1), JSON_INTEGER] | None = Field(
        default=None, description="The sampler's seed (the same seed samples the same points)"
    )
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="Overrides of TrainingConfig fields for every trial (epochs, ...)",
    )


def spec_problem(spec: SweepSpec) -> tuple[str, str] | None:
    """(field, what is wrong) with settings that are well formed but do not go together."""
    if spec.sampler != "grid":
        return None
    size = grid_size(spec.space)
    if size is None:
        return "sampler", "the grid sampler needs choice or int distributions only"
    if size > MAX_GRID:
        return "space", f"the grid has {size:,} points; at most {MAX_GRID:,} are allowed"
    if spec.trials > size:
        return "trials", f"the grid has {size} points: ask for at most {size} trials"
    return None
