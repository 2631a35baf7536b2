"""Loading a user's data set in a child process, so that the load can always be stopped
and is bounded in time and memory.

A file a user names may be huge, slow or hostile (10^6 columns, a zip bomb, a parser's
worst case). Loaded on the training thread, it could hold a worker for hours: a stop was
recorded but never acted on, SIGTERM waited on it, and the queue starved. `load_isolated`
runs `load_dataset` in a fresh interpreter (`python -m layerlab.train.data.isolated`,
started with exec, never a fork of a process that has threads and torch) and looks at it
every 50 ms: a stop request, the time limit or the memory limit ends it with SIGKILL.

The child hands its result back through a private folder: the tensors as safetensors,
the info and extras as JSON, and last an outcome file; nothing is pickled either way.
A lazy set (one that stays on disk) comes back as its parts' JSON instead of tensors:
the child did the slow work (encoding a corpus into its token cache, listing a folder,
measuring normalisation statistics) and the parent only reopens the files.
A DataError in the child comes back as the same class with the same message.

Only loads that name a file the user chose go this way (`names_user_file`): a fresh
interpreter importing torch costs about 2 s, and built-in sets and the server's own
files load in-process as before.

Plain `subprocess` rather than a multiprocessing spawn context: both exec a fresh
interpreter, but multiprocessing also starts a resource-tracker process that outlives
the load, re-imports the parent's `__main__`, and pickles the arguments.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from pydantic import BaseModel
from safetensors.torch import load_file, save_file

import layerlab
from layerlab import format as fmt
from layerlab.train.data.base import DataError, DatasetInfo, LoadContext, LoadedDataset, Split
from layerlab.train.data.lazy import Dataset, LazyDataset, read_part
from layerlab.train.data.registry import MissingDataError, load_dataset
from layerlab.train.faults import balloon_point, hang_point

log = logging.getLogger(__name__)

POLL_S = 0.05
"""How often the parent looks at the child: a stop takes effect within this (plus the
kill), and memory can outgrow its limit only by what the child allocates in it."""
USER_FILE_OPTIONS = ("path", "upload", "url")
"""Options that name a file the user chose; a load with one of them is isolated."""
HANG_FAULT = "data_load_hang"
BALLOON_FAULT = "data_load_balloon"
REQUEST_FILE = "request.json"
OUTCOME_FILE = "outcome.json"
"""Written last (renamed into place): its presence means the child finished."""
TENSORS_FILE = "tensors.safetensors"
INFO_FILE = "info.json"
EXTRAS_FILE = "extras.json"
LAZY_FILE = "lazy.json"
"""A lazy set's parts, {"train": ..., "val": ...}, in place of the tensors."""
SPLIT_KEYS = ("train/x", "train/y", "val/x", "val/y")
EXTRA_TENSOR_PREFIX = "extras/"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class LoadLimits:
    time_s: float = 600.0
    """Wall-clock seconds from starting the child to its result, the child's own start
    (about 2 s: importing torch) included. Ten minutes parse a CSV of several GB; past
    that, a load is more likely stuck than slow."""
    memory_bytes: int = 8 * 2**30
    """The child's resident memory (RSS, bytes). A loaded set is held twice at most
    while it is parsed and written back, so 8 GiB allows sets of a few GB; the limit is
    enforced where /proc is readable (Linux)."""


DEFAULT_LIMITS = LoadLimits()


class LoadStopped(Exception):
    """The caller asked to stop (`should_stop`) while the data was loading."""


class _Request(BaseModel):
    """What the child loads; written by the parent as JSON."""

    name: str
    options: dict[str, Any]
    data_dir: str
    allow_download: bool
    allow_substitute: bool
    parent_pid: int
    threads: int
    log_level: int


class _Outcome(BaseModel):
    """How the load ended. `error_class` names a DataError subclass
    (module.qualname); `error_type` any other exception's type."""

    ok: bool
    error_class: str = ""
    error_type: str = ""
    message: str = ""
    summary: str | None = None


def names_user_file(options: Mapping[str, Any] | None) -> bool:
    """True when the options name a file the user chose (a non-empty path, upload or url)."""
    return any(options.get(key) for key in USER_FILE_OPTIONS) if options else False


def load_isolated(
    name: str,
    options: Mapping[str, Any] | None,
    ctx: LoadContext,
    *,
    allow_substitute: bool = False,
    limits: LoadLimits = DEFAULT_LIMITS,
    should_stop: Callable[[], bool] = lambda: False,
) -> Dataset:
    """`load_dataset(name, options, ctx, ...)` in a child process. Raises LoadStopped when
    `should_stop()` turns true, DataError when a limit is passed (or the data is wrong),
    RuntimeError for anything else that went wrong in the child. The child is gone and
    its folder removed when this returns or raises."""
    folder = _private_folder(ctx.data_dir)
    try:
        request = _Request(
            name=name,
            options=dict(options or {}),
            data_dir=str(ctx.data_dir),
            allow_download=ctx.allow_download,
            allow_substitute=allow_substitute,
            parent_pid=os.getpid(),
            threads=torch.get_num_threads(),
            log_level=logging.getLogger().getEffectiveLevel(),
        )
        (folder / REQUEST_FILE).write_text(request.model_dump_json())
        process = _start_child(folder)
        try:
            _watch(process, name, limits, should_stop)
        finally:
            if process.poll() is None:
                process.kill()  # SIGKILL: a hostile parser gets no say
            process.wait()
        return _read_result(folder, name, process.returncode)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def resident_bytes(pid: int) -> int | None:
    """A live process's resident memory (VmRSS), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024  # the kernel's "kB" are KiB
    except (OSError, ValueError, IndexError):
        return None
    return None


# -- the parent ---------------------------------------------------------------------------


def _private_folder(data_dir: Path) -> Path:
    """A fresh folder for one exchange: in the data dir (on disk, where a set of several
    GB fits; /tmp is often memory), else in the system's temporary directory."""
    with contextlib.suppress(OSError):
        data_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".load-", dir=data_dir))
    return Path(tempfile.mkdtemp(prefix="layerlab-load-"))


def _start_child(folder: Path) -> subprocess.Popen[bytes]:
    package_root = str(Path(layerlab.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
    return subprocess.Popen(
        [sys.executable, "-m", "layerlab.train.data.isolated", str(folder)],
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": path},
        # Its own session: a Ctrl-C meant for the worker reaches the worker, which
        # then ends the child itself.
        start_new_session=True,
    )


def _watch(
    process: subprocess.Popen[bytes],
    name: str,
    limits: LoadLimits,
    should_stop: Callable[[], bool],
) -> None:
    """Return when the child has exited; raise when it must be ended."""
    deadline = time.monotonic() + limits.time_s
    while True:
        try:
            process.wait(POLL_S)
            return
        except subprocess.TimeoutExpired:
            pass
        if should_stop():
            raise LoadStopped(f"stopped while loading dataset {name!r}")
        if time.monotonic() > deadline:
            raise DataError(
                f"loading dataset {name!r} took longer than the {limits.time_s:g} s limit; "
                "use a smaller file, or raise the limit (layerlab worker --data-load-timeout)"
            )
        resident = resident_bytes(process.pid)
        if resident is not None and resident > limits.memory_bytes:
            raise DataError(
                f"loading dataset {name!r} needed more than the {fmt.size(limits.memory_bytes)} "
                f"memory limit ({fmt.size(resident)} resident); use a smaller file, or raise "
                "the limit (layerlab worker --data-load-memory)"
            )


def _read_result(folder: Path, name: str, exit_code: int) -> Dataset:
    outcome_path = folder / OUTCOME_FILE
    if not outcome_path.exists():
        raise RuntimeError(
            f"the process loading dataset {name!r} ended ({_describe_exit(exit_code)}) "
            "without a result"
        )
    outcome = _Outcome.model_validate_json(outcome_path.read_bytes())
    if not outcome.ok:
        raise _error_of(outcome, name)
    tensors = load_file(str(folder / TENSORS_FILE))
    info = DatasetInfo.model_validate_json((folder / INFO_FILE).read_bytes())
    extras_file = json.loads((folder / EXTRAS_FILE).read_bytes())
    extras: dict[str, Any] = dict(extras_file["values"])
    for key in extras_file["tensors"]:
        extras[key] = tensors[EXTRA_TENSOR_PREFIX + key]
    if (folder / LAZY_FILE).exists():
        parts = json.loads((folder / LAZY_FILE).read_bytes())
        return LazyDataset(info, read_part(parts["train"]), read_part(parts["val"]), extras)
    train = Split(tensors["train/x"], tensors["train/y"])
    val = Split(tensors["val/x"], tensors["val/y"])
    return LoadedDataset(info=info, train=train, val=val, extras=extras)


def _describe_exit(code: int) -> str:
    if code >= 0:
        return f"exit status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = "; out of memory?" if -code == signal.SIGKILL else ""
    return f"killed by {name}{hint}"


def _error_of(outcome: _Outcome, name: str) -> Exception:
    """The child's exception, remade here: a DataError as its own class, anything else
    as a RuntimeError naming its type."""
    if not outcome.error_class:
        return RuntimeError(
            f"loading dataset {name!r} failed: {outcome.error_type}: {outcome.message}"
        )
    cls = _data_error_classes().get(outcome.error_class, DataError)
    try:
        if issubclass(cls, MissingDataError):
            return cls(outcome.message, summary=outcome.summary)
        return cls(outcome.message)
    except TypeError:  # a subclass with another signature
        return DataError(outcome.message)


def _class_key(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _data_error_classes() -> dict[str, type[DataError]]:
    """DataError and every subclass imported here, by module.qualname."""
    found: dict[str, type[DataError]] = {}
    pending: list[type[DataError]] = [DataError]
    while pending:
        cls = pending.pop()
        found[_class_key(cls)] = cls
        pending += cls.__subclasses__()
    return found


# -- the child ----------------------------------------------------------------------------


def _child_main(folder: Path) -> int:
    request = _Request.model_validate_json((folder / REQUEST_FILE).read_bytes())
    _die_with_parent(request.parent_pid)
    logging.basicConfig(
        level=request.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s [data load]: %(message)s",
    )
    torch.set_num_threads(request.threads)
    try:
        hang_point(HANG_FAULT)
        balloon_point(BALLOON_FAULT)
        ctx = LoadContext(Path(request.data_dir), request.allow_download)
        loaded = load_dataset(
            request.name, request.options, ctx, allow_substitute=request.allow_substitute
        )
        _write_result(folder, loaded)
        outcome = _Outcome(ok=True)
    except DataError as exc:
        summary = exc.summary if isinstance(exc, MissingDataError) else None
        outcome = _Outcome(
            ok=False, error_class=_class_key(type(exc)), message=str(exc), summary=summary
        )
    except Exception as exc:
        log.exception("loading dataset %s failed", request.name)
        outcome = _Outcome(ok=False, error_type=type(exc).__name__, message=str(exc))
    temporary = folder / (OUTCOME_FILE + ".tmp")
    temporary.write_text(outcome.model_dump_json())
    temporary.rename(folder / OUTCOME_FILE)
    return 0


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel end this process when the thread that started it ends (Linux), so
    a worker killed with -9 leaves no load behind; exit now if that already happened."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def _write_result(folder: Path, loaded: Dataset) -> None:
    tensors: dict[str, torch.Tensor] = {}
    if isinstance(loaded, LazyDataset):
        parts = {
            "train": loaded.train.model_dump(mode="json"),
            "val": loaded.val.model_dump(mode="json"),
        }
        (folder / LAZY_FILE).write_text(json.dumps(parts))
    else:
        tensors.update(zip(SPLIT_KEYS, _split_tensors(loaded), strict=True))
    values: dict[str, Any] = {}
    for key, value in loaded.extras.items():
        if isinstance(value, torch.Tensor):
            tensors[EXTRA_TENSOR_PREFIX + key] = value
        else:
            values[key] = value
    save_file(_unshared(tensors), str(folder / TENSORS_FILE))
    (folder / INFO_FILE).write_text(loaded.info.model_dump_json())
    extras_file = {"values": values, "tensors": sorted(set(loaded.extras) - set(values))}
    (folder / EXTRAS_FILE).write_text(json.dumps(extras_file))


def _split_tensors(loaded: LoadedDataset) -> list[torch.Tensor]:
    return [loaded.train.x, loaded.train.y, loaded.val.x, loaded.val.y]


def _unshared(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Contiguous CPU tensors, each with its own storage (safetensors refuses views of one
    storage; a loader's splits may be slices of one tensor)."""
    seen: set[int] = set()
    result: dict[str, torch.Tensor] = {}
    for key, tensor in tensors.items():
        tensor = tensor.detach().cpu().contiguous()
        storage = tensor.untyped_storage().data_ptr()
        if storage in seen:
            tensor = tensor.clone()
        elif storage:
            seen.add(storage)
        result[key] = tensor
    return result


if __name__ == "__main__":
    sys.exit(_child_main(Path(sys.argv[1])))
