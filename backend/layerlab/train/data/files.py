"""Where a dataset's files live: the `path` option, or `<data_dir>/<dataset name>/`."""

from __future__ import annotations

from pathlib import Path

from layerlab.train.data.base import LoadContext


def resolve_path(path: str, ctx: LoadContext) -> Path:
    """A user-given path; a relative one is taken inside the data directory.

    Relative paths resolve against `ctx.data_dir`, not the process's working directory,
    so a document names the same file whichever process (CLI, worker) loads it.
    """
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else ctx.data_dir / candidate


def dataset_folder(path: str | None, ctx: LoadContext, default_name: str) -> Path:
    """The folder holding a file-based set: the `path` option or `<data_dir>/<default_name>`."""
    return resolve_path(path, ctx) if path else ctx.data_dir / default_name


def find_file(folder: Path, name: str) -> Path | None:
    """`name` in `folder`, or the same name without its `.gz` (an unpacked copy)."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None
