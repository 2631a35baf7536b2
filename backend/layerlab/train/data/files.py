"""Every file a dataset reads is confined to the data directory, opened as a regular
file, and read no further than its limit.

A path comes from a request, so it is checked twice. `DataPath`, the type of every
file-naming option, refuses lexically what can never be inside the data dir (absolute
paths, `~`, `..` that climbs out, NUL, over-long names): that runs wherever options are
parsed, at the server's intake as in the worker. `confine` then resolves the path
against the data dir with every symbolic link followed and refuses a result outside it;
`open_regular` opens it without following a last link, checks that the opened file is a
regular file still inside the data dir (not a device, FIFO, socket or directory, not a
link swapped in since the check), and `read_bounded` reads at most the limit plus one
byte, so a file whose size lies (/dev/zero says 0, /proc files say 0) cannot grow the
process past it.

Messages name the option and say why; they never quote a file's bytes.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import IO, Annotated, BinaryIO

from pydantic import AfterValidator, Field, model_validator

from layerlab.train.data.base import DataError, DatasetOptions, LoadContext

MAX_PATH_CHARS = 1024
UPLOADS_FOLDER = "uploads"
"""Uploaded files live in `<data dir>/uploads/<sha256>/data`, named by their content."""
UPLOAD_FILE = "data"
CACHE_FOLDER = "cache"
"""What loaders derive from a set and keep for the next run (a corpus's token ids) live
in `<data dir>/cache/<kind>/`, named by the content they came from."""
SHA256 = re.compile(r"^[0-9a-f]{64}$")
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePathError(DataError):
    """A path that would leave the data dir, or names something that is not a file."""


def check_data_path(path: str) -> str:
    """Refuse, without touching the disk, a path that cannot lie inside the data dir."""
    problem = None
    if not path:
        problem = "is empty"
    elif len(path) > MAX_PATH_CHARS:
        problem = f"is over {MAX_PATH_CHARS} characters"
    elif "\x00" in path:
        problem = "contains a NUL character"
    elif path.startswith("~"):
        problem = "starts with '~'; name a file inside the data dir, relative to it"
    elif path.startswith(("/", "\\")) or WINDOWS_DRIVE.match(path):
        problem = "is absolute; name a file inside the data dir, relative to it"
    elif _climbs_out(path):
        problem = "uses '..' to leave the data dir"
    if problem:
        raise ValueError(f"the path {problem}")
    return path


def _climbs_out(path: str) -> bool:
    depth = 0
    for part in re.split(r"[/\\]", path):
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return True
    return False


DataPath = Annotated[str, AfterValidator(check_data_path)]
"""The type of every option that names a file or folder: relative, inside the data dir."""


def check_upload_ref(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise ValueError("an upload is named by its sha256: 64 lowercase hex digits")
    return sha256


UploadRef = Annotated[str, AfterValidator(check_upload_ref)]
"""The type of an `upload` option: the sha256 of a file uploaded to the server."""


def upload_path(data_dir: Path, sha256: str) -> Path:
    """Where an upload lives in a data dir (the server's, or a worker's cached copy)."""
    return data_dir / UPLOADS_FOLDER / check_upload_ref(sha256) / UPLOAD_FILE


def confine(path: str, ctx: LoadContext, option: str = "path") -> Path:
    """`path` (relative to the data dir) resolved, links followed, and still inside it."""
    try:
        check_data_path(path)
    except ValueError as exc:
        raise UnsafePathError(f"option {option!r}: {exc}") from None
    root = ctx.data_dir.resolve()
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root):
        raise UnsafePathError(
            f"option {option!r}: {path[:200]!r} leads outside the data dir (through a link)"
        )
    return resolved


def data_file(path: str | None, upload: str | None, ctx: LoadContext) -> tuple[Path, str]:
    """The file an options object names (an upload by hash, or a path in the data dir),
    and what messages call it: the path as given, or "the upload"."""
    if upload is not None:
        return upload_path(ctx.data_dir, upload), "the uploaded file"
    if path is None:
        raise DataError("option 'path' or option 'upload' is required")
    return confine(path, ctx), display_name(path)


def dataset_folder(path: str | None, ctx: LoadContext, default_name: str) -> Path:
    """The folder holding a file-based set: the `path` option or `<data_dir>/<default_name>`."""
    return confine(path, ctx) if path else ctx.data_dir / default_name


def cache_folder(ctx: LoadContext, kind: str) -> Path:
    """`<data dir>/cache/<kind>/`, created; a private folder in the system's temporary
    directory when the data dir cannot be written (a read-only share of datasets)."""
    folder = ctx.data_dir / CACHE_FOLDER / kind
    try:
        if _writable(ctx.data_dir):
            folder.mkdir(parents=True, exist_ok=True)
            if _writable(folder):
                return folder
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"layerlab-cache-{os.getuid()}" / kind
    fallback.mkdir(parents=True, exist_ok=True, mode=0o700)
    return fallback


def _writable(folder: Path) -> bool:
    """Writable, and meant to be: a folder whose mode grants no one writing is read-only
    even to root (who may write anywhere)."""
    return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & 0o222)


def find_file(folder: Path, name: str) -> Path | None:
    """`name` in `folder`, or the same name without its `.gz` (an unpacked copy)."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def open_regular(path: Path, ctx: LoadContext, label: str | None = None) -> BinaryIO:
    """Open `path` for reading if it is a regular file inside the data dir.

    The path is resolved (links followed) and must lie inside the data dir; the open
    refuses a last component that became a link since (O_NOFOLLOW), and O_NONBLOCK keeps
    a FIFO from blocking it. Where /proc exists, the opened file's real path is checked
    once more, so a folder swapped for a link in between is caught too.
    """
    name = label or path.name
    root = ctx.data_dir.resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise UnsafePathError(f"{name}: leads outside the data dir")
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(resolved, flags)
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except OSError as exc:
        raise DataError(f"{name}: cannot be opened ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafePathError(f"{name}: {_kind_of(mode)}, not a regular file")
        proc_link = Path(f"/proc/self/fd/{fd}")
        if proc_link.exists() and not Path(os.readlink(proc_link)).is_relative_to(root):
            raise UnsafePathError(f"{name}: leads outside the data dir")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_confined(path: str, root: str, limit: int, label: str) -> bytes:
    """`open_regular` plus `read_stream_bounded` for the many files of one set, with
    string paths and `root` (the data dir) already resolved: the opened file's real path
    (from /proc) must lie inside `root`, which also catches a folder swapped for a link.
    Where /proc is absent, the full checks of `open_regular` run instead."""
    if not os.path.isdir("/proc/self/fd"):
        return read_bounded(Path(path), limit, LoadContext(Path(root)), label)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise DataError(f"{label}: file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the file is a link: where does it lead?
            return read_bounded(Path(path), limit, LoadContext(Path(root)), label)
        raise DataError(f"{label}: cannot be opened ({exc.strerror})") from None
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            raise UnsafePathError(f"{label}: leads outside the data dir")
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafePathError(f"{label}: {_kind_of(mode)}, not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as stream:
            fd = -1  # the stream owns it now
            return read_stream_bounded(stream, limit, label)
    finally:
        if fd >= 0:
            os.close(fd)


def _kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def read_bounded(path: Path, limit: int, ctx: LoadContext, label: str | None = None) -> bytes:
    """The whole file, if it is a regular file inside the data dir of at most `limit` bytes."""
    with open_regular(path, ctx, label) as stream:
        return read_stream_bounded(stream, limit, label or path.name)


def read_stream_bounded(stream: IO[bytes] | io.BufferedIOBase, limit: int, name: str) -> bytes:
    """At most `limit` bytes of `stream`; a DataError if there are more (sizes can lie)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DataError(f"{name}: larger than the {limit:,}-byte limit")
    return data


def display_name(path: str) -> str:
    """A user's own path, shortened for messages (it is their option, not file content)."""
    return path if len(path) <= 80 else "…" + path[-79:]


class FileOptions(DatasetOptions):
    """Options of a set read from one file: a path in the data dir, or an upload."""

    path: DataPath | None = Field(
        default=None, description="The file, relative to the data dir (or use `upload`)"
    )
    upload: UploadRef | None = Field(
        default=None, description="An uploaded file's sha256 (POST /api/datasets gives it)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> FileOptions:
        if self.path is not None and self.upload is not None:
            raise ValueError("give `path` or `upload`, not both")
        return self

    def file(self, ctx: LoadContext) -> tuple[Path, str]:
        return data_file(self.path, self.upload, ctx)
