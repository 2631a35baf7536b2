"""The server's settings: one object, read by pydantic-settings from LAYERLAB_*
environment variables, then command-line flags (`Settings.from_env`).

Every field has its variable: LAYERLAB_<FIELD> (LAYERLAB_PORT, LAYERLAB_MAX_BODY_BYTES),
and the nested ones LAYERLAB_RUNS_<FIELD> and LAYERLAB_LIMITS_<FIELD>
(LAYERLAB_RUNS_LEASE_S, LAYERLAB_LIMITS_MAX_NODES). Lists are comma-separated; empty
variables are ignored; LAYERLAB_WORKERS is the older name of LAYERLAB_LOCAL_WORKERS.
`Settings(...)` built in code holds exactly what it is given, never the environment.

Auth is on when the server listens beyond loopback or when a token is given; with
auth on and no token, one is generated at start (and logged). Every REST route then
wants `Authorization: Bearer TOKEN`.

Behind a reverse proxy, `forwarded_allow_ips` names the proxies whose X-Forwarded-For
and X-Forwarded-Proto are believed; by default nobody's are.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from layerlab.bundled import FRONTEND_DIST, LESSONS_DIR, PRESETS_DIR
from layerlab.graph.limits import Limits
from layerlab.server.middleware.host_header import normal_name
from layerlab.server.runs.settings import RunSettings
from layerlab.store.db import normalize_url, sqlite_url

log = logging.getLogger(__name__)

ENV_PREFIX = "LAYERLAB_"
ENV_ALIASES = {"LAYERLAB_WORKERS": "LAYERLAB_LOCAL_WORKERS"}
"""Older variable names, read when the field's own variable is not set."""
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

CommaList = Annotated[list[str], NoDecode]
"""A list read from one comma-separated variable (`a, b`), not from JSON."""


def is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix=ENV_PREFIX,
        # LAYERLAB_RUNS_LEASE_S is runs.lease_s: split once, after the field's name.
        env_nested_delimiter="_",
        env_nested_max_split=1,
        env_ignore_empty=True,
    )

    host: str = Field(default="127.0.0.1", description="Address to listen on")
    port: int = Field(default=8000, ge=0, le=65535, description="Port; 0 picks a free one")
    data_dir: Path = Field(default=Path("data"), description="Database file, checkpoints, datasets")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in data_dir. "
        "PostgreSQL: postgresql+psycopg://user:password@host/db",
    )
    checkpoint_dir: Path | None = Field(
        default=None, description="Where runs keep checkpoints; default data_dir/checkpoints"
    )
    token: SecretStr | None = Field(
        default=None, description="Bearer token for every REST route (LAYERLAB_TOKEN)"
    )
    worker_token: SecretStr | None = Field(
        default=None,
        description="Token workers present (LAYERLAB_WORKER_TOKEN); generated when not given",
    )
    runs: RunSettings = Field(
        default_factory=RunSettings,
        description="Leases, heartbeats, retries, viewer streams (LAYERLAB_RUNS_<FIELD>)",
    )
    allowed_hosts: CommaList = Field(
        default_factory=list,
        description="Host names accepted besides the bound host and localhost; '*' accepts any",
    )
    allowed_origins: CommaList = Field(
        default_factory=list,
        description="Browser origins allowed besides the server's own (e.g. a dev server)",
    )
    max_body_bytes: int = Field(default=8 * 2**20, ge=1024, description="Request body limit")
    max_upload_bytes: int | None = Field(
        default=None,
        ge=1,
        description="Largest dataset upload; default: each kind's own limit (CSV 64 MB, ...)",
    )
    max_active_runs_per_client: int = Field(
        default=2, ge=1, description="Runs one client may have training at once"
    )
    max_queued_runs_per_client: int = Field(
        default=20,
        ge=1,
        description="Runs one client may have waiting; a client is the token holder when "
        "auth is on (one shared token: one client), else the peer address",
    )
    forwarded_allow_ips: CommaList = Field(
        default_factory=list,
        description="Proxies (addresses or networks, e.g. 127.0.0.1 or 10.0.0.0/8; '*' for "
        "any peer) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by default",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="A request's line and headers must arrive within this many seconds of "
        "the connection opening (or of their first byte on a kept-alive connection)",
    )
    body_timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="The longest wait for the next bytes of a request body",
    )
    body_min_bytes_per_s: float = Field(
        default=500.0,
        gt=0,
        description="A body must also keep this average rate: the time spent waiting for it "
        "may not pass body_timeout_s plus one second per this many bytes received",
    )
    limits: Limits = Field(
        default_factory=Limits,
        description="What a graph document may ask for (LAYERLAB_LIMITS_<FIELD>)",
    )
    max_onnx_bytes: int = Field(
        default=256 * 2**20, ge=1024, description="Largest ONNX file taken for import"
    )
    max_export_params: int = Field(
        default=100_000_000,
        ge=1,
        description="Largest model the server initialises for a weights or ONNX export",
    )
    cpu_slots: int = Field(
        default=2, ge=1, description="Checks and exports computed at once (CPU-bound, off the loop)"
    )
    local_workers: int = Field(
        default=1,
        ge=0,
        description="Worker processes `layerlab serve` starts beside the server "
        "(LAYERLAB_LOCAL_WORKERS, or LAYERLAB_WORKERS)",
    )
    frontend_dist: Path = Field(
        default=FRONTEND_DIST,
        description="Built frontend, served at / when present; by default the one the "
        "installed wheel ships, or frontend/dist in a source checkout",
    )
    presets_dir: Path = Field(default=PRESETS_DIR, description="Folder of preset documents")
    lessons_dir: Path = Field(default=LESSONS_DIR, description="Folder of lessons")

    @field_validator("allowed_hosts", "allowed_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if name != "*":
                normal_name(name)  # raises ValueError for what is no host name
        return names

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            if entry != "*":
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is not an IP address or network") from None
        return entries

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Built in code (tests, create_app's callers): only what is passed. The
        # environment is read by `from_env` alone.
        return (init_settings,)

    @property
    def auth_required(self) -> bool:
        return self.token is not None or not is_loopback(self.host)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return normalize_url(self.database_url)
        return sqlite_url(self.data_dir / "layerlab.db")

    @property
    def checkpoints(self) -> Path:
        return self.checkpoint_dir or self.data_dir / "checkpoints"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from LAYERLAB_* variables (`env`, by default the process's), then
        `overrides` (flags) where not None."""
        values = Environment(cls, os.environ if env is None else env)()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class Environment(EnvSettingsSource):
    """The settings' variables in `environ` (case-insensitive, as pydantic-settings
    reads them), with the older names of `ENV_ALIASES` where the new ones are unset."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        self.environ = dict(environ)
        for old, new in ENV_ALIASES.items():
            if self.environ.get(old) and not self.environ.get(new):
                self.environ[new] = self.environ[old]
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self.environ.items() if value}


def with_token(settings: Settings) -> Settings:
    """The settings with a token when auth is on and none was given: a fresh random
    one, logged once so that the person starting the server can use it."""
    if not settings.auth_required or settings.token is not None:
        return settings
    token = secrets.token_urlsafe(24)
    log.warning(
        "auth is on (listening on %s) and LAYERLAB_TOKEN is not set; this session's token: %s",
        settings.host,
        token,
    )
    return settings.model_copy(update={"token": SecretStr(token)})
