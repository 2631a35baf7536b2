"""A wheel that runs anywhere: built the way `python -m build` builds it (a source
distribution, then the wheel from that), installed into a fresh virtual environment,
and run from a folder outside the repository, `layerlab serve` serves the browser app,
every preset and a short run, all from the installed package.

No network: the wheel is built with the setuptools already installed here, and the new
environment is given this one's packages (torch, fastapi, ...) through a .pth file
written after the wheel is installed, which adds their folder without running its own
.pth files (so not the editable install's path to backend/ either).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from layerlab.bundled import CHECKOUT, FRONTEND_DIST, PRESETS_DIR
from tests.cli.serving import interrupt, spawn_serve, wait_for_url
from tests.conftest import GRAPHS, ROOT

INDEX = ROOT / "frontend" / "dist" / "index.html"
BUILD_SDIST = "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
RUN_TIMEOUT = 90.0


def test_a_checkout_reads_the_repository_folders() -> None:
    assert CHECKOUT == ROOT
    assert PRESETS_DIR == GRAPHS
    assert FRONTEND_DIST == ROOT / "frontend" / "dist"
    assert not (ROOT / "backend" / "layerlab" / "_bundled").exists()


def test_the_installed_wheel_serves_the_app_the_presets_and_a_run(tmp_path: Path) -> None:
    if not INDEX.is_file():
        pytest.skip(
            "frontend/dist is not built, and the wheel ships it: run `make frontend` "
            "(`make test` does) or `cd frontend && npm ci && npm run build`"
        )
    venv = _install_wheel(_build_wheel(tmp_path / "build"), tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAYERLAB_")}
    env.pop("PYTHONPATH", None)
    env["PYTHONUNBUFFERED"] = "1"

    imported = _run(
        [str(venv / "bin" / "python"), "-c", "import layerlab; print(layerlab.__file__)"],
        cwd=elsewhere,
        env=env,
    )
    assert Path(imported.strip()).is_relative_to(venv), imported

    process, lines = spawn_serve(
        tmp_path / "data", env, workers=1, command=[str(venv / "bin" / "layerlab")], cwd=elsewhere
    )
    seen: list[str] = []
    try:
        url = wait_for_url(lines, process, seen)
        # The serving process found the app in its own package, not in the repository.
        served_from = re.search(r"browser app from (\S+)", "".join(seen))
        assert served_from and Path(served_from.group(1)).is_relative_to(venv), seen
        with httpx.Client(base_url=url, timeout=30) as client:
            page = client.get("/", headers={"Accept": "text/html"})
            assert page.status_code == 200 and page.text == INDEX.read_text()
            presets = client.get("/api/presets").json()
            assert sorted(p["name"] for p in presets) == sorted(
                p.stem for p in GRAPHS.glob("*.json")
            )
            assert client.get("/api/presets/lenet5_mnist").status_code == 200
            lessons = client.get("/api/lessons").json()  # lessons/ ships in the wheel too
            assert len(lessons) == len(list((GRAPHS.parent / "lessons").glob("*.json")))
            document = json.loads((GRAPHS / "mlp_playground.json").read_text())
            created = client.post(
                "/api/runs", json={"document": document, "config": {"max_steps": 3}}
            )
            assert created.status_code == 201, created.text
            run = _wait_for_run(client, created.json()["id"])
            assert run["status"] == "finished", (run, "".join(seen))
    finally:
        code = interrupt(process)
    assert code == 0


def _build_wheel(out: Path) -> Path:
    """sdist, then the wheel from it; the repository gets only its (ignored) egg-info."""
    out.mkdir()
    _run([sys.executable, "-c", BUILD_SDIST, str(out)], cwd=ROOT)
    (sdist,) = out.glob("layerlab-*.tar.gz")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run(
        pip
        + ["wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(sdist)],
        cwd=out,
    )
    (wheel,) = out.glob("layerlab-*.whl")
    return wheel


def _install_wheel(wheel: Path, venv: Path) -> Path:
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = str(venv / "bin" / "python")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "--python", python]
    _run(pip + ["install", "--no-deps", "--no-index", str(wheel)])
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    ours = {sysconfig.get_paths()[kind] for kind in ("purelib", "platlib")}
    (Path(site.strip()) / "_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv


def _run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_for_run(client: httpx.Client, run_id: str) -> dict[str, object]:
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        run: dict[str, object] = client.get(f"/api/runs/{run_id}").json()
        if (
            run["status"] in ("finished", "failed", "stopped", "diverged")
            or time.monotonic() > deadline
        ):
            return run
        time.sleep(0.2)
