"""Training tests run tiny models: one torch thread each (see tests/threads.py)."""

from tests.threads import one_thread

__all__ = ["one_thread"]
