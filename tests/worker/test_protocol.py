"""The pieces of the run system that need no server: protocol messages, the worker's
outbox, checkpoint packs, and the viewer's frame encoding."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError
from safetensors.torch import load_file, save_file

from layerlab.graph.document import load_document
from layerlab.server.viewers.protocol import ViewerEvents, events_frame, parse_viewer_message
from layerlab.train.checkpoint import MODEL_FILE, OPTIMIZER_FILE, latest_checkpoint, load_checkpoint
from layerlab.train.config import parse_config
from layerlab.train.entry import load_data
from layerlab.train.events import LogEvent, StatusEvent
from layerlab.train.loop import fit
from layerlab.train.model import build_trainee
from layerlab.train.run import RunOptions
from layerlab.worker.outbox import Outbox
from layerlab.worker.pack import PackError, pack_checkpoint, read_pack_meta, unpack_checkpoint
from layerlab.worker.protocol import (
    EventBatch,
    Hello,
    Lease,
    parse_server_message,
    parse_worker_message,
)
from tests.worker.harness import moons_document, synthetic_events

RUN = "r_0123456789ab"


def test_messages_round_trip_and_are_told_apart_by_type() -> None:
    hello = Hello(token="t", name="w", device="cpu", memory_bytes=2**30)
    assert parse_worker_message(hello.model_dump_json()) == hello
    batch = EventBatch(run=RUN, attempt=1, fencing=3, batch_seq=1, events=synthetic_events(RUN, 3))
    again = parse_worker_message(batch.model_dump_json())
    assert isinstance(again, EventBatch) and again == batch
    document = load_document(moons_document())
    lease = Lease(
        run=RUN,
        attempt=2,
        fencing=7,
        document=document,
        config=parse_config(document.training),
        first_seq=11,
    )
    parsed = parse_server_message(lease.model_dump_json())
    assert isinstance(parsed, Lease) and parsed.config == lease.config
    assert parsed.document == lease.document


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "hello"}',
        '{"type": "nope"}',
        '{"type": "ready", "extra": 1}',
        '{"type": "events", "run": "../etc", "attempt": 1, "fencing": 1, "batch_seq": 1, "events": []}',
        '{"type": "heartbeat", "runs": [{"run": "r_0123456789ab", "attempt": 0, "fencing": 1}]}',
        "[]",
    ],
)
def test_malformed_worker_messages_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_worker_message(text)


def test_outbox_batches_acknowledges_and_keeps_unacked_for_a_resend() -> None:
    box = Outbox(RUN, 1, 1)
    for event in synthetic_events(RUN, 1200):
        box.add(event)
    first, second, third = box.cut(), box.cut(), box.cut()
    assert first and second and third and box.cut() is None
    assert [b.batch_seq for b in (first, second, third)] == [1, 2, 3]
    assert [len(b.events) for b in (first, second, third)] == [500, 500, 200]
    box.ack(2)
    assert [b.batch_seq for b in box.unacked()] == [1, 3]  # resent in order, same numbers
    box.ack(1)
    box.ack(3)
    assert box.empty()


def test_outbox_is_bounded_but_keeps_status_and_notes_the_drop() -> None:
    box = Outbox(RUN, 1, 1, max_events=100)
    kept = sum(box.add(e) for e in synthetic_events(RUN, 250))
    assert kept == 100 and box.dropped == 150
    status = StatusEvent(seq=0, run=RUN, step=250, time=1.0, status="finished")
    assert box.add(status)  # never dropped
    while (batch := box.cut()) is not None:
        box.ack(batch.batch_seq)
    assert box.add(synthetic_events(RUN, 1, 300)[0])
    notes = []
    while (batch := box.cut()) is not None:
        notes += [e for e in batch.events if isinstance(e, LogEvent)]
    assert notes and "150 telemetry events were dropped" in notes[0].message


def _trained_checkpoint(folder: Path) -> Path:
    document = load_document(moons_document(epochs=1))
    config = parse_config({**document.training, "telemetry": {"enabled": False}})
    fit(
        build_trainee(document, config.seed),
        load_data(config, folder),
        config,
        RunOptions(checkpoint_dir=folder / "ckpt"),
    )
    found = latest_checkpoint(folder / "ckpt")
    assert found is not None
    return found


def test_a_pack_carries_a_checkpoint_exactly(tmp_path: Path) -> None:
    original = _trained_checkpoint(tmp_path)
    pack = tmp_path / "pack.safetensors"
    meta = pack_checkpoint(original, pack)
    assert read_pack_meta(pack) == meta
    copy = unpack_checkpoint(pack, tmp_path / "elsewhere", original.name)
    assert latest_checkpoint(tmp_path / "elsewhere") == copy
    for name in (MODEL_FILE, OPTIMIZER_FILE):
        a, b = load_file(str(original / name)), load_file(str(copy / name))
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    document = load_document(moons_document(epochs=1))
    trainee = build_trainee(document, 0)
    optimizer = torch.optim.Adam(trainee.module.parameters())
    assert load_checkpoint(copy, trainee.module, {"model": optimizer}).progress == meta.progress


def test_anything_but_a_pack_is_refused_without_unpickling(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("unpickled!",))

    pickled = tmp_path / "evil.safetensors"
    pickled.write_bytes(pickle.dumps(Boom()))
    plain = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(2)}, str(plain))
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(plain.read_bytes()[:20])
    for path in (pickled, plain, truncated):
        with pytest.raises(PackError):
            read_pack_meta(path)


def test_events_frame_is_the_typed_message_without_re_encoding() -> None:
    events = synthetic_events(RUN, 3) + [
        StatusEvent(seq=4, run=RUN, step=3, time=0.5, status="finished", message="ok")
    ]
    frame = events_frame([e.model_dump_json() for e in events])
    assert json.loads(frame) == json.loads(ViewerEvents(events=events).model_dump_json())
    assert parse_viewer_message(frame) == ViewerEvents(events=events)
