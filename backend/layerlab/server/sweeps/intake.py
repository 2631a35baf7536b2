"""What `POST /api/sweeps` checks before a sweep starts: the request (one source, the
settings), the document as a run of it would be checked (configuration, dataset,
shapes, memory), and the space against the document (every path names a place; the
training values at its ends are valid). A trial's own values are checked when it
starts: a width that breaks a shape fails that trial, not the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layerlab.graph.document import GraphDocument
from layerlab.server.deps import parse_model, validate_document
from layerlab.server.errors import ApiError
from layerlab.server.runs import intake as run_intake
from layerlab.server.settings import Settings
from layerlab.server.sweeps.schemas import CreateSweep
from layerlab.sweeps.space import SpaceError, check_space
from layerlab.sweeps.spec import SweepSpec, spec_problem


@dataclass(frozen=True)
class SweepRequest:
    spec: SweepSpec
    source: run_intake.RunRequest
    """Where the document comes from (a document sent, or a saved graph)."""


@dataclass(frozen=True)
class PreparedSweep:
    document: dict[str, Any]
    """The document as stored (canonical JSON): what every trial varies."""
    spec: SweepSpec


def parse_request(raw: Any, settings: Settings) -> SweepRequest:
    if not isinstance(raw, dict):
        raise ApiError(422, "invalid_request", "send a JSON object", field="body")
    # The document is validated on its own (located issues), as for a run.
    rest = parse_model(CreateSweep, {k: v for k, v in raw.items() if k != "document" or v is None})
    document = None
    if raw.get("document") is not None:
        document = validate_document(raw["document"], settings)
    if (document is None) == (rest.graph_id is None):
        raise ApiError(
            422,
            "invalid_request",
            "send one of `document` or `graph_id` (with an optional `graph_version`)",
            field="body",
        )
    if rest.graph_version is not None and rest.graph_id is None:
        raise ApiError(
            422, "invalid_request", "`graph_version` needs `graph_id`", field="body.graph_version"
        )
    spec = rest.spec()
    problem = spec_problem(spec)
    if problem is not None:
        raise ApiError(422, "invalid_sweep", problem[1], field=f"body.{problem[0]}")
    if spec.parallel > settings.max_queued_runs_per_client:
        raise ApiError(
            422,
            "invalid_sweep",
            f"parallel: at most {settings.max_queued_runs_per_client} trials at once "
            "(the runs one client may queue)",
            field="body.parallel",
        )
    source = run_intake.RunRequest(document, rest.graph_id, rest.graph_version, None, {})
    return SweepRequest(spec, source)


def prepare(
    document: GraphDocument, spec: SweepSpec, settings: Settings, largest: int | None
) -> PreparedSweep:
    """Check the document as a run of it, then the space against it (CPU-bound)."""
    prepared = run_intake.prepare(document, spec.config, settings, largest)
    try:
        check_space(spec.space, document, prepared.config)
    except SpaceError as exc:
        path, message = exc.problems[0]
        raise ApiError(422, "invalid_space", str(exc), field=f"body.space.{path}") from None
    return PreparedSweep(prepared.document, spec)
