"""Where a new run comes from: a document sent with the request, a saved graph's
version, or a fork of a run's checkpoint (the forked run's snapshot and configuration,
and the checkpoint whose weights it starts from). Reads the store; the caller checks
and queues (see `intake.py` and `routes/runs.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from fastapi import Request
from sqlalchemy.orm import Session

from layerlab.graph.document import GraphDocument
from layerlab.server.database import in_session
from layerlab.server.deps import get_database, run_cpu
from layerlab.server.errors import ApiError
from layerlab.server.runs import intake
from layerlab.server.runs.schemas import ForkRequest
from layerlab.server.settings import Settings
from layerlab.store import graphs as graph_store
from layerlab.store.run_checkpoints import checkpoint_name
from layerlab.store.runs import ForkOrigin, RunNotFound, checkpoints_of, get_run
from layerlab.train.config import TrainingConfig


@dataclass(frozen=True)
class Fork:
    origin: ForkOrigin
    stored_path: str
    """The checkpoint's files on the server's disk (see CheckpointFiles)."""


@dataclass(frozen=True)
class RunSource:
    """What a new run trains: the document, the configuration the overrides edit
    (None: the document's), where it came from."""

    document: GraphDocument
    config: TrainingConfig | None
    graph_id: str | None
    graph_version: int | None
    fork: Fork | None = None


async def resolve(request: Request, wanted: intake.RunRequest, settings: Settings) -> RunSource:
    if wanted.document is not None:
        return RunSource(wanted.document, None, None, None)
    if wanted.fork is not None:
        return await _fork(request, wanted.fork, settings)
    graph_id = cast(str, wanted.graph_id)

    def load(session: Session) -> dict[str, Any]:
        try:
            if wanted.graph_version is None:
                return graph_store.get_graph(session, graph_id).document
            return graph_store.get_version(session, graph_id, wanted.graph_version).document
        except graph_store.NotFound as exc:
            raise ApiError(404, "not_found", str(exc)) from None

    raw_document = await in_session(get_database(request), load)
    document = await run_cpu(request, lambda: intake.stored_document(raw_document, settings))
    return RunSource(document, None, graph_id, wanted.graph_version)


async def _fork(request: Request, fork: ForkRequest, settings: Settings) -> RunSource:
    # The forked run's row, read into plain values within the session.
    Row = tuple[dict[str, Any], dict[str, Any], str | None, int | None, Fork]

    def load(session: Session) -> Row:
        try:
            run = get_run(session, fork.run)
        except RunNotFound as exc:
            raise ApiError(404, "not_found", str(exc), field="body.fork.run") from None
        kept = checkpoints_of(session, fork.run)
        chosen = next((c for c in kept if fork.checkpoint in (None, checkpoint_name(c.path))), None)
        if chosen is None:
            names = ", ".join(checkpoint_name(c.path) for c in kept) or "none yet"
            raise ApiError(
                404,
                "no_checkpoint",
                f"run {fork.run} has no checkpoint {fork.checkpoint or ''}".rstrip()
                + f" (kept: {names})",
                field="body.fork.checkpoint",
            )
        origin = ForkOrigin(run=run.id, checkpoint=checkpoint_name(chosen.path), step=chosen.step)
        return run.document, run.config, run.graph_id, run.graph_version, Fork(origin, chosen.path)

    raw_document, config, graph_id, graph_version, chosen = await in_session(
        get_database(request), load
    )
    document = await run_cpu(request, lambda: intake.stored_document(raw_document, settings))
    return RunSource(
        document, TrainingConfig.model_validate(config), graph_id, graph_version, chosen
    )
