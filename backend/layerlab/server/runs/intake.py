"""What `POST /api/runs` checks before a run is queued: the document (its check
errors, located, as 422), the training configuration and dataset, that each of the
task's optimizers has parameters to train, the estimated memory against the largest
worker's, and the client's run limits (429).

Everything a worker would refuse at setup is refused here, while the person still
looks at the editor, not minutes later in a failed run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from layerlab import format as fmt
from layerlab.graph.check import CheckResult, check
from layerlab.graph.document import GraphDocument, document_json, load_document
from layerlab.graph.errors import Code, GraphError, GraphIssue
from layerlab.graph.wiring import DEFAULT_NETWORK
from layerlab.server.deps import invalid_document, parse_model, validate_document
from layerlab.server.errors import ApiError
from layerlab.server.runs.schemas import CreateRun, ForkRequest
from layerlab.server.settings import Settings
from layerlab.train.config import ConfigError, TrainingConfig, config_of
from layerlab.train.data.base import DataError, LoadContext
from layerlab.train.data.files import confine, upload_path
from layerlab.train.data.registry import OptionsError, get_source, parse_options
from layerlab.train.tasks import TASKS


@dataclass(frozen=True)
class RunRequest:
    """The request's parts, parsed; the document is either here or to be loaded."""

    document: GraphDocument | None
    graph_id: str | None
    graph_version: int | None
    fork: ForkRequest | None
    overrides: dict[str, Any]
    start_weights: str | None = None
    """Imported weights to start from (server/importing.py)."""


@dataclass(frozen=True)
class PreparedRun:
    document: dict[str, Any]
    """The snapshot as stored: canonical JSON (defaults left out)."""
    config: TrainingConfig
    memory_bytes: int


def parse_request(raw: Any, settings: Settings) -> RunRequest:
    if not isinstance(raw, dict):
        raise ApiError(422, "invalid_request", "send a JSON object", field="body")
    # The document is validated on its own (located issues); a null one goes to the
    # model, which refuses it as it refuses every null source.
    rest = parse_model(CreateRun, {k: v for k, v in raw.items() if k != "document" or v is None})
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
    if rest.start_weights is not None and rest.fork is not None:
        raise ApiError(
            422,
            "invalid_request",
            "a fork starts from its checkpoint's weights: send `start_weights` without `fork`",
            field="body.start_weights",
        )
    return RunRequest(
        document, rest.graph_id, rest.graph_version, rest.fork, rest.config, rest.start_weights
    )


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


def check_trainable(report: CheckResult, config: TrainingConfig) -> None:
    """Every optimizer of the task has parameters to train (torch refuses an empty list
    when the worker sets the run up). Counted per network from the check report; no
    model is built."""
    task = TASKS.get(config.task)
    if task is None:  # not a task at all: the configuration was refused before this
        return
    params = {net.name: net.params for net in report.networks}
    outputs = {net.name: net.outputs for net in report.networks}
    issues = []
    for optimizer in task.optimizers:
        trained = task.trained_networks(optimizer, list(params))
        if sum(params.get(name, 0) for name in trained) > 0:
            continue
        # The optimizer's own name where a task has several (a GAN's generator, ...).
        named = {} if optimizer == "model" else {"optimizer": optimizer}
        of = "" if optimizer == "model" else "_of"
        for name in trained:
            if name not in outputs:
                issues.append(
                    GraphIssue(
                        code=Code.NO_PARAMETERS,
                        key=f"network.not_in_document{of}",
                        params={
                            "task": task.name,
                            "network": name,
                            "networks": [repr(n) for n in outputs],
                            **named,
                        },
                        field="network",
                    )
                )
                continue
            output = outputs[name][0] if outputs[name] else None
            single = name == DEFAULT_NETWORK and optimizer == "model"
            issues.append(
                GraphIssue(
                    code=Code.NO_PARAMETERS,
                    key="network.no_parameters" if single else "network.no_parameters_named",
                    params={"output": output or "?"}
                    if single
                    else {"network": name, "optimizer": optimizer, "output": output or "?"},
                    node_id=output,
                    field="network",
                )
            )
    if issues:
        raise invalid_document(issues)


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
            "no dataset is chosen: choose what the network trains on in the Training "
            "panel (the document's training.dataset, or the run's config)",
            field="body.config.dataset",
        )
    check_dataset(config, settings)
    report = check(document, settings.limits, config.batch_size)
    if not report.ok:
        raise invalid_document(report.errors)
    check_trainable(report, config)
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
