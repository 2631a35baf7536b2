"""One build step beyond pyproject.toml: the wheel's package data from outside the
package folder.

`build_py` also copies the preset documents (graphs/*.json, with their gallery entries in
graphs/gallery.toml) and the built browser app
(frontend/dist, from `make frontend`) into the wheel's `layerlab/_bundled/graphs` and
`layerlab/_bundled/frontend`, where `layerlab.bundled` looks first. The repository keeps
the one copy of each; an editable install (`make setup`) reads them in place and skips
this step. A wheel without the browser app is refused unless
LAYERLAB_WHEEL_WITHOUT_FRONTEND=1 (then its / says how to build the app).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

ROOT = Path(__file__).resolve().parent
# layerlab/_bundled/<name>: (the folder it is copied from, the files to copy)
BUNDLED = {
    "graphs": (ROOT / "graphs", ("*.json", "gallery.toml")),
    "lessons": (ROOT / "lessons", ("*.json",)),
    "frontend": (ROOT / "frontend" / "dist", ("**/*",)),
}
WITHOUT_FRONTEND = "LAYERLAB_WHEEL_WITHOUT_FRONTEND"


class BuildPyWithBundled(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        self._check_sources()
        target = Path(self.build_lib) / "layerlab" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)  # nothing left from an earlier build
        for name, (source, patterns) in BUNDLED.items():
            for path in sorted(p for pattern in patterns for p in source.glob(pattern)):
                if path.is_file():
                    destination = target / name / path.relative_to(source)
                    self.mkpath(str(destination.parent))
                    self.copy_file(str(path), str(destination))

    @staticmethod
    def _check_sources() -> None:
        if not any(ROOT.joinpath("graphs").glob("*.json")):
            raise FileError(f"no preset documents in {ROOT / 'graphs'}")
        if not (ROOT / "frontend" / "dist" / "index.html").is_file():
            if os.environ.get(WITHOUT_FRONTEND) == "1":
                return
            raise FileError(
                "frontend/dist is not built: run `make frontend` (or `cd frontend && npm ci "
                f"&& npm run build`) before building the wheel, or set {WITHOUT_FRONTEND}=1 "
                "for a wheel that serves the API alone"
            )


setup(cmdclass={"build_py": BuildPyWithBundled})
