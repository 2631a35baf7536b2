"""The event envelope: flat as DESIGN.md shows it, typed per type, JSON-safe."""

from __future__ import annotations

import json
import math
from typing import get_args

import pytest

from layerlab.train.events import (
    ACTIVE_STATUSES,
    END_STATUSES,
    ESSENTIAL_TYPES,
    EVENT_ADAPTER,
    EVENT_CLASSES,
    EVENT_TYPES,
    FAILURE_STATUSES,
    OPEN_STATUSES,
    ActivationStats,
    Histogram,
    MetricsEvent,
    PointsView,
    RunStatus,
    SamplesEvent,
    StatusEvent,
    clean_values,
    event_json,
    parse_event,
)
from layerlab.train.stream import EventStream


def refuse_constants(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(constant)

    return json.loads(text, parse_constant=refuse)


def test_the_envelope_is_flat_as_documented() -> None:
    event = MetricsEvent(
        seq=17, run="r_8f2c", step=120, epoch=1, time=3.21, values={"train/loss": 0.412}
    )
    body = refuse_constants(event_json(event))
    assert body == {
        "seq": 17,
        "run": "r_8f2c",
        "step": 120,
        "epoch": 1,
        "time": 3.21,
        "type": "metrics",
        "values": {"train/loss": 0.412},
        "nonfinite": [],
    }
    assert parse_event(event_json(event)) == event


def test_event_types_are_read_off_the_union() -> None:
    assert tuple(cls.model_fields["type"].default for cls in EVENT_CLASSES) == EVENT_TYPES
    assert len(set(EVENT_TYPES)) == len(EVENT_TYPES) == 9
    for cls in EVENT_CLASSES:  # each class's one `type` is what the adapter dispatches on
        assert get_args(cls.model_fields["type"].annotation) == (cls.model_fields["type"].default,)
    # Kept by a full outbox: status, health, checkpoints and logs; telemetry is not.
    assert {"status", "health", "checkpoint", "log"} == ESSENTIAL_TYPES


def test_status_subsets_split_the_statuses() -> None:
    statuses = set(get_args(RunStatus))
    assert set(OPEN_STATUSES) | set(END_STATUSES) == statuses
    assert not set(OPEN_STATUSES) & set(END_STATUSES)
    assert set(ACTIVE_STATUSES) < set(OPEN_STATUSES) and "queued" not in ACTIVE_STATUSES
    assert set(FAILURE_STATUSES) < set(END_STATUSES)
    assert get_args(RunStatus)[0] == "queued"


def test_non_finite_numbers_become_null_and_are_flagged() -> None:
    values, flagged = clean_values(
        {"train/loss": math.nan, "lr": 0.1, "grad": math.inf, "low": -math.inf}
    )
    assert values == {"train/loss": None, "lr": 0.1, "grad": None, "low": None}
    assert flagged == ["train/loss", "grad", "low"]
    event = MetricsEvent(seq=1, run="r", step=0, time=0.0, values=values, nonfinite=flagged)
    refuse_constants(event_json(event))
    # Even a payload built carelessly with NaN inside serialises without literals.
    stats = ActivationStats(
        mean=math.nan, std=math.inf, histogram=Histogram(low=math.nan, high=1.0, counts=[0] * 32)
    )
    points = PointsView(real=[(math.nan, 1.0)], generated=[(0.0, math.inf)])
    samples = SamplesEvent(seq=2, run="r", step=0, time=0.0, views=[points])
    for model in (stats, samples):
        refuse_constants(model.model_dump_json())
    assert stats.mean is None and points.real[0][0] is None


def test_unknown_types_and_fields_are_refused() -> None:
    with pytest.raises(ValueError):
        EVENT_ADAPTER.validate_json('{"seq":1,"run":"r","step":0,"time":0,"type":"gossip"}')
    with pytest.raises(ValueError):
        EVENT_ADAPTER.validate_json(
            '{"seq":1,"run":"r","step":0,"time":0,"type":"status","status":"bored"}'
        )


def test_the_stream_numbers_without_gaps_and_continues_after_a_resume() -> None:
    seen: list[object] = []
    stream = EventStream("r", seen.append, next_seq=41, elapsed=100.0)
    first = stream.emit(StatusEvent, 0, 0, status="running")
    second = stream.emit(StatusEvent, 3, 0, status="paused")
    assert (first.seq, second.seq) == (41, 42) and seen == [first, second]
    assert first.time >= 100.0 and second.time >= first.time


def test_the_rate_cap_is_a_token_bucket() -> None:
    stream = EventStream("r", None, max_events_per_s=5)
    allowed = sum(stream.allow() for _ in range(100))
    assert 5 <= allowed <= 6  # the burst, plus what refilled during the loop
    assert stream.dropped == 100 - allowed
