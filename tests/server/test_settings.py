"""The server's settings from the environment: every field has a LAYERLAB_ variable
(the nested ones LAYERLAB_RUNS_<FIELD> and LAYERLAB_LIMITS_<FIELD>), the older names
still work, and settings built in code never read the environment."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from layerlab.graph.limits import Limits
from layerlab.server.runs.settings import RunSettings
from layerlab.server.settings import Settings


def test_every_field_is_described() -> None:
    models: list[type[BaseModel]] = [Settings, RunSettings, Limits]
    missing = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert not missing


def test_every_field_can_be_set_from_its_variable() -> None:
    settings = Settings.from_env(
        {
            "LAYERLAB_PORT": "9000",
            "LAYERLAB_CPU_SLOTS": "5",
            "LAYERLAB_MAX_EXPORT_PARAMS": "1000",
            "LAYERLAB_LOCAL_WORKERS": "0",
            "LAYERLAB_LIMITS_MAX_NODES": "7",
            "LAYERLAB_RUNS_MAX_ATTEMPTS": "9",
            "LAYERLAB_ALLOWED_ORIGINS": "http://a.example, http://b.example",
        }
    )
    assert (settings.port, settings.cpu_slots, settings.max_export_params) == (9000, 5, 1000)
    assert settings.local_workers == 0
    assert settings.limits.max_nodes == 7
    assert settings.limits.max_params == Limits().max_params  # the rest keep their defaults
    assert settings.runs.max_attempts == 9
    assert settings.allowed_origins == ["http://a.example", "http://b.example"]


def test_older_names_empty_values_and_flags() -> None:
    assert Settings.from_env({"LAYERLAB_WORKERS": "3"}).local_workers == 3
    both = {"LAYERLAB_WORKERS": "3", "LAYERLAB_LOCAL_WORKERS": "2"}
    assert Settings.from_env(both).local_workers == 2
    assert Settings.from_env(both, local_workers=0).local_workers == 0  # a flag wins
    assert Settings.from_env(both, local_workers=None).local_workers == 2  # unless not given
    assert Settings.from_env({"LAYERLAB_TOKEN": ""}).token is None


def test_settings_built_in_code_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYERLAB_PORT", "1234")
    monkeypatch.setenv("LAYERLAB_RUNS_LEASE_S", "99")
    assert Settings().port == 8000 and Settings().runs.lease_s == 15.0
    from_env = Settings.from_env()
    assert from_env.port == 1234 and from_env.runs.lease_s == 99.0


def test_a_misspelt_run_variable_is_refused() -> None:
    with pytest.raises(ValueError, match="runs.lease"):
        Settings.from_env({"LAYERLAB_RUNS_LEASE": "4"})
