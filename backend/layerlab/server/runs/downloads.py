"""What a run page downloads: the weights of a kept checkpoint, the events as JSON lines,
the scalars as CSV, and the reproducibility bundle (train/bundle.py). Called off the
event loop by routes/run_downloads.py."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from layerlab.graph.document import GraphDocument
from layerlab.server.datasets.uploads import PARSE_LIMITS
from layerlab.server.errors import ApiError
from layerlab.server.runs.checkpoint_files import CheckpointFiles
from layerlab.server.settings import Settings
from layerlab.store.event_codec import to_event
from layerlab.store.events import MAX_PAGE, read_events
from layerlab.store.run_checkpoints import checkpoint_name
from layerlab.store.runs import checkpoints_of, get_run
from layerlab.train.bundle import build_bundle
from layerlab.train.config import TrainingConfig
from layerlab.train.data import DataError, LoadContext
from layerlab.train.data.base import LoadedDataset
from layerlab.train.data.isolated import load_isolated
from layerlab.train.entry import dataset_request

log = logging.getLogger(__name__)

FIRST_COLUMNS = ("step", "epoch", "time")


def checkpoint_weights(session: Session, settings: Settings, run_id: str, name: str | None) -> Path:
    """The weights file of the run's checkpoint `name` (None: the newest kept one)."""
    get_run(session, run_id)
    kept = checkpoints_of(session, run_id)
    row = next((c for c in kept if name is None or checkpoint_name(c.path) == name), None)
    if row is None:
        wanted = f"no checkpoint {name!r}" if name else "no checkpoint yet"
        raise ApiError(404, "no_checkpoint", f"run {run_id} has {wanted}")
    path = CheckpointFiles(settings.checkpoints).weights(row.path)
    if not path.is_file():  # deleted from the disk by hand
        raise ApiError(404, "no_checkpoint", f"run {run_id}: its checkpoint file is missing")
    return path


def event_lines(session: Session, run_id: str) -> Iterator[bytes]:
    """Every stored event, one JSON object per line, in seq order."""
    get_run(session, run_id)
    since = 0
    while True:
        page = read_events(session, run_id, since, None, MAX_PAGE)
        for row in page.events:
            yield to_event(row).model_dump_json().encode() + b"\n"
        since = page.next_since
        if not page.more:
            return


def scalars_csv(session: Session, run_id: str) -> str:
    """One row per metrics event: step, epoch, time, then every value (empty where the
    event has none; a non-finite value as NaN)."""
    get_run(session, run_id)
    rows: list[dict[str, object]] = []
    keys: list[str] = []
    since = 0
    while True:
        page = read_events(session, run_id, since, ["metrics"], MAX_PAGE)
        for row in page.events:
            event = to_event(row)
            values = getattr(event, "values", {})
            nonfinite = set(getattr(event, "nonfinite", []))
            keys.extend(k for k in values if k not in keys)
            rows.append(
                {
                    "step": event.step,
                    "epoch": event.epoch,
                    "time": event.time,
                    **{
                        k: ("NaN" if v is None and k in nonfinite else v) for k, v in values.items()
                    },
                }
            )
        since = page.next_since
        if not page.more:
            break
    ordered = sorted(keys, key=lambda k: (k != "train/loss", not k.startswith("train/"), k))
    out = io.StringIO()
    writer = csv.DictWriter(out, [*FIRST_COLUMNS, *ordered], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class BundleInputs:
    run_id: str
    document: GraphDocument
    config: TrainingConfig
    weights: bytes | None


def bundle_inputs(
    session: Session, settings: Settings, run_id: str, checkpoint: str | None
) -> BundleInputs:
    """What the bundle takes from the store (quick); `run_bundle` does the rest."""
    run = get_run(session, run_id)
    try:
        weights: bytes | None = checkpoint_weights(
            session, settings, run_id, checkpoint
        ).read_bytes()
    except ApiError:
        if checkpoint is not None:
            raise
        weights = None  # a run without a checkpoint yet still has its model and data
    return BundleInputs(
        run_id,
        GraphDocument.model_validate(run.document),
        TrainingConfig.model_validate(run.config),
        weights,
    )


def run_bundle(inputs: BundleInputs, settings: Settings) -> bytes:
    """The bundle as a zip (loads the data: CPU-bound, seconds for a large set)."""
    data = training_data(inputs.config, settings)
    bundle = build_bundle(inputs.run_id, inputs.document, inputs.config, data, inputs.weights)
    return bundle.zip()


def training_data(config: TrainingConfig, settings: Settings) -> LoadedDataset | None:
    """The run's data as its worker loads it (a stand-in where the files are absent), in
    a bounded child process as uploads are; None when it cannot be loaded here."""
    try:
        name, options = dataset_request(config)
        data = load_isolated(
            name,
            options,
            LoadContext(settings.data_dir),
            allow_substitute=True,
            limits=PARSE_LIMITS,
        )
    except (DataError, RuntimeError) as exc:
        log.info("bundle without data: %s", exc)
        return None
    return data if isinstance(data, LoadedDataset) else None
