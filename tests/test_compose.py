"""docker-compose.yml's `ray` profile (issue 14): a head, GPU nodes, and a LayerLab
worker in Ray mode whose command line the real CLI accepts. (No Docker here: the file
is read, its YAML merge keys resolved, and the worker's flags parsed.)"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from layerlab.cli import parser

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")


def test_the_ray_profile_runs_a_cluster_and_a_worker_in_ray_mode(repo_root: Path) -> None:
    compose = yaml.safe_load((repo_root / "docker-compose.yml").read_text())
    services = compose["services"]
    ray_services = {name for name, s in services.items() if "ray" in s.get("profiles", [])}
    assert ray_services == {"ray-head", "ray-node", "ray-worker"}
    assert "--head" in services["ray-head"]["command"]
    assert "--address=ray-head:6379" in services["ray-node"]["command"]
    gpu = services["ray-node"]["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpu["capabilities"] == ["gpu"]
    for name in ray_services:  # one image with Ray, built with the extra
        assert services[name]["build"]["args"]["EXTRAS"] == "onnx,ray"
        assert "RAY_AUTH_TOKEN" in services[name]["environment"]
    # The worker's own command line is one the CLI takes.
    script = services["ray-worker"]["command"][-1]
    worker_line = script.split("exec ", 1)[1]
    args = parser().parse_args(shlex.split(worker_line)[1:])
    assert (args.ray, args.server) == ("auto", "http://api:8000")
    # The default profile is unchanged: no Ray in the plain worker.
    assert "--ray" not in services["worker"]["command"]
