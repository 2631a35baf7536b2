"""What `POST /api/runs` checks before a run is queued: the document (its check
errors, located, as 422), the training configuration and dataset, the estimated
memory against the largest worker's, and the client's run limits (429).

Everything a worker would refuse at setup is refused here, while the person still
looks at the editor, not minutes later in a failed run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from layerlab import format as fmt
from layerlab.graph.check import check
from layerlab.graph.document import GraphDocument, document_json, load_document
from layerlab.graph.errors import GraphError
from layerlab.server.deps import invalid_document, parse_model, validate_document
from layerlab.server.errors import ApiError
from layerlab.server.run_schemas import CreateRun, ForkRequest
from layerlab.server.settings import Settings
from layerlab.train.config import ConfigError, TrainingConfig, config_of
from layerlab.train.data.base import DataError, LoadContext
from layerlab.train.data.files import confine, upload_path
from layerlab.train.data.registry import OptionsError, get_source, parse_options


@dataclass(frozen=True)
class RunRequest:
    """The request's parts, parsed; the document is either here or to be loaded."""

    document: GraphDocument | None
    graph_id: str | None
    graph_version: int | None
    fork: ForkRequest | None
    overrides: dict[str, Any]


@dataclass(frozen=True)
class PreparedRun:
    document: dict[str, Any]
    """The snapshot as stored: canonical JSON (defaults left out)."""
    config: TrainingConfig
    memory_bytes: int


def parse_request(raw: Any, settings: Settings) -> RunRequest:
    if not isinstance(raw, dict):
        raise ApiError(422, "invalid_request", "send a JSON object", field="body")
    rest = parse_model(CreateRun, {k: v for k, v in raw.items() if k != "document"})
    document = None
    if raw.get("document") is not None:
        document = validate_document(raw["document"], settings)
    sources = [document is not None, rest.graph_id is not None, rest.fork is not None]
    if sum(sources) != 1:
        raise ApiError(
            422,
            "invalid_request",
            "send one of `document`, `graph_id` (with an optional `graph_version`) or `fork`",
            field="body",
        )
    if rest.graph_version is not None and rest.graph_id is None:
        raise ApiError(
            422, "invalid_request", "`graph_version` needs `graph_id`", field="body.graph_version"
        )
    return RunRequest(document, rest.graph_id, rest.graph_version, rest.fork, rest.config)


def stored_document(raw: dict[str, Any], settings: Settings) -> GraphDocument:
    """A saved graph's document (stored canonical, possibly of an older format)."""
    try:
        return load_document(raw, settings.limits)
    except GraphError as exc:
        raise invalid_document(exc.issues) from None


def check_dataset(config: TrainingConfig, settings: Settings) -> None:
    """The dataset and its options, as the worker will check them again: a known set,
    options that fit it, and a `path` that stays inside the data dir (links followed)."""
    assert config.dataset is not None
    field = "body.config.dataset"
    try:
        options = parse_options(get_source(config.dataset), config.dataset_options)
        path = getattr(options, "path", None)
        if isinstance(path, str):
            field = "body.config.dataset_options.path"
            confine(path, LoadContext(settings.data_dir))
        upload = getattr(options, "upload", None)
        if isinstance(upload, str) and not upload_path(settings.data_dir, upload).is_file():
            field = "body.config.dataset_options.upload"
            raise DataError(f"no uploaded file {upload[:12]}… on this server: upload it first")
    except OptionsError as exc:
        named = exc.fields[0] if exc.fields[0] != "options" else ""
        where = f"body.config.dataset_options.{named}".rstrip(".")
        raise ApiError(422, "invalid_dataset", str(exc), field=where) from None
    except DataError as exc:
        raise ApiError(422, "invalid_dataset", str(exc), field=field) from None


def prepare(
    document: GraphDocument,
    overrides: dict[str, Any],
    settings: Settings,
    largest_worker_memory: int | None,
    base: TrainingConfig | None = None,
) -> PreparedRun:
    """Validate everything a worker needs (CPU-bound: call it off the event loop).
    The overrides apply to `base` (a forked run's configuration), else to the
    document's training section."""
    try:
        config = (base or config_of(document)).with_overrides(**overrides)
    except ConfigError as exc:
        raise ApiError(422, "invalid_config", str(exc), field="body.config") from None
    if config.dataset is None:
        raise ApiError(
            422,
            "invalid_config",
            "training.dataset: no dataset is named; set one in the document or in config",
            field="body.config.dataset",
        )
    check_dataset(config, settings)
    report = check(document, settings.limits, config.batch_size)
    if not report.ok:
        raise invalid_document(report.errors)
    memory = report.totals.memory_bytes
    if largest_worker_memory is not None and memory > largest_worker_memory:
        raise ApiError(
            422,
            "too_large_for_workers",
            f"training needs about {fmt.size(memory)} at batch size {config.batch_size}; "
            f"the largest connected worker has {fmt.size(largest_worker_memory)}",
            field="body",
        )
    return PreparedRun(json.loads(document_json(document)), config, memory)
