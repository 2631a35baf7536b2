"""What a `layerlab` command's exit status means, for every command, and a run's end
as one.

    0  done: the document checks, the file is written, the run finished or was stopped
    1  the input is wrong or the run failed: a document, config or dataset error
    2  the command cannot start: a missing file, a bad setting or argument
    3  the run diverged (a non-finite loss)

Kept apart from `cli/__init__.py`, which imports every command module.
"""

from __future__ import annotations

from layerlab.train.events import END_STATUSES, FAILURE_STATUSES, RunStatus

OK = 0
ERROR = 1
CANNOT_START = 2
DIVERGED = 3


def run_exit(status: RunStatus) -> int:
    """A run's status as the exit status of the command that ran it, by the status
    groups of `train/events.py`: an end that is not a failure is OK; diverged is
    DIVERGED, any other failure (or a run that has not ended) ERROR."""
    if status == "diverged":
        return DIVERGED
    if status in FAILURE_STATUSES or status not in END_STATUSES:
        return ERROR
    return OK
