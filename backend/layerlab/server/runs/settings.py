"""Timers and bounds of the run system: leases, heartbeats, retries, viewer streams.

Kept apart from `Settings` so that tests can shorten every timer in one place
(heartbeat 0.2 s, lease 1 s) without touching anything else.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RunSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    heartbeat_s: float = Field(
        default=2.0, gt=0, le=300, description="Seconds between a worker's heartbeats"
    )
    lease_s: float = Field(
        default=15.0,
        gt=0,
        le=3600,
        description="A lease not renewed for this long expires, and the run is requeued",
    )
    max_attempts: int = Field(
        default=3, ge=1, le=100, description="Lost workers a run survives before it fails"
    )
    max_checkpoint_bytes: int = Field(
        default=8 * 2**30, ge=1024, description="Largest checkpoint a worker may upload"
    )
    frame_interval_s: float = Field(
        default=0.025,
        ge=0,
        le=1,
        description="At most one websocket message per viewer per this interval",
    )
    viewer_queue_events: int = Field(
        default=2_000,
        ge=10,
        description="Events a viewer may have waiting; past it the viewer is resynced",
    )
    viewer_queue_bytes: int = Field(
        default=8 * 2**20,
        ge=1024,
        description="Bytes of events a viewer may have waiting; past it the viewer is resynced",
    )
    send_timeout_s: float = Field(
        default=30.0, gt=0, description="A viewer that takes no frame for this long is dropped"
    )
    auth_timeout_s: float = Field(
        default=10.0, gt=0, description="Time a websocket client has to send its first message"
    )

    @model_validator(mode="after")
    def _heartbeats_fit_in_a_lease(self) -> RunSettings:
        # A lease must survive a couple of late heartbeats, or a busy worker loses it.
        if self.lease_s < 2 * self.heartbeat_s:
            raise ValueError("lease_s must be at least twice heartbeat_s")
        return self
